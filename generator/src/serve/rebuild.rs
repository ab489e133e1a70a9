//! One (re)build of the preview. The entries are checked first and their findings printed
//! as `allmende check` prints them. Entries with errors are left out of the first build
//! (as with `allmende build --keep-going`); after that, an entry that is on the served site
//! and becomes invalid holds the whole site at its last good state until it is fixed, so
//! the page being edited does not vanish. Any other failure (theme, template, config,
//! writing) also keeps the last good site. Problems go to the terminal and to the browser.

use super::live::{Live, Problem};
use crate::check::{self, CheckError, Checked};
use crate::config::Config;
use crate::report::{self, Format};
use crate::site::{self, BuildOptions};
use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

pub struct Builder {
    config_path: PathBuf,
    /// The configuration serving started with; its folders stay fixed for the whole run.
    config: Config,
    /// Entries with errors that the site on disk was built without.
    left_out: BTreeSet<PathBuf>,
    live: Arc<Live>,
}

enum Outcome {
    Published {
        summary: site::Summary,
        problem: Option<Problem>,
    },
    /// The site on disk was kept; `printed` when the details are findings already printed.
    Held { problem: Problem, printed: bool },
}

impl Builder {
    pub fn new(config_path: PathBuf, config: Config, live: Arc<Live>) -> Self {
        Builder {
            config_path,
            config,
            left_out: BTreeSet::new(),
            live,
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The first build: invalid entries are left out.
    pub fn initial(&mut self) {
        self.run(true);
    }

    /// A build after `changed` files changed.
    pub fn rebuild(&mut self, changed: &[PathBuf]) {
        let shown: Vec<String> = changed
            .iter()
            .take(3)
            .map(|p| report::display_path(p))
            .collect();
        let more = changed.len().saturating_sub(shown.len());
        println!(
            "changed: {}{}",
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        );
        self.run(false);
    }

    fn run(&mut self, first: bool) {
        self.live.set_building(true);
        let outcome = self.attempt(first);
        match outcome {
            Outcome::Published { summary, problem } => {
                println!("{summary} → {}", self.config.output_dir.display());
                if let Some(p) = &problem {
                    eprintln!("warning: {}", p.title_en);
                }
                let changed = summary.written > 0
                    || summary.removed > 0
                    || self.live.problem().as_deref() != problem.as_ref();
                if first || changed {
                    self.live.published(problem);
                }
            }
            Outcome::Held { problem, printed } => {
                eprintln!("error: {}", problem.title_en);
                if !printed {
                    eprintln!("{}", problem.details);
                }
                self.live.held(problem);
            }
        }
        // Only now: a request that waited for the build sees its banner state too.
        self.live.set_building(false);
    }

    fn attempt(&mut self, first: bool) -> Outcome {
        let config = match self.reload_config() {
            Ok(c) => c,
            Err(message) => return failed(message),
        };
        let checked = match check_entries(&config) {
            Ok(c) => c,
            Err(e) => return failed(e.to_string()),
        };
        let invalid: BTreeSet<PathBuf> = checked
            .iter()
            .filter(|c| c.report.model.is_none())
            .map(|c| c.path.clone())
            .collect();
        let findings = print_findings(&checked);
        let newly = if first {
            0
        } else {
            invalid.difference(&self.left_out).count()
        };
        if newly > 0 {
            let problem = Problem {
                title_de: format!(
                    "Die Seite wurde nicht neu erzeugt: {} mit Fehlern. Gezeigt wird der letzte fehlerfreie Stand.",
                    entries_de(invalid.len())
                ),
                title_en: format!(
                    "Nothing was rebuilt: {} with errors. Showing the last good version.",
                    entries_en(invalid.len())
                ),
                details: findings,
            };
            return Outcome::Held {
                problem,
                printed: true,
            };
        }
        // The entries just checked are built as they are: validating once per rebuild.
        match site::build_from(
            &config,
            &BuildOptions {
                keep_going: true,
                progress: false,
                clean: false,
            },
            Some(checked),
        ) {
            Ok(summary) => {
                self.left_out = invalid;
                let problem = (!self.left_out.is_empty()).then(|| Problem {
                    title_de: format!(
                        "{} mit Fehlern ausgelassen.",
                        entries_de(self.left_out.len())
                    ),
                    title_en: format!("{} with errors left out.", entries_en(self.left_out.len())),
                    details: findings,
                });
                Outcome::Published { summary, problem }
            }
            Err(e) => failed(e.to_string()),
        }
    }

    /// site.toml is read again on every build; the folders stay those serving started with.
    fn reload_config(&mut self) -> Result<Config, String> {
        let mut config =
            crate::cli::load_config(&self.config_path, None, None).map_err(|e| e.to_string())?;
        for (name, now, running) in [
            ("content_dir", &config.content_dir, &self.config.content_dir),
            ("output_dir", &config.output_dir, &self.config.output_dir),
        ] {
            if now != running {
                eprintln!(
                    "note: `{name}` changed to {}; restart `allmende serve` to use it",
                    now.display()
                );
            }
        }
        config.content_dir = self.config.content_dir.clone();
        config.output_dir = self.config.output_dir.clone();
        config.root = self.config.root.clone();
        config.base_url = self.config.base_url.clone();
        if config.api_url.is_empty() {
            // The in-process API's address, set when serving started.
            config.api_url = self.config.api_url.clone();
        }
        self.config = config.clone();
        Ok(config)
    }
}

fn failed(message: String) -> Outcome {
    let problem = Problem {
        title_de: "Der Build ist fehlgeschlagen. Gezeigt wird der letzte fehlerfreie Stand.".into(),
        title_en: "The build failed. Showing the last good version.".into(),
        details: message,
    };
    Outcome::Held {
        problem,
        printed: false,
    }
}

fn entries_de(n: usize) -> String {
    if n == 1 {
        "1 Eintrag".into()
    } else {
        format!("{n} Einträge")
    }
}

fn entries_en(n: usize) -> String {
    if n == 1 {
        "1 entry".into()
    } else {
        format!("{n} entries")
    }
}

/// The catalogue's entries, checked like `allmende check` with no path does; unchanged
/// entries come from the build's entry cache.
fn check_entries(config: &Config) -> Result<Vec<Checked>, CheckError> {
    let software = config.content_dir.join("software");
    let files = match check::collect(&[software]) {
        Ok(f) => f,
        Err(CheckError::NotFound { .. } | CheckError::Empty { .. }) => Vec::new(),
        Err(e) => return Err(e),
    };
    let mut checked =
        crate::catalogue::entry_cache::validate_all(&files, &site::cache::entries_file(config));
    check::catalogue::cross_check(&mut checked);
    for c in &mut checked {
        c.report.findings.sort_by_key(|f| f.pos);
    }
    Ok(checked)
}

/// Prints the findings (if any) to the terminal and returns them as plain text.
fn print_findings(checked: &[Checked]) -> String {
    let summary = check::summarise(checked);
    if summary.errors == 0 && summary.warnings == 0 {
        return String::new();
    }
    let stdout = std::io::stdout();
    let color = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let lang = publiccode::Lang::from_env();
    let _ = report::render(
        Format::Human,
        checked,
        &summary,
        color,
        lang,
        &mut stdout.lock(),
    );
    let mut plain = Vec::new();
    let _ = report::render(Format::Human, checked, &summary, false, lang, &mut plain);
    String::from_utf8_lossy(&plain).into_owned()
}
