//! The output folder over HTTP: `/de/` serves `de/index.html`, `/de` redirects to `/de/`,
//! a missing file gets the site's `404.html` with status 404. Paths are decoded and must
//! stay inside the folder; hidden files (the writer's manifest) are not served. Nothing is
//! cached: every response is read from disk, so a rebuild shows on the next request.

use super::live::Live;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// A request that arrives while a build swaps the folder waits this long at most.
const SWAP_WAIT: Duration = Duration::from_secs(30);

const FALLBACK_404: &str = "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>404</title></head>\n<body>\n<h1>404 – nicht gefunden / not found</h1>\n</body>\n</html>\n";

/// Content type by file extension; text types carry `charset=utf-8`.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "map" => "application/json; charset=utf-8",
        "atom" => "application/atom+xml; charset=utf-8",
        "rss" => "application/rss+xml; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "ttl" => "text/turtle; charset=utf-8",
        "yml" | "yaml" => "text/yaml; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "wasm" => "application/wasm",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// The request path as a relative file path and its normalised (still encoded) form, or
/// `None` when it would leave the folder or name a hidden file.
fn resolve(path: &str) -> Option<(PathBuf, String)> {
    let mut file = PathBuf::new();
    let mut normal = String::from("/");
    for raw in path.split('/').filter(|s| !s.is_empty()) {
        let segment = percent_encoding::percent_decode_str(raw)
            .decode_utf8()
            .ok()?;
        if segment.starts_with('.') || segment.contains(['/', '\\', '\0']) {
            return None;
        }
        file.push(segment.as_ref());
        normal.push_str(raw);
        normal.push('/');
    }
    Some((file, normal))
}

enum Found {
    File(PathBuf),
    /// A folder asked for without the trailing slash.
    Redirect(String),
    Missing,
}

async fn lookup(root: &Path, uri: &Uri) -> Found {
    let Some((rel, normal)) = resolve(uri.path()) else {
        return Found::Missing;
    };
    let path = root.join(rel);
    match tokio::fs::metadata(&path).await {
        Ok(m) if m.is_dir() => {
            if uri.path().ends_with('/') {
                let index = path.join("index.html");
                if tokio::fs::metadata(&index).await.is_ok_and(|m| m.is_file()) {
                    Found::File(index)
                } else {
                    Found::Missing
                }
            } else {
                let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
                Found::Redirect(format!("{normal}{query}"))
            }
        }
        Ok(m) if m.is_file() && !uri.path().ends_with('/') => Found::File(path),
        _ => Found::Missing,
    }
}

/// Any path that is not one of the server's own: a file of the site.
pub async fn serve(State(live): State<Arc<Live>>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
            "method not allowed\n",
        )
            .into_response();
    }
    let mut found = lookup(&live.root, &uri).await;
    if matches!(found, Found::Missing) && live.is_building() {
        // The writer swaps the folder by two renames; between them nothing is there.
        live.until_built(SWAP_WAIT).await;
        found = lookup(&live.root, &uri).await;
    }
    match found {
        Found::Redirect(location) => (
            StatusCode::PERMANENT_REDIRECT,
            [(header::LOCATION, location)],
        )
            .into_response(),
        Found::File(path) => match tokio::fs::read(&path).await {
            Ok(bytes) => respond(&live, StatusCode::OK, &path, bytes),
            Err(_) => not_found(&live).await,
        },
        Found::Missing => not_found(&live).await,
    }
}

async fn not_found(live: &Live) -> Response {
    let path = live.root.join("404.html");
    let bytes = tokio::fs::read(&path)
        .await
        .unwrap_or_else(|_| FALLBACK_404.as_bytes().to_vec());
    respond(live, StatusCode::NOT_FOUND, &path, bytes)
}

fn respond(live: &Live, status: StatusCode, path: &Path, bytes: Vec<u8>) -> Response {
    let kind = content_type(path);
    let bytes = if kind.starts_with("text/html") {
        live.inject(bytes)
    } else {
        bytes
    };
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types() {
        let ct = |p: &str| content_type(Path::new(p));
        assert_eq!(ct("de/feed.atom"), "application/atom+xml; charset=utf-8");
        assert_eq!(ct("data/catalogue.ttl"), "text/turtle; charset=utf-8");
        assert_eq!(ct("publiccode.yml"), "text/yaml; charset=utf-8");
        assert_eq!(ct("index.HTML"), "text/html; charset=utf-8");
        assert_eq!(ct("data/software.json"), "application/json; charset=utf-8");
        assert_eq!(ct("logo.svg"), "image/svg+xml");
        assert_eq!(ct("README"), "application/octet-stream");
    }

    #[test]
    fn paths_stay_inside_the_folder() {
        assert_eq!(resolve("/").unwrap().0, PathBuf::new());
        let (file, normal) = resolve("/de//software/caf%C3%A9/").unwrap();
        assert_eq!(file, Path::new("de/software/café"));
        assert_eq!(normal, "/de/software/caf%C3%A9/");
        for bad in [
            "/../etc/passwd",
            "/de/%2e%2e/%2e%2e/etc",
            "/a%2Fb",
            "/a%5Cb",
            "/.allmende-manifest",
            "/%00",
            "/%ff",
        ] {
            assert!(resolve(bad).is_none(), "{bad}");
        }
    }
}
