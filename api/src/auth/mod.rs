//! Who is asking: an anonymous reader, or a user identified by a personal access token
//! (`alm_pat_…`) or an OIDC access token (a JWT from the configured issuer). Roles are
//! global (reader < member < moderator < admin); a token's scopes can only narrow them.

pub mod dev;
pub mod oidc;
pub mod tokens;
pub mod users;

use crate::http::problem::ApiError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Reader,
    Member,
    Moderator,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Member => "member",
            Role::Moderator => "moderator",
            Role::Admin => "admin",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "reader" => Role::Reader,
            "member" => Role::Member,
            "moderator" => Role::Moderator,
            "admin" => Role::Admin,
            _ => return None,
        })
    }
    /// The scopes this role may use at all.
    pub fn scopes(self) -> &'static [&'static str] {
        match self {
            Role::Reader => &["read"],
            Role::Member => &["read", "tickets:write", "forum:write"],
            Role::Moderator | Role::Admin => &["read", "tickets:write", "forum:write", "moderate"],
        }
    }
}

/// Scopes a personal access token can carry.
pub const SCOPES: [&str; 4] = ["read", "tickets:write", "forum:write", "moderate"];

/// A user as shown in other resources.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserRef {
    pub id: String,
    pub username: String,
    pub display_name: String,
}

#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// When the account was made (ms), for the new-account rules of the gate.
    pub created_at: i64,
    /// Verified public-administration staff (skips pre-moderation).
    pub verified: bool,
}

/// The caller of a request.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    pub user: Option<User>,
    /// What the credential allows (all of the role's scopes for OIDC tokens).
    pub scopes: Vec<String>,
    /// Set when the credential is a personal access token (its id).
    pub token_id: Option<String>,
    /// A moderator silenced the user: reading only, until the sanction ends.
    pub silenced: bool,
}

impl Viewer {
    pub fn user_id(&self) -> Option<&str> {
        self.user.as_ref().map(|u| u.id.as_str())
    }

    fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    /// Moderators and admins whose credential carries `moderate`.
    pub fn is_moderator(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.role >= Role::Moderator)
            && self.has_scope("moderate")
    }

    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role == Role::Admin) && self.has_scope("moderate")
    }

    /// Any signed-in user.
    pub fn require_user(&self) -> Result<&User, ApiError> {
        self.user.as_ref().ok_or_else(|| {
            ApiError::Unauthorized("Sign in first: send `Authorization: Bearer <token>`.".into())
        })
    }

    /// A signed-in user whose role and credential allow `scope`.
    pub fn require_scope(&self, scope: &str) -> Result<&User, ApiError> {
        let user = self.require_user()?;
        if !user.role.scopes().contains(&scope) {
            return Err(ApiError::Forbidden(format!(
                "Your role ({}) does not allow this.",
                user.role.as_str()
            )));
        }
        if !self.has_scope(scope) {
            return Err(ApiError::Forbidden(format!(
                "This token lacks the scope `{scope}`."
            )));
        }
        if self.silenced && scope != "read" {
            return Err(ApiError::Forbidden(
                "You are silenced by the moderation and can only read for now.".into(),
            ));
        }
        Ok(user)
    }

    pub fn require_moderator(&self) -> Result<&User, ApiError> {
        let user = self.require_scope("moderate")?;
        Ok(user)
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        authenticate(parts, state).await
    }
}

impl Viewer {
    /// Applies the moderation sanctions in force: a suspended account is refused (401),
    /// a silenced one reads only.
    pub(crate) fn sanctioned(
        mut self,
        s: crate::moderation::sanctions::Active,
    ) -> Result<Viewer, ApiError> {
        if let Some(reason) = s.suspension {
            return Err(ApiError::Unauthorized(format!(
                "Your account is suspended: {reason}"
            )));
        }
        self.silenced = s.silenced;
        Ok(self)
    }
}

/// The caller as the credential says, with the moderation sanctions in force.
async fn authenticate(parts: &mut Parts, state: &AppState) -> Result<Viewer, ApiError> {
    {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Ok(Viewer::default());
        };
        let value = value
            .to_str()
            .map_err(|_| ApiError::Unauthorized("The Authorization header is not text.".into()))?;
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .map(str::trim)
            .ok_or_else(|| ApiError::Unauthorized("Use `Authorization: Bearer <token>`.".into()))?;
        if token.starts_with(tokens::PREFIX) {
            return tokens::authenticate(state, token).await;
        }
        match &state.oidc {
            Some(oidc) => {
                let claims = oidc.verify(token).await?;
                let user = users::from_oidc(
                    &state.db,
                    oidc.issuer(),
                    &claims,
                    &state.config.moderation.verified_email_domains,
                )
                .await?;
                let scopes = user.role.scopes().iter().map(|s| s.to_string()).collect();
                let sanctions = crate::moderation::sanctions::active(&state.db.read, &user.id).await?;
                Viewer {
                    user: Some(user),
                    scopes,
                    token_id: None,
                    silenced: false,
                }
                .sanctioned(sanctions)
            }
            None => Err(ApiError::Unauthorized(
                "This server accepts only personal access tokens (alm_pat_…); no OIDC issuer is configured.".into(),
            )),
        }
    }
}

/// Lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}
