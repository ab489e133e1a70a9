//! Tickets end to end over HTTP: numbers, edits with If-Match, state reasons, labels,
//! milestones, assignees, comments with tombstones, reactions, lock, subscriptions,
//! timeline, filters, sort, search and pagination — on SQLite and (when configured)
//! PostgreSQL.

mod common;

use common::{Server, backends, start};
use serde_json::json;

fn each(test: impl Fn(&Server)) {
    for b in backends() {
        let s = start(b);
        test(&s);
    }
}

#[test]
fn tickets_get_per_project_numbers_and_rendered_bodies() {
    each(|s| {
        let alice = s.login("alice", "member");
        let t1 = s.ticket(
            "demo",
            &alice,
            "Erster Fehler",
            "**fett** <script>x</script>",
        );
        let t2 = s.ticket("demo", &alice, "Zweiter", "");
        let other = s.ticket("other", &alice, "Anderes Projekt", "");
        assert_eq!(t1["number"], 1);
        assert_eq!(t2["number"], 2);
        assert_eq!(other["number"], 1);
        assert_eq!(t1["state"], "open");
        assert_eq!(t1["author"]["username"], "alice");
        let html = t1["body_html"].as_str().unwrap();
        assert!(html.contains("<strong>fett</strong>"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        let r = s.get("/projects/demo/tickets/1", None);
        assert_eq!(r.status, 200);
        assert_eq!(r.json()["title"], "Erster Fehler");
        assert!(r.header("etag").is_some());
        s.get("/projects/demo/tickets/99", None).problem(404);
    });
}

#[test]
fn etags_304_and_if_match_412() {
    each(|s| {
        let alice = s.login("alice", "member");
        s.ticket("demo", &alice, "Titel", "Text");
        let r = s.get("/projects/demo/tickets/1", None);
        let etag = r.header("etag").unwrap().to_owned();
        assert!(
            etag.starts_with('"') && etag.ends_with('"'),
            "strong ETag: {etag}"
        );
        // The same ETag for every caller (not per token).
        assert_eq!(
            s.get("/projects/demo/tickets/1", Some(&alice))
                .header("etag"),
            Some(etag.as_str())
        );
        let r = s.req(
            "GET",
            "/projects/demo/tickets/1",
            None,
            &[("If-None-Match", &etag)],
            None,
        );
        assert_eq!(r.status, 304);
        assert!(r.text.is_empty());
        let list = s.get("/projects/demo/tickets", None);
        let list_etag = list.header("etag").unwrap().to_owned();
        let r = s.req(
            "GET",
            "/projects/demo/tickets",
            None,
            &[("If-None-Match", &list_etag)],
            None,
        );
        assert_eq!(r.status, 304);
        // If-Match: the current ETag passes, and the next write with the old one fails.
        let r = s.req(
            "PATCH",
            "/projects/demo/tickets/1",
            Some(&alice),
            &[("If-Match", &etag)],
            Some(&json!({"title": "Neu"}).to_string()),
        );
        assert_eq!(r.status, 200, "{}", r.text);
        assert_ne!(r.header("etag"), Some(etag.as_str()));
        assert_eq!(r.json()["version"], 2);
        let r = s.req(
            "PATCH",
            "/projects/demo/tickets/1",
            Some(&alice),
            &[("If-Match", &etag)],
            Some(&json!({"title": "Verloren"}).to_string()),
        );
        r.problem(412);
        let r = s.req(
            "DELETE",
            "/projects/demo/tickets/1",
            Some(&s.login("mod", "moderator")),
            &[("If-Match", &etag)],
            None,
        );
        r.problem(412);
        assert_eq!(
            s.get("/projects/demo/tickets/1", None).json()["title"],
            "Neu"
        );
        // The list changed, so its ETag did.
        assert_ne!(
            s.get("/projects/demo/tickets", None).header("etag"),
            Some(list_etag.as_str())
        );
    });
}

#[test]
fn state_reasons_and_duplicates() {
    each(|s| {
        let alice = s.login("alice", "member");
        s.ticket("demo", &alice, "Original", "");
        s.ticket("demo", &alice, "Kopie", "");
        let r = s.patch(
            "/projects/demo/tickets/2",
            Some(&alice),
            &json!({"state": "closed", "state_reason": "duplicate"}),
        );
        let p = r.problem(422);
        assert_eq!(p["errors"][0]["field"], "duplicate_of");
        assert_eq!(p["errors"][0]["code"], "missing_field");
        let r = s.patch(
            "/projects/demo/tickets/2",
            Some(&alice),
            &json!({"state": "closed", "state_reason": "duplicate", "duplicate_of": 1}),
        );
        assert_eq!(r.status, 200, "{}", r.text);
        let t = r.json();
        assert_eq!(t["state"], "closed");
        assert_eq!(t["state_reason"], "duplicate");
        assert_eq!(t["duplicate_of"], 1);
        assert!(t["closed_at"].is_string());
        let t = s
            .patch(
                "/projects/demo/tickets/2",
                Some(&alice),
                &json!({"state": "open"}),
            )
            .json();
        assert_eq!(t["state"], "open");
        assert_eq!(t["state_reason"], "reopened");
        assert!(t["duplicate_of"].is_null() && t["closed_at"].is_null());
        let t = s
            .patch(
                "/projects/demo/tickets/1",
                Some(&alice),
                &json!({"state": "closed", "state_reason": "not_planned"}),
            )
            .json();
        assert_eq!(t["state_reason"], "not_planned");
        s.patch(
            "/projects/demo/tickets/1",
            Some(&alice),
            &json!({"state": "done"}),
        )
        .problem(422);
        s.patch(
            "/projects/demo/tickets/1",
            Some(&alice),
            &json!({"colour": "red"}),
        )
        .problem(422);
        // Someone else's ticket: members may not edit it.
        let bob = s.login("bob", "member");
        s.patch(
            "/projects/demo/tickets/1",
            Some(&bob),
            &json!({"title": "x"}),
        )
        .problem(403);
    });
}

#[test]
fn labels_milestones_assignees_and_filters() {
    each(|s| {
        let alice = s.login("alice", "member");
        let bob = s.login("bob", "member");
        let m = s.login("mia", "moderator");
        for (name, color) in [("bug", "d73a4a"), ("docs", "0075ca")] {
            let r = s.post(
                "/projects/demo/labels",
                Some(&m),
                &json!({"name": name, "color": color, "description": ""}),
            );
            assert_eq!(r.status, 201, "{}", r.text);
        }
        let p = s
            .post("/projects/demo/labels", Some(&m), &json!({"name": "bug"}))
            .problem(422);
        assert_eq!(p["errors"][0]["code"], "already_exists");
        s.post(
            "/projects/demo/labels",
            Some(&m),
            &json!({"name": "x", "color": "red"}),
        )
        .problem(422);
        let ms = s.post(
            "/projects/demo/milestones",
            Some(&m),
            &json!({"title": "1.0", "due_on": "2027-03-31"}),
        );
        assert_eq!(ms.status, 201, "{}", ms.text);
        let ms_id = ms.json()["id"].as_str().unwrap().to_owned();
        s.ticket(
            "demo",
            &alice,
            "Absturz beim Speichern",
            "Die Anwendung stürzt ab",
        );
        s.ticket("demo", &bob, "Dokumentation fehlt", "Handbuch");
        s.ticket("demo", &alice, "Ohne alles", "");
        let t = s.patch(
            "/projects/demo/tickets/1",
            Some(&m),
            &json!({"labels": ["bug", "docs"], "assignees": ["bob"], "milestone": ms_id}),
        );
        assert_eq!(t.status, 200, "{}", t.text);
        let t = t.json();
        assert_eq!(t["labels"].as_array().unwrap().len(), 2);
        assert_eq!(t["assignees"][0]["username"], "bob");
        assert_eq!(t["milestone"]["title"], "1.0");
        s.patch(
            "/projects/demo/tickets/2",
            Some(&m),
            &json!({"labels": ["docs"]}),
        );
        let p = s
            .patch(
                "/projects/demo/tickets/2",
                Some(&m),
                &json!({"labels": ["nope"]}),
            )
            .problem(422);
        assert_eq!(p["errors"][0]["field"], "labels");
        // Members cannot triage.
        s.patch(
            "/projects/demo/tickets/1",
            Some(&alice),
            &json!({"labels": []}),
        )
        .problem(403);
        let numbers = |q: &str, token: Option<&str>| -> Vec<i64> {
            let r = s.get(&format!("/projects/demo/tickets?{q}"), token);
            assert_eq!(r.status, 200, "{q}: {}", r.text);
            r.json()["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["number"].as_i64().unwrap())
                .collect()
        };
        assert_eq!(numbers("", None), [3, 2, 1]);
        assert_eq!(numbers("direction=asc", None), [1, 2, 3]);
        assert_eq!(numbers("label=bug", None), [1]);
        assert_eq!(numbers("label=bug,docs", None), [1]);
        assert_eq!(numbers("label=docs", None), [2, 1]);
        assert_eq!(numbers("label=none", None), [3]);
        assert_eq!(numbers("label=any", None), [2, 1]);
        assert_eq!(numbers("assignee=bob", None), [1]);
        assert_eq!(numbers("assignee=none", None), [3, 2]);
        assert_eq!(numbers("assignee=any", None), [1]);
        assert_eq!(numbers("assignee=@me", Some(&bob)), [1]);
        assert_eq!(numbers("author=bob", None), [2]);
        assert_eq!(numbers("milestone=1.0", None), [1]);
        assert_eq!(numbers("milestone=none", None), [3, 2]);
        assert_eq!(
            numbers("created_after=2000-01-01T00:00:00Z", None),
            [3, 2, 1]
        );
        assert_eq!(
            numbers("created_before=2000-01-01T00:00:00Z", None),
            Vec::<i64>::new()
        );
        assert_eq!(
            numbers("updated_after=2000-01-01T00:00:00Z&sort=updated", None).len(),
            3
        );
        s.get("/projects/demo/tickets?assignee=@me", None)
            .problem(401);
        s.get("/projects/demo/tickets?sort=votes", None)
            .problem(422);
        s.get("/projects/demo/tickets?created_after=gestern", None)
            .problem(422);
        // Closing moves a ticket out of the default (open) list.
        s.patch(
            "/projects/demo/tickets/3",
            Some(&alice),
            &json!({"state": "closed"}),
        );
        assert_eq!(numbers("", None), [2, 1]);
        assert_eq!(numbers("state=closed", None), [3]);
        assert_eq!(numbers("state=all", None), [3, 2, 1]);
        // Comments sort.
        s.post(
            "/projects/demo/tickets/2/comments",
            Some(&alice),
            &json!({"body": "eins"}),
        );
        assert_eq!(numbers("sort=comments", None), [2, 1]);
        // Renaming a label shows up in tickets; deleting removes it.
        let r = s.patch(
            "/projects/demo/labels/docs",
            Some(&m),
            &json!({"name": "documentation"}),
        );
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(
            s.get("/projects/demo/tickets/2", None).json()["labels"][0]["name"],
            "documentation"
        );
        assert_eq!(
            s.delete("/projects/demo/labels/documentation", Some(&m))
                .status,
            204
        );
        assert_eq!(numbers("label=none", None), [2]);
        assert_eq!(
            s.get("/projects/demo/labels", None).json()["items"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        let r = s.patch(
            &format!("/projects/demo/milestones/{ms_id}"),
            Some(&m),
            &json!({"state": "closed"}),
        );
        assert_eq!(r.json()["state"], "closed");
        assert_eq!(
            s.delete(&format!("/projects/demo/milestones/{ms_id}"), Some(&m))
                .status,
            204
        );
        assert!(s.get("/projects/demo/tickets/1", None).json()["milestone"].is_null());
        assert_eq!(
            s.get("/projects/demo/milestones", None).json()["items"],
            json!([])
        );
    });
}

#[test]
fn pagination_with_cursor_and_link_header() {
    each(|s| {
        let alice = s.login("alice", "member");
        for i in 1..=5 {
            s.ticket("demo", &alice, &format!("Ticket {i}"), "");
        }
        let mut seen = Vec::new();
        let mut path = "/projects/demo/tickets?limit=2&state=open".to_owned();
        let mut pages = 0;
        loop {
            let r = s.get(&path, None);
            assert_eq!(r.status, 200, "{}", r.text);
            let body = r.json();
            for t in body["items"].as_array().unwrap() {
                seen.push(t["number"].as_i64().unwrap());
            }
            pages += 1;
            match body["next_cursor"].as_str() {
                Some(c) => {
                    let link = r.header("link").expect("Link header on a non-final page");
                    assert!(link.ends_with("rel=\"next\""), "{link}");
                    assert!(
                        link.contains("state=open") && link.contains("limit=2"),
                        "{link}"
                    );
                    assert!(link.contains(&format!("cursor={c}")), "{link}");
                    // Follow the Link header exactly as a client would.
                    let target = &link[1..link.find('>').unwrap()];
                    path = target.strip_prefix("/api/v1").unwrap().to_owned();
                }
                None => {
                    assert!(r.header("link").is_none());
                    break;
                }
            }
        }
        assert_eq!(seen, [5, 4, 3, 2, 1]);
        assert_eq!(pages, 3);
        s.get("/projects/demo/tickets?limit=101", None).problem(422);
        s.get("/projects/demo/tickets?limit=0", None).problem(422);
        s.get("/projects/demo/tickets?cursor=garbage", None)
            .problem(422);
        assert_eq!(
            s.get("/projects/demo/tickets", None).json()["items"]
                .as_array()
                .unwrap()
                .len(),
            5
        );
    });
}

#[test]
fn search_finds_words_and_german_forms() {
    each(|s| {
        let alice = s.login("alice", "member");
        s.ticket(
            "demo",
            &alice,
            "Formular speichert nicht",
            "Beim Speichern des Antrags erscheint ein Fehler",
        );
        s.ticket(
            "demo",
            &alice,
            "Export als CSV",
            "Bitte eine Exportfunktion",
        );
        s.ticket(
            "demo",
            &alice,
            "Anführungszeichen \"quoted\" AND OR",
            "NEAR(x y)",
        );
        let numbers = |q: &str| -> Vec<i64> {
            let r = s.get(&format!("/projects/demo/tickets?q={q}"), None);
            assert_eq!(r.status, 200, "{q}: {}", r.text);
            r.json()["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["number"].as_i64().unwrap())
                .collect()
        };
        assert_eq!(numbers("Formular"), [1]);
        assert_eq!(numbers("csv"), [2]);
        assert_eq!(numbers("Antrags%20Fehler"), [1]);
        // Search syntax in user input is text, never an error.
        assert_eq!(numbers("%22quoted%22%20AND"), [3]);
        // FTS5 operators are words here: NEAR( matches the text "NEAR(x y)".
        assert_eq!(numbers("NEAR(x"), [3]);
        for odd in ["%22", "*", "-", "(", "AND", "%27"] {
            numbers(odd);
        }
        if s.backend == common::Backend::Postgres {
            // German stemming: "Anträge" and "Antrags" share the stem.
            assert_eq!(numbers("Speichern"), [1]);
            assert_eq!(numbers("speichert"), [1]);
        }
        // Edits are searchable at once.
        s.patch(
            "/projects/demo/tickets/2",
            Some(&alice),
            &json!({"title": "Tabellenausgabe"}),
        );
        assert_eq!(numbers("Tabellenausgabe"), [2]);
        assert_eq!(numbers("csv"), Vec::<i64>::new());
    });
}

#[test]
fn comments_tombstones_reactions_lock_and_timeline() {
    each(|s| {
        let alice = s.login("alice", "member");
        let bob = s.login("bob", "member");
        let m = s.login("mia", "moderator");
        s.ticket("demo", &alice, "Thema", "");
        let c = s.post(
            "/projects/demo/tickets/1/comments",
            Some(&bob),
            &json!({"body": "Ich auch [Link](https://example.org)"}),
        );
        assert_eq!(c.status, 201, "{}", c.text);
        let c = c.json();
        let id = c["id"].as_str().unwrap().to_owned();
        assert!(
            c["body_html"]
                .as_str()
                .unwrap()
                .contains("rel=\"nofollow ugc noopener\"")
        );
        s.post(
            "/projects/demo/tickets/1/comments",
            Some(&alice),
            &json!({"body": "  "}),
        )
        .problem(422);
        // Only the author (or a moderator) edits.
        s.patch(
            &format!("/comments/{id}"),
            Some(&alice),
            &json!({"body": "fremd"}),
        )
        .problem(403);
        let r = s.patch(
            &format!("/comments/{id}"),
            Some(&bob),
            &json!({"body": "geändert"}),
        );
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.json()["version"], 2);
        // Reactions: the eight kinds, idempotent, counted.
        assert_eq!(
            s.put("/projects/demo/tickets/1/reactions/+1", Some(&bob), None)
                .status,
            204
        );
        assert_eq!(
            s.put("/projects/demo/tickets/1/reactions/+1", Some(&bob), None)
                .status,
            204
        );
        assert_eq!(
            s.put(
                "/projects/demo/tickets/1/reactions/rocket",
                Some(&alice),
                None
            )
            .status,
            204
        );
        s.put(
            "/projects/demo/tickets/1/reactions/thumbsup",
            Some(&bob),
            None,
        )
        .problem(404);
        assert_eq!(
            s.put(
                &format!("/comments/{id}/reactions/heart"),
                Some(&alice),
                None
            )
            .status,
            204
        );
        let t = s.get("/projects/demo/tickets/1", None).json();
        assert_eq!(t["reactions"], json!({"+1": 1, "rocket": 1}));
        assert_eq!(t["comments_count"], 1);
        assert_eq!(
            s.delete("/projects/demo/tickets/1/reactions/+1", Some(&bob))
                .status,
            204
        );
        assert_eq!(
            s.get("/projects/demo/tickets/1", None).json()["reactions"],
            json!({"rocket": 1})
        );
        let comments = s.get("/projects/demo/tickets/1/comments", None).json();
        assert_eq!(comments["items"][0]["reactions"], json!({"heart": 1}));
        // Subscriptions.
        assert_eq!(
            s.put("/projects/demo/tickets/1/subscription", Some(&bob), None)
                .status,
            204
        );
        assert_eq!(
            s.delete("/projects/demo/tickets/1/subscription", Some(&bob))
                .status,
            204
        );
        // Lock: only moderators; then members cannot comment (423) but moderators can.
        s.put(
            "/projects/demo/tickets/1/lock",
            Some(&alice),
            Some(&json!({"reason": "too_heated"})),
        )
        .problem(403);
        s.put(
            "/projects/demo/tickets/1/lock",
            Some(&m),
            Some(&json!({"reason": "angry"})),
        )
        .problem(422);
        assert_eq!(
            s.put(
                "/projects/demo/tickets/1/lock",
                Some(&m),
                Some(&json!({"reason": "too_heated"}))
            )
            .status,
            204
        );
        let t = s.get("/projects/demo/tickets/1", None).json();
        assert_eq!(t["locked"], true);
        assert_eq!(t["lock_reason"], "too_heated");
        s.post(
            "/projects/demo/tickets/1/comments",
            Some(&bob),
            &json!({"body": "noch was"}),
        )
        .problem(423);
        assert_eq!(
            s.post(
                "/projects/demo/tickets/1/comments",
                Some(&m),
                &json!({"body": "Bitte sachlich"})
            )
            .status,
            201
        );
        assert_eq!(
            s.delete("/projects/demo/tickets/1/lock", Some(&m)).status,
            204
        );
        // Deleting a comment leaves a tombstone without its text.
        assert_eq!(s.delete(&format!("/comments/{id}"), Some(&bob)).status, 204);
        let comments = s.get("/projects/demo/tickets/1/comments", None).json();
        let first = &comments["items"][0];
        assert_eq!(first["id"], id.as_str());
        assert_eq!(first["visibility"], "deleted");
        assert_eq!(first["body"], "");
        assert!(first["deleted_at"].is_string());
        // The timeline holds every step, in order; subscriptions stay private.
        let events = s
            .get("/projects/demo/tickets/1/events?limit=100", None)
            .json();
        let kinds: Vec<&str> = events["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert_eq!(
            kinds,
            [
                "ticket.created",
                "comment.created",
                "comment.edited",
                "reaction.added",
                "reaction.added",
                "reaction.added",
                "reaction.removed",
                "ticket.locked",
                "comment.created",
                "ticket.unlocked",
                "comment.deleted"
            ]
        );
        assert_eq!(events["items"][0]["actor"]["username"], "alice");
        // Paged timeline.
        let page = s.get("/projects/demo/tickets/1/events?limit=4", None);
        assert!(page.header("link").is_some());
        let cursor = page.json()["next_cursor"].as_str().unwrap().to_owned();
        let next = s
            .get(
                &format!("/projects/demo/tickets/1/events?limit=4&cursor={cursor}"),
                None,
            )
            .json();
        assert_eq!(next["items"][0]["kind"], "reaction.added");
    });
}

#[test]
fn confidential_and_deleted_tickets_do_not_leak() {
    each(|s| {
        let alice = s.login("alice", "member");
        let bob = s.login("bob", "member");
        let carol = s.login("carol", "member");
        let m = s.login("mia", "moderator");
        let r = s.post(
            "/projects/demo/tickets",
            Some(&alice),
            &json!({"title": "Sicherheitslücke geheim", "body": "Details", "confidential": true}),
        );
        assert_eq!(r.status, 201);
        s.ticket("demo", &alice, "Öffentlich", "");
        s.post(
            "/projects/demo/tickets/1/comments",
            Some(&alice),
            &json!({"body": "intern"}),
        );
        s.patch(
            "/projects/demo/tickets/1",
            Some(&m),
            &json!({"assignees": ["bob"]}),
        );
        // Every read path: get, list, search, filter, comments, timeline.
        for (who, token, sees) in [
            ("anonymous", None, false),
            ("carol", Some(carol.as_str()), false),
            ("alice (author)", Some(alice.as_str()), true),
            ("bob (assignee)", Some(bob.as_str()), true),
            ("moderator", Some(m.as_str()), true),
        ] {
            let get = s.get("/projects/demo/tickets/1", token);
            assert_eq!(get.status == 200, sees, "{who}: get {}", get.status);
            if !sees {
                get.problem(404);
            }
            for q in [
                "",
                "?q=geheim",
                "?confidential=true",
                "?state=all&sort=updated",
                "?assignee=bob",
            ] {
                let list = s.get(&format!("/projects/demo/tickets{q}"), token).json();
                let found = list["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|t| t["number"] == 1);
                assert_eq!(found, sees, "{who}: list {q}");
            }
            assert_eq!(
                s.get("/projects/demo/tickets/1/comments", token).status == 200,
                sees,
                "{who}: comments"
            );
            assert_eq!(
                s.get("/projects/demo/tickets/1/events", token).status == 200,
                sees,
                "{who}: events"
            );
            // Writes to an invisible ticket look like a missing one.
            if !sees && token.is_some() {
                s.post(
                    "/projects/demo/tickets/1/comments",
                    token,
                    &json!({"body": "x"}),
                )
                .problem(404);
                s.put("/projects/demo/tickets/1/reactions/eyes", token, None)
                    .problem(404);
            }
        }
        // Deleted: a tombstone only moderators see.
        assert_eq!(
            s.delete("/projects/demo/tickets/2?reason=spam", Some(&m))
                .status,
            204
        );
        s.get("/projects/demo/tickets/2", Some(&alice)).problem(404);
        s.get("/projects/demo/tickets/2", None).problem(404);
        let t = s.get("/projects/demo/tickets/2", Some(&m)).json();
        assert_eq!(t["visibility"], "deleted");
        assert!(t["deleted_at"].is_string());
        let list = s.get("/projects/demo/tickets?state=all", None).json();
        assert_eq!(list["items"], json!([]));
        s.patch("/projects/demo/tickets/2", Some(&m), &json!({"title": "x"}))
            .problem(409);
    });
}

#[test]
fn unknown_projects_are_404_when_the_catalogue_is_known() {
    let (mut config, cleanup) = common::config(common::Backend::Sqlite);
    config.projects = vec!["demo".into()];
    let s = common::start_with(common::Backend::Sqlite, config, cleanup);
    let alice = s.login("alice", "member");
    assert_eq!(s.get("/projects/demo/tickets", None).status, 200);
    s.get("/projects/nope/tickets", None).problem(404);
    s.post(
        "/projects/nope/tickets",
        Some(&alice),
        &json!({"title": "x"}),
    )
    .problem(404);
    s.get("/projects/Bad_Slug/tickets", None).problem(404);
}

#[test]
fn markdown_and_title_limits() {
    let s = start(common::Backend::Sqlite);
    let alice = s.login("alice", "member");
    let long = "a".repeat(64 * 1024 + 1);
    let p = s
        .post(
            "/projects/demo/tickets",
            Some(&alice),
            &json!({"title": "x", "body": long}),
        )
        .problem(422);
    assert_eq!(p["errors"][0]["field"], "body");
    let ok: String = "Bürgerbeteiligung äöü ß "
        .chars()
        .cycle()
        .take(64 * 1024)
        .collect();
    // 64 K characters are fine even when they take more bytes (but stay under 256 KiB).
    assert_eq!(
        s.post(
            "/projects/demo/tickets",
            Some(&alice),
            &json!({"title": "x", "body": ok})
        )
        .status,
        201
    );
    s.post(
        "/projects/demo/tickets",
        Some(&alice),
        &json!({"title": "  "}),
    )
    .problem(422);
    s.post(
        "/projects/demo/tickets",
        Some(&alice),
        &json!({"title": "t".repeat(257)}),
    )
    .problem(422);
    s.post(
        "/projects/demo/tickets",
        Some(&alice),
        &json!({"body": "no title"}),
    )
    .problem(422);
}
