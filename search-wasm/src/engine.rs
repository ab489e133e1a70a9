//! One open index in the browser and the fetch-and-retry loop's Rust half.

use crate::lazy::{BlockId, LazyDirectory};
use crate::prefetch;
use crate::root::RootError;
use allmende_search::{SearchRequest, SearchResponse};
use tantivy::{Index, IndexReader, ReloadPolicy};

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Root(#[from] RootError),
    #[error("opening the search index: {0}")]
    Open(String),
    #[error("{0}")]
    Query(String),
}

/// What one attempt at a query gives.
#[derive(Debug)]
pub enum Outcome {
    Done(SearchResponse),
    /// Fetch these blocks, add them and ask again.
    Need(Vec<BlockId>),
}

pub struct Engine {
    dir: LazyDirectory,
    index: Index,
    reader: IndexReader,
}

impl Engine {
    /// Opens the index of language `lang` from its root file alone: everything opening reads
    /// is in the root's hot ranges.
    pub fn open(root: Vec<u8>, lang: &str) -> Result<Engine, EngineError> {
        let dir = LazyDirectory::open(root)?;
        let open = || -> tantivy::Result<(Index, IndexReader)> {
            let index = Index::open(dir.clone())?;
            allmende_search::analysis::register(&index, lang);
            let reader = index
                .reader_builder()
                .reload_policy(ReloadPolicy::Manual)
                .try_into()?;
            Ok((index, reader))
        };
        let (index, reader) = open().map_err(|e| {
            let missing = dir.take_missing();
            if missing.is_empty() {
                EngineError::Open(e.to_string())
            } else {
                EngineError::Open(format!(
                    "the root file lacks {} block(s) opening needs; rebuild the site ({e})",
                    missing.len()
                ))
            }
        })?;
        Ok(Engine { dir, index, reader })
    }

    pub fn directory(&self) -> &LazyDirectory {
        &self.dir
    }

    /// One attempt: first the prefetch plan (see `prefetch`), then the search itself. A read
    /// of a block not loaded yet is noted; every noted block is returned to be fetched
    /// together before the next attempt.
    pub fn attempt(&self, request: &SearchRequest) -> Result<Outcome, EngineError> {
        let ready = prefetch::poll_once(&self.reader.searcher(), request);
        let missing = self.dir.take_missing();
        if !missing.is_empty() {
            return Ok(Outcome::Need(missing));
        }
        if let Err(e) = ready {
            return Err(EngineError::Query(e.to_string()));
        }
        let result = allmende_search::search(&self.index, request);
        let missing = self.dir.take_missing();
        if !missing.is_empty() {
            return Ok(Outcome::Need(missing));
        }
        result
            .map(Outcome::Done)
            .map_err(|e| EngineError::Query(e.to_string()))
    }
}
