//! Hit cards in the browser: a [`CardSource`] over the card files (see `root::CardFiles`),
//! fetched like blocks. A card not loaded yet is noted and fails the search with an I/O error;
//! every hit is asked for before the error surfaces, so one round trip brings all of a page's
//! cards.

use crate::root::CardFiles;
use allmende_search::Error;
use allmende_search::cards::{Card, CardSource};
use allmende_search::schema::Fields;
use allmende_search::tantivy::{DocAddress, Searcher};
use std::collections::{BTreeSet, HashMap};
use std::sync::{Mutex, PoisonError};

#[derive(Debug, Default)]
struct State {
    files: HashMap<usize, Vec<Card>>,
    missing: BTreeSet<usize>,
}

#[derive(Debug)]
pub struct LazyCards {
    layout: CardFiles,
    state: Mutex<State>,
}

impl LazyCards {
    pub fn new(layout: CardFiles) -> LazyCards {
        LazyCards {
            layout,
            state: Mutex::default(),
        }
    }

    pub fn layout(&self) -> &CardFiles {
        &self.layout
    }

    /// Adds card file `n`. Returns false (and keeps nothing) when it does not parse or holds
    /// another number of cards than the layout implies, so a wrong response is refetched.
    pub fn add(&self, n: usize, bytes: &[u8]) -> bool {
        let expected = self.layout.len_of(n);
        let Ok(cards) = serde_json::from_slice::<Vec<Card>>(bytes) else {
            return false;
        };
        if expected == 0 || cards.len() != expected {
            return false;
        }
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.missing.remove(&n);
        state.files.insert(n, cards);
        true
    }

    /// The card files asked for since the last call, and forgets them.
    pub fn take_missing(&self) -> Vec<usize> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        std::mem::take(&mut state.missing).into_iter().collect()
    }
}

impl CardSource for LazyCards {
    fn card(&self, searcher: &Searcher, _f: &Fields, addr: DocAddress) -> Result<Card, Error> {
        // Cards are numbered across segments in segment order (the index has one).
        let base: u32 = searcher.segment_readers()[..addr.segment_ord as usize]
            .iter()
            .map(|s| s.max_doc())
            .sum();
        let doc = (base + addr.doc_id) as usize;
        if doc >= self.layout.docs {
            return Err(Error::Io(format!(
                "document {doc} has no card ({} cards); rebuild the site",
                self.layout.docs
            )));
        }
        let (n, i) = (doc / self.layout.per_file, doc % self.layout.per_file);
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(card) = state.files.get(&n).and_then(|cards| cards.get(i)) {
            return Ok(card.clone());
        }
        state.missing.insert(n);
        Err(Error::Io("card file not loaded yet".into()))
    }
}
