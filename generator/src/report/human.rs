use super::display_path;
use crate::check::{Checked, Summary};
use publiccode::{Finding, Lang, Severity};
use std::io::{self, Write};

struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
}

pub fn render(
    checked: &[Checked],
    summary: &Summary,
    color: bool,
    lang: Lang,
    out: &mut dyn Write,
) -> io::Result<()> {
    let style = Style { on: color };
    for c in checked {
        if c.report.findings.is_empty() {
            continue;
        }
        // Only files with findings are read again, for the snippets.
        let source = std::fs::read(&c.path)
            .ok()
            .map(|b| String::from_utf8_lossy(&b).into_owned());
        for f in &c.report.findings {
            finding(
                out,
                &style,
                lang,
                &display_path(&c.path),
                source.as_deref(),
                f,
            )?;
        }
    }
    let (invalid, warned, valid) = match lang {
        Lang::En => ("invalid", "valid with warnings", "valid"),
        Lang::De => ("ungültig", "gültig mit Warnungen", "gültig"),
    };
    let status = if summary.errors > 0 {
        style.paint("1;31", invalid)
    } else if summary.warnings > 0 {
        style.paint("1;33", warned)
    } else {
        style.paint("1;32", valid)
    };
    let (files, errors, warnings) = (summary.files, summary.errors, summary.warnings);
    match lang {
        Lang::En => writeln!(
            out,
            "{status}: {files} file{} checked, {errors} error{}, {warnings} warning{}",
            plural(files, "", "s"),
            plural(errors, "", "s"),
            plural(warnings, "", "s")
        ),
        Lang::De => writeln!(
            out,
            "{status}: {files} Datei{} geprüft, {errors} Fehler, {warnings} Warnung{}",
            plural(files, "", "en"),
            plural(warnings, "", "en")
        ),
    }
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

fn finding(
    out: &mut dyn Write,
    style: &Style,
    lang: Lang,
    path: &str,
    source: Option<&str>,
    f: &Finding,
) -> io::Result<()> {
    let (error, warning, hint) = match lang {
        Lang::En => ("error", "warning", "= hint:"),
        Lang::De => ("Fehler", "Warnung", "= Hinweis:"),
    };
    let label = match f.severity {
        Severity::Error => style.paint("1;31", error),
        Severity::Warning => style.paint("1;33", warning),
    };
    let key = if f.key.is_empty() {
        String::new()
    } else {
        format!("[{}] ", f.key)
    };
    writeln!(
        out,
        "{label}: {key}{}",
        style.paint("1", f.message.get(lang))
    )?;
    if f.pos.line == 0 {
        writeln!(out, "  {} {path}", style.paint("34", "-->"))?;
    } else {
        writeln!(
            out,
            "  {} {path}:{}:{}",
            style.paint("34", "-->"),
            f.pos.line,
            f.pos.column
        )?;
        if let Some(line) = source.and_then(|s| s.lines().nth(f.pos.line as usize - 1)) {
            let number = f.pos.line.to_string();
            let pad = " ".repeat(number.len());
            let line = line.trim_end_matches('\r');
            // Tabs would misplace the caret; show them as single spaces.
            let shown: String = line
                .chars()
                .take(160)
                .map(|c| if c == '\t' { ' ' } else { c })
                .collect();
            let caret_at = (f.pos.column as usize)
                .saturating_sub(1)
                .min(shown.chars().count());
            writeln!(out, "{pad} {}", style.paint("34", "|"))?;
            writeln!(
                out,
                "{} {} {shown}",
                style.paint("34", &number),
                style.paint("34", "|")
            )?;
            writeln!(
                out,
                "{pad} {} {}{}",
                style.paint("34", "|"),
                " ".repeat(caret_at),
                style.paint(if f.is_error() { "1;31" } else { "1;33" }, "^")
            )?;
        }
    }
    if !f.hint.is_empty() {
        writeln!(out, "  {} {}", style.paint("36", hint), f.hint.get(lang))?;
    }
    writeln!(out)
}
