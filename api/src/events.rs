//! The outbox: every write appends one event row in the same transaction, so the timeline,
//! notifications and later webhooks never miss a change, even across crashes.

use crate::db::{new_id, now_ms};
use sqlx::{Any, Transaction};

pub async fn append(
    tx: &mut Transaction<'_, Any>,
    project: Option<&str>,
    ticket_id: Option<&str>,
    actor_id: Option<&str>,
    kind: &str,
    data: serde_json::Value,
) -> Result<(), sqlx::Error> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO events (id, project, ticket_id, actor_id, kind, data, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(project)
    .bind(ticket_id)
    .bind(actor_id)
    .bind(kind)
    .bind(data.to_string())
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    crate::notifications::fan_out(tx, &id, project, ticket_id, actor_id, kind, &data).await
}
