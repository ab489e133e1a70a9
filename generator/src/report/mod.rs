//! Output formats of `allmende check`: a compiler-style text for people, and JSON, JUnit,
//! GitLab Code Quality and SARIF for CI systems.

mod human;
mod machine;

use crate::check::{Checked, Summary};
use publiccode::Lang;
use std::io::{self, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Junit,
    Gitlab,
    Sarif,
}

pub fn render(
    format: Format,
    checked: &[Checked],
    summary: &Summary,
    color: bool,
    lang: Lang,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::render(checked, summary, color, lang, out),
        Format::Json => machine::json(checked, summary, lang, out),
        Format::Junit => machine::junit(checked, summary, lang, out),
        Format::Gitlab => machine::gitlab(checked, lang, out),
        Format::Sarif => machine::sarif(checked, lang, out),
    }
}

/// Paths in reports use `/` on every platform, so CI annotations match repository paths.
pub fn display_path(p: &std::path::Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}
