//! The one index schema, shared by the indexer and the reader. Chosen so a query touches
//! few bytes: no positions (phrase syntax is not offered), term frequencies and length
//! norms only in the short fields, the document store holds only what a hit shows, and facets and sort keys are
//! fast (columnar) fields read per matching document.

use crate::Error;
use crate::analysis::Lang;
use crate::model::FACET_KEYS;
use tantivy::schema::{FAST, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions};

/// Sort columns. Their names start with `_`, which sorts before the facet keys, so the
/// facet columns lie back to back in the fast-field file and the blocks a query fetches for
/// its facet counts hold no bytes of the (large, rarely needed) sort columns. The name
/// column holds each entry's rank in name order (computed when indexing), not the name: a
/// number per entry is a third of the bytes of the sort keys with their dictionary, and
/// both sorts then run on the same u64 code in the browser's engine.
pub const NAME_SORT: &str = "_name_rank";
pub const UPDATED: &str = "_updated";

/// Facets a hit shows (see [`crate::cards::Card`]); also kept in the document store.
pub const STORED_FACETS: [&str; 2] = ["status", "license"];

/// Searchable text fields with their boosts: name ≫ short description ≫ features ≫ long
/// description. BM25 scores are multiplied by these.
pub const TEXT_FIELDS: [(&str, f32); 4] = [
    ("name", 8.0),
    ("short", 4.0),
    ("features", 2.0),
    ("long", 1.0),
];

#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub slug: Field,
    pub url: Field,
    pub logo: Field,
    /// Same order as [`TEXT_FIELDS`].
    pub text: [Field; 4],
    pub name_sort: Field,
    pub updated: Field,
    /// Same order as [`FACET_KEYS`].
    pub facets: [Field; 8],
}

/// The schema of the index of language `code`.
pub fn schema(code: &str) -> Schema {
    let mut b = Schema::builder();
    let stored_only = TextOptions::default().set_stored();
    b.add_text_field("slug", stored_only.clone());
    b.add_text_field("url", stored_only.clone());
    b.add_text_field("logo", stored_only);
    for (name, _) in TEXT_FIELDS {
        // Names and short descriptions score with term frequencies and length norms (few
        // words, so their postings and norms are small). Features and the long description
        // match by presence: where a word occurs in most entries their frequencies and the
        // norms of every document were most of a cold query's bytes (search-wasm/README.md),
        // and the field boosts decide the ranking anyway (MRR unchanged).
        let short_field = name == "name" || name == "short";
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(&Lang::tokenizer_name(code))
            .set_index_option(if short_field {
                IndexRecordOption::WithFreqs
            } else {
                IndexRecordOption::Basic
            })
            .set_fieldnorms(short_field);
        let mut opts = TextOptions::default().set_indexing_options(indexing);
        // Name and short description make the hit and its snippet.
        if name == "name" || name == "short" {
            opts = opts.set_stored();
        }
        b.add_text_field(name, opts);
    }
    b.add_u64_field(NAME_SORT, FAST);
    b.add_u64_field(UPDATED, FAST);
    for key in FACET_KEYS {
        let mut opts = TextOptions::default().set_fast("raw");
        // Status and licence are shown on every hit: stored, they go into the hit cards, so
        // a query that counts no facets needs no facet column to show its hits.
        if STORED_FACETS.contains(&key) {
            opts = opts.set_stored();
        }
        b.add_text_field(key, opts);
    }
    b.build()
}

pub fn fields(schema: &Schema) -> Result<Fields, Error> {
    let f = |name: &str| {
        schema
            .get_field(name)
            .map_err(|_| Error::Schema(format!("field `{name}` missing")))
    };
    Ok(Fields {
        slug: f("slug")?,
        url: f("url")?,
        logo: f("logo")?,
        text: [f("name")?, f("short")?, f("features")?, f("long")?],
        name_sort: f(NAME_SORT)?,
        updated: f(UPDATED)?,
        facets: [
            f(FACET_KEYS[0])?,
            f(FACET_KEYS[1])?,
            f(FACET_KEYS[2])?,
            f(FACET_KEYS[3])?,
            f(FACET_KEYS[4])?,
            f(FACET_KEYS[5])?,
            f(FACET_KEYS[6])?,
            f(FACET_KEYS[7])?,
        ],
    })
}

/// `2026-03-01…` → 20260301; anything else sorts last (0).
pub fn date_key(date: Option<&str>) -> u64 {
    date.and_then(|d| d.get(..10))
        .filter(|d| d.as_bytes().get(4) == Some(&b'-') && d.as_bytes().get(7) == Some(&b'-'))
        .and_then(|d| d.replace('-', "").parse().ok())
        .unwrap_or(0)
}

/// Sort key of a name: folded, lower case, so "Öffentlich" sorts with "O".
pub fn name_key(name: &str, code: &str) -> String {
    crate::analysis::fold::fold(name, Lang::of(code).folding)
}
