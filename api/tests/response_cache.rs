//! The cache of anonymous public reads: repeats are answered (also as 304), a write is
//! visible to the very next read, and signed-in readers never get a cached answer — on
//! SQLite and (when configured) PostgreSQL.

mod common;

use common::{backends, start};
use serde_json::json;

#[test]
fn writes_are_seen_at_once_and_conditional_reads_still_work() {
    for backend in backends() {
        let s = start(backend);
        let erika = s.login("erika", "member");
        let list = "/categories/allgemein/topics";
        let r = s.post(
            list,
            Some(&erika),
            &json!({"title": "Erstes Thema", "body": "Hallo"}),
        );
        assert_eq!(r.status, 201, "{}", r.text);
        let topic = r.json()["id"].as_str().unwrap().to_owned();

        let first = s.get(list, None);
        assert_eq!(first.status, 200);
        assert_eq!(first.header("cache-control"), Some("public, max-age=10"));
        let etag = first.header("etag").unwrap().to_owned();
        let again = s.get(list, None);
        assert_eq!(again.text, first.text, "{backend:?}");
        assert_eq!(again.header("etag"), Some(etag.as_str()));
        let r = s.req("GET", list, None, &[("If-None-Match", &etag)], None);
        assert_eq!(r.status, 304, "{backend:?}");
        assert_eq!(r.header("etag"), Some(etag.as_str()));
        assert_eq!(r.header("cache-control"), Some("public, max-age=10"));

        // A write answered: the next anonymous read shows it, and the old tag is stale.
        let r = s.post(
            list,
            Some(&erika),
            &json!({"title": "Zweites Thema", "body": "Noch eins"}),
        );
        assert_eq!(r.status, 201, "{}", r.text);
        let after = s.get(list, None).json();
        let titles: Vec<&str> = after["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["title"].as_str().unwrap())
            .collect();
        assert_eq!(titles, ["Zweites Thema", "Erstes Thema"], "{backend:?}");
        let r = s.req("GET", list, None, &[("If-None-Match", &etag)], None);
        assert_eq!(r.status, 200, "{backend:?}: a stale tag gets the new list");

        // A moderator hides the topic: anonymous readers stop seeing it at once.
        let m = s.login("mod", "moderator");
        let shown = s.get(&format!("/topics/{topic}"), None);
        assert_eq!(shown.status, 200);
        let r = s.req(
            "POST",
            "/reports",
            Some(&erika),
            &[],
            Some(
                &json!({"target_type": "topic", "target_id": topic, "reason": "spam"}).to_string(),
            ),
        );
        assert_eq!(r.status, 201, "{}", r.text);
        let item = r.json()["item_id"].as_str().unwrap().to_owned();
        let r = s.post(
            &format!("/moderation/queue/{item}/decision"),
            Some(&m),
            &json!({"action": "hide", "reason": "Werbung"}),
        );
        assert!(r.status < 300, "{}", r.text);
        assert_eq!(
            s.get(&format!("/topics/{topic}"), None).status,
            404,
            "{backend:?}"
        );
        let titles = s.get(list, None).json()["items"].as_array().unwrap().len();
        assert_eq!(titles, 1, "{backend:?}");

        // Signed-in readers are answered fresh, privately: the moderator still sees it.
        let r = s.get(&format!("/topics/{topic}"), Some(&m));
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.header("cache-control"), Some("private, no-cache"));
    }
}
