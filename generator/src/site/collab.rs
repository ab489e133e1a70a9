//! Tickets and forum on the static site: the pages are empty shells that the theme's ES
//! modules fill from the API (`api_url`), so reading the catalogue never needs the API.
//! Here: the shell pages and the labels those scripts show, one JSON file per language
//! (content-hashed like the other assets, so entry pages do not each carry them).

use super::theme::hashed_name;
use super::{BuildError, Renderer, SiteCtx, t_str};
use minijinja::{Value as Mj, context};

/// The client-side views: page path below `/{lang}/`, template, title key in `[collab]`.
/// Which ticket, category or topic a page shows is in its query string
/// (`/de/tickets/?project=opendesk&number=3`, `/de/forum/?category=allgemein`,
/// `/de/forum/topic/?id=7`), so one static file serves them all.
const PAGES: &[(&str, &str, &str)] = &[
    ("forum/", "forum.html", "forum_title"),
    ("forum/topic/", "topic.html", "topic_title"),
    ("forum/moderation/", "moderation.html", "moderation_title"),
    ("tickets/", "ticket.html", "tickets_title"),
    ("login/", "login.html", "login_title"),
];

/// Writes `assets/collab.<lang>.<hash>.json` with the `[collab]` and `[reaction]` tables of
/// the language's translations; returns its published path.
pub(super) fn labels(
    r: &Renderer,
    lang: &str,
    t: &serde_json::Value,
) -> Result<String, BuildError> {
    let table = serde_json::json!({
        "collab": t.get("collab").cloned().unwrap_or_default(),
        "reaction": t.get("reaction").cloned().unwrap_or_default(),
    });
    let bytes = serde_json::to_vec(&table).map_err(|e| BuildError::Render {
        template: format!("collab labels ({lang})"),
        message: e.to_string(),
    })?;
    let path = format!(
        "assets/{}",
        hashed_name(&format!("collab.{lang}.json"), &bytes)
    );
    r.put(&path, &bytes)?;
    Ok(path)
}

pub(super) fn pages(r: &Renderer, site: &SiteCtx, site_v: &Mj) -> Result<(), BuildError> {
    for (rel, template, title) in PAGES {
        let path = format!("/{}/{rel}", site.lang);
        let page = r.page(
            site,
            path.clone(),
            t_str(site.t, "collab", title),
            String::new(),
        );
        r.page_to(
            &path,
            template,
            context! { site => site_v.clone(), page => Mj::from_serialize(&page) },
        )?;
    }
    Ok(())
}
