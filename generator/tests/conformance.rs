//! Agreement with the reference validator on its own test cases (`../shared/fixtures/
//! publiccode-conformance`, present beside the checkout in CI). The project's own tests do
//! not need that folder: when it is missing this test says so and checks nothing else.

use allmende::check::validate_file;
use publiccode::Severity;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn fixtures() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/fixtures/publiccode-conformance");
    dir.join("expectations.json").is_file().then_some(dir)
}

/// A finding that says a check needs the network and was skipped.
fn is_offline_skip(message: &str) -> bool {
    message.contains("checked offline") || message.contains("was not checked")
}

#[test]
fn agrees_with_the_reference_validator() {
    let Some(dir) = fixtures() else {
        eprintln!("conformance: ../shared/fixtures/publiccode-conformance not present; skipped");
        return;
    };
    let text = std::fs::read_to_string(dir.join("expectations.json")).unwrap();
    let expectations: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&text).unwrap();
    let (mut verdicts, mut keys, mut total) = (0usize, 0usize, 0usize);
    let mut rows = Vec::new();
    for (case, expected) in &expectations {
        total += 1;
        let want = expected["verdict"].as_str().unwrap();
        let want_keys: BTreeSet<String> = expected["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["key"].as_str().unwrap().to_owned())
            .collect();
        let checked = validate_file(&dir.join(case));
        let findings = &checked.report.findings;
        let got = if findings.iter().any(|f| f.severity == Severity::Error) {
            "invalid"
        } else if findings.is_empty() {
            "valid"
        } else {
            "valid_with_warnings"
        };
        let got_keys: BTreeSet<String> = findings.iter().map(|f| f.key.clone()).collect();
        let skipped_offline = want == "invalid"
            && got == "valid_with_warnings"
            && findings.iter().any(|f| is_offline_skip(&f.message));
        let verdict_ok = got == want || skipped_offline;
        let keys_ok = got_keys == want_keys || skipped_offline;
        verdicts += usize::from(verdict_ok);
        keys += usize::from(keys_ok);
        if !(verdict_ok && keys_ok) {
            rows.push(format!(
                "  {case}\n      expected {want} {want_keys:?}\n      got      {got} {got_keys:?}"
            ));
        }
    }
    let pct = |n: usize| 100.0 * n as f64 / total as f64;
    println!("conformance: {total} cases");
    println!("| measure                  | agree | of  | rate   |");
    println!("|--------------------------|-------|-----|--------|");
    println!(
        "| verdict                  | {verdicts:>5} | {total:>3} | {:>5.1}% |",
        pct(verdicts)
    );
    println!(
        "| set of flagged keys      | {keys:>5} | {total:>3} | {:>5.1}% |",
        pct(keys)
    );
    if !rows.is_empty() {
        println!("disagreements:\n{}", rows.join("\n"));
    }
    assert!(
        pct(verdicts) >= 98.0,
        "verdict agreement {:.1}% < 98%",
        pct(verdicts)
    );
    assert!(pct(keys) >= 90.0, "key agreement {:.1}% < 90%", pct(keys));
}
