//! The rules of the standard on fixtures written for this project: one valid entry that
//! uses most keys, and targeted edits of it that must produce exactly the expected findings.

use publiccode::{Finding, Severity, validate};
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/entry")
}

fn base() -> String {
    std::fs::read_to_string(dir().join("publiccode.yml")).unwrap()
}

fn check(text: &str) -> Vec<Finding> {
    validate(text.as_bytes(), Some(&dir())).findings
}

/// `(severity, key)` of every finding, in file order.
fn keys(text: &str) -> Vec<(Severity, String)> {
    check(text)
        .into_iter()
        .map(|f| (f.severity, f.key))
        .collect()
}

fn replace(from: &str, to: &str) -> String {
    let b = base();
    assert!(b.contains(from), "fixture lacks {from:?}");
    b.replacen(from, to, 1)
}

fn errors(text: &str) -> Vec<String> {
    keys(text)
        .into_iter()
        .filter(|(s, _)| *s == Severity::Error)
        .map(|(_, k)| k)
        .collect()
}

#[test]
fn the_full_fixture_is_valid_and_becomes_the_model() {
    let report = validate(base().as_bytes(), Some(&dir()));
    assert_eq!(report.findings, vec![], "{:#?}", report.findings);
    let m = report.model.expect("model");
    assert_eq!(m.name, "Beteiligungsportal");
    // A plain number in a string field keeps its spelling.
    assert_eq!(m.software_version.as_deref(), Some("2.10"));
    assert_eq!(m.description.len(), 2);
    assert_eq!(m.description["de"].features.len(), 2);
    assert_eq!(m.maintenance.contractors[0].until, "2027-12-31");
    assert_eq!(m.depends_on.unwrap().open[0].name, "PostgreSQL");
    assert_eq!(m.localisation.available_languages, ["de", "en"]);
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let text = replace("developmentStatus: stable", "developmentStatus: stabel")
        .replace("  - survey\n", "  - surveys\n")
        .replace("license: EUPL-1.2 OR AGPL-3.0-or-later", "license: EUPL")
        .replace("      until: \"2027-12-31\"", "      until: \"2027-02-30\"");
    let found = errors(&text);
    assert_eq!(
        found,
        [
            "categories[1]",
            "developmentStatus",
            "legal.license",
            "maintenance.contractors[0].until"
        ]
    );
    let status = check(&text)
        .into_iter()
        .find(|f| f.key == "developmentStatus")
        .unwrap();
    assert_eq!((status.pos.line, status.pos.column), (13, 1));
    assert!(status.hint.contains("`stable`"), "{}", status.hint);
}

#[test]
fn unknown_keys_are_errors_with_a_suggestion() {
    let text = replace("landingURL:", "landingUrl:");
    let f = check(&text);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].key, "landingUrl");
    assert!(f[0].hint.contains("landingURL"), "{}", f[0].hint);
    let nested = replace(
        "    shortDescription: Online participation",
        "    shortDescripton: Online participation",
    );
    let e = errors(&nested);
    assert!(
        e.contains(&"description.en.shortDescripton".to_owned()),
        "{e:?}"
    );
    assert!(
        e.contains(&"description.en.shortDescription".to_owned()),
        "{e:?}"
    );
}

#[test]
fn required_and_conditional_keys() {
    assert_eq!(errors(&replace("name: Beteiligungsportal\n", "")), ["name"]);
    // contractors only with type contract, contacts required for internal/community.
    let community = replace("type: contract", "type: community");
    assert_eq!(errors(&community), ["maintenance.contractors"]);
    let text = base();
    let start = text.find("  contacts:").unwrap();
    let end = text.find("localisation:").unwrap();
    let no_contacts =
        format!("{}{}", &text[..start], &text[end..]).replace("type: contract", "type: internal");
    assert_eq!(
        errors(&no_contacts),
        ["maintenance.contacts", "maintenance.contractors"]
    );
    let no_contractors = {
        let s = text.find("  contractors:").unwrap();
        let e = text.find("  contacts:").unwrap();
        format!("{}{}", &text[..s], &text[e..])
    };
    assert_eq!(errors(&no_contractors), ["maintenance.contractors"]);
}

#[test]
fn lengths_are_counted_in_graphemes() {
    // 150 user-perceived characters, each "e" + combining accent (300 code points): fits.
    let short = "e\u{301}".repeat(150);
    assert_eq!(
        errors(&replace("Online participation for citizens", &short)),
        Vec::<String>::new()
    );
    let long = "e\u{301}".repeat(151);
    assert_eq!(
        errors(&replace("Online participation for citizens", &long)),
        ["description.en.shortDescription"]
    );
    let too_short = replace(
        "      The participation portal lets municipalities involve citizens in planning\n",
        "      Short.\n",
    );
    let text = {
        let s = too_short.find("      Short.").unwrap();
        let e = too_short.find("    features:\n      - Proposals").unwrap();
        format!("{}      Short.\n{}", &too_short[..s], &too_short[e..])
    };
    assert_eq!(errors(&text), ["description.en.longDescription"]);
}

