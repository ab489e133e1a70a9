//! What a cold query fetches, natively and without a browser: for each of the benchmark's 20
//! queries (bench/search/bench.mjs) a fresh engine opens a built site's root file and runs
//! the worker's fetch-and-retry loop over the published blocks, as the worker does on a cold
//! visit: first the first hits without facet counts, then the page of hits with counts (which
//! fetches the facet columns, once per visit, and the rest of the page's cards). Prints per query, for each of the two, the round trips
//! (after the root file), the blocks, their bytes raw and gzip -9 (each block compressed
//! alone, as a CDN serves it), and which index files the bytes come from.
//!
//!   cargo run --release -p allmende-search-wasm --example cold_queries -- SITE/public
//!
//! Not a test: a measuring tool for the per-query data target of issue 5.

use allmende_search::SearchRequest;
use allmende_search_wasm::engine::{Engine, Fetch, Outcome};
use flate2::Compression;
use flate2::write::GzEncoder;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const QUERIES: [(&str, &str); 20] = [
    ("de", "Bürgerbeteiligung"),
    ("de", "Beteiligung"),
    ("de", "Buergerbeteiligung"),
    ("de", "Videokonferenz"),
    ("de", "Verwaltung"),
    ("de", "Ratsinformationssystem"),
    ("de", "Dokumentenmanagement"),
    ("de", "Karten Geodaten"),
    ("de", "Formular"),
    ("de", "Videokonferens"),
    ("de", "Verwaltnug"),
    ("de", "b"),
    ("en", "participation"),
    ("en", "video conferencing"),
    ("en", "document management"),
    ("en", "open data portal"),
    ("en", "citizen"),
    ("en", "partcipation"),
    ("en", "maps"),
    ("en", "v"),
];

/// The search page's page size (themes/default/static/search.js `PAGE`).
pub const PAGE: usize = 20;
/// Hits the worker asks for ahead of the rest on a cold visit (search/worker.js `FIRST_HITS`).
pub const FIRST_HITS: usize = 6;

fn gzip(bytes: &[u8]) -> usize {
    let mut e = GzEncoder::new(Vec::new(), Compression::best());
    e.write_all(bytes).expect("writing to memory");
    e.finish().expect("writing to memory").len()
}

#[derive(Default)]
struct Got {
    raw: usize,
    gz: usize,
    blocks: usize,
    /// Kind of file → (blocks, gzip bytes).
    by_file: BTreeMap<String, (usize, usize)>,
}

impl Got {
    fn fetch(&mut self, engine: &Engine, search: &Path, ids: Vec<Fetch>) -> Result<(), String> {
        for id in ids {
            let name = engine.name(id).ok_or("unknown block")?;
            let bytes = std::fs::read(search.join(&name)).map_err(|e| format!("{name}: {e}"))?;
            let z = gzip(&bytes);
            let kind = match id {
                Fetch::Block((file, _)) => {
                    let path = &engine.directory().manifest().files[file].path;
                    path.rsplit('.').next().unwrap_or("").to_owned()
                }
                Fetch::Cards(_) => "cards".to_owned(),
            };
            let e = self.by_file.entry(kind).or_default();
            e.0 += 1;
            e.1 += z;
            self.raw += bytes.len();
            self.gz += z;
            self.blocks += 1;
            if !engine.add(id, bytes) {
                return Err(format!("{name} refused"));
            }
        }
        Ok(())
    }
}

pub fn root_of(search: &Path, lang: &str) -> Result<PathBuf, String> {
    let prefix = format!("root-{lang}-");
    std::fs::read_dir(search)
        .map_err(|e| format!("{}: {e}", search.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&prefix))
        })
        .ok_or_else(|| {
            format!(
                "{}: no {prefix}*.bin; build the site first",
                search.display()
            )
        })
}

