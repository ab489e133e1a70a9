//! Moderation end to end over HTTP: reports and the hide threshold, the review queue with
//! stored reasons, silence and suspension, and the audit log — on SQLite and (when
//! configured) PostgreSQL.

mod common;

use common::{Server, backends, start};
use serde_json::{Value, json};

fn each(test: impl Fn(&Server)) {
    for b in backends() {
        let s = start(b);
        test(&s);
    }
}

fn user_id(s: &Server, token: &str) -> String {
    s.get("/me", Some(token)).json()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A topic by `token` with one reply; returns (topic id, reply id).
fn thread(s: &Server, token: &str) -> (String, String) {
    let t = s.post(
        "/categories/allgemein/topics",
        Some(token),
        &json!({"title": "Thema", "body": "Start"}),
    );
    assert_eq!(t.status, 201, "{}", t.text);
    let tid = t.json()["id"].as_str().unwrap().to_owned();
    let p = s.post(
        &format!("/topics/{tid}/posts"),
        Some(token),
        &json!({"body": "Kauft billige Uhren"}),
    );
    assert_eq!(p.status, 201, "{}", p.text);
    (tid, p.json()["id"].as_str().unwrap().to_owned())
}

fn report(s: &Server, token: &str, kind: &str, id: &str, reason: &str) -> Value {
    let r = s.post(
        "/reports",
        Some(token),
        &json!({"target": {"kind": kind, "id": id}, "reason": reason, "text": "siehe oben"}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    r.json()
}

#[test]
fn three_distinct_reporters_hide_a_post_pending_review() {
    each(|s| {
        let author = s.login("spammer", "member");
        let (tid, pid) = thread(s, &author);
        let posts = format!("/topics/{tid}/posts");
        let r1 = s.login("r1", "member");
        let first = s.post(
            "/reports",
            Some(&r1),
            &json!({"target_type": "post", "target_id": pid, "reason": "spam"}),
        );
        assert_eq!(first.status, 201, "{}", first.text);
        let first = first.json();
        assert_eq!(first["hidden"], false);
        // One open report per user and target.
        s.post(
            "/reports",
            Some(&r1),
            &json!({"target": {"kind": "post", "id": pid}, "reason": "spam"}),
        )
        .problem(409);
        // Anonymous reports are refused (sign in first).
        s.post(
            "/reports",
            None,
            &json!({"target": {"kind": "post", "id": pid}, "reason": "spam"}),
        )
        .problem(401);
        s.post(
            "/reports",
            Some(&r1),
            &json!({"target": {"kind": "post", "id": pid}, "reason": "weird"}),
        )
        .problem(422);
        let r2 = s.login("r2", "member");
        assert_eq!(report(s, &r2, "post", &pid, "spam")["hidden"], false);
        let anon = s.get(&posts, None).json();
        assert_eq!(anon["items"].as_array().unwrap().len(), 2);
        let r3 = s.login("r3", "member");
        let third = report(s, &r3, "post", &pid, "inappropriate");
        assert_eq!(third["hidden"], true);
        assert_eq!(third["item_id"], first["item_id"]);
        // Hidden: gone for the public, still there for its author and moderators.
        let anon = s.get(&posts, None).json();
        assert_eq!(anon["items"].as_array().unwrap().len(), 1);
        let own = s.get(&posts, Some(&author)).json();
        assert_eq!(own["items"][1]["visibility"], "hidden");
        let moderator = s.login("mod", "moderator");
        let queue = s.get("/moderation/queue", Some(&moderator));
        assert_eq!(queue.status, 200, "{}", queue.text);
        let item = queue.json()["items"][0].clone();
        assert_eq!(item["target"]["type"], "post");
        assert_eq!(item["target"]["id"], pid.as_str());
        assert_eq!(item["reports_count"], 3);
        assert_eq!(item["excerpt"], "Kauft billige Uhren");
        assert_eq!(item["reports"].as_array().unwrap().len(), 3);
        assert_eq!(item["state"], "pending");
    });
}

#[test]
fn decisions_store_their_reason_and_are_audited() {
    each(|s| {
        let author = s.login("author", "member");
        let (tid, pid) = thread(s, &author);
        let reporter = s.login("reporter", "member");
        let item = report(s, &reporter, "post", &pid, "spam")["item_id"]
            .as_str()
            .unwrap()
            .to_owned();
        let moderator = s.login("mod", "moderator");
        let path = format!("/moderation/queue/{item}/decision");
        s.post(
            &path,
            Some(&moderator),
            &json!({"action": "hide", "reason": " "}),
        )
        .problem(422);
        s.post(
            &path,
            Some(&reporter),
            &json!({"action": "hide", "reason": "x"}),
        )
        .problem(403);
        let d = s.post(
            &path,
            Some(&moderator),
            &json!({"action": "delete", "reason": "Werbung (Regel 3)"}),
        );
        assert_eq!(d.status, 200, "{}", d.text);
        let d = d.json();
        assert_eq!(d["state"], "approved");
        assert_eq!(d["action"], "delete");
        assert_eq!(d["reason"], "Werbung (Regel 3)");
        assert_eq!(d["decided_by"]["username"], "mod");
        s.post(
            &path,
            Some(&moderator),
            &json!({"action": "hide", "reason": "x"}),
        )
        .problem(409);
        let anon = s.get(&format!("/topics/{tid}/posts"), None).json();
        assert_eq!(anon["items"][1]["visibility"], "deleted");
        // The reporter may report again now that the first report is closed.
        report(s, &reporter, "topic", &tid, "off_topic");
        let approved = s
            .get("/moderation/queue?state=approved", Some(&moderator))
            .json();
        assert_eq!(approved["items"][0]["reason"], "Werbung (Regel 3)");
        // The audit log: admins, and moderators for its moderation part; filtered by
        // action, actor and target.
        let scoped = s.get("/audit-events?action=token.created", Some(&moderator));
        assert_eq!(scoped.status, 200, "{}", scoped.text);
        assert!(scoped.json()["items"].as_array().unwrap().is_empty());
        let member = s.login("m-audit", "member");
        s.get("/audit-events", Some(&member)).problem(403);
        let admin = s.login("admin", "admin");
        let log = s
            .get("/audit-events?action=queue.decided", Some(&admin))
            .json();
        assert_eq!(log["items"].as_array().unwrap().len(), 1);
        assert_eq!(log["items"][0]["reason"], "Werbung (Regel 3)");
        assert_eq!(log["items"][0]["actor"]["username"], "mod");
        assert_eq!(log["items"][0]["target"], format!("post:{pid}"));
        let by_target = s
            .get(&format!("/audit-events?target=post:{pid}"), Some(&admin))
            .json();
        let actions: Vec<&str> = by_target["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, ["queue.decided", "report.created"]);
        let by_actor = s.get(
            "/audit-events?actor=reporter&action=report.created&limit=1",
            Some(&admin),
        );
        let page = by_actor.json();
        assert_eq!(page["items"][0]["action"], "report.created");
        let next = page["next_cursor"].as_str().unwrap();
        let rest = s
            .get(
                &format!(
                    "/audit-events?actor=reporter&action=report.created&limit=1&cursor={next}"
                ),
                Some(&admin),
            )
            .json();
        assert_eq!(rest["items"][0]["action"], "report.created");
        assert!(rest["next_cursor"].is_null());
    });
}

#[test]
fn silenced_users_read_only_and_suspended_users_cannot_sign_in() {
    each(|s| {
        let member = s.login("laut", "member");
        let uid = user_id(s, &member);
        let moderator = s.login("mod", "moderator");
        let (tid, _) = thread(s, &member);
        s.put(
            &format!("/users/{uid}/silence"),
            Some(&moderator),
            Some(&json!({"reason": "Pöbelei", "duration_hours": 24})),
        );
        s.post(
            &format!("/topics/{tid}/posts"),
            Some(&member),
            &json!({"body": "x"}),
        )
        .problem(403);
        s.post(
            "/projects/demo/tickets",
            Some(&member),
            &json!({"title": "x"}),
        )
        .problem(403);
        assert_eq!(
            s.get(&format!("/topics/{tid}/posts"), Some(&member)).status,
            200
        );
        assert_eq!(
            s.delete(&format!("/users/{uid}/silence"), Some(&moderator))
                .status,
            204
        );
        let ok = s.post(
            &format!("/topics/{tid}/posts"),
            Some(&member),
            &json!({"body": "ok"}),
        );
        assert_eq!(ok.status, 201, "{}", ok.text);
        // Suspension: the token is refused altogether.
        let r = s.put(
            &format!("/users/{uid}/suspension"),
            Some(&moderator),
            Some(&json!({"reason": "Wiederholt", "duration_hours": 48})),
        );
        assert_eq!(r.status, 204, "{}", r.text);
        let refused = s.get("/me", Some(&member));
        let p = refused.problem(401);
        assert!(p["detail"].as_str().unwrap().contains("Wiederholt"), "{p}");
        // Moderators cannot sanction admins; both changes are in the audit log.
        let admin = s.login("admin", "admin");
        let aid = user_id(s, &admin);
        s.put(
            &format!("/users/{aid}/silence"),
            Some(&moderator),
            Some(&json!({"reason": "x", "duration_hours": 1})),
        )
        .problem(403);
        let log = s
            .get(&format!("/audit-events?target=user:{uid}"), Some(&admin))
            .json();
        let actions: Vec<&str> = log["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(
            actions,
            ["user.suspended", "user.unsilenced", "user.silenced"]
        );
        assert_eq!(log["items"][2]["reason"], "Pöbelei");
    });
}

#[test]
fn token_and_topic_moderation_changes_are_audited() {
    each(|s| {
        let member = s.login("tokens", "member");
        let created = s.post(
            "/me/tokens",
            Some(&member),
            &json!({"name": "ci", "scopes": ["read"], "expires_in_days": 1}),
        );
        assert_eq!(created.status, 201, "{}", created.text);
        let tid = created.json()["id"].as_str().unwrap().to_owned();
        assert_eq!(
            s.delete(&format!("/me/tokens/{tid}"), Some(&member)).status,
            204
        );
        let moderator = s.login("mod", "moderator");
        let (topic, _) = thread(s, &member);
        let r = s.patch(
            &format!("/topics/{topic}"),
            Some(&moderator),
            &json!({"closed": true}),
        );
        assert_eq!(r.status, 200, "{}", r.text);
        let admin = s.login("admin", "admin");
        let log = s
            .get(&format!("/audit-events?target=token:{tid}"), Some(&admin))
            .json();
        let actions: Vec<&str> = log["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, ["token.revoked", "token.created"]);
        let log = s
            .get(&format!("/audit-events?target=topic:{topic}"), Some(&admin))
            .json();
        assert_eq!(log["items"][0]["action"], "topic.moderated");
        assert_eq!(log["items"][0]["data"]["before"]["closed"], false);
        assert_eq!(log["items"][0]["data"]["after"]["closed"], true);
    });
}

/// Solves a challenge the way a browser would.
fn solve(challenge: &str, difficulty: u32) -> String {
    use sha2::{Digest, Sha256};
    (0u64..)
        .map(|n| n.to_string())
        .find(|n| {
            let d = Sha256::digest(format!("{challenge}:{n}").as_bytes());
            allmende_api::moderation::pow::leading_zero_bits(&d) >= difficulty
        })
        .unwrap()
}

#[test]
fn anonymous_illegal_reports_need_a_proof_of_work() {
    each(|s| {
        let author = s.login("author", "member");
        let (_, pid) = thread(s, &author);
        let target = json!({"kind": "post", "id": pid});
        let c = s.get("/reports/challenge", None).json();
        let challenge = c["challenge"].as_str().unwrap().to_owned();
        let difficulty = c["difficulty"].as_u64().unwrap() as u32;
        // Without a proof, with a wrong nonce, with a forged challenge: refused.
        s.post(
            "/reports",
            None,
            &json!({"target": target, "reason": "illegal", "text": "Volksverhetzung"}),
        )
        .problem(422);
        let wrong = (0u64..)
            .map(|n| n.to_string())
            .find(|n| {
                use sha2::{Digest, Sha256};
                let d = Sha256::digest(format!("{challenge}:{n}").as_bytes());
                allmende_api::moderation::pow::leading_zero_bits(&d) < difficulty
            })
            .unwrap();
        s.post(
            "/reports",
            None,
            &json!({"target": target, "reason": "illegal", "text": "x",
                "proof": {"challenge": challenge, "nonce": wrong}}),
        )
        .problem(422);
        let forged = format!("9999999999999.0000000000000000.{}", "0".repeat(64));
        s.post(
            "/reports",
            None,
            &json!({"target": target, "reason": "illegal", "text": "x",
                "proof": {"challenge": forged, "nonce": "1"}}),
        )
        .problem(422);
        let nonce = solve(&challenge, difficulty);
        let body = json!({"target": target, "reason": "illegal", "text": "Volksverhetzung",
            "proof": {"challenge": challenge, "nonce": nonce}});
        let r = s.post("/reports", None, &body);
        assert_eq!(r.status, 201, "{}", r.text);
        // One proof, one report.
        s.post("/reports", None, &body).problem(409);
        let moderator = s.login("mod", "moderator");
        let queue = s.get("/moderation/queue", Some(&moderator)).json();
        let report = &queue["items"][0]["reports"][0];
        assert_eq!(report["reason"], "illegal");
        assert!(report["reporter"].is_null());
        // Per-address budget: five a minute, counted before the proof is checked; six more
        // attempts hit it even if a minute window ends in between.
        let mut statuses = Vec::new();
        for _ in 0..6 {
            statuses.push(
                s.post(
                    "/reports",
                    None,
                    &json!({"target": target, "reason": "illegal", "text": "x"}),
                )
                .status,
            );
        }
        assert!(statuses.contains(&429), "{statuses:?}");
        assert!(
            statuses.iter().all(|s| [422, 429].contains(s)),
            "{statuses:?}"
        );
    });
}
