//! Lock with reason, reactions, subscriptions and the timeline of a ticket.

use super::write::{current, touch};
use super::{REACTIONS, check_project};
use crate::auth::{UserRef, Viewer};
use crate::db::{Sql, now_ms};
use crate::events::append;
use crate::http::cond::json_with_etag;
use crate::http::json::Json;
use crate::http::page::{Cursor, Page, cursor_after, limit, next_link_header};
use crate::http::problem::{ApiError, ApiResult};
use crate::state::AppState;
use crate::timefmt::rfc3339;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::{Any, Row, Transaction};
use utoipa::ToSchema;

/// GitHub's lock reasons.
pub const LOCK_REASONS: [&str; 4] = ["off_topic", "too_heated", "resolved", "spam"];

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    /// `off_topic`, `too_heated`, `resolved` or `spam`.
    pub reason: String,
}

/// Locks a ticket with a reason: only moderators can comment or edit then.
#[utoipa::path(put, path = "/projects/{slug}/tickets/{number}/lock", tag = "tickets",
    params(("slug" = String, Path), ("number" = i64, Path)), request_body = Lock,
    responses((status = 204), (status = 401, body = crate::http::problem::Problem),
        (status = 403, body = crate::http::problem::Problem), (status = 404, body = crate::http::problem::Problem),
        (status = 422, body = crate::http::problem::Problem)))]
pub async fn lock(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((slug, number)): Path<(String, i64)>,
    Json(body): Json<Lock>,
) -> ApiResult<StatusCode> {
    check_project(&state, &slug)?;
    let user = viewer.require_moderator()?;
    if !LOCK_REASONS.contains(&body.reason.as_str()) {
        return Err(ApiError::invalid("reason", LOCK_REASONS.join(", ")));
    }
    set_lock(&state, &viewer, &user.id, &slug, number, Some(&body.reason)).await
}

/// Unlocks a ticket.
#[utoipa::path(delete, path = "/projects/{slug}/tickets/{number}/lock", tag = "tickets",
    params(("slug" = String, Path), ("number" = i64, Path)),
    responses((status = 204), (status = 401, body = crate::http::problem::Problem),
        (status = 403, body = crate::http::problem::Problem), (status = 404, body = crate::http::problem::Problem)))]
pub async fn unlock(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((slug, number)): Path<(String, i64)>,
) -> ApiResult<StatusCode> {
    check_project(&state, &slug)?;
    let user = viewer.require_moderator()?;
    set_lock(&state, &viewer, &user.id, &slug, number, None).await
}

