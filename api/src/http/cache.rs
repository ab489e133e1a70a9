//! A short-lived in-process cache of anonymous public reads (topic and ticket lists, single
//! topics and tickets: every answer `cond::json_with_etag` marks `public`).
//!
//! Why: anonymous visitors of the static site all read the same few lists, and each read
//! was a database round trip plus serialising and hashing the page. The cache answers
//! repeats from memory, including `If-None-Match` → 304.
//!
//! Why it is safe: an entry is used only while no write has been answered since it was
//! made (a generation counter, bumped after every POST/PATCH/PUT/DELETE of this process),
//! and for at most [`TTL`], which bounds what another instance's writes (several API
//! processes on one PostgreSQL) can leave unseen. `Cache-Control: public, max-age=10`
//! already lets any proxy keep these answers longer. Requests with `Authorization` are
//! never cached: what they see depends on who asks.

use super::cond;
use axum::body::{Body, Bytes, HttpBody, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// How long an entry may answer at most, writes or not.
pub const TTL: Duration = Duration::from_secs(2);
/// Bound on the bytes of all kept bodies; beyond it, new answers are not kept.
const MAX_BYTES: usize = 32 * 1024 * 1024;
/// Bodies larger than this are never kept (a few such pages would crowd out the rest).
const MAX_ENTRY_BYTES: usize = 512 * 1024;

#[derive(Default)]
pub struct ResponseCache {
    generation: AtomicU64,
    entries: RwLock<Entries>,
}

#[derive(Default)]
struct Entries {
    map: HashMap<String, Entry>,
    bytes: usize,
}

struct Entry {
    generation: u64,
    stored: Instant,
    headers: HeaderMap,
    body: Bytes,
}

impl ResponseCache {
    fn fresh(&self, key: &str, generation: u64) -> Option<(HeaderMap, Bytes)> {
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        entries
            .map
            .get(key)
            .filter(|e| e.generation == generation && e.stored.elapsed() < TTL)
            .map(|e| (e.headers.clone(), e.body.clone()))
    }

    fn store(&self, key: String, generation: u64, headers: HeaderMap, body: Bytes) {
        if body.len() > MAX_ENTRY_BYTES || self.generation.load(Ordering::Acquire) != generation {
            return;
        }
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if entries.bytes + body.len() > MAX_BYTES {
            // Drop what can no longer answer; if that is not enough, keep nothing new.
            let now = self.generation.load(Ordering::Acquire);
            entries
                .map
                .retain(|_, e| e.generation == now && e.stored.elapsed() < TTL);
            entries.bytes = entries.map.values().map(|e| e.body.len()).sum();
            if entries.bytes + body.len() > MAX_BYTES {
                return;
            }
        }
        entries.bytes += body.len();
        let old = entries.map.insert(
            key,
            Entry {
                generation,
                stored: Instant::now(),
                headers,
                body,
            },
        );
        if let Some(old) = old {
            entries.bytes -= old.body.len();
        }
    }

    /// After a write: nothing cached before it may answer again.
    fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }
}

/// The middleware: answers anonymous GETs from the cache, keeps public 200s, and forgets
/// everything after a write.
pub async fn layer(State(cache): State<Arc<ResponseCache>>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    if method != Method::GET || req.headers().contains_key(header::AUTHORIZATION) {
        let write = !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS);
        let res = next.run(req).await;
        // Also after refused writes: cheap, and no status has to be trusted to mean
        // "nothing changed".
        if write {
            cache.invalidate();
        }
        return res;
    }
    let key = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    // Read before the handler runs: a write finishing meanwhile makes this answer unusable.
    let generation = cache.generation.load(Ordering::Acquire);
    if let Some((headers, body)) = cache.fresh(&key, generation) {
        return answer(req.headers(), headers, body);
    }
    // The handler makes the full answer even for a conditional request, so that a run of
    // revalidations (all 304) still fills the cache; `answer` applies `If-None-Match`.
    let (mut parts, body) = req.into_parts();
    let conditional = parts.headers.remove(header::IF_NONE_MATCH);
    let res = next.run(Request::from_parts(parts, body)).await;
    let public = res
        .headers()
        .get(header::CACHE_CONTROL)
        .is_some_and(|v| v.as_bytes().starts_with(b"public"));
    if res.status() != StatusCode::OK || !public {
        return res;
    }
    // The handlers' JSON bodies are whole byte buffers with an exact size; anything else
    // (or anything large) passes through untouched.
    let size = HttpBody::size_hint(res.body()).exact();
    if size.is_none_or(|n| n > MAX_ENTRY_BYTES as u64) {
        return res;
    }
    let (parts, body) = res.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ENTRY_BYTES).await else {
        // Unreachable for an in-memory body of known size; never answer half a page.
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    cache.store(key, generation, parts.headers.clone(), bytes.clone());
    let mut request = HeaderMap::new();
    if let Some(v) = conditional {
        request.insert(header::IF_NONE_MATCH, v);
    }
    answer(&request, parts.headers, bytes)
}

/// A cached answer, or 304 when the client holds it (as `cond::json_with_etag` would).
fn answer(request: &HeaderMap, mut headers: HeaderMap, body: Bytes) -> Response {
    let etag = headers
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let Some(held) = etag
        .as_deref()
        .and_then(|etag| cond::held_tag(request, etag))
    {
        let mut res = StatusCode::NOT_MODIFIED.into_response();
        let h = res.headers_mut();
        if let Ok(v) = header::HeaderValue::from_str(&held) {
            h.insert(header::ETAG, v);
        }
        for name in [header::CACHE_CONTROL, header::VARY] {
            if let Some(v) = headers.remove(&name) {
                h.insert(name, v);
            }
        }
        return res;
    }
    let mut res = Response::new(Body::from(body));
    *res.headers_mut() = headers;
    res
}
