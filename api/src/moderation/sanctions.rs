//! Silence (read-only) and suspension (no login) with an expiry and a reason:
//! `PUT/DELETE /users/{id}/silence` and `…/suspension` (moderators; audited).

use super::audit;
use crate::auth::Viewer;
use crate::db::{new_id, now_ms};
use crate::http::json::Json;
use crate::http::problem::{ApiError, ApiResult, FieldError};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::json;
use sqlx::{Any, Row, Transaction};
use utoipa::ToSchema;

/// What applies to a user now.
#[derive(Debug, Default)]
pub struct Active {
    pub silenced: bool,
    /// The reason, when suspended.
    pub suspension: Option<String>,
}

/// Select-list columns giving the sanctions in force for the user `u` at time `$2`, so a
/// query that reads the user learns them without another round trip.
pub const COLUMNS: &str = "(SELECT COUNT(*) FROM user_sanctions s WHERE s.user_id = u.id \
    AND s.kind = 'silence' AND s.lifted_at IS NULL AND s.expires_at > $2) AS silences, \
    (SELECT MIN(s.reason) FROM user_sanctions s WHERE s.user_id = u.id \
    AND s.kind = 'suspension' AND s.lifted_at IS NULL AND s.expires_at > $2) AS suspension";

/// The sanctions from a row that has [`COLUMNS`].
pub fn from_row(r: &sqlx::any::AnyRow) -> Result<Active, sqlx::Error> {
    Ok(Active {
        silenced: r.try_get::<i64, _>("silences")? > 0,
        suspension: r.try_get("suspension")?,
    })
}

pub async fn active(db: &sqlx::AnyPool, user_id: &str) -> ApiResult<Active> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM users u WHERE u.id = $1"))
        .bind(user_id)
        .bind(now_ms())
        .fetch_optional(db)
        .await?;
    Ok(row.as_ref().map(from_row).transpose()?.unwrap_or_default())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SanctionBody {
    /// Shown to the user and stored in the audit log.
    pub reason: String,
    /// 1 hour to 365 days.
    pub duration_hours: i64,
}

/// Imposes a sanction (inside the caller's transaction, audited).
pub async fn impose(
    tx: &mut Transaction<'_, Any>,
    actor: &str,
    user_id: &str,
    kind: &str,
    reason: &str,
    hours: i64,
) -> ApiResult<()> {
    let now = now_ms();
    sqlx::query(
        "UPDATE user_sanctions SET lifted_at = $1, lifted_by = $2 WHERE user_id = $3 AND kind = $4 AND lifted_at IS NULL",
    )
    .bind(now)
    .bind(actor)
    .bind(user_id)
    .bind(kind)
    .execute(&mut **tx)
    .await?;
    let expires = now + hours * 3_600_000;
    sqlx::query(
        "INSERT INTO user_sanctions (id, user_id, kind, reason, expires_at, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_id())
    .bind(user_id)
    .bind(kind)
    .bind(reason)
    .bind(expires)
    .bind(actor)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    let action = if kind == "silence" {
        "user.silenced"
    } else {
        "user.suspended"
    };
    audit::record(
        tx,
        Some(actor),
        action,
        ("user", user_id),
        Some(reason),
        json!({"expires_at": crate::timefmt::rfc3339(expires)}),
    )
    .await?;
    Ok(())
}

async fn put(
    state: &AppState,
    viewer: &Viewer,
    user_id: &str,
    kind: &str,
    body: SanctionBody,
) -> ApiResult<StatusCode> {
    let me = viewer.require_moderator()?;
    let mut errors = Vec::new();
    if body.reason.trim().is_empty() {
        errors.push(FieldError::new(
            "reason",
            "missing_field",
            "a reason is required",
        ));
    }
    if !(1..=365 * 24).contains(&body.duration_hours) {
        errors.push(FieldError::new(
            "duration_hours",
            "invalid",
            "between 1 and 8760 hours",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let mut tx = state.db.write.begin().await?;
    target_user(&mut tx, viewer, user_id).await?;
    impose(
        &mut tx,
        &me.id,
        user_id,
        kind,
        body.reason.trim(),
        body.duration_hours,
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 404 for unknown users; moderators cannot sanction admins or themselves.
async fn target_user(
    tx: &mut Transaction<'_, Any>,
    viewer: &Viewer,
    user_id: &str,
) -> ApiResult<()> {
    let r = sqlx::query("SELECT role FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(ApiError::NotFound)?;
    let role: String = r.try_get("role")?;
    if viewer.user_id() == Some(user_id) || (role == "admin" && !viewer.is_admin()) {
        return Err(ApiError::Forbidden(
            "You cannot sanction yourself, and only admins sanction admins.".into(),
        ));
    }
    Ok(())
}

async fn lift(
    state: &AppState,
    viewer: &Viewer,
    user_id: &str,
    kind: &str,
) -> ApiResult<StatusCode> {
    let me = viewer.require_moderator()?;
    let mut tx = state.db.write.begin().await?;
    target_user(&mut tx, viewer, user_id).await?;
    let done = sqlx::query(
        "UPDATE user_sanctions SET lifted_at = $1, lifted_by = $2 WHERE user_id = $3 AND kind = $4 AND lifted_at IS NULL",
    )
    .bind(now_ms())
    .bind(&me.id)
    .bind(user_id)
    .bind(kind)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() > 0 {
        let action = if kind == "silence" {
            "user.unsilenced"
        } else {
            "user.unsuspended"
        };
        audit::record(
            &mut tx,
            Some(&me.id),
            action,
            ("user", user_id),
            None,
            json!({}),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Silences a user: they can read but not write until it expires.
#[utoipa::path(put, path = "/users/{id}/silence", tag = "moderation",
    params(("id" = String, Path)), request_body = SanctionBody,
    responses((status = 204), (status = 401, body = crate::http::problem::Problem),
        (status = 403, body = crate::http::problem::Problem), (status = 404, body = crate::http::problem::Problem),
        (status = 422, body = crate::http::problem::Problem)))]
pub async fn put_silence(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Json(body): Json<SanctionBody>,
) -> ApiResult<StatusCode> {
    put(&state, &viewer, &id, "silence", body).await
}

/// Lifts a silence.
#[utoipa::path(delete, path = "/users/{id}/silence", tag = "moderation",
    params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = crate::http::problem::Problem),
        (status = 403, body = crate::http::problem::Problem), (status = 404, body = crate::http::problem::Problem)))]
pub async fn delete_silence(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    lift(&state, &viewer, &id, "silence").await
}

/// Suspends a user: their credentials are refused until it expires.
#[utoipa::path(put, path = "/users/{id}/suspension", tag = "moderation",
    params(("id" = String, Path)), request_body = SanctionBody,
    responses((status = 204), (status = 401, body = crate::http::problem::Problem),
        (status = 403, body = crate::http::problem::Problem), (status = 404, body = crate::http::problem::Problem),
        (status = 422, body = crate::http::problem::Problem)))]
pub async fn put_suspension(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Json(body): Json<SanctionBody>,
) -> ApiResult<StatusCode> {
    put(&state, &viewer, &id, "suspension", body).await
}

/// Lifts a suspension.
#[utoipa::path(delete, path = "/users/{id}/suspension", tag = "moderation",
    params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = crate::http::problem::Problem),
        (status = 403, body = crate::http::problem::Problem), (status = 404, body = crate::http::problem::Problem)))]
pub async fn delete_suspension(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    lift(&state, &viewer, &id, "suspension").await
}
