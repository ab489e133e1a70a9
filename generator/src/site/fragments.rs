//! Per-entry pieces of the catalogue-wide exports (an entry's item in `software.json`, its
//! CSV row, its DCAT blocks), kept between builds in the build cache. Those files are made
//! of every entry, so an edit of one entry changes them all; joined from kept pieces, they
//! cost one new piece and a copy instead of serialising ten thousand entries again.
//!
//! A piece is found by a fingerprint of everything it is made from: the build's salt
//! (program, theme, configuration), the kind of piece and the entry's own hash. A stale
//! piece can therefore never be used; a missing or damaged file only makes a build slower.
//!
//! The file is a base (written whole beside it and renamed into place) followed by
//! appended segments, one per build that made pieces: an edit of one entry appends its
//! few kilobytes instead of writing 70 MB again. Each segment ends with its length and
//! hash, so one cut short by a crash is ignored (with everything after it). When the
//! pieces no build uses any more would make up more than half of the file, it is written
//! whole again.

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
const HEADER: &[u8] = b"allmende export fragments 2\n";

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
    /// Where the file's sound part ends (all of it, unless a segment was cut short): new
    /// segments may be appended only there.
    end: usize,
    /// The pieces this build used, by fingerprint: what the next build may keep.
    used: Mutex<Vec<(Fingerprint, Used)>>,
    made: AtomicUsize,
}

impl Fragments {
    /// The kept pieces of the output folder named `name` in the cache folder `dir`.
    pub fn open(dir: &Path, name: &str) -> Fragments {
        let file = dir.join(format!("{name}.{FILE}"));
        let data = Mapped::open(&file);
        let (old, end) = parse(&data);
        Fragments {
            file: Some(file),
            data,
            old,
            end,
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
            end: 0,
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

    /// Keeps this build's pieces for the next one: appends the ones it made, or writes
    /// the file whole when most of it would be pieces no build uses any more.
    pub fn save(self) -> io::Result<()> {
        let Some(file) = self.file else {
            return Ok(());
        };
        let mut used = self.used.into_inner().unwrap_or_default();
        used.sort_by_key(|u| u.0);
        used.dedup_by(|a, b| a.0 == b.0);
        let made: Vec<(&Fingerprint, &[u8])> = used
            .iter()
            .filter_map(|(key, piece)| match piece {
                Used::Made(b) => Some((key, &b[..])),
                Used::Kept(_) => None,
            })
            .collect();
        let record = |bytes: &[u8]| (RECORD_HEAD + bytes.len()) as u64;
        let live: u64 = used
            .iter()
            .map(|(_, piece)| match piece {
                Used::Kept(range) => record(&self.data[range.clone()]),
                Used::Made(b) => record(b),
            })
            .sum();
        let segment: u64 = made.iter().map(|(_, b)| record(b)).sum::<u64>() + SEGMENT_EXTRA;
        let sound = self.end > 0 && self.end == self.data.len();
        if sound && made.is_empty() && 2 * live >= self.end as u64 {
            // Nothing new, and not mostly stale: the file stays as it is.
            return Ok(());
        }
        if sound && !made.is_empty() && 2 * live >= self.end as u64 + segment {
            let mut records = Vec::with_capacity(segment as usize);
            for (key, bytes) in &made {
                write_record(&mut records, key, bytes)?;
            }
            // One write: appends of a whole segment do not interleave with anything.
            let mut out = Vec::with_capacity(records.len() + SEGMENT_EXTRA as usize);
            out.extend_from_slice(&(records.len() as u64).to_le_bytes());
            out.extend_from_slice(&records);
            out.extend_from_slice(blake3::hash(&records).as_bytes());
            let mut f = std::fs::OpenOptions::new().append(true).open(&file)?;
            return f.write_all(&out);
        }
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        // Written beside and renamed, so a reader never sees half a base.
        let tmp = file.with_extension("tmp-fragments");
        let mut out = io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp)?);
        out.write_all(HEADER)?;
        out.write_all(&live.to_le_bytes())?;
        for (key, piece) in &used {
            let bytes = match piece {
                Used::Kept(range) => &self.data[range.clone()],
                Used::Made(b) => b,
            };
            write_record(&mut out, key, bytes)?;
        }
        // Not synced: after a crash a cut-short base only loses the pieces after the cut.
        out.flush()?;
        drop(out);
        std::fs::rename(&tmp, &file)
    }
}

/// A record: 32 bytes key, 8 bytes length (little endian), the piece.
const RECORD_HEAD: usize = 40;
/// A segment's length before its records and its blake3 hash after them.
const SEGMENT_EXTRA: u64 = 8 + 32;

fn write_record(out: &mut impl Write, key: &Fingerprint, bytes: &[u8]) -> io::Result<()> {
    out.write_all(key)?;
    out.write_all(&(bytes.len() as u64).to_le_bytes())?;
    out.write_all(bytes)
}

