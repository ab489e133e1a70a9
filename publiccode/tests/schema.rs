//! `schemas/publiccode.schema.json` (for editors) agrees with the validator: on the demo
//! catalogue, on the project's fixture and on edits of it, a document is valid for the
//! schema exactly when `publiccode::validate` reports no errors. The few rules a schema
//! cannot express (SPDX, registries, files) are listed separately with the expected
//! disagreement, so that a change on either side shows up here.

use jsonschema::Validator;
use publiccode::{Severity, validate, vocab};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/entry")
}

fn fixture() -> String {
    std::fs::read_to_string(fixture_dir().join("publiccode.yml")).unwrap()
}

fn schema() -> Value {
    let path = root().join("schemas/publiccode.schema.json");
    let text = std::fs::read_to_string(&path).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Draft 7 with `format` asserted (the default for draft 7, made explicit) and no way to
/// fetch anything: the crate is built without its HTTP and file resolvers.
fn compiled() -> Validator {
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&schema())
        .expect("the schema compiles")
}

/// The YAML read the way the validator reads it (`publiccode/src/yaml.rs`): YAML 1.2
/// booleans only, so `yes` stays a string, and repeated keys are an error.
fn to_json(text: &str) -> Result<Value, String> {
    let options = serde_saphyr::options! {
        strict_booleans: true,
        duplicate_keys: serde_saphyr::options::DuplicateKeyPolicy::Error,
    };
    serde_saphyr::from_str_with_options::<Value>(text, options).map_err(|e| e.to_string())
}

/// Schema violations as `path: message`; a YAML error counts as one. Messages quote the
/// offending value, which can be a whole section: they are cut short for the report.
fn schema_errors(schema: &Validator, text: &str) -> Vec<String> {
    let short = |m: String| match m.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &m[..i]),
        None => m,
    };
    match to_json(text) {
        Ok(doc) => schema
            .iter_errors(&doc)
            .map(|e| short(format!("{}: {e}", e.instance_path())))
            .collect(),
        Err(e) => vec![short(format!("YAML: {e}"))],
    }
}

/// Validator errors (warnings do not make a file invalid) as `key: message`.
fn validator_errors(text: &str, dir: &Path) -> Vec<String> {
    validate(text.as_bytes(), Some(dir))
        .findings
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| format!("{}: {}", f.key, f.message))
        .collect()
}

/// `None` when schema and validator agree on `text`, else what each of them said.
fn disagreement(schema: &Validator, name: &str, text: &str, dir: &Path) -> Option<String> {
    let by_schema = schema_errors(schema, text);
    let by_validator = validator_errors(text, dir);
    if by_schema.is_empty() == by_validator.is_empty() {
        return None;
    }
    let verdict = |errors: &[String]| {
        if errors.is_empty() {
            "valid".to_owned()
        } else {
            format!("invalid:\n      {}", errors.join("\n      "))
        }
    };
    Some(format!(
        "{name}\n    schema:    {}\n    validator: {}",
        verdict(&by_schema),
        verdict(&by_validator)
    ))
}

fn edit(edits: &[(&str, &str)]) -> String {
    let mut text = fixture();
    for (from, to) in edits {
        assert!(text.contains(from), "the fixture lacks {from:?}");
        text = text.replacen(from, to, 1);
    }
    text
}

#[test]
fn the_schema_is_valid_draft_07_and_compiles() {
    let schema = schema();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    if let Err(e) = jsonschema::draft7::meta::validate(&schema) {
        panic!("not a valid draft-07 schema: {e} at {}", e.instance_path());
    }
    compiled();
}

