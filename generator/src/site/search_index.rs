//! The search index of one language as the browser reads it: `allmende_search::build_index`
//! writes a tantivy index, `allmende_search_wasm::pack` cuts it into a small root file and
//! content-hashed blocks (posting lists cut where lists start, the rest in 8 KiB), and both
//! land under `/search/`. Every name is derived from
//! the bytes, so the files are immutable and a CDN may cache them forever; the search page
//! names its root file. The same catalogue gives the same bytes.

use super::facets::FACETS;
use super::view::{Card, description, label};
use crate::catalogue::{Catalogue, Entry};
use allmende_search::SearchDoc;
use allmende_search_wasm::pack::RecordingDirectory;

/// Published folder of the root files; each language's blocks are in `<DIR>/<lang>/`.
pub const DIR: &str = "search";

#[derive(Debug, thiserror::Error)]
#[error("search index for `{lang}`: {message}")]
pub struct SearchIndexError {
    lang: String,
    message: String,
}

/// The files to publish for one language.
pub struct Published {
    /// `search/root-<lang>-<hash>.bin`
    pub root_path: String,
    pub files: Vec<(String, Vec<u8>)>,
}

/// The documents of language `lang` (whose translations are `t`): one per entry, in
/// catalogue order.
pub fn documents(
    cat: &Catalogue,
    cards: &[Card],
    lang: &str,
    default: &str,
    t: &serde_json::Value,
) -> Vec<SearchDoc> {
    cards
        .iter()
        .zip(&cat.entries)
        .map(|(c, e)| document(e, c, lang, default, t))
        .collect()
}

/// The document of entry `e` (whose card is `c`) in language `lang`. The names of its
/// categories as the site shows them (`t`: the language's translations) are searchable with
/// its features: a reader's "Bürgerbeteiligung" finds the entries filed under "Digitale
/// Bürgerbeteiligung" whether or not their texts use the word.
pub fn document(
    e: &Entry,
    c: &Card,
    lang: &str,
    default: &str,
    t: &serde_json::Value,
) -> SearchDoc {
    let values = |key: &str| -> Vec<String> {
        FACETS
            .iter()
            .find(|f| f.key == key)
            .map(|f| (f.values)(&e.code))
            .unwrap_or_default()
    };
    let first = |v: Vec<String>| v.into_iter().next().unwrap_or_default();
    let d = description(e, lang, default).map(|(_, d)| d);
    SearchDoc {
        slug: c.slug.clone(),
        lang: lang.to_owned(),
        name: c.name.clone(),
        short_description: c.short.clone(),
        features: d
            .map(|d| d.features.clone())
            .unwrap_or_default()
            .into_iter()
            .chain(values("category").iter().map(|k| label(t, "category", k)))
            .collect(),
        long_description: d.map(|d| d.long_description.clone()).unwrap_or_default(),
        logo: c.logo.clone(),
        status: first(values("status")),
        software_type: first(values("type")),
        license: first(values("license")),
        categories: values("category"),
        platforms: values("platform"),
        maintenance: first(values("maintenance")),
        organisation: values("organisation").into_iter().next(),
        audience: values("audience"),
        updated: c.updated.clone().or_else(|| c.release_date.clone()),
        url: c.url.clone(),
    }
}

/// Builds, warms and packs the index of `docs` (all of one language).
pub fn publish(docs: &[SearchDoc], lang: &str) -> Result<Published, SearchIndexError> {
    let err = |message: String| SearchIndexError {
        lang: lang.to_owned(),
        message,
    };
    let started = std::time::Instant::now();
    let (files, _) = allmende_search::index_files(docs).map_err(|e| err(e.to_string()))?;
    let indexed = started.elapsed();
    let prefix = format!("{lang}/");
    let files = files
        .into_iter()
        .filter_map(|(name, bytes)| name.strip_prefix(&prefix).map(|n| (n.to_owned(), bytes)));
    let dir = RecordingDirectory::from_files(files);
    allmende_search_wasm::pack::warm(&dir, lang).map_err(|e| err(e.to_string()))?;
    // Blocks live per language: the two indexes share a few identical blocks, but one output
    // path must have one writer.
    let packed = dir
        .pack(&format!("{lang}/"))
        .map_err(|e| err(e.to_string()))?;
    let root_hash = &blake3::hash(&packed.root).to_hex()[..10];
    let root_path = format!("{DIR}/root-{lang}-{root_hash}.bin");
    let mut files: Vec<(String, Vec<u8>)> = packed
        .blocks
        .into_iter()
        .map(|(name, bytes)| (format!("{DIR}/{name}"), bytes))
        .collect();
    files.push((root_path.clone(), packed.root));
    tracing::debug!(lang, docs = docs.len(), ?indexed, packed = ?started.elapsed() - indexed, "search index made");
    Ok(Published { root_path, files })
}
