//! The build cache: for every output page, a fingerprint of everything it was rendered
//! from. A page whose fingerprint and live file are unchanged since the last build is not
//! rendered again, so an edit of one entry re-renders only the pages that show it.
//!
//! It lives in a plain folder beside the output (`<output>/../.allmende-cache/` unless
//! `cache_dir` in site.toml says otherwise), so CI can keep it between runs together
//! with the output folder. Losing it is harmless: the next build renders everything.
//!
//! A fingerprint hashes the inputs, never the output: the theme (templates, translations,
//! static files), the configuration, the program itself (its version, size and change
//! time, so a rebuilt binary never trusts pages an older one rendered) and the data the
//! page's template sees. Each record also keeps the content hash the page had, and a page
//! is only kept when the live folder's manifest still names that hash, so a cache that
//! is older or newer than the output can never make a build keep a wrong file.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A blake3 hash of a page's inputs.
pub type Fingerprint = [u8; 32];

const FILE: &str = "pages";
/// First line of the cache file; a different one (another format) is ignored.
const HEADER: &str = "allmende page cache 1";

/// Hashes what it is fed: strings and bytes with their length, values as tagged JSON.
pub struct Hasher(blake3::Hasher);

impl Hasher {
    pub fn new(salt: &Fingerprint) -> Self {
        let mut h = blake3::Hasher::new();
        h.update(salt);
        Hasher(h)
    }

    pub fn str(&mut self, s: &str) -> &mut Self {
        // Length first, so ("ab", "c") and ("a", "bc") differ.
        self.0.update(&(s.len() as u64).to_le_bytes());
        self.0.update(s.as_bytes());
        self
    }

    pub fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.0.update(&(b.len() as u64).to_le_bytes());
        self.0.update(b);
        self
    }

    /// Adds `value` as JSON; `false` when it cannot be serialised (then the page simply
    /// has no fingerprint and is always rendered). The JSON is made first and hashed at
    /// once: serde writes a few bytes at a time, and blake3 fed in such pieces spent more
    /// time per call than hashing.
    pub fn json<T: serde::Serialize + ?Sized>(&mut self, value: &T) -> bool {
        self.0.update(b"\x00json");
        match serde_json::to_vec(value) {
            Ok(bytes) => {
                self.0.update(&bytes);
                true
            }
            Err(_) => false,
        }
    }

    pub fn finish(&self) -> Fingerprint {
        *self.0.finalize().as_bytes()
    }
}

/// What every page depends on besides its own data: the program, the theme and the
/// configuration.
pub fn build_salt(theme_fingerprint: &str, config: &crate::config::Config) -> Fingerprint {
    let mut h = Hasher::new(&program_identity());
    h.str(theme_fingerprint);
    h.str(&format!("{config:?}"));
    h.finish()
}

/// The program: its version, and the size and change time of its executable.
pub fn program_identity() -> Fingerprint {
    let mut h = Hasher::new(&[0; 32]);
    h.str(env!("CARGO_PKG_VERSION"));
    if let Some(meta) = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::metadata(p).ok())
    {
        h.str(&meta.len().to_string());
        if let Ok(t) = meta.modified()
            && let Ok(d) = t.duration_since(std::time::UNIX_EPOCH)
        {
            h.str(&d.as_nanos().to_string());
        }
    }
    h.finish()
}

#[derive(Clone)]
struct Record {
    fingerprint: Fingerprint,
    /// Content hash of the file the fingerprinted inputs gave (as in the manifest).
    hash: String,
}

pub struct PageCache {
    file: PathBuf,
    old: HashMap<String, Record>,
    new: Mutex<Vec<(String, Fingerprint)>>,
    rendered: std::sync::atomic::AtomicUsize,
    indexed: std::sync::atomic::AtomicUsize,
}

/// The cache folder (`cache_dir`, else `<output>/../.allmende-cache/`) and the output
/// folder's name, which prefixes the cache's files (two sites may share the folder).
pub fn location(config: &crate::config::Config) -> (PathBuf, String) {
    let dir = config.cache_dir.clone().unwrap_or_else(|| {
        config
            .output_dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .join(".allmende-cache")
    });
    let name = config
        .output_dir
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    (dir, name)
}

/// The entry cache's file (see [`crate::catalogue::entry_cache`]).
pub fn entries_file(config: &crate::config::Config) -> PathBuf {
    let (dir, name) = location(config);
    dir.join(format!("{name}.entries"))
}

