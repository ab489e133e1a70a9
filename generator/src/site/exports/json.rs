//! `data/software.json`: the whole catalogue in one file, each entry with its page URL and
//! its publiccode.yml as JSON (the standard's key names).

use super::{by_slug, default_language, entry_url};
use crate::catalogue::Catalogue;
use crate::config::Config;
use crate::site::output::Output;
use publiccode::PublicCode;
use serde::Serialize;

pub const PATH: &str = "data/software.json";

#[derive(Serialize)]
struct Export<'a> {
    generated_by: &'static str,
    count: usize,
    software: Vec<Item<'a>>,
}

#[derive(Serialize)]
struct Item<'a> {
    slug: &'a str,
    /// Absolute URL of the entry page in the default language.
    url: String,
    publiccode: &'a PublicCode,
}

pub fn catalogue(cat: &Catalogue, config: &Config) -> Output {
    let lang = default_language(config);
    let software: Vec<Item> = by_slug(cat)
        .into_iter()
        .map(|e| Item {
            slug: &e.slug,
            url: entry_url(config, lang, &e.slug),
            publiccode: &e.code,
        })
        .collect();
    let export = Export {
        generated_by: "allmende",
        count: software.len(),
        software,
    };
    let mut bytes = serde_json::to_vec(&export).unwrap_or_default();
    bytes.push(b'\n');
    Output::new(PATH, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::exports::testdata;
    use serde_json::Value;

    #[test]
    fn lists_every_entry_sorted_with_its_url_and_model() {
        let mut cat = testdata::catalogue();
        cat.entries.reverse();
        let out = catalogue(&cat, &testdata::config());
        assert_eq!(out.path, "data/software.json");
        let v: Value = serde_json::from_slice(&out.bytes).unwrap();
        assert_eq!(v["generated_by"], "allmende");
        assert_eq!(v["count"], 3);
        let slugs: Vec<&str> = v["software"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["slug"].as_str().unwrap())
            .collect();
        assert_eq!(slugs, ["alpha", "beta", "evil"]);
        let alpha = &v["software"][0];
        assert_eq!(
            alpha["url"],
            "https://katalog.example.de/de/software/alpha/"
        );
        assert_eq!(
            alpha["publiccode"]["landingURL"],
            "https://alpha.example.org/"
        );
        assert_eq!(alpha["publiccode"]["releaseDate"], "2025-01-10");
        assert_eq!(
            alpha["publiccode"]["description"]["en"]["shortDescription"],
            "Short in English."
        );
        assert_eq!(alpha["publiccode"]["maintenance"]["type"], "internal");
        let evil = &v["software"][2];
        assert_eq!(evil["publiccode"]["name"], testdata::evil().code.name);
        assert!(out.bytes.ends_with(b"}\n"));
    }

    #[test]
    fn empty_catalogue() {
        let out = catalogue(&Catalogue::default(), &testdata::config());
        let v: Value = serde_json::from_slice(&out.bytes).unwrap();
        assert_eq!(v["count"], 0);
        assert_eq!(v["software"], Value::Array(Vec::new()));
    }
}
