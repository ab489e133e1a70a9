//! Links between entries, computed once at build time: dependencies and `isBasedOn` that
//! name catalogue entries, the reverse "variants", and related software (shared
//! categories and distinctive description terms).

use super::Entry;
use crate::check::catalogue::normalise_url;
use std::collections::HashMap;

pub const RELATED: usize = 5;
/// Terms per entry used for relatedness: the rarest ones say most about an entry.
const TERMS_PER_ENTRY: usize = 24;

pub fn link(entries: &mut [Entry]) {
    let mut by_name: HashMap<String, usize> = HashMap::new();
    let mut by_url: HashMap<String, usize> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        by_url.insert(normalise_url(&e.code.url), i);
        let names = std::iter::once(e.code.name.as_str())
            .chain(std::iter::once(e.slug.as_str()))
            .chain(
                e.code
                    .description
                    .values()
                    .filter_map(|d| d.localised_name.as_deref()),
            );
        for n in names {
            by_name.entry(n.to_lowercase()).or_insert(i);
        }
    }
    let mut variants: Vec<Vec<usize>> = vec![Vec::new(); entries.len()];
    for (i, e) in entries.iter_mut().enumerate() {
        e.dependency_links = e
            .code
            .depends_on
            .as_ref()
            .map(|d| {
                d.all()
                    .map(|(_, dep)| {
                        by_name
                            .get(&dep.name.to_lowercase())
                            .copied()
                            .filter(|&j| j != i)
                    })
                    .collect()
            })
            .unwrap_or_default();
        e.based_on_links = e
            .code
            .is_based_on
            .iter()
            .map(|u| by_url.get(&normalise_url(u)).copied().filter(|&j| j != i))
            .collect();
        for &j in e.based_on_links.iter().flatten() {
            variants[j].push(i);
        }
    }
    for (e, v) in entries.iter_mut().zip(variants) {
        e.variants = v;
    }
    let related = related(entries);
    for (e, r) in entries.iter_mut().zip(related) {
        e.related = r;
    }
}

/// Lower-cased words of 4+ letters from names, short descriptions and features.
fn terms(e: &Entry) -> Vec<String> {
    let mut out = Vec::new();
    for d in e.code.description.values() {
        let texts = std::iter::once(d.short_description.as_str())
            .chain(d.features.iter().map(String::as_str));
        for t in texts {
            for w in t.split(|c: char| !c.is_alphanumeric()) {
                if w.chars().count() >= 4 {
                    out.push(w.to_lowercase());
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

fn related(entries: &[Entry]) -> Vec<Vec<usize>> {
    use rayon::prelude::*;
    let n = entries.len();
    let all_terms: Vec<Vec<String>> = entries.par_iter().map(terms).collect();
    let mut df: HashMap<&str, u32> = HashMap::new();
    for ts in &all_terms {
        for t in ts {
            *df.entry(t.as_str()).or_default() += 1;
        }
    }
    // Keep each entry's rarest terms (ignoring those in every other entry), weighted by IDF.
    let limit = (n as u32 / 4).max(2);
    let picked: Vec<Vec<(&str, f32)>> = all_terms
        .iter()
        .map(|ts| {
            let mut v: Vec<(&str, u32)> = ts
                .iter()
                .map(|t| (t.as_str(), df[t.as_str()]))
                .filter(|&(_, f)| f > 1 && f <= limit)
                .collect();
            v.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(b.0)));
            v.truncate(TERMS_PER_ENTRY);
            v.into_iter()
                .map(|(t, f)| (t, (n as f32 / f as f32).ln()))
                .collect()
        })
        .collect();
    // Postings per feature (category or term), features numbered once.
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut postings: Vec<Vec<(usize, f32)>> = Vec::new();
    let mut keys: Vec<Vec<(usize, f32)>> = Vec::with_capacity(n);
    for (i, e) in entries.iter().enumerate() {
        let features = e
            .code
            .categories
            .iter()
            .map(|c| (format!("c:{c}"), 1.0, 3.0))
            .chain(picked[i].iter().map(|&(t, w)| (format!("t:{t}"), w, w)));
        let mut mine = Vec::new();
        for (name, query_weight, doc_weight) in features {
            let next = postings.len();
            let id = *ids.entry(name).or_insert(next);
            if id == next {
                postings.push(Vec::new());
            }
            postings[id].push((i, doc_weight));
            mine.push((id, query_weight));
        }
        keys.push(mine);
    }
    let order = |a: &(usize, f32), b: &(usize, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    (0..n)
        .into_par_iter()
        .map_init(
            // Scratch space reused from entry to entry: allocating the candidate list
            // afresh for each entry (up to the whole catalogue) made the kernel zero
            // gigabytes of fresh pages on large catalogues.
            || (vec![0f32; n], Vec::new(), Vec::new()),
            |(score, touched, best), i| {
                for &(id, w) in &keys[i] {
                    for &(j, wj) in &postings[id] {
                        if j != i {
                            if score[j] == 0.0 {
                                touched.push(j);
                            }
                            score[j] += w * wj;
                        }
                    }
                }
                best.clear();
                best.extend(touched.iter().map(|&j| (j, score[j])));
                for &j in touched.iter() {
                    score[j] = 0.0;
                }
                touched.clear();
                // Ties broken by catalogue order, so the result is the same on every build.
                if best.len() > RELATED {
                    best.select_nth_unstable_by(RELATED - 1, order);
                    best.truncate(RELATED);
                }
                best.sort_by(order);
                best.iter().map(|&(j, _)| j).collect()
            },
        )
        .collect()
}
