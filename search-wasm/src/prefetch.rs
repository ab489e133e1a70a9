//! Names the blocks a request will read before it runs, so they are fetched together.
//!
//! tantivy's synchronous search stops at the first read that fails, so on its own it would
//! reveal one missing block per round trip. Its asynchronous warm-up calls
//! (`warm_postings`, `warm_postings_automaton`, whole-slice reads) instead run side by side:
//! polled once, every one of them notes the block it waits for. Following the query's plan
//! (`allmende_search::query`: each word exact in every text field, with one typo from five
//! letters, the word being typed as a prefix in the first fields, a rare German compound's
//! parts exact in every text field), one poll names all term
//! dictionary blocks, the fieldnorms and the facet and sort columns (the facet columns only
//! when the request counts facets or filters by them); the next poll (after
//! those arrived) names the posting lists. Should the plan and the query ever disagree, the
//! search itself still notes what it misses, so a divergence costs a round trip, not a
//! wrong answer.

use allmende_search::query::{self, QueryTerm};
use allmende_search::schema::TEXT_FIELDS;
use allmende_search::split;
use allmende_search::{FACET_KEYS, SearchRequest, Sort};
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use tantivy::query::FuzzyTermQuery;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

type Task<'a> = Pin<Box<dyn Future<Output = io::Result<()>> + 'a>>;

/// Polls every warm-up of `request` once. Returns true when all of them are complete, i.e. the
/// search can run without waiting (the blocks they wait for are noted in the directory).
pub fn poll_once(searcher: &Searcher, request: &SearchRequest) -> io::Result<bool> {
    let mut tasks = tasks(searcher, request)?;
    let mut cx = Context::from_waker(Waker::noop());
    let mut done = true;
    for t in &mut tasks {
        match t.as_mut().poll(&mut cx) {
            Poll::Ready(Ok(())) => {}
            // A missing block shows up in the directory; other errors surface when the search
            // itself runs.
            Poll::Ready(Err(_)) => {}
            Poll::Pending => done = false,
        }
    }
    Ok(done)
}

/// Polls every task each time, so all of them wait side by side; the first error wins.
struct JoinAll<'a>(Vec<Option<Task<'a>>>);

impl Future for JoinAll<'_> {
    type Output = io::Result<()>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let mut pending = false;
        for slot in self.0.iter_mut() {
            if let Some(task) = slot {
                match task.as_mut().poll(cx) {
                    Poll::Ready(Ok(())) => *slot = None,
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(Ok(()))
        }
    }
}

fn tasks<'a>(searcher: &'a Searcher, request: &SearchRequest) -> io::Result<Vec<Task<'a>>> {
    let schema = searcher.schema();
    let field = |name: &str| schema.get_field(name).map_err(io::Error::other);
    let text: Vec<Field> = TEXT_FIELDS
        .iter()
        .map(|(name, _)| field(name))
        .collect::<Result<_, _>>()?;
    let mut terms: Vec<QueryTerm> = query::analyze(&request.q, &request.lang);
    // The same split as the search's (`allmende_search::split`): its lookups read the term
    // dictionaries, fetched with the engine while small. Should one be missing, the lookup
    // notes its block and the words stay whole for this poll; the next attempt splits.
    if let Ok(fields) = allmende_search::schema::fields(schema) {
        let _ = split::split_compounds(&mut terms, searcher, &fields, &request.lang);
    }
    let by_name =
        request.sort == Sort::Name || (request.sort == Sort::Relevance && terms.is_empty());
    // Without counts only the filtered facets' columns are read (hits show status and
    // licence from their cards).
    let mut columns: Vec<&str> = FACET_KEYS
        .iter()
        .copied()
        .filter(|k| request.counts || request.filters.get(*k).is_some_and(|v| !v.is_empty()))
        .collect();
    if by_name {
        columns.push(allmende_search::schema::NAME_SORT);
    }
    if request.sort == Sort::Updated {
        columns.push(allmende_search::schema::UPDATED);
    }
    let mut tasks: Vec<Task<'a>> = Vec::new();
    for segment in searcher.segment_readers() {
        for (i, &f) in text.iter().enumerate() {
            let inverted = segment.inverted_index(f).map_err(io::Error::other)?;
            for t in &terms {
                // Same rule as `query::term_query`: short words are prefixes in names only.
                let prefix_fields = if t.folded.chars().count() < 3 { 1 } else { 3 };
                let mut automata = Vec::new();
                if !t.stem.is_empty() {
                    let term = Term::from_field_text(f, &t.stem);
                    let inv = inverted.clone();
                    let exact = term.clone();
                    tasks.push(Box::pin(async move {
                        inv.warm_postings(&exact, false).await.map(drop)
                    }));
                    // The swapped-letter stems and a split compound's parts are matched
                    // exactly, like the word.
                    for s in t.swapped.iter().chain(&t.parts) {
                        let other = Term::from_field_text(f, s);
                        let inv = inverted.clone();
                        tasks.push(Box::pin(async move {
                            inv.warm_postings(&other, false).await.map(drop)
                        }));
                    }
                    if t.fuzzy() {
                        automata.push(FuzzyTermQuery::new(term, 1, true));
                        if t.folded != t.stem {
                            let typed = Term::from_field_text(f, &t.folded);
                            automata.push(FuzzyTermQuery::new(typed, 1, true));
                        }
                    }
                }
                if t.prefix && i < prefix_fields {
                    let term = Term::from_field_text(f, &t.folded);
                    automata.push(FuzzyTermQuery::new_prefix(term, 0, true));
                }
                for q in automata {
                    let automaton = q.automaton().map_err(io::Error::other)?;
                    let inv = inverted.clone();
                    tasks.push(Box::pin(async move {
                        // The dictionary blocks the automaton can match (tantivy prunes the
                        // rest by their key ranges), then the matching terms' postings.
                        let mut stream = inv.terms().search(automaton).into_stream_async().await?;
                        let mut matched = Vec::new();
                        while stream.advance() {
                            matched.push(Term::from_field_bytes(f, stream.key()));
                        }
                        let warms: Vec<Task<'_>> = matched
                            .iter()
                            .map(|t| -> Task<'_> {
                                let inv = &inv;
                                Box::pin(async move { inv.warm_postings(t, false).await.map(drop) })
                            })
                            .collect();
                        JoinAll(warms.into_iter().map(Some).collect()).await
                    }));
                }
            }
            // Scoring reads the field's norms for every matching document.
            if terms.iter().any(|t| !t.stem.is_empty())
                && let Some(norms) = segment.fieldnorms_readers().get_inner_file().open_read(f)
            {
                tasks.push(Box::pin(
                    async move { norms.read_bytes_async().await.map(drop) },
                ));
            }
        }
        let fast = segment.fast_fields();
        for name in &columns {
            for handle in fast
                .dynamic_column_handles(name)
                .map_err(io::Error::other)?
            {
                let slice = handle.file_slice().clone();
                tasks.push(Box::pin(
                    async move { slice.read_bytes_async().await.map(drop) },
                ));
            }
        }
    }
    Ok(tasks)
}