#[test]
fn formats() {
    let cases = [
        (
            "releaseDate: \"2025-03-31\"",
            "releaseDate: \"2025-03-31T10:00:00Z\"",
            "releaseDate",
        ),
        (
            "url: \"https://git.example.org/stadt/beteiligung.git\"",
            "url: \"not a url\"",
            "url",
        ),
        (
            "landingURL: \"https://beteiligung.example.org\"",
            "landingURL: \"ftp://x.example\"",
            "landingURL",
        ),
        (
            "email: info@muster.example",
            "email: \"Info <info@muster.example>\"",
            "maintenance.contractors[0].email",
        ),
        (
            "availableLanguages: [de, en]",
            "availableLanguages: [de, en_GB]",
            "localisation.availableLanguages[1]",
        ),
        ("    - DE\n", "    - DEU\n", "intendedAudience.countries[0]"),
        (
            "uri: \"https://www.musterstadt.example\"",
            "uri: \"Musterstadt\"",
            "organisation.uri",
        ),
        ("id: alias:gdpr", "id: alias:dsgvo", "supports[0].id"),
        ("  - web\n", "  - []\n", "platforms[0]"),
    ];
    for (from, to, key) in cases {
        assert_eq!(errors(&replace(from, to)), [key], "{to}");
    }
}

#[test]
fn yaml11_booleans_and_wrong_types() {
    let text = replace("localisationReady: true", "localisationReady: yes");
    let f = check(&text);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].key, "localisation.localisationReady");
    assert!(f[0].hint.contains("true"));
    assert_eq!(
        errors(&replace("name: Beteiligungsportal", "name: [a, b]")),
        ["name"]
    );
    assert_eq!(
        errors(&replace(
            "  - digital-citizenship\n  - survey\n",
            "  digital-citizenship: 1\n"
        )),
        // A mapping where a list belongs points at its first key, where the `- ` is missing.
        ["categories[digital-citizenship]"]
    );
}

#[test]
fn deprecated_keys_and_old_versions_warn() {
    let text = replace(
        "publiccodeYmlVersion: \"0.7\"",
        "publiccodeYmlVersion: \"0.4\"",
    )
    .replace(
        "  de:\n    shortDescription",
        "  de:\n    genericName: Beteiligung\n    shortDescription",
    );
    assert_eq!(
        keys(&text),
        [
            (Severity::Warning, "publiccodeYmlVersion".to_owned()),
            (Severity::Warning, "description.de.genericName".to_owned())
        ]
    );
    assert_eq!(
        errors(&replace("\"0.7\"", "\"1.0\"")),
        ["publiccodeYmlVersion"]
    );
    assert_eq!(
        errors(&replace("\"0.7\"", "\"0.99\"")),
        ["publiccodeYmlVersion"]
    );
    let lower = replace("    - DE\n", "    - de\n");
    assert_eq!(
        keys(&lower),
        [(
            Severity::Warning,
            "intendedAudience.countries[0]".to_owned()
        )]
    );
    let it = format!("{}IT:\n  countryExtensionVersion: \"1.0\"\n", base());
    assert_eq!(keys(&it), [(Severity::Warning, "IT".to_owned())]);
    assert_eq!(
        keys(&replace(
            "license: EUPL-1.2 OR AGPL-3.0-or-later",
            "license: GPL-3.0"
        )),
        [(Severity::Warning, "legal.license".to_owned())]
    );
}

#[test]
fn files_next_to_the_entry() {
    for (value, expected) in [
        ("/etc/logo.svg", "absolute path"),
        ("file:///logo.svg", "file: URL"),
        ("../../../logo.svg", "outside the entry's folder"),
        ("missing.svg", "does not exist"),
        ("logo.gif", "unsupported file type"),
        ("fake.png", "not a valid PNG"),
    ] {
        let f = check(&replace("logo: logo.svg", &format!("logo: \"{value}\"")));
        assert_eq!(f.len(), 1, "{value}: {f:#?}");
        assert_eq!(f[0].key, "logo");
        assert!(
            f[0].is_error() && f[0].message.contains(expected),
            "{value}: {}",
            f[0].message
        );
    }
    let remote = check(&replace(
        "logo: logo.svg",
        "logo: https://example.org/logo.png",
    ));
    assert_eq!(remote.len(), 1);
    assert!(!remote[0].is_error());
}

#[test]
fn positions_point_at_the_value() {
    let f = check(&replace("  - survey\n", "  - surveys\n"));
    assert_eq!((f[0].line(), f[0].column()), (12, 5));
}

trait Loc {
    fn line(&self) -> u32;
    fn column(&self) -> u32;
}
impl Loc for Finding {
    fn line(&self) -> u32 {
        self.pos.line
    }
    fn column(&self) -> u32 {
        self.pos.column
    }
}
