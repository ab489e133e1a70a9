//! Storage: one code path over SQLite and PostgreSQL through sqlx's `Any` driver.
//!
//! Why `Any` rather than an enum over two typed pools: every query here is written once in
//! portable SQL with `$N` placeholders (which sqlx's SQLite driver accepts too) and binds and
//! decodes only `i64`, `String` and their `Option`s, which `Any` maps exactly on both
//! databases; an enum would double every call site or need a macro for no gain in type
//! safety. The few backend-specific pieces (full-text search) branch on [`Backend`].
//!
//! SQLite gets one writer connection and a pool of readers: SQLite allows one writer at a
//! time anyway, and queueing writers in the pool avoids `SQLITE_BUSY` on lock upgrades.
//! A handler answers a write by reading the stored row back through the read pool, not the
//! writer: in WAL mode a read that starts after the commit sees it, and the single writer
//! connection stays free for the next transaction.

mod migrate;
pub mod sql;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::time::Duration;

pub use sql::{Arg, Sql};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
pub struct Db {
    pub read: AnyPool,
    pub write: AnyPool,
    pub backend: Backend,
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot open the database {url}: {source}\n  hint: {hint}")]
    Open {
        url: String,
        source: sqlx::Error,
        hint: &'static str,
    },
    #[error(
        "migration {name} failed: {source}\n  hint: the database was left at the previous version; fix the cause and start again"
    )]
    Migrate { name: String, source: sqlx::Error },
}

impl Db {
    /// Opens (and for SQLite creates) the database and brings its schema up to date.
    pub async fn open(url: &str) -> Result<Db, DbError> {
        install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            Backend::Postgres
        };
        let open_err = |source| DbError::Open {
            url: crate::config::redact(url),
            source,
            hint: match backend {
                Backend::Sqlite => "check that the folder exists and is writable",
                Backend::Postgres => {
                    "check that the server runs, and the user, password and database name"
                }
            },
        };
        let db = match backend {
            Backend::Sqlite => {
                let options = || {
                    AnyPoolOptions::new()
                        .acquire_timeout(Duration::from_secs(10))
                        .after_connect(|conn, _| {
                            Box::pin(async move {
                                // WAL: readers never block the writer and vice versa.
                                conn.execute("PRAGMA journal_mode = WAL").await?;
                                conn.execute("PRAGMA synchronous = NORMAL").await?;
                                conn.execute("PRAGMA foreign_keys = ON").await?;
                                conn.execute("PRAGMA busy_timeout = 5000").await?;
                                Ok(())
                            })
                        })
                };
                let write = options()
                    .max_connections(1)
                    .connect(url)
                    .await
                    .map_err(open_err)?;
                let read = options()
                    .max_connections(8)
                    .connect(url)
                    .await
                    .map_err(open_err)?;
                Db {
                    read,
                    write,
                    backend,
                }
            }
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect(url)
                    .await
                    .map_err(open_err)?;
                Db {
                    read: pool.clone(),
                    write: pool,
                    backend,
                }
            }
        };
        migrate::run(&db).await?;
        Ok(db)
    }
}

/// Milliseconds since 1970 (UTC), the unit of every stored time.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// A new row id: UUIDv7 (time-ordered, so ids sort by creation like the keyset cursors).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
