//! Data exports: machine-readable copies of the catalogue for harvesters, feed readers,
//! search engines and scripts (design.md, URLs): per-entry YAML/JSON, the whole catalogue
//! as JSON, CSV and DCAT-AP/ADMS-AP Turtle, an Atom feed per language, the sitemap and
//! robots.txt.
//!
//! Everything here is a pure function of the catalogue and the configuration: no clock,
//! no hash-map order, so two builds of the same content give the same bytes.

pub mod atom;
pub mod csv;
pub mod dcat;
pub mod json;
pub mod sitemap;

#[cfg(test)]
mod testdata;

use crate::catalogue::{Catalogue, Entry};
use crate::config::Config;
use crate::site::fragments::{Pieces, unkept};
use crate::site::output::Output;
use crate::site::view::entry_path;

/// All export files. `html_paths` are the site-relative paths of the HTML pages
/// (`de/software/nextcloud/index.html`), for the sitemap.
pub fn all(cat: &Catalogue, config: &Config, html_paths: &[String]) -> Vec<Output> {
    let mut out: Vec<Output> = cat
        .entries
        .iter()
        .flat_map(|e| {
            [
                Output::new(yaml_path(e), e.source.clone()),
                Output::new(json_path(e), entry_json(e)),
            ]
        })
        .collect();
    out.extend(catalogue_files(cat, config, html_paths, &unkept()));
    out
}

/// `data/software/<slug>.yml`: the entry's publiccode.yml as written.
pub fn yaml_path(e: &Entry) -> String {
    format!("data/software/{}.yml", e.slug)
}

/// `data/software/<slug>.json`: the entry's model as JSON.
pub fn json_path(e: &Entry) -> String {
    format!("data/software/{}.json", e.slug)
}

pub fn entry_json(e: &Entry) -> Vec<u8> {
    serde_json::to_vec_pretty(&e.code).unwrap_or_default()
}

/// The files made from the whole catalogue, made in parallel (they are independent).
/// Per-entry parts of them come from `pieces` (kept between builds when it can).
pub fn catalogue_files(
    cat: &Catalogue,
    config: &Config,
    html_paths: &[String],
    pieces: &Pieces,
) -> Vec<Output> {
    use rayon::prelude::*;
    type Maker<'a> = (&'static str, &'a (dyn Fn() -> Vec<Output> + Sync));
    let makers: [Maker; 6] = [
        ("json", &|| vec![json::catalogue(cat, config, pieces)]),
        ("csv", &|| vec![csv::catalogue(cat, config, pieces)]),
        ("dcat", &|| vec![dcat::catalogue(cat, config, pieces)]),
        ("atom", &|| atom::feeds(cat, config)),
        ("sitemap", &|| sitemap::sitemaps(config, html_paths)),
        ("robots", &|| vec![sitemap::robots(config)]),
    ];
    makers
        .par_iter()
        .flat_map_iter(|(name, make)| {
            let started = std::time::Instant::now();
            let files = make();
            tracing::debug!(export = name, elapsed = ?started.elapsed(), "export made");
            files
        })
        .collect()
}

/// The site's default language (the first configured one).
fn default_language(config: &Config) -> &str {
    config.languages.first().map_or("de", String::as_str)
}

/// Entries in slug order (the catalogue keeps them so; sorted again so exports never
/// depend on that).
fn by_slug(cat: &Catalogue) -> Vec<&Entry> {
    let mut entries: Vec<&Entry> = cat.entries.iter().collect();
    entries.sort_by(|a, b| a.slug.cmp(&b.slug));
    entries
}

