//! The browser's path, natively: pack an index into root + blocks, answer queries through the
//! lazy directory with the fetch-and-retry loop the worker runs, and compare every answer with
//! the search over the index on disk.

use allmende_search::{SearchDoc, SearchRequest, Sort};
use allmende_search_wasm::engine::{Engine, Fetch, Outcome};
use allmende_search_wasm::pack::{Limits, Packed, RecordingDirectory};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn doc(
    i: usize,
    name: &str,
    short: &str,
    features: &[&str],
    category: &str,
    status: &str,
) -> SearchDoc {
    SearchDoc {
        slug: format!("entry-{i:03}"),
        lang: "de".into(),
        name: name.into(),
        short_description: short.into(),
        features: features.iter().map(|s| s.to_string()).collect(),
        long_description: format!(
            "{short} Ausführliche Beschreibung Nummer {i} mit Verwaltung und Bürgerservice."
        ),
        logo: None,
        status: status.into(),
        software_type: "standalone/web".into(),
        license: if i.is_multiple_of(2) {
            "EUPL-1.2"
        } else {
            "AGPL-3.0-or-later"
        }
        .into(),
        categories: vec![category.into()],
        platforms: vec!["web".into()],
        maintenance: "community".into(),
        organisation: Some(format!("Stadt {}", i % 7)),
        audience: vec!["municipalities".into()],
        updated: Some(format!("2025-{:02}-01", 1 + i % 12)),
        url: format!("/de/software/entry-{i:03}/"),
    }
}

fn corpus() -> Vec<SearchDoc> {
    let base = [
        (
            "Bürgerbeteiligungsplattform Decidim",
            "Plattform für Bürgerbeteiligung und Abstimmungen",
            &["Umfragen", "Abstimmungen"][..],
            "e-participation",
            "stable",
        ),
        (
            "Videokonferenz Jitsi",
            "Videokonferenzen im Browser ohne Anmeldung",
            &["Bildschirmfreigabe"][..],
            "video-conferencing",
            "stable",
        ),
        (
            "Ratsinformationssystem",
            "Sitzungen, Vorlagen und Beschlüsse des Gemeinderats",
            &["Tagesordnung"][..],
            "document-management",
            "beta",
        ),
        (
            "Formularserver",
            "Online-Formulare für Verwaltungsleistungen",
            &["Formulardesigner", "Bezahlfunktion"][..],
            "forms",
            "development",
        ),
        (
            "Geoportal",
            "Karten und Geodaten der Kommune veröffentlichen",
            &["Kartendienste"][..],
            "geographic-information-systems",
            "stable",
        ),
    ];
    (0..300)
        .map(|i| {
            let (n, s, f, c, st) = base[i % base.len()];
            doc(i, &format!("{n} {i}"), s, f, c, st)
        })
        .collect()
}

struct Built {
    _dir: Scratch,
    native: allmende_search::tantivy::Index,
    packed: Packed,
}

struct Scratch(PathBuf);
impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The test corpus is small enough to be fetched whole with the engine; most tests pack it
/// as a large index is packed ([`Limits::lazy`]) to exercise the lazy paths.
fn build(tag: &str) -> Built {
    build_with(tag, &Limits::lazy())
}