fn main() -> Result<(), String> {
    let site = std::env::args()
        .nth(1)
        .ok_or("usage: cold_queries SITE_DIR (the output of allmende build)")?;
    let search = Path::new(&site).join("search");
    let mut worst = Worst::default();
    let mut gz_all = Vec::new();
    let mut facets_all = Vec::new();
    for lang in ["de", "en"] {
        let root_path = root_of(&search, lang)?;
        let root = std::fs::read(&root_path).map_err(|e| e.to_string())?;
        println!("root {lang}: {} bytes, {} gzip", root.len(), gzip(&root));
        for (l, q) in QUERIES.iter().filter(|(l, _)| *l == lang) {
            let engine = Engine::open(root.clone(), l).map_err(|e| e.to_string())?;
            let request = SearchRequest {
                q: (*q).into(),
                lang: (*l).into(),
                limit: PAGE,
                ..SearchRequest::default()
            };
            let mut got = Got::default();
            // The eager blocks arrive with the engine (the worker fetches them as soon as it
            // has the root): bytes of this query, but no round trip of their own.
            let manifest = engine.directory().manifest();
            let eager: Vec<Fetch> = manifest
                .eager
                .iter()
                .map(|&[f, b]| Fetch::Block((f, b)))
                .chain(manifest.eager_cards.iter().map(|c| Fetch::Cards(c.0)))
                .collect();
            got.fetch(&engine, &search, eager)?;
            // As the worker on a cold visit: the hits without counts, then the counts.
            let hits_only = SearchRequest {
                counts: false,
                limit: FIRST_HITS,
                ..request.clone()
            };
            let (total, rounds) = replay(&engine, &search, &hits_only, &mut got, q)?;
            let mut facets = Got::default();
            let (_, facet_rounds) = replay(&engine, &search, &request, &mut facets, q)?;
            worst.rounds = worst.rounds.max(rounds);
            worst.facet_rounds = worst.facet_rounds.max(facet_rounds);
            gz_all.push(got.gz);
            facets_all.push(facets.gz);
            let parts = |g: &Got| -> String {
                g.by_file
                    .iter()
                    .map(|(k, (n, z))| format!("{k} {n}/{:.1}K", *z as f64 / 1024.0))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            println!(
                "{l}:{q:<24} hits {total:>5}  to first results: rounds {rounds}  blocks {:>3}  raw {:>6.1} KiB  gzip {:>6.1} KiB  [{}]  | facet counts: rounds {facet_rounds}  blocks {:>3}  gzip {:>5.1} KiB  [{}]",
                got.blocks,
                got.raw as f64 / 1024.0,
                got.gz as f64 / 1024.0,
                parts(&got),
                facets.blocks,
                facets.gz as f64 / 1024.0,
                parts(&facets)
            );
        }
    }
    columns(&search)?;
    let kib = |xs: &mut Vec<usize>| {
        xs.sort_unstable();
        format!(
            "median {:.1} KiB, max {:.1} KiB",
            xs[xs.len() / 2] as f64 / 1024.0,
            xs.last().copied().unwrap_or(0) as f64 / 1024.0
        )
    };
    println!(
        "per-query data to first results gzip (eager blocks included, root not): {}; max rounds after the root {}",
        kib(&mut gz_all),
        worst.rounds
    );
    println!(
        "facet data gzip (fetched once per visit, after the first hits): {}; max rounds {}",
        kib(&mut facets_all),
        worst.facet_rounds
    );
    Ok(())
}

#[derive(Default)]
struct Worst {
    rounds: usize,
    facet_rounds: usize,
}

/// The worker's fetch-and-retry loop for `request`: its total and the rounds it waited for.
fn replay(
    engine: &Engine,
    search: &Path,
    request: &SearchRequest,
    got: &mut Got,
    q: &str,
) -> Result<(usize, usize), String> {
    let mut rounds = 0;
    loop {
        match engine.attempt(request).map_err(|e| e.to_string())? {
            Outcome::Done(r) => return Ok((r.total, rounds)),
            Outcome::Need(mut ids) => {
                rounds += 1;
                if rounds > 8 {
                    return Err(format!("{q}: more than 8 rounds"));
                }
                // As the worker: counting stops at the first missing facet column, so the same
                // query without counts names the hits' cards for this round too.
                if request.counts {
                    let hits_only = SearchRequest {
                        counts: false,
                        ..request.clone()
                    };
                    if let Outcome::Need(more) =
                        engine.attempt(&hits_only).map_err(|e| e.to_string())?
                    {
                        for id in more {
                            if !ids.contains(&id) {
                                ids.push(id);
                            }
                        }
                    }
                }
                got.fetch(engine, search, ids)?;
            }
        }
    }
}

/// Bytes of each fast-field column (facets and sort keys) in the German index.
fn columns(search: &Path) -> Result<(), String> {
    let root = std::fs::read(root_of(search, "de")?).map_err(|e| e.to_string())?;
    let engine = Engine::open(root, "de").map_err(|e| e.to_string())?;
    let dir = engine.directory();
    for (i, f) in dir.manifest().files.iter().enumerate() {
        for (b, name) in f.blocks.iter().enumerate() {
            let bytes = std::fs::read(search.join(name)).map_err(|e| e.to_string())?;
            dir.add_block((i, b), bytes);
        }
    }
    let reader = engine.index().reader().map_err(|e| e.to_string())?;
    let searcher = reader.searcher();
    let fast = searcher.segment_readers()[0].fast_fields();
    let mut names: Vec<&str> = allmende_search::FACET_KEYS.to_vec();
    names.extend([
        allmende_search::schema::NAME_SORT,
        allmende_search::schema::UPDATED,
    ]);
    let mut line = Vec::new();
    for name in names {
        for h in fast
            .dynamic_column_handles(name)
            .map_err(|e| e.to_string())?
        {
            let bytes = h.file_slice().read_bytes().map_err(|e| e.to_string())?;
            line.push(format!("{name} {}/{}", bytes.len(), gzip(bytes.as_slice())));
        }
    }
    println!("fast columns de (raw/gzip bytes): {}", line.join(", "));
    Ok(())
}
