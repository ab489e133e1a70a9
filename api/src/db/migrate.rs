//! Schema migrations: one ordered list; most steps are portable SQL, a step that cannot be
//! (full-text search) has a SQLite and a PostgreSQL twin with the same number and name.
//! Applied versions are recorded in `schema_migrations`, each step in its own transaction.

use super::{Backend, Db, DbError};
use sqlx::Row;

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_core",
        sqlite: include_str!("../../migrations/0001_core.sql"),
        postgres: include_str!("../../migrations/0001_core.sql"),
    },
    Migration {
        version: 2,
        name: "0002_search",
        sqlite: include_str!("../../migrations/sqlite/0002_search.sql"),
        postgres: include_str!("../../migrations/postgres/0002_search.sql"),
    },
    Migration {
        version: 3,
        name: "0003_forum",
        sqlite: include_str!("../../migrations/0003_forum.sql"),
        postgres: include_str!("../../migrations/0003_forum.sql"),
    },
    Migration {
        version: 4,
        name: "0004_forum_search",
        sqlite: include_str!("../../migrations/sqlite/0004_forum_search.sql"),
        postgres: include_str!("../../migrations/postgres/0004_forum_search.sql"),
    },
    Migration {
        version: 5,
        name: "0005_moderation",
        sqlite: include_str!("../../migrations/0005_moderation.sql"),
        postgres: include_str!("../../migrations/0005_moderation.sql"),
    },
    Migration {
        version: 6,
        name: "0006_gate",
        sqlite: include_str!("../../migrations/0006_gate.sql"),
        postgres: include_str!("../../migrations/0006_gate.sql"),
    },
];

pub async fn run(db: &Db) -> Result<(), DbError> {
    let fail = |name: &str| {
        let name = name.to_owned();
        move |source| DbError::Migrate { name, source }
    };
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    )
    .execute(&db.write)
    .await
    .map_err(fail("schema_migrations"))?;
    for m in MIGRATIONS {
        let mut tx = db.write.begin().await.map_err(fail(m.name))?;
        let done = sqlx::query("SELECT COUNT(*) AS n FROM schema_migrations WHERE version = $1")
            .bind(m.version)
            .fetch_one(&mut *tx)
            .await
            .map_err(fail(m.name))?
            .try_get::<i64, _>("n")
            .map_err(fail(m.name))?;
        if done > 0 {
            continue;
        }
        let sql = match db.backend {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        };
        sqlx::raw_sql(sql)
            .execute(&mut *tx)
            .await
            .map_err(fail(m.name))?;
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(m.version)
        .bind(m.name)
        .bind(super::now_ms())
        .execute(&mut *tx)
        .await
        .map_err(fail(m.name))?;
        tx.commit().await.map_err(fail(m.name))?;
        tracing::info!(migration = m.name, "applied");
    }
    Ok(())
}
