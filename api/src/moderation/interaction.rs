//! Temporary interaction limits per project (GitHub's levels, 1 day to 6 months):
//! `PUT/GET/DELETE /projects/{slug}/interaction-limit`. While one is active, only the
//! accounts its level admits may open tickets or topics, comment or post there; moderators
//! always may.

use super::audit;
use crate::auth::{User, Viewer};
use crate::db::now_ms;
use crate::http::json::Json;
use crate::http::problem::{ApiError, ApiResult, FieldError};
use crate::state::AppState;
use crate::timefmt::rfc3339;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::{Any, Row, Transaction};
use utoipa::ToSchema;

pub const LEVELS: [&str; 3] = ["existing_users", "prior_contributors", "moderators_only"];
/// GitHub's durations.
pub const DURATIONS: [(&str, i64); 5] = [
    ("one_day", 1),
    ("three_days", 3),
    ("one_week", 7),
    ("one_month", 30),
    ("six_months", 180),
];
const DAY_MS: i64 = 86_400_000;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInteractionLimit {
    /// `existing_users` (accounts older than 24 hours), `prior_contributors` (accounts with
    /// a public contribution in this project) or `moderators_only`.
    pub level: String,
    /// `one_day`, `three_days`, `one_week` (default), `one_month` or `six_months`.
    pub expiry: Option<String>,
    /// Shown to everyone the limit stops; stored in the audit log.
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InteractionLimit {
    pub project: String,
    pub level: String,
    pub reason: String,
    pub expires_at: String,
}

async fn active(
    ex: impl sqlx::Executor<'_, Database = Any>,
    project: &str,
    now: i64,
) -> ApiResult<Option<(String, String, i64)>> {
    let row = sqlx::query(
        "SELECT level, reason, expires_at FROM interaction_limits WHERE project = $1 AND expires_at > $2",
    )
    .bind(project)
    .bind(now)
    .fetch_optional(ex)
    .await?;
    Ok(match row {
        Some(r) => Some((
            r.try_get("level")?,
            r.try_get("reason")?,
            r.try_get("expires_at")?,
        )),
        None => None,
    })
}

/// Refuses (403) a contribution the project's active limit does not admit.
pub async fn enforce(
    tx: &mut Transaction<'_, Any>,
    project: &str,
    user: &User,
    now: i64,
) -> ApiResult<()> {
    let Some((level, reason, until)) = active(&mut **tx, project, now).await? else {
        return Ok(());
    };
    let admitted = match level.as_str() {
        "existing_users" => now - user.created_at >= DAY_MS,
        "prior_contributors" => {
            let n: i64 = sqlx::query(
                "SELECT (SELECT COUNT(*) FROM tickets WHERE project = $1 AND author_id = $2 AND visibility = 'public')
                      + (SELECT COUNT(*) FROM comments c JOIN tickets t ON t.id = c.ticket_id
                           WHERE t.project = $1 AND c.author_id = $2 AND c.visibility = 'public')
                      + (SELECT COUNT(*) FROM posts p JOIN topics t ON t.id = p.topic_id
                           WHERE t.category = $1 AND p.author_id = $2 AND p.visibility = 'public') AS n",
            )
            .bind(project)
            .bind(&user.id)
            .fetch_one(&mut **tx)
            .await?
            .try_get("n")?;
            n > 0
        }
        _ => false,
    };
    if admitted {
        return Ok(());
    }
    let who = match level.as_str() {
        "existing_users" => "accounts older than 24 hours",
        "prior_contributors" => "people who contributed here before",
        _ => "moderators",
    };
    Err(ApiError::Forbidden(format!(
        "Until {}, only {who} can contribute to this project: {reason}",
        rfc3339(until)
    )))
}

/// The active interaction limit of a project (404 when there is none).
#[utoipa::path(get, path = "/projects/{slug}/interaction-limit", tag = "moderation",
    params(("slug" = String, Path)),
    responses((status = 200, body = InteractionLimit), (status = 404, body = crate::http::problem::Problem)))]
pub async fn get(State(state): State<AppState>, Path(slug): Path<String>) -> ApiResult<Response> {
    crate::tickets::check_project(&state, &slug)?;
    let (level, reason, until) = active(&state.db.read, &slug, now_ms())
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(axum::Json(InteractionLimit {
        project: slug,
        level,
        reason,
        expires_at: rfc3339(until),
    })
    .into_response())
}

/// Sets (or replaces) a project's interaction limit (moderators).
#[utoipa::path(put, path = "/projects/{slug}/interaction-limit", tag = "moderation",
    params(("slug" = String, Path)), request_body = NewInteractionLimit,
    responses((status = 200, body = InteractionLimit), (status = 401, body = crate::http::problem::Problem),
        (status = 403, body = crate::http::problem::Problem), (status = 404, body = crate::http::problem::Problem),
        (status = 422, body = crate::http::problem::Problem)))]
pub async fn put(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
    Json(body): Json<NewInteractionLimit>,
) -> ApiResult<Response> {
    crate::tickets::check_project(&state, &slug)?;
    let me = viewer.require_moderator()?;
    let mut errors = Vec::new();
    if !LEVELS.contains(&body.level.as_str()) {
        errors.push(FieldError::new(
            "level",
            "invalid",
            "existing_users, prior_contributors or moderators_only",
        ));
    }
    let expiry = body.expiry.as_deref().unwrap_or("one_week");
    let days = DURATIONS
        .iter()
        .find(|(k, _)| *k == expiry)
        .map(|(_, d)| *d);
    if days.is_none() {
        errors.push(FieldError::new(
            "expiry",
            "invalid",
            "one_day, three_days, one_week, one_month or six_months",
        ));
    }
    if body.reason.trim().is_empty() || body.reason.chars().count() > 1000 {
        errors.push(FieldError::new(
            "reason",
            "missing_field",
            "say why, in at most 1000 characters (shown to those it stops)",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let now = now_ms();
    let until = now + days.unwrap_or(7) * DAY_MS;
    let reason = body.reason.trim();
    let mut tx = state.db.write.begin().await?;
    sqlx::query("DELETE FROM interaction_limits WHERE project = $1")
        .bind(&slug)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO interaction_limits (project, level, reason, expires_at, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&slug)
    .bind(&body.level)
    .bind(reason)
    .bind(until)
    .bind(&me.id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Some(&me.id),
        "interaction_limit.set",
        ("project", &slug),
        Some(reason),
        json!({"level": body.level, "expires_at": rfc3339(until)}),
    )
    .await?;
    tx.commit().await?;
    Ok(axum::Json(InteractionLimit {
        project: slug,
        level: body.level,
        reason: reason.to_owned(),
        expires_at: rfc3339(until),
    })
    .into_response())
}

/// Lifts a project's interaction limit (moderators).
#[utoipa::path(delete, path = "/projects/{slug}/interaction-limit", tag = "moderation",
    params(("slug" = String, Path)),
    responses((status = 204), (status = 401, body = crate::http::problem::Problem),
        (status = 403, body = crate::http::problem::Problem), (status = 404, body = crate::http::problem::Problem)))]
pub async fn delete(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
) -> ApiResult<Response> {
    crate::tickets::check_project(&state, &slug)?;
    let me = viewer.require_moderator()?;
    let mut tx = state.db.write.begin().await?;
    let done = sqlx::query("DELETE FROM interaction_limits WHERE project = $1")
        .bind(&slug)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(ApiError::NotFound);
    }
    audit::record(
        &mut tx,
        Some(&me.id),
        "interaction_limit.lifted",
        ("project", &slug),
        None,
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
