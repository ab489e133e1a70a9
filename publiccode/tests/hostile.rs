//! Hostile and broken input: each case must end in a clear finding, never a panic or a hang.

use proptest::prelude::*;
use publiccode::{Finding, validate};
use std::time::{Duration, Instant};

fn only_finding(bytes: &[u8]) -> Finding {
    let started = Instant::now();
    let report = validate(bytes, None);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    assert!(report.model.is_none());
    let errors: Vec<_> = report
        .findings
        .into_iter()
        .filter(Finding::is_error)
        .collect();
    assert!(!errors.is_empty(), "no error reported");
    errors.into_iter().next().unwrap()
}

#[test]
fn a_50_mb_file_is_refused_without_parsing() {
    let big = format!("name: \"{}\"\n", "x".repeat(50 * 1024 * 1024));
    let f = only_finding(big.as_bytes());
    assert!(f.message.contains("at most"), "{}", f.message);
}

#[test]
fn deep_nesting() {
    let deep = format!("a: {}1{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let f = only_finding(deep.as_bytes());
    assert!(f.message.starts_with("invalid YAML"), "{}", f.message);
    let mut block = String::new();
    for i in 0..500 {
        block.push_str(&" ".repeat(i * 2));
        block.push_str("k:\n");
    }
    only_finding(block.as_bytes());
}

#[test]
fn billion_laughs() {
    let mut doc = String::from(
        "a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 1..10 {
        let prev = format!("*a{}", i - 1);
        doc.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 9].join(",")));
    }
    let f = only_finding(doc.as_bytes());
    assert!(f.message.starts_with("invalid YAML"), "{}", f.message);
}

#[test]
fn tabs_for_indentation() {
    let f = only_finding(b"legal:\n\tlicense: MIT\n");
    assert!(f.hint.contains("spaces"), "{}", f.hint);
    assert_eq!(f.pos.line, 2);
}

#[test]
fn crlf_line_endings_are_a_warning() {
    let report = validate(b"publiccodeYmlVersion: \"0.7\"\r\nname: x\r\n", None);
    let crlf = report
        .findings
        .iter()
        .find(|f| f.message.contains("CRLF"))
        .expect("CRLF finding");
    assert!(!crlf.is_error());
    // The document itself was still read and checked.
    assert!(report.findings.iter().any(|f| f.key == "url"));
}

#[test]
fn byte_order_mark() {
    let report = validate("\u{feff}publiccodeYmlVersion: \"0.7\"\n".as_bytes(), None);
    let bom = report
        .findings
        .iter()
        .find(|f| f.message.contains("byte-order mark"))
        .expect("BOM finding");
    assert!(bom.hint.contains("without BOM"));
    assert!(
        report.findings.iter().any(|f| f.key == "name"),
        "parsing continued after the BOM"
    );
}

#[test]
fn latin1_bytes() {
    let f = only_finding(b"name: B\xfcrgerportal\n");
    assert!(
        f.message.contains("UTF-8") && f.message.contains("'\u{fc}'"),
        "{}",
        f.message
    );
    assert_eq!((f.pos.line, f.pos.column), (1, 8));
}

#[test]
fn duplicate_keys_and_several_documents() {
    let f = only_finding(b"name: a\nname: b\n");
    assert!(f.message.contains("duplicate"), "{}", f.message);
    assert_eq!(f.pos.line, 2);
    let f = only_finding(b"name: a\n---\nname: b\n");
    assert!(f.message.starts_with("invalid YAML"), "{}", f.message);
}

#[test]
fn empty_and_non_mapping_documents() {
    assert!(only_finding(b"").message.contains("empty"));
    assert!(only_finding(b"   \n").message.contains("empty"));
    assert!(only_finding(b"- a\n- b\n").message.contains("mapping"));
    assert!(only_finding(b"just text\n").message.contains("mapping"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Arbitrary bytes never panic.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = validate(&bytes, None);
    }

    /// YAML-shaped noise (keys of the standard, indentation, flow syntax, anchors) never panics.
    #[test]
    fn yaml_shaped_noise_never_panics(parts in proptest::collection::vec(prop_oneof![
        Just("publiccodeYmlVersion: \"0.7\"\n"), Just("name: x\n"), Just("description:\n"),
        Just("  de:\n"), Just("    features:\n"), Just("      - a\n"), Just("  - "), Just("[a, {b: c}]"),
        Just("&x "), Just("*x\n"), Just("? "), Just(": "), Just("\n"), Just("  "), Just("\t"),
        Just("\"unterminated"), Just("'q'"), Just("|\n  block\n"), Just("!!binary "), Just("<<: *x\n"),
        Just("maintenance: {type: contract}\n"), Just("legal: {license: MIT OR}\n"), Just("yes"), Just("~"),
    ], 0..40)) {
        let text: String = parts.concat();
        let _ = validate(text.as_bytes(), None);
    }
}
