//! One pass over the match set: facet filters (by term ordinals of the facet columns, so no
//! filter terms are indexed), the total, disjunctive facet counts, and the page of hits
//! (delegated to an inner tantivy collector).
//!
//! The facet columns of a segment are decoded once into a [`FacetTable`] and kept in a
//! [`FacetCache`] for the next query: a query counts facets over up to every entry, and
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
}

/// The facet values of every document of a segment, in the order of [`FACET_KEYS`].
#[derive(Debug, Default)]
pub struct FacetTable {
    facets: Vec<FacetColumn>,
}

impl FacetTable {
    pub fn read(segment: &SegmentReader) -> tantivy::Result<FacetTable> {
        let max_doc = segment.max_doc();
        let mut facets = Vec::with_capacity(FACET_KEYS.len());
        for key in FACET_KEYS {
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
            facets.push(f);
        }
        Ok(FacetTable { facets })
    }

    /// The first value of facet `facet` (index in [`FACET_KEYS`]) of `doc`, if any.
    pub fn first(&self, facet: usize, doc: DocId) -> Option<&str> {
        let f = self.facets.get(facet)?;
        let &o = f.of(doc).first()?;
        f.names.get(o as usize).map(String::as_str)
    }
}

/// Facet tables by segment, kept as long as the index is open (the browser's engine keeps
/// one cache for all its queries; a native caller may use a fresh one per query).
#[derive(Debug, Default)]
pub struct FacetCache {
    tables: Mutex<HashMap<SegmentId, Arc<FacetTable>>>,
}

impl FacetCache {
    pub fn table(&self, segment: &SegmentReader) -> tantivy::Result<Arc<FacetTable>> {
        let id = segment.segment_id();
        if let Some(t) = self
            .tables
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&id)
        {
            return Ok(t.clone());
        }
        // Read outside the lock; a read that fails (a block still on its way in the
        // browser) is not kept, so the next attempt reads again.
        let table = Arc::new(FacetTable::read(segment)?);
        self.tables
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, table.clone());
        Ok(table)
    }
}

pub struct FacetCollector<'a, C> {
    pub inner: C,
    /// Per facet: the accepted values (empty: no filter).
    pub filters: Vec<Vec<String>>,
    pub cache: &'a FacetCache,
}

pub struct FacetSegmentCollector<S> {
    inner: S,
    table: Arc<FacetTable>,
    /// Per facet: accepted ordinals, `None` without a filter.
    wanted: Vec<Option<Vec<u32>>>,
    /// Per facet: count by term ordinal.
    counts: Vec<Vec<u64>>,
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
        let table = self.cache.table(segment)?;
        let wanted = table
            .facets
            .iter()
            .zip(&self.filters)
            .map(|(f, filter)| {
                (!filter.is_empty()).then(|| {
                    (0..f.names.len() as u32)
                        .filter(|&o| filter.contains(&f.names[o as usize]))
                        .collect()
                })
            })
            .collect();
        let counts = table
            .facets
            .iter()
            .map(|f| vec![0; f.names.len()])
            .collect();
        Ok(FacetSegmentCollector {
            inner: self.inner.for_segment(ord, segment)?,
            table,
            wanted,
            counts,
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
        for (i, (f, w)) in self.table.facets.iter().zip(&self.wanted).enumerate() {
            if let Some(w) = w
                && !f.of(doc).iter().any(|o| w.contains(o))
            {
                failing += 1;
                failed = i;
            }
        }
        let mut count = |i: usize| {
            for &o in self.table.facets[i].of(doc) {
                if let Some(n) = self.counts[i].get_mut(o as usize) {
                    *n += 1;
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
            .table
            .facets
            .iter()
            .zip(self.counts)
            .map(|(f, c)| {
                c.iter()
                    .zip(&f.names)
                    .filter(|(n, _)| **n > 0)
                    .map(|(&n, name)| (name.clone(), n))
                    .collect()
            })
            .collect();
        (self.inner.harvest(), self.total, counts)
    }
}
