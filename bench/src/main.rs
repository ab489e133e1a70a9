//! Benchmark harness. `synth` writes a synthetic catalogue (deterministic, realistic sizes);
//! `check` times `allmende check` on it. Figures are printed, never asserted: speed is
//! judged by people comparing runs on the same machine, not by flaky timed tests.
//!
//! ```text
//! cargo run --release -p allmende-bench -- synth 10000 target/bench/cat
//! cargo run --release -p allmende-bench -- check target/bench/cat
//! ```

mod synth;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

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
        _ => Err("usage: allmende-bench synth N DIR | check DIR".into()),
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

/// Wall time of `cmd` over `runs` runs after one warm-up (file cache hot, as in CI reruns).
fn time_runs(mut make: impl FnMut() -> Command, runs: usize) -> Result<Vec<Duration>, String> {
    let mut times = Vec::new();
    for i in 0..=runs {
        let started = Instant::now();
        let status = make()
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|e| e.to_string())?;
        let took = started.elapsed();
        if status.code().is_none_or(|c| c > 1) {
            return Err(format!("command failed: {status}"));
        }
        if i > 0 {
            times.push(took);
        }
    }
    times.sort();
    Ok(times)
}

fn check(dir: &Path) -> Result<(), String> {
    let bin = allmende_binary()?;
    let content = dir.join("content");
    let files = std::fs::read_dir(content.join("software"))
        .map_err(|e| format!("{}: {e}", content.display()))?
        .count();
    let times = time_runs(
        || {
            let mut c = Command::new(&bin);
            c.args(["check", "--format", "json"]).arg(&content);
            c
        },
        5,
    )?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "allmende check, {files} entries, {cores} cores: median {:.3} s, min {:.3} s, max {:.3} s (5 runs)",
        times[times.len() / 2].as_secs_f64(),
        times[0].as_secs_f64(),
        times[times.len() - 1].as_secs_f64()
    );
    println!("target: <= 1.000 s wall on 2 cores");
    Ok(())
}
