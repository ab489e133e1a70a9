//! Conditional requests: strong ETags, `If-None-Match` → 304 on reads, `If-Match` → 412 on
//! writes. ETags never depend on who asks, only on what is returned.

use super::problem::ApiError;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sha2::Digest;

/// The ETag of one row: kind, id and the row's `version`.
pub fn row_etag(kind: &str, id: &str, version: i64) -> String {
    format!("\"{kind}-{id}-v{version}\"")
}

/// The ETag of a computed body (lists): a digest of its bytes.
pub fn body_etag(bytes: &[u8]) -> String {
    let d = sha2::Sha256::digest(bytes);
    format!("\"{}\"", crate::auth::hex(&d[..16]))
}

fn matches(list: &str, etag: &str) -> bool {
    list.split(',')
        .map(str::trim)
        .any(|t| t == "*" || t == etag)
}

/// `If-Match` on PATCH/DELETE: absent passes (requiring it, 428, can come later).
pub fn check_if_match(headers: &HeaderMap, current: &str) -> Result<(), ApiError> {
    match headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()) {
        Some(list) if !matches(list, current) => Err(ApiError::PreconditionFailed),
        _ => Ok(()),
    }
}

/// A JSON response with its ETag, or 304 when the client already holds it.
/// `private`: the answer depends on the caller's identity (set by authenticated reads).
pub fn json_with_etag<T: Serialize>(
    headers: &HeaderMap,
    etag: Option<String>,
    private: bool,
    extra: Vec<(header::HeaderName, String)>,
    value: &T,
) -> Result<Response, ApiError> {
    let bytes = serde_json::to_vec(value).map_err(|e| ApiError::Internal(e.to_string()))?;
    let etag = etag.unwrap_or_else(|| body_etag(&bytes));
    let cache = if private {
        "private, no-cache"
    } else {
        "public, max-age=10"
    };
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|list| matches(list, &etag));
    let mut res = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            bytes,
        )
            .into_response();
        for (name, value) in extra {
            if let Ok(v) = HeaderValue::from_str(&value) {
                r.headers_mut().insert(name, v);
            }
        }
        r
    };
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(header::VARY, HeaderValue::from_static("Authorization"));
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_lists_and_wildcards() {
        let mut h = HeaderMap::new();
        assert!(check_if_match(&h, "\"a\"").is_ok());
        h.insert(header::IF_MATCH, HeaderValue::from_static("\"b\", \"a\""));
        assert!(check_if_match(&h, "\"a\"").is_ok());
        h.insert(header::IF_MATCH, HeaderValue::from_static("*"));
        assert!(check_if_match(&h, "\"a\"").is_ok());
        h.insert(header::IF_MATCH, HeaderValue::from_static("\"b\""));
        assert!(matches!(
            check_if_match(&h, "\"a\""),
            Err(ApiError::PreconditionFailed)
        ));
    }
}
