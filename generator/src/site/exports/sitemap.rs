//! `sitemap.xml` (sitemaps.org protocol 0.9) and `robots.txt`.
//!
//! Every HTML page is listed by its canonical URL (`…/index.html` as `…/`). A page under a
//! language prefix (`/de/…`) lists each existing language version of itself as
//! `xhtml:link rel="alternate" hreflang`, plus `x-default` for the default language's,
//! as search engines expect. Past the protocol's limits (50,000 URLs or 50 MiB per file)
//! the URLs go into `sitemap-1.xml`, `sitemap-2.xml`, … beside `sitemap.xml`, which then is
//! a sitemap index (a sitemap may only list URLs under its own folder, so they stay at the
//! root).

use super::{default_language, site_url, xml_escape};
use crate::config::Config;
use crate::site::output::Output;
use std::collections::BTreeSet;
use std::fmt::Write;

pub const PATH: &str = "sitemap.xml";
pub const MAX_URLS: usize = 50_000;
pub const MAX_BYTES: usize = 50 * 1024 * 1024;

const URLSET_OPEN: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n";
const URLSET_CLOSE: &str = "</urlset>\n";

pub fn robots(config: &Config) -> Output {
    Output::new(
        "robots.txt",
        format!(
            "User-agent: *\nAllow: /\n\nSitemap: {}\n",
            site_url(config, PATH)
        ),
    )
}

pub fn sitemaps(config: &Config, html_paths: &[String]) -> Vec<Output> {
    split(config, html_paths, MAX_URLS, MAX_BYTES)
}

/// `de/software/x/index.html` → `de/software/x/`; other `.html` files keep their name.
/// Not pages for the sitemap: the error page and the root language chooser.
fn page_path(file: &str) -> Option<String> {
    let file = file.trim_start_matches('/');
    if !file.ends_with(".html") || file == "404.html" || file == "index.html" {
        return None;
    }
    Some(match file.strip_suffix("index.html") {
        Some(dir) if dir.ends_with('/') => dir.to_owned(),
        _ => file.to_owned(),
    })
}

/// The `<url>` element of `path`, with its language versions among `pages`.
fn url_element(config: &Config, path: &str, pages: &BTreeSet<String>) -> String {
    let mut out = format!(
        "  <url>\n    <loc>{}</loc>\n",
        xml_escape(&site_url(config, path))
    );
    let lang = config
        .languages
        .iter()
        .find(|l| path.starts_with(&format!("{l}/")));
    if let Some(lang) = lang {
        let rest = &path[lang.len()..];
        let versions: Vec<(&str, String)> = config
            .languages
            .iter()
            .map(|l| (l.as_str(), format!("{l}{rest}")))
            .filter(|(_, p)| pages.contains(p))
            .collect();
        if versions.len() > 1 {
            let default = default_language(config);
            let x_default = versions.iter().find(|(l, _)| *l == default).cloned();
            for (hreflang, p) in versions
                .into_iter()
                .chain(x_default.map(|(_, p)| ("x-default", p)))
            {
                let _ = writeln!(
                    out,
                    "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                    xml_escape(hreflang),
                    xml_escape(&site_url(config, &p))
                );
            }
        }
    }
    out.push_str("  </url>\n");
    out
}

