//! Accounts over HTTP: dev login (enabled + loopback only), personal access tokens
//! (shown once, scoped, expiring, revocable, last use recorded), and OIDC access tokens
//! checked against a test issuer whose keys are generated here and served on 127.0.0.1.

mod common;

use axum::Router;
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::{Backend, backends, start, start_with};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

#[test]
fn dev_login_only_when_enabled() {
    let (mut config, cleanup) = common::config(Backend::Sqlite);
    config.dev_login = false;
    let s = start_with(Backend::Sqlite, config, cleanup);
    s.post("/dev/login", None, &json!({"username": "a"}))
        .problem(404);
    let s = start(Backend::Sqlite);
    s.post("/dev/login", None, &json!({"username": "a b"}))
        .problem(422);
    s.post(
        "/dev/login",
        None,
        &json!({"username": "a", "role": "emperor"}),
    )
    .problem(422);
    let token = s.login("alice", "moderator");
    assert!(token.starts_with("alm_pat_"));
    let me = s.get("/me", Some(&token)).json();
    assert_eq!(me["username"], "alice");
    assert_eq!(me["role"], "moderator");
    assert_eq!(
        me["scopes"],
        json!(["read", "tickets:write", "forum:write", "moderate"])
    );
    assert_eq!(me["limits"]["markdown_chars"], 65536);
    // Logging in again as the same name is the same account, with the new role.
    let again = s.login("alice", "member");
    let me2 = s.get("/me", Some(&again)).json();
    assert_eq!(me2["id"], me["id"]);
    assert_eq!(me2["role"], "member");
}

#[test]
fn personal_access_tokens() {
    for b in backends() {
        let s = start(b);
        let session = s.login("alice", "member");
        let r = s.post(
            "/me/tokens",
            Some(&session),
            &json!({"name": "CI", "scopes": ["read"], "expires_in_days": 30}),
        );
        assert_eq!(r.status, 201, "{}", r.text);
        assert!(
            r.header("location")
                .unwrap()
                .starts_with("/api/v1/me/tokens/")
        );
        let created = r.json();
        let pat = created["token"].as_str().unwrap().to_owned();
        assert!(pat.starts_with("alm_pat_") && pat.len() == 8 + 43);
        assert_eq!(created["scopes"], json!(["read"]));
        // The secret is never listed again.
        let list = s.get("/me/tokens", Some(&session));
        assert!(!list.text.contains(&pat));
        let entry = list
            .json()
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == "CI")
            .cloned()
            .unwrap();
        assert!(entry["last_used_at"].is_null());
        // A read-only token reads but cannot write.
        assert_eq!(s.get("/me", Some(&pat)).json()["scopes"], json!(["read"]));
        s.post("/projects/demo/tickets", Some(&pat), &json!({"title": "x"}))
            .problem(403);
        let list = s.get("/me/tokens", Some(&session)).json();
        let entry = list
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == "CI")
            .unwrap();
        assert!(entry["last_used_at"].is_string(), "use is recorded");
        // Beyond the role, unknown scopes, no expiry: refused with field errors.
        let p = s
            .post(
                "/me/tokens",
                Some(&session),
                &json!({"name": "x", "scopes": ["moderate"], "expires_in_days": 1}),
            )
            .problem(422);
        assert_eq!(p["errors"][0]["field"], "scopes");
        s.post(
            "/me/tokens",
            Some(&session),
            &json!({"name": "x", "scopes": ["root"], "expires_in_days": 1}),
        )
        .problem(422);
        let p = s
            .post(
                "/me/tokens",
                Some(&session),
                &json!({"name": "x", "scopes": ["read"], "expires_in_days": 0}),
            )
            .problem(422);
        assert_eq!(p["errors"][0]["field"], "expires_in_days");
        s.post(
            "/me/tokens",
            Some(&session),
            &json!({"name": "x", "scopes": ["read"]}),
        )
        .problem(422);
        // A read-only token cannot mint a broader one.
        s.post(
            "/me/tokens",
            Some(&pat),
            &json!({"name": "y", "scopes": ["tickets:write"], "expires_in_days": 1}),
        )
        .problem(422);
        // Revocation is immediate; someone else's token is not found.
        let bob = s.login("bob", "member");
        let id = created["id"].as_str().unwrap();
        s.delete(&format!("/me/tokens/{id}"), Some(&bob))
            .problem(404);
        assert_eq!(
            s.delete(&format!("/me/tokens/{id}"), Some(&session)).status,
            204
        );
        s.get("/me", Some(&pat)).problem(401);
        s.delete(&format!("/me/tokens/{id}"), Some(&session))
            .problem(404);
    }
}

