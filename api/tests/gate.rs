//! The gate every new contribution passes: content throttles (interval, daily budget,
//! dry-run), trusted service tokens, trusted proxies, the spam heuristics, pre-moderation
//! of new accounts with verified staff skipping it, and per-project interaction limits —
//! on SQLite and (when configured) PostgreSQL.

mod common;

use allmende_api::config::{FileSection, LimitsSection, ModerationSection};
use common::{Backend, Server, backends, config_with, relaxed, start_with};
use serde_json::{Value, json};

fn start(b: Backend, file: &FileSection) -> Server {
    let (c, cleanup) = config_with(b, file);
    start_with(b, c, cleanup)
}

fn with_limits(l: LimitsSection) -> FileSection {
    FileSection {
        limits: Some(l),
        ..Default::default()
    }
}

fn with_moderation(m: ModerationSection) -> FileSection {
    FileSection {
        moderation: Some(m),
        ..relaxed()
    }
}

fn new_ticket(s: &Server, token: &str, title: &str) -> common::Resp {
    s.post(
        "/projects/opendesk/tickets",
        Some(token),
        &json!({"title": title, "body": format!("Beschreibung von {title}")}),
    )
}

fn retry_after(r: &common::Resp) -> u64 {
    r.header("retry-after").unwrap().parse().unwrap()
}

#[test]
fn new_accounts_wait_longer_between_contributions_than_established_ones() {
    for b in backends() {
        // The defaults: 15 s between tickets/topics, 120 s for new accounts.
        let s = start(b, &FileSection::default());
        let anna = s.login("anna", "member");
        assert_eq!(new_ticket(&s, &anna, "Erstes").status, 201);
        let again = new_ticket(&s, &anna, "Zweites");
        let p = again.problem(429);
        let wait = retry_after(&again);
        assert!(
            (16..=120).contains(&wait),
            "new account waits up to 120 s: {wait}"
        );
        assert!(
            p["detail"].as_str().unwrap().contains("new accounts"),
            "{p}"
        );
        // A comment is another kind of contribution with its own interval.
        let c = s.post(
            "/projects/opendesk/tickets/1/comments",
            Some(&anna),
            &json!({"body": "Nachtrag mit Details"}),
        );
        assert_eq!(c.status, 201, "{}", c.text);
        let c2 = s.post(
            "/projects/opendesk/tickets/1/comments",
            Some(&anna),
            &json!({"body": "Noch ein Nachtrag"}),
        );
        c2.problem(429);
        // Moderators are not throttled.
        let m = s.login("mod", "moderator");
        assert_eq!(new_ticket(&s, &m, "Eins").status, 201);
        assert_eq!(new_ticket(&s, &m, "Zwei").status, 201);

        // No account counts as new: the regular interval (15 s) applies.
        let s = start(
            b,
            &FileSection {
                moderation: Some(ModerationSection {
                    new_account_hours: Some(0),
                    ..Default::default()
                }),
                ..Default::default()
            },
        );
        let bernd = s.login("bernd", "member");
        assert_eq!(new_ticket(&s, &bernd, "Erstes").status, 201);
        let again = new_ticket(&s, &bernd, "Zweites");
        again.problem(429);
        assert!((1..=15).contains(&retry_after(&again)));
    }
}

#[test]
fn the_daily_budget_counts_tickets_and_topics_together() {
    for b in backends() {
        let s = start(
            b,
            &with_limits(LimitsSection {
                thread_interval_seconds: Some([0, 0]),
                threads_per_day: Some([5, 2]),
                ..Default::default()
            }),
        );
        let t = s.login("carla", "member");
        assert_eq!(new_ticket(&s, &t, "Eins").status, 201);
        let topic = s.post(
            "/categories/allgemein/topics",
            Some(&t),
            &json!({"title": "Frage", "body": "Wie geht das?"}),
        );
        assert_eq!(topic.status, 201, "{}", topic.text);
        let third = new_ticket(&s, &t, "Drei");
        let p = third.problem(429);
        assert!(
            p["detail"].as_str().unwrap().contains("daily budget of 2"),
            "{p}"
        );
        let wait = retry_after(&third);
        assert!(
            wait > 86_000 && wait <= 86_400,
            "until the first one is a day old: {wait}"
        );
    }
}