fn split(config: &Config, html_paths: &[String], max_urls: usize, max_bytes: usize) -> Vec<Output> {
    use rayon::prelude::*;
    let pages: BTreeSet<String> = html_paths.iter().filter_map(|p| page_path(p)).collect();
    // Each element looks up its language versions on its own: made in parallel, joined in
    // order (a catalogue of 10,000 entries has 30,000 pages).
    let ordered: Vec<&String> = pages.iter().collect();
    let elements: Vec<String> = ordered
        .par_iter()
        .map(|path| url_element(config, path, &pages))
        .collect();
    let mut files: Vec<String> = Vec::new();
    let mut current = String::from(URLSET_OPEN);
    let mut count = 0;
    for element in elements {
        let full = current.len() + element.len() + URLSET_CLOSE.len() > max_bytes;
        if count > 0 && (count == max_urls || full) {
            current.push_str(URLSET_CLOSE);
            files.push(std::mem::replace(&mut current, String::from(URLSET_OPEN)));
            count = 0;
        }
        current.push_str(&element);
        count += 1;
    }
    current.push_str(URLSET_CLOSE);
    files.push(current);
    if files.len() == 1 {
        return vec![Output::new(PATH, files.pop().unwrap_or_default())];
    }
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut out = Vec::with_capacity(files.len() + 1);
    for (i, body) in files.into_iter().enumerate() {
        let name = format!("sitemap-{}.xml", i + 1);
        let _ = writeln!(
            index,
            "  <sitemap>\n    <loc>{}</loc>\n  </sitemap>",
            xml_escape(&site_url(config, &name))
        );
        out.push(Output::new(name, body));
    }
    index.push_str("</sitemapindex>\n");
    out.insert(0, Output::new(PATH, index));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::exports::testdata;

    const SM: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
    const XHTML: &str = "http://www.w3.org/1999/xhtml";

    fn urls(text: &str) -> Vec<(String, Vec<(String, String)>)> {
        let doc = roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().namespace(), Some(SM));
        assert_eq!(root.tag_name().name(), "urlset");
        root.children()
            .filter(|n| n.is_element())
            .map(|u| {
                assert_eq!(u.tag_name().name(), "url");
                let loc = u
                    .children()
                    .find(|c| c.tag_name().name() == "loc")
                    .and_then(|c| c.text())
                    .unwrap()
                    .to_owned();
                let alternates = u
                    .children()
                    .filter(|c| c.tag_name().namespace() == Some(XHTML))
                    .map(|c| {
                        assert_eq!(c.attribute("rel"), Some("alternate"));
                        (
                            c.attribute("hreflang").unwrap().to_owned(),
                            c.attribute("href").unwrap().to_owned(),
                        )
                    })
                    .collect();
                (loc, alternates)
            })
            .collect()
    }

    const B: &str = "https://katalog.example.de/";

    #[test]
    fn lists_pages_with_language_alternates() {
        let outs = sitemaps(&testdata::config(), &testdata::html_paths());
        assert_eq!(outs.len(), 1);
        assert_eq!(outs[0].path, "sitemap.xml");
        let list = urls(std::str::from_utf8(&outs[0].bytes).unwrap());
        let locs: Vec<&str> = list.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(
            locs,
            [
                format!("{B}code/r/tree/main/a%20b/"),
                format!("{B}de/"),
                format!("{B}de/software/alpha/"),
                format!("{B}de/ueber/"),
                format!("{B}en/"),
                format!("{B}en/software/alpha/"),
            ]
        );
        let alternates = |i: usize| -> Vec<(String, String)> { list[i].1.clone() };
        let expected = vec![
            ("de".to_owned(), format!("{B}de/software/alpha/")),
            ("en".to_owned(), format!("{B}en/software/alpha/")),
            ("x-default".to_owned(), format!("{B}de/software/alpha/")),
        ];
        assert_eq!(alternates(2), expected);
        assert_eq!(alternates(5), expected);
        assert!(alternates(0).is_empty(), "no language prefix");
        assert!(alternates(3).is_empty(), "only one language version");
        assert_eq!(alternates(1).len(), 3);
    }

    #[test]
    fn splits_into_an_index_past_the_limits() {
        let paths: Vec<String> = (0..7).map(|i| format!("de/p{i}/index.html")).collect();
        let config = testdata::config();
        let outs = split(&config, &paths, 3, MAX_BYTES);
        let names: Vec<&str> = outs.iter().map(|o| o.path.as_str()).collect();
        assert_eq!(
            names,
            [
                "sitemap.xml",
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap-3.xml"
            ]
        );
        let index = std::str::from_utf8(&outs[0].bytes).unwrap();
        let doc = roxmltree::Document::parse(index).unwrap();
        assert_eq!(doc.root_element().tag_name().name(), "sitemapindex");
        let locs: Vec<&str> = doc
            .descendants()
            .filter(|n| n.tag_name().name() == "loc")
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(
            locs,
            [
                format!("{B}sitemap-1.xml"),
                format!("{B}sitemap-2.xml"),
                format!("{B}sitemap-3.xml")
            ]
        );
        let counts: Vec<usize> = outs[1..]
            .iter()
            .map(|o| urls(std::str::from_utf8(&o.bytes).unwrap()).len())
            .collect();
        assert_eq!(counts, [3, 3, 1]);
        // By size: each file stays under the byte limit.
        let one = url_element(&config, "de/p0/", &BTreeSet::new()).len();
        let limit = URLSET_OPEN.len() + URLSET_CLOSE.len() + 2 * one + 1;
        let outs = split(&config, &paths, MAX_URLS, limit);
        assert_eq!(outs.len(), 1 + 4);
        assert!(outs[1..].iter().all(|o| o.bytes.len() <= limit));
    }

    #[test]
    fn empty_site_gives_an_empty_valid_sitemap() {
        let outs = sitemaps(&testdata::config(), &[]);
        assert_eq!(outs.len(), 1);
        assert!(urls(std::str::from_utf8(&outs[0].bytes).unwrap()).is_empty());
    }

    #[test]
    fn robots_points_to_the_sitemap() {
        let r = robots(&testdata::config());
        assert_eq!(r.path, "robots.txt");
        assert_eq!(
            std::str::from_utf8(&r.bytes).unwrap(),
            "User-agent: *\nAllow: /\n\nSitemap: https://katalog.example.de/sitemap.xml\n"
        );
    }

    #[test]
    fn page_paths() {
        assert_eq!(page_path("de/index.html").as_deref(), Some("de/"));
        assert_eq!(page_path("de/x.html").as_deref(), Some("de/x.html"));
        assert_eq!(page_path("404.html"), None);
        assert_eq!(page_path("index.html"), None);
        assert_eq!(page_path("data/software.json"), None);
    }
}
