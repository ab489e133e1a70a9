use super::display_path;
use crate::check::{Checked, Summary};
use publiccode::{Finding, Lang, Severity};
use serde_json::{Value, json};
use std::io::{self, Write};

fn write_json(out: &mut dyn Write, v: &Value) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, v)?;
    writeln!(out)
}

/// The shape fixed in design.md (section Command line): scripts depend on it.
pub fn json(
    checked: &[Checked],
    summary: &Summary,
    lang: Lang,
    out: &mut dyn Write,
) -> io::Result<()> {
    let finding = |f: &Finding| {
        json!({
            "severity": severity_name(f.severity),
            "key": f.key,
            "line": f.pos.line,
            "column": f.pos.column,
            "message": f.message.get(lang),
            "hint": f.hint.get(lang),
        })
    };
    let files: Vec<Value> = checked
        .iter()
        .map(|c| {
            let findings: Vec<Value> = c.report.findings.iter().map(finding).collect();
            json!({"path": display_path(&c.path), "findings": findings})
        })
        .collect();
    write_json(
        out,
        &json!({
            "files": files,
            "summary": {"files": summary.files, "errors": summary.errors, "warnings": summary.warnings}
        }),
    )
}

use crate::markup::escape as xml_escape;

/// One test case per file; each error is a failure (warnings go to system-out).
pub fn junit(
    checked: &[Checked],
    summary: &Summary,
    lang: Lang,
    out: &mut dyn Write,
) -> io::Result<()> {
    let (hint_label, warning_label) = match lang {
        Lang::En => ("hint", "warning"),
        Lang::De => ("Hinweis", "Warnung"),
    };
    let failed = checked.iter().filter(|c| c.report.errors() > 0).count();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="allmende check" tests="{}" failures="{failed}">"#,
        summary.files
    )?;
    writeln!(
        out,
        r#"  <testsuite name="publiccode.yml" tests="{}" failures="{failed}" errors="0">"#,
        summary.files
    )?;
    for c in checked {
        let path = xml_escape(&display_path(&c.path));
        writeln!(
            out,
            r#"    <testcase classname="publiccode.yml" name="{path}" file="{path}">"#
        )?;
        let mut warnings = String::new();
        for f in &c.report.findings {
            let text = format!(
                "{}:{}:{}: [{}] {} ({hint_label}: {})",
                display_path(&c.path),
                f.pos.line,
                f.pos.column,
                f.key,
                f.message.get(lang),
                f.hint.get(lang)
            );
            if f.severity == Severity::Error {
                writeln!(
                    out,
                    r#"      <failure message="{}" type="error">{}</failure>"#,
                    xml_escape(f.message.get(lang)),
                    xml_escape(&text)
                )?;
            } else {
                warnings.push_str(&format!("{warning_label}: {text}\n"));
            }
        }
        if !warnings.is_empty() {
            writeln!(
                out,
                "      <system-out>{}</system-out>",
                xml_escape(&warnings)
            )?;
        }
        writeln!(out, "    </testcase>")?;
    }
    writeln!(out, "  </testsuite>\n</testsuites>")
}

/// A stable fingerprint (FNV-1a) so GitLab can tell new findings from old ones across runs.
/// It is taken over the English message, so it does not change with the reader's language.
fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100000001b3);
        }
    }
    format!("{h:016x}")
}

/// GitLab Code Quality report (a JSON array of issues).
pub fn gitlab(checked: &[Checked], lang: Lang, out: &mut dyn Write) -> io::Result<()> {
    let hint_label = match lang {
        Lang::En => "hint",
        Lang::De => "Hinweis",
    };
    let mut issues = Vec::new();
    for c in checked {
        let path = display_path(&c.path);
        for f in &c.report.findings {
            issues.push(json!({
                "description": format!("{}: {} ({hint_label}: {})", f.key, f.message.get(lang), f.hint.get(lang)),
                "check_name": format!("publiccode.{}", severity_name(f.severity)),
                "fingerprint": fingerprint(&[&path, &f.key, &f.message.en]),
                "severity": if f.severity == Severity::Error { "major" } else { "minor" },
                "location": {"path": path, "lines": {"begin": f.pos.line.max(1)}},
            }));
        }
    }
    write_json(out, &Value::Array(issues))
}

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// SARIF 2.1.0, as read by GitHub code scanning and most IDEs.
pub fn sarif(checked: &[Checked], lang: Lang, out: &mut dyn Write) -> io::Result<()> {
    let hint_label = match lang {
        Lang::En => "Hint",
        Lang::De => "Hinweis",
    };
    let mut results = Vec::new();
    for c in checked {
        let path = display_path(&c.path);
        for f in &c.report.findings {
            let mut location = json!({"physicalLocation": {"artifactLocation": {"uri": path}}});
            if f.pos.line > 0 {
                location["physicalLocation"]["region"] =
                    json!({"startLine": f.pos.line, "startColumn": f.pos.column.max(1)});
            }
            results.push(json!({
                "ruleId": format!("publiccode/{}", severity_name(f.severity)),
                "level": severity_name(f.severity),
                "message": {"text": format!("{}: {}\n{hint_label}: {}", f.key, f.message.get(lang), f.hint.get(lang))},
                "locations": [location],
                "partialFingerprints": {"allmende/v1": fingerprint(&[&path, &f.key, &f.message.en])},
            }));
        }
    }
    let rule = |id: &str, text: &str| json!({"id": id, "shortDescription": {"text": text}});
    write_json(
        out,
        &json!({
            "version": "2.1.0",
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "runs": [{
                "tool": {"driver": {
                    "name": "allmende check",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://yml.publiccode.tools/",
                    "rules": [
                        rule("publiccode/error", "publiccode.yml does not conform to the standard"),
                        rule("publiccode/warning", "publiccode.yml uses deprecated or doubtful values"),
                    ],
                }},
                "results": results,
            }],
        }),
    )
}
