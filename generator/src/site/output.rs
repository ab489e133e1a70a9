//! Writing the site: only files whose bytes changed are written, stale files are removed,
//! and the new state appears at once. The new tree is assembled next to the old one
//! (unchanged files hard-linked, so nothing is copied or rewritten) and swapped in by
//! rename, so a failed build never leaves a half-written site.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};

/// One file of the site, by its path relative to the output folder (`/`-separated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub path: String,
    pub bytes: Vec<u8>,
}

impl Output {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Output {
            path: path.into(),
            bytes: bytes.into(),
        }
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteStats {
    pub files: usize,
    pub bytes: u64,
    pub written: usize,
    pub removed: usize,
}

const MANIFEST: &str = ".allmende-manifest";

fn hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// The previous build's file → content hash, if the folder was written by us.
fn read_manifest(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_to_string(dir.join(MANIFEST))
        .map(|t| {
            t.lines()
                .filter_map(|l| l.split_once('\t'))
                .map(|(h, p)| (p.to_owned(), h.to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

fn safe_relative(path: &str) -> Option<PathBuf> {
    let p = Path::new(path);
    let ok = !path.is_empty()
        && p.components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
    ok.then(|| p.to_owned())
}

pub fn write(dir: &Path, outputs: &[Output]) -> io::Result<WriteStats> {
    let old = read_manifest(dir);
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let staging = parent.join(format!(".{name}.new"));
    if staging.exists() {
        std::fs::remove_dir_all(&staging)?;
    }
    std::fs::create_dir_all(&staging)?;
    let result = assemble(dir, &staging, outputs, &old);
    let mut stats = match result {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    let new_paths: BTreeSet<&str> = outputs.iter().map(|o| o.path.as_str()).collect();
    stats.removed = old
        .keys()
        .filter(|p| !new_paths.contains(p.as_str()))
        .count();
    swap(&staging, dir, parent, &name)?;
    Ok(stats)
}

fn assemble(
    dir: &Path,
    staging: &Path,
    outputs: &[Output],
    old: &BTreeMap<String, String>,
) -> io::Result<WriteStats> {
    use rayon::prelude::*;
    let mut manifest = String::new();
    let mut seen = BTreeSet::new();
    for o in outputs {
        if !seen.insert(o.path.as_str()) {
            return Err(io::Error::other(format!(
                "two outputs for the same file: {}",
                o.path
            )));
        }
    }
    let hashes: Vec<String> = outputs.par_iter().map(|o| hash(&o.bytes)).collect();
    let written: usize = outputs
        .par_iter()
        .zip(hashes.par_iter())
        .map(|(o, h)| -> io::Result<usize> {
            let rel = safe_relative(&o.path)
                .ok_or_else(|| io::Error::other(format!("unsafe output path: {}", o.path)))?;
            let target = staging.join(&rel);
            if let Some(p) = target.parent() {
                std::fs::create_dir_all(p)?;
            }
            let previous = dir.join(&rel);
            if old.get(&o.path) == Some(h) && std::fs::hard_link(&previous, &target).is_ok() {
                return Ok(0);
            }
            std::fs::write(&target, &o.bytes)?;
            Ok(1)
        })
        .try_reduce(|| 0, |a, b| Ok(a + b))?;
    let mut sorted: Vec<(&str, &str)> = outputs
        .iter()
        .zip(&hashes)
        .map(|(o, h)| (o.path.as_str(), h.as_str()))
        .collect();
    sorted.sort();
    for (p, h) in sorted {
        manifest.push_str(h);
        manifest.push('\t');
        manifest.push_str(p);
        manifest.push('\n');
    }
    std::fs::write(staging.join(MANIFEST), manifest)?;
    Ok(WriteStats {
        files: outputs.len(),
        bytes: outputs.iter().map(|o| o.bytes.len() as u64).sum(),
        written,
        removed: 0,
    })
}

/// Replaces `dir` by `staging`: two renames, the old tree removed afterwards.
fn swap(staging: &Path, dir: &Path, parent: &Path, name: &str) -> io::Result<()> {
    if dir.exists() {
        let retired = parent.join(format!(".{name}.old"));
        if retired.exists() {
            std::fs::remove_dir_all(&retired)?;
        }
        std::fs::rename(dir, &retired)?;
        std::fs::rename(staging, dir)?;
        std::fs::remove_dir_all(&retired)?;
    } else {
        std::fs::rename(staging, dir)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("allmende-out-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn writes_only_changed_files_and_removes_stale_ones() {
        let root = tmp("inc");
        let out = root.join("public");
        let a = Output::new("a/index.html", "A");
        let b = Output::new("b.txt", "B");
        let s = write(&out, &[a.clone(), b.clone()]).unwrap();
        assert_eq!((s.files, s.written, s.removed), (2, 2, 0));
        let ino = |p: &str| {
            std::fs::metadata(out.join(p))
                .map(|m| std::os::unix::fs::MetadataExt::ino(&m))
                .unwrap()
        };
        let a_ino = ino("a/index.html");
        let s = write(&out, &[a.clone(), Output::new("c.txt", "C")]).unwrap();
        assert_eq!((s.files, s.written, s.removed), (2, 1, 1));
        assert_eq!(
            ino("a/index.html"),
            a_ino,
            "unchanged file is the same file"
        );
        assert!(!out.join("b.txt").exists());
        assert_eq!(std::fs::read_to_string(out.join("c.txt")).unwrap(), "C");
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn refuses_paths_outside_the_folder_and_keeps_the_old_site() {
        let root = tmp("unsafe");
        let out = root.join("public");
        write(&out, &[Output::new("index.html", "old")]).unwrap();
        assert!(write(&out, &[Output::new("../evil", "x")]).is_err());
        assert!(write(&out, &[Output::new("x", "1"), Output::new("x", "2")]).is_err());
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "old"
        );
        let _ = std::fs::remove_dir_all(&root);
    }
}
