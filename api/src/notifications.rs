//! In-app notifications (api.md: `GET /me/notifications`, `POST /me/notifications/read`),
//! fanned out from the events outbox in the transaction of the change:
//!
//! - on a ticket: subscribers hear of new comments, closing and reopening; assignees are
//!   subscribed and told; commenting subscribes the commenter (GitHub's habit);
//! - in the forum: a topic's author hears of replies, a post's author of answers to it.
//!
//! Rows point at what they are about; reading applies the visibility predicate to it, so a
//! notification never shows what its recipient may no longer see (a confidential ticket,
//! a comment still waiting for approval).

use crate::auth::{UserRef, Viewer};
use crate::db::{Sql, now_ms};
use crate::http::cond::json_with_etag;
use crate::http::json::Json;
use crate::http::page::{Page, cursor_after, keyset_page, limit, next_link_header};
use crate::http::problem::{ApiError, ApiResult};
use crate::state::AppState;
use crate::timefmt::rfc3339;
use axum::extract::{OriginalUri, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use sqlx::{Any, Row, Transaction};
use utoipa::{IntoParams, ToSchema};

/// What an event means for whom; called by `events::append` for every event.
pub async fn fan_out(
    tx: &mut Transaction<'_, Any>,
    event_id: &str,
    project: Option<&str>,
    ticket_id: Option<&str>,
    actor_id: Option<&str>,
    kind: &str,
    data: &serde_json::Value,
) -> Result<(), sqlx::Error> {
    let actor = actor_id.unwrap_or("");
    let now = now_ms();
    let s = |v: &str| data.get(v).and_then(|x| x.as_str()).map(str::to_owned);
    match (kind, ticket_id) {
        ("comment.created", Some(ticket)) => {
            sqlx::query(
                "INSERT INTO subscriptions (ticket_id, user_id, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT DO NOTHING",
            )
            .bind(ticket)
            .bind(actor)
            .bind(now)
            .execute(&mut **tx)
            .await?;
            to_subscribers(
                tx,
                event_id,
                kind,
                project,
                ticket,
                s("comment").as_deref(),
                actor,
                now,
            )
            .await
        }
        ("ticket.closed" | "ticket.reopened", Some(ticket)) => {
            to_subscribers(tx, event_id, kind, project, ticket, None, actor, now).await
        }
        ("ticket.assignees_set", Some(ticket)) => {
            sqlx::query(
                "INSERT INTO subscriptions (ticket_id, user_id, created_at)
                 SELECT ticket_id, user_id, $2 FROM ticket_assignees WHERE ticket_id = $1
                 ON CONFLICT DO NOTHING",
            )
            .bind(ticket)
            .bind(now)
            .execute(&mut **tx)
            .await?;
            sqlx::query(
                "INSERT INTO notifications (id, user_id, event_id, reason, actor_id, project, ticket_id, created_at)
                 SELECT $1 || '-' || a.user_id, a.user_id, $1, 'ticket.assigned', NULLIF($2, ''), $3, $4, $5
                 FROM ticket_assignees a WHERE a.ticket_id = $4 AND a.user_id <> $2",
            )
            .bind(event_id)
            .bind(actor)
            .bind(project)
            .bind(ticket)
            .bind(now)
            .execute(&mut **tx)
            .await?;
            Ok(())
        }
        ("post.created", _) => {
            let (Some(topic), Some(post)) = (s("topic"), s("post")) else {
                return Ok(());
            };
            // The author of the post answered hears first; the topic's author otherwise
            // (once, and never the actor). One statement: it runs in the writer's
            // transaction for every post.
            sqlx::query(
                "INSERT INTO notifications (id, user_id, event_id, reason, actor_id, topic_id, post_id, created_at)
                 SELECT $1 || '-' || x.user_id, x.user_id, $1, x.reason, NULLIF($2, ''), $3, $4, $5
                 FROM (SELECT p.author_id AS user_id, 'post.replied' AS reason FROM posts p
                           WHERE p.id = CAST($6 AS TEXT)
                       UNION ALL SELECT t.author_id, 'topic.replied' FROM topics t
                           WHERE t.id = $3 AND t.author_id <> COALESCE(
                               (SELECT r.author_id FROM posts r WHERE r.id = CAST($6 AS TEXT)), '')) x
                 WHERE x.user_id <> $2",
            )
            .bind(event_id)
            .bind(actor)
            .bind(&topic)
            .bind(&post)
            .bind(now)
            .bind(s("reply_to"))
            .execute(&mut **tx)
            .await?;
            Ok(())
        }
        _ => Ok(()),
    }
}

#[allow(clippy::too_many_arguments)]
async fn to_subscribers(
    tx: &mut Transaction<'_, Any>,
    event_id: &str,
    reason: &str,
    project: Option<&str>,
    ticket: &str,
    comment: Option<&str>,
    actor: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    // Ids derived from the event and the recipient: unique without a round trip per row.
    sqlx::query(
        "INSERT INTO notifications (id, user_id, event_id, reason, actor_id, project, ticket_id, comment_id, created_at)
         SELECT $1 || '-' || s.user_id, s.user_id, $1, $2, NULLIF($3, ''), $4, $5, $6, $7
         FROM subscriptions s WHERE s.ticket_id = $5 AND s.user_id <> $3",
    )
    .bind(event_id)
    .bind(reason)
    .bind(actor)
    .bind(project)
    .bind(ticket)
    .bind(comment)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What a notification is about.
#[derive(Debug, Serialize, ToSchema)]
pub struct Subject {
    /// `ticket` or `topic`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Ticket: its project and number; topic: its id.
    pub project: Option<String>,
    pub number: Option<i64>,
    pub id: String,
    pub title: String,
    /// The comment or post it concerns, if any.
    pub item_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Notification {
    pub id: String,
    /// `comment.created`, `ticket.closed`, `ticket.reopened`, `ticket.assigned`,
    /// `post.replied` or `topic.replied`.
    pub reason: String,
    pub actor: Option<UserRef>,
    pub subject: Subject,
    pub read: bool,
    pub created_at: String,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationQuery {
    /// Only unread ones.
    pub unread: Option<bool>,
    /// 1–100, default 20.
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The caller's notifications, newest first.
#[utoipa::path(get, path = "/me/notifications", tag = "meta",
    params(NotificationQuery),
    responses((status = 200, body = Page<Notification>, headers(("Link" = String), ("ETag" = String))),
        (status = 304), (status = 401, body = crate::http::problem::Problem),
        (status = 422, body = crate::http::problem::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<NotificationQuery>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let me = viewer.require_user()?;
    let limit = limit(q.limit)?;
    let mut s = Sql::new(
        "SELECT n.id, n.reason, n.actor_id, n.project, n.ticket_id, n.comment_id, n.topic_id, n.post_id, \
         n.created_at, n.read_at, t.number, t.title AS ticket_title, tp.title AS topic_title, \
         a.username, a.display_name \
         FROM notifications n \
         LEFT JOIN tickets t ON t.id = n.ticket_id \
         LEFT JOIN comments c ON c.id = n.comment_id \
         LEFT JOIN topics tp ON tp.id = n.topic_id \
         LEFT JOIN posts p ON p.id = n.post_id \
         LEFT JOIN users a ON a.id = n.actor_id WHERE n.user_id = ",
    );
    s.bind(&me.id);
    let ticket = crate::visibility::ticket(&viewer, &mut s, "t");
    let comment = crate::visibility::comment(&viewer, &mut s, "c", "t");
    let topic = crate::visibility::topic(&viewer, &mut s, "tp");
    let post = crate::visibility::post(&viewer, &mut s, "p", "tp");
    s.push(&format!(
        " AND ((n.ticket_id IS NOT NULL AND t.id IS NOT NULL AND {ticket} \
             AND (n.comment_id IS NULL OR (c.id IS NOT NULL AND {comment}))) \
           OR (n.topic_id IS NOT NULL AND tp.id IS NOT NULL AND {topic} \
             AND (n.post_id IS NULL OR (p.id IS NOT NULL AND {post}))))"
    ));
    if q.unread == Some(true) {
        s.push(" AND n.read_at IS NULL");
    }
    keyset_page(
        &mut s,
        q.cursor.as_deref(),
        "n.created_at",
        "n.id",
        true,
        limit,
    )?;
    let rows = s.query().fetch_all(&state.db.read).await?;
    let mut items = Vec::new();
    let mut last_key = 0;
    for r in rows.iter().take(limit as usize) {
        last_key = r.try_get("created_at")?;
        let actor_id: Option<String> = r.try_get("actor_id")?;
        let ticket_id: Option<String> = r.try_get("ticket_id")?;
        let subject = match ticket_id {
            Some(id) => Subject {
                kind: "ticket".into(),
                project: r.try_get("project")?,
                number: r.try_get("number")?,
                id,
                title: r.try_get("ticket_title")?,
                item_id: r.try_get("comment_id")?,
            },
            None => Subject {
                kind: "topic".into(),
                project: None,
                number: None,
                id: r
                    .try_get::<Option<String>, _>("topic_id")?
                    .unwrap_or_default(),
                title: r.try_get("topic_title")?,
                item_id: r.try_get("post_id")?,
            },
        };
        items.push(Notification {
            id: r.try_get("id")?,
            reason: r.try_get("reason")?,
            actor: match actor_id {
                Some(id) => Some(UserRef {
                    id,
                    username: r.try_get("username")?,
                    display_name: r.try_get("display_name")?,
                }),
                None => None,
            },
            subject,
            read: r.try_get::<Option<i64>, _>("read_at")?.is_some(),
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

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkRead {
    /// These notifications; without `ids`, all of the caller's.
    pub ids: Option<Vec<String>>,
}

/// Marks notifications as read.
#[utoipa::path(post, path = "/me/notifications/read", tag = "meta", request_body = MarkRead,
    responses((status = 204), (status = 401, body = crate::http::problem::Problem),
        (status = 422, body = crate::http::problem::Problem)))]
pub async fn mark_read(
    State(state): State<AppState>,
    viewer: Viewer,
    Json(body): Json<MarkRead>,
) -> ApiResult<Response> {
    let me = viewer.require_user()?;
    let mut s = Sql::new("UPDATE notifications SET read_at = ");
    s.bind(now_ms())
        .push(" WHERE read_at IS NULL AND user_id = ")
        .bind(&me.id);
    if let Some(ids) = &body.ids {
        if ids.is_empty() || ids.len() > 100 {
            return Err(ApiError::invalid(
                "ids",
                "1 to 100 ids, or leave `ids` out for all",
            ));
        }
        let ps: Vec<String> = ids.iter().map(|i| s.arg(i)).collect();
        s.push(" AND id IN (").push(&ps.join(", ")).push(")");
    }
    s.query().execute(&state.db.write).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
