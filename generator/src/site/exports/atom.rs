//! `/{lang}/feed.atom`: the newest releases per site language, Atom 1.0 (RFC 4287).
//!
//! Entries are catalogue entries with a `releaseDate`, newest first (then by slug), at most
//! [`MAX_ENTRIES`]. An entry without a release date has no honest `updated` value, so it
//! is left out rather than given an invented one. Each entry's `id` is its page URL (stable,
//! since slugs are), `updated` its release date at midnight UTC, the summary its short
//! description in the feed's language (falling back like the entry page does, marked with
//! `xml:lang`). The feed's `updated` is the newest entry's, never the build time, so the
//! feed only changes when the catalogue does.

use super::{by_slug, default_language, entry_url, is_date, site_url, xml_escape};
use crate::catalogue::{Catalogue, Entry};
use crate::config::Config;
use crate::site::output::Output;
use crate::site::view::description;
use std::fmt::Write;

pub const MAX_ENTRIES: usize = 50;

/// `updated` of a feed with no dated entry.
const EPOCH: &str = "1970-01-01T00:00:00Z";

pub fn path(lang: &str) -> String {
    format!("{lang}/feed.atom")
}

pub fn feeds(cat: &Catalogue, config: &Config) -> Vec<Output> {
    config
        .languages
        .iter()
        .map(|lang| Output::new(path(lang), feed(cat, config, lang)))
        .collect()
}

/// Dated entries, newest first, then by slug.
fn newest(cat: &Catalogue) -> Vec<(&Entry, &str)> {
    let mut dated: Vec<(&Entry, &str)> = by_slug(cat)
        .into_iter()
        .filter_map(|e| {
            let d = e.code.release_date.as_deref()?;
            is_date(d).then_some((e, d))
        })
        .collect();
    // Stable sort on a slug-sorted list: equal dates stay in slug order.
    dated.sort_by(|a, b| b.1.cmp(a.1));
    dated.truncate(MAX_ENTRIES);
    dated
}

fn timestamp(date: &str) -> String {
    format!("{date}T00:00:00Z")
}

fn site_title<'a>(config: &'a Config, lang: &str) -> &'a str {
    match lang {
        "de" => &config.title.de,
        _ => &config.title.en,
    }
}

