//! The forum end to end over HTTP: categories, topic → reply → like → revision history,
//! tombstones and hidden posts through the visibility predicate, closed/archived topics,
//! slow mode, moves, search and pagination — on SQLite and (when configured) PostgreSQL.

mod common;

use common::{Server, backends, start};
use serde_json::{Value, json};

fn each(test: impl Fn(&Server)) {
    for b in backends() {
        let s = start(b);
        test(&s);
    }
}

fn topic(s: &Server, token: &str, category: &str, title: &str, body: &str) -> Value {
    let r = s.post(
        &format!("/categories/{category}/topics"),
        Some(token),
        &json!({"title": title, "body": body}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    r.json()
}

fn reply(s: &Server, token: &str, topic: &str, body: &Value) -> Value {
    let r = s.post(&format!("/topics/{topic}/posts"), Some(token), body);
    assert_eq!(r.status, 201, "{}", r.text);
    r.json()
}

#[test]
fn categories_are_the_configured_general_ones() {
    each(|s| {
        let r = s.get("/categories", None);
        assert_eq!(r.status, 200);
        let items = r.json()["items"].clone();
        assert_eq!(items[0]["slug"], "allgemein");
        assert_eq!(items[0]["name"]["en"], "General");
        assert_eq!(items[1]["slug"], "ankuendigungen");
        assert_eq!(items[1]["name"]["de"], "Ankündigungen");
        assert_eq!(items[1]["kind"], "general");
        let bad = s.get("/categories/Not_A_Slug/topics", None);
        bad.problem(404);
    });
}

#[test]
fn topic_reply_like_and_revision_history() {
    each(|s| {
        let alice = s.login("alice", "member");
        let bob = s.login("bob", "member");
        let t = topic(
            s,
            &alice,
            "allgemein",
            "Migration auf 2.0",
            "Wer hat **Erfahrung**?",
        );
        let tid = t["id"].as_str().unwrap();
        assert_eq!(t["posts_count"], 1);
        assert_eq!(t["author"]["username"], "alice");
        let posts = s.get(&format!("/topics/{tid}/posts"), None).json();
        let first = posts["items"][0].clone();
        assert!(
            first["body_html"]
                .as_str()
                .unwrap()
                .contains("<strong>Erfahrung</strong>")
        );
        let first_id = first["id"].as_str().unwrap();
        let answer = reply(s, &bob, tid, &json!({"body": "Ich", "reply_to": first_id}));
        assert_eq!(answer["reply_to"], first_id);
        let bad = s.post(
            &format!("/topics/{tid}/posts"),
            Some(&bob),
            &json!({"body": "x", "reply_to": "nope"}),
        );
        bad.problem(422);
        // Like, twice (idempotent), seen by the liker only as liked_by_me.
        let aid = answer["id"].as_str().unwrap();
        assert_eq!(
            s.put(&format!("/posts/{aid}/like"), Some(&alice), None)
                .status,
            204
        );
        assert_eq!(
            s.put(&format!("/posts/{aid}/like"), Some(&alice), None)
                .status,
            204
        );
        let as_alice = s.get(&format!("/topics/{tid}/posts"), Some(&alice)).json();
        assert_eq!(as_alice["items"][1]["likes"], 1);
        assert_eq!(as_alice["items"][1]["liked_by_me"], true);
        let anon = s.get(&format!("/topics/{tid}/posts"), None).json();
        assert_eq!(anon["items"][1]["liked_by_me"], false);
        // Edit with If-Match: a stale ETag is refused, the fresh one accepted.
        let stale = s.req(
            "PATCH",
            &format!("/posts/{aid}"),
            Some(&bob),
            &[("If-Match", "\"stale\"")],
            Some(&json!({"body": "Ich, seit 2024"}).to_string()),
        );
        stale.problem(412);
        let edited = s.patch(
            &format!("/posts/{aid}"),
            Some(&bob),
            &json!({"body": "Ich, seit 2024"}),
        );
        assert_eq!(edited.status, 200, "{}", edited.text);
        let etag = edited.header("etag").unwrap().to_owned();
        let again = s.req(
            "PATCH",
            &format!("/posts/{aid}"),
            Some(&bob),
            &[("If-Match", &etag)],
            Some(&json!({"body": "Ich, seit 2023"}).to_string()),
        );
        assert_eq!(again.status, 200, "{}", again.text);
        assert_eq!(
            s.patch(
                &format!("/posts/{aid}"),
                Some(&alice),
                &json!({"body": "x"})
            )
            .status,
            403
        );
        let revs = s.get(&format!("/posts/{aid}/revisions"), None).json();
        let bodies: Vec<&str> = revs["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["body"].as_str().unwrap())
            .collect();
        assert_eq!(bodies, ["Ich", "Ich, seit 2024", "Ich, seit 2023"]);
        assert_eq!(revs["items"][2]["version"], 3);
        // Pagination of revisions.
        let page = s.get(&format!("/posts/{aid}/revisions?limit=2"), None);
        let cursor = page.json()["next_cursor"].as_str().unwrap().to_owned();
        assert!(page.header("link").unwrap().contains("rel=\"next\""));
        let rest = s
            .get(
                &format!("/posts/{aid}/revisions?limit=2&cursor={cursor}"),
                None,
            )
            .json();
        assert_eq!(rest["items"][0]["version"], 3);
        // Delete: a tombstone without text; its history is gone for everyone but moderators.
        assert_eq!(s.delete(&format!("/posts/{aid}"), Some(&bob)).status, 204);
        let anon = s.get(&format!("/topics/{tid}/posts"), None).json();
        assert_eq!(anon["items"][1]["visibility"], "deleted");
        assert_eq!(anon["items"][1]["body"], "");
        s.get(&format!("/posts/{aid}/revisions"), None).problem(404);
        let moderator = s.login("mod", "moderator");
        assert_eq!(
            s.get(&format!("/posts/{aid}/revisions"), Some(&moderator))
                .status,
            200
        );
        let t = s.get(&format!("/topics/{tid}"), None).json();
        assert_eq!(t["posts_count"], 2);
    });
}

#[test]
fn closed_archived_slow_mode_and_moves() {
    each(|s| {
        let alice = s.login("alice", "member");
        let moderator = s.login("mod", "moderator");
        let t = topic(s, &alice, "allgemein", "Langsam", "Start");
        let tid = t["id"].as_str().unwrap();
        // Only moderators change the moderation fields; the author may retitle.
        s.patch(
            &format!("/topics/{tid}"),
            Some(&alice),
            &json!({"pinned": true}),
        )
        .problem(403);
        let r = s.patch(
            &format!("/topics/{tid}"),
            Some(&alice),
            &json!({"title": "Langsam bitte"}),
        );
        assert_eq!(r.status, 200, "{}", r.text);
        // Slow mode: a second post within the window is refused with Retry-After.
        let r = s.patch(
            &format!("/topics/{tid}"),
            Some(&moderator),
            &json!({"slow_mode_seconds": 3600}),
        );
        assert_eq!(r.json()["slow_mode_seconds"], 3600);
        // Alice's opening post counts; Bob may post once.
        let bob = s.login("bob", "member");
        s.post(
            &format!("/topics/{tid}/posts"),
            Some(&alice),
            &json!({"body": "eins"}),
        )
        .problem(429);
        reply(s, &bob, tid, &json!({"body": "eins"}));
        let too_soon = s.post(
            &format!("/topics/{tid}/posts"),
            Some(&bob),
            &json!({"body": "zwei"}),
        );
        too_soon.problem(429);
        let wait: u64 = too_soon.header("retry-after").unwrap().parse().unwrap();
        assert!(wait > 3500 && wait <= 3600, "{wait}");
        reply(s, &moderator, tid, &json!({"body": "Moderation darf"}));
        // Closed: members are refused, moderators may still post.
        s.patch(
            &format!("/topics/{tid}"),
            Some(&moderator),
            &json!({"closed": true, "slow_mode_seconds": 0}),
        );
        let bob = s.login("bob", "member");
        s.post(
            &format!("/topics/{tid}/posts"),
            Some(&bob),
            &json!({"body": "x"}),
        )
        .problem(423);
        reply(s, &moderator, tid, &json!({"body": "geschlossen"}));
        // Archived: nobody posts.
        s.patch(
            &format!("/topics/{tid}"),
            Some(&moderator),
            &json!({"archived": true}),
        );
        s.post(
            &format!("/topics/{tid}/posts"),
            Some(&moderator),
            &json!({"body": "x"}),
        )
        .problem(423);
        // Move to another category; unknown categories are refused.
        s.patch(
            &format!("/topics/{tid}"),
            Some(&moderator),
            &json!({"category": "Kein Slug"}),
        )
        .problem(422);
        let moved = s.patch(
            &format!("/topics/{tid}"),
            Some(&moderator),
            &json!({"category": "ankuendigungen"}),
        );
        assert_eq!(moved.json()["category"], "ankuendigungen");
        let list = s.get("/categories/ankuendigungen/topics", None).json();
        assert_eq!(list["items"][0]["id"], tid);
        let list = s.get("/categories/allgemein/topics", None).json();
        assert!(list["items"].as_array().unwrap().is_empty());
    });
}

#[test]
fn lists_put_pinned_first_paginate_and_search() {
    each(|s| {
        let alice = s.login("alice", "member");
        let moderator = s.login("mod", "moderator");
        let mut ids = Vec::new();
        for i in 0..5 {
            let t = topic(s, &alice, "demo", &format!("Thema {i}"), "Text");
            ids.push(t["id"].as_str().unwrap().to_owned());
        }
        let pin = s.patch(
            &format!("/topics/{}", ids[0]),
            Some(&moderator),
            &json!({"pinned": true}),
        );
        assert_eq!(pin.status, 200, "{}", pin.text);
        reply(
            s,
            &alice,
            &ids[1],
            &json!({"body": "Antwort über Datenbanken"}),
        );
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("/categories/demo/topics?limit=2&cursor={c}"),
                None => "/categories/demo/topics?limit=2".to_owned(),
            };
            let page = s.get(&path, None).json();
            for t in page["items"].as_array().unwrap() {
                seen.push(t["id"].as_str().unwrap().to_owned());
            }
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => break,
            }
        }
        // Pinned first, then by last activity (the topic with the reply), then newest.
        assert_eq!(
            seen,
            [&ids[0], &ids[1], &ids[4], &ids[3], &ids[2]].map(|s| s.clone())
        );
        let found = s.get("/categories/demo/topics?q=Datenbanken", None).json();
        let found: Vec<&str> = found["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap())
            .collect();
        assert_eq!(found, [ids[1].as_str()]);
        let found = s.get("/categories/demo/topics?q=Thema%203", None).json();
        assert_eq!(found["items"][0]["id"], ids[3].as_str());
    });
}
