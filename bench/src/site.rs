//! `allmende-bench site DIR`: Hugo and `allmende build` on the same synthetic catalogue, in
//! one run: full builds, incremental builds after a one-entry edit, peak memory, output size.

use crate::run::{Run, Stats, mib, repeat, stats};
use std::path::{Path, PathBuf};
use std::process::Command;

const RUNS: usize = 3;
const TARGET_FULL_S: f64 = 3.0;
const TARGET_RATIO: f64 = 8.0;
const TARGET_INCREMENTAL_S: f64 = 0.3;
const TARGET_RSS_MIB: f64 = 1024.0;

pub fn site(dir: &Path) -> Result<(), String> {
    let hugo_src = dir.join("hugo");
    let site_toml = dir.join("site.toml");
    if !hugo_src.join("config.toml").is_file() || !site_toml.is_file() {
        return Err(format!(
            "{} has no site.toml or hugo/: write it with `allmende-bench synth N {}`",
            dir.display(),
            dir.display()
        ));
    }
    let hugo = hugo_version()?;
    let bin = crate::allmende_binary()?;
    let entries = crate::count_entries(dir)?;
    crate::print_machine();
    println!("hugo: {hugo}");
    println!("catalogue: {entries} entries in {}", dir.display());

    // Hugo, into a fresh temporary folder each run.
    let hugo_out = std::env::temp_dir().join(format!("allmende-bench-hugo-{}", std::process::id()));
    let clean_hugo = |_| remove_dir(&hugo_out);
    let hugo_runs = repeat("hugo", RUNS, 0, clean_hugo, |_| {
        let mut c = Command::new("hugo");
        c.arg("--quiet")
            .arg("--source")
            .arg(&hugo_src)
            .arg("--destination")
            .arg(&hugo_out);
        c
    });
    let hugo_files = hugo_runs.as_ref().ok().map(|_| count_files(&hugo_out));
    remove_dir(&hugo_out)?;
    let hugo_runs = hugo_runs?;
    let hugo_files = hugo_files.unwrap_or_default();

    // allmende: full builds from an empty output folder, as Hugo's runs and a CI checkout
    // start (removing an earlier site is not part of building one).
    let out_dir = dir.join("public");
    let build = |clean: bool| {
        let mut c = Command::new(&bin);
        c.arg("build").arg("--config").arg(&site_toml);
        if clean {
            c.arg("--clean");
        }
        c
    };
    let full_runs = repeat(
        "allmende build --clean",
        RUNS,
        0,
        |_| remove_dir(&out_dir),
        |_| build(true),
    )?;
    let allmende_files = count_files(&out_dir);

    // allmende: one entry edited (a word appended to one feature), no clean.
    let edited = edit_target(dir)?;
    let original =
        std::fs::read_to_string(&edited).map_err(|e| format!("{}: {e}", edited.display()))?;
    let restore = Restore {
        path: edited.clone(),
        text: original.clone(),
    };
    let incremental_runs = repeat(
        "allmende build (1 entry edited)",
        RUNS,
        0,
        |k| {
            std::fs::write(&edited, edit(&original, k)?)
                .map_err(|e| format!("{}: {e}", edited.display()))
        },
        |_| build(false),
    );
    drop(restore);
    let incremental_runs = incremental_runs?;

    let h = stats(&hugo_runs);
    let f = stats(&full_runs);
    let i = stats(&incremental_runs);
    println!();
    println!(
        "{:<34} {:>7} {:>9} {:>8} {:>8} {:>8} {:>13} {:>7} {:>7}",
        "tool", "entries", "median s", "min s", "max s", "CPU s", "peak RSS MiB", "files", "html"
    );
    let row = |name: &str, s: &Stats, files: Option<(usize, usize)>| {
        let (all, html) = files.map_or(("-".to_owned(), "-".to_owned()), |(a, h)| {
            (a.to_string(), h.to_string())
        });
        println!(
            "{name:<34} {entries:>7} {:>9.3} {:>8.3} {:>8.3} {:>8.3} {:>13.0} {all:>7} {html:>7}",
            s.median.as_secs_f64(),
            s.min.as_secs_f64(),
            s.max.as_secs_f64(),
            s.cpu.as_secs_f64(),
            mib(s.max_rss),
        );
    };
    row("hugo (full build)", &h, Some(hugo_files));
    row("allmende build --clean (full)", &f, Some(allmende_files));
    row("allmende build (1 entry edited)", &i, None);
    println!();
    let ratio = h.median.as_secs_f64() / f.median.as_secs_f64();
    let cpu_ratio = h.cpu.as_secs_f64() / f.cpu.as_secs_f64().max(1e-6);
    let rss_ratio = h.max_rss as f64 / f.max_rss.max(1) as f64;
    println!(
        "hugo/allmende, full build: wall {ratio:.2}×, CPU {cpu_ratio:.2}×, peak RSS {rss_ratio:.2}×"
    );
    println!(
        "allmende: {}",
        last_line(&full_runs).unwrap_or("(no summary printed)")
    );
    println!(
        "allmende incremental: {}",
        last_line(&incremental_runs).unwrap_or("(no summary printed)")
    );
    println!();
    let peak = mib(f.max_rss.max(i.max_rss));
    println!("targets (2 cores, 10,000 entries):");
    target(
        "full build ≤ 3 s",
        f.median.as_secs_f64() <= TARGET_FULL_S,
        format!("{:.3} s", f.median.as_secs_f64()),
    );
    target(
        "full build ≥ 8× faster than Hugo",
        ratio >= TARGET_RATIO,
        format!("{ratio:.2}×"),
    );
    target(
        "incremental build ≤ 0.3 s",
        i.median.as_secs_f64() <= TARGET_INCREMENTAL_S,
        format!("{:.3} s", i.median.as_secs_f64()),
    );
    target(
        "peak RSS ≤ 1 GiB",
        peak <= TARGET_RSS_MIB,
        format!("{peak:.0} MiB"),
    );
    Ok(())
}

