//! A finding is one thing wrong (or doubtful) about a publiccode.yml file, located precisely
//! enough that an editor or CI annotation can jump to it.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// 1-based line and column; `0, 0` means "the whole file".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
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

/// The languages findings are written in. Contributors in public administrations read German;
/// the standard and most tooling speak English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    De,
    #[default]
    En,
}

impl Lang {
    /// `de` for a German locale (`de`, `de_DE.UTF-8`, `de-AT`), English otherwise.
    pub fn from_locale(locale: &str) -> Lang {
        let l = locale.trim().to_ascii_lowercase();
        if l == "de" || l.starts_with("de_") || l.starts_with("de-") || l.starts_with("de.") {
            Lang::De
        } else {
            Lang::En
        }
    }

    /// The language of the environment, as `gettext` decides it: `LC_ALL`, then
    /// `LC_MESSAGES`, then `LANG`; the first one that is set and not empty wins.
    pub fn from_env() -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
            .map(|v| Lang::from_locale(&v))
            .unwrap_or_default()
    }
}

/// A text in both languages. It reads as its English text where one string is expected
/// (`Display`, `Deref<Target = str>`), which keeps fingerprints and tests language-neutral.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Text {
    pub en: String,
    pub de: String,
}

impl Text {
    pub fn new(en: impl Into<String>, de: impl Into<String>) -> Self {
        Text {
            en: en.into(),
            de: de.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::De => &self.de,
            Lang::En => &self.en,
        }
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.en
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en)
    }
}

impl Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.en)
    }
}

/// `text!("English {x}", "Deutsch {x}")`: both texts formatted from the same arguments in scope.
#[macro_export]
macro_rules! text {
    ($en:literal, $de:literal $(,)?) => {
        $crate::finding::Text {
            en: format!($en),
            de: format!($de),
        }
    };
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// Dotted key path such as `description.de.features[2]`; empty for the whole document.
    pub key: String,
    #[serde(flatten)]
    pub pos: Pos,
    pub message: Text,
    pub hint: Text,
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
    pub fn error(&mut self, key: &str, pos: Pos, message: Text, hint: Text) {
        self.push(Severity::Error, key, pos, message, hint);
    }

    pub fn warning(&mut self, key: &str, pos: Pos, message: Text, hint: Text) {
        self.push(Severity::Warning, key, pos, message, hint);
    }

    pub fn push(&mut self, severity: Severity, key: &str, pos: Pos, message: Text, hint: Text) {
        self.items.push(Finding {
            severity,
            key: key.to_owned(),
            pos,
            message,
            hint,
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
