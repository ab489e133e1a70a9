//! Writing the site: only files whose bytes changed are written, stale files are removed,
//! and nothing in the live folder changes before the whole build has succeeded.

use std::collections::{BTreeSet, HashMap};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

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
fn read_manifest(dir: &Path) -> HashMap<String, String> {
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

/// Receives output files from many threads while a build renders them. A file whose bytes
/// equal the last build's is not touched at all; a changed or new file is written into a
/// staging folder right away (memory holds one page per thread, not the site). Nothing in
/// the live folder changes until [`Writer::commit`], which moves the staged files into
/// place (each by an atomic rename) and removes stale ones — so a failed build leaves the
/// old site as it was, and an edit of one entry touches only the files it changed.
pub struct Writer {
    dir: PathBuf,
    staging: PathBuf,
    /// The live folder's manifest: looked up once per output file, never iterated in an
    /// order that reaches the site.
    old: HashMap<String, String>,
    /// The live folder did not exist, or a clean build replaces it as a whole: the staging
    /// folder simply becomes it.
    fresh: bool,
    dirs: Mutex<BTreeSet<PathBuf>>,
    /// (path, hash, size, staged)
    files: Mutex<Vec<(String, String, u64, bool)>>,
    committed: bool,
}

/// Where a clean build puts the site it replaced (`<parent>/.<name>.old`) until
/// [`remove_replaced`] deletes it.
pub fn replaced_path(dir: &Path) -> PathBuf {
    let (parent, name) = parent_and_name(dir);
    parent.join(format!(".{name}.old"))
}

/// Deletes the site a clean build replaced, if any. Deleting 60,000 files costs the kernel
/// seconds, and ext4 then searches longer for free inodes while files are created: so a
/// clean build renames the old site away and deletes it only after the new one is live.
pub fn remove_replaced(dir: &Path) -> io::Result<()> {
    match std::fs::remove_dir_all(replaced_path(dir)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

fn parent_and_name(dir: &Path) -> (PathBuf, String) {
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_owned();
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    (parent, name)
}

impl Writer {
    /// Starts a build that keeps what it can of the live folder `dir`.
    pub fn begin(dir: &Path) -> io::Result<Writer> {
        Self::begin_with(dir, false)
    }

    /// Starts a build that replaces the live folder as a whole (`allmende build --clean`):
    /// nothing of it is kept, but it stays untouched until [`Writer::commit`], which swaps
    /// the new site in and leaves the old one at [`replaced_path`].
    pub fn begin_clean(dir: &Path) -> io::Result<Writer> {
        Self::begin_with(dir, true)
    }

    fn begin_with(dir: &Path, clean: bool) -> io::Result<Writer> {
        let fresh = clean || !dir.exists();
        let old = if fresh {
            HashMap::new()
        } else {
            read_manifest(dir)
        };
        let (parent, name) = parent_and_name(dir);
        std::fs::create_dir_all(&parent)?;
        let staging = parent.join(format!(".{name}.new"));
        if staging.exists() {
            std::fs::remove_dir_all(&staging)?;
        }
        std::fs::create_dir_all(&staging)?;
        Ok(Writer {
            dir: dir.to_owned(),
            staging,
            old,
            fresh,
            dirs: Mutex::new(BTreeSet::new()),
            files: Mutex::new(Vec::new()),
            committed: false,
        })
    }

    fn ensure_dir(&self, p: &Path) -> io::Result<()> {
        let known = self.dirs.lock().map(|d| d.contains(p)).unwrap_or(false);
        if !known {
            std::fs::create_dir_all(p)?;
            if let Ok(mut d) = self.dirs.lock() {
                d.insert(p.to_owned());
            }
        }
        Ok(())
    }

    /// Adds one file.
    pub fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let rel = safe_relative(path)
            .ok_or_else(|| io::Error::other(format!("unsafe output path: {path}")))?;
        let h = hash(bytes);
        let unchanged = self.old.get(path) == Some(&h) && self.dir.join(&rel).is_file();
        if !unchanged {
            let target = self.staging.join(&rel);
            if let Some(p) = target.parent() {
                self.ensure_dir(p)?;
            }
            std::fs::write(&target, bytes)?;
        }
        self.files
            .lock()
            .map_err(|_| io::Error::other("writer poisoned"))?
            .push((path.to_owned(), h, bytes.len() as u64, !unchanged));
        Ok(())
    }

    /// Whether the live folder has `path` with content hash `hash` (as [`Writer::keep`]
    /// needs), without taking it over.
    pub fn has(&self, path: &str, hash: &str) -> bool {
        self.old.get(path).map(String::as_str) == Some(hash)
            && safe_relative(path).is_some_and(|rel| self.dir.join(rel).is_file())
    }

    /// Takes `path` over from the last build without its bytes, when the live folder has
    /// it with content hash `hash` (what the build cache says the same inputs gave).
    /// `false` when it cannot: then the caller renders the file and [`Writer::put`]s it.
    pub fn keep(&self, path: &str, hash: &str) -> io::Result<bool> {
        if self.old.get(path).map(String::as_str) != Some(hash) {
            return Ok(false);
        }
        let Some(rel) = safe_relative(path) else {
            return Ok(false);
        };
        let size = match std::fs::metadata(self.dir.join(rel)) {
            Ok(m) if m.is_file() => m.len(),
            _ => return Ok(false),
        };
        self.files
            .lock()
            .map_err(|_| io::Error::other("writer poisoned"))?
            .push((path.to_owned(), hash.to_owned(), size, false));
        Ok(true)
    }

    /// Content hash of every file added so far (what the manifest will say).
    pub fn hashes(&self) -> std::collections::HashMap<String, String> {
        self.files
            .lock()
            .map(|f| f.iter().map(|(p, h, ..)| (p.clone(), h.clone())).collect())
            .unwrap_or_default()
    }

    /// Paths added so far, sorted.
    pub fn paths(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .files
            .lock()
            .map(|f| f.iter().map(|(p, ..)| p.clone()).collect())
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
        for (p, h, ..) in &files {
            manifest.push_str(h);
            manifest.push('\t');
            manifest.push_str(p);
            manifest.push('\n');
        }
        let new_paths: BTreeSet<&str> = files.iter().map(|(p, ..)| p.as_str()).collect();
        let mut stale: Vec<&String> = self
            .old
            .keys()
            .filter(|p| !new_paths.contains(p.as_str()))
            .collect();
        stale.sort();
        let stats = WriteStats {
            files: files.len(),
            bytes: files.iter().map(|(_, _, n, _)| n).sum(),
            written: files.iter().filter(|f| f.3).count(),
            removed: stale.len(),
        };
        if self.fresh {
            std::fs::write(self.staging.join(MANIFEST), manifest)?;
            if self.dir.exists() {
                // A clean build over an existing site: two renames, the old site is
                // deleted later (`remove_replaced`), off the way of the new site.
                let old = replaced_path(&self.dir);
                remove_replaced(&self.dir)?;
                std::fs::rename(&self.dir, &old)?;
            }
            std::fs::rename(&self.staging, &self.dir)?;
        } else {
            self.apply(&files, &stale, &manifest)?;
        }
        self.committed = true;
        Ok(stats)
    }

    /// Moves staged files into the live folder and removes stale ones.
    fn apply(
        &self,
        files: &[(String, String, u64, bool)],
        stale: &[&String],
        manifest: &str,
    ) -> io::Result<()> {
        let mut made = BTreeSet::new();
        for (path, ..) in files.iter().filter(|f| f.3) {
            let target = self.dir.join(path);
            if let Some(p) = target.parent()
                && made.insert(p.to_owned())
            {
                std::fs::create_dir_all(p)?;
            }
            std::fs::rename(self.staging.join(path), &target)?;
        }
        for path in stale {
            let target = self.dir.join(path);
            let _ = std::fs::remove_file(&target);
            // Folders left empty by removed pages go too (never the site root).
            let mut dir = target.parent();
            while let Some(d) = dir {
                if d == self.dir || std::fs::remove_dir(d).is_err() {
                    break;
                }
                dir = d.parent();
            }
        }
        let tmp = self.staging.join(MANIFEST);
        std::fs::write(&tmp, manifest)?;
        std::fs::rename(&tmp, self.dir.join(MANIFEST))?;
        std::fs::remove_dir_all(&self.staging)
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
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
    fn a_clean_build_swaps_the_whole_site_and_keeps_the_old_one_aside() {
        let root = tmp("clean");
        let out = root.join("public");
        write(
            &out,
            &[Output::new("a.txt", "A"), Output::new("b.txt", "B")],
        )
        .unwrap();
        std::fs::write(out.join("stray.txt"), "not ours").unwrap();
        let w = Writer::begin_clean(&out).unwrap();
        w.put("a.txt", b"A").unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("b.txt")).unwrap(),
            "B",
            "the live site is untouched until the commit"
        );
        let s = w.commit().unwrap();
        assert_eq!(
            (s.files, s.written),
            (1, 1),
            "nothing kept from the old site"
        );
        assert!(!out.join("b.txt").exists() && !out.join("stray.txt").exists());
        assert!(replaced_path(&out).join("b.txt").exists());
        remove_replaced(&out).unwrap();
        assert!(!replaced_path(&out).exists());
        remove_replaced(&out).unwrap();
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