#[test]
fn the_schema_uses_the_vocabularies_of_the_validator() {
    let schema = schema();
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect()
    };
    let owned = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let props = &schema["properties"];
    let defs = &schema["definitions"];
    let cases = [
        (
            &props["publiccodeYmlVersion"]["enum"],
            vocab::KNOWN_VERSIONS,
        ),
        (
            &props["developmentStatus"]["enum"],
            vocab::DEVELOPMENT_STATUS,
        ),
        (&props["softwareType"]["enum"], vocab::SOFTWARE_TYPE),
        (&props["categories"]["items"]["enum"], vocab::CATEGORIES),
        (
            &props["intendedAudience"]["properties"]["scope"]["items"]["enum"],
            vocab::SCOPE,
        ),
        (
            &props["maintenance"]["properties"]["type"]["enum"],
            vocab::MAINTENANCE_TYPE,
        ),
        (
            &defs["italy"]["properties"]["countryExtensionVersion"]["enum"],
            vocab::IT_EXTENSION_VERSIONS,
        ),
    ];
    for (values, known) in cases {
        assert_eq!(strings(values), owned(known));
    }
    let keys = |v: &Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    let mut piattaforme = keys(&defs["italy"]["properties"]["piattaforme"]["properties"]);
    let mut conforme = keys(&defs["italy"]["properties"]["conforme"]["properties"]);
    piattaforme.sort();
    conforme.sort();
    let sorted = |list: &[&str]| {
        let mut v = owned(list);
        v.sort();
        v
    };
    assert_eq!(piattaforme, sorted(vocab::IT_PIATTAFORME));
    assert_eq!(conforme, sorted(vocab::IT_CONFORME));
    let id = props["supports"]["items"]["properties"]["id"]["anyOf"][0]["pattern"]
        .as_str()
        .unwrap();
    assert_eq!(
        id,
        format!("^alias:({})$", vocab::SUPPORT_ALIASES.join("|"))
    );
}

/// Every property of every object in the schema says what it is for.
#[test]
fn every_property_has_a_description() {
    fn walk(v: &Value, path: &str, missing: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                if let Some(Value::Object(props)) = map.get("properties") {
                    for (key, prop) in props {
                        let described = prop
                            .get("description")
                            .and_then(Value::as_str)
                            .is_some_and(|d| !d.is_empty());
                        // A property narrowed inside `if`/`then`/`else`/`not` is described
                        // where it is declared.
                        let conditional = ["/if", "/then", "/else", "/not"]
                            .iter()
                            .any(|c| path.contains(c));
                        if !described && !conditional {
                            missing.push(format!("{path}/properties/{key}"));
                        }
                    }
                }
                for (key, child) in map {
                    walk(child, &format!("{path}/{key}"), missing);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    walk(child, &format!("{path}/{i}"), missing);
                }
            }
            _ => {}
        }
    }
    let mut missing = Vec::new();
    walk(&schema(), "#", &mut missing);
    assert!(missing.is_empty(), "without description: {missing:#?}");
}

#[test]
fn the_catalogue_and_the_fixture_agree() {
    let schema = compiled();
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("content/software"))
        .unwrap()
        .map(|e| e.unwrap().path().join("publiccode.yml"))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(
        files.len() >= 44,
        "expected the demo catalogue, found {}",
        files.len()
    );
    files.push(fixture_dir().join("publiccode.yml"));
    let mut valid = 0;
    let mut problems = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path
            .strip_prefix(root())
            .unwrap_or(path)
            .display()
            .to_string();
        match disagreement(&schema, &name, &text, path.parent().unwrap()) {
            Some(d) => problems.push(d),
            None => valid += usize::from(schema_errors(&schema, &text).is_empty()),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // All of them are valid entries: agreement on valid files is what matters to editors.
    assert_eq!(valid, files.len(), "every catalogue entry is valid");
}

/// `(name, edits of the fixture, valid?)`.
type Case = (&'static str, &'static [(&'static str, &'static str)], bool);

const LONG_SHORT_DESCRIPTION: &str = "Online participation for citizens, with proposals on a map, comments, votes and a transparent record of the results in the municipality's data centre and in the cloud";