async fn set_lock(
    state: &AppState,
    viewer: &Viewer,
    actor: &str,
    slug: &str,
    number: i64,
    reason: Option<&str>,
) -> ApiResult<StatusCode> {
    let mut tx = state.db.write.begin().await?;
    let cur = current(&mut tx, viewer, slug, number).await?;
    sqlx::query("UPDATE tickets SET locked = $1, locked_reason = $2 WHERE id = $3")
        .bind(i64::from(reason.is_some()))
        .bind(reason)
        .bind(&cur.id)
        .execute(&mut *tx)
        .await?;
    touch(&mut tx, &cur.id).await?;
    let kind = if reason.is_some() {
        "ticket.locked"
    } else {
        "ticket.unlocked"
    };
    append(
        &mut tx,
        Some(slug),
        Some(&cur.id),
        Some(actor),
        kind,
        json!({"reason": reason}),
    )
    .await?;
    // Locking is a moderation decision: it belongs in the audit log too.
    crate::moderation::audit::record(
        &mut tx,
        Some(actor),
        kind,
        ("ticket", &cur.id),
        reason,
        json!({"project": slug, "number": number}),
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds or removes one reaction; true when something changed.
pub async fn set_reaction(
    tx: &mut Transaction<'_, Any>,
    target_kind: &str,
    target_id: &str,
    user_id: &str,
    kind: &str,
    add: bool,
) -> ApiResult<bool> {
    let done = if add {
        sqlx::query(
            "INSERT INTO reactions (target_kind, target_id, user_id, kind, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT DO NOTHING",
        )
        .bind(target_kind)
        .bind(target_id)
        .bind(user_id)
        .bind(kind)
        .bind(now_ms())
        .execute(&mut **tx)
        .await?
    } else {
        sqlx::query(
            "DELETE FROM reactions WHERE target_kind = $1 AND target_id = $2 AND user_id = $3 AND kind = $4",
        )
        .bind(target_kind)
        .bind(target_id)
        .bind(user_id)
        .bind(kind)
        .execute(&mut **tx)
        .await?
    };
    Ok(done.rows_affected() > 0)
}

async fn react_ticket(
    state: &AppState,
    viewer: &Viewer,
    slug: &str,
    number: i64,
    kind: &str,
    add: bool,
) -> ApiResult<StatusCode> {
    check_project(state, slug)?;
    let user = viewer.require_scope("tickets:write")?;
    if !REACTIONS.contains(&kind) {
        return Err(ApiError::NotFound);
    }
    let mut tx = state.db.write.begin().await?;
    let cur = current(&mut tx, viewer, slug, number).await?;
    if cur.visibility == "deleted" {
        return Err(ApiError::Conflict("The ticket is deleted.".into()));
    }
    if set_reaction(&mut tx, "ticket", &cur.id, &user.id, kind, add).await? {
        // The reaction counts are part of the ticket's representation, hence its version.
        sqlx::query("UPDATE tickets SET version = version + 1 WHERE id = $1")
            .bind(&cur.id)
            .execute(&mut *tx)
            .await?;
        append(
            &mut tx,
            Some(slug),
            Some(&cur.id),
            Some(&user.id),
            if add {
                "reaction.added"
            } else {
                "reaction.removed"
            },
            json!({"kind": kind}),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds the caller's reaction (`+1`, `-1`, `laugh`, `confused`, `heart`, `hooray`, `rocket`, `eyes`).
#[utoipa::path(put, path = "/projects/{slug}/tickets/{number}/reactions/{kind}", tag = "reactions",
    params(("slug" = String, Path), ("number" = i64, Path), ("kind" = String, Path)),
    responses((status = 204), (status = 401, body = crate::http::problem::Problem),
        (status = 403, body = crate::http::problem::Problem), (status = 404, body = crate::http::problem::Problem)))]
pub async fn put_ticket_reaction(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((slug, number, kind)): Path<(String, i64, String)>,
) -> ApiResult<StatusCode> {
    react_ticket(&state, &viewer, &slug, number, &kind, true).await
}

/// Removes the caller's reaction.
#[utoipa::path(delete, path = "/projects/{slug}/tickets/{number}/reactions/{kind}", tag = "reactions",
    params(("slug" = String, Path), ("number" = i64, Path), ("kind" = String, Path)),
    responses((status = 204), (status = 401, body = crate::http::problem::Problem),
        (status = 403, body = crate::http::problem::Problem), (status = 404, body = crate::http::problem::Problem)))]
pub async fn delete_ticket_reaction(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((slug, number, kind)): Path<(String, i64, String)>,
) -> ApiResult<StatusCode> {
    react_ticket(&state, &viewer, &slug, number, &kind, false).await
}

/// Adds the caller's reaction to a comment.
#[utoipa::path(put, path = "/comments/{id}/reactions/{kind}", tag = "reactions",
    params(("id" = String, Path), ("kind" = String, Path)),
    responses((status = 204), (status = 401, body = crate::http::problem::Problem),
        (status = 403, body = crate::http::problem::Problem), (status = 404, body = crate::http::problem::Problem)))]
pub async fn put_comment_reaction(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, kind)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    super::comments::react(&state, &viewer, &id, &kind, true).await
}

/// Removes the caller's reaction from a comment.
#[utoipa::path(delete, path = "/comments/{id}/reactions/{kind}", tag = "reactions",
    params(("id" = String, Path), ("kind" = String, Path)),
    responses((status = 204), (status = 401, body = crate::http::problem::Problem),
        (status = 403, body = crate::http::problem::Problem), (status = 404, body = crate::http::problem::Problem)))]
pub async fn delete_comment_reaction(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, kind)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    super::comments::react(&state, &viewer, &id, &kind, false).await
}

