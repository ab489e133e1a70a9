//! Compressed responses (gzip, brotli; api.md, «Limits and hygiene») chosen by the client's
//! `Accept-Encoding`, and ETags that stay correct under compression.
//!
//! tower-http compresses the body but leaves the `ETag` alone. A gzip body is a different
//! representation from the identity body, so RFC 9110 (8.8.3) forbids giving both the same
//! strong ETag: a cache could splice byte ranges of one into the other. Weak ETags are not
//! the way out here: `If-Match` compares strongly, so the site's optimistic concurrency
//! (it sends back the ETag it read, over a compressed response) would always fail with 412.
//! Instead a compressed response gets its own strong tag, the identity tag with the coding
//! appended (`"t-v3"` → `"t-v3-gzip"`, as Apache httpd does), and the conditional checks in
//! `cond` accept such a tag for the resource it was derived from.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use tower_http::compression::predicate::SizeAbove;
use tower_http::compression::{CompressionLayer, CompressionLevel};

/// Bodies below this size are sent as they are: compressing them saves less than a packet
/// and costs CPU on every request.
pub const MIN_COMPRESSED_BYTES: u16 = 1024;

/// The codings this API produces, as they appear in `Content-Encoding` and in ETag suffixes.
const CODINGS: [&str; 2] = ["gzip", "br"];

/// gzip and brotli at the library's default levels (brotli 4, gzip 6: fast enough to run on
/// every response) for bodies of at least [`MIN_COMPRESSED_BYTES`].
pub fn layer() -> CompressionLayer<SizeAbove> {
    CompressionLayer::new()
        .no_deflate()
        .no_zstd()
        .quality(CompressionLevel::Default)
        .compress_when(SizeAbove::new(MIN_COMPRESSED_BYTES))
}

/// Whether a tag the client holds names the representation tagged `etag` or one of its
/// compressed forms (`"x"` and `"x-gzip"` both name `"x"`). Comparison is strong; callers
/// that compare weakly strip `W/` first.
pub fn names_representation(tag: &str, etag: &str) -> bool {
    if tag == etag {
        return true;
    }
    let (Some(inner), Some(base)) = (tag.strip_suffix('"'), etag.strip_suffix('"')) else {
        return false;
    };
    CODINGS
        .iter()
        .any(|coding| inner.strip_suffix(coding).and_then(|t| t.strip_suffix('-')) == Some(base))
}

/// The tag of the `coding`-compressed form of a representation tagged `etag`; `None` for
/// weak or malformed tags (those are left as they are).
fn encoded_tag(etag: &str, coding: &str) -> Option<String> {
    let base = etag.strip_prefix('"')?.strip_suffix('"')?;
    Some(format!("\"{base}-{coding}\""))
}

/// Runs outside the compression layer: a response it compressed gets the tag of the
/// compressed representation.
pub async fn tag_encoded(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let coding = res
        .headers()
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .filter(|c| CODINGS.contains(c));
    let tag = match (coding, res.headers().get(header::ETAG)) {
        (Some(coding), Some(etag)) => etag.to_str().ok().and_then(|e| encoded_tag(e, coding)),
        _ => None,
    };
    if let Some(v) = tag.and_then(|t| HeaderValue::from_str(&t).ok()) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compressed_tags_name_their_identity_representation() {
        assert!(names_representation("\"t-1-v2\"", "\"t-1-v2\""));
        assert!(names_representation("\"t-1-v2-gzip\"", "\"t-1-v2\""));
        assert!(names_representation("\"t-1-v2-br\"", "\"t-1-v2\""));
        assert!(!names_representation("\"t-1-v2-zstd\"", "\"t-1-v2\""));
        assert!(!names_representation("\"t-1-v3-gzip\"", "\"t-1-v2\""));
        assert!(!names_representation("\"t-1-v2gzip\"", "\"t-1-v2\""));
        assert!(!names_representation("W/\"t-1-v2\"", "\"t-1-v2\""));
    }

    #[test]
    fn only_strong_tags_get_a_coding() {
        assert_eq!(encoded_tag("\"ab\"", "br").as_deref(), Some("\"ab-br\""));
        assert_eq!(encoded_tag("W/\"ab\"", "gzip"), None);
        assert_eq!(encoded_tag("ab", "gzip"), None);
    }
}
