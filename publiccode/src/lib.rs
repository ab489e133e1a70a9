//! publiccode.yml: parse, validate and model, with every finding located by file position
//! and key path. Versions 0 … 0.7 of the standard.

pub mod files;
pub mod finding;
pub mod formats;
pub mod model;
pub mod read;
pub mod rules;
pub mod vocab;
pub mod yaml;

pub use finding::{Finding, Lang, Pos, Severity, Text};
pub use model::PublicCode;

use std::path::Path;

/// The result of checking one file: all findings, and the model when there were no errors.
#[derive(Debug)]
pub struct Report {
    pub model: Option<PublicCode>,
    pub findings: Vec<Finding>,
    /// Web addresses in the file, for `--network` checks.
    pub links: Vec<rules::Link>,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.findings.iter().filter(|f| f.is_error()).count()
    }
    pub fn warnings(&self) -> usize {
        self.findings.len() - self.errors()
    }
}

/// Validates the bytes of a publiccode.yml. `base_dir` is the folder the file lives in, used
/// to check relative logo and screenshot paths; `None` skips those existence checks.
pub fn validate(bytes: &[u8], base_dir: Option<&Path>) -> Report {
    let mut findings = finding::Findings::default();
    let mut links = Vec::new();
    let model = yaml::parse(bytes, &mut findings).and_then(|root| {
        let mut walk = rules::Walk {
            f: &mut findings,
            base_dir,
            modern: false,
            links: Vec::new(),
        };
        let model = walk.root(&root);
        links = walk.links;
        model
    });
    let model = if findings.has_errors() { None } else { model };
    Report {
        model,
        findings: findings.into_sorted(),
        links,
    }
}
