//! Validated entries kept between builds: an entry whose publiccode.yml bytes and folder
//! (the files its logo and screenshots may name) are unchanged is not parsed and validated
//! again; its model and findings come from the cache. Validation is most of what a build
//! after a one-entry edit would otherwise spend.
//!
//! The cache is one JSON line per entry in the build cache folder. The key hashes the
//! program (version, size, change time: new rules make new keys), the file's path and
//! bytes, and the name, size and change time of every other file in the entry's folder.
//! Rules that span the catalogue (duplicate slugs and URLs) are not cached: they run on
//! every build.

use crate::check::{self, Checked};
use crate::mapped::Mapped;
use publiccode::{Finding, PublicCode, Report};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

const HEADER: &str = "allmende entry cache 1";

#[derive(Deserialize)]
struct Line {
    key: String,
    model: Option<PublicCode>,
    findings: Vec<Finding>,
}

/// A [`Line`] as written: borrowed, so writing the cache copies no model.
#[derive(Serialize)]
struct LineRef<'a> {
    key: &'a str,
    model: Option<&'a PublicCode>,
    findings: &'a [Finding],
}

/// The key of `path` with contents `bytes`.
fn key_of(program: &[u8; 32], path: &Path, bytes: &[u8]) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    h.update(program);
    h.update(path.to_string_lossy().as_bytes());
    h.update(&(bytes.len() as u64).to_le_bytes());
    h.update(bytes);
    if let Some(dir) = path.parent() {
        let mut files: Vec<(String, u64, u128)> = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.path() != path)
            .filter_map(|e| {
                let m = e.metadata().ok()?;
                let changed = m
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos());
                Some((e.path().to_string_lossy().into_owned(), m.len(), changed))
            })
            .collect();
        files.sort();
        for (name, len, changed) in files {
            h.update(name.as_bytes());
            h.update(&[0]);
            h.update(&len.to_le_bytes());
            h.update(&changed.to_le_bytes());
        }
    }
    h.finalize()
}

/// Reads and validates `files` like [`check::validate_all`], taking unchanged entries from
/// the cache file `cache` and writing the cache anew when anything was validated. A cache
/// that cannot be read is an empty one; one that cannot be written is only a warning.
pub fn validate_all(files: &[PathBuf], cache: &Path) -> Vec<Checked> {
    let program = crate::site::cache::program_identity();
    let mapped = Mapped::open(cache);
    let text = mapped
        .text()
        .filter(|t| t.lines().next() == Some(HEADER))
        .unwrap_or_default();
    // Key → line, without parsing the lines: only hits are parsed, each once, and their
    // models move into the catalogue (parsing every line up front and cloning the model
    // on a hit cost as much as the rest of loading).
    let old: HashMap<&str, &str> = text
        .lines()
        .skip(1)
        .filter_map(|raw| Some((key_in(raw)?, raw)))
        .collect();
    // (checked, key, the cache line when it came from the cache)
    let results: Vec<(Checked, Option<String>, Option<&str>)> = files
        .par_iter()
        .map(|path| match std::fs::read(path) {
            Ok(bytes) if bytes.len() <= publiccode::yaml::MAX_FILE_BYTES => {
                let hash = key_of(&program, path, &bytes);
                let key = hash.to_hex().to_string();
                let cached = old.get(key.as_str()).and_then(|raw| {
                    let line = serde_json::from_str::<Line>(raw).ok()?;
                    (line.key == key).then_some((line, *raw))
                });
                let (report, raw) = match cached {
                    Some((line, raw)) => (
                        Report {
                            model: line.model,
                            findings: line.findings,
                            links: Vec::new(),
                        },
                        Some(raw),
                    ),
                    None => (publiccode::validate(&bytes, path.parent()), None),
                };
                let checked = Checked {
                    path: path.clone(),
                    report,
                    source: String::from_utf8(bytes).ok(),
                    key: Some(*hash.as_bytes()),
                };
                (checked, Some(key), raw)
            }
            // Unreadable or oversized: validated as `allmende check` does, never cached.
            _ => (check::validate_file(path), None, None),
        })
        .collect();
    let hits = results.iter().filter(|r| r.2.is_some()).count();
    if hits != results.len() || hits != old.len() {
        let lines: Vec<String> = results
            .par_iter()
            .filter_map(|(c, key, raw)| {
                if let Some(raw) = raw {
                    return Some((*raw).to_owned());
                }
                serde_json::to_string(&LineRef {
                    key: key.as_deref()?,
                    model: c.report.model.as_ref(),
                    findings: &c.report.findings,
                })
                .ok()
            })
            .collect();
        let mut out = String::with_capacity(lines.iter().map(|l| l.len() + 1).sum::<usize>() + 32);
        out.push_str(HEADER);
        out.push('\n');
        for l in lines {
            out.push_str(&l);
            out.push('\n');
        }
        if let Err(e) = write_atomically(cache, &out) {
            tracing::warn!(error = %e, file = %cache.display(), "entry cache not saved");
        }
    }
    tracing::debug!(hits, files = results.len(), "entry cache");
    results.into_iter().map(|(c, ..)| c).collect()
}

