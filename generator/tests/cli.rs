//! The command line contract of `allmende check` (design.md, section Command line): exit
//! codes, the JSON shape, and the CI formats, run through the real binary.

mod common;

use common::minimal_entry;
use std::path::{Path, PathBuf};
use std::process::Command;

fn allmende(args: &[&str], dir: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_allmende"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        // Messages follow the locale; the assertions below read the English ones.
        .env("LC_ALL", "C")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// A throw-away catalogue in the temp folder.
struct Catalogue(PathBuf);

impl Catalogue {
    fn new(name: &str) -> Self {
        let root = std::env::temp_dir().join(format!("allmende-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        Catalogue(root)
    }
    fn entry(&self, slug: &str, text: &str) -> &Self {
        let dir = self.0.join("content/software").join(slug);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("publiccode.yml"), text).unwrap();
        std::fs::write(
            dir.join("logo.svg"),
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        )
        .unwrap();
        self
    }
}

impl Drop for Catalogue {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn exit_codes() {
    let c = Catalogue::new("exit");
    c.entry("good", &minimal_entry("Good", "https://example.org/good"));
    assert_eq!(allmende(&["check", "content"], &c.0).0, 0);
    // A warning fails only under --strict.
    c.entry(
        "old",
        &minimal_entry("Old", "https://example.org/old").replace("\"0.7\"", "\"0.4\""),
    );
    let (code, out, _) = allmende(&["check", "content"], &c.0);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("1 warning"), "{out}");
    assert_eq!(allmende(&["check", "--strict", "content"], &c.0).0, 1);
    c.entry(
        "bad",
        &minimal_entry("Bad", "https://example.org/bad").replace("stable", "stabil"),
    );
    assert_eq!(allmende(&["check", "content"], &c.0).0, 1);
    assert_eq!(allmende(&["check", "no-such-folder"], &c.0).0, 2);
    assert_eq!(allmende(&["check", "--format", "xml"], &c.0).0, 2);
    // Without a path the content folder of site.toml (default `content/`) is checked.
    assert_eq!(allmende(&["check"], &c.0).0, 1);
}

#[test]
fn human_output_is_a_compiler_diagnostic() {
    let c = Catalogue::new("human");
    c.entry(
        "bad",
        &minimal_entry("Bad", "https://example.org/bad").replace("stable", "stabil"),
    );
    let (_, out, _) = allmende(&["check", "content"], &c.0);
    assert!(
        out.contains("error: [developmentStatus] `stabil` is not a valid developmentStatus"),
        "{out}"
    );
    assert!(
        out.contains("--> content/software/bad/publiccode.yml:6:1"),
        "{out}"
    );
    assert!(out.contains("6 | developmentStatus: stabil"), "{out}");
    assert!(out.contains("= hint: did you mean `stable`?"), "{out}");
    assert!(!out.contains('\x1b'), "no colour when not on a terminal");
}

#[test]
fn json_shape_is_the_documented_one() {
    let c = Catalogue::new("json");
    c.entry(
        "bad",
        &minimal_entry("Bad", "https://example.org/bad").replace("stable", "stabil"),
    );
    let (code, out, _) = allmende(&["check", "--format", "json", "content"], &c.0);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["summary"],
        serde_json::json!({"files": 1, "errors": 1, "warnings": 0})
    );
    let f = &v["files"][0];
    assert_eq!(f["path"], "content/software/bad/publiccode.yml");
    let finding = &f["findings"][0];
    let keys: Vec<&str> = finding
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["column", "hint", "key", "line", "message", "severity"]
    );
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["key"], "developmentStatus");
    assert_eq!(
        (finding["line"].as_u64(), finding["column"].as_u64()),
        (Some(6), Some(1))
    );
}

