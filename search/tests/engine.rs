//! The engine end to end on a small hand-written corpus: building (deterministic bytes),
//! matching (folding, compounds, typos, prefixes), facets with disjunctive counts, sorting,
//! and the hit list's escaping.

use allmende_search::cards::StoredCards;
use allmende_search::{
    FacetCache, SearchDoc, SearchRequest, Sort, build_index, index_files, open_index, search,
    search_with,
};
use std::collections::BTreeMap;
use std::path::PathBuf;

#[allow(clippy::too_many_arguments)] // a row of the test corpus table
fn doc(
    slug: &str,
    lang: &str,
    name: &str,
    short: &str,
    long: &str,
    cat: &[&str],
    status: &str,
    updated: &str,
) -> SearchDoc {
    SearchDoc {
        slug: slug.into(),
        lang: lang.into(),
        name: name.into(),
        short_description: short.into(),
        long_description: long.into(),
        features: vec![format!("{name} feature")],
        logo: Some(format!("/media/{slug}/logo.svg")),
        status: status.into(),
        software_type: "standalone/web".into(),
        license: "EUPL-1.2".into(),
        categories: cat.iter().map(|s| s.to_string()).collect(),
        platforms: vec!["web".into()],
        maintenance: "community".into(),
        organisation: None,
        audience: vec![],
        updated: Some(updated.into()),
        url: format!("/{lang}/software/{slug}/"),
    }
}

fn corpus() -> Vec<SearchDoc> {
    vec![
        doc(
            "decidim",
            "de",
            "Decidim",
            "Plattform für Bürgerbeteiligung <frei>",
            "Die Beteiligung der Bürger an Entscheidungen.",
            &["e-participation"],
            "stable",
            "2026-01-10",
        ),
        doc(
            "adhocracy",
            "de",
            "Adhocracy+",
            "Bürgerbeteiligungsplattform für Kommunen",
            "Online-Verfahren.",
            &["e-participation", "collaboration"],
            "stable",
            "2025-05-01",
        ),
        doc(
            "nextcloud",
            "de",
            "Nextcloud",
            "Dateien teilen und gemeinsam bearbeiten",
            "Straßenverzeichnis und Dokumentenverwaltung.",
            &["collaboration"],
            "beta",
            "2026-02-01",
        ),
        doc(
            "decidim",
            "en",
            "Decidim",
            "Platform for citizen participation",
            "Participatory democracy.",
            &["e-participation"],
            "stable",
            "2026-01-10",
        ),
    ]
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("allmende-search-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn slugs(index: &allmende_search::tantivy::Index, q: &str, lang: &str) -> Vec<String> {
    let req = SearchRequest {
        q: q.into(),
        lang: lang.into(),
        ..Default::default()
    };
    search(index, &req)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.slug)
        .collect()
}

#[test]
fn builds_are_byte_identical() {
    let (a, sa) = index_files(&corpus()).unwrap();
    let (b, _) = index_files(&corpus()).unwrap();
    assert_eq!(a, b);
    assert_eq!(sa.languages.len(), 2);
    assert!(a.keys().any(|k| k == "de/meta.json"), "{:?}", a.keys());
}

