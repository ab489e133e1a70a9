//! gzip and brotli by `Accept-Encoding`, with `Vary`, and ETags that stay correct: the
//! compressed form has its own strong tag, 304s and `If-Match` accept it — on SQLite and
//! (when configured) PostgreSQL.

mod common;

use common::{Backend, Server, backends, start};
use serde_json::{Value, json};
use std::io::Read;

/// A response with its raw (possibly compressed) body; the harness' client reads text only.
struct Raw {
    status: u16,
    encoding: Option<String>,
    etag: Option<String>,
    vary: String,
    body: Vec<u8>,
}

impl Raw {
    /// The body decoded according to `Content-Encoding`.
    fn decoded(&self) -> Vec<u8> {
        let mut out = Vec::new();
        match self.encoding.as_deref() {
            None => out.clone_from(&self.body),
            Some("gzip") => {
                flate2::read::GzDecoder::new(&self.body[..])
                    .read_to_end(&mut out)
                    .expect("a valid gzip stream");
            }
            Some("br") => {
                brotli_decompressor::Decompressor::new(&self.body[..], 4096)
                    .read_to_end(&mut out)
                    .expect("a valid brotli stream");
            }
            Some(other) => panic!("unexpected Content-Encoding {other}"),
        }
        out
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.decoded()).expect("a JSON body")
    }
}

fn raw(
    s: &Server,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&Value>,
) -> Raw {
    let agent = ureq::AgentBuilder::new().build();
    let mut r = agent.request(method, &s.url(path));
    for (k, v) in headers {
        r = r.set(k, v);
    }
    let res = match body {
        Some(b) => r
            .set("Content-Type", "application/json")
            .send_string(&b.to_string()),
        None => r.call(),
    };
    let res = match res {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{method} {path}: {e}"),
    };
    let header = |n: &str| res.header(n).map(str::to_owned);
    let (status, encoding, etag) = (res.status(), header("content-encoding"), header("etag"));
    let vary = res.all("vary").join(", ");
    let mut body = Vec::new();
    res.into_reader().read_to_end(&mut body).unwrap();
    Raw {
        status,
        encoding,
        etag,
        vary,
        body,
    }
}

fn varies_on_encoding(r: &Raw) -> bool {
    r.vary
        .split(',')
        .any(|v| v.trim().eq_ignore_ascii_case("accept-encoding"))
}

#[test]
fn the_openapi_document_and_lists_come_compressed_when_asked() {
    for backend in backends() {
        let s = start(backend);
        let plain = raw(&s, "GET", "/openapi.json", &[], None);
        assert_eq!(plain.status, 200);
        assert_eq!(
            plain.encoding, None,
            "{backend:?}: nothing asked, nothing compressed"
        );
        for coding in ["gzip", "br"] {
            let r = raw(
                &s,
                "GET",
                "/openapi.json",
                &[("Accept-Encoding", coding)],
                None,
            );
            assert_eq!(r.status, 200);
            assert_eq!(r.encoding.as_deref(), Some(coding), "{backend:?}");
            assert!(varies_on_encoding(&r), "{backend:?}: Vary is {:?}", r.vary);
            assert!(r.body.len() * 4 < plain.body.len(), "{coding} saves space");
            assert_eq!(
                r.decoded(),
                plain.body,
                "{backend:?}: {coding} decodes to the same bytes"
            );
        }
        // Preference by q-value; unknown codings are ignored.
        let r = raw(
            &s,
            "GET",
            "/openapi.json",
            &[("Accept-Encoding", "gzip;q=0.5, br;q=0.9, zstd;q=0")],
            None,
        );
        assert_eq!(r.encoding.as_deref(), Some("br"));

        // A list long enough to be worth compressing.
        let token = s.login("erika", "member");
        for i in 0..12 {
            let r = raw(
                &s,
                "POST",
                "/projects/demo/tickets",
                &[("Authorization", &format!("Bearer {token}"))],
                Some(
                    &json!({"title": format!("Ticket {i} mit einem längeren Titel"), "body": "x"}),
                ),
            );
            assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
        }
        let plain = raw(&s, "GET", "/projects/demo/tickets", &[], None);
        let gz = raw(
            &s,
            "GET",
            "/projects/demo/tickets",
            &[("Accept-Encoding", "gzip")],
            None,
        );
        assert_eq!(gz.encoding.as_deref(), Some("gzip"));
        assert_eq!(
            gz.json(),
            serde_json::from_slice::<Value>(&plain.body).unwrap()
        );
    }
}

