//! Command line (a stable contract, see design.md): exit 0 valid, 1 findings with errors
//! (or warnings under `--strict`), 2 usage or I/O error.

use crate::check;
use crate::config::Config;
use crate::report::{self, Format};
use clap::{Parser, Subcommand};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "allmende",
    version,
    about = "Catalogue, code and collaboration for public-sector open source"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Validate publiccode.yml files: one file, a folder of entries, or the whole catalogue.
    Check(CheckArgs),
}

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Files or folders to check (default: the content folder from site.toml).
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Treat warnings as errors (exit code 1).
    #[arg(long)]
    pub strict: bool,
    /// Also check that web addresses are reachable (only ever warnings).
    #[arg(long)]
    pub network: bool,
    #[arg(long, default_value = "site.toml")]
    pub config: PathBuf,
}

pub const EXIT_VALID: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Check(args) => ExitCode::from(run_check(args)),
    }
}

fn fail(message: impl std::fmt::Display) -> u8 {
    eprintln!("error: {message}");
    EXIT_USAGE
}

pub fn run_check(args: CheckArgs) -> u8 {
    let paths = if args.paths.is_empty() {
        let explicit = args.config != std::path::Path::new("site.toml");
        match Config::load(&args.config, explicit) {
            Ok(c) => vec![c.content_dir],
            Err(e) => return fail(e),
        }
    } else {
        args.paths
    };
    let started = std::time::Instant::now();
    let files = match check::collect(&paths) {
        Ok(f) => f,
        Err(e) => return fail(e),
    };
    tracing::debug!(files = files.len(), elapsed = ?started.elapsed(), "collected");
    let mut checked = check::validate_all(&files);
    tracing::debug!(elapsed = ?started.elapsed(), "validated");
    check::catalogue::cross_check(&mut checked);
    tracing::debug!(elapsed = ?started.elapsed(), "cross-checked");
    if args.network {
        check::network::check(&mut checked);
    }
    for c in &mut checked {
        c.report.findings.sort_by_key(|f| f.pos);
    }
    let summary = check::summarise(&checked);
    let stdout = std::io::stdout();
    let color = args.format == Format::Human
        && stdout.is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    let mut out = stdout.lock();
    if let Err(e) = report::render(args.format, &checked, &summary, color, &mut out) {
        return fail(format!("cannot write the report: {e}"));
    }
    if summary.errors > 0 || (args.strict && summary.warnings > 0) {
        EXIT_FINDINGS
    } else {
        EXIT_VALID
    }
}