/// Absolute URL of a site path (`/de/software/x/` or `de/software/x/`), with every byte
/// outside RFC 3986's unreserved set (and `/`) percent-encoded.
fn site_url(config: &Config, path: &str) -> String {
    let mut url = config.base_url.clone();
    for b in path.trim_start_matches('/').bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

/// Absolute URL of an entry's page in `lang`.
fn entry_url(config: &Config, lang: &str, slug: &str) -> String {
    site_url(config, &entry_path(lang, slug))
}

/// Whether `s` is a `YYYY-MM-DD` date (the model keeps only valid ones; checked again
/// because feeds and typed literals must never carry anything else).
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

use crate::markup::escape as xml_escape;

#[cfg(test)]
mod tests {
    use super::*;
    use testdata::{catalogue, config};

    #[test]
    fn two_calls_give_identical_bytes() {
        let (cat, config) = (catalogue(), config());
        let paths = testdata::html_paths();
        let a = all(&cat, &config, &paths);
        let b = all(&cat, &config, &paths);
        assert_eq!(a, b);
        let names: Vec<&str> = a.iter().map(|o| o.path.as_str()).collect();
        for expected in [
            "data/software.json",
            "data/software.csv",
            "data/catalogue.ttl",
            "de/feed.atom",
            "en/feed.atom",
            "sitemap.xml",
            "robots.txt",
            "data/software/alpha.yml",
            "data/software/alpha.json",
        ] {
            assert!(names.contains(&expected), "{expected} missing: {names:?}");
        }
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "duplicate output paths");
    }

    #[test]
    fn entry_order_in_the_catalogue_does_not_matter() {
        let config = config();
        let paths = testdata::html_paths();
        let a = all(&catalogue(), &config, &paths);
        let mut reversed = catalogue();
        reversed.entries.reverse();
        let mut b = all(&reversed, &config, &paths);
        // Per-entry files come in catalogue order; everything else must be identical.
        b.sort_by(|x, y| x.path.cmp(&y.path));
        let mut a = a;
        a.sort_by(|x, y| x.path.cmp(&y.path));
        assert_eq!(a, b);
    }

    /// The bundled demo catalogue: every export parses with a real parser.
    #[test]
    fn demo_content_exports_parse() {
        let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
        let (cat, _) = crate::catalogue::load(&content).unwrap();
        assert!(cat.entries.len() > 10);
        let config = Config::default();
        let paths: Vec<String> = cat
            .entries
            .iter()
            .flat_map(|e| ["de", "en"].map(|l| format!("{l}/software/{}/index.html", e.slug)))
            .collect();
        let out = all(&cat, &config, &paths);
        let file = |p: &str| {
            let o = out.iter().find(|o| o.path == p).unwrap();
            std::str::from_utf8(&o.bytes).unwrap()
        };
        let triples = oxttl::TurtleParser::new()
            .for_slice(file("data/catalogue.ttl").as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        let assets = triples
            .iter()
            .filter(|t| t.object.to_string() == "<http://www.w3.org/ns/adms#Asset>")
            .count();
        assert_eq!(assets, cat.entries.len());
        for p in ["de/feed.atom", "en/feed.atom", "sitemap.xml"] {
            roxmltree::Document::parse(file(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
        }
        let csv_rows = file("data/software.csv").matches("\r\n").count();
        assert!(csv_rows > cat.entries.len(), "header + one row per entry");
        let json: serde_json::Value = serde_json::from_str(file("data/software.json")).unwrap();
        assert_eq!(json["count"], cat.entries.len());
    }

    #[test]
    fn site_urls_are_percent_encoded() {
        let c = config();
        assert_eq!(
            site_url(&c, "/de/software/a b/"),
            "https://katalog.example.de/de/software/a%20b/"
        );
        assert_eq!(
            site_url(&c, "code/r/blob/main/ä\"<>.txt"),
            "https://katalog.example.de/code/r/blob/main/%C3%A4%22%3C%3E.txt"
        );
    }

    #[test]
    fn xml_escape_drops_what_xml_cannot_carry() {
        assert_eq!(
            xml_escape("a<b>&\"'\u{1}\r\n\t\u{FFFF}z"),
            "a&lt;b&gt;&amp;&quot;&#39;&#13;\n\tz"
        );
    }

    #[test]
    fn dates_are_checked() {
        assert!(is_date("2025-02-25"));
        assert!(!is_date("2025-2-25"));
        assert!(!is_date("2025-02-25T00:00:00Z"));
        assert!(!is_date("20250225xx"));
    }
}
