//! `allmende check`: validate publiccode.yml files one by one (in parallel), then the rules
//! that span the catalogue (slugs, unique URLs, references between entries).

pub mod catalogue;
pub mod network;
pub mod templates;

use publiccode::{Finding, Pos, Report, Severity, Text, text};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

pub const FILE_NAMES: &[&str] = &["publiccode.yml", "publiccode.yaml"];

#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("{path}: no such file or folder")]
    NotFound { path: PathBuf },
    #[error("{path}: no publiccode.yml found in this folder or below")]
    Empty { path: PathBuf },
    #[error("{path}: {source}")]
    Walk {
        path: PathBuf,
        source: walkdir::Error,
    },
}

/// One checked file.
#[derive(Debug)]
pub struct Checked {
    pub path: PathBuf,
    pub report: Report,
    /// The file as read, when it was read as UTF-8 (the catalogue keeps it for the raw
    /// download instead of reading every file twice).
    pub source: Option<String>,
    /// The entry cache's key of the file (a hash of everything its model is made from),
    /// when it went through the cache.
    pub key: Option<[u8; 32]>,
}

impl Checked {
    pub fn add(&mut self, severity: Severity, key: &str, pos: Pos, message: Text, hint: Text) {
        self.report.findings.push(Finding {
            severity,
            key: key.to_owned(),
            pos,
            message,
            hint,
        });
        if severity == Severity::Error {
            self.report.model = None;
        }
    }
}

/// Files named by the user: files as given, folders searched for publiccode.yml files.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CheckError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_file() {
            files.push(path.clone());
            continue;
        }
        if !path.is_dir() {
            return Err(CheckError::NotFound { path: path.clone() });
        }
        let before = files.len();
        files.extend(find_in(path).map_err(|source| CheckError::Walk {
            path: path.clone(),
            source,
        })?);
        if files.len() == before {
            return Err(CheckError::Empty { path: path.clone() });
        }
    }
    files.dedup();
    Ok(files)
}

/// publiccode.yml files under `dir`, sorted. Sub-folders are searched in parallel: a
/// catalogue is one folder per entry, and listing ten thousand folders one by one is
/// most of the time a check takes.
fn find_in(dir: &Path) -> Result<Vec<PathBuf>, walkdir::Error> {
    let mut files = Vec::new();
    let mut subdirs = Vec::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1).max_depth(1) {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy();
        if entry.file_type().is_dir() {
            subdirs.push(entry.into_path());
        } else if entry.file_type().is_file() && FILE_NAMES.contains(&name.as_ref()) {
            files.push(entry.into_path());
        }
    }
    let nested: Vec<Vec<PathBuf>> = subdirs
        .par_iter()
        .map(|d| find_in(d))
        .collect::<Result<_, _>>()?;
    files.extend(nested.into_iter().flatten());
    files.sort();
    Ok(files)
}

/// Reads and validates every file in parallel; order follows `files`.
pub fn validate_all(files: &[PathBuf]) -> Vec<Checked> {
    files.par_iter().map(|p| validate_file(p)).collect()
}

pub fn validate_file(path: &Path) -> Checked {
    let mut source = None;
    let report = match read_limited(path) {
        Ok(bytes) => {
            let report = publiccode::validate(&bytes, path.parent());
            source = String::from_utf8(bytes).ok();
            report
        }
        Err(message) => Report {
            model: None,
            findings: vec![Finding {
                severity: Severity::Error,
                key: String::new(),
                pos: Pos::FILE,
                message,
                hint: text!(
                    "check that the file exists, is readable and is a publiccode.yml",
                    "prüfen Sie, ob die Datei existiert, lesbar ist und eine publiccode.yml ist"
                ),
            }],
            links: Vec::new(),
        },
    };
    Checked {
        path: path.to_owned(),
        report,
        source,
        key: None,
    }
}

/// Reads at most one byte more than the limit, so a huge file is refused without loading it.
fn read_limited(path: &Path) -> Result<Vec<u8>, Text> {
    use std::io::Read;
    let unreadable =
        |e: std::io::Error| text!("cannot read file: {e}", "die Datei ist nicht lesbar: {e}");
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mut bytes = Vec::new();
    file.take(publiccode::yaml::MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() > publiccode::yaml::MAX_FILE_BYTES {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let max = publiccode::yaml::MAX_FILE_BYTES;
        return Err(text!(
            "file is {size} bytes; a publiccode.yml may be at most {max} bytes",
            "die Datei hat {size} Bytes; eine publiccode.yml darf höchstens {max} Bytes haben"
        ));
    }
    Ok(bytes)
}

pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
}

pub fn summarise(checked: &[Checked]) -> Summary {
    Summary {
        files: checked.len(),
        errors: checked.iter().map(|c| c.report.errors()).sum(),
        warnings: checked.iter().map(|c| c.report.warnings()).sum(),
    }
}