fn feed(cat: &Catalogue, config: &Config, lang: &str) -> String {
    let default = default_language(config);
    let entries = newest(cat);
    let updated = entries
        .first()
        .map_or(EPOCH.to_owned(), |(_, d)| timestamp(d));
    let self_url = site_url(config, &path(lang));
    let title = site_title(config, lang);
    let title = if title.is_empty() { "Allmende" } else { title };
    let x = xml_escape;
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        out,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        x(lang)
    );
    let _ = writeln!(out, "  <id>{}</id>", x(&self_url));
    let _ = writeln!(out, "  <title type=\"text\">{}</title>", x(title));
    let _ = writeln!(out, "  <updated>{updated}</updated>");
    let _ = writeln!(
        out,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        x(&self_url)
    );
    let _ = writeln!(
        out,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        x(&site_url(config, &format!("/{lang}/")))
    );
    let _ = writeln!(
        out,
        "  <author>\n    <name>{}</name>\n    <uri>{}</uri>\n  </author>",
        x(title),
        x(&config.base_url)
    );
    out.push_str("  <generator>Allmende</generator>\n");
    for (e, date) in entries {
        let url = entry_url(config, lang, &e.slug);
        let (name, summary) = match description(e, lang, default) {
            Some((dlang, d)) => (
                d.localised_name
                    .clone()
                    .unwrap_or_else(|| e.code.name.clone()),
                Some((dlang, d.short_description.as_str())),
            ),
            None => (e.code.name.clone(), None),
        };
        out.push_str("  <entry>\n");
        let _ = writeln!(out, "    <id>{}</id>", x(&url));
        let _ = writeln!(out, "    <title type=\"text\">{}</title>", x(&name));
        let _ = writeln!(out, "    <updated>{}</updated>", timestamp(date));
        let _ = writeln!(
            out,
            "    <link rel=\"alternate\" type=\"text/html\" hreflang=\"{}\" href=\"{}\"/>",
            x(lang),
            x(&url)
        );
        if let Some((dlang, text)) = summary.filter(|(_, t)| !t.trim().is_empty()) {
            let mark = if dlang == lang {
                String::new()
            } else {
                format!(" xml:lang=\"{}\"", x(dlang))
            };
            let _ = writeln!(
                out,
                "    <summary type=\"text\"{mark}>{}</summary>",
                x(text.trim())
            );
        }
        if let Some(o) = &e.code.organisation {
            let name = o.name.as_deref().unwrap_or(&o.uri);
            let _ = writeln!(out, "    <author>\n      <name>{}</name>", x(name));
            let web = url::Url::parse(&o.uri)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https"));
            if let Some(u) = web {
                let _ = writeln!(out, "      <uri>{}</uri>", x(u.as_str()));
            }
            out.push_str("    </author>\n");
        }
        for c in &e.code.categories {
            let _ = writeln!(out, "    <category term=\"{}\"/>", x(c));
        }
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::exports::testdata;

    const ATOM: &str = "http://www.w3.org/2005/Atom";

    fn parsed(text: &str) -> roxmltree::Document<'_> {
        roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("invalid XML: {e}\n{text}"))
    }

    fn child<'a>(n: roxmltree::Node<'a, 'a>, name: &str) -> Vec<roxmltree::Node<'a, 'a>> {
        n.children()
            .filter(|c| c.tag_name().namespace() == Some(ATOM) && c.tag_name().name() == name)
            .collect()
    }

    fn text_of<'a>(n: roxmltree::Node<'a, 'a>, name: &str) -> &'a str {
        child(n, name)[0].text().unwrap_or("")
    }

    #[test]
    fn one_feed_per_language_with_dated_entries_newest_first() {
        let outs = feeds(&testdata::catalogue(), &testdata::config());
        let paths: Vec<&str> = outs.iter().map(|o| o.path.as_str()).collect();
        assert_eq!(paths, ["de/feed.atom", "en/feed.atom"]);
        let text = std::str::from_utf8(&outs[1].bytes).unwrap();
        let doc = parsed(text);
        let feed = doc.root_element();
        assert_eq!(feed.tag_name().name(), "feed");
        assert_eq!(feed.tag_name().namespace(), Some(ATOM));
        assert_eq!(
            text_of(feed, "id"),
            "https://katalog.example.de/en/feed.atom"
        );
        assert_eq!(text_of(feed, "updated"), "2025-03-01T00:00:00Z");
        let links = child(feed, "link");
        assert!(links.iter().any(|l| l.attribute("rel") == Some("self")
            && l.attribute("href") == Some("https://katalog.example.de/en/feed.atom")));
        assert_eq!(child(feed, "author").len(), 1);
        let entries = child(feed, "entry");
        // beta has no release date.
        assert_eq!(entries.len(), 2);
        assert_eq!(text_of(entries[0], "title"), testdata::evil().code.name);
        assert_eq!(text_of(entries[0], "updated"), "2025-03-01T00:00:00Z");
        let alpha = entries[1];
        assert_eq!(
            text_of(alpha, "id"),
            "https://katalog.example.de/en/software/alpha/"
        );
        assert_eq!(text_of(alpha, "updated"), "2025-01-10T00:00:00Z");
        assert_eq!(text_of(alpha, "summary"), "Short in English.");
        assert_eq!(
            child(alpha, "summary")[0].attribute(("http://www.w3.org/XML/1998/namespace", "lang")),
            None
        );
        assert_eq!(child(alpha, "link")[0].attribute("hreflang"), Some("en"));
        assert_eq!(child(alpha, "category").len(), 2);
        // evil has only German (and an invalid key): the English feed falls back to German.
        let evil = entries[0];
        let summary = child(evil, "summary")[0];
        assert_eq!(
            summary.attribute(("http://www.w3.org/XML/1998/namespace", "lang")),
            Some("de")
        );
        assert_eq!(summary.text(), Some("=HYPERLINK(\"http://evil.example\")"));
        assert_eq!(
            text_of(child(evil, "author")[0], "name"),
            "Org \"B\" & <Söhne>"
        );
        let de = std::str::from_utf8(&outs[0].bytes).unwrap();
        let doc = parsed(de);
        let entries = child(doc.root_element(), "entry");
        assert_eq!(text_of(entries[1], "title"), "Alpha (de)");
        assert_eq!(text_of(entries[1], "summary"), "Kurz auf Deutsch.");
    }

    #[test]
    fn at_most_fifty_entries_and_ties_by_slug() {
        let mut cat = Catalogue::default();
        for i in 0..60 {
            let mut e = testdata::alpha();
            e.slug = format!("e{i:02}");
            e.code.release_date = Some(if i < 5 { "2024-12-31" } else { "2024-01-01" }.into());
            cat.entries.push(e);
        }
        let out = &feeds(&cat, &testdata::config())[0];
        let text = std::str::from_utf8(&out.bytes).unwrap();
        let doc = parsed(text);
        let entries = child(doc.root_element(), "entry");
        assert_eq!(entries.len(), MAX_ENTRIES);
        let ids: Vec<&str> = entries.iter().map(|e| text_of(*e, "id")).collect();
        assert!(ids[0].ends_with("/e00/"));
        assert!(ids[4].ends_with("/e04/"));
        assert!(ids[5].ends_with("/e05/"));
        assert!(ids[49].ends_with("/e49/"));
    }

    #[test]
    fn feed_without_dated_entries_is_valid_and_fixed() {
        let cat = Catalogue {
            entries: vec![testdata::beta()],
            pages: Vec::new(),
        };
        let out = &feeds(&cat, &testdata::config())[0];
        let text = std::str::from_utf8(&out.bytes).unwrap();
        let doc = parsed(text);
        assert_eq!(text_of(doc.root_element(), "updated"), EPOCH);
        assert!(child(doc.root_element(), "entry").is_empty());
    }
}