#[test]
fn a_throttle_in_dry_run_mode_only_logs_and_counts() {
    let s = start(
        Backend::Sqlite,
        &with_limits(LimitsSection {
            thread_interval_seconds: Some([0, 0]),
            threads_per_day: Some([1, 1]),
            dry_run: Some(vec!["content".into()]),
            ..Default::default()
        }),
    );
    let t = s.login("dora", "member");
    assert_eq!(new_ticket(&s, &t, "Eins").status, 201);
    assert_eq!(
        new_ticket(&s, &t, "Zwei").status,
        201,
        "dry run lets it through"
    );
    let metrics = s.get("/metrics", None).text;
    assert!(
        metrics.contains(r#"allmende_api_throttled_total{throttle="content",dry_run="true"} 1"#),
        "{metrics}"
    );
}

#[test]
fn trusted_service_tokens_pass_the_rate_limits_and_throttles() {
    let (mut config, cleanup) = config_with(
        Backend::Sqlite,
        &with_limits(LimitsSection {
            writes_per_minute: Some(2),
            threads_per_day: Some([1, 1]),
            ..Default::default()
        }),
    );
    // First run: create the service account's token (and keep the database for the second).
    let token_id;
    let bot_token;
    {
        let s = start_with(Backend::Sqlite, config.clone(), None);
        let login = s.login("ci-bot", "member");
        let r = s.post(
            "/me/tokens",
            Some(&login),
            &json!({"name": "import", "scopes": ["read", "tickets:write"], "expires_in_days": 30}),
        );
        assert_eq!(r.status, 201, "{}", r.text);
        token_id = r.json()["id"].as_str().unwrap().to_owned();
        bot_token = r.json()["token"].as_str().unwrap().to_owned();
    }
    config.limits.trusted_tokens = vec![token_id];
    let s = start_with(Backend::Sqlite, config, cleanup);
    for i in 0..4 {
        let r = new_ticket(&s, &bot_token, &format!("Import {i}"));
        assert_eq!(r.status, 201, "ticket {i}: {}", r.text);
    }
    // An ordinary member still meets the write budget of 2 per minute.
    let m = s.login("erika", "member");
    new_ticket(&s, &m, "Eins");
    let r = new_ticket(&s, &m, "Zwei");
    r.problem(429);
}

#[test]
fn forwarded_addresses_count_only_from_trusted_proxies() {
    let limits = |proxies: Vec<String>| {
        with_limits(LimitsSection {
            anonymous_reads_per_minute: Some(2),
            trusted_proxies: Some(proxies),
            ..Default::default()
        })
    };
    let get = |s: &Server, from: &str| {
        s.req(
            "GET",
            "/categories",
            None,
            &[("X-Forwarded-For", from)],
            None,
        )
        .status
    };
    // Behind a trusted proxy on loopback: each forwarded client has its own budget.
    let s = start(Backend::Sqlite, &limits(vec!["127.0.0.0/8".into()]));
    assert_eq!(get(&s, "203.0.113.1"), 200);
    assert_eq!(get(&s, "203.0.113.1"), 200);
    assert_eq!(get(&s, "203.0.113.1"), 429);
    assert_eq!(get(&s, "203.0.113.2"), 200);
    // Without trusted proxies the header is ignored: everyone is 127.0.0.1.
    let s = start(Backend::Sqlite, &limits(vec![]));
    assert_eq!(get(&s, "203.0.113.1"), 200);
    assert_eq!(get(&s, "203.0.113.2"), 200);
    assert_eq!(get(&s, "203.0.113.3"), 429);
}

fn queue(s: &Server, moderator: &str) -> Vec<Value> {
    let q = s.get("/moderation/queue", Some(moderator));
    assert_eq!(q.status, 200, "{}", q.text);
    q.json()["items"].as_array().unwrap().clone()
}

fn decide(s: &Server, moderator: &str, item: &str, action: &str) {
    let d = s.post(
        &format!("/moderation/queue/{item}/decision"),
        Some(moderator),
        &json!({"action": action, "reason": "geprüft"}),
    );
    assert_eq!(d.status, 200, "{}", d.text);
}

#[test]
fn first_contributions_of_new_accounts_wait_for_approval() {
    for b in backends() {
        let s = start(
            b,
            &with_moderation(ModerationSection {
                premoderate_first_posts: Some(1),
                ..Default::default()
            }),
        );
        let mod_ = s.login("mod", "moderator");
        let neu = s.login("neu", "member");
        let t = s.post(
            "/categories/allgemein/topics",
            Some(&neu),
            &json!({"title": "Hallo zusammen", "body": "Ich bin neu hier."}),
        );
        assert_eq!(t.status, 201, "{}", t.text);
        let topic = t.json();
        assert_eq!(topic["visibility"], "hidden");
        let tid = topic["id"].as_str().unwrap();
        // Held: the author sees it, others do not.
        assert_eq!(s.get(&format!("/topics/{tid}"), Some(&neu)).status, 200);
        assert_eq!(s.get(&format!("/topics/{tid}"), None).status, 404);
        let items = queue(&s, &mod_);
        let item = items
            .iter()
            .find(|i| i["target"]["id"] == tid)
            .expect("the topic is in the queue");
        assert_eq!(item["source"], "pre_moderation");
        assert_eq!(item["reports_count"], 0);
        decide(&s, &mod_, item["id"].as_str().unwrap(), "approve");
        let seen = s.get(&format!("/topics/{tid}"), None);
        assert_eq!(seen.status, 200);
        assert_eq!(seen.json()["visibility"], "public");
        // With one approved contribution the account posts directly.
        let p = s.post(
            &format!("/topics/{tid}/posts"),
            Some(&neu),
            &json!({"body": "Danke für die Freischaltung!"}),
        );
        assert_eq!(p.json()["visibility"], "public", "{}", p.text);
        // Verified public-administration staff skip pre-moderation from the start.
        let r = s.post(
            "/dev/login",
            None,
            &json!({"username": "amt", "role": "member", "verified": true}),
        );
        let amt = r.json()["token"].as_str().unwrap().to_owned();
        let ticket = new_ticket(&s, &amt, "Fehler beim Export");
        assert_eq!(ticket.json()["visibility"], "public", "{}", ticket.text);
        // A rejected first ticket stays invisible and counts nothing.
        let other = s.login("other", "member");
        let held = new_ticket(&s, &other, "Werbung");
        assert_eq!(held.json()["visibility"], "hidden");
        let number = held.json()["number"].as_i64().unwrap();
        let q = queue(&s, &mod_);
        let item = q
            .iter()
            .find(|i| i["target"]["type"] == "ticket")
            .unwrap_or_else(|| panic!("{q:?}"));
        decide(&s, &mod_, item["id"].as_str().unwrap(), "delete");
        let list = s.get("/projects/opendesk/tickets", None).json();
        assert!(
            list["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|t| t["number"] != number),
            "{list}"
        );
        let next = new_ticket(&s, &other, "Noch ein Versuch");
        assert_eq!(next.json()["visibility"], "hidden");
    }
}

#[test]
fn the_spam_heuristics_refuse_or_hold_with_a_reason() {
    for b in backends() {
        let s = start(b, &relaxed());
        let mod_ = s.login("mod", "moderator");
        let u = s.login("flink", "member");
        let text = "Bitte den Export nach ODS reparieren, danke";
        assert_eq!(
            s.post(
                "/projects/opendesk/tickets",
                Some(&u),
                &json!({"title": "Export", "body": text})
            )
            .status,
            201
        );
        let c = s.post(
            "/projects/opendesk/tickets/1/comments",
            Some(&u),
            &json!({"body": text}),
        );
        assert_eq!(
            c.status, 201,
            "a comment differs from the ticket (title + body)"
        );
        let dup = s.post(
            "/projects/opendesk/tickets/1/comments",
            Some(&u),
            &json!({"body": format!("  {}  ", text.to_uppercase())}),
        );
        let p = dup.problem(422);
        assert_eq!(p["errors"][0]["field"], "body", "{p}");
        let links = s.post(
            "/projects/opendesk/tickets/1/comments",
            Some(&u),
            &json!({"body": "https://a.example https://b.example https://c.example"}),
        );
        let p = links.problem(422);
        assert!(
            p["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("links"),
            "{p}"
        );
        let shout = s.post(
            "/projects/opendesk/tickets/1/comments",
            Some(&u),
            &json!({"body": format!("Dringend{}", "!".repeat(40))}),
        );
        assert_eq!(shout.status, 201, "{}", shout.text);
        assert_eq!(shout.json()["visibility"], "hidden");
        let q = queue(&s, &mod_);
        let item = q
            .iter()
            .find(|i| i["target"]["type"] == "comment")
            .unwrap_or_else(|| panic!("{q:?}"));
        assert_eq!(item["source"], "spam_check");
    }
}

#[test]
fn interaction_limits_stop_whom_their_level_names_until_lifted() {
    for b in backends() {
        let s = start(b, &relaxed());
        let mod_ = s.login("mod", "moderator");
        let admin = s.login("root", "admin");
        let veteran = s.login("veteran", "member");
        let newbie = s.login("newbie", "member");
        new_ticket(&s, &veteran, "Altes Ticket");
        let path = "/projects/opendesk/interaction-limit";
        assert_eq!(s.get(path, None).status, 404);
        let body = json!({"level": "prior_contributors", "expiry": "one_day", "reason": "Hitzige Debatte"});
        s.put(path, Some(&newbie), Some(&body)).problem(403);
        s.put(
            path,
            Some(&mod_),
            Some(&json!({"level": "everyone", "reason": "x"})),
        )
        .problem(422);
        let set = s.put(path, Some(&mod_), Some(&body));
        assert_eq!(set.status, 200, "{}", set.text);
        let shown = s.get(path, None).json();
        assert_eq!(shown["level"], "prior_contributors");
        let refused = new_ticket(&s, &newbie, "Meine Meinung");
        let p = refused.problem(403);
        assert!(
            p["detail"].as_str().unwrap().contains("Hitzige Debatte"),
            "{p}"
        );
        // Also in the project's forum category, not in general ones.
        s.post(
            "/categories/opendesk/topics",
            Some(&newbie),
            &json!({"title": "Frage", "body": "Text"}),
        )
        .problem(403);
        let general = s.post(
            "/categories/allgemein/topics",
            Some(&newbie),
            &json!({"title": "Frage", "body": "Text"}),
        );
        assert_eq!(general.status, 201);
        assert_eq!(new_ticket(&s, &veteran, "Weiter").status, 201);
        assert_eq!(new_ticket(&s, &mod_, "Moderiert").status, 201);
        // existing_users: accounts younger than a day are stopped.
        s.put(
            path,
            Some(&mod_),
            Some(&json!({"level": "existing_users", "reason": "Spamwelle"})),
        );
        new_ticket(&s, &veteran, "Neu").problem(403);
        assert_eq!(s.delete(path, Some(&mod_)).status, 204);
        assert_eq!(s.delete(path, Some(&mod_)).status, 404);
        assert_eq!(new_ticket(&s, &newbie, "Endlich").status, 201);
        // The audit log: moderators see the moderation record, admins also tokens.
        let modlog = s.get("/audit-events?limit=100", Some(&mod_));
        assert_eq!(modlog.status, 200, "{}", modlog.text);
        let actions: Vec<String> = modlog.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_owned())
            .collect();
        assert!(
            actions.contains(&"interaction_limit.set".to_owned()),
            "{actions:?}"
        );
        assert!(actions.contains(&"interaction_limit.lifted".to_owned()));
        s.post(
            "/me/tokens",
            Some(&admin),
            &json!({"name": "x", "scopes": ["read"], "expires_in_days": 30}),
        );
        // Each row names its request and, for admins only, the client's address prefix.
        let set = s
            .get("/audit-events?action=interaction_limit.set", Some(&admin))
            .json();
        assert_eq!(set["items"][0]["ip_prefix"], "127.0.0.0/24", "{set}");
        assert!(
            set["items"][0]["request_id"]
                .as_str()
                .is_some_and(|r| r.len() >= 32),
            "{set}"
        );
        let seen_by_mod = s
            .get("/audit-events?action=interaction_limit.set", Some(&mod_))
            .json();
        assert!(
            seen_by_mod["items"][0]["ip_prefix"].is_null(),
            "{seen_by_mod}"
        );
        let all = s
            .get("/audit-events?action=token.created", Some(&admin))
            .json();
        assert!(
            all["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["data"]["name"] == "x"),
            "{all}"
        );
        let scoped = s
            .get("/audit-events?action=token.created", Some(&mod_))
            .json();
        assert!(scoped["items"].as_array().unwrap().is_empty(), "{scoped}");
    }
}

#[test]
fn notifications_follow_subscriptions_and_replies_and_respect_visibility() {
    for b in backends() {
        let s = start(b, &relaxed());
        let anna = s.login("anna", "member");
        let bernd = s.login("bernd", "member");
        let mod_ = s.login("mod", "moderator");
        let notes = |t: &str, q: &str| -> Vec<Value> {
            let r = s.get(&format!("/me/notifications{q}"), Some(t));
            assert_eq!(r.status, 200, "{}", r.text);
            r.json()["items"].as_array().unwrap().clone()
        };
        new_ticket(&s, &anna, "Export kaputt");
        // Bernd comments: Anna (the author, subscribed) hears of it; Bernd is subscribed now.
        s.post(
            "/projects/opendesk/tickets/1/comments",
            Some(&bernd),
            &json!({"body": "Bei mir auch, Version 2.3"}),
        );
        let a = notes(&anna, "");
        assert_eq!(a.len(), 1, "{a:?}");
        assert_eq!(a[0]["reason"], "comment.created");
        assert_eq!(a[0]["subject"]["type"], "ticket");
        assert_eq!(a[0]["subject"]["number"], 1);
        assert_eq!(a[0]["subject"]["title"], "Export kaputt");
        assert_eq!(a[0]["actor"]["username"], "bernd");
        assert_eq!(a[0]["read"], false);
        assert!(
            notes(&bernd, "").is_empty(),
            "no notification of one's own comment"
        );
        // Closing tells every subscriber but the one who closed.
        let t = s.get("/projects/opendesk/tickets/1", Some(&anna));
        let etag = t.header("etag").unwrap().to_owned();
        let closed = s.req(
            "PATCH",
            "/projects/opendesk/tickets/1",
            Some(&anna),
            &[("If-Match", &etag)],
            Some(&json!({"state": "closed", "state_reason": "completed"}).to_string()),
        );
        assert_eq!(closed.status, 200, "{}", closed.text);
        let b = notes(&bernd, "");
        assert_eq!(b[0]["reason"], "ticket.closed");
        // Marking read.
        let id = a[0]["id"].as_str().unwrap();
        let r = s.post("/me/notifications/read", Some(&anna), &json!({"ids": [id]}));
        assert_eq!(r.status, 204, "{}", r.text);
        assert!(notes(&anna, "?unread=true").is_empty());
        assert_eq!(notes(&anna, "")[0]["read"], true);
        // A confidential ticket hides its notifications from those who may not see it.
        let patch = |t: &str, body: Value| {
            let cur = s.get("/projects/opendesk/tickets/1", Some(t));
            let etag = cur.header("etag").unwrap().to_owned();
            s.req(
                "PATCH",
                "/projects/opendesk/tickets/1",
                Some(t),
                &[("If-Match", &etag)],
                Some(&body.to_string()),
            )
        };
        assert_eq!(patch(&mod_, json!({"confidential": true})).status, 200);
        assert!(
            notes(&bernd, "").is_empty(),
            "bernd may not see the ticket any more"
        );
        assert_eq!(notes(&anna, "").len(), 1, "the author still sees it");
        // Forum: replies notify the topic's author and the answered post's author.
        let topic = s.post(
            "/categories/allgemein/topics",
            Some(&anna),
            &json!({"title": "Schnittstellen", "body": "Welche gibt es?"}),
        );
        let tid = topic.json()["id"].as_str().unwrap().to_owned();
        let p = s.post(
            &format!("/topics/{tid}/posts"),
            Some(&bernd),
            &json!({"body": "Es gibt eine REST-Schnittstelle."}),
        );
        let pid = p.json()["id"].as_str().unwrap().to_owned();
        let carla = s.login("carla", "member");
        s.post(
            &format!("/topics/{tid}/posts"),
            Some(&carla),
            &json!({"body": "Und eine für WebDAV.", "reply_to": pid}),
        );
        let b = notes(&bernd, "");
        assert_eq!(b[0]["reason"], "post.replied", "{b:?}");
        assert_eq!(b[0]["subject"]["type"], "topic");
        assert_eq!(b[0]["subject"]["title"], "Schnittstellen");
        let a = notes(&anna, "?unread=true");
        assert_eq!(
            a.iter().filter(|n| n["reason"] == "topic.replied").count(),
            2,
            "{a:?}"
        );
        let r = s.post("/me/notifications/read", Some(&anna), &json!({}));
        assert_eq!(r.status, 204);
        assert!(notes(&anna, "?unread=true").is_empty());
        // Her own answer tells nobody; an answer to it reaches her once, as the post's
        // author (not a second time as the topic's).
        let own = s.post(
            &format!("/topics/{tid}/posts"),
            Some(&anna),
            &json!({"body": "Danke, das hilft uns weiter."}),
        );
        assert_eq!(own.status, 201, "{}", own.text);
        assert!(notes(&anna, "?unread=true").is_empty());
        let own_id = own.json()["id"].as_str().unwrap().to_owned();
        let r = s.post(
            &format!("/topics/{tid}/posts"),
            Some(&carla),
            &json!({"body": "Gern, die Doku dazu liegt im Wiki.", "reply_to": own_id}),
        );
        assert_eq!(r.status, 201, "{}", r.text);
        let a = notes(&anna, "?unread=true");
        assert_eq!(a.len(), 1, "{a:?}");
        assert_eq!(a[0]["reason"], "post.replied");
        assert_eq!(a[0]["actor"]["username"], "carla");
        assert_eq!(s.get("/me/notifications", None).status, 401);
    }
}

#[test]
fn ticket_templates_come_from_the_project_the_catalogue_or_the_built_in_set() {
    use allmende_api::tickets::templates::{built_in, parse};
    let (mut config, cleanup) = common::config(Backend::Sqlite);
    let own = parse(
        "content/software/opendesk/ticket-templates/frage.yml",
        "frage",
        "name: {de: Frage, en: Question}\ndescription: Fragen zur Einführung\nlabels: [question]\nbody:\n  - type: textarea\n    id: q\n    attributes: {label: Ihre Frage}\n    validations: {required: true}\n",
    )
    .unwrap();
    config.ticket_templates.insert("opendesk".into(), vec![own]);
    let s = start_with(Backend::Sqlite, config, cleanup);
    let r = s.get("/projects/opendesk/ticket-templates", None);
    assert_eq!(r.status, 200, "{}", r.text);
    let items = r.json()["items"].clone();
    assert_eq!(items[0]["id"], "frage");
    assert_eq!(items[0]["name"]["en"], "Question");
    assert_eq!(items[0]["body"][0]["type"], "textarea");
    assert_eq!(items[0]["body"][0]["validations"]["required"], true);
    let etag = r.header("etag").unwrap().to_owned();
    let again = s.req(
        "GET",
        "/projects/opendesk/ticket-templates",
        None,
        &[("If-None-Match", &etag)],
        None,
    );
    assert_eq!(again.status, 304);
    let other = s
        .get("/projects/bigbluebutton/ticket-templates", None)
        .json();
    let ids: Vec<&str> = other["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["bug-report", "feature-request"]);
    assert_eq!(built_in().len(), 2);
    s.get("/projects/Bad_Slug/ticket-templates", None)
        .problem(404);
}
