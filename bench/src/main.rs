//! Benchmark harness. `synth` writes a synthetic catalogue (deterministic, realistic sizes)
//! and the same entries as a Hugo site; `check` times `allmende check` on it; `site` times
//! Hugo against `allmende build`. Figures are printed, never asserted: speed is judged by
//! people comparing runs on the same machine, not by flaky timed tests. See README.md.
//!
//! ```text
//! cargo build --release -p allmende -p allmende-bench
//! target/release/allmende-bench synth 10000 target/bench/cat
//! target/release/allmende-bench check target/bench/cat
//! target/release/allmende-bench site target/bench/cat
//! ```

mod run;
mod site;
mod synth;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["synth", n, dir] => n
            .parse()
            .map_err(|e| format!("entry count: {e}"))
            .and_then(|n| synth::catalogue(n, Path::new(dir)).map_err(|e| e.to_string())),
        ["check", dir] => check(Path::new(dir)),
        ["site", dir] => site::site(Path::new(dir)),
        _ => Err("usage: allmende-bench synth N DIR | check DIR | site DIR".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The release binary next to this harness (both are built by `cargo build --release`).
fn allmende_binary() -> Result<PathBuf, String> {
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let bin = me.with_file_name("allmende");
    if bin.is_file() {
        Ok(bin)
    } else {
        Err(format!(
            "{} not found: run `cargo build --release -p allmende` first",
            bin.display()
        ))
    }
}

/// Entries (folders) in `dir/content/software`.
fn count_entries(dir: &Path) -> Result<usize, String> {
    let software = dir.join("content/software");
    Ok(std::fs::read_dir(&software)
        .map_err(|e| format!("{}: {e}", software.display()))?
        .count())
}

/// What the figures depend on: cores, CPU, load, and the commit measured.
fn print_machine() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let load = std::fs::read_to_string("/proc/loadavg")
        .map(|t| t.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into());
    println!("machine: {cores} cores ({cpu}), load average {load}");
    println!("commit: {}", git_commit());
}

/// `git rev-parse --short HEAD` of the working directory, `+dirty` with uncommitted changes.
fn git_commit() -> String {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    match git(&["rev-parse", "--short", "HEAD"]) {
        Some(c) => match git(&["status", "--porcelain", "--untracked-files=no"]) {
            Some(s) if !s.is_empty() => format!("{c}+dirty"),
            _ => c,
        },
        None => "unknown (not in a git repository)".into(),
    }
}

fn check(dir: &Path) -> Result<(), String> {
    let bin = allmende_binary()?;
    let content = dir.join("content");
    let files = count_entries(dir)?;
    print_machine();
    // Exit code 1 (findings) is a valid outcome of a check run.
    let runs = run::repeat(
        "allmende check",
        5,
        1,
        |_| Ok(()),
        |_| {
            let mut c = Command::new(&bin);
            c.args(["check", "--format", "json"]).arg(&content);
            c
        },
    )?;
    let s = run::stats(&runs);
    println!(
        "allmende check, {files} entries: median {:.3} s, min {:.3} s, max {:.3} s (5 runs), peak RSS {:.0} MiB",
        s.median.as_secs_f64(),
        s.min.as_secs_f64(),
        s.max.as_secs_f64(),
        run::mib(s.max_rss)
    );
    println!("target: <= 1.000 s wall on 2 cores");
    Ok(())
}