#[test]
fn ci_formats() {
    let c = Catalogue::new("ci");
    c.entry(
        "bad",
        &minimal_entry("Bad <&>", "https://example.org/bad").replace("stable", "stabil"),
    );
    let (_, junit, _) = allmende(&["check", "--format", "junit", "content"], &c.0);
    assert!(junit.starts_with("<?xml"));
    assert!(
        junit.contains(r#"<testsuite name="publiccode.yml" tests="1" failures="1""#),
        "{junit}"
    );
    assert!(
        junit.contains("<failure message=\"`stabil` is not a valid developmentStatus\""),
        "{junit}"
    );
    let (_, gitlab, _) = allmende(&["check", "--format", "gitlab", "content"], &c.0);
    let g: serde_json::Value = serde_json::from_str(&gitlab).unwrap();
    assert_eq!(g[0]["severity"], "major");
    assert_eq!(g[0]["location"]["lines"]["begin"], 6);
    assert_eq!(g[0]["fingerprint"].as_str().unwrap().len(), 16);
    let (_, sarif, _) = allmende(&["check", "--format", "sarif", "content"], &c.0);
    let s: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(s["version"], "2.1.0");
    let r = &s["runs"][0]["results"][0];
    assert_eq!(r["level"], "error");
    assert_eq!(
        r["locations"][0]["physicalLocation"]["region"]["startLine"],
        6
    );
}

#[test]
fn catalogue_rules() {
    let c = Catalogue::new("cat");
    c.entry("one", &minimal_entry("One", "https://example.org/same"));
    c.entry(
        "Two_Bad",
        &minimal_entry("Two", "https://example.org/other"),
    );
    c.entry(
        "three",
        &minimal_entry("Three", "https://EXAMPLE.org/same.git"),
    );
    let (code, out, _) = allmende(&["check", "--format", "json", "content"], &c.0);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let messages: Vec<String> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| {
            f["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x["message"].as_str().unwrap().to_owned())
        })
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`Two_Bad` is not a valid slug")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("already catalogued")),
        "{messages:?}"
    );
    assert_eq!(messages.len(), 2, "{messages:?}");
}

#[test]
fn the_demo_catalogue_is_valid_under_strict() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let (code, out, err) = allmende(&["check", "--strict", "--format", "json", "content"], &root);
    assert_eq!(code, 0, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["summary"]["files"].as_u64().unwrap() >= 40);
}

#[test]
fn clean_build_replaces_the_site_and_leaves_nothing_beside_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = std::env::temp_dir().join(format!("allmende-cli-clean-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let site = out.join("public");
    let site_arg = site.to_string_lossy().into_owned();
    let (code, stdout, err) = allmende(&["build", "--output", &site_arg], &root);
    assert_eq!(code, 0, "{stdout}{err}");
    std::fs::write(site.join("stray.html"), "not from the build").unwrap();
    let (code, stdout, err) = allmende(&["build", "--clean", "--output", &site_arg], &root);
    assert_eq!(code, 0, "{stdout}{err}");
    assert!(stdout.contains("rendered"), "{stdout}");
    assert!(site.join("de/software/index.html").is_file());
    assert!(
        !site.join("stray.html").exists(),
        "a clean build starts from nothing"
    );
    let mut left: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        [".allmende-cache", "public"],
        "the replaced site is gone"
    );
    let _ = std::fs::remove_dir_all(&out);
}

/// A tiny HTTP server on 127.0.0.1: `/ok…` answers 200, everything else 404.
fn local_server() -> (String, std::thread::JoinHandle<()>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        // Bounded: the test makes a handful of requests.
        for stream in listener.incoming().take(16) {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 2048];
            let n = s.read(&mut buf).unwrap_or(0);
            let req = String::from_utf8_lossy(&buf[..n]);
            let path = req.split_whitespace().nth(1).unwrap_or("/");
            let status = if path.starts_with("/ok") {
                "200 OK"
            } else {
                "404 Not Found"
            };
            let _ = write!(
                s,
                "HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            );
        }
    });
    (base, handle)
}

#[test]
fn network_checks_only_warn() {
    let (base, _server) = local_server();
    let c = Catalogue::new("net");
    let text = minimal_entry("Net", &format!("{base}/ok-repo")).replace(
        "logo: logo.svg\n",
        &format!("logo: logo.svg\nlandingURL: \"{base}/missing\"\n"),
    );
    c.entry("net", &text);
    let out = Command::new(env!("CARGO_BIN_EXE_allmende"))
        .args(["check", "--network", "--format", "json", "content"])
        .current_dir(&c.0)
        .env("ALLMENDE_NETWORK_ALLOW_PRIVATE", "1")
        .env("LC_ALL", "C")
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "an unreachable page is no error: {v}"
    );
    let findings = v["files"][0]["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{v}");
    assert_eq!(findings[0]["key"], "landingURL");
    assert_eq!(findings[0]["severity"], "warning");
    assert!(
        findings[0]["message"].as_str().unwrap().contains("404"),
        "{v}"
    );
    // Without the test switch, loopback addresses are never probed (entries are untrusted).
    let (_, out, _) = allmende(&["check", "--network", "--format", "json", "content"], &c.0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let msgs: Vec<&str> = v["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        msgs.iter().all(|m| m.contains("private address")),
        "{msgs:?}"
    );
}