/// The key of a cache line, read from its start (`{"key":"<64 hex digits>",…`, as
/// `Line` serialises); `None` for a line in any other form, which is then never a hit.
fn key_in(raw: &str) -> Option<&str> {
    let key = raw.strip_prefix("{\"key\":\"")?.get(..64)?;
    raw.get(72..)?.starts_with('"').then_some(key)
}

fn write_atomically(file: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = file.with_extension("tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, file)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines are found by the key at their start, as `Line` serialises it.
    #[test]
    fn keys_are_read_from_the_start_of_a_line() {
        let key = key_of(&[7; 32], Path::new("software/a/publiccode.yml"), b"name: a")
            .to_hex()
            .to_string();
        let raw = serde_json::to_string(&LineRef {
            key: &key,
            model: None,
            findings: &[],
        })
        .unwrap();
        assert_eq!(key_in(&raw), Some(key.as_str()));
        assert_eq!(key_in(&raw[..40]), None);
        assert_eq!(key_in(&raw.replacen("key", "kex", 1)), None);
        assert_eq!(key_in(""), None);
    }

    /// The cache gives the same models and findings as validating, for every demo entry.
    #[test]
    fn cached_entries_equal_validated_ones() {
        let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/software");
        let files = check::collect(&[content]).unwrap();
        let dir = std::env::temp_dir().join(format!("allmende-entry-cache-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let cache = dir.join("entries");
        let fresh = validate_all(&files, &cache);
        assert!(cache.is_file());
        let cached = validate_all(&files, &cache);
        let direct = check::validate_all(&files);
        // A damaged line (its key intact) is a miss: that entry is validated again.
        let text = std::fs::read_to_string(&cache).unwrap();
        let damaged: String = text
            .lines()
            .enumerate()
            .map(|(i, l)| {
                if i == 1 {
                    format!("{}garbage\n", &l[..80])
                } else {
                    format!("{l}\n")
                }
            })
            .collect();
        std::fs::write(&cache, damaged).unwrap();
        let repaired = validate_all(&files, &cache);
        assert_eq!(repaired.len(), direct.len());
        for (a, b) in repaired.iter().zip(&direct) {
            assert_eq!(a.report.model, b.report.model, "{}", a.path.display());
            assert_eq!(a.report.findings, b.report.findings, "{}", a.path.display());
        }
        assert_eq!(
            std::fs::read_to_string(&cache).unwrap(),
            text,
            "cache repaired"
        );
        assert_eq!(cached.len(), direct.len());
        for ((a, b), c) in cached.iter().zip(&direct).zip(&fresh) {
            assert_eq!(a.path, b.path);
            assert_eq!(a.report.model, b.report.model, "{}", a.path.display());
            assert_eq!(a.report.findings, b.report.findings, "{}", a.path.display());
            assert_eq!(c.report.model, b.report.model);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
