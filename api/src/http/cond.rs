//! Conditional requests: strong ETags, `If-None-Match` → 304 on reads, `If-Match` → 412 on
//! writes. ETags never depend on who asks, only on what is returned.

use super::encoding;
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

/// `If-Match` compares strongly (RFC 9110, 13.1.1): a weak tag never matches. A tag of a
/// compressed form of the representation (`encoding`) does.
fn matches(list: &str, etag: &str) -> bool {
    list.split(',')
        .map(str::trim)
        .any(|t| t == "*" || encoding::names_representation(t, etag))
}

/// `If-None-Match` compares weakly (RFC 9110, 13.1.2). Returns the tag the client holds
/// (`*` answers with the current tag), which the 304 repeats: a client that cached the gzip
/// form must be told that form's tag, not the identity one.
fn none_match<'a>(list: &'a str, etag: &'a str) -> Option<&'a str> {
    list.split(',')
        .map(str::trim)
        .map(|t| t.strip_prefix("W/").unwrap_or(t))
        .find(|t| *t == "*" || encoding::names_representation(t, etag))
        .map(|t| if t == "*" { etag } else { t })
}

/// The tag the client holds of the representation tagged `etag`, per its `If-None-Match`
/// (`None`: it holds none, so the full answer is due).
pub fn held_tag(headers: &HeaderMap, etag: &str) -> Option<String> {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .and_then(|list| none_match(list, etag))
        .map(str::to_owned)
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
    let held = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .and_then(|list| none_match(list, &etag));
    let (mut res, etag) = if let Some(held) = held {
        (StatusCode::NOT_MODIFIED.into_response(), held)
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
        (r, etag.as_str())
    };
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    // Accept-Encoding also on the 304 and on bodies too small to compress: the 304 must
    // name what the 200 would have (RFC 9110, 15.4.5), and caches key on it either way.
    h.insert(
        header::VARY,
        HeaderValue::from_static("Authorization, Accept-Encoding"),
    );
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
        h.insert(header::IF_MATCH, HeaderValue::from_static("\"a-gzip\""));
        assert!(check_if_match(&h, "\"a\"").is_ok());
        h.insert(header::IF_MATCH, HeaderValue::from_static("W/\"a\""));
        assert!(check_if_match(&h, "\"a\"").is_err());
    }

    #[test]
    fn if_none_match_compares_weakly_and_names_the_held_tag() {
        assert_eq!(none_match("W/\"a\"", "\"a\""), Some("\"a\""));
        assert_eq!(none_match("\"b\", \"a-br\"", "\"a\""), Some("\"a-br\""));
        assert_eq!(none_match("*", "\"a\""), Some("\"a\""));
        assert_eq!(none_match("\"b-gzip\"", "\"a\""), None);
    }
}