#[rustfmt::skip]
const CASES: &[Case] = &[
    // Invalid: enumerations.
    ("developmentStatus not in the list", &[("developmentStatus: stable", "developmentStatus: stabel")], false),
    ("softwareType not in the list", &[("softwareType: standalone/web", "softwareType: web")], false),
    ("maintenance.type not in the list", &[("type: contract", "type: vendor")], false),
    ("unknown category", &[("  - survey\n", "  - surveys\n")], false),
    ("unknown scope", &[("    - local-authorities", "    - municipalities")], false),
    ("unknown publiccodeYmlVersion", &[("publiccodeYmlVersion: \"0.7\"", "publiccodeYmlVersion: \"0.8\"")], false),
    ("future publiccodeYmlVersion", &[("publiccodeYmlVersion: \"0.7\"", "publiccodeYmlVersion: \"1.0\"")], false),
    ("unknown supports alias", &[("id: alias:gdpr", "id: alias:dsgvo")], false),
    ("unknown countryExtensionVersion", &[("supports:\n", "IT:\n  countryExtensionVersion: \"0.3\"\nsupports:\n")], false),
    // Invalid: missing required keys.
    ("missing publiccodeYmlVersion", &[("publiccodeYmlVersion: \"0.7\"\n", "")], false),
    ("missing name", &[("name: Beteiligungsportal\n", "")], false),
    ("missing url", &[("url: \"https://git.example.org/stadt/beteiligung.git\"\n", "")], false),
    ("missing platforms", &[("platforms:\n  - web\n", "")], false),
    ("platforms without value", &[("platforms:\n  - web\n", "platforms:\n")], false),
    ("missing description.en.features", &[("    features:\n      - Proposals on a map\n      - Votes\n", "")], false),
    ("missing description.de.longDescription", &[("    longDescription: >\n      Das", "    localisedName: >\n      Das")], false),
    ("missing localisation.localisationReady", &[("  localisationReady: true\n", "")], false),
    ("missing contractor until", &[("      until: \"2027-12-31\"\n", "")], false),
    ("missing dependency name", &[("    - name: PostgreSQL\n      versionMin", "    - versionMin")], false),
    ("missing organisation.uri", &[("  uri: \"https://www.musterstadt.example\"\n", "")], false),
    ("empty name", &[("name: Beteiligungsportal", "name: \"\"")], false),
    ("empty platforms", &[("platforms:\n  - web\n", "platforms: []\n")], false),
    // Invalid: unknown keys.
    ("unknown top-level key", &[("platforms:", "tags: [participation]\nplatforms:")], false),
    ("key in the wrong case", &[("landingURL:", "landingUrl:")], false),
    ("unknown key in a description", &[("    videos:", "    video:")], false),
    ("unknown key in a contractor", &[("      website: https://muster.example", "      homepage: https://muster.example")], false),
    ("unknown key in IT.piattaforme", &[("supports:\n", "IT:\n  piattaforme:\n    spid: true\n    foo: true\nsupports:\n")], false),
    // Invalid: wrong types.
    ("platforms as a string", &[("platforms:\n  - web\n", "platforms: web\n")], false),
    ("legal as a string", &[("legal:\n  license: EUPL-1.2 OR AGPL-3.0-or-later\n  mainCopyrightOwner: Stadt Musterstadt\n", "legal: EUPL-1.2\n")], false),
    ("name as a list", &[("name: Beteiligungsportal", "name: [a, b]")], false),
    ("a feature as a mapping", &[("      - Votes\n", "      - Votes: all\n")], false),
    ("localisationReady: yes", &[("localisationReady: true", "localisationReady: yes")], false),
    ("dependency optional: no", &[("optional: false", "optional: no")], false),
    ("IT as a string", &[("supports:\n", "IT: spid\nsupports:\n")], false),
    // Invalid: conditional rules.
    ("contractors with type community", &[("type: contract", "type: community")], false),
    ("type contract without contractors", &[("  contractors:\n    - name: Muster GmbH\n      until: \"2027-12-31\"\n      email: info@muster.example\n      website: https://muster.example\n", "")], false),
    ("type internal without contacts", &[
        ("type: contract", "type: internal"),
        ("  contractors:\n    - name: Muster GmbH\n      until: \"2027-12-31\"\n      email: info@muster.example\n      website: https://muster.example\n", ""),
        ("  contacts:\n    - name: Team Beteiligung\n      email: beteiligung@example.org\n      phone: \"+49 30 1234567\"\n", ""),
    ], false),
    ("both it and IT", &[("supports:\n", "IT:\n  piattaforme:\n    spid: true\nit:\n  piattaforme:\n    spid: true\nsupports:\n")], false),
    // Invalid: lengths.
    ("shortDescription over 150 characters", &[("Online participation for citizens", LONG_SHORT_DESCRIPTION)], false),
    ("longDescription under 150 characters", &[("    longDescription: >\n      The participation portal lets municipalities involve citizens in planning\n      online: collect proposals, comment, vote and document the results in a\n      transparent way.", "    longDescription: >\n      The participation portal lets municipalities involve citizens.\n      Nothing else.")], false),
    ("genericName over 35 characters", &[("    shortDescription: Online participation", "    genericName: Online participation portal for citizens\n    shortDescription: Online participation")], false),
    // Invalid: shapes of values.
    ("releaseDate in the wrong shape", &[("releaseDate: \"2025-03-31\"", "releaseDate: \"2025-3-31\"")], false),
    ("releaseDate empty", &[("releaseDate: \"2025-03-31\"", "releaseDate: \"\"")], false),
    ("contract end as DD.MM.YYYY", &[("until: \"2027-12-31\"", "until: \"31.12.2027\"")], false),
    ("a date that does not exist", &[("until: \"2027-12-31\"", "until: \"2027-02-29\"")], false),
    ("description language with underscore", &[("description:\n  de:", "description:\n  de_DE:")], false),
    ("description language as a word", &[("description:\n  de:", "description:\n  deutsch:")], false),
    ("available language with underscore", &[("availableLanguages: [de, en]", "availableLanguages: [de, en_GB]")], false),
    ("empty availableLanguages", &[("availableLanguages: [de, en]", "availableLanguages: []")], false),
    ("three-letter country code", &[("    - DE\n", "    - DEU\n")], false),
    ("country code in mixed case", &[("    - DE\n", "    - De\n")], false),
    ("supports id that is no URI", &[("id: alias:gdpr", "id: gdpr")], false),
    ("isBasedOn that is no URL", &[("softwareVersion:", "isBasedOn: [beteiligung]\nsoftwareVersion:")], false),
    ("url without scheme", &[("url: \"https://git.example.org/stadt/beteiligung.git\"", "url: git.example.org/stadt/beteiligung.git")], false),
    ("landingURL that is no web address", &[("landingURL: \"https://beteiligung.example.org\"", "landingURL: \"ftp://beteiligung.example.org\"")], false),
    ("video that is no web address", &[("      - https://www.youtube.com/watch?v=abcdefghijk", "      - youtube.com/watch?v=abcdefghijk")], false),
    ("e-mail without @", &[("email: beteiligung@example.org", "email: beteiligung(at)example.org")], false),
    ("logo of the wrong type", &[("logo: logo.svg", "logo: logo.gif")], false),
    ("logo as an absolute path", &[("logo: logo.svg", "logo: /srv/www/logo.svg")], false),
    ("logo outside the folder", &[("logo: logo.svg", "logo: ../logo.svg")], false),
    ("logo as a file: URL", &[("logo: logo.svg", "logo: file:///srv/logo.svg")], false),
    ("screenshot of the wrong type", &[("    videos:", "    screenshots: [shot.gif]\n    videos:")], false),
    ("IPA code with a character outside the registry's alphabet", &[("uri: \"https://www.musterstadt.example\"", "uri: \"urn:x-italian-pa:c-h501\"")], false),
    ("organisation.uri that is neither URL nor URN", &[("uri: \"https://www.musterstadt.example\"", "uri: musterstadt")], false),
    ("duplicate key", &[("name: Beteiligungsportal\n", "name: Beteiligungsportal\nname: Portal\n")], false),
    // Valid: the schema must not reject what the validator accepts.
    ("unquoted publiccodeYmlVersion", &[("publiccodeYmlVersion: \"0.7\"", "publiccodeYmlVersion: 0.7")], true),
    ("outdated publiccodeYmlVersion", &[("publiccodeYmlVersion: \"0.7\"", "publiccodeYmlVersion: \"0.2.1\"")], true),
    ("publiccodeYmlVersion 0", &[("publiccodeYmlVersion: \"0.7\"", "publiccodeYmlVersion: 0")], true),
    ("a number as name", &[("name: Beteiligungsportal", "name: 2048")], true),
    ("empty landingURL", &[("landingURL: \"https://beteiligung.example.org\"", "landingURL: \"\"")], true),
    ("landingURL without value", &[("landingURL: \"https://beteiligung.example.org\"", "landingURL:")], true),
    ("unquoted releaseDate", &[("releaseDate: \"2025-03-31\"", "releaseDate: 2025-03-31")], true),
    ("isBasedOn as one URL", &[("softwareVersion:", "isBasedOn: https://github.com/example/upstream\nsoftwareVersion:")], true),
    ("isBasedOn as a list", &[("softwareVersion:", "isBasedOn:\n  - https://github.com/example/upstream\n  - git://git.example.org/fork.git\nsoftwareVersion:")], true),
    ("lowercase country code", &[("    - DE\n", "    - de\n")], true),
    ("regional description language", &[("description:\n  de:", "description:\n  de-CH:")], true),
    ("shortDescription of exactly 150 characters", &[("Online participation for citizens", "Online participation for citizens, with proposals on a map, comments, votes and a transparent record of the results in the municipality's data centres")], true),
    ("type community with contacts", &[("type: contract", "type: community"), ("  contractors:\n    - name: Muster GmbH\n      until: \"2027-12-31\"\n      email: info@muster.example\n      website: https://muster.example\n", "")], true),
    ("type community, contractors without value", &[("type: contract", "type: community"), ("  contractors:\n    - name: Muster GmbH\n      until: \"2027-12-31\"\n      email: info@muster.example\n      website: https://muster.example\n", "  contractors:\n")], true),
    ("type none without contacts", &[
        ("type: contract", "type: none"),
        ("  contractors:\n    - name: Muster GmbH\n      until: \"2027-12-31\"\n      email: info@muster.example\n      website: https://muster.example\n", ""),
        ("  contacts:\n    - name: Team Beteiligung\n      email: beteiligung@example.org\n      phone: \"+49 30 1234567\"\n", ""),
    ], true),
    ("empty contractor e-mail", &[("email: info@muster.example", "email: \"\"")], true),
    ("organisation as an IPA URN", &[("uri: \"https://www.musterstadt.example\"", "uri: \"urn:x-italian-pa:c_h501\"")], true),
    ("supports id as a URN", &[("id: alias:gdpr", "id: \"urn:x-custom:eu-accessibility-act\"")], true),
    ("deprecated keys", &[
        ("logo: logo.svg", "logo: logo.svg\nmonochromeLogo: logo.svg\ninputTypes: [text/csv]"),
        ("    shortDescription: Online participation", "    genericName: Participation portal\n    shortDescription: Online participation"),
        ("  mainCopyrightOwner: Stadt Musterstadt", "  mainCopyrightOwner: Stadt Musterstadt\n  repoOwner: Stadt Musterstadt"),
    ], true),
    ("remote logo with a query", &[("logo: logo.svg", "logo: \"https://git.example.org/stadt/beteiligung/raw/logo.svg?inline=true\"")], true),
    ("Italian section", &[("supports:\n", "IT:\n  countryExtensionVersion: \"0.2\"\n  conforme:\n    gdpr: true\n  piattaforme:\n    spid: true\n    pagopa: false\n  riuso:\n    codiceIPA: c_h501\nsupports:\n")], true),
    ("Italian section, unquoted version", &[("supports:\n", "IT:\n  countryExtensionVersion: 1.0\nsupports:\n")], true),
    ("lowercase Italian section", &[("supports:\n", "it:\n  piattaforme:\n    cie: true\nsupports:\n")], true),
    ("optional keys without value", &[("dependsOn:\n", "applicationSuite:\nusedBy:\nroadmap:\nIT:\ndependsOn:\n")], true),
];

