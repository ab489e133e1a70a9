//! Proof of work for anonymous reports of illegal content (DSA Art. 16 notices need no
//! account): `GET /reports/challenge` hands out a signed, expiring challenge; the client
//! finds a nonce such that SHA-256(`challenge:nonce`) starts with `difficulty` zero bits.
//! Stateless on issue (signed with a per-process secret), spent challenges are recorded
//! so one proof buys one report.

use crate::auth::hex;
use crate::db::now_ms;
use crate::http::problem::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

/// Leading zero bits required (about 65,000 hashes: a second in a browser).
pub const DIFFICULTY: u32 = 16;
const LIFETIME_MS: i64 = 10 * 60 * 1000;

#[derive(Debug, Serialize, ToSchema)]
pub struct Challenge {
    /// Opaque; send back unchanged in `proof.challenge`.
    pub challenge: String,
    /// Leading zero bits SHA-256(`challenge` + ":" + `nonce`) must have.
    pub difficulty: u32,
    pub expires_at: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Proof {
    pub challenge: String,
    pub nonce: String,
}

/// The keyed signature of `expires.salt`. The strict parse in `check` (digits, 16 hex
/// digits) rules out length-extension forgeries of this secret-prefix construction.
fn sign(secret: &[u8], body: &str) -> String {
    let mut h = Sha256::new();
    h.update(secret);
    h.update(body.as_bytes());
    hex(&h.finalize())
}

pub fn leading_zero_bits(digest: &[u8]) -> u32 {
    let mut n = 0;
    for b in digest {
        if *b == 0 {
            n += 8;
        } else {
            n += b.leading_zeros();
            break;
        }
    }
    n
}

/// A fresh challenge for an anonymous report.
#[utoipa::path(get, path = "/reports/challenge", tag = "moderation",
    responses((status = 200, body = Challenge)))]
pub async fn challenge(State(state): State<AppState>) -> Response {
    let expires = now_ms() + LIFETIME_MS;
    let mut salt = [0u8; 8];
    rand::rng().fill_bytes(&mut salt);
    let body = format!("{expires}.{}", hex(&salt));
    let sig = sign(&state.pow_secret[..], &body);
    let mut res = axum::Json(Challenge {
        challenge: format!("{body}.{sig}"),
        difficulty: DIFFICULTY,
        expires_at: crate::timefmt::rfc3339(expires),
    })
    .into_response();
    res.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    res
}

/// Checks a proof (signature, expiry, work); spending it is the caller's job.
pub fn check(secret: &[u8], proof: &Proof) -> ApiResult<()> {
    let bad = |m: &str| ApiError::invalid("proof", m.to_owned());
    let parts: Vec<&str> = proof.challenge.split('.').collect();
    let [expires, salt, sig] = parts[..] else {
        return Err(bad("not a challenge from GET /reports/challenge"));
    };
    let expires: i64 = expires
        .parse()
        .map_err(|_| bad("not a challenge from GET /reports/challenge"))?;
    if salt.len() != 16 || !salt.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad("not a challenge from GET /reports/challenge"));
    }
    if sign(secret, &format!("{expires}.{salt}")) != sig {
        return Err(bad("not a challenge from GET /reports/challenge"));
    }
    if expires < now_ms() {
        return Err(bad("the challenge expired; fetch a new one"));
    }
    if proof.nonce.len() > 64 {
        return Err(bad("the nonce is too long"));
    }
    let digest = Sha256::digest(format!("{}:{}", proof.challenge, proof.nonce).as_bytes());
    if leading_zero_bits(&digest) < DIFFICULTY {
        return Err(bad("the nonce does not solve the challenge"));
    }
    Ok(())
}