fn build_with(tag: &str, limits: &Limits) -> Built {
    let dir = std::env::temp_dir().join(format!("allmende-lazy-test-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    allmende_search::build_index(&corpus(), &dir).expect("index builds");
    let native = allmende_search::open_index(&dir.join("de")).expect("index opens");
    let rec = RecordingDirectory::load(&dir.join("de")).expect("files load");
    allmende_search_wasm::pack::warm(&rec, "de").expect("warm-up");
    let packed = rec.pack_with("", limits).expect("packs");
    Built {
        _dir: Scratch(dir),
        native,
        packed,
    }
}

/// Runs `request` the way the worker does; returns the response, round trips and block bytes.
fn lazily(
    engine: &Engine,
    blocks: &BTreeMap<String, Vec<u8>>,
    request: &SearchRequest,
) -> (allmende_search::SearchResponse, usize, usize) {
    let mut rounds = 0;
    let mut bytes = 0;
    loop {
        match engine.attempt(request).expect("attempt") {
            Outcome::Done(r) => return (r, rounds, bytes),
            Outcome::Need(ids) => {
                rounds += 1;
                assert!(rounds <= 6, "{request:?} needs more than 6 round trips");
                for id in ids {
                    let name = engine.name(id).unwrap();
                    let b = blocks[&name].clone();
                    bytes += b.len();
                    assert!(engine.add(id, b), "{name} refused");
                }
            }
        }
    }
}

fn requests() -> Vec<SearchRequest> {
    let r = |q: &str| SearchRequest {
        q: q.into(),
        lang: "de".into(),
        ..SearchRequest::default()
    };
    let mut filtered = r("plattform");
    filtered
        .filters
        .insert("status".into(), vec!["stable".into()]);
    let mut by_name = r("verwaltung ");
    by_name.sort = Sort::Name;
    let mut by_update = r("formular");
    by_update.sort = Sort::Updated;
    let mut page2 = r("karten ");
    page2.offset = 10;
    vec![
        r("Beteiligung "),
        r("Buergerbeteiligung "),
        r("videokonferenz"),
        r("Videokonferens "),
        r("v"),
        r("ratsinfo"),
        r("nichtsdergleichen "),
        // Compounds no entry holds whole: split into index terms, both parts in one entry
        // ("Sitzungen, Vorlagen"), typed or complete, and parts in different entries only.
        r("Sitzungsvorlagen "),
        r("Sitzungsvorlagen"),
        r("Kartenabstimmungen "),
        filtered,
        by_name,
        by_update,
        page2,
    ]
}

#[test]
fn lazy_answers_equal_native_answers() {
    let b = build("equal");
    for request in requests() {
        // A fresh engine per request: every query starts cold.
        let engine =
            Engine::open(b.packed.root.clone(), "de").expect("engine opens from the root alone");
        let (lazy, rounds, bytes) = lazily(&engine, &b.packed.blocks, &request);
        let native = allmende_search::search(&b.native, &request).unwrap();
        assert_eq!(lazy, native, "{request:?}");
        eprintln!(
            "{:?}: {} hits of {}, {rounds} round trips, {bytes} bytes",
            request.q,
            lazy.hits.len(),
            lazy.total
        );
        assert!(rounds <= 3, "{request:?}: {rounds} round trips");
    }
}

#[test]
fn with_the_eager_blocks_a_query_waits_for_two_rounds_at_most() {
    let b = build("eager");
    for request in requests() {
        let engine = Engine::open(b.packed.root.clone(), "de").unwrap();
        let eager = engine.directory().manifest().eager.clone();
        assert!(!eager.is_empty(), "norms and term dictionaries are eager");
        for [file, block] in eager {
            let id = Fetch::Block((file, block));
            let name = engine.name(id).unwrap();
            assert!(engine.add(id, b.packed.blocks[&name].clone()));
        }
        let (lazy, rounds, _) = lazily(&engine, &b.packed.blocks, &request);
        assert_eq!(lazy, allmende_search::search(&b.native, &request).unwrap());
        // Postings, then hit cards.
        assert!(rounds <= 2, "{request:?}: {rounds} round trips");
    }
}

/// A small catalogue's index (postings, columns and cards within the limits; the test corpus
/// of 300 entries is above the default ones) comes whole with the engine: after the eager
/// files, no query waits for a round trip.
#[test]
fn a_small_index_needs_no_round_trip_after_its_eager_files() {
    let everything = Limits {
        postings: usize::MAX,
        columns: usize::MAX,
        cards: usize::MAX,
        ..Limits::default()
    };
    let b = build_with("small", &everything);
    let manifest = allmende_search_wasm::root::decode(&b.packed.root)
        .unwrap()
        .0;
    assert_eq!(manifest.cards.files(), 1, "one card file");
    assert_eq!(manifest.eager_cards.len(), 1);
    let idx = manifest
        .files
        .iter()
        .position(|f| f.path.ends_with(".idx"))
        .unwrap();
    assert_eq!(
        manifest.files[idx].blocks.len(),
        1,
        "the postings in one block"
    );
    assert!(manifest.eager.contains(&[idx, 0]));
    for request in requests().into_iter().chain([stable_plattform()]) {
        let engine = Engine::open(b.packed.root.clone(), "de").unwrap();
        let m = engine.directory().manifest().clone();
        let eager = m.eager.iter().map(|&[f, b]| Fetch::Block((f, b)));
        let cards = m.eager_cards.iter().map(|c| Fetch::Cards(c.0));
        for id in eager.chain(cards) {
            let name = engine.name(id).unwrap();
            assert!(engine.add(id, b.packed.blocks[&name].clone()), "{name}");
        }
        let (lazy, rounds, _) = lazily(&engine, &b.packed.blocks, &request);
        assert_eq!(lazy, allmende_search::search(&b.native, &request).unwrap());
        assert_eq!(rounds, 0, "{request:?}");
    }
}

/// A query filtered by a facet (whose column it must read even without counts).
fn stable_plattform() -> SearchRequest {
    let mut filtered = SearchRequest {
        q: "plattform".into(),
        lang: "de".into(),
        ..SearchRequest::default()
    };
    filtered
        .filters
        .insert("status".into(), vec!["stable".into()]);
    filtered
}

/// The blocks of the fast-field file (facet and sort columns).
/// The requests above exercise the query-side compound split: a compound that no entry holds
/// finds the entries with its parts (and the lazy engine, compared above, the same ones).
#[test]
fn the_requests_include_a_split_compound() {
    let b = build("split");
    let r = |q: &str| SearchRequest {
        q: q.into(),
        lang: "de".into(),
        ..SearchRequest::default()
    };
    let whole = allmende_search::search(&b.native, &r("Sitzungsvorlagen ")).unwrap();
    let parts = allmende_search::search(&b.native, &r("Sitzungen Vorlagen ")).unwrap();
    assert!(whole.total > 0);
    assert_eq!(whole.total, parts.total);
    let apart = allmende_search::search(&b.native, &r("Kartenabstimmungen ")).unwrap();
    assert_eq!(apart.total, 0);
}

fn is_fast(engine: &Engine, id: Fetch) -> bool {
    match id {
        Fetch::Block((file, _)) => engine.directory().manifest().files[file]
            .path
            .ends_with(".fast"),
        Fetch::Cards(_) => false,
    }
}

#[test]
fn hits_without_counts_need_no_facet_column_and_equal_the_counted_hits() {
    let b = build("nocounts");
    for request in requests().into_iter().chain([stable_plattform()]) {
        let engine = Engine::open(b.packed.root.clone(), "de").unwrap();
        for [file, block] in engine.directory().manifest().eager.clone() {
            let id = Fetch::Block((file, block));
            assert!(!is_fast(&engine, id), "a facet column is eager");
            let name = engine.name(id).unwrap();
            assert!(engine.add(id, b.packed.blocks[&name].clone()));
        }
        let hits_only = SearchRequest {
            counts: false,
            ..request.clone()
        };
        let mut rounds = 0;
        let first = loop {
            match engine.attempt(&hits_only).expect("attempt") {
                Outcome::Done(r) => break r,
                Outcome::Need(ids) => {
                    rounds += 1;
                    assert!(rounds <= 2, "{hits_only:?}: more than 2 rounds");
                    for id in ids {
                        // Sorting by name or update reads a sort column and filtering a
                        // facet's column; nothing else in the fast-field file.
                        let plain = request.filters.is_empty() && request.sort == Sort::Relevance;
                        assert!(
                            !(plain && !request.q.trim().is_empty() && is_fast(&engine, id)),
                            "{hits_only:?} read a column"
                        );
                        let name = engine.name(id).unwrap();
                        assert!(engine.add(id, b.packed.blocks[&name].clone()));
                    }
                }
            }
        };
        assert!(first.facets.is_empty());
        // Then with counts on the same engine: one more round (the facet columns) at most,
        // and the same answer as natively.
        let (full, rounds, _) = lazily(&engine, &b.packed.blocks, &request);
        assert!(rounds <= 1, "{request:?}: {rounds} rounds for the counts");
        assert_eq!(full, allmende_search::search(&b.native, &request).unwrap());
        assert_eq!(first.hits, full.hits, "{request:?}");
        assert_eq!(first.total, full.total, "{request:?}");
    }
}

#[test]
fn a_warm_engine_fetches_nothing_twice() {
    let b = build("warm");
    let engine = Engine::open(b.packed.root.clone(), "de").unwrap();
    for request in requests() {
        lazily(&engine, &b.packed.blocks, &request);
        let (_, rounds, _) = lazily(&engine, &b.packed.blocks, &request);
        assert_eq!(rounds, 0, "{request:?} fetched again");
    }
}

#[test]
fn packing_is_deterministic_and_blocks_are_named_by_content() {
    let a = build("det-a");
    let b = build("det-b");
    assert_eq!(a.packed.root, b.packed.root);
    assert_eq!(a.packed.blocks, b.packed.blocks);
    let (manifest, _) = allmende_search_wasm::root::decode(&a.packed.root).unwrap();
    let cards = &manifest.cards;
    assert_eq!(cards.docs, corpus().len());
    let card_names: Vec<String> = (0..cards.files())
        .map(|n| cards.name(n).expect("every card file has a name"))
        .collect();
    let mut card_files = 0;
    for (name, bytes) in &a.packed.blocks {
        if card_names.contains(name) {
            // Card files: named by number in a folder named by their group's hash.
            card_files += 1;
            continue;
        }
        assert_eq!(
            name,
            &format!("{}.bin", &blake3::hash(bytes).to_hex()[..16])
        );
    }
    assert_eq!(card_files, cards.docs.div_ceil(cards.per_file));
    // Posting lists and columns are cut where they start; the other files in blocks of a
    // fixed size.
    for f in manifest.files.iter().filter(|f| !f.blocks.is_empty()) {
        let cut = f.path.ends_with(".idx") || f.path.ends_with(".fast");
        assert_eq!(cut, !f.starts.is_empty(), "{}", f.path);
        for (b, name) in f.blocks.iter().enumerate() {
            let range = f.block_range(b).unwrap();
            assert_eq!(a.packed.blocks[name].len(), range.len(), "{name}");
            if f.starts.is_empty() {
                assert!(range.len() <= allmende_search_wasm::pack::BLOCK_SIZE);
            }
        }
    }
    // The document store is not published: hits come from the cards.
    let store = manifest
        .files
        .iter()
        .find(|f| f.path.ends_with(".store"))
        .unwrap();
    assert!(store.blocks.is_empty());
}

#[test]
fn a_wrong_block_is_refused() {
    let b = build("wrong");
    let engine = Engine::open(b.packed.root.clone(), "de").unwrap();
    let request = SearchRequest {
        q: "plattform".into(),
        ..SearchRequest::default()
    };
    let Outcome::Need(ids) = engine.attempt(&request).unwrap() else {
        panic!("a cold query needs blocks")
    };
    let Fetch::Block(id) = ids[0] else {
        panic!("the first round fetches index blocks")
    };
    assert!(
        !engine.directory().add_block(id, vec![0; 3]),
        "a truncated block must be refused"
    );
    assert!(
        !engine.add(Fetch::Cards(0), b"[]".to_vec()),
        "a card file with the wrong number of cards must be refused"
    );
}

#[test]
fn a_damaged_root_is_reported() {
    let b = build("damaged");
    let mut root = b.packed.root.clone();
    root[0] = b'X';
    let e = Engine::open(root, "de").err().expect("must fail");
    assert!(e.to_string().contains("rebuild"), "{e}");
    let e = Engine::open(b.packed.root[..20].to_vec(), "de")
        .err()
        .expect("must fail");
    assert!(e.to_string().contains("rebuild"), "{e}");
}

/// The browser's engine opens only u64, str and bytes columns (the patched
/// `vendor/tantivy-columnar`, see its PATCHES.md): every fast column of the index must be
/// one of those, or a search in the browser would fail where it passes natively.
#[test]
fn every_fast_column_has_a_type_the_browser_engine_opens() {
    use allmende_search::tantivy::columnar::ColumnType;
    let b = build("columns");
    let reader = b.native.reader().unwrap();
    let searcher = reader.searcher();
    let mut seen = 0;
    for segment in searcher.segment_readers() {
        let fast = segment.fast_fields();
        for (_, entry) in b.native.schema().fields() {
            if !entry.is_fast() {
                continue;
            }
            let field = entry.name();
            for handle in fast.dynamic_column_handles(field).unwrap() {
                seen += 1;
                assert!(
                    matches!(
                        handle.column_type(),
                        ColumnType::U64 | ColumnType::Str | ColumnType::Bytes
                    ),
                    "{field}: {:?} columns are left out of the browser engine",
                    handle.column_type()
                );
            }
        }
    }
    assert!(seen >= 10, "facet and sort columns: {seen}");
}
