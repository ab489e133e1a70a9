//! Allmende's search engine: one tantivy index schema and the query logic around it, used
//! natively by `allmende build` to write the index (feature `index`) and compiled to
//! `wasm32-unknown-unknown` to answer queries in the browser (no threads, no mmap, no zstd).
//!
//! # API (stable: the browser worker calls it)
//! - [`SearchDoc`]: one catalogue entry in one language (serde).
//! - [`build_index`]`(docs, dir) -> IndexStats` (feature `index`): writes one index per
//!   language to `dir/<lang>/`, each a single segment, byte-identical for the same input;
//!   [`index_files`]`(docs)` returns the same files in memory.
//! - [`open_index`]`(dir)` (feature `index`): opens one language's index natively.
//! - [`search`]`(index, request) -> SearchResponse`: `index` is the index of `request.lang`
//!   (opened from any tantivy `Directory`, e.g. one over fetched bytes in the browser).
//! - [`SearchRequest`] / [`SearchResponse`] / [`Hit`] / [`Sort`] (serde JSON), facet keys in
//!   [`FACET_KEYS`].
//!
//! # Relevance
//! German and English analysis (Snowball stemming; umlauts, their transcriptions and `ß`
//! fold together: "Buergerbeteiligung", "Burgerbeteiligung", "Bürgerbeteiligung" meet);
//! German compounds are split at index time against the corpus' own vocabulary and a
//! built-in lexicon (`analysis/lexicon/de.txt`), so "Beteiligung" finds
//! "Bürgerbeteiligungsplattform" even where it never stands alone, without any dictionary
//! in the browser; the other way round, a compound query word that the index hardly holds
//! whole is split into parts that are terms of the index ([`split`]), so
//! "Dokumentenmanagement" also finds "Dokumente … Management", below the whole word;
//! one typo on words of 5+ letters; the last word matches as a prefix while typing; field
//! boosts name ≫ short description ≫ features ≫ long description (see [`schema`]).

pub mod analysis;
#[cfg(feature = "index")]
mod build;
pub mod cards;
mod collect;
mod model;
pub mod query;
pub mod schema;
mod search;
pub mod snippet;
pub mod split;

#[cfg(feature = "index")]
pub use build::{DOCSTORE_BLOCKSIZE, IndexStats, LangStats, build_index, index_files};
pub use collect::FacetCache;
pub use model::{FACET_KEYS, Hit, SearchDoc, SearchRequest, SearchResponse, Sort};
pub use search::{MAX_LIMIT, search, search_with};
pub use tantivy;

#[cfg(feature = "index")]
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index: {0}")]
    Io(String),
    #[error("{path}: {message}")]
    IoAt { path: String, message: String },
    #[error("search index schema: {0} (rebuild the index with this version of Allmende)")]
    Schema(String),
    #[error("search: {0}")]
    Input(String),
}

impl Error {
    #[cfg(feature = "index")]
    pub(crate) fn io_at(path: &Path, e: std::io::Error) -> Error {
        Error::IoAt {
            path: path.display().to_string(),
            message: e.to_string(),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e.to_string())
    }
}

/// Opens the index of one language written by [`build_index`] (`dir/<lang>/`) and registers
/// its analyzer (needed only by tantivy APIs that tokenize, not by [`search`]).
#[cfg(feature = "index")]
pub fn open_index(dir: &Path) -> Result<tantivy::Index, Error> {
    let index = tantivy::Index::open_in_dir(dir)?;
    let lang = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    analysis::register(&index, &lang);
    Ok(index)
}
