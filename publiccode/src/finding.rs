//! A finding is one thing wrong (or doubtful) about a publiccode.yml file, located precisely
//! enough that an editor or CI annotation can jump to it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// 1-based line and column; `0, 0` means "the whole file".
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

impl Pos {
    pub const FILE: Pos = Pos { line: 0, column: 0 };
    pub fn new(line: u32, column: u32) -> Self {
        Pos { line, column }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub severity: Severity,
    /// Dotted key path such as `description.de.features[2]`; empty for the whole document.
    pub key: String,
    #[serde(flatten)]
    pub pos: Pos,
    pub message: String,
    pub hint: String,
}

impl Finding {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Collects findings in document order while rules run.
#[derive(Debug, Default)]
pub struct Findings {
    items: Vec<Finding>,
}

impl Findings {
    pub fn error(
        &mut self,
        key: &str,
        pos: Pos,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push(Severity::Error, key, pos, message, hint);
    }

    pub fn warning(
        &mut self,
        key: &str,
        pos: Pos,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push(Severity::Warning, key, pos, message, hint);
    }

    pub fn push(
        &mut self,
        severity: Severity,
        key: &str,
        pos: Pos,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.items.push(Finding {
            severity,
            key: key.to_owned(),
            pos,
            message: message.into(),
            hint: hint.into(),
        });
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Finding::is_error)
    }

    /// Sorted by position so output reads top to bottom like the file; stable for equal
    /// positions to keep the order in which rules found them.
    pub fn into_sorted(mut self) -> Vec<Finding> {
        self.items.sort_by_key(|f| f.pos);
        self.items
    }
}
