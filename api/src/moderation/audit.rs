//! The append-only audit log: `record` inside the transaction of every moderation,
//! permission and token change; `GET /audit-events` for admins, and its moderation part
//! for moderators.

use crate::auth::{UserRef, Viewer};
use crate::db::{Sql, new_id, now_ms};
use crate::http::cond::json_with_etag;
use crate::http::page::{Page, cursor_after, keyset_page, limit, next_link_header};
use crate::http::problem::ApiResult;
use crate::state::AppState;
use crate::timefmt::rfc3339;
use axum::extract::{OriginalUri, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use sqlx::{Any, Row, Transaction};
use utoipa::{IntoParams, ToSchema};

/// Appends one audit event in the caller's transaction.
pub async fn record(
    tx: &mut Transaction<'_, Any>,
    actor_id: Option<&str>,
    action: &str,
    target: (&str, &str),
    reason: Option<&str>,
    data: serde_json::Value,
) -> Result<(), sqlx::Error> {
    let context = crate::http::layers::request_context();
    sqlx::query(
        "INSERT INTO audit_events (id, actor_id, action, target_kind, target_id, reason, data, created_at, request_ip, request_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(new_id())
    .bind(actor_id)
    .bind(action)
    .bind(target.0)
    .bind(target.1)
    .bind(reason)
    .bind(data.to_string())
    .bind(now_ms())
    .bind(context.ip_prefix)
    .bind(context.request_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEvent {
    pub id: String,
    /// Null for anonymous actions (anonymous reports).
    pub actor: Option<UserRef>,
    /// E.g. `report.created`, `queue.decided`, `user.silenced`, `token.created`.
    pub action: String,
    /// `kind:id`, e.g. `post:0190…`.
    pub target: String,
    pub reason: Option<String>,
    /// Before/after summary of the change.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    /// The request it came from (its `X-Request-Id`).
    pub request_id: Option<String>,
    /// The client's address prefix (/24 or /48); shown to admins only.
    pub ip_prefix: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// A username.
    pub actor: Option<String>,
    /// An action, e.g. `user.silenced`.
    pub action: Option<String>,
    /// `kind:id` (e.g. `post:0190…`) or just a kind (`post`).
    pub target: Option<String>,
    /// 1–100, default 20.
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The action families moderators may read (admins read everything).
pub const MODERATOR_SCOPE: [&str; 8] = [
    "report.%",
    "queue.%",
    "content.%",
    "user.%silenc%",
    "user.%suspen%",
    "topic.%",
    "ticket.%lock%",
    "interaction_limit.%",
];

/// The audit log, newest first (admins; moderators see the moderation part).
#[utoipa::path(get, path = "/audit-events", tag = "moderation",
    params(AuditQuery),
    responses((status = 200, body = Page<AuditEvent>, headers(("Link" = String), ("ETag" = String))),
        (status = 401, body = crate::http::problem::Problem), (status = 403, body = crate::http::problem::Problem),
        (status = 422, body = crate::http::problem::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<AuditQuery>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    viewer.require_moderator()?;
    let limit = limit(q.limit)?;
    let mut s = Sql::new(
        "SELECT a.id, a.actor_id, a.action, a.target_kind, a.target_id, a.reason, a.data, a.created_at, \
         a.request_id, a.request_ip, \
         u.username, u.display_name FROM audit_events a LEFT JOIN users u ON u.id = a.actor_id WHERE 1 = 1",
    );
    if !viewer.is_admin() {
        // Moderators see the moderation record (reports, decisions, sanctions, holds,
        // interaction limits), not people's tokens and permission changes.
        let scoped: Vec<String> = MODERATOR_SCOPE.iter().map(|p| s.arg(*p)).collect();
        s.push(" AND (");
        for (i, p) in scoped.iter().enumerate() {
            if i > 0 {
                s.push(" OR ");
            }
            s.push(&format!("a.action LIKE {p}"));
        }
        s.push(")");
    }
    if let Some(actor) = &q.actor {
        s.push(" AND u.username = ").bind(actor);
    }
    if let Some(action) = &q.action {
        s.push(" AND a.action = ").bind(action);
    }
    if let Some(target) = &q.target {
        match target.split_once(':') {
            Some((kind, id)) => {
                s.push(" AND a.target_kind = ").bind(kind);
                s.push(" AND a.target_id = ").bind(id);
            }
            None => {
                s.push(" AND a.target_kind = ").bind(target);
            }
        }
    }
    keyset_page(
        &mut s,
        q.cursor.as_deref(),
        "a.created_at",
        "a.id",
        true,
        limit,
    )?;
    let rows = s.query().fetch_all(&state.db.read).await?;
    let mut items = Vec::new();
    let mut last_key = 0;
    for r in rows.iter().take(limit as usize) {
        last_key = r.try_get("created_at")?;
        let actor_id: Option<String> = r.try_get("actor_id")?;
        let data: String = r.try_get("data")?;
        items.push(AuditEvent {
            id: r.try_get("id")?,
            actor: match actor_id {
                Some(id) => Some(UserRef {
                    id,
                    username: r.try_get("username")?,
                    display_name: r.try_get("display_name")?,
                }),
                None => None,
            },
            action: r.try_get("action")?,
            target: format!(
                "{}:{}",
                r.try_get::<String, _>("target_kind")?,
                r.try_get::<String, _>("target_id")?
            ),
            reason: r.try_get("reason")?,
            data: serde_json::from_str(&data).unwrap_or(serde_json::Value::Null),
            request_id: r.try_get("request_id")?,
            ip_prefix: if viewer.is_admin() {
                r.try_get("request_ip")?
            } else {
                None
            },
            created_at: rfc3339(last_key),
        });
    }
    let next_cursor = cursor_after(
        rows.len() as i64 > limit,
        last_key,
        items.last().map(|i| i.id.as_str()),
    );
    let extra = next_link_header(&uri, next_cursor.as_deref());
    json_with_etag(&headers, None, true, extra, &Page { items, next_cursor })
}
