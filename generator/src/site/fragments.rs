//! Per-entry pieces of the catalogue-wide exports (an entry's item in `software.json`, its
//! CSV row, its DCAT blocks), kept between builds in the build cache. Those files are made
//! of every entry, so an edit of one entry changes them all; joined from kept pieces, they
//! cost one new piece and a copy instead of serialising ten thousand entries again.
//!
//! A piece is found by a fingerprint of everything it is made from: the build's salt
//! (program, theme, configuration), the kind of piece and the entry's own hash. A stale
//! piece can therefore never be used; a missing or damaged file only makes a build slower.

use super::cache::{Fingerprint, Hasher};
use crate::mapped::Mapped;
use std::collections::HashMap;
use std::io::{self, Write};
use std::ops::{Deref, Range};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

const FILE: &str = "fragments";
/// Start of the file; another one (another format) is ignored.
const HEADER: &[u8] = b"allmende export fragments 1\n";

/// One piece: kept (a part of the file read at the start) or made by this build.
#[derive(Clone)]
pub enum Piece<'a> {
    Kept(&'a [u8]),
    Made(Arc<[u8]>),
}

impl Deref for Piece<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Piece::Kept(b) => b,
            Piece::Made(b) => b,
        }
    }
}

/// A used piece as the next build will find it.
enum Used {
    Kept(Range<usize>),
    Made(Arc<[u8]>),
}

pub struct Fragments {
    /// `None`: nothing is kept (tests, or no build cache).
    file: Option<PathBuf>,
    /// The file as mapped; pieces are ranges of it, so keeping 70 MB of pieces copies nothing.
    data: Mapped,
    old: HashMap<Fingerprint, Range<usize>>,
    /// The pieces this build used, by fingerprint: what the next build may keep.
    used: Mutex<Vec<(Fingerprint, Used)>>,
    made: AtomicUsize,
}

impl Fragments {
    /// The kept pieces of the output folder named `name` in the cache folder `dir`.
    pub fn open(dir: &Path, name: &str) -> Fragments {
        let file = dir.join(format!("{name}.{FILE}"));
        let data = Mapped::open(&file);
        let old = if data.starts_with(HEADER) {
            parse(&data)
        } else {
            HashMap::new()
        };
        Fragments {
            file: Some(file),
            data,
            old,
            used: Mutex::new(Vec::new()),
            made: AtomicUsize::new(0),
        }
    }

    /// Pieces made anew every time and never kept.
    pub fn none() -> Fragments {
        Fragments {
            file: None,
            data: Mapped::default(),
            old: HashMap::new(),
            used: Mutex::new(Vec::new()),
            made: AtomicUsize::new(0),
        }
    }

    /// The piece with fingerprint `key`: kept from the last build, or made by `make`.
    pub fn get(&self, key: Fingerprint, make: impl FnOnce() -> Vec<u8>) -> Piece<'_> {
        let (piece, used) = match self.old.get(&key) {
            Some(range) => (
                Piece::Kept(&self.data[range.clone()]),
                Used::Kept(range.clone()),
            ),
            None => {
                self.made.fetch_add(1, Ordering::Relaxed);
                let made: Arc<[u8]> = Arc::from(make());
                (Piece::Made(made.clone()), Used::Made(made))
            }
        };
        if self.file.is_some()
            && let Ok(mut all) = self.used.lock()
        {
            all.push((key, used));
        }
        piece
    }

    /// Pieces this build had to make.
    pub fn made(&self) -> usize {
        self.made.load(Ordering::Relaxed)
    }

    /// Keeps this build's pieces for the next one, unless they are the ones it found.
    pub fn save(self) -> io::Result<()> {
        let Some(file) = self.file else {
            return Ok(());
        };
        let mut used = self.used.into_inner().unwrap_or_default();
        used.sort_by_key(|u| u.0);
        used.dedup_by(|a, b| a.0 == b.0);
        if self.made.load(Ordering::Relaxed) == 0 && used.len() == self.old.len() {
            return Ok(());
        }
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        // Written beside and renamed, so a reader never sees half a file.
        let tmp = file.with_extension("tmp-fragments");
        let mut out = io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp)?);
        out.write_all(HEADER)?;
        for (key, piece) in &used {
            let bytes = match piece {
                Used::Kept(range) => &self.data[range.clone()],
                Used::Made(b) => b,
            };
            out.write_all(key)?;
            out.write_all(&(bytes.len() as u64).to_le_bytes())?;
            out.write_all(bytes)?;
        }
        // Not synced: after a crash a cut-short file only loses the pieces after the cut.
        out.flush()?;
        drop(out);
        std::fs::rename(&tmp, &file)
    }
}

