//! One pass over the match set: facet filters (by term ordinals of the fast columns, so no
//! filter terms are indexed), the total, disjunctive facet counts, and the page of hits
//! (delegated to an inner tantivy collector).

use crate::model::FACET_KEYS;
use std::collections::BTreeMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// Facet value → count, per facet (order of [`FACET_KEYS`]).
pub type Counts = Vec<BTreeMap<String, u64>>;

pub struct FacetCollector<C> {
    pub inner: C,
    /// Per facet: the accepted values (empty: no filter).
    pub filters: Vec<Vec<String>>,
}

pub struct FacetSegmentCollector<S> {
    inner: S,
    columns: Vec<Option<StrColumn>>,
    /// Per facet: accepted ordinals, `None` without a filter.
    wanted: Vec<Option<Vec<u64>>>,
    counts: Vec<BTreeMap<u64, u64>>,
    total: usize,
    ords: Vec<Vec<u64>>,
}

impl<C: Collector> Collector for FacetCollector<C> {
    type Fruit = (C::Fruit, usize, Counts);
    type Child = FacetSegmentCollector<C::Child>;

    fn for_segment(
        &self,
        ord: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let mut columns = Vec::new();
        let mut wanted = Vec::new();
        for (key, filter) in FACET_KEYS.iter().zip(&self.filters) {
            let column = segment.fast_fields().str(key)?;
            let w = if filter.is_empty() {
                None
            } else {
                let mut ords = Vec::new();
                if let Some(c) = &column {
                    for v in filter {
                        if let Some(o) = c.dictionary().term_ord(v.as_bytes())? {
                            ords.push(o);
                        }
                    }
                }
                Some(ords)
            };
            columns.push(column);
            wanted.push(w);
        }
        Ok(FacetSegmentCollector {
            inner: self.inner.for_segment(ord, segment)?,
            columns,
            wanted,
            counts: vec![BTreeMap::new(); FACET_KEYS.len()],
            total: 0,
            ords: vec![Vec::new(); FACET_KEYS.len()],
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
        for i in 0..FACET_KEYS.len() {
            self.ords[i].clear();
            if let Some(c) = &self.columns[i] {
                self.ords[i].extend(c.term_ords(doc));
            }
            if let Some(w) = &self.wanted[i]
                && !self.ords[i].iter().any(|o| w.contains(o))
            {
                failing += 1;
                failed = i;
            }
        }
        match failing {
            0 => {
                self.inner.collect(doc, score);
                self.total += 1;
                for (counts, ords) in self.counts.iter_mut().zip(&self.ords) {
                    for &o in ords {
                        *counts.entry(o).or_default() += 1;
                    }
                }
            }
            // Fails only its own facet's filter: counts for that facet's alternatives.
            1 => {
                for &o in &self.ords[failed] {
                    *self.counts[failed].entry(o).or_default() += 1;
                }
            }
            _ => {}
        }
    }

    fn harvest(self) -> Self::Fruit {
        let mut counts: Counts = Vec::new();
        for (column, c) in self.columns.iter().zip(self.counts) {
            let mut named = BTreeMap::new();
            if let Some(column) = column {
                let mut s = String::new();
                for (o, n) in c {
                    s.clear();
                    if column.ord_to_str(o, &mut s).unwrap_or(false) {
                        named.insert(s.clone(), n);
                    }
                }
            }
            counts.push(named);
        }
        (self.inner.harvest(), self.total, counts)
    }
}