fn target(name: &str, met: bool, got: String) {
    println!(
        "  {name:<34} {got:>12}  {}",
        if met { "met" } else { "MISSED" }
    );
}

/// `hugo version`, or how to install Hugo.
fn hugo_version() -> Result<String, String> {
    match Command::new("hugo").arg("version").output() {
        Ok(o) if o.status.success() => Ok(String::from_utf8_lossy(&o.stdout).trim().to_owned()),
        Ok(o) => Err(format!(
            "`hugo version` failed: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Err(e) => Err(format!(
            "hugo is not installed ({e}): install the Debian package with `apt-get install hugo`"
        )),
    }
}

fn last_line(runs: &[Run]) -> Option<&str> {
    runs.last()?
        .stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
}

fn remove_dir(dir: &Path) -> Result<(), String> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("cannot remove {}: {e}", dir.display())),
    }
}

/// Files under `dir`, and how many of them are `.html`.
fn count_files(dir: &Path) -> (usize, usize) {
    let mut all = 0;
    let mut html = 0;
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        let Ok(items) = std::fs::read_dir(&d) else {
            continue;
        };
        for item in items.flatten() {
            match item.file_type() {
                Ok(t) if t.is_dir() => stack.push(item.path()),
                Ok(_) => {
                    all += 1;
                    if item.path().extension().is_some_and(|x| x == "html") {
                        html += 1;
                    }
                }
                Err(_) => {}
            }
        }
    }
    (all, html)
}

/// The publiccode.yml edited for the incremental build: the middle entry by name.
fn edit_target(dir: &Path) -> Result<PathBuf, String> {
    let software = dir.join("content/software");
    let mut slugs: Vec<_> = std::fs::read_dir(&software)
        .map_err(|e| format!("{}: {e}", software.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("publiccode.yml").is_file())
        .collect();
    slugs.sort();
    slugs
        .get(slugs.len() / 2)
        .map(|p| p.join("publiccode.yml"))
        .ok_or_else(|| format!("no entries in {}", software.display()))
}

/// `text` with the word `revision<k>` appended to its first feature (a plain scalar list
/// item, so the file stays valid); every `k` gives a different file.
fn edit(text: &str, k: usize) -> Result<String, String> {
    let marker = "features:\n";
    let at = text
        .find(marker)
        .map(|i| i + marker.len())
        .and_then(|i| text[i..].find('\n').map(|j| i + j))
        .ok_or("the edited entry has no features list")?;
    Ok(format!("{} revision{k}{}", &text[..at], &text[at..]))
}

/// Puts the edited file back as it was, also when a build fails.
struct Restore {
    path: PathBuf,
    text: String,
}

impl Drop for Restore {
    fn drop(&mut self) {
        if let Err(e) = std::fs::write(&self.path, &self.text) {
            eprintln!("error: cannot restore {}: {e}", self.path.display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_append_a_word_to_the_first_feature() {
        let text = "a: 1\n    features:\n      - eins zwei\n      - drei\n";
        assert_eq!(
            edit(text, 2).unwrap(),
            "a: 1\n    features:\n      - eins zwei revision2\n      - drei\n"
        );
        assert_ne!(edit(text, 1).unwrap(), edit(text, 2).unwrap());
        assert!(edit("a: 1\n", 1).is_err());
    }
}