#[test]
fn finds_by_folding_compounds_typos_and_prefixes() {
    let dir = tmp("match");
    build_index(&corpus(), &dir).unwrap();
    let de = open_index(&dir.join("de")).unwrap();
    for q in [
        "Buergerbeteiligung",
        "Burgerbeteiligung",
        "Bürgerbeteiligung",
    ] {
        assert_eq!(slugs(&de, q, "de")[..2].to_vec().len(), 2, "{q}");
        assert!(slugs(&de, q, "de").contains(&"adhocracy".to_owned()), "{q}");
    }
    // Compound part: only Adhocracy+ has "Bürgerbeteiligungsplattform".
    assert!(slugs(&de, "Beteiligungsplattform ", "de").contains(&"adhocracy".to_owned()));
    assert_eq!(slugs(&de, "Strassenverzeichnis ", "de"), vec!["nextcloud"]);
    assert_eq!(slugs(&de, "Nextclod ", "de"), vec!["nextcloud"]);
    // Two letters swapped where the stemmer then strips nothing ("-nug"): the swapped word's
    // stem is matched ("Verwaltnug" finds "Verwaltung").
    assert_eq!(slugs(&de, "Dokumentenverwaltnug ", "de"), vec!["nextcloud"]);
    assert_eq!(slugs(&de, "nextc", "de"), vec!["nextcloud"]);
    assert_eq!(slugs(&de, "n", "de"), vec!["nextcloud"]);
    let en = open_index(&dir.join("en")).unwrap();
    assert_eq!(slugs(&en, "participating ", "en"), vec!["decidim"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Parts that never stand alone in the corpus ("Information", "Management", "Plattform",
/// "Sitzung") are found through the splitter's built-in lexicon, not the corpus' words.
#[test]
fn finds_parts_the_corpus_never_uses_alone() {
    let docs = vec![
        doc(
            "allris",
            "de",
            "Ratsinfo",
            "Ratsinformationssystem",
            "Sitzungsdienst mit Vorlagenverwaltung.",
            &["council"],
            "stable",
            "2026-01-01",
        ),
        doc(
            "ablage",
            "de",
            "Ablage",
            "Dokumentenmanagement",
            "Schriftgutverwaltung und Steuerung der Abläufe.",
            &["document-management"],
            "stable",
            "2026-01-01",
        ),
        doc(
            "moodle",
            "de",
            "Moodle",
            "Lernplattform",
            "Kurse für Schulen.",
            &["learning"],
            "stable",
            "2026-01-01",
        ),
    ];
    let dir = tmp("lexicon");
    build_index(&docs, &dir).unwrap();
    let de = open_index(&dir.join("de")).unwrap();
    for (q, want) in [
        ("Information ", &["allris"][..]),
        ("Informationssystem ", &["allris"]),
        ("Rat ", &["allris"]),
        ("Sitzung ", &["allris"]),
        ("Management ", &["ablage"]),
        ("Dokument ", &["ablage"]),
        ("Plattform ", &["moodle"]),
        ("Verwaltung ", &["ablage", "allris"]),
    ] {
        let mut got = slugs(&de, q, "de");
        got.sort();
        assert_eq!(got, want, "{q}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A compound that no entry, or hardly one, holds as one word also finds the entries that
/// say it in separate words (`allmende_search::split`), below the entries with the whole word;
/// a part alone is not enough.
#[test]
fn a_rare_compound_finds_the_entries_with_its_parts() {
    let docs = vec![
        doc(
            "ablage",
            "de",
            "Ablage",
            "Dokumentenmanagement für Behörden",
            "Akten digital führen.",
            &["document-management"],
            "stable",
            "2026-01-01",
        ),
        doc(
            "akten",
            "de",
            "Aktenplan",
            "Dokumente ablegen und wiederfinden",
            "Management der Abläufe im Amt.",
            &["document-management"],
            "stable",
            "2026-01-01",
        ),
        doc(
            "scanner",
            "de",
            "Scanner",
            "Dokumente scannen",
            "Bilder und Texte erfassen.",
            &["document-management"],
            "stable",
            "2026-01-01",
        ),
        doc(
            "sitzung",
            "de",
            "Sitzungsdienst",
            "Informationssystem für den Rat",
            "Vorlagen und Beschlüsse.",
            &["council"],
            "stable",
            "2026-01-01",
        ),
        doc(
            "ratgeber",
            "de",
            "Ratgeber",
            "Rat und Hilfe für Bürger",
            "Fragen und Antworten.",
            &["help"],
            "stable",
            "2026-01-01",
        ),
    ];
    let dir = tmp("split");
    build_index(&docs, &dir).unwrap();
    let de = open_index(&dir.join("de")).unwrap();
    // Being typed (a prefix) or complete, the same entries in the same order.
    for q in ["Dokumentenmanagement", "Dokumentenmanagement "] {
        assert_eq!(slugs(&de, q, "de"), ["ablage", "akten"], "{q:?}");
    }
    assert_eq!(slugs(&de, "Ratsinformationssystem ", "de"), ["sitzung"]);
    // With another word, every word must match as before.
    assert_eq!(slugs(&de, "Dokumentenmanagement Abläufe ", "de"), ["akten"]);
    // The parts are marked in the snippet.
    let req = SearchRequest {
        q: "Dokumentenmanagement ".into(),
        lang: "de".into(),
        ..Default::default()
    };
    let hits = search(&de, &req).unwrap().hits;
    assert_eq!(
        hits[1].snippet_html,
        "<mark>Dokumente</mark> ablegen und wiederfinden"
    );
    std::fs::remove_dir_all(&dir).unwrap();

    // A compound many entries hold is not split: its parts would only add hits that say
    // something else (and bytes to fetch in the browser).
    let mut docs = docs;
    for i in 0..allmende_search::split::RARE_BELOW {
        let mut d = docs[0].clone();
        d.slug = format!("ablage-{i}");
        docs.push(d);
    }
    let dir = tmp("split-common");
    build_index(&docs, &dir).unwrap();
    let de = open_index(&dir.join("de")).unwrap();
    let res = search(&de, &SearchRequest { limit: 100, ..req }).unwrap();
    let got: Vec<&str> = res.hits.iter().map(|h| h.slug.as_str()).collect();
    assert!(!got.contains(&"akten"), "{got:?}");
    assert_eq!(res.total as u64, allmende_search::split::RARE_BELOW + 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn facets_count_alternatives_and_filter() {
    let dir = tmp("facets");
    build_index(&corpus(), &dir).unwrap();
    let de = open_index(&dir.join("de")).unwrap();
    let mut filters = BTreeMap::new();
    filters.insert("category".to_owned(), vec!["collaboration".to_owned()]);
    let req = SearchRequest {
        lang: "de".into(),
        filters,
        sort: Sort::Name,
        ..Default::default()
    };
    let r = search(&de, &req).unwrap();
    // Facet values kept from earlier queries give the same answers as reading them anew,
    // for this request and after a different one.
    let kept = FacetCache::default();
    let all = SearchRequest {
        lang: "de".into(),
        ..Default::default()
    };
    for request in [&req, &all, &req, &all] {
        assert_eq!(
            search_with(&de, request, &StoredCards, &kept).unwrap(),
            search(&de, request).unwrap()
        );
    }
    assert_eq!(r.total, 2);
    assert_eq!(
        r.hits.iter().map(|h| h.slug.as_str()).collect::<Vec<_>>(),
        ["adhocracy", "nextcloud"]
    );
    // Category counts ignore the category filter itself (disjunctive), status counts apply it.
    let cat: BTreeMap<_, _> = r.facets["category"].iter().cloned().collect();
    assert_eq!(cat["e-participation"], 2);
    assert_eq!(cat["collaboration"], 2);
    let status: BTreeMap<_, _> = r.facets["status"].iter().cloned().collect();
    assert_eq!(status["stable"], 1);
    assert_eq!(status["beta"], 1);
    assert_eq!(r.hits[0].status, "stable");
    assert_eq!(r.hits[0].license, "EUPL-1.2");
    let req = SearchRequest {
        lang: "de".into(),
        sort: Sort::Updated,
        ..Default::default()
    };
    let r = search(&de, &req).unwrap();
    assert_eq!(
        r.hits.iter().map(|h| h.slug.as_str()).collect::<Vec<_>>(),
        ["nextcloud", "decidim", "adhocracy"]
    );
    let mut bad = BTreeMap::new();
    bad.insert("colour".to_owned(), vec!["red".to_owned()]);
    assert!(
        search(
            &de,
            &SearchRequest {
                filters: bad,
                ..Default::default()
            }
        )
        .is_err()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn snippets_are_escaped_and_marked() {
    let dir = tmp("snippet");
    build_index(&corpus(), &dir).unwrap();
    let de = open_index(&dir.join("de")).unwrap();
    let req = SearchRequest {
        q: "beteiligung ".into(),
        lang: "de".into(),
        ..Default::default()
    };
    let r = search(&de, &req).unwrap();
    let decidim = r.hits.iter().find(|h| h.slug == "decidim").unwrap();
    assert_eq!(
        decidim.snippet_html,
        "Plattform für <mark>Bürgerbeteiligung</mark> &lt;frei&gt;"
    );
    assert_eq!(decidim.url, "/de/software/decidim/");
    assert_eq!(decidim.logo.as_deref(), Some("/media/decidim/logo.svg"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn without_counts_the_same_hits_come_and_no_facet_column_is_read() {
    let dir = tmp("nocounts");
    build_index(&corpus(), &dir).unwrap();
    let de = open_index(&dir.join("de")).unwrap();
    let mut filtered = BTreeMap::new();
    filtered.insert("category".to_owned(), vec!["collaboration".to_owned()]);
    let requests = [
        ("beteiligung", BTreeMap::new(), Sort::Relevance),
        ("", filtered.clone(), Sort::Name),
        ("n", BTreeMap::new(), Sort::Updated),
        ("plattform kommunen", filtered, Sort::Relevance),
    ];
    for (q, filters, sort) in requests {
        let with = SearchRequest {
            q: q.into(),
            lang: "de".into(),
            filters: filters.clone(),
            sort,
            ..Default::default()
        };
        let without = SearchRequest {
            counts: false,
            ..with.clone()
        };
        let cache = FacetCache::default();
        let hits_only = search_with(&de, &without, &StoredCards, &cache).unwrap();
        // Only the columns of the facets filtered by were decoded.
        let keys: Vec<&str> = filters.keys().map(String::as_str).collect();
        assert_eq!(cache.decoded(), keys, "{q:?}");
        let full = search(&de, &with).unwrap();
        assert!(!full.hits.is_empty(), "{q:?}: no hits to compare");
        assert_eq!(hits_only.hits, full.hits, "{q:?}");
        assert_eq!(hits_only.total, full.total, "{q:?}");
        assert!(hits_only.facets.is_empty(), "{q:?}: {:?}", hits_only.facets);
        assert!(!full.facets.is_empty());
        // The same cache then counts as if fresh.
        assert_eq!(search_with(&de, &with, &StoredCards, &cache).unwrap(), full);
        assert_eq!(cache.decoded().len(), allmende_search::FACET_KEYS.len());
    }
    // Status and licence on the hit come from the stored card, not from the columns.
    let r = search_with(
        &de,
        &SearchRequest {
            q: "nextcloud".into(),
            lang: "de".into(),
            counts: false,
            ..Default::default()
        },
        &StoredCards,
        &FacetCache::default(),
    )
    .unwrap();
    assert_eq!(
        (r.hits[0].status.as_str(), r.hits[0].license.as_str()),
        ("beta", "EUPL-1.2")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_request_without_the_counts_flag_counts() {
    let r: SearchRequest = serde_json::from_str(r#"{"q":"x","lang":"de"}"#).unwrap();
    assert!(r.counts);
    let r: SearchRequest = serde_json::from_str(r#"{"q":"x","counts":false}"#).unwrap();
    assert!(!r.counts);
}