/// Records of 32 bytes key, 8 bytes length (little endian) and the piece, after the
/// header; a record cut short ends the file.
fn parse(data: &[u8]) -> HashMap<Fingerprint, Range<usize>> {
    let mut out = HashMap::new();
    let mut at = HEADER.len().min(data.len());
    while let Some(record) = data.get(at..at + 40) {
        let mut key = [0u8; 32];
        key.copy_from_slice(&record[..32]);
        let mut len = [0u8; 8];
        len.copy_from_slice(&record[32..40]);
        let Ok(len) = usize::try_from(u64::from_le_bytes(len)) else {
            break;
        };
        let start = at + 40;
        let Some(end) = start.checked_add(len).filter(|&e| e <= data.len()) else {
            break;
        };
        out.insert(key, start..end);
        at = end;
    }
    out
}

/// Hands out the pieces of one build: keyed by the build's salt, the kind of piece and
/// the hash of the entry it describes.
pub struct Pieces<'a> {
    fragments: &'a Fragments,
    salt: Fingerprint,
    /// Entry hash by slug; an entry without one gets its piece made anew.
    hashes: HashMap<&'a str, Fingerprint>,
}

impl<'a> Pieces<'a> {
    pub fn new(
        fragments: &'a Fragments,
        salt: Fingerprint,
        hashes: HashMap<&'a str, Fingerprint>,
    ) -> Self {
        Pieces {
            fragments,
            salt,
            hashes,
        }
    }

    /// The `kind` piece of the entry `slug`.
    pub fn get(&self, kind: &str, slug: &str, make: impl FnOnce() -> Vec<u8>) -> Piece<'a> {
        match self.hashes.get(slug) {
            Some(hash) => {
                let mut h = Hasher::new(&self.salt);
                h.str(kind).bytes(hash);
                self.fragments.get(h.finish(), make)
            }
            None => Piece::Made(Arc::from(make())),
        }
    }
}

/// Pieces that are always made anew (tests and callers without a build cache).
pub fn unkept() -> Pieces<'static> {
    static NONE: std::sync::OnceLock<Fragments> = std::sync::OnceLock::new();
    Pieces {
        fragments: NONE.get_or_init(Fragments::none),
        salt: [0; 32],
        hashes: HashMap::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_are_kept_by_fingerprint_and_a_damaged_file_is_an_empty_one() {
        let dir = std::env::temp_dir().join(format!("allmende-fragments-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let first = Fragments::open(&dir, "public");
        let a = first.get([1; 32], || b"alpha".to_vec());
        let b = first.get([2; 32], Vec::new);
        assert_eq!((&*a, &*b, first.made()), (&b"alpha"[..], &b""[..], 2));
        first.save().unwrap();

        let second = Fragments::open(&dir, "public");
        let a = second.get([1; 32], || unreachable!("kept"));
        let b = second.get([2; 32], || unreachable!("kept"));
        let c = second.get([3; 32], || b"gamma".to_vec());
        assert_eq!((&*a, &*b, &*c), (&b"alpha"[..], &b""[..], &b"gamma"[..]));
        assert_eq!(second.made(), 1);
        second.save().unwrap();

        // Cut short in the middle of a record: the records before it stay.
        let file = dir.join("public.fragments");
        let bytes = std::fs::read(&file).unwrap();
        std::fs::write(&file, &bytes[..bytes.len() - 3]).unwrap();
        let third = Fragments::open(&dir, "public");
        assert_eq!(third.old.len(), 2);
        std::fs::write(&file, b"something else").unwrap();
        assert!(Fragments::open(&dir, "public").old.is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_piece_is_kept_only_for_the_same_salt_kind_and_entry() {
        let dir = std::env::temp_dir().join(format!("allmende-pieces-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let first = Fragments::open(&dir, "public");
        let pieces = Pieces::new(&first, [0; 32], HashMap::from([("a", [7; 32])]));
        assert_eq!(&*pieces.get("json", "a", || b"x".to_vec()), b"x");
        first.save().unwrap();
        for (salt, kind, hash, kept) in [
            ([0; 32], "json", [7; 32], true),
            ([1; 32], "json", [7; 32], false),
            ([0; 32], "csv", [7; 32], false),
            ([0; 32], "json", [8; 32], false),
        ] {
            let fragments = Fragments::open(&dir, "public");
            let pieces = Pieces::new(&fragments, salt, HashMap::from([("a", hash)]));
            let piece = pieces.get(kind, "a", || b"new".to_vec());
            assert_eq!(&*piece, if kept { &b"x"[..] } else { &b"new"[..] });
            assert_eq!(
                fragments.made(),
                usize::from(!kept),
                "{kind} {salt:?} {hash:?}"
            );
            // An entry without a hash always gets a new piece.
            assert_eq!(&*pieces.get(kind, "b", || b"b".to_vec()), b"b");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
