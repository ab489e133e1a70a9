//! Our patched tantivy (`vendor/tantivy-0.27.0`, PATCHES.md) escapes facet path steps with a
//! character loop instead of the regex `[\\/]` replaced by `\/`, which kept `regex` and its
//! Unicode tables in the browser engine. The printed facets must not change: this compares
//! `Facet`'s `Display` with the original regex replacement on steps full of slashes,
//! backslashes and non-ASCII text.

use regex::Regex;
use tantivy::schema::Facet;

/// The escaping tantivy 0.27.0 shipped (`schema/facet.rs`, `escape_slashes`).
fn original_display(steps: &[&str]) -> String {
    let slash = Regex::new(r"[\\/]").expect("the original pattern compiles");
    steps
        .iter()
        .map(|step| format!("/{}", slash.replace_all(step, "\\/")))
        .collect()
}

#[test]
fn facet_display_matches_the_original_regex_escaping() {
    let cases: &[&[&str]] = &[
        &["Verwaltung"],
        &["Verwaltung", "Bürgerdienste", "Meldewesen"],
        &["a/b", "c"],
        &["/", "//", "///"],
        &["\\", "a\\b", "\\/", "/\\"],
        &["ende/", "/anfang", "mit\\/beidem"],
        &["Straße/Weg", "Größe\\Maß", "日本/語", "emoji 🙂/🙃"],
        &["", "leer", ""],
    ];
    for steps in cases {
        let facet = Facet::from_path(steps.iter().copied());
        assert_eq!(
            facet.to_string(),
            original_display(steps),
            "steps {steps:?}"
        );
    }
}

#[test]
fn facet_display_round_trips_escaped_slashes() {
    // A `/` inside a step is printed as `\/` and read back as part of the step.
    let facet = Facet::from_path(["Kategorie/Unterkategorie", "Wert"]);
    let printed = facet.to_string();
    assert_eq!(printed, "/Kategorie\\/Unterkategorie/Wert");
    assert_eq!(
        Facet::from_text(&printed).expect("printed facets parse"),
        facet
    );
}