/// A test OIDC issuer: discovery + JWKS on 127.0.0.1, an ES256 key made for this run.
struct Issuer {
    url: String,
    key: EncodingKey,
    jwks_fetches: Arc<AtomicUsize>,
    _thread: std::thread::JoinHandle<()>,
}

fn issuer() -> Issuer {
    let rng = ring::rand::SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    let pair =
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng).unwrap();
    let point = pair.public_key().as_ref().to_vec(); // 0x04 || x || y
    let jwks = json!({"keys": [{
        "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": "test-key",
        "x": URL_SAFE_NO_PAD.encode(&point[1..33]),
        "y": URL_SAFE_NO_PAD.encode(&point[33..65]),
    }]});
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}/realms/test", listener.local_addr().unwrap());
    let fetches = Arc::new(AtomicUsize::new(0));
    let (f, u) = (fetches.clone(), url.clone());
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let discovery = json!({"issuer": u, "jwks_uri": format!("{u}/certs")});
            let app = Router::new()
                .route(
                    "/realms/test/.well-known/openid-configuration",
                    get(move || async move { axum::Json(discovery) }),
                )
                .route(
                    "/realms/test/certs",
                    get(move || {
                        f.fetch_add(1, Ordering::SeqCst);
                        async move { axum::Json(jwks) }
                    }),
                );
            let l = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(l, app).await.unwrap();
        });
    });
    Issuer {
        url,
        key: EncodingKey::from_ec_der(pkcs8.as_ref()),
        jwks_fetches: fetches,
        _thread: thread,
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

impl Issuer {
    fn token(&self, claims: Value, kid: &str) -> String {
        let mut h = Header::new(Algorithm::ES256);
        h.kid = Some(kid.into());
        jsonwebtoken::encode(&h, &claims, &self.key).unwrap()
    }
    fn claims(&self, sub: &str) -> Value {
        json!({"iss": self.url, "aud": ["account", "allmende-api"], "sub": sub,
               "exp": now() + 300, "nbf": now() - 5, "preferred_username": "erika",
               "name": "Erika Mustermann", "email": "erika@example.org"})
    }
}

#[test]
fn oidc_tokens_are_verified_against_the_issuer() {
    let idp = issuer();
    for b in backends() {
        let (mut config, cleanup) = common::config(b);
        config.oidc = Some(allmende_api::config::OidcConfig {
            issuer: idp.url.clone(),
            audience: "allmende-api".into(),
        });
        let s = start_with(b, config, cleanup);
        let good = idp.token(idp.claims("sub-1"), "test-key");
        let me = s.get("/me", Some(&good));
        assert_eq!(me.status, 200, "{}", me.text);
        let me = me.json();
        assert_eq!(me["username"], "erika");
        assert_eq!(me["display_name"], "Erika Mustermann");
        assert_eq!(me["role"], "member");
        // Users are keyed by (iss, sub): same sub, changed name → same account.
        let mut renamed = idp.claims("sub-1");
        renamed["name"] = json!("Erika Musterfrau");
        let me2 = s.get("/me", Some(&idp.token(renamed, "test-key"))).json();
        assert_eq!(me2["id"], me["id"]);
        assert_eq!(me2["display_name"], "Erika Musterfrau");
        // Another sub with the same preferred name is another account.
        let other = s
            .get("/me", Some(&idp.token(idp.claims("sub-2"), "test-key")))
            .json();
        assert_ne!(other["id"], me["id"]);
        assert_eq!(other["username"], "erika2");
        // An OIDC user can write.
        assert_eq!(
            s.post(
                "/projects/demo/tickets",
                Some(&good),
                &json!({"title": "Über OIDC"})
            )
            .status,
            201
        );
        // IdP roles give global moderator/admin flags.
        let mut admin = idp.claims("sub-3");
        admin["realm_access"] = json!({"roles": ["allmende-admin"]});
        assert_eq!(
            s.get("/me", Some(&idp.token(admin, "test-key"))).json()["role"],
            "admin"
        );
        // Rejections, each with its reason.
        let reject = |claims: Value, kid: &str, why: &str| {
            let p = s.get("/me", Some(&idp.token(claims, kid))).problem(401);
            assert!(p["detail"].as_str().unwrap().contains(why), "{why}: {p}");
        };
        let mut c = idp.claims("x");
        c["exp"] = json!(now() - 120);
        reject(c, "test-key", "expired");
        let mut c = idp.claims("x");
        c["exp"] = json!(now() - 30); // within the 60 s leeway
        assert_eq!(s.get("/me", Some(&idp.token(c, "test-key"))).status, 200);
        let mut c = idp.claims("x");
        c["nbf"] = json!(now() + 600);
        reject(c, "test-key", "not valid yet");
        let mut c = idp.claims("x");
        c["aud"] = json!("account");
        reject(c, "test-key", "aud");
        let mut c = idp.claims("x");
        c["iss"] = json!("https://evil.example/realms/test");
        reject(c, "test-key", "another issuer");
        let mut c = idp.claims("x");
        c.as_object_mut().unwrap().remove("exp");
        reject(c, "test-key", "required claim");
        // HS256 with any key, and `none`, are refused before any key lookup.
        let hs = jsonwebtoken::encode(
            &Header {
                kid: Some("test-key".into()),
                ..Header::new(Algorithm::HS256)
            },
            &idp.claims("x"),
            &EncodingKey::from_secret(b"secret"),
        )
        .unwrap();
        let p = s.get("/me", Some(&hs)).problem(401);
        assert!(p["detail"].as_str().unwrap().contains("algorithm"), "{p}");
        let none = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"none","kid":"test-key"}"#),
            URL_SAFE_NO_PAD.encode(idp.claims("x").to_string())
        );
        s.get("/me", Some(&none)).problem(401);
        // A forged signature.
        let mut forged = good.clone();
        forged.replace_range(forged.len() - 4.., "AAAA");
        reject_raw(&s, &forged, "signature");
        // Unknown kids do not cause a fetch per request.
        let before = idp.jwks_fetches.load(Ordering::SeqCst);
        for i in 0..20 {
            reject_raw(
                &s,
                &idp.token(idp.claims("x"), &format!("random-{i}")),
                "unknown",
            );
        }
        let after = idp.jwks_fetches.load(Ordering::SeqCst);
        assert!(
            after - before <= 1,
            "{} JWKS fetches for 20 unknown kids",
            after - before
        );
    }
}

