//! One pass over the match set: facet filters (by term ordinals of the facet columns, so no
//! filter terms are indexed), the total, disjunctive facet counts, and the page of hits
//! (delegated to an inner tantivy collector).
//!
//! Each facet column of a segment is decoded once and kept in a [`FacetCache`] for the next
//! query: a query counts facets over up to every entry, and
//! reading eight columns per matching entry through tantivy's column index was most of a
//! warm query's time in the browser.

use crate::model::FACET_KEYS;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::index::SegmentId;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// Facet value → count, per facet (order of [`FACET_KEYS`]).
pub type Counts = Vec<BTreeMap<String, u64>>;

/// One facet of one segment: each document's term ordinals, and the terms by ordinal.
#[derive(Debug, Default)]
struct FacetColumn {
    /// Document `d`'s ordinals are `ords[starts[d]..starts[d + 1]]`.
    starts: Vec<u32>,
    ords: Vec<u32>,
    names: Vec<String>,
}

impl FacetColumn {
    fn of(&self, doc: DocId) -> &[u32] {
        let (d, next) = (doc as usize, doc as usize + 1);
        match (self.starts.get(d), self.starts.get(next)) {
            (Some(&s), Some(&e)) => &self.ords[s as usize..e as usize],
            _ => &[],
        }
    }

    fn read(segment: &SegmentReader, key: &str) -> tantivy::Result<FacetColumn> {
        let max_doc = segment.max_doc();
        let mut f = FacetColumn::default();
        if let Some(column) = segment.fast_fields().str(key)? {
            f.starts.reserve(max_doc as usize + 1);
            f.starts.push(0);
            for doc in 0..max_doc {
                f.ords.extend(column.term_ords(doc).map(|o| o as u32));
                f.starts.push(f.ords.len() as u32);
            }
            let all: Vec<u64> = (0..column.num_terms() as u64).collect();
            let mut names = Vec::with_capacity(all.len());
            column.dictionary().sorted_ords_to_term_cb(&all, |term| {
                names.push(String::from_utf8_lossy(term).into_owned());
            })?;
            f.names = names;
        }
        Ok(f)
    }
}

/// Facet columns by segment and facet, kept as long as the index is open (the browser's
/// engine keeps one cache for all its queries; a native caller may use a fresh one per
/// query). Each column is decoded when a query first needs it: a query without counts
/// needs only the columns it filters by, so the browser shows its hits before the other
/// columns' blocks arrived.
#[derive(Debug, Default)]
pub struct FacetCache {
    columns: Mutex<HashMap<(SegmentId, usize), Arc<FacetColumn>>>,
}

impl FacetCache {
    /// Facet `facet` (index in [`FACET_KEYS`]) of `segment`.
    fn column(&self, segment: &SegmentReader, facet: usize) -> tantivy::Result<Arc<FacetColumn>> {
        let id = (segment.segment_id(), facet);
        if let Some(c) = self
            .columns
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&id)
        {
            return Ok(c.clone());
        }
        // Read outside the lock; a read that fails (a block still on its way in the
        // browser) is not kept, so the next attempt reads again.
        let column = Arc::new(FacetColumn::read(segment, FACET_KEYS[facet])?);
        self.columns
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, column.clone());
        Ok(column)
    }

    /// The facets whose columns were decoded so far (in any segment), in the order of
    /// [`FACET_KEYS`].
    pub fn decoded(&self) -> Vec<&'static str> {
        let columns = self.columns.lock().unwrap_or_else(PoisonError::into_inner);
        FACET_KEYS
            .iter()
            .enumerate()
            .filter(|(i, _)| columns.keys().any(|(_, f)| f == i))
            .map(|(_, k)| *k)
            .collect()
    }
}

pub struct FacetCollector<'a, C> {
    pub inner: C,
    /// Per facet: the accepted values (empty: no filter).
    pub filters: Vec<Vec<String>>,
    pub cache: &'a FacetCache,
    /// Count facet values; without, only the columns of filtered facets are read.
    pub counts: bool,
}

