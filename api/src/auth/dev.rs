//! `POST /dev/login {"username", "role"}` → `{"token"}`: a local account without an identity
//! provider, for `allmende serve` and tests. It answers only when enabled AND the client
//! connects from a loopback address; otherwise the path does not exist (404).

use super::users::{Profile, upsert, valid_username};
use super::{Role, tokens};
use crate::db::now_ms;
use crate::http::layers::peer;
use crate::http::problem::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::Extensions;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Issuer recorded for dev-login accounts, so they never collide with real ones.
pub const DEV_ISSUER: &str = "urn:allmende:dev-login";

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DevLogin {
    pub username: String,
    /// `reader`, `member` (default), `moderator` or `admin`.
    #[serde(default)]
    pub role: Option<Role>,
    /// Act as verified public-administration staff (skips pre-moderation).
    #[serde(default)]
    pub verified: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DevToken {
    /// A personal access token valid for 7 days with every scope of the role.
    pub token: String,
}

/// Local login for development (loopback only, when enabled).
#[utoipa::path(post, path = "/dev/login", tag = "meta", request_body = DevLogin,
    responses((status = 200, body = DevToken), (status = 404, body = crate::http::problem::Problem),
        (status = 422, body = crate::http::problem::Problem)))]
pub async fn login(
    State(state): State<AppState>,
    extensions: Extensions,
    headers: axum::http::HeaderMap,
    crate::http::json::Json(body): crate::http::json::Json<DevLogin>,
) -> ApiResult<Json<DevToken>> {
    // A forwarded request came through a proxy, so its real client may be anywhere.
    let forwarded = headers.contains_key("x-forwarded-for") || headers.contains_key("forwarded");
    let loopback = !forwarded && peer(&extensions).is_some_and(|p| p.ip().is_loopback());
    if !state.config.dev_login || !loopback {
        return Err(ApiError::NotFound);
    }
    if !valid_username(&body.username) {
        return Err(ApiError::invalid(
            "username",
            "1 to 39 letters, digits, `-`, `_` or `.`",
        ));
    }
    let role = body.role.unwrap_or(Role::Member);
    let user = upsert(
        &state.db,
        &Profile {
            issuer: DEV_ISSUER,
            subject: &body.username,
            username: &body.username,
            display_name: &body.username,
            email: None,
            role: Some(role),
            verified: body.verified,
        },
    )
    .await?;
    let (token, _) = tokens::issue(
        &state.db,
        &user.id,
        "dev login",
        &tokens::dev_scopes(role),
        now_ms() + tokens::DEV_TOKEN_MS,
    )
    .await?;
    Ok(Json(DevToken { token }))
}
