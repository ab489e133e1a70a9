//! Cross-cutting behaviour over real HTTP: problem+json for every error (404, 405, 413,
//! 408, malformed JSON, wrong media type), request ids, CORS (allowlist, exposed headers,
//! readable 429s), rate-limit headers, health and metrics.

mod common;

use common::{Backend, start, start_with};
use serde_json::json;

#[test]
fn every_error_is_a_problem_document() {
    let s = start(Backend::Sqlite);
    let alice = s.login("alice", "member");
    let p = s.get("/no/such/path", None).problem(404);
    assert_eq!(p["type"], "urn:allmende:problem:not-found");
    let p = s
        .req("PUT", "/projects/demo/tickets", None, &[], None)
        .problem(405);
    assert_eq!(p["type"], "urn:allmende:problem:method-not-allowed");
    let r = s.req(
        "POST",
        "/projects/demo/tickets",
        Some(&alice),
        &[],
        Some("{not json"),
    );
    r.problem(400);
    let r = s.req(
        "POST",
        "/projects/demo/tickets",
        Some(&alice),
        &[("Content-Type", "text/plain")],
        None,
    );
    r.problem(415);
    let p = s
        .post("/projects/demo/tickets", Some(&alice), &json!({"title": 5}))
        .problem(422);
    assert_eq!(p["errors"][0]["code"], "invalid");
    let big = format!(
        "{{\"title\":\"x\",\"body\":\"{}\"}}",
        "a".repeat(300 * 1024)
    );
    s.req(
        "POST",
        "/projects/demo/tickets",
        Some(&alice),
        &[],
        Some(&big),
    )
    .problem(413);
    s.get("/projects/demo/tickets/notanumber", None)
        .problem(400);
    s.get("/projects/demo/tickets?limit=many", None)
        .problem(400);
    let p = s.get("/me", Some("alm_pat_wrong")).problem(401);
    assert!(p["detail"].as_str().unwrap().contains("unknown"), "{p}");
    s.get("/me", Some("not-a-jwt")).problem(401);
    s.req("GET", "/me", None, &[("Authorization", "Basic YTpi")], None)
        .problem(401);
}

#[test]
fn requests_time_out_after_the_limit_with_a_problem() {
    use std::io::{Read, Write};
    let (mut config, cleanup) = common::config(Backend::Sqlite);
    config.limits.timeout = std::time::Duration::from_millis(300);
    let s = start_with(Backend::Sqlite, config, cleanup);
    let token = s.login("alice", "member");
    // A client that announces a body and never finishes sending it.
    let addr = s
        .base
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let mut conn = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        conn,
        "POST /api/v1/projects/demo/tickets HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{{\"title\""
    )
    .unwrap();
    conn.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let started = std::time::Instant::now();
    let mut answer = String::new();
    let _ = conn.read_to_string(&mut answer);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        answer
            .to_ascii_lowercase()
            .contains("content-type: application/problem+json"),
        "{answer}"
    );
    assert!(answer.contains("urn:allmende:problem:timeout"), "{answer}");
}

#[test]
fn request_ids_are_made_or_kept_and_named_in_problems() {
    let s = start(Backend::Sqlite);
    let r = s.get("/health", None);
    let id = r.header("x-request-id").expect("a request id");
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let r = s.req(
        "GET",
        "/nowhere",
        None,
        &[("X-Request-Id", "trace-123")],
        None,
    );
    assert_eq!(r.header("x-request-id"), Some("trace-123"));
    assert_eq!(r.problem(404)["instance"], "urn:allmende:request:trace-123");
}

