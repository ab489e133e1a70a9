//! How long a warm query takes in the engine, natively: for each of the benchmark's 20
//! queries (bench/search/bench.mjs) one engine fetches what the query needs from a built
//! site's blocks, then the same request runs `RUNS` times and the median and 95th
//! percentile are printed. The browser's worker runs the same code compiled to wasm, which
//! is slower by a factor that depends on the browser; the bench measures that figure.
//!
//!   cargo run --release -p allmende-search-wasm --example warm_queries -- SITE/public
//!
//! Not a test: a tool for finding where the worker's query time goes (run it under perf).

use allmende_search::SearchRequest;
use allmende_search_wasm::engine::{Engine, Outcome};
use std::path::Path;
use std::time::Instant;

#[path = "cold_queries.rs"]
#[allow(dead_code)]
mod cold;

const RUNS: usize = 50;

fn main() -> Result<(), String> {
    let site = std::env::args()
        .nth(1)
        .ok_or("usage: warm_queries SITE_DIR (the output of allmende build)")?;
    let search = Path::new(&site).join("search");
    let mut medians = Vec::new();
    for lang in ["de", "en"] {
        let root = std::fs::read(cold::root_of(&search, lang)?).map_err(|e| e.to_string())?;
        let engine = Engine::open(root, lang).map_err(|e| e.to_string())?;
        for (l, q) in cold::QUERIES.iter().filter(|(l, _)| *l == lang) {
            let request = SearchRequest {
                q: (*q).into(),
                lang: (*l).into(),
                limit: cold::PAGE,
                ..SearchRequest::default()
            };
            let total = loop {
                match engine.attempt(&request).map_err(|e| e.to_string())? {
                    Outcome::Done(r) => break r.total,
                    Outcome::Need(ids) => {
                        for id in ids {
                            let name = engine.name(id).ok_or("unknown block")?;
                            let bytes = std::fs::read(search.join(&name))
                                .map_err(|e| format!("{name}: {e}"))?;
                            if !engine.add(id, bytes) {
                                return Err(format!("{name} refused"));
                            }
                        }
                    }
                }
            };
            let mut times: Vec<f64> = (0..RUNS)
                .map(|_| {
                    let started = Instant::now();
                    let done = matches!(engine.attempt(&request), Ok(Outcome::Done(_)));
                    assert!(done, "a warm query needs nothing more");
                    started.elapsed().as_secs_f64() * 1000.0
                })
                .collect();
            times.sort_by(f64::total_cmp);
            let (p50, p95) = (times[RUNS / 2], times[RUNS * 95 / 100]);
            medians.push(p50);
            println!("{l}:{q:<24} hits {total:>5}  p50 {p50:>7.2} ms  p95 {p95:>7.2} ms");
        }
    }
    medians.sort_by(f64::total_cmp);
    println!(
        "median of the queries' p50: {:.2} ms, slowest p50: {:.2} ms",
        medians[medians.len() / 2],
        medians[medians.len() - 1]
    );
    Ok(())
}