/// The pieces of a file: after the header the base's length and records, then segments
/// (length, records, hash of the records). Returns the pieces and where the sound part
/// ends; a cut-short base keeps the records before the cut, a damaged segment ends the
/// file (0: nothing sound, the next save writes it whole).
fn parse(data: &[u8]) -> (HashMap<Fingerprint, Range<usize>>, usize) {
    let mut out = HashMap::new();
    if !data.starts_with(HEADER) {
        return (out, 0);
    }
    let u64_at = |at: usize| -> Option<usize> {
        let b: [u8; 8] = data.get(at..at.checked_add(8)?)?.try_into().ok()?;
        usize::try_from(u64::from_le_bytes(b)).ok()
    };
    let Some(base_len) = u64_at(HEADER.len()) else {
        return (out, 0);
    };
    let base_start = HEADER.len() + 8;
    let base_end = base_start.saturating_add(base_len);
    if records(data, base_start, base_end.min(data.len()), &mut out) != base_end {
        // The base was cut short: keep what is whole, append nothing after it.
        return (out, 0);
    }
    let mut at = base_end;
    while at < data.len() {
        let Some(len) = u64_at(at) else { break };
        let start = at + 8;
        let Some(end) = start.checked_add(len).filter(|e| e + 32 <= data.len()) else {
            break;
        };
        if blake3::hash(&data[start..end]).as_bytes()[..] != data[end..end + 32] {
            break;
        }
        let mut segment = HashMap::new();
        if records(data, start, end, &mut segment) != end {
            break;
        }
        out.extend(segment);
        at = end + 32;
    }
    (out, at)
}

/// Adds the records between `start` and `end`; returns where the last whole one ends.
fn records(
    data: &[u8],
    start: usize,
    end: usize,
    out: &mut HashMap<Fingerprint, Range<usize>>,
) -> usize {
    let mut at = start;
    while let Some(record) = data
        .get(at..at + RECORD_HEAD)
        .filter(|_| at + RECORD_HEAD <= end)
    {
        let mut key = [0u8; 32];
        key.copy_from_slice(&record[..32]);
        let mut len = [0u8; 8];
        len.copy_from_slice(&record[32..40]);
        let Ok(len) = usize::try_from(u64::from_le_bytes(len)) else {
            break;
        };
        let piece = at + RECORD_HEAD;
        let Some(next) = piece.checked_add(len).filter(|&e| e <= end) else {
            break;
        };
        out.insert(key, piece..next);
        at = next;
    }
    at
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

    /// A build that makes few pieces appends them; a segment damaged on disk is ignored
    /// and the next save writes the file whole; so does one that is mostly unused pieces.
    #[test]
    fn new_pieces_are_appended_and_the_file_is_rewritten_when_damaged_or_mostly_stale() {
        let dir = std::env::temp_dir().join(format!("allmende-append-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let file = dir.join("public.fragments");
        let build = |keys: &[u8]| {
            let f = Fragments::open(&dir, "public");
            for &k in keys {
                assert_eq!(&*f.get([k; 32], || vec![k; 100]), &vec![k; 100][..]);
            }
            let made = f.made();
            f.save().unwrap();
            made
        };
        assert_eq!(build(&[1, 2, 3, 4, 5, 6, 7, 8]), 8);
        let base = std::fs::metadata(&file).unwrap().len();
        // One piece changed (8 -> 9): appended, the base untouched.
        assert_eq!(build(&[1, 2, 3, 4, 5, 6, 7, 9]), 1);
        let appended = std::fs::metadata(&file).unwrap().len();
        assert_eq!(appended, base + 8 + 140 + 32);
        let bytes = std::fs::read(&file).unwrap();
        assert_eq!(
            build(&[1, 2, 3, 4, 5, 6, 7, 9]),
            0,
            "all kept, base and segment"
        );
        assert_eq!(
            std::fs::read(&file).unwrap(),
            bytes,
            "nothing made, nothing written"
        );

        // A flipped byte in the segment: its pieces are not trusted, the rest is.
        let mut damaged = bytes.clone();
        let n = damaged.len();
        damaged[n - 40] ^= 1;
        std::fs::write(&file, &damaged).unwrap();
        let f = Fragments::open(&dir, "public");
        assert_eq!(
            (f.old.len(), f.end as u64),
            (8, base),
            "the base is sound, the segment not"
        );
        drop(f);
        assert_eq!(build(&[1, 2, 3, 4, 5, 6, 7, 9]), 1, "9 made again");
        let (old, end) = parse(&std::fs::read(&file).unwrap());
        assert_eq!(
            (old.len(), end as u64),
            (8, std::fs::metadata(&file).unwrap().len())
        );
        assert_eq!(end as u64, base, "written whole: a base of 8 pieces again");

        // Seven new pieces: appended (the stale ones are less than half the file)...
        assert_eq!(build(&[11, 12, 13, 14, 15, 16, 17, 9]), 7);
        assert_eq!(parse(&std::fs::read(&file).unwrap()).0.len(), 15);
        // ...seven more, and the file would be mostly stale: written whole.
        assert_eq!(build(&[21, 22, 23, 24, 25, 26, 27, 9]), 7);
        let (old, end) = parse(&std::fs::read(&file).unwrap());
        assert_eq!((old.len(), end as u64), (8, base));
        assert!(!old.contains_key(&[11; 32]));
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
