//! `allmende serve` end to end: the real binary on a free loopback port, serving a
//! throw-away catalogue of two entries with the repository's theme. Only 127.0.0.1 is
//! used; every wait is bounded; the server is killed when a test ends, also on panic.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long a build, a rebuild or an event may take (a debug build on a slow CI machine).
const PATIENCE: Duration = Duration::from_secs(20);

/// The shared minimal entry, in a category so the site has category pages.
fn entry(name: &str, url: &str) -> String {
    common::minimal_entry(name, url).replace(
        "softwareType: standalone/web\n",
        "softwareType: standalone/web\ncategories: [content-management]\n",
    )
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// A catalogue in the temp folder: site.toml, the repository's themes, two entries.
struct Site(PathBuf);

impl Site {
    fn new(name: &str) -> Self {
        let root =
            std::env::temp_dir().join(format!("allmende-serve-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(
            root.join("site.toml"),
            "base_url = \"http://127.0.0.1/\"\nlanguages = [\"de\", \"en\"]\n",
        )
        .unwrap();
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("../themes"),
            &root.join("themes"),
        );
        let site = Site(root);
        site.write_entry("alpha", &entry("Alpha", "https://example.org/alpha"));
        site.write_entry("beta", &entry("Beta", "https://example.org/beta"));
        site
    }

    fn entry_file(&self, slug: &str) -> PathBuf {
        self.0
            .join("content/software")
            .join(slug)
            .join("publiccode.yml")
    }

    fn write_entry(&self, slug: &str, text: &str) {
        let file = self.entry_file(slug);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(
            file.with_file_name("logo.svg"),
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        )
        .unwrap();
        std::fs::write(file, text).unwrap();
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The running server; killed when dropped, so a failing test leaves nothing behind.
struct Server {
    child: Child,
    base: String,
    logs: PathBuf,
}

impl Server {
    fn start(site: &Site, extra: &[&str]) -> Server {
        let logs = site.0.join("logs");
        std::fs::create_dir_all(&logs).unwrap();
        // The port is free when asked for; should another process take it before the
        // server binds, the server exits and we try another one.
        for _ in 0..5 {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let listen = format!("127.0.0.1:{port}");
            let child = Command::new(env!("CARGO_BIN_EXE_allmende"))
                .args(["serve", "--config"])
                .arg(site.0.join("site.toml"))
                .args(["--listen", &listen])
                .args(extra)
                .env("NO_COLOR", "1")
                .env("LC_ALL", "C")
                .stdin(Stdio::null())
                .stdout(std::fs::File::create(logs.join("stdout")).unwrap())
                .stderr(std::fs::File::create(logs.join("stderr")).unwrap())
                .spawn()
                .unwrap();
            let mut server = Server {
                child,
                base: format!("http://{listen}"),
                logs: logs.clone(),
            };
            let started = Instant::now();
            while started.elapsed() < PATIENCE {
                if server.child.try_wait().unwrap().is_some() {
                    break;
                }
                if get(&format!("{}/", server.base)).is_ok() {
                    return server;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            if server.child.try_wait().unwrap().is_none() {
                panic!("the server did not answer in time\n{}", server.logs());
            }
        }
        panic!("could not start the server on a free port");
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn logs(&self) -> String {
        let read = |f: &str| std::fs::read_to_string(self.logs.join(f)).unwrap_or_default();
        format!(
            "--- stdout\n{}--- stderr\n{}",
            read("stdout"),
            read("stderr")
        )
    }

    fn assert_running(&mut self) {
        let status = self.child.try_wait().unwrap();
        assert!(
            status.is_none(),
            "server exited: {status:?}\n{}",
            self.logs()
        );
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Page {
    status: u16,
    content_type: String,
    body: String,
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(10))
        .build()
}

fn get(url: &str) -> Result<Page, String> {
    let response = match agent().get(url).call() {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(ureq::Error::Transport(t)) => return Err(t.to_string()),
    };
    Ok(Page {
        status: response.status(),
        content_type: response.header("content-type").unwrap_or("").to_owned(),
        body: response.into_string().unwrap(),
    })
}

fn page(server: &Server, path: &str) -> Page {
    get(&server.url(path)).unwrap_or_else(|e| panic!("GET {path}: {e}\n{}", server.logs()))
}

/// Polls until `done` holds, at most `PATIENCE`.
fn eventually(server: &Server, what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while started.elapsed() < PATIENCE {
        if done() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("timed out waiting for {what}\n{}", server.logs());
}

/// The event stream, read line by line on a thread of its own.
struct Events {
    content_type: String,
    lines: mpsc::Receiver<String>,
}

impl Events {
    fn open(server: &Server) -> Events {
        let response = ureq::AgentBuilder::new()
            .timeout_connect(Duration::from_secs(10))
            .build()
            .get(&server.url("/__allmende/events"))
            .call()
            .unwrap_or_else(|e| panic!("event stream: {e}\n{}", server.logs()));
        let content_type = response.header("content-type").unwrap_or("").to_owned();
        let (tx, lines) = mpsc::channel();
        let reader = BufReader::new(response.into_reader());
        // Ends when the server is killed and the connection closes.
        std::thread::spawn(move || {
            for line in reader.lines() {
                let Ok(line) = line else { return };
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        Events {
            content_type,
            lines,
        }
    }

    /// Waits for `event: {name}` and returns its data line.
    fn expect(&self, server: &Server, name: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        let wanted = format!("event: {name}");
        let mut seen = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) if line == wanted => {
                    let data = self.lines.recv_timeout(left).unwrap_or_default();
                    return data.trim_start_matches("data:").trim().to_owned();
                }
                Ok(line) => seen.push(line),
                Err(_) => break,
            }
        }
        panic!(
            "no `{wanted}` on the event stream; saw {seen:?}\n{}",
            server.logs()
        );
    }
}

#[test]
fn serves_the_built_site() {
    let site = Site::new("static");
    let server = Server::start(&site, &["--no-watch"]);

    let root = page(&server, "/");
    assert_eq!(root.status, 200);
    assert_eq!(root.content_type, "text/html; charset=utf-8");
    assert!(root.body.contains("/__allmende/live.js"), "{}", root.body);

    let home = page(&server, "/de/");
    assert_eq!(home.status, 200, "{}", server.logs());
    assert_eq!(home.content_type, "text/html; charset=utf-8");
    assert!(home.body.contains("<html lang=\"de\""));
    let script = home
        .body
        .find("<script src=\"/__allmende/live.js\"")
        .unwrap();
    assert!(
        script < home.body.rfind("</body>").unwrap(),
        "script before </body>"
    );
    assert!(
        home.body
            .contains("id=\"allmende-serve-error\" role=\"alert\"")
    );
    // A folder without its slash is redirected (ureq follows) to the same page.
    assert_eq!(page(&server, "/de").body, home.body);

    // The script exists only in responses, never in the built files.
    let built = std::fs::read_to_string(site.0.join("public/de/index.html")).unwrap();
    assert!(!built.contains("__allmende"), "built file is unchanged");

    let missing = page(&server, "/de/no-such-page/");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.content_type, "text/html; charset=utf-8");
    let not_found = std::fs::read_to_string(site.0.join("public/404.html")).unwrap();
    let heading = not_found.lines().find(|l| l.contains("<h1>")).unwrap();
    assert!(missing.body.contains(heading), "{}", missing.body);
    assert_eq!(page(&server, "/.allmende-manifest").status, 404);
    assert_eq!(page(&server, "/de/%2e%2e/%2e%2e/site.toml").status, 404);

    let yml = page(&server, "/data/software/alpha.yml");
    assert_eq!(yml.status, 200);
    assert_eq!(yml.content_type, "text/yaml; charset=utf-8");
    assert!(yml.body.contains("name: Alpha"));
    let json = page(&server, "/data/software/alpha.json");
    assert_eq!(json.content_type, "application/json; charset=utf-8");

    let script = page(&server, "/__allmende/live.js");
    assert_eq!(script.content_type, "text/javascript; charset=utf-8");
    assert!(script.body.contains("EventSource"));

    let events = Events::open(&server);
    assert_eq!(events.content_type, "text/event-stream");
    assert!(!events.expect(&server, "hello").is_empty());
}

#[test]
fn rebuilds_on_change_and_keeps_the_last_good_site() {
    let site = Site::new("watch");
    let mut server = Server::start(&site, &[]);
    let events = Events::open(&server);
    let first = events.expect(&server, "hello");
    assert!(page(&server, "/de/software/alpha/").body.contains("Alpha"));

    // An edit shows up on the entry page, and open pages are told to reload.
    site.write_entry("alpha", &entry("Alpha Zwei", "https://example.org/alpha"));
    eventually(&server, "the edited entry page", || {
        let p = page(&server, "/de/software/alpha/");
        p.status == 200 && p.body.contains("Alpha Zwei")
    });
    let rebuilt = events.expect(&server, "reload");
    assert_ne!(rebuilt, first, "a new build has a new id");

    // An invalid entry: the server keeps running and serving the last good page, the
    // stream says what is wrong, and the page carries the banner.
    site.write_entry(
        "alpha",
        &entry("Alpha Drei", "https://example.org/alpha").replace("stable", "stabil"),
    );
    let error = events.expect(&server, "error");
    let problem: serde_json::Value = serde_json::from_str(&error).unwrap();
    let details = problem["details"].as_str().unwrap();
    assert!(
        details.contains("`stabil` is not a valid developmentStatus"),
        "{details}"
    );
    assert!(
        details.contains("content/software/alpha/publiccode.yml:6:1"),
        "{details}"
    );
    server.assert_running();
    let held = page(&server, "/de/software/alpha/");
    assert_eq!(held.status, 200);
    assert!(
        held.body.contains("Alpha Zwei"),
        "the last good page is served"
    );
    assert!(!held.body.contains("Alpha Drei"));
    assert!(held.body.contains("role=\"alert\""));
    assert!(held.body.contains("stabil"), "the banner names the finding");
    let stdout = std::fs::read_to_string(server.logs.join("stdout")).unwrap();
    assert!(
        stdout.contains("error: [developmentStatus] `stabil` is not a valid developmentStatus"),
        "findings printed like `allmende check`:\n{stdout}"
    );

    // Fixed again: rebuilt, and the banner is gone.
    site.write_entry("alpha", &entry("Alpha Vier", "https://example.org/alpha"));
    events.expect(&server, "reload");
    eventually(&server, "the fixed entry page", || {
        let p = page(&server, "/de/software/alpha/");
        p.body.contains("Alpha Vier")
            && p.body.contains("role=\"alert\"")
            && p.body.contains(" hidden></section>")
    });
    server.assert_running();
}

#[test]
fn refuses_public_addresses_and_taken_ports() {
    let dir = std::env::temp_dir().join(format!("allmende-serve-refuse-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let run = |listen: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_allmende"))
            .args(["serve", "--no-watch", "--listen", listen])
            .current_dir(&dir)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, err) = run("0.0.0.0:0");
    assert_eq!(code, Some(2));
    assert!(err.contains("--public"), "{err}");

    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let (code, err) = run(&format!("127.0.0.1:{port}"));
    assert_eq!(code, Some(2));
    assert!(err.contains("already in use"), "{err}");
    if port < u16::MAX {
        assert!(
            err.contains(&format!("--listen 127.0.0.1:{}", port + 1)),
            "{err}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn entries_invalid_from_the_start_are_left_out_without_holding_rebuilds() {
    let site = Site::new("left-out");
    site.write_entry(
        "gamma",
        &entry("Gamma", "https://example.org/gamma").replace("EUPL-1.2", "EUPL"),
    );
    let server = Server::start(&site, &[]);
    assert_eq!(page(&server, "/de/software/gamma/").status, 404);
    let home = page(&server, "/de/");
    assert!(
        home.body.contains("1 Eintrag mit Fehlern ausgelassen"),
        "{}",
        home.body
    );
    let english = page(&server, "/en/");
    assert!(
        english.body.contains("1 entry with errors left out"),
        "{}",
        english.body
    );

    // Other entries still rebuild: gamma was never on the site.
    site.write_entry("beta", &entry("Beta Zwei", "https://example.org/beta"));
    eventually(&server, "the edited entry page", || {
        page(&server, "/de/software/beta/")
            .body
            .contains("Beta Zwei")
    });

    site.write_entry("gamma", &entry("Gamma", "https://example.org/gamma"));
    eventually(&server, "the fixed entry page", || {
        page(&server, "/de/software/gamma/").status == 200
    });
    eventually(&server, "the banner to go", || {
        page(&server, "/de/").body.contains(" hidden></section>")
    });
}

#[test]
fn serves_the_tickets_api_in_process() {
    let site = Site::new("api");
    let server = Server::start(&site, &["--no-watch"]);
    let health = page(&server, "/api/v1/health");
    assert_eq!(health.status, 200, "{}", server.logs());
    assert!(health.body.contains("\"sqlite\""), "{}", health.body);
    // The database is a file next to site.toml, created on first start.
    assert!(site.0.join("allmende.db").is_file());
    // Entry pages point their ticket and forum slots at this server's API.
    let entry = page(&server, "/de/software/alpha/")
        .body
        .replace("&#x2f;", "/");
    assert!(
        entry.contains(&format!("data-api=\"{}/api/v1\"", server.base)),
        "{entry}"
    );
    let post = |path: &str, token: Option<&str>, body: &str| {
        let mut r = agent()
            .post(&server.url(path))
            .set("Content-Type", "application/json");
        if let Some(t) = token {
            r = r.set("Authorization", &format!("Bearer {t}"));
        }
        match r.send_string(body) {
            Ok(r) | Err(ureq::Error::Status(_, r)) => (r.status(), r.into_string().unwrap()),
            Err(e) => panic!("POST {path}: {e}"),
        }
    };
    // The dev login answers this (loopback) client.
    let (status, body) = post(
        "/api/v1/dev/login",
        None,
        r#"{"username":"erika","role":"member"}"#,
    );
    assert_eq!(status, 200, "{body}");
    let token = body.split('"').nth(3).unwrap().to_owned();
    assert!(token.starts_with("alm_pat_"), "{body}");
    let (status, body) = post(
        "/api/v1/projects/alpha/tickets",
        Some(&token),
        r#"{"title":"Erstes Ticket","body":"*Hallo*"}"#,
    );
    assert_eq!(status, 201, "{body}");
    let list = page(&server, "/api/v1/projects/alpha/tickets");
    assert_eq!(list.status, 200);
    assert!(list.body.contains("Erstes Ticket"), "{}", list.body);
    assert!(list.body.contains("<em>Hallo</em>"), "{}", list.body);
    // The API's errors stay problem documents; the site's own 404 page is untouched.
    let missing = page(&server, "/api/v1/nowhere");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.content_type, "application/problem+json");
    assert_eq!(
        page(&server, "/de/no-such-page/").content_type,
        "text/html; charset=utf-8"
    );
}
