//! Personal access tokens: `alm_pat_` + 256 random bits (base64url), so secret scanners can
//! spot leaks; only the SHA-256 digest is stored (a slow KDF adds nothing for 256-bit random
//! secrets); shown once; scoped; mandatory expiry; `last_used_at`; revocable.
//! `GET/POST /me/tokens`, `DELETE /me/tokens/{id}`.

use super::{Role, SCOPES, Viewer};
use crate::db::{Db, new_id, now_ms};
use crate::http::problem::{ApiError, ApiResult, FieldError};
use crate::state::AppState;
use crate::timefmt::rfc3339;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::Digest;
use sqlx::Row;
use utoipa::ToSchema;

pub const PREFIX: &str = "alm_pat_";
/// Longest allowed lifetime: one year.
pub const MAX_DAYS: i64 = 366;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

pub fn digest(token: &str) -> String {
    super::hex(&sha2::Sha256::digest(token.as_bytes()))
}

fn generate() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

use crate::moderation::sanctions::COLUMNS as SANCTIONS;

/// Resolves a presented token to its user, with the sanctions in force; unknown, expired
/// and revoked tokens are 401.
pub async fn authenticate(state: &AppState, token: &str) -> ApiResult<Viewer> {
    let now = now_ms();
    // The sanctions come in the same query: this runs before every authenticated request.
    let row = sqlx::query(&format!(
        "SELECT t.id AS token_id, t.scopes, t.expires_at, t.revoked_at, t.last_used_at,
                u.id, u.username, u.display_name, u.role, u.created_at, u.verified,
                {SANCTIONS}
         FROM access_tokens t JOIN users u ON u.id = t.user_id WHERE t.digest = $1"
    ))
    .bind(digest(token))
    .bind(now)
    .fetch_optional(&state.db.read)
    .await?;
    let invalid = || ApiError::Unauthorized("The token is unknown, expired or revoked.".into());
    let row = row.ok_or_else(invalid)?;
    let expires: i64 = row.try_get("expires_at")?;
    let revoked: Option<i64> = row.try_get("revoked_at")?;
    if expires <= now || revoked.is_some() {
        return Err(invalid());
    }
    let token_id: String = row.try_get("token_id")?;
    // Record use at most once a minute, so reads do not turn into writes.
    let last: Option<i64> = row.try_get("last_used_at")?;
    if last.is_none_or(|l| now - l > 60_000) {
        sqlx::query("UPDATE access_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(now)
            .bind(&token_id)
            .execute(&state.db.write)
            .await?;
    }
    let user = super::users::user_from_row(&row)?;
    let scopes: String = row.try_get("scopes")?;
    let sanctions = crate::moderation::sanctions::from_row(&row)?;
    Viewer {
        // A token never grants more than the user's current role allows.
        scopes: scopes
            .split(' ')
            .filter(|s| user.role.scopes().contains(s))
            .map(str::to_owned)
            .collect(),
        user: Some(user),
        silenced: false,
        token_id: Some(token_id),
    }
    .sanctioned(sanctions)
}

/// Issues a token (used by `POST /me/tokens` and the dev login).
pub async fn issue(
    db: &Db,
    user_id: &str,
    name: &str,
    scopes: &[String],
    expires_at: i64,
) -> ApiResult<(String, TokenInfo)> {
    let token = generate();
    let id = new_id();
    let now = now_ms();
    let mut tx = db.write.begin().await?;
    sqlx::query(
        "INSERT INTO access_tokens (id, user_id, name, digest, scopes, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(user_id)
    .bind(name)
    .bind(digest(&token))
    .bind(scopes.join(" "))
    .bind(now)
    .bind(expires_at)
    .execute(&mut *tx)
    .await?;
    crate::events::append(
        &mut tx,
        None,
        None,
        Some(user_id),
        "token.created",
        serde_json::json!({"token": id, "scopes": scopes}),
    )
    .await?;
    crate::moderation::audit::record(
        &mut tx,
        Some(user_id),
        "token.created",
        ("token", &id),
        None,
        serde_json::json!({"name": name, "scopes": scopes, "expires_at": crate::timefmt::rfc3339(expires_at)}),
    )
    .await?;
    tx.commit().await?;
    Ok((
        token,
        TokenInfo {
            id,
            name: name.to_owned(),
            scopes: scopes.to_vec(),
            created_at: rfc3339(now),
            expires_at: rfc3339(expires_at),
            last_used_at: None,
        },
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenInfo {
    pub id: String,
    pub name: String,
    pub scopes: Vec<String>,
    pub created_at: String,
    pub expires_at: String,
    pub last_used_at: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NewToken {
    /// The secret, shown only in this response.
    pub token: String,
    #[serde(flatten)]
    pub info: TokenInfo,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateToken {
    pub name: String,
    /// Any of `read`, `tickets:write`, `forum:write`, `moderate` (within your role).
    pub scopes: Vec<String>,
    /// Lifetime in days, 1–366.
    pub expires_in_days: i64,
}

/// The caller's unrevoked tokens (never the secrets).
#[utoipa::path(get, path = "/me/tokens", tag = "tokens",
    responses((status = 200, body = Vec<TokenInfo>), (status = 401, body = crate::http::problem::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
) -> ApiResult<Json<Vec<TokenInfo>>> {
    let user = viewer.require_user()?;
    let rows = sqlx::query(
        "SELECT id, name, scopes, created_at, expires_at, last_used_at FROM access_tokens
         WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at, id",
    )
    .bind(&user.id)
    .fetch_all(&state.db.read)
    .await?;
    let mut out = Vec::new();
    for r in rows {
        let scopes: String = r.try_get("scopes")?;
        out.push(TokenInfo {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
            scopes: scopes.split(' ').map(str::to_owned).collect(),
            created_at: rfc3339(r.try_get("created_at")?),
            expires_at: rfc3339(r.try_get("expires_at")?),
            last_used_at: r.try_get::<Option<i64>, _>("last_used_at")?.map(rfc3339),
        });
    }
    Ok(Json(out))
}

/// Creates a token; the secret is in the answer once and never again.
#[utoipa::path(post, path = "/me/tokens", tag = "tokens", request_body = CreateToken,
    responses((status = 201, body = NewToken), (status = 401, body = crate::http::problem::Problem),
        (status = 422, body = crate::http::problem::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    crate::http::json::Json(body): crate::http::json::Json<CreateToken>,
) -> ApiResult<impl IntoResponse> {
    let user = viewer.require_user()?;
    let mut errors = Vec::new();
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        errors.push(FieldError::new("name", "invalid", "1 to 100 characters"));
    }
    if body.scopes.is_empty() {
        errors.push(FieldError::new(
            "scopes",
            "missing",
            "name at least one scope",
        ));
    }
    for s in &body.scopes {
        if !SCOPES.contains(&s.as_str()) {
            errors.push(FieldError::new(
                "scopes",
                "invalid",
                format!("unknown scope `{s}`; known: {}", SCOPES.join(", ")),
            ));
        } else if !user.role.scopes().contains(&s.as_str()) || !viewer.scopes.contains(s) {
            errors.push(FieldError::new(
                "scopes",
                "custom",
                format!("`{s}` is beyond what your role or this credential allows"),
            ));
        }
    }
    if !(1..=MAX_DAYS).contains(&body.expires_in_days) {
        errors.push(FieldError::new(
            "expires_in_days",
            "invalid",
            format!("between 1 and {MAX_DAYS} days (tokens must expire)"),
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let mut scopes = body.scopes.clone();
    scopes.sort();
    scopes.dedup();
    let expires = now_ms() + body.expires_in_days * DAY_MS;
    let (token, info) = issue(&state.db, &user.id, name, &scopes, expires).await?;
    let location = format!("/api/v1/me/tokens/{}", info.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(NewToken { token, info }),
    ))
}

/// Revokes one of the caller's tokens.
#[utoipa::path(delete, path = "/me/tokens/{id}", tag = "tokens",
    params(("id" = String, Path, description = "token id")),
    responses((status = 204), (status = 401, body = crate::http::problem::Problem),
        (status = 404, body = crate::http::problem::Problem)))]
pub async fn revoke(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let user = viewer.require_user()?;
    let mut tx = state.db.write.begin().await?;
    let done = sqlx::query(
        "UPDATE access_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
    )
    .bind(now_ms())
    .bind(&id)
    .bind(&user.id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(ApiError::NotFound);
    }
    crate::events::append(
        &mut tx,
        None,
        None,
        Some(&user.id),
        "token.revoked",
        serde_json::json!({"token": id}),
    )
    .await?;
    crate::moderation::audit::record(
        &mut tx,
        Some(&user.id),
        "token.revoked",
        ("token", &id),
        None,
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Dev-login tokens: a week, every scope of the role.
pub fn dev_scopes(role: Role) -> Vec<String> {
    role.scopes().iter().map(|s| s.to_string()).collect()
}

pub const DEV_TOKEN_MS: i64 = 7 * DAY_MS;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_prefixed_random_and_digested() {
        let a = generate();
        let b = generate();
        assert!(a.starts_with(PREFIX));
        assert_eq!(a.len(), PREFIX.len() + 43, "256 bits in base64url");
        assert_ne!(a, b);
        assert_eq!(digest(&a).len(), 64);
        assert_ne!(digest(&a), digest(&b));
    }
}
