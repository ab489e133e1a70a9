//! Command line (a stable contract, see design.md): exit 0 valid, 1 findings with errors
//! (or warnings under `--strict`), 2 usage or I/O error.

use crate::check;
use crate::config::Config;
use crate::report::{self, Format};
use clap::{Parser, Subcommand};
use std::io::IsTerminal;
use std::net::SocketAddr;
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
    /// Render the catalogue website into the output folder.
    Build(BuildArgs),
    /// Build the site, serve it on this machine and rebuild it when the content changes.
    Serve(ServeArgs),
    /// Run the tickets and forum API (configuration: the [api] section and ALLMENDE_* variables).
    Api(ApiArgs),
}

#[derive(clap::Args)]
pub struct ApiArgs {
    /// site.toml or another TOML file with an [api] section.
    #[arg(long, default_value = "site.toml")]
    pub config: PathBuf,
}

#[derive(clap::Args)]
pub struct ServeArgs {
    #[arg(long, default_value = "site.toml")]
    pub config: PathBuf,
    /// Address and port to listen on; only loopback addresses unless --public is given.
    #[arg(long, default_value = "127.0.0.1:8080", value_parser = crate::serve::parse_listen)]
    pub listen: SocketAddr,
    /// Allow a non-loopback --listen address, reachable from other machines.
    #[arg(long)]
    pub public: bool,
    /// Build once and serve, without rebuilding on changes.
    #[arg(long)]
    pub no_watch: bool,
}

#[derive(clap::Args)]
pub struct BuildArgs {
    #[arg(long, default_value = "site.toml")]
    pub config: PathBuf,
    /// Content folder (default: from site.toml).
    #[arg(long)]
    pub content: Option<PathBuf>,
    /// Output folder (default: from site.toml).
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Start from nothing: render every page and replace the output folder as a whole
    /// (the old site stays live until the new one is complete).
    #[arg(long)]
    pub clean: bool,
    /// Leave out entries with errors instead of failing.
    #[arg(long)]
    pub keep_going: bool,
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
    /// Language of messages and hints (default: from LC_ALL / LC_MESSAGES / LANG; English
    /// unless that names German).
    #[arg(long, value_enum)]
    pub lang: Option<MessageLang>,
    #[arg(long, default_value = "site.toml")]
    pub config: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MessageLang {
    De,
    En,
}

pub const EXIT_VALID: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Check(args) => ExitCode::from(run_check(args)),
        Command::Build(args) => ExitCode::from(run_build(args)),
        Command::Serve(args) => ExitCode::from(run_serve(args)),
        Command::Api(args) => ExitCode::from(crate::api::run(&args.config)),
    }
}

pub fn run_serve(args: ServeArgs) -> u8 {
    crate::serve::run(crate::serve::Options {
        config: args.config,
        listen: args.listen,
        public: args.public,
        watch: !args.no_watch,
    })
}

/// Loads site.toml (missing is fine unless named explicitly) and applies folder overrides.
pub fn load_config(
    path: &std::path::Path,
    content: Option<PathBuf>,
    output: Option<PathBuf>,
) -> Result<Config, crate::config::ConfigError> {
    let explicit = path != std::path::Path::new("site.toml");
    let mut config = Config::load(path, explicit)?;
    if let Some(c) = content {
        config.content_dir = c;
    }
    if let Some(o) = output {
        config.output_dir = o;
    }
    Ok(config)
}

pub fn run_build(args: BuildArgs) -> u8 {
    let config = match load_config(&args.config, args.content, args.output) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    // A clean build starts from nothing: no pages or validated entries from earlier builds.
    if args.clean
        && let Err(e) = crate::site::cache::clear(&config)
    {
        return fail(format!("cannot clear the build cache: {e}"));
    }
    let options = crate::site::BuildOptions {
        keep_going: args.keep_going,
        progress: true,
        clean: args.clean,
    };
    match crate::site::build(&config, &options) {
        Ok(summary) => {
            println!("{summary} → {}", config.output_dir.display());
            // The site is live; what a clean build replaced goes now, after the summary.
            if let Err(e) = crate::site::output::remove_replaced(&config.output_dir) {
                eprintln!(
                    "warning: the replaced site {} could not be removed ({e}); delete it by hand",
                    crate::site::output::replaced_path(&config.output_dir).display()
                );
            }
            EXIT_VALID
        }
        Err(crate::site::BuildError::InvalidEntries { count }) => {
            eprintln!(
                "error: {count} catalogue entr{} invalid; the site was not changed",
                if count == 1 { "y is" } else { "ies are" }
            );
            eprintln!(
                "  hint: run `allmende check` to see the findings, or `allmende build --keep-going` to leave them out"
            );
            EXIT_FINDINGS
        }
        Err(e) => fail(e),
    }
}

fn fail(message: impl std::fmt::Display) -> u8 {
    eprintln!("error: {message}");
    EXIT_USAGE
}

pub fn run_check(args: CheckArgs) -> u8 {
    let paths = if args.paths.is_empty() {
        match load_config(&args.config, None, None) {
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
    checked.extend(check::templates::check(&paths));
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
    let lang = match args.lang {
        Some(MessageLang::De) => publiccode::Lang::De,
        Some(MessageLang::En) => publiccode::Lang::En,
        None => publiccode::Lang::from_env(),
    };
    if let Err(e) = report::render(args.format, &checked, &summary, color, lang, &mut out) {
        return fail(format!("cannot write the report: {e}"));
    }
    if summary.errors > 0 || (args.strict && summary.warnings > 0) {
        EXIT_FINDINGS
    } else {
        EXIT_VALID
    }
}