fn reject_raw(s: &common::Server, token: &str, why: &str) {
    let p = s.get("/me", Some(token)).problem(401);
    assert!(p["detail"].as_str().unwrap().contains(why), "{why}: {p}");
}

#[test]
fn without_an_issuer_jwts_are_refused_clearly() {
    let s = start(Backend::Sqlite);
    let p = s
        .get("/me", Some("eyJhbGciOiJFUzI1NiJ9.e30.sig"))
        .problem(401);
    assert!(
        p["detail"].as_str().unwrap().contains("no OIDC issuer"),
        "{p}"
    );
}

#[test]
fn dev_login_refuses_clients_that_are_not_on_this_machine() {
    use axum::body::Body;
    use axum::extract::ConnectInfo;
    use tower::ServiceExt;
    let (config, cleanup) = common::config(Backend::Sqlite);
    assert!(config.dev_login);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let state = allmende_api::open(config).await.unwrap();
        let app = axum::Router::new().nest("/api/v1", allmende_api::router(state));
        let call = |peer: &str| {
            let mut req = axum::http::Request::post("/api/v1/dev/login")
                .header("content-type", "application/json")
                .body(Body::from(r#"{"username":"mallory","role":"admin"}"#))
                .unwrap();
            req.extensions_mut()
                .insert(ConnectInfo(peer.parse::<std::net::SocketAddr>().unwrap()));
            app.clone().oneshot(req)
        };
        assert_eq!(call("192.0.2.7:5000").await.unwrap().status(), 404);
        assert_eq!(call("[2001:db8::1]:5000").await.unwrap().status(), 404);
        assert_eq!(call("127.0.0.1:5000").await.unwrap().status(), 200);
        assert_eq!(call("[::1]:5000").await.unwrap().status(), 200);
    });
    if let Some(dir) = cleanup {
        let _ = std::fs::remove_dir_all(dir);
    }
}
