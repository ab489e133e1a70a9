//! Answering a [`SearchRequest`] from an open index. Reads only: no threads, no writes, so
//! the same code runs in the browser.

use crate::Error;
use crate::cards::{CardSource, StoredCards};
use crate::collect::{FacetCache, FacetCollector};
use crate::model::{FACET_KEYS, Hit, SearchRequest, SearchResponse, Sort};
use crate::query::{self, QueryTerm};
use crate::schema::{self, Fields};
use crate::snippet::highlight;
use crate::split;
use std::collections::BTreeMap;
use tantivy::collector::TopDocs;
use tantivy::query::Query;
use tantivy::{DocAddress, Index, Order, Searcher};

/// Most hits one request may ask for.
pub const MAX_LIMIT: usize = 100;

/// Answers `req` with hit cards from tantivy's document store.
pub fn search(index: &Index, req: &SearchRequest) -> Result<SearchResponse, Error> {
    search_with(index, req, &StoredCards, &FacetCache::default())
}

/// Answers `req` with hit cards from `cards` (the browser's come from card files) and the
/// facet values of `facets` (kept from earlier queries on the same index, or read now).
pub fn search_with(
    index: &Index,
    req: &SearchRequest,
    cards: &dyn CardSource,
    facets: &FacetCache,
) -> Result<SearchResponse, Error> {
    let mut filters = vec![Vec::new(); FACET_KEYS.len()];
    for (key, values) in &req.filters {
        let Some(i) = FACET_KEYS.iter().position(|k| k == key) else {
            return Err(Error::Input(format!(
                "unknown facet `{key}`; use one of {}",
                FACET_KEYS.join(", ")
            )));
        };
        filters[i] = values.clone();
    }
    let limit = req.limit.clamp(1, MAX_LIMIT);
    let f = schema::fields(&index.schema())?;
    // Reading only; the reader never reloads on its own (no watcher thread in wasm).
    let reader = index
        .reader_builder()
        .reload_policy(tantivy::ReloadPolicy::Manual)
        .try_into()?;
    let searcher = reader.searcher();
    let mut terms = query::analyze(&req.q, &req.lang);
    split::split_compounds(&mut terms, &searcher, &f, &req.lang)?;
    let run = |all_terms: bool| {
        run(
            &searcher,
            &query::build(&terms, &f, all_terms),
            req,
            &terms,
            &filters,
            facets,
            limit,
        )
    };
    let mut page = run(true)?;
    if page.0 == 0 && terms.len() > 1 {
        page = run(false)?;
    }
    let (total, docs, counts) = page;
    // Every hit is read before the first error is returned: in the browser a read fails while
    // its index block is still on the way, and reading them all names all missing blocks at
    // once (one round trip instead of one per hit).
    let hits: Vec<Result<Hit, Error>> = docs
        .into_iter()
        .map(|addr| hit(&searcher, &f, cards, addr, &terms, &req.lang))
        .collect();
    let hits = hits.into_iter().collect::<Result<Vec<_>, _>>()?;
    let mut facets = BTreeMap::new();
    // Without counts the collector read no columns but the filtered ones: no facet list.
    let counted = FACET_KEYS.iter().zip(counts).zip(&filters);
    for ((key, counts), selected) in counted.filter(|_| req.counts) {
        let mut list: Vec<(String, u64)> = counts.into_iter().collect();
        for s in selected {
            if !list.iter().any(|(v, _)| v == s) {
                list.push((s.clone(), 0));
            }
        }
        list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        facets.insert((*key).to_owned(), list);
    }
    Ok(SearchResponse {
        total,
        hits,
        facets,
    })
}

type Page = (usize, Vec<DocAddress>, crate::collect::Counts);

fn run(
    searcher: &Searcher,
    query: &dyn Query,
    req: &SearchRequest,
    terms: &[QueryTerm],
    filters: &[Vec<String>],
    cache: &FacetCache,
    limit: usize,
) -> Result<Page, Error> {
    let top = TopDocs::with_limit(limit).and_offset(req.offset);
    let by_name = req.sort == Sort::Name || (req.sort == Sort::Relevance && terms.is_empty());
    let filters = filters.to_vec();
    let counts = req.counts;
    if by_name {
        let c = FacetCollector {
            inner: top.order_by_fast_field::<u64>(schema::NAME_SORT, Order::Asc),
            filters,
            cache,
            counts,
        };
        let (docs, total, counts) = searcher.search(query, &c)?;
        Ok((total, docs.into_iter().map(|d| d.1).collect(), counts))
    } else if req.sort == Sort::Updated {
        let c = FacetCollector {
            inner: top.order_by_fast_field::<u64>(schema::UPDATED, Order::Desc),
            filters,
            cache,
            counts,
        };
        let (docs, total, counts) = searcher.search(query, &c)?;
        Ok((total, docs.into_iter().map(|d| d.1).collect(), counts))
    } else {
        let c = FacetCollector {
            inner: top.order_by_score(),
            filters,
            cache,
            counts,
        };
        let (docs, total, counts) = searcher.search(query, &c)?;
        Ok((total, docs.into_iter().map(|d| d.1).collect(), counts))
    }
}

fn hit(
    searcher: &Searcher,
    f: &Fields,
    cards: &dyn CardSource,
    addr: DocAddress,
    terms: &[QueryTerm],
    lang: &str,
) -> Result<Hit, Error> {
    let card = cards.card(searcher, f, addr)?;
    Ok(Hit {
        slug: card.slug,
        name: card.name,
        url: card.url,
        logo: card.logo,
        snippet_html: highlight(&card.short, terms, lang),
        status: card.status,
        license: card.license,
    })
}