/// Forgets everything cached for the site (`allmende build --clean`).
pub fn clear(config: &crate::config::Config) -> io::Result<()> {
    let (dir, name) = location(config);
    for file in [
        dir.join(format!("{name}.{FILE}")),
        dir.join(format!("{name}.fragments")),
        entries_file(config),
    ] {
        match std::fs::remove_file(&file) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

impl PageCache {
    /// Reads the cache of the output folder named `name` in `dir`; a missing or unreadable
    /// cache is an empty one.
    pub fn open(dir: &Path, name: &str) -> PageCache {
        let file = dir.join(format!("{name}.{FILE}"));
        let old = std::fs::read_to_string(&file)
            .ok()
            .filter(|t| t.lines().next() == Some(HEADER))
            .map(|t| {
                t.lines()
                    .skip(1)
                    .filter_map(|l| {
                        let mut parts = l.splitn(3, '\t');
                        let fp = parts.next()?;
                        let hash = parts.next()?;
                        let path = parts.next()?;
                        let mut fingerprint = [0u8; 32];
                        decode_hex(fp, &mut fingerprint)?;
                        Some((
                            path.to_owned(),
                            Record {
                                fingerprint,
                                hash: hash.to_owned(),
                            },
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        PageCache {
            file,
            old,
            new: Mutex::new(Vec::new()),
            rendered: std::sync::atomic::AtomicUsize::new(0),
            indexed: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// The content hash `path` had when the last build rendered it from the same inputs.
    pub fn unchanged(&self, path: &str, fingerprint: &Fingerprint) -> Option<&str> {
        self.old
            .get(path)
            .filter(|r| &r.fingerprint == fingerprint)
            .map(|r| r.hash.as_str())
    }

    /// Every file (path, content hash) the last build made from inputs with `fingerprint`
    /// among the paths `ours` accepts, sorted by path: the files of one output that is
    /// many files, such as a language's search index.
    pub fn made_from(
        &self,
        fingerprint: &Fingerprint,
        ours: impl Fn(&str) -> bool,
    ) -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = self
            .old
            .iter()
            .filter(|(p, r)| &r.fingerprint == fingerprint && ours(p))
            .map(|(p, r)| (p.clone(), r.hash.clone()))
            .collect();
        files.sort();
        files
    }

    /// Notes the fingerprint a page of this build was rendered (or kept) from.
    pub fn record(&self, path: &str, fingerprint: Fingerprint) {
        if let Ok(mut n) = self.new.lock() {
            n.push((path.to_owned(), fingerprint));
        }
    }

    /// Counts a page this build had to render.
    pub fn rendering(&self) {
        self.rendered
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// Counts a search index this build had to make (one per language).
    pub fn indexing(&self) {
        self.indexed
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// Search indexes this build made (the others were kept).
    pub fn indexed(&self) -> usize {
        self.indexed.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Pages this build rendered (the rest were kept).
    pub fn rendered(&self) -> usize {
        self.rendered.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Writes this build's records, with each page's content hash from `hashes` (the
    /// manifest of the committed build). Called only after the build was committed.
    pub fn save(self, hashes: &HashMap<String, String>) -> io::Result<()> {
        let mut new = self.new.into_inner().unwrap_or_default();
        new.sort_by(|a, b| a.0.cmp(&b.0));
        let mut text = String::with_capacity(new.len() * 150 + HEADER.len() + 1);
        text.push_str(HEADER);
        text.push('\n');
        for (path, fp) in &new {
            let Some(hash) = hashes.get(path) else {
                continue;
            };
            for b in fp {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                text.push(HEX[usize::from(b >> 4)] as char);
                text.push(HEX[usize::from(b & 15)] as char);
            }
            text.push('\t');
            text.push_str(hash);
            text.push('\t');
            text.push_str(path);
            text.push('\n');
        }
        if let Some(dir) = self.file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        // Written beside and renamed, so a reader never sees half a cache.
        let tmp = self.file.with_extension("tmp");
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, &self.file)
    }
}

fn decode_hex(s: &str, out: &mut [u8; 32]) -> Option<()> {
    if s.len() != 64 {
        return None;
    }
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_survive_a_round_trip_and_need_the_same_hash() {
        let dir = std::env::temp_dir().join(format!("allmende-cache-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let cache = PageCache::open(&dir, "public");
        let fp = Hasher::new(&[1; 32]).str("page").finish();
        assert_eq!(cache.unchanged("a.html", &fp), None);
        cache.record("a.html", fp);
        cache.record("gone.html", fp);
        let hashes = HashMap::from([("a.html".to_owned(), "abc".to_owned())]);
        cache.save(&hashes).unwrap();
        let cache = PageCache::open(&dir, "public");
        assert_eq!(cache.unchanged("a.html", &fp), Some("abc"));
        let other = Hasher::new(&[1; 32]).str("pag").str("e").finish();
        assert_ne!(other, fp, "lengths are part of the hash");
        assert_eq!(cache.unchanged("a.html", &other), None);
        assert_eq!(
            cache.unchanged("gone.html", &fp),
            None,
            "not in the manifest"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
