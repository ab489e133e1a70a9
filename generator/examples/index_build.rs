//! How long the search index of each language takes to build (issue 5: "index build ≤ 1 s of
//! the site build"): tantivy indexing, then packing into the root file, blocks and card
//! files, as `allmende build` does, five times per language; prints the median and range.
//!
//! `cargo run --release -p allmende --example index_build -- CONTENT_DIR`
//! (e.g. the `content/` of `allmende-bench synth 10000 DIR`).

use allmende::site::search_index;
use std::time::{Duration, Instant};

fn main() -> Result<(), String> {
    let dir = std::env::args()
        .nth(1)
        .ok_or("usage: index_build CONTENT_DIR")?;
    let (cat, _) =
        allmende::catalogue::load(std::path::Path::new(&dir)).map_err(|e| e.to_string())?;
    // Without the theme's translations labels fall back to their keys (a category's key has
    // about the words of its name, so indexing costs about the same).
    let labels = serde_json::Value::Null;
    for lang in ["de", "en"] {
        let cards: Vec<_> = cat
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| allmende::site::view::card(i, e, lang, "de", &labels))
            .collect();
        let docs = search_index::documents(&cat, &cards, lang, "de", &labels);
        let mut times: Vec<Duration> = Vec::new();
        let mut files = 0;
        for _ in 0..5 {
            let started = Instant::now();
            let published = search_index::publish(&docs, lang).map_err(|e| e.to_string())?;
            times.push(started.elapsed());
            files = published.files.len();
        }
        times.sort();
        println!(
            "{lang}: {} documents, {files} files, index build median {:.0} ms (min {:.0}, max {:.0})",
            docs.len(),
            times[2].as_secs_f64() * 1e3,
            times[0].as_secs_f64() * 1e3,
            times[4].as_secs_f64() * 1e3,
        );
    }
    Ok(())
}