#[test]
fn small_bodies_are_not_compressed() {
    let s = start(Backend::Sqlite);
    let r = raw(
        &s,
        "GET",
        "/health",
        &[("Accept-Encoding", "gzip, br")],
        None,
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.encoding, None);
    assert_eq!(r.json()["status"], "ok");
}

#[test]
fn compressed_forms_have_their_own_etag_and_conditional_requests_still_work() {
    for backend in backends() {
        let s = start(backend);
        let token = s.login("erika", "member");
        let auth = format!("Bearer {token}");
        // A body long enough to be compressed.
        let body = "Schritte zum Nachstellen: Aufnahme starten, warten, abbrechen. ".repeat(40);
        let t = s.ticket("demo", &token, "Aufnahme startet nicht", &body);
        let path = format!("/projects/demo/tickets/{}", t["number"]);

        let plain = raw(&s, "GET", &path, &[], None);
        let plain_tag = plain.etag.clone().expect("an ETag");
        assert!(
            varies_on_encoding(&plain),
            "{backend:?}: Vary is {:?}",
            plain.vary
        );
        let gz = raw(&s, "GET", &path, &[("Accept-Encoding", "gzip")], None);
        assert_eq!(gz.encoding.as_deref(), Some("gzip"));
        let gz_tag = gz.etag.clone().expect("an ETag");
        let br = raw(&s, "GET", &path, &[("Accept-Encoding", "br")], None);
        let br_tag = br.etag.clone().expect("an ETag");
        // RFC 9110, 8.8.3: different representations, different strong tags.
        assert_ne!(gz_tag, plain_tag, "{backend:?}");
        assert_ne!(br_tag, plain_tag);
        assert_ne!(br_tag, gz_tag);
        for tag in [&plain_tag, &gz_tag, &br_tag] {
            assert!(tag.starts_with('"') && tag.ends_with('"'), "strong: {tag}");
        }
        assert_eq!(gz.json(), br.json());

        // The cached gzip form revalidates to a 304 that names that form.
        let r = raw(
            &s,
            "GET",
            &path,
            &[("Accept-Encoding", "gzip"), ("If-None-Match", &gz_tag)],
            None,
        );
        assert_eq!(r.status, 304, "{backend:?}");
        assert!(r.body.is_empty());
        assert_eq!(r.etag.as_deref(), Some(gz_tag.as_str()));
        assert!(
            varies_on_encoding(&r),
            "a 304 carries Vary too: {:?}",
            r.vary
        );
        // So does the identity form asked with gzip accepted (the client switched codings).
        let r = raw(
            &s,
            "GET",
            &path,
            &[("Accept-Encoding", "gzip"), ("If-None-Match", &plain_tag)],
            None,
        );
        assert_eq!(r.status, 304);
        assert_eq!(r.etag.as_deref(), Some(plain_tag.as_str()));

        // If-Match with the tag of the compressed form the client read: the write passes…
        let r = raw(
            &s,
            "PATCH",
            &path,
            &[
                ("Authorization", &auth),
                ("Accept-Encoding", "gzip"),
                ("If-Match", &gz_tag),
            ],
            Some(&json!({"title": "Aufnahme startet nie"})),
        );
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.decoded()));
        assert_eq!(r.json()["title"], "Aufnahme startet nie");
        // …and a second write with the same, now stale, tag fails.
        let r = raw(
            &s,
            "PATCH",
            &path,
            &[("Authorization", &auth), ("If-Match", &br_tag)],
            Some(&json!({"title": "Verloren"})),
        );
        assert_eq!(r.status, 412, "{backend:?}");
        // A new version: the old gzip tag no longer revalidates.
        let r = raw(
            &s,
            "GET",
            &path,
            &[("Accept-Encoding", "gzip"), ("If-None-Match", &gz_tag)],
            None,
        );
        assert_eq!(r.status, 200);
        assert_eq!(r.json()["title"], "Aufnahme startet nie");
        assert_ne!(r.etag.as_deref(), Some(gz_tag.as_str()));
    }
}
