//! Every endpoint tried as every role: anonymous, reader, member (not the author),
//! moderator, admin. Each role works on its own project with the same fixtures (a ticket
//! and a comment by another member, a label, a milestone, a forum topic with a reply), so destructive calls of one role
//! cannot change what the next one sees.

mod common;

use common::{Server, backends, start};
use serde_json::{Value, json};

const ROLES: [&str; 5] = ["anonymous", "reader", "member", "moderator", "admin"];

struct Fixture {
    project: String,
    comment: String,
    milestone: String,
    topic: String,
    post: String,
    item: String,
    user: String,
}

fn fixture(s: &Server, role: &str, owner: &str, setup_mod: &str) -> Fixture {
    let project = format!("p-{role}");
    s.ticket(&project, owner, "Ein Ticket", "Text");
    let c = s.post(
        &format!("/projects/{project}/tickets/1/comments"),
        Some(owner),
        &json!({"body": "Kommentar"}),
    );
    assert_eq!(c.status, 201, "{}", c.text);
    let r = s.post(
        &format!("/projects/{project}/labels"),
        Some(setup_mod),
        &json!({"name": "bug", "color": "d73a4a"}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let m = s.post(
        &format!("/projects/{project}/milestones"),
        Some(setup_mod),
        &json!({"title": "1.0"}),
    );
    assert_eq!(m.status, 201, "{}", m.text);
    let t = s.post(
        "/categories/allgemein/topics",
        Some(owner),
        &json!({"title": "Ein Thema", "body": "Erster Beitrag"}),
    );
    assert_eq!(t.status, 201, "{}", t.text);
    let topic = t.json()["id"].as_str().unwrap().to_owned();
    let p = s.post(
        &format!("/topics/{topic}/posts"),
        Some(owner),
        &json!({"body": "Antwort"}),
    );
    assert_eq!(p.status, 201, "{}", p.text);
    let comment = c.json()["id"].as_str().unwrap().to_owned();
    let r = s.post(
        "/reports",
        Some(setup_mod),
        &json!({"target": {"kind": "comment", "id": comment}, "reason": "off_topic"}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let victim = s.login(&format!("victim-{role}"), "member");
    Fixture {
        project,
        comment,
        milestone: m.json()["id"].as_str().unwrap().to_owned(),
        topic,
        post: p.json()["id"].as_str().unwrap().to_owned(),
        item: r.json()["item_id"].as_str().unwrap().to_owned(),
        user: s.get("/me", Some(&victim)).json()["id"]
            .as_str()
            .unwrap()
            .to_owned(),
    }
}

/// (method, path, body, expected status for anonymous, reader, member, moderator, admin)
fn endpoints(f: &Fixture) -> Vec<(&'static str, String, Option<Value>, [u16; 5])> {
    let p = &f.project;
    let t = format!("/projects/{p}/tickets/1");
    let c = format!("/comments/{}", f.comment);
    let ms = format!("/projects/{p}/milestones/{}", f.milestone);
    let topic = format!("/topics/{}", f.topic);
    let post = format!("/posts/{}", f.post);
    let user = format!("/users/{}", f.user);
    let sanction = json!({"reason": "Test", "duration_hours": 1});
    let all = |code| [code; 5];
    let signed_in = |code| [401, code, code, code, code];
    let writers = |code| [401, 403, code, code, code];
    let moderators = |code| [401, 403, 403, code, code];
    vec![
        ("GET", "/health".into(), None, all(200)),
        ("GET", "/openapi.json".into(), None, all(200)),
        ("GET", "/metrics".into(), None, all(200)),
        ("GET", "/me".into(), None, signed_in(200)),
        ("GET", "/me/tokens".into(), None, signed_in(200)),
        ("GET", "/me/notifications".into(), None, signed_in(200)),
        (
            "GET",
            format!("/projects/{p}/ticket-templates"),
            None,
            all(200),
        ),
        (
            "POST",
            "/me/notifications/read".into(),
            Some(json!({})),
            signed_in(204),
        ),
        (
            "POST",
            "/me/tokens".into(),
            Some(json!({"name": "ci", "scopes": ["read"], "expires_in_days": 1})),
            signed_in(201),
        ),
        (
            "DELETE",
            "/me/tokens/00000000-0000-7000-8000-000000000000".into(),
            None,
            signed_in(404),
        ),
        ("GET", format!("/projects/{p}/tickets"), None, all(200)),
        (
            "POST",
            format!("/projects/{p}/tickets"),
            Some(json!({"title": "Neu"})),
            writers(201),
        ),
        ("GET", t.clone(), None, all(200)),
        (
            "PATCH",
            t.clone(),
            Some(json!({"title": "Geändert"})),
            moderators(200),
        ),
        (
            "PATCH",
            t.clone(),
            Some(json!({"labels": ["bug"], "milestone": f.milestone})),
            moderators(200),
        ),
        (
            "PUT",
            format!("{t}/lock"),
            Some(json!({"reason": "resolved"})),
            moderators(204),
        ),
        ("DELETE", format!("{t}/lock"), None, moderators(204)),
        ("GET", format!("{t}/comments"), None, all(200)),
        (
            "POST",
            format!("{t}/comments"),
            Some(json!({"body": "Antwort"})),
            writers(201),
        ),
        (
            "PATCH",
            c.clone(),
            Some(json!({"body": "anders"})),
            moderators(200),
        ),
        ("PUT", format!("{c}/reactions/heart"), None, writers(204)),
        ("DELETE", format!("{c}/reactions/heart"), None, writers(204)),
        ("GET", format!("{t}/events"), None, all(200)),
        ("PUT", format!("{t}/reactions/hooray"), None, writers(204)),
        (
            "DELETE",
            format!("{t}/reactions/hooray"),
            None,
            writers(204),
        ),
        ("PUT", format!("{t}/subscription"), None, signed_in(204)),
        ("DELETE", format!("{t}/subscription"), None, signed_in(204)),
        ("GET", format!("/projects/{p}/labels"), None, all(200)),
        (
            "POST",
            format!("/projects/{p}/labels"),
            Some(json!({"name": "neu"})),
            moderators(201),
        ),
        (
            "PATCH",
            format!("/projects/{p}/labels/bug"),
            Some(json!({"description": "Fehler"})),
            moderators(200),
        ),
        (
            "DELETE",
            format!("/projects/{p}/labels/bug"),
            None,
            moderators(204),
        ),
        ("GET", format!("/projects/{p}/milestones"), None, all(200)),
        (
            "POST",
            format!("/projects/{p}/milestones"),
            Some(json!({"title": "2.0"})),
            moderators(201),
        ),
        (
            "PATCH",
            ms.clone(),
            Some(json!({"state": "closed"})),
            moderators(200),
        ),
        ("GET", "/categories".into(), None, all(200)),
        ("GET", "/categories/allgemein/topics".into(), None, all(200)),
        (
            "POST",
            "/categories/allgemein/topics".into(),
            Some(json!({"title": "Neu", "body": "Text"})),
            writers(201),
        ),
        ("GET", topic.clone(), None, all(200)),
        (
            "PATCH",
            topic.clone(),
            Some(json!({"pinned": true, "slow_mode_seconds": 0})),
            moderators(200),
        ),
        ("GET", format!("{topic}/posts"), None, all(200)),
        (
            "POST",
            format!("{topic}/posts"),
            Some(json!({"body": "Noch eine Antwort"})),
            writers(201),
        ),
        (
            "PATCH",
            post.clone(),
            Some(json!({"body": "anders"})),
            moderators(200),
        ),
        ("GET", format!("{post}/revisions"), None, all(200)),
        ("PUT", format!("{post}/like"), None, writers(204)),
        ("DELETE", format!("{post}/like"), None, writers(204)),
        (
            "POST",
            "/reports".into(),
            Some(json!({"target": {"kind": "post", "id": f.post}, "reason": "spam"})),
            signed_in(201),
        ),
        ("GET", "/reports/challenge".into(), None, all(200)),
        ("GET", "/moderation/queue".into(), None, moderators(200)),
        (
            "POST",
            format!("/moderation/queue/{}/decision", f.item),
            Some(json!({"action": "dismiss", "reason": "passt"})),
            moderators(200),
        ),
        (
            "PUT",
            format!("{user}/silence"),
            Some(sanction.clone()),
            moderators(204),
        ),
        ("DELETE", format!("{user}/silence"), None, moderators(204)),
        (
            "PUT",
            format!("{user}/suspension"),
            Some(sanction),
            moderators(204),
        ),
        (
            "DELETE",
            format!("{user}/suspension"),
            None,
            moderators(204),
        ),
        // Moderators read the moderation part of the log (scoping: tests/gate.rs).
        ("GET", "/audit-events".into(), None, moderators(200)),
        (
            "PUT",
            format!("/projects/{p}/interaction-limit"),
            Some(json!({"level": "prior_contributors", "reason": "Test"})),
            moderators(200),
        ),
        (
            "GET",
            format!("/projects/{p}/interaction-limit"),
            None,
            [404, 404, 404, 200, 200],
        ),
        (
            "DELETE",
            format!("/projects/{p}/interaction-limit"),
            None,
            moderators(204),
        ),
        ("DELETE", post, None, moderators(204)),
        ("DELETE", ms, None, moderators(204)),
        ("DELETE", c, None, moderators(204)),
        ("DELETE", t, None, moderators(204)),
        (
            "POST",
            "/dev/login".into(),
            Some(json!({"username": "someone", "role": "member"})),
            all(200),
        ),
    ]
}

#[test]
fn every_endpoint_as_every_role() {
    for b in backends() {
        let s = start(b);
        let owner = s.login("owner", "member");
        let setup_mod = s.login("setup-mod", "moderator");
        let mut checked = 0;
        for (i, role) in ROLES.iter().enumerate() {
            let token = match *role {
                "anonymous" => None,
                r => Some(s.login(&format!("user-{r}"), r)),
            };
            let f = fixture(&s, role, &owner, &setup_mod);
            for (method, path, body, expected) in endpoints(&f) {
                let b = body.map(|b| b.to_string());
                let r = s.req(method, &path, token.as_deref(), &[], b.as_deref());
                assert_eq!(
                    r.status, expected[i],
                    "{b:?}: {method} {path} as {role}: {}",
                    r.text
                );
                if r.status >= 400 {
                    r.problem(expected[i]);
                }
                checked += 1;
            }
        }
        assert_eq!(
            checked,
            5 * endpoints(&fixture(&s, "count", &owner, &setup_mod)).len()
        );
    }
}

#[test]
fn the_openapi_description_lists_every_tested_endpoint() {
    // The matrix above and the published description must not drift apart.
    let spec: Value = serde_json::from_str(&allmende_api::openapi::json()).unwrap();
    let paths = spec["paths"].as_object().unwrap();
    let f = Fixture {
        project: "p".into(),
        comment: "C".into(),
        milestone: "M".into(),
        topic: "T".into(),
        post: "P".into(),
        item: "I".into(),
        user: "U".into(),
    };
    let mut templates: Vec<(String, String)> = endpoints(&f)
        .into_iter()
        .map(|(m, p, _, _)| {
            let p = p
                .replace("/projects/p/", "/projects/{slug}/")
                .replace("/tickets/1", "/tickets/{number}")
                .replace("/comments/C", "/comments/{id}")
                .replace("/milestones/M", "/milestones/{id}")
                .replace("/categories/allgemein/", "/categories/{slug}/")
                .replace("/topics/T", "/topics/{id}")
                .replace("/posts/P", "/posts/{id}")
                .replace("/queue/I/", "/queue/{id}/")
                .replace("/users/U/", "/users/{id}/")
                .replace("/labels/bug", "/labels/{name}")
                .replace("/reactions/heart", "/reactions/{kind}")
                .replace("/reactions/hooray", "/reactions/{kind}")
                .replace(
                    "/me/tokens/00000000-0000-7000-8000-000000000000",
                    "/me/tokens/{id}",
                );
            (m.to_ascii_lowercase(), p)
        })
        .collect();
    templates.sort();
    templates.dedup();
    let mut documented: Vec<(String, String)> = paths
        .iter()
        .flat_map(|(p, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .filter(|k| ["get", "post", "put", "patch", "delete"].contains(&k.as_str()))
                .map(|m| (m.clone(), p.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    documented.sort();
    assert_eq!(
        templates, documented,
        "authorisation matrix vs. OpenAPI paths"
    );
}
