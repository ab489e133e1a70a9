//! Writing the site: only files whose bytes changed are written, stale files are removed,
//! and the new state appears at once. The new tree is assembled next to the old one
//! (unchanged files hard-linked, so nothing is copied or rewritten) and swapped in by
//! rename, so a failed build never leaves a half-written site.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

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

/// Writes a whole site at once (tests and small tools); builds stream through [`Writer`].
pub fn write(dir: &Path, outputs: &[Output]) -> io::Result<WriteStats> {
    use rayon::prelude::*;
    let writer = Writer::begin(dir)?;
    outputs
        .par_iter()
        .try_for_each(|o| writer.put(&o.path, &o.bytes))?;
    writer.commit()
}

/// Receives output files from many threads while a build renders them, writes each into
/// a staging folder right away (so memory holds one page per thread, not the site), and
/// swaps the staging folder in on [`Writer::commit`]. Dropped without commit, it leaves
/// the old site untouched.
pub struct Writer {
    dir: PathBuf,
    staging: PathBuf,
    parent: PathBuf,
    name: String,
    old: BTreeMap<String, String>,
    dirs: Mutex<BTreeSet<PathBuf>>,
    files: Mutex<Vec<(String, String, u64)>>,
    written: AtomicUsize,
    committed: bool,
}

impl Writer {
    pub fn begin(dir: &Path) -> io::Result<Writer> {
        let old = read_manifest(dir);
        let parent = dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_owned();
        std::fs::create_dir_all(&parent)?;
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let staging = parent.join(format!(".{name}.new"));
        if staging.exists() {
            std::fs::remove_dir_all(&staging)?;
        }
        std::fs::create_dir_all(&staging)?;
        Ok(Writer {
            dir: dir.to_owned(),
            staging,
            parent,
            name,
            old,
            dirs: Mutex::new(BTreeSet::new()),
            files: Mutex::new(Vec::new()),
            written: AtomicUsize::new(0),
            committed: false,
        })
    }

    /// Adds one file. Unchanged files (same hash as in the last build) are hard-linked
    /// from the current site instead of written.
    pub fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let rel = safe_relative(path)
            .ok_or_else(|| io::Error::other(format!("unsafe output path: {path}")))?;
        let h = hash(bytes);
        let target = self.staging.join(&rel);
        if let Some(p) = target.parent() {
            let known = self.dirs.lock().map(|d| d.contains(p)).unwrap_or(false);
            if !known {
                std::fs::create_dir_all(p)?;
                if let Ok(mut d) = self.dirs.lock() {
                    d.insert(p.to_owned());
                }
            }
        }
        let unchanged = self.old.get(path) == Some(&h)
            && std::fs::hard_link(self.dir.join(&rel), &target).is_ok();
        if !unchanged {
            std::fs::write(&target, bytes)?;
            self.written.fetch_add(1, Ordering::Relaxed);
        }
        self.files
            .lock()
            .map_err(|_| io::Error::other("writer poisoned"))?
            .push((path.to_owned(), h, bytes.len() as u64));
        Ok(())
    }

    /// Paths added so far, sorted.
    pub fn paths(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .files
            .lock()
            .map(|f| f.iter().map(|(p, _, _)| p.clone()).collect())
            .unwrap_or_default();
        v.sort();
        v
    }

    pub fn commit(mut self) -> io::Result<WriteStats> {
        let mut files = std::mem::take(
            &mut *self
                .files
                .lock()
                .map_err(|_| io::Error::other("writer poisoned"))?,
        );
        files.sort();
        if let Some(w) = files.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(io::Error::other(format!(
                "two outputs for the same file: {}",
                w[0].0
            )));
        }
        let mut manifest = String::with_capacity(files.len() * 100);
        for (p, h, _) in &files {
            manifest.push_str(h);
            manifest.push('\t');
            manifest.push_str(p);
            manifest.push('\n');
        }
        std::fs::write(self.staging.join(MANIFEST), manifest)?;
        let new_paths: BTreeSet<&str> = files.iter().map(|(p, _, _)| p.as_str()).collect();
        let stats = WriteStats {
            files: files.len(),
            bytes: files.iter().map(|(_, _, n)| n).sum(),
            written: self.written.load(Ordering::Relaxed),
            removed: self
                .old
                .keys()
                .filter(|p| !new_paths.contains(p.as_str()))
                .count(),
        };
        swap(&self.staging, &self.dir, &self.parent, &self.name)?;
        self.committed = true;
        Ok(stats)
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
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