async fn subscribe(
    state: &AppState,
    viewer: &Viewer,
    slug: &str,
    number: i64,
    on: bool,
) -> ApiResult<StatusCode> {
    check_project(state, slug)?;
    let user = viewer.require_user()?;
    let mut tx = state.db.write.begin().await?;
    let cur = current(&mut tx, viewer, slug, number).await?;
    let done = if on {
        sqlx::query(
            "INSERT INTO subscriptions (ticket_id, user_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(&cur.id)
        .bind(&user.id)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?
    } else {
        sqlx::query("DELETE FROM subscriptions WHERE ticket_id = $1 AND user_id = $2")
            .bind(&cur.id)
            .bind(&user.id)
            .execute(&mut *tx)
            .await?
    };
    if done.rows_affected() > 0 {
        append(
            &mut tx,
            Some(slug),
            Some(&cur.id),
            Some(&user.id),
            if on {
                "subscription.added"
            } else {
                "subscription.removed"
            },
            json!({}),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Follows a ticket (notifications).
#[utoipa::path(put, path = "/projects/{slug}/tickets/{number}/subscription", tag = "tickets",
    params(("slug" = String, Path), ("number" = i64, Path)),
    responses((status = 204), (status = 401, body = crate::http::problem::Problem),
        (status = 404, body = crate::http::problem::Problem)))]
pub async fn put_subscription(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((slug, number)): Path<(String, i64)>,
) -> ApiResult<StatusCode> {
    subscribe(&state, &viewer, &slug, number, true).await
}

/// Stops following a ticket.
#[utoipa::path(delete, path = "/projects/{slug}/tickets/{number}/subscription", tag = "tickets",
    params(("slug" = String, Path), ("number" = i64, Path)),
    responses((status = 204), (status = 401, body = crate::http::problem::Problem),
        (status = 404, body = crate::http::problem::Problem)))]
pub async fn delete_subscription(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((slug, number)): Path<(String, i64)>,
) -> ApiResult<StatusCode> {
    subscribe(&state, &viewer, &slug, number, false).await
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Event {
    pub id: String,
    /// e.g. `ticket.created`, `ticket.closed`, `comment.created`, `ticket.labels_set`.
    pub kind: String,
    pub actor: Option<UserRef>,
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    pub created_at: String,
}

/// The timeline of a ticket, oldest first (from the events outbox).
#[utoipa::path(get, path = "/projects/{slug}/tickets/{number}/events", tag = "tickets",
    params(("slug" = String, Path), ("number" = i64, Path), super::comments::PageQuery),
    responses((status = 200, body = Page<Event>, headers(("Link" = String), ("ETag" = String))),
        (status = 304), (status = 404, body = crate::http::problem::Problem)))]
pub async fn events(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((slug, number)): Path<(String, i64)>,
    Query(q): Query<super::comments::PageQuery>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    check_project(&state, &slug)?;
    let limit = limit(q.limit)?;
    let mut s = Sql::new(
        "SELECT e.id, e.kind, e.data, e.created_at, e.actor_id, u.username, u.display_name \
         FROM events e JOIN tickets t ON t.id = e.ticket_id LEFT JOIN users u ON u.id = e.actor_id \
         WHERE t.project = ",
    );
    s.bind(&slug).push(" AND t.number = ").bind(number);
    let visible = crate::visibility::ticket(&viewer, &mut s, "t");
    s.push(" AND ").push(&visible);
    // Who subscribes is private; the timeline shows what happened to the ticket.
    s.push(" AND e.kind NOT LIKE 'subscription.%'");
    if let Some(c) = &q.cursor {
        // Event ids are UUIDv7, so they sort by time; the key part is unused.
        let c = Cursor::decode(c)?;
        s.push(" AND e.id > ").bind(c.id);
    }
    s.push(" ORDER BY e.id LIMIT ").bind(limit + 1);
    let rows = s.query().fetch_all(&state.db.read).await?;
    if rows.is_empty() {
        // An invisible ticket and one without events look the same only if it exists.
        super::load(&state.db.read, &viewer, &slug, number).await?;
    }
    let mut items = Vec::new();
    for r in rows.iter().take(limit as usize) {
        let data: String = r.try_get("data")?;
        let actor_id: Option<String> = r.try_get("actor_id")?;
        let actor = match actor_id {
            Some(id) => Some(UserRef {
                id,
                username: r.try_get("username")?,
                display_name: r.try_get("display_name")?,
            }),
            None => None,
        };
        items.push(Event {
            id: r.try_get("id")?,
            kind: r.try_get("kind")?,
            actor,
            data: serde_json::from_str(&data).unwrap_or(serde_json::Value::Null),
            created_at: rfc3339(r.try_get("created_at")?),
        });
    }
    let next_cursor = cursor_after(
        rows.len() as i64 > limit,
        0,
        items.last().map(|i| i.id.as_str()),
    );
    let extra = next_link_header(&uri, next_cursor.as_deref());
    json_with_etag(
        &headers,
        None,
        viewer.user.is_some(),
        extra,
        &Page { items, next_cursor },
    )
}