#[test]
fn cors_allows_the_site_and_exposes_the_headers_it_needs() {
    let s = start(Backend::Sqlite);
    let pre = s.req(
        "OPTIONS",
        "/projects/demo/tickets",
        None,
        &[
            ("Origin", "https://site.example"),
            ("Access-Control-Request-Method", "PATCH"),
            (
                "Access-Control-Request-Headers",
                "authorization, if-match, content-type",
            ),
        ],
        None,
    );
    assert!(pre.status < 300, "{}", pre.status);
    assert_eq!(
        pre.header("access-control-allow-origin"),
        Some("https://site.example")
    );
    let methods = pre
        .header("access-control-allow-methods")
        .unwrap()
        .to_ascii_uppercase();
    for m in ["GET", "POST", "PATCH", "PUT", "DELETE"] {
        assert!(methods.contains(m), "{methods}");
    }
    let allowed = pre
        .header("access-control-allow-headers")
        .unwrap()
        .to_ascii_lowercase();
    for h in ["authorization", "content-type", "if-match", "if-none-match"] {
        assert!(allowed.contains(h), "{allowed}");
    }
    assert!(pre.header("access-control-max-age").is_some());
    assert!(pre.header("access-control-allow-credentials").is_none());
    let r = s.req(
        "GET",
        "/projects/demo/tickets",
        None,
        &[("Origin", "https://site.example")],
        None,
    );
    let exposed = r
        .header("access-control-expose-headers")
        .unwrap()
        .to_ascii_lowercase();
    for h in [
        "link",
        "etag",
        "location",
        "retry-after",
        "ratelimit",
        "ratelimit-policy",
        "x-request-id",
    ] {
        assert!(
            exposed.split(',').any(|e| e.trim() == h),
            "{h} not in {exposed}"
        );
    }
    let r = s.req(
        "GET",
        "/health",
        None,
        &[("Origin", "https://evil.example")],
        None,
    );
    assert!(r.header("access-control-allow-origin").is_none());
}

#[test]
fn rate_limits_are_announced_and_429_is_readable_cross_origin() {
    let (mut config, cleanup) = common::config(Backend::Sqlite);
    config.limits.anonymous_per_minute = 3;
    let s = start_with(Backend::Sqlite, config, cleanup);
    let origin = [("Origin", "https://site.example")];
    let first = s.req("GET", "/projects/demo/tickets", None, &origin, None);
    assert_eq!(first.status, 200);
    assert_eq!(first.header("ratelimit-policy"), Some("\"reads\";q=3;w=60"));
    assert!(
        first
            .header("ratelimit")
            .unwrap()
            .starts_with("\"reads\";r=2;t="),
        "{:?}",
        first.header("ratelimit")
    );
    // A 304 is free.
    let etag = first.header("etag").unwrap().to_owned();
    for _ in 0..3 {
        let r = s.req(
            "GET",
            "/projects/demo/tickets",
            None,
            &[("Origin", "https://site.example"), ("If-None-Match", &etag)],
            None,
        );
        assert_eq!(r.status, 304);
    }
    s.req("GET", "/projects/demo/tickets", None, &origin, None);
    s.req("GET", "/projects/demo/tickets", None, &origin, None);
    let limited = s.req("GET", "/projects/demo/tickets", None, &origin, None);
    let p = limited.problem(429);
    let wait: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait));
    assert_eq!(p["retry_after"], wait);
    assert_eq!(
        limited.header("access-control-allow-origin"),
        Some("https://site.example")
    );
}

#[test]
fn health_and_metrics() {
    for b in common::backends() {
        let s = start(b);
        let h = s.get("/health", None).json();
        assert_eq!(h["status"], "ok");
        assert_eq!(
            h["database"],
            if b == Backend::Sqlite {
                "sqlite"
            } else {
                "postgres"
            }
        );
        s.get("/projects/demo/tickets", None);
        s.get("/nowhere", None);
        let m = s.get("/metrics", None);
        assert!(m.header("content-type").unwrap().starts_with("text/plain"));
        assert!(
            m.text.contains("allmende_api_requests_total{method=\"GET\",route=\"/api/v1/projects/{slug}/tickets\",status=\"200\"} 1"),
            "{}",
            m.text
        );
        assert!(m.text.contains("status=\"404\""), "{}", m.text);
        assert!(
            m.text
                .contains("allmende_api_request_duration_seconds_bucket"),
            "{}",
            m.text
        );
    }
}
