//! Accounts: keyed by (issuer, subject), never by e-mail; name and e-mail are profile data
//! refreshed from the token. `GET /me`.

use super::oidc::Claims;
use super::{Role, User, Viewer};
use crate::db::{Db, new_id, now_ms};
use crate::http::problem::ApiResult;
use axum::Json;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use utoipa::ToSchema;

pub fn user_from_row(row: &AnyRow) -> Result<User, sqlx::Error> {
    let role: String = row.try_get("role")?;
    Ok(User {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: Role::parse(&role).unwrap_or(Role::Reader),
        created_at: row.try_get("created_at")?,
        verified: row.try_get::<i64, _>("verified")? != 0,
    })
}

/// Usernames: 1–39 characters of letters, digits, `-`, `_` and `.`.
pub fn valid_username(name: &str) -> bool {
    (1..=39).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// What an identity provider (or the dev login) says about an account.
pub struct Profile<'a> {
    pub issuer: &'a str,
    pub subject: &'a str,
    /// Wished username; a taken one gets a numeric suffix.
    pub username: &'a str,
    pub display_name: &'a str,
    pub email: Option<&'a str>,
    /// `Some` sets the role (dev login, IdP admin/moderator flags); `None` keeps the stored
    /// one (new accounts: member).
    pub role: Option<Role>,
    /// Verified public-administration staff (skips pre-moderation).
    pub verified: bool,
}

/// Creates or updates the account for (issuer, subject).
pub async fn upsert(db: &Db, p: &Profile<'_>) -> ApiResult<User> {
    let Profile {
        issuer,
        subject,
        username,
        display_name,
        email,
        role,
        verified,
    } = *p;
    let mut tx = db.write.begin().await?;
    let existing = sqlx::query("SELECT * FROM users WHERE issuer = $1 AND subject = $2")
        .bind(issuer)
        .bind(subject)
        .fetch_optional(&mut *tx)
        .await?;
    let user = match existing {
        Some(row) => {
            let mut user = user_from_row(&row)?;
            if let Some(r) = role {
                user.role = r;
            }
            user.display_name = display_name.to_owned();
            user.verified = verified;
            sqlx::query(
                "UPDATE users SET display_name = $1, email = $2, role = $3, verified = $4 WHERE id = $5",
            )
            .bind(display_name)
            .bind(email)
            .bind(user.role.as_str())
            .bind(i64::from(verified))
            .bind(&user.id)
                .execute(&mut *tx)
                .await?;
            user
        }
        None => {
            // Usernames are unique; a taken one gets a numeric suffix.
            let mut candidate = username.to_owned();
            for n in 2.. {
                let taken: i64 = sqlx::query("SELECT COUNT(*) AS n FROM users WHERE username = $1")
                    .bind(&candidate)
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get("n")?;
                if taken == 0 {
                    break;
                }
                candidate = format!("{username}{n}");
            }
            let user = User {
                id: new_id(),
                username: candidate,
                display_name: display_name.to_owned(),
                role: role.unwrap_or(Role::Member),
                created_at: now_ms(),
                verified,
            };
            sqlx::query(
                "INSERT INTO users (id, issuer, subject, username, display_name, email, role, verified, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(&user.id)
            .bind(issuer)
            .bind(subject)
            .bind(&user.username)
            .bind(&user.display_name)
            .bind(email)
            .bind(user.role.as_str())
            .bind(i64::from(verified))
            .bind(user.created_at)
            .execute(&mut *tx)
            .await?;
            crate::events::append(
                &mut tx,
                None,
                None,
                Some(&user.id),
                "user.created",
                serde_json::json!({"user": user.id, "username": user.username}),
            )
            .await?;
            user
        }
    };
    tx.commit().await?;
    Ok(user)
}

/// The account behind a verified OIDC access token; `verified_domains` decide whether the
/// IdP vouches for public-administration staff (see `Claims::is_verified_staff`).
pub async fn from_oidc(
    db: &Db,
    issuer: &str,
    c: &Claims,
    verified_domains: &[String],
) -> ApiResult<User> {
    let name = c
        .preferred_username
        .as_deref()
        .filter(|n| valid_username(n))
        .map(str::to_owned)
        .unwrap_or_else(|| {
            let cleaned: String = c
                .sub
                .chars()
                .filter(|ch| ch.is_ascii_alphanumeric())
                .take(30)
                .collect();
            if cleaned.is_empty() {
                "user".to_owned()
            } else {
                cleaned
            }
        });
    let display = c.name.clone().unwrap_or_else(|| name.clone());
    upsert(
        db,
        &Profile {
            issuer,
            subject: &c.sub,
            username: &name,
            display_name: &display,
            email: c.email.as_deref(),
            role: c.idp_role(),
            verified: c.is_verified_staff(verified_domains),
        },
    )
    .await
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// What the credential of this request allows.
    pub scopes: Vec<String>,
    pub limits: MeLimits,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeLimits {
    pub requests_per_minute: u32,
    pub writes_per_minute: u32,
    pub body_bytes: usize,
    pub markdown_chars: usize,
}

/// The signed-in user, their role, the scopes of this credential and their limits.
#[utoipa::path(get, path = "/me", tag = "meta",
    responses((status = 200, body = Me), (status = 401, body = crate::http::problem::Problem)))]
pub async fn me(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    viewer: Viewer,
) -> ApiResult<Json<Me>> {
    let user = viewer.require_user()?;
    let l = &state.config.limits;
    Ok(Json(Me {
        id: user.id.clone(),
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        role: user.role,
        scopes: viewer.scopes.clone(),
        limits: MeLimits {
            requests_per_minute: l.authenticated_per_minute,
            writes_per_minute: l.writes_per_minute,
            body_bytes: l.body_bytes,
            markdown_chars: l.markdown_chars,
        },
    }))
}
