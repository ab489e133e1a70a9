//! `data/software.json`: the whole catalogue in one file, each entry with its page URL and
//! its publiccode.yml as JSON (the standard's key names).

use super::{by_slug, default_language, entry_url};
use crate::catalogue::Catalogue;
use crate::config::Config;
use crate::site::fragments::{Piece, Pieces};
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

pub fn catalogue(cat: &Catalogue, config: &Config, pieces: &Pieces) -> Output {
    use rayon::prelude::*;
    let lang = default_language(config);
    let entries = by_slug(cat);
    // Serialised item by item in parallel and joined as serde_json joins a sequence, so
    // the bytes equal serialising `Export` at once (a test checks).
    let items: Vec<Piece> = entries
        .par_iter()
        .map(|e| {
            pieces.get("json", &e.slug, || {
                serde_json::to_vec(&Item {
                    slug: &e.slug,
                    url: entry_url(config, lang, &e.slug),
                    publiccode: &e.code,
                })
                .unwrap_or_default()
            })
        })
        .collect();
    let head = serde_json::to_vec(&Export {
        generated_by: "allmende",
        count: items.len(),
        software: Vec::new(),
    })
    .unwrap_or_default();
    // `…,"software":[]}` → `…,"software":[` + items + `]}`
    let open = head.len().saturating_sub(2);
    let mut bytes =
        Vec::with_capacity(items.iter().map(|i| i.len() + 1).sum::<usize>() + head.len() + 1);
    bytes.extend_from_slice(&head[..open]);
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            bytes.push(b',');
        }
        bytes.extend_from_slice(item);
    }
    bytes.extend_from_slice(&head[open..]);
    bytes.push(b'\n');
    Output::new(PATH, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::exports::testdata;
    use crate::site::fragments::unkept;
    use serde_json::Value;

    #[test]
    fn lists_every_entry_sorted_with_its_url_and_model() {
        let mut cat = testdata::catalogue();
        cat.entries.reverse();
        let out = catalogue(&cat, &testdata::config(), &unkept());
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

    /// Joining items serialised one by one gives the bytes of serialising the whole export.
    #[test]
    fn parallel_items_equal_one_serialisation() {
        let (cat, config) = (testdata::catalogue(), testdata::config());
        let lang = default_language(&config);
        let whole = Export {
            generated_by: "allmende",
            count: cat.entries.len(),
            software: by_slug(&cat)
                .into_iter()
                .map(|e| Item {
                    slug: &e.slug,
                    url: entry_url(&config, lang, &e.slug),
                    publiccode: &e.code,
                })
                .collect(),
        };
        let mut expected = serde_json::to_vec(&whole).unwrap();
        expected.push(b'\n');
        assert_eq!(catalogue(&cat, &config, &unkept()).bytes, expected);
        let mut empty = serde_json::to_vec(&Export {
            generated_by: "allmende",
            count: 0,
            software: Vec::new(),
        })
        .unwrap();
        empty.push(b'\n');
        assert_eq!(
            catalogue(&Catalogue::default(), &config, &unkept()).bytes,
            empty
        );
    }

    #[test]
    fn empty_catalogue() {
        let out = catalogue(&Catalogue::default(), &testdata::config(), &unkept());
        let v: Value = serde_json::from_slice(&out.bytes).unwrap();
        assert_eq!(v["count"], 0);
        assert_eq!(v["software"], Value::Array(Vec::new()));
    }
}