#[test]
fn api_reports_bad_configuration_with_the_place_and_exit_2() {
    let cat = Catalogue::new("api-bad");
    std::fs::write(cat.0.join("site.toml"), "[api]\nlisten = \"nowhere\"\n").unwrap();
    let (code, _, err) = allmende(&["api", "--config", "site.toml"], &cat.0);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("[api] listen"), "{err}");
    assert!(err.contains("hint:"), "{err}");
    let out = Command::new(env!("CARGO_BIN_EXE_allmende"))
        .args(["api", "--config", "site.toml"])
        .current_dir(&cat.0)
        .env("ALLMENDE_DATABASE_URL", "mysql://db")
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("ALLMENDE_DATABASE_URL"), "{err}");
}

#[test]
fn api_serves_the_catalogue_projects() {
    use std::io::{BufRead, BufReader};
    let cat = Catalogue::new("api-run");
    cat.entry(
        "alpha",
        &minimal_entry("Alpha", "https://example.org/alpha.git"),
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_allmende"))
        .args(["api"])
        .current_dir(&cat.0)
        .env("ALLMENDE_LISTEN", format!("127.0.0.1:{port}"))
        .env("ALLMENDE_DATABASE_URL", "sqlite://api.db")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The server says where it listens once it is ready.
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(
        line.contains(&format!("127.0.0.1:{port}/api/v1/")),
        "{line}"
    );
    let get = |path: &str| match ureq::get(&format!("http://127.0.0.1:{port}{path}")).call() {
        Ok(r) | Err(ureq::Error::Status(_, r)) => (r.status(), r.into_string().unwrap()),
        Err(e) => panic!("{path}: {e}"),
    };
    let health = get("/api/v1/health");
    let alpha = get("/api/v1/projects/alpha/tickets");
    let unknown = get("/api/v1/projects/not-in-the-catalogue/tickets");
    let metrics = get("/metrics");
    // The dev login is off unless enabled.
    let login = ureq::post(&format!("http://127.0.0.1:{port}/api/v1/dev/login"))
        .send_string("{\"username\":\"x\"}");
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(health.0, 200, "{}", health.1);
    assert_eq!(alpha.0, 200, "{}", alpha.1);
    assert_eq!(alpha.1, "{\"items\":[],\"next_cursor\":null}");
    assert_eq!(unknown.0, 404, "{}", unknown.1);
    assert!(
        metrics.1.contains("allmende_api_requests_total"),
        "{}",
        metrics.1
    );
    assert!(matches!(login, Err(ureq::Error::Status(404, _))));
    assert!(
        cat.0.join("api.db").is_file(),
        "SQLite file created next to the config"
    );
}

/// Contributors in German administrations read findings in German: `--lang de` (or a German
/// locale) translates messages, hints and the summary; keys, positions and codes stay as they are.
#[test]
fn findings_in_german() {
    let c = Catalogue::new("german");
    let text = minimal_entry("Deutsch", "https://example.org/deutsch")
        .replace("developmentStatus: stable", "developmentStatus: stabil");
    c.entry("deutsch", &text);
    let (code, out, _) = allmende(&["check", "--lang", "de", "content"], &c.0);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "Fehler: [developmentStatus] `stabil` ist kein gültiger Wert für developmentStatus"
        ),
        "{out}"
    );
    assert!(out.contains("= Hinweis: meinten Sie `stable`?"), "{out}");
    assert!(
        out.contains("ungültig: 1 Datei geprüft, 1 Fehler, 0 Warnungen"),
        "{out}"
    );

    // The locale decides when no flag is given, as gettext would.
    let out = Command::new(env!("CARGO_BIN_EXE_allmende"))
        .args(["check", "--format", "json", "content"])
        .current_dir(&c.0)
        .env("LC_ALL", "")
        .env("LC_MESSAGES", "")
        .env("LANG", "de_DE.UTF-8")
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = &v["files"][0]["findings"][0];
    assert_eq!(f["key"], "developmentStatus");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("ist kein gültiger Wert"),
        "{v}"
    );
    assert!(
        f["hint"].as_str().unwrap().starts_with("meinten Sie"),
        "{v}"
    );

    // GitLab fingerprints do not depend on the language, so switching it opens no new issues.
    let fingerprint = |lang: &str| {
        let (_, out, _) = allmende(
            &["check", "--format", "gitlab", "--lang", lang, "content"],
            &c.0,
        );
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        v[0]["fingerprint"].as_str().unwrap().to_owned()
    };
    assert_eq!(fingerprint("de"), fingerprint("en"));
}

