//! OIDC access tokens (JWTs) checked against the issuer's published keys
//! (api.md, «Validating OIDC JWTs»): discovery → `jwks_uri`; keys cached by `kid`, fetched
//! again on an unknown `kid` at most every [`REFRESH_MIN`] (random `kid`s cannot cause a
//! fetch storm) and at least every [`REFRESH_MAX`]; only RS256/PS256/ES256; `iss` equal to
//! the configured issuer, `aud` containing the audience, `exp` required, `nbf` checked,
//! 60 s leeway. The cache is per instance, which is safe: every instance fetches the same
//! public keys.

use crate::config::OidcConfig;
use crate::http::problem::ApiError;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use serde::Deserialize;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

pub const ALGORITHMS: [Algorithm; 3] = [Algorithm::RS256, Algorithm::PS256, Algorithm::ES256];
pub const LEEWAY_SECS: u64 = 60;
const REFRESH_MIN: Duration = Duration::from_secs(30);
const REFRESH_MAX: Duration = Duration::from_secs(3600);
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);

pub struct Oidc {
    config: OidcConfig,
    cache: Mutex<Cache>,
}

#[derive(Default)]
struct Cache {
    keys: HashMap<String, DecodingKey>,
    fetched: Option<Instant>,
}

/// The claims the API reads. Unknown claims are ignored.
#[derive(Debug, Clone, Deserialize)]
pub struct Claims {
    pub sub: String,
    #[serde(default)]
    pub preferred_username: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub email_verified: Option<bool>,
    #[serde(default)]
    pub realm_access: Option<RoleList>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RoleList {
    #[serde(default)]
    pub roles: Vec<String>,
}

impl Claims {
    /// Public-administration staff as the IdP vouches for them: the realm role
    /// `allmende-verified`, or a verified e-mail address in one of `domains` (or below).
    pub fn is_verified_staff(&self, domains: &[String]) -> bool {
        let role = self
            .realm_access
            .as_ref()
            .is_some_and(|r| r.roles.iter().any(|r| r == "allmende-verified"));
        let mail = self.email_verified == Some(true)
            && self
                .email
                .as_deref()
                .and_then(|e| e.rsplit_once('@'))
                .is_some_and(|(_, host)| {
                    let host = host.to_ascii_lowercase();
                    domains
                        .iter()
                        .any(|d| host == *d || host.ends_with(&format!(".{d}")))
                });
        role || mail
    }

    /// Global moderator/admin flags from the IdP (Keycloak realm roles
    /// `allmende-admin`, `allmende-moderator`); project roles live in our database.
    pub fn idp_role(&self) -> Option<super::Role> {
        let roles = &self.realm_access.as_ref()?.roles;
        if roles.iter().any(|r| r == "allmende-admin") {
            Some(super::Role::Admin)
        } else if roles.iter().any(|r| r == "allmende-moderator") {
            Some(super::Role::Moderator)
        } else {
            None
        }
    }
}

impl Oidc {
    pub fn new(config: OidcConfig) -> Oidc {
        Oidc {
            config,
            cache: Mutex::new(Cache::default()),
        }
    }

    pub fn issuer(&self) -> &str {
        &self.config.issuer
    }

    pub async fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        let reject =
            |why: &str| ApiError::Unauthorized(format!("The access token was rejected: {why}."));
        let header = decode_header(token).map_err(|_| reject("not a JWT"))?;
        if !ALGORITHMS.contains(&header.alg) {
            return Err(reject(
                "its algorithm is not allowed (RS256, PS256, ES256 only)",
            ));
        }
        let kid = header
            .kid
            .ok_or_else(|| reject("it names no key (`kid`)"))?;
        let key = self
            .key(&kid)
            .await?
            .ok_or_else(|| reject("its key is unknown to the issuer"))?;
        let mut validation = Validation::new(header.alg);
        validation.leeway = LEEWAY_SECS;
        validation.validate_nbf = true;
        validation.validate_exp = true;
        validation.set_issuer(&[&self.config.issuer]);
        validation.set_audience(&[&self.config.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        let data = decode::<Claims>(token, &key, &validation).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind as K;
            reject(match e.kind() {
                K::ExpiredSignature => "it has expired",
                K::ImmatureSignature => "it is not valid yet (nbf)",
                K::InvalidIssuer => "it comes from another issuer",
                K::InvalidAudience => "it is not meant for this API (aud)",
                K::InvalidSignature => "its signature does not verify",
                K::MissingRequiredClaim(_) => "a required claim (exp, iss, aud, sub) is missing",
                K::InvalidAlgorithm => "its algorithm does not fit the key",
                _ => "it is malformed",
            })
        })?;
        Ok(data.claims)
    }

    /// The key for `kid`, fetching the key set when it is unknown (bounded) or stale.
    async fn key(&self, kid: &str) -> Result<Option<DecodingKey>, ApiError> {
        let mut cache = self.cache.lock().await;
        let age = cache.fetched.map(|t| t.elapsed());
        let stale = age.is_none_or(|a| a > REFRESH_MAX);
        let unknown = !cache.keys.contains_key(kid);
        let may_refresh = age.is_none_or(|a| a > REFRESH_MIN);
        if stale || (unknown && may_refresh) {
            match self.fetch().await {
                Ok(keys) => {
                    cache.keys = keys;
                    cache.fetched = Some(Instant::now());
                }
                Err(e) => {
                    tracing::warn!(issuer = %self.config.issuer, error = %e, "cannot fetch the issuer's keys");
                    // Keep the old keys; remember the attempt so failures are not retried per request.
                    cache.fetched = Some(Instant::now());
                    if cache.keys.is_empty() {
                        return Err(ApiError::Internal(format!(
                            "cannot fetch the signing keys of {}: {e}",
                            self.config.issuer
                        )));
                    }
                }
            }
        }
        Ok(cache.keys.get(kid).cloned())
    }

    async fn fetch(&self) -> Result<HashMap<String, DecodingKey>, String> {
        let issuer = self.config.issuer.clone();
        tokio::task::spawn_blocking(move || fetch_keys(&issuer))
            .await
            .map_err(|e| e.to_string())?
    }
}

fn get_json<T: serde::de::DeserializeOwned>(agent: &ureq::Agent, url: &str) -> Result<T, String> {
    let text = agent
        .get(url)
        .call()
        .map_err(|e| format!("{url}: {e}"))?
        .into_string()
        .map_err(|e| format!("{url}: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("{url}: {e}"))
}

fn fetch_keys(issuer: &str) -> Result<HashMap<String, DecodingKey>, String> {
    #[derive(Deserialize)]
    struct Discovery {
        issuer: String,
        jwks_uri: String,
    }
    let agent = ureq::AgentBuilder::new().timeout(FETCH_TIMEOUT).build();
    let discovery: Discovery = get_json(
        &agent,
        &format!("{issuer}/.well-known/openid-configuration"),
    )?;
    if discovery.issuer.trim_end_matches('/') != issuer {
        return Err(format!(
            "the discovery document names the issuer {} instead of {issuer}",
            discovery.issuer
        ));
    }
    let set: JwkSet = get_json(&agent, &discovery.jwks_uri)?;
    let mut keys = HashMap::new();
    for jwk in &set.keys {
        let Some(kid) = jwk.common.key_id.clone() else {
            continue;
        };
        // Keys for other uses (encryption) or unsupported types are skipped, not fatal.
        if let Ok(key) = DecodingKey::from_jwk(jwk) {
            keys.insert(kid, key);
        }
    }
    Ok(keys)
}
