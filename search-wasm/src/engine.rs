//! One open index in the browser and the fetch-and-retry loop's Rust half.

use crate::cards::LazyCards;
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
    /// Fetch these, add them and ask again.
    Need(Vec<Fetch>),
}

/// One file to fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fetch {
    Block(BlockId),
    /// Card file `n` (see `root::CardFiles`).
    Cards(usize),
}

pub struct Engine {
    dir: LazyDirectory,
    cards: LazyCards,
    index: Index,
    reader: IndexReader,
    /// Facet values decoded by the first query, reused by the next ones.
    facets: allmende_search::FacetCache,
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
        let cards = LazyCards::new(dir.manifest().cards.clone());
        Ok(Engine {
            dir,
            cards,
            index,
            reader,
            facets: allmende_search::FacetCache::default(),
        })
    }

    pub fn directory(&self) -> &LazyDirectory {
        &self.dir
    }

    pub fn index(&self) -> &Index {
        &self.index
    }

    pub fn cards(&self) -> &LazyCards {
        &self.cards
    }

    /// Published name of a file to fetch, relative to the root file.
    pub fn name(&self, fetch: Fetch) -> Option<String> {
        match fetch {
            Fetch::Block(id) => self.dir.block_name(id).map(str::to_owned),
            Fetch::Cards(n) => self.cards.layout().name(n),
        }
    }

    /// Adds a fetched file; false when it is not the one expected.
    pub fn add(&self, fetch: Fetch, bytes: Vec<u8>) -> bool {
        match fetch {
            Fetch::Block(id) => self.dir.add_block(id, bytes),
            Fetch::Cards(n) => self.cards.add(n, &bytes),
        }
    }

    /// Everything reads noted as missing since the last call.
    fn take_missing(&self) -> Vec<Fetch> {
        let mut out: Vec<Fetch> = self
            .dir
            .take_missing()
            .into_iter()
            .map(Fetch::Block)
            .collect();
        out.extend(self.cards.take_missing().into_iter().map(Fetch::Cards));
        out
    }

    /// One attempt: first the prefetch plan (see `prefetch`), then the search itself. A read
    /// of a block not loaded yet is noted; every noted block is returned to be fetched
    /// together before the next attempt.
    pub fn attempt(&self, request: &SearchRequest) -> Result<Outcome, EngineError> {
        let ready = prefetch::poll_once(&self.reader.searcher(), request);
        let missing = self.take_missing();
        if !missing.is_empty() {
            return Ok(Outcome::Need(missing));
        }
        if let Err(e) = ready {
            return Err(EngineError::Query(e.to_string()));
        }
        let result = allmende_search::search_with(&self.index, request, &self.cards, &self.facets);
        let missing = self.take_missing();
        if !missing.is_empty() {
            return Ok(Outcome::Need(missing));
        }
        result
            .map(Outcome::Done)
            .map_err(|e| EngineError::Query(e.to_string()))
    }
}