/// The issue's crash test: kill -9 the API during a burst of writes; after a restart every
/// write that was acknowledged (201) is there, numbers are unique and the database opens.
#[test]
fn api_keeps_every_acknowledged_write_across_kill_9() {
    use std::io::{BufRead, BufReader};
    use std::sync::{Arc, Mutex};
    let cat = Catalogue::new("api-crash");
    let start = |cat: &Catalogue| {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = Command::new(env!("CARGO_BIN_EXE_allmende"))
            .args(["api"])
            .current_dir(&cat.0)
            .env("ALLMENDE_LISTEN", format!("127.0.0.1:{port}"))
            .env("ALLMENDE_DATABASE_URL", "sqlite://crash.db")
            .env("ALLMENDE_DEV_LOGIN", "1")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        (child, format!("http://127.0.0.1:{port}/api/v1"))
    };
    let (mut child, base) = start(&cat);
    let login = ureq::post(&format!("{base}/dev/login"))
        .set("Content-Type", "application/json")
        // A moderator: the burst is about durability, not the content throttles that hold
        // a new member to one ticket per two minutes (the write budget still applies).
        .send_string(r#"{"username":"writer","role":"moderator"}"#)
        .unwrap()
        .into_string()
        .unwrap();
    let token = login.split('"').nth(3).unwrap().to_owned();
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (base, token, acked) = (base.clone(), token.clone(), acknowledged.clone());
            std::thread::spawn(move || {
                for i in 0.. {
                    let title = format!("w{w}-{i}");
                    let r = ureq::post(&format!("{base}/projects/demo/tickets"))
                        .set("Authorization", &format!("Bearer {token}"))
                        .set("Content-Type", "application/json")
                        .send_string(&format!("{{\"title\":\"{title}\"}}"));
                    match r {
                        Ok(r) if r.status() == 201 => acked.lock().unwrap().push(title),
                        // The server is gone: stop writing.
                        _ => return,
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    for w in writers {
        w.join().unwrap();
    }
    let acked = acknowledged.lock().unwrap().clone();
    assert!(
        acked.len() >= 10,
        "only {} writes before the kill",
        acked.len()
    );
    let (mut child, base) = start(&cat);
    let mut stored = Vec::new();
    let mut numbers = Vec::new();
    let mut url = format!("{base}/projects/demo/tickets?state=all&limit=100");
    loop {
        let page: serde_json::Value =
            serde_json::from_str(&ureq::get(&url).call().unwrap().into_string().unwrap()).unwrap();
        for t in page["items"].as_array().unwrap() {
            stored.push(t["title"].as_str().unwrap().to_owned());
            numbers.push(t["number"].as_i64().unwrap());
        }
        match page["next_cursor"].as_str() {
            Some(c) => url = format!("{base}/projects/demo/tickets?state=all&limit=100&cursor={c}"),
            None => break,
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    for title in &acked {
        assert!(stored.contains(title), "acknowledged write {title} lost");
    }
    let mut unique = numbers.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), numbers.len(), "ticket numbers are unique");
}

#[test]
fn check_also_checks_ticket_templates_with_place_and_hint() {
    let c = Catalogue::new("templates");
    c.entry("good", &minimal_entry("Good", "https://example.org/good"));
    let dir = c.0.join("content/software/good/ticket-templates");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("frage.yml"),
        "name: Frage\ndescription: Eine Frage\nbody:\n  - type: input\n    attributes: {label: Was?}\n",
    )
    .unwrap();
    assert_eq!(allmende(&["check", "content"], &c.0).0, 0);
    std::fs::write(
        dir.join("kaputt.yml"),
        "name: Kaputt\ndescription: x\nbody:\n  - type: textarea\n    atributes: {label: x}\n",
    )
    .unwrap();
    let (code, out, _) = allmende(&["check", "content", "--lang", "de"], &c.0);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("kaputt.yml"), "{out}");
    assert!(
        out.contains("Ticketvorlage") && out.contains("atributes"),
        "{out}"
    );
    assert!(out.contains("GitHub-Issue-Formulare"), "{out}");
}