#[test]
fn edits_of_the_fixture_agree() {
    let schema = compiled();
    let dir = fixture_dir();
    let mut problems = Vec::new();
    let (mut valid, mut invalid) = (0, 0);
    for (name, edits, expect_valid) in CASES {
        let text = edit(edits);
        let errors = validator_errors(&text, &dir);
        assert_eq!(
            errors.is_empty(),
            *expect_valid,
            "case {name:?}: the validator says {errors:#?}, the case expects {}",
            if *expect_valid { "valid" } else { "invalid" }
        );
        if *expect_valid {
            valid += 1;
        } else {
            invalid += 1;
        }
        if let Some(d) = disagreement(&schema, &format!("case {name:?}"), &text, &dir) {
            problems.push(d);
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        invalid >= 25 && valid >= 10,
        "{invalid} invalid, {valid} valid"
    );
}

/// What only the validator can check: the schema accepts these, the validator rejects
/// them with exactly the expected finding.
const BEYOND_THE_SCHEMA: &[(&str, &str, &str, &str)] = &[
    (
        "licence that is no SPDX identifier",
        "license: EUPL-1.2 OR AGPL-3.0-or-later",
        "license: EUPL",
        "legal.license",
    ),
    (
        "language tag not in the IANA registry",
        "availableLanguages: [de, en]",
        "availableLanguages: [de, en, zz]",
        "localisation.availableLanguages[2]",
    ),
    (
        "country code not assigned in ISO 3166-1",
        "    - DE\n",
        "    - XX\n",
        "intendedAudience.countries[0]",
    ),
    (
        "logo file that does not exist",
        "logo: logo.svg",
        "logo: missing.svg",
        "logo",
    ),
    (
        "logo file that is no PNG",
        "logo: logo.svg",
        "logo: fake.png",
        "logo",
    ),
];

#[test]
fn rules_beyond_the_schema_are_only_checked_by_the_validator() {
    let schema = compiled();
    let dir = fixture_dir();
    for (name, from, to, key) in BEYOND_THE_SCHEMA {
        let text = edit(&[(from, to)]);
        let by_schema = schema_errors(&schema, &text);
        assert!(
            by_schema.is_empty(),
            "{name}: the schema now rejects it: {by_schema:#?}"
        );
        let keys: Vec<String> = validate(text.as_bytes(), Some(&dir))
            .findings
            .into_iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| f.key)
            .collect();
        assert_eq!(keys, [*key], "{name}");
    }
}

/// JSON Schema counts code points, the validator user-perceived characters: 150 accented
/// letters written with combining accents are 300 code points.
#[test]
fn lengths_differ_for_combining_characters() {
    let schema = compiled();
    let short = "e\u{301}".repeat(150);
    let text = edit(&[("Online participation for citizens", &short)]);
    assert!(validator_errors(&text, &fixture_dir()).is_empty());
    let by_schema = schema_errors(&schema, &text);
    assert_eq!(by_schema.len(), 1, "{by_schema:#?}");
    assert!(by_schema[0].starts_with("/description/en/shortDescription"));
}
