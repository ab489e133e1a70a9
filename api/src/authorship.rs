//! Changing a contribution someone wrote: only its author or a moderator, only at the
//! version the client last saw (`If-Match`), and a deletion leaves a tombstone so that
//! threads keep their shape and answers keep what they answered.

use crate::auth::{User, Viewer};
use crate::http::cond::{check_if_match, row_etag};
use crate::http::problem::{ApiError, ApiResult};
use axum::http::HeaderMap;
use sqlx::{Any, Transaction};

/// The row a change is about, as read in the changing transaction.
pub struct Authored<'a> {
    /// ETag kind and noun: `post`, `topic`, `comment`.
    pub kind: &'static str,
    pub id: &'a str,
    pub version: i64,
    pub author_id: &'a str,
}

/// `If-Match` (412) first, then the author-or-moderator rule (403); `verb` names the
/// change in the message ("edit", "delete").
pub fn may_change(
    headers: &HeaderMap,
    viewer: &Viewer,
    user: &User,
    row: &Authored<'_>,
    verb: &str,
) -> ApiResult<()> {
    check_if_match(headers, &row_etag(row.kind, row.id, row.version))?;
    if row.author_id != user.id && !viewer.is_moderator() {
        return Err(ApiError::Forbidden(format!(
            "Only the author and moderators {verb} a {}.",
            row.kind
        )));
    }
    Ok(())
}

/// Marks the row of `table` deleted by `by` (its text is no longer served) and bumps its
/// version.
pub async fn tombstone(
    tx: &mut Transaction<'_, Any>,
    table: &'static str,
    id: &str,
    by: &str,
    now: i64,
) -> ApiResult<()> {
    sqlx::query(&format!(
        "UPDATE {table} SET visibility = 'deleted', deleted_at = $1, deleted_by = $2,
            version = version + 1, updated_at = $1 WHERE id = $3"
    ))
    .bind(now)
    .bind(by)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
