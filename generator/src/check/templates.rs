//! Ticket templates (`ticket-templates/*.yml` next to the catalogue's entries or for the
//! whole catalogue) are checked with the entries, so a broken one fails the merge request
//! instead of stopping the API at its next start.

use super::Checked;
use publiccode::{Finding, Pos, Report, Severity, Text};
use std::path::{Path, PathBuf};

/// Template files under the given folders (files given directly are publiccode.yml files).
fn find(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = paths
        .iter()
        .filter(|p| p.is_dir())
        .flat_map(|p| walkdir::WalkDir::new(p).into_iter().filter_map(Result::ok))
        .map(|e| e.into_path())
        .filter(|p| {
            p.parent()
                .and_then(Path::file_name)
                .is_some_and(|n| n == "ticket-templates")
                && p.extension().is_some_and(|x| x == "yml" || x == "yaml")
                && p.is_file()
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// One `Checked` per template file: empty when valid, one error when not.
pub fn check(paths: &[PathBuf]) -> Vec<Checked> {
    find(paths)
        .into_iter()
        .map(|path| {
            let mut findings = Vec::new();
            let display = path.display().to_string();
            let id = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("template");
            let result = std::fs::read_to_string(&path)
                .map_err(|e| (Pos::FILE, format!("cannot read: {e}")))
                .and_then(|text| {
                    allmende_api::tickets::templates::parse(&display, id, &text).map_err(|e| {
                        (
                            Pos::new(e.line as u32, e.column as u32),
                            e.message,
                        )
                    })
                });
            if let Err((pos, message)) = result {
                findings.push(Finding {
                    severity: Severity::Error,
                    key: String::new(),
                    pos,
                    message: Text::new(
                        format!("ticket template: {message}"),
                        format!("Ticketvorlage: {message}"),
                    ),
                    hint: Text::new(
                        "ticket templates use GitHub's issue-form syntax: name, description, optional title/labels, and body: a list of elements (type markdown, textarea, input, dropdown or checkboxes, each with attributes.label); see README.md, «Ticket templates»",
                        "Ticketvorlagen folgen der Syntax der GitHub-Issue-Formulare: name, description, wahlweise title/labels, und body: eine Liste von Elementen (type markdown, textarea, input, dropdown oder checkboxes, jeweils mit attributes.label); siehe README.md, «Ticket templates»",
                    ),
                });
            }
            Checked {
                path,
                report: Report {
                    model: None,
                    findings,
                    links: Vec::new(),
                },
                source: None,
                key: None,
            }
        })
        .collect()
}
