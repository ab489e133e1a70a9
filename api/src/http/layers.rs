//! Middleware written for this API: every error as problem+json (including the ones axum
//! and tower-http produce as plain text or empty bodies: 404, 405, 408, 413, JSON
//! rejections), request metrics, and the rate limiter.

use super::problem::{CONTENT_TYPE, IsProblem, Problem};
use crate::state::AppState;
use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use std::time::Instant;

pub const REQUEST_ID: &str = "x-request-id";

/// Who sent the request being handled, for the audit log: set around every handler by
/// `rate_limit`, read by `audit::record` (a task-local, so no signature has to carry it).
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    pub request_id: Option<String>,
    /// The client's address prefix (`203.0.113.0/24`), never the full address.
    pub ip_prefix: Option<String>,
}

tokio::task_local! {
    pub static REQUEST: RequestContext;
}

/// The context of the request this task is handling (empty outside a request).
pub fn request_context() -> RequestContext {
    REQUEST.try_with(Clone::clone).unwrap_or_default()
}

/// Turns every error response into problem+json and names the request in `instance`.
pub async fn problems(req: Request, next: Next) -> Response {
    let request_id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map(|id| format!("urn:allmende:request:{id}"));
    let res = next.run(req).await;
    let status = res.status();
    if status.as_u16() < 400 {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    // Error bodies are small; anything beyond this bound is not worth keeping as detail.
    let bytes = to_bytes(body, 64 * 1024).await.unwrap_or_default();
    let mut doc: serde_json::Value = if parts.extensions.get::<IsProblem>().is_some()
        || parts
            .headers
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes() == CONTENT_TYPE.as_bytes())
    {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| serde_json::to_value(Problem::new(status)).unwrap_or_default())
    } else {
        let text = String::from_utf8_lossy(&bytes).trim().to_owned();
        let mut p = Problem::new(status);
        if status == StatusCode::NOT_FOUND && text.is_empty() {
            p = p.detail("There is no such path in this API; see /api/v1/openapi.json.");
        } else if status == StatusCode::METHOD_NOT_ALLOWED {
            p = match parts
                .headers
                .get(header::ALLOW)
                .and_then(|v| v.to_str().ok())
            {
                Some(allow) if !allow.is_empty() => {
                    p.detail(format!("This path accepts only: {allow}."))
                }
                _ => p.detail("This path does not accept this method; see /api/v1/openapi.json."),
            };
        } else if status == StatusCode::REQUEST_TIMEOUT {
            p = p.detail("The request took longer than 10 seconds and was stopped.");
        } else if status == StatusCode::PAYLOAD_TOO_LARGE {
            p = p.detail("Request bodies may be at most 256 KiB.");
        } else if !text.is_empty() {
            p = p.detail(text);
        }
        serde_json::to_value(p).unwrap_or_default()
    };
    if let (Some(id), Some(obj)) = (request_id, doc.as_object_mut()) {
        obj.insert("instance".into(), serde_json::Value::String(id));
    }
    let body = serde_json::to_vec(&doc).unwrap_or_default();
    parts
        .headers
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}

/// Counts requests and their durations per route for `/metrics`.
pub async fn metrics(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let res = next.run(req).await;
    state
        .metrics
        .record(&method, &route, res.status().as_u16(), started.elapsed());
    res
}

/// The TCP peer (a proxy, behind one); see [`client_ip`] for the client's address.
pub fn peer(req_extensions: &axum::http::Extensions) -> Option<SocketAddr> {
    req_extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0)
}

/// The client's address, believing `X-Forwarded-For` only from configured trusted proxies.
pub fn client_ip(
    state: &AppState,
    headers: &HeaderMap,
    extensions: &axum::http::Extensions,
) -> Option<std::net::IpAddr> {
    super::client::client_ip(
        headers,
        peer(extensions),
        &state.config.limits.trusted_proxies,
    )
}

/// Fixed-window budgets per client with IETF RateLimit headers; 304s are free. Trusted
/// service tokens pass unmetered; a throttle in dry-run mode logs and counts instead of
/// refusing.
pub async fn rate_limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let write = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let limits = &state.config.limits;
    let ip = client_ip(&state, req.headers(), req.extensions());
    let context = RequestContext {
        request_id: req
            .headers()
            .get(REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        ip_prefix: ip.map(super::client::prefix),
    };
    if !limits.trusted_tokens.is_empty() && trusted_token(&state, req.headers()).await {
        return REQUEST.scope(context, next.run(req)).await;
    }
    let key = client_key(req.headers(), ip);
    let authenticated = req.headers().contains_key(header::AUTHORIZATION);
    let (policy, quota) = if write {
        ("writes", limits.writes_per_minute)
    } else if authenticated {
        ("reads", limits.authenticated_per_minute)
    } else {
        ("reads", limits.anonymous_per_minute)
    };
    let decision = state.limiter.take(policy, &key, quota);
    let policy_header = format!("\"{policy}\";q={quota};w=60");
    if let Err(reset) = decision {
        state.metrics.throttled(policy, limits.is_dry_run(policy));
        if limits.is_dry_run(policy) {
            tracing::warn!(throttle = policy, %key, "dry run: this request would have been refused (429)");
        } else {
            let mut p = Problem::new(StatusCode::TOO_MANY_REQUESTS).detail(format!(
                "The {policy} budget of {quota} requests per minute is used up; try again in {reset} s."
            ));
            p.retry_after = Some(reset);
            let mut res = p.into_response();
            set_rate_headers(res.headers_mut(), &policy_header, policy, 0, reset);
            return res;
        }
    }
    let mut res = REQUEST.scope(context, next.run(req)).await;
    if res.status() == StatusCode::NOT_MODIFIED {
        state.limiter.refund(policy, &key);
    }
    let (remaining, reset) = state.limiter.peek(policy, &key, quota);
    set_rate_headers(res.headers_mut(), &policy_header, policy, remaining, reset);
    res
}

/// Whether the request carries a personal access token listed in `trusted_tokens`
/// (looked up once per token digest, then remembered).
async fn trusted_token(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| t.starts_with(crate::auth::tokens::PREFIX))
    else {
        return false;
    };
    let digest = crate::auth::tokens::digest(token);
    if let Some(known) = state.limiter.trusted(&digest) {
        return known;
    }
    let id: Option<String> = sqlx::query("SELECT id FROM access_tokens WHERE digest = $1")
        .bind(&digest)
        .fetch_optional(&state.db.read)
        .await
        .ok()
        .flatten()
        .and_then(|r| sqlx::Row::try_get(&r, "id").ok());
    let trusted = id.is_some_and(|id| state.config.limits.trusted_tokens.contains(&id));
    state.limiter.remember_trusted(digest, trusted);
    trusted
}

fn set_rate_headers(h: &mut HeaderMap, policy_header: &str, policy: &str, r: u32, t: u64) {
    if let Ok(v) = HeaderValue::from_str(policy_header) {
        h.insert("ratelimit-policy", v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!("\"{policy}\";r={r};t={}", t.max(1))) {
        h.insert("ratelimit", v);
    }
}

/// Signed-in clients are counted per credential (a digest, never the secret itself),
/// anonymous ones per address.
fn client_key(headers: &HeaderMap, ip: Option<std::net::IpAddr>) -> String {
    use sha2::Digest;
    match headers.get(header::AUTHORIZATION) {
        Some(v) => {
            let d = sha2::Sha256::digest(v.as_bytes());
            format!("auth:{}", crate::auth::hex(&d[..12]))
        }
        None => format!("ip:{}", ip.map(|p| p.to_string()).unwrap_or_default()),
    }
}
