//! Test harness: a real API server on 127.0.0.1 (own thread and runtime) over a fresh
//! SQLite file, or a fresh PostgreSQL database when `ALLMENDE_TEST_POSTGRES_URL` is set,
//! and a small blocking HTTP client.
#![allow(dead_code)] // each test binary uses a different part of the harness

use allmende_api::config::{Config, FileSection};
use serde_json::Value;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

static COUNTER: AtomicUsize = AtomicUsize::new(0);

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// SQLite always; PostgreSQL too when the environment names a server.
pub fn backends() -> Vec<Backend> {
    let mut b = vec![Backend::Sqlite];
    if std::env::var("ALLMENDE_TEST_POSTGRES_URL").is_ok_and(|u| !u.is_empty()) {
        b.push(Backend::Postgres);
    }
    b
}

pub struct Server {
    pub base: String,
    pub backend: Backend,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    cleanup: Option<PathBuf>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        if let Some(dir) = self.cleanup.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn unique(prefix: &str) -> String {
    format!(
        "{prefix}_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    )
}

/// A fresh, empty PostgreSQL database on the test server; returns its URL.
fn postgres_database() -> String {
    let admin = std::env::var("ALLMENDE_TEST_POSTGRES_URL").unwrap();
    let name = unique("allmende_t");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        sqlx::any::install_default_drivers();
        let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin)
            .await
            .expect("connect to ALLMENDE_TEST_POSTGRES_URL");
        sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str())
            .await
            .expect("create a test database (the role needs CREATEDB)");
    });
    let mut url = url::Url::parse(&admin).unwrap();
    url.set_path(&format!("/{name}"));
    url.to_string()
}

/// The file section most tests run with: content throttles out of the way, so a test can
/// write as fast as it likes (the throttles' own tests use `config_with`).
pub fn relaxed() -> FileSection {
    FileSection {
        limits: Some(allmende_api::config::LimitsSection {
            thread_interval_seconds: Some([0, 0]),
            reply_interval_seconds: Some([0, 0]),
            contributions_per_hour: Some(100_000),
            threads_per_day: Some([100_000, 100_000]),
            replies_per_day: Some([100_000, 100_000]),
            ..Default::default()
        }),
        ..Default::default()
    }
}

pub fn config(backend: Backend) -> (Config, Option<PathBuf>) {
    config_with(backend, &relaxed())
}

pub fn config_with(backend: Backend, file: &FileSection) -> (Config, Option<PathBuf>) {
    let (url, cleanup) = match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(unique("allmende-api-test"));
            std::fs::create_dir_all(&dir).unwrap();
            (format!("sqlite://{}/api.db", dir.display()), Some(dir))
        }
        Backend::Postgres => (postgres_database(), None),
    };
    let env = |k: &str| match k {
        "ALLMENDE_DATABASE_URL" => Some(url.clone()),
        "ALLMENDE_DEV_LOGIN" => Some("1".into()),
        "ALLMENDE_LISTEN" => Some("127.0.0.1:0".into()),
        "ALLMENDE_CORS_ORIGINS" => Some("https://site.example".into()),
        _ => None,
    };
    let c = Config::resolve(file, &env, std::path::Path::new("/")).unwrap();
    (c, cleanup)
}

pub fn start(backend: Backend) -> Server {
    let (c, cleanup) = config(backend);
    start_with(backend, c, cleanup)
}

pub fn start_with(backend: Backend, config: Config, cleanup: Option<PathBuf>) -> Server {
    let (addr_tx, addr_rx) = std::sync::mpsc::channel::<SocketAddr>();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let state = allmende_api::open(config).await.expect("open the database");
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            addr_tx.send(listener.local_addr().unwrap()).unwrap();
            let app = axum::Router::new().nest("/api/v1", allmende_api::router(state));
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async move {
                let _ = stop_rx.await;
            })
            .await
            .unwrap();
        });
    });
    let addr = addr_rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the test server starts");
    Server {
        base: format!("http://{addr}/api/v1"),
        backend,
        stop: Some(stop_tx),
        thread: Some(thread),
        cleanup,
    }
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub text: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    /// Asserts an RFC 9457 problem document with this status.
    pub fn problem(&self, status: u16) -> Value {
        assert_eq!(self.status, status, "{}", self.text);
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "{}",
            self.text
        );
        let p = self.json();
        assert_eq!(p["status"], status);
        assert!(
            p["type"]
                .as_str()
                .unwrap()
                .starts_with("urn:allmende:problem:")
        );
        assert!(p["title"].is_string() && p["title_de"].is_string());
        assert!(
            p["instance"]
                .as_str()
                .is_some_and(|i| i.starts_with("urn:allmende:request:")),
            "{p}"
        );
        p
    }
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn req(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Resp {
        let agent = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(30))
            .build();
        let mut r = agent.request(method, &self.url(path));
        if let Some(t) = token {
            r = r.set("Authorization", &format!("Bearer {t}"));
        }
        for (k, v) in headers {
            r = r.set(k, v);
        }
        let res = match body {
            Some(b) => r.set("Content-Type", "application/json").send_string(b),
            None => r.call(),
        };
        let res = match res {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{method} {path}: {e}"),
        };
        let status = res.status();
        let headers = res
            .headers_names()
            .into_iter()
            .map(|n| {
                let v = res.all(&n).join(", ");
                (n, v)
            })
            .collect();
        let text = res.into_string().unwrap_or_default();
        Resp {
            status,
            headers,
            text,
        }
    }

    pub fn get(&self, path: &str, token: Option<&str>) -> Resp {
        self.req("GET", path, token, &[], None)
    }
    pub fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Resp {
        self.req("POST", path, token, &[], Some(&body.to_string()))
    }
    pub fn patch(&self, path: &str, token: Option<&str>, body: &Value) -> Resp {
        self.req("PATCH", path, token, &[], Some(&body.to_string()))
    }
    pub fn put(&self, path: &str, token: Option<&str>, body: Option<&Value>) -> Resp {
        let b = body.map(|b| b.to_string());
        self.req("PUT", path, token, &[], b.as_deref())
    }
    pub fn delete(&self, path: &str, token: Option<&str>) -> Resp {
        self.req("DELETE", path, token, &[], None)
    }

    /// Dev login; returns the token.
    pub fn login(&self, username: &str, role: &str) -> String {
        let r = self.post(
            "/dev/login",
            None,
            &serde_json::json!({"username": username, "role": role}),
        );
        assert_eq!(r.status, 200, "{}", r.text);
        r.json()["token"].as_str().unwrap().to_owned()
    }

    /// Opens a ticket and returns its JSON.
    pub fn ticket(&self, project: &str, token: &str, title: &str, body: &str) -> Value {
        let r = self.post(
            &format!("/projects/{project}/tickets"),
            Some(token),
            &serde_json::json!({"title": title, "body": body}),
        );
        assert_eq!(r.status, 201, "{}", r.text);
        r.json()
    }
}