pub struct FacetSegmentCollector<S> {
    inner: S,
    /// Per facet: its column, `None` when neither counted nor filtered by.
    columns: Vec<Option<Arc<FacetColumn>>>,
    /// Per facet: accepted ordinals, `None` without a filter.
    wanted: Vec<Option<Vec<u32>>>,
    /// Per facet: count by term ordinal (empty when not counting).
    counts: Vec<Vec<u64>>,
    counting: bool,
    total: usize,
}

impl<C: Collector> Collector for FacetCollector<'_, C> {
    type Fruit = (C::Fruit, usize, Counts);
    type Child = FacetSegmentCollector<C::Child>;

    fn for_segment(
        &self,
        ord: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let columns = (0..FACET_KEYS.len())
            .map(|i| {
                let needed = self.counts || self.filters.get(i).is_some_and(|f| !f.is_empty());
                needed.then(|| self.cache.column(segment, i)).transpose()
            })
            .collect::<tantivy::Result<Vec<_>>>()?;
        let wanted = columns
            .iter()
            .zip(&self.filters)
            .map(|(f, filter)| match f {
                Some(f) if !filter.is_empty() => Some(
                    (0..f.names.len() as u32)
                        .filter(|&o| filter.contains(&f.names[o as usize]))
                        .collect(),
                ),
                _ => None,
            })
            .collect();
        let counts = columns
            .iter()
            .map(|f| match f {
                Some(f) if self.counts => vec![0; f.names.len()],
                _ => Vec::new(),
            })
            .collect();
        Ok(FacetSegmentCollector {
            inner: self.inner.for_segment(ord, segment)?,
            columns,
            wanted,
            counts,
            counting: self.counts,
            total: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.inner.requires_scoring()
    }

    fn merge_fruits(
        &self,
        fruits: Vec<<Self::Child as SegmentCollector>::Fruit>,
    ) -> tantivy::Result<Self::Fruit> {
        let mut inner = Vec::new();
        let mut total = 0;
        let mut counts: Counts = vec![BTreeMap::new(); FACET_KEYS.len()];
        for (f, t, c) in fruits {
            inner.push(f);
            total += t;
            for (acc, seg) in counts.iter_mut().zip(c) {
                for (v, n) in seg {
                    *acc.entry(v).or_default() += n;
                }
            }
        }
        Ok((self.inner.merge_fruits(inner)?, total, counts))
    }
}

impl<S: SegmentCollector> SegmentCollector for FacetSegmentCollector<S> {
    type Fruit = (S::Fruit, usize, Counts);

    fn collect(&mut self, doc: DocId, score: Score) {
        let mut failing = 0;
        let mut failed = 0;
        for (i, (f, w)) in self.columns.iter().zip(&self.wanted).enumerate() {
            if let (Some(f), Some(w)) = (f, w)
                && !f.of(doc).iter().any(|o| w.contains(o))
            {
                failing += 1;
                failed = i;
            }
        }
        let counting = self.counting;
        let mut count = |i: usize| {
            if let (true, Some(f)) = (counting, &self.columns[i]) {
                for &o in f.of(doc) {
                    if let Some(n) = self.counts[i].get_mut(o as usize) {
                        *n += 1;
                    }
                }
            }
        };
        match failing {
            0 => {
                for i in 0..FACET_KEYS.len() {
                    count(i);
                }
                self.inner.collect(doc, score);
                self.total += 1;
            }
            // Fails only its own facet's filter: counts for that facet's alternatives.
            1 => count(failed),
            _ => {}
        }
    }

    fn harvest(self) -> Self::Fruit {
        let counts: Counts = self
            .columns
            .iter()
            .zip(self.counts)
            .map(|(f, c)| match f {
                Some(f) => c
                    .iter()
                    .zip(&f.names)
                    .filter(|(n, _)| **n > 0)
                    .map(|(&n, name)| (name.clone(), n))
                    .collect(),
                None => BTreeMap::new(),
            })
            .collect();
        (self.inner.harvest(), self.total, counts)
    }
}
