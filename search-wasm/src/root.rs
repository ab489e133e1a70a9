//! The root file: the one small file a browser loads before its first query.
//!
//! Layout: `ALMS` (4 bytes), the manifest's length (u32, little endian), the manifest as JSON,
//! then the bytes of the hot ranges back to back. The manifest lists every index file with its
//! length and the content-hashed names of its fixed-size blocks, and where each hot range (what
//! opening the index reads: `meta.json`, footers, term-dictionary indexes, column headers) sits
//! in the data part. Everything else is fetched block by block when a query touches it.

use serde::{Deserialize, Serialize};
use std::ops::Range;

pub const MAGIC: &[u8; 4] = b"ALMS";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Format version; a reader refuses any other.
    pub version: u32,
    pub files: Vec<FileEntry>,
    /// Ranges served from the root file itself.
    pub hot: Vec<HotRange>,
    /// The hit cards (see [`CardFiles`]).
    pub cards: CardFiles,
    /// Blocks every query reads whatever its words (length norms, and the term
    /// dictionaries when they are small), as `[file, block]`: the worker fetches them as
    /// soon as it has the root file, while the engine still downloads, so they cost no round
    /// trip of their own.
    #[serde(default)]
    pub eager: Vec<[usize; 2]>,
    /// Card files fetched the same way (a small catalogue's cards, all in one file).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub eager_cards: Vec<EagerCards>,
}

/// A card file fetched with the engine: its number and its published name (so the worker
/// needs no naming rule of its own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EagerCards(pub usize, pub String);

pub const VERSION: u32 = 4;

/// The hit cards of every document (`allmende_search::cards::Card`), `per_file` documents
/// (in document order) per JSON file `<prefix><group>/<n>.bin`. Files come in groups of
/// `files_per_group`, and a group's folder is named by a hash of its files: each file is as
/// immutable as a content-hashed block without the root listing one name per file, and an
/// edited entry renames only its own group's files (a CDN and the readers' caches keep the
/// others).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CardFiles {
    /// Relative to the root file's folder.
    pub prefix: String,
    /// One hash per group, in order.
    pub groups: Vec<String>,
    pub files_per_group: usize,
    pub per_file: usize,
    pub docs: usize,
}

impl CardFiles {
    /// Published name of card file `n` (`None` past the end).
    pub fn name(&self, n: usize) -> Option<String> {
        let group = self.groups.get(n / self.files_per_group.max(1))?;
        Some(format!("{}{group}/{n}.bin", self.prefix))
    }

    /// Number of card files.
    pub fn files(&self) -> usize {
        self.docs.div_ceil(self.per_file.max(1))
    }

    /// Number of cards in file `n` (0 past the end).
    pub fn len_of(&self, n: usize) -> usize {
        let start = n.saturating_mul(self.per_file);
        self.docs.saturating_sub(start).min(self.per_file)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Path inside the tantivy index directory (`meta.json`, `<segment>.idx`, …).
    pub path: String,
    pub len: usize,
    /// Size of every block of this file but its last, unless `starts` is given.
    pub block_size: usize,
    /// Where each block starts, when the blocks are cut where the file's records start (the
    /// posting lists: see `pack::postings_cuts`) rather than every `block_size` bytes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub starts: Vec<usize>,
    /// Published name (relative to the root file's folder) of each block, in order; empty for
    /// a file that is not published because the browser never reads past its hot ranges
    /// (the document store: hits come from the card files).
    pub blocks: Vec<String>,
}

impl FileEntry {
    /// The bytes block `b` holds (`None` past the end or for an unpublished file).
    pub fn block_range(&self, b: usize) -> Option<Range<usize>> {
        if b >= self.blocks.len() {
            return None;
        }
        if self.starts.is_empty() {
            let start = b.checked_mul(self.block_size)?;
            Some(start..self.len.min(start.checked_add(self.block_size)?))
        } else {
            Some(self.starts[b]..self.starts.get(b + 1).copied().unwrap_or(self.len))
        }
    }

    /// The block holding byte `offset` (which must lie inside the file).
    pub fn block_of(&self, offset: usize) -> usize {
        if self.starts.is_empty() {
            offset / self.block_size
        } else {
            self.starts.partition_point(|&s| s <= offset) - 1
        }
    }

    /// Whether the block list fits the length: explains what does not.
    fn check(&self) -> Result<(), String> {
        if self.blocks.is_empty() {
            return Ok(());
        }
        if self.starts.is_empty() {
            if self.block_size == 0 {
                return Err(format!("{}: block size 0", self.path));
            }
            if self.blocks.len() != self.len.div_ceil(self.block_size) {
                return Err(format!(
                    "{} lists {} blocks for {} bytes",
                    self.path,
                    self.blocks.len(),
                    self.len
                ));
            }
            return Ok(());
        }
        let increasing = self.starts.windows(2).all(|w| w[0] < w[1]);
        if self.starts.len() != self.blocks.len()
            || self.starts[0] != 0
            || !increasing
            || self.starts.last().is_some_and(|&s| s >= self.len)
        {
            return Err(format!(
                "{}: {} block starts for {} blocks of {} bytes, not increasing from 0",
                self.path,
                self.starts.len(),
                self.blocks.len(),
                self.len
            ));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HotRange {
    /// Index into [`Manifest::files`].
    pub file: usize,
    pub start: usize,
    pub len: usize,
    /// Offset of the bytes in the root file's data part.
    pub data: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum RootError {
    #[error("not a search root file (missing ALMS header); rebuild the site with `allmende build`")]
    Magic,
    #[error(
        "search root file is truncated or its manifest is invalid ({0}); rebuild the site with `allmende build`"
    )]
    Manifest(String),
    #[error(
        "search root file has format version {found}, this engine reads {VERSION}; rebuild the site so engine and index match"
    )]
    Version { found: u32 },
}

/// Serialises a root file.
pub fn encode(manifest: &Manifest, data: &[u8]) -> Vec<u8> {
    let json = serde_json::to_vec(manifest).expect("a manifest always serialises");
    let mut out = Vec::with_capacity(8 + json.len() + data.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(json.len() as u32).to_le_bytes());
    out.extend_from_slice(&json);
    out.extend_from_slice(data);
    out
}

/// Splits a root file into its manifest and the offset where the data part starts, checking
/// that every hot range lies inside the data and every file's block list fits its length.
pub fn decode(bytes: &[u8]) -> Result<(Manifest, usize), RootError> {
    if bytes.len() < 8 || &bytes[..4] != MAGIC {
        return Err(RootError::Magic);
    }
    let json_len = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
    let json = bytes
        .get(8..8 + json_len)
        .ok_or_else(|| RootError::Manifest("manifest longer than the file".into()))?;
    let manifest: Manifest =
        serde_json::from_slice(json).map_err(|e| RootError::Manifest(e.to_string()))?;
    if manifest.version != VERSION {
        return Err(RootError::Version {
            found: manifest.version,
        });
    }
    let data_start = 8 + json_len;
    let data_len = bytes.len() - data_start;
    let cards = &manifest.cards;
    if cards.docs > 0 && (cards.per_file == 0 || cards.files_per_group == 0) {
        return Err(RootError::Manifest(
            "0 cards per file or files per group".into(),
        ));
    }
    if cards.docs > 0 && cards.groups.len() != cards.files().div_ceil(cards.files_per_group) {
        return Err(RootError::Manifest(format!(
            "{} card groups for {} card files of {} per group",
            cards.groups.len(),
            cards.files(),
            cards.files_per_group
        )));
    }
    for f in &manifest.files {
        f.check().map_err(RootError::Manifest)?;
    }
    for &[file, block] in &manifest.eager {
        if manifest
            .files
            .get(file)
            .is_none_or(|f| block >= f.blocks.len())
        {
            return Err(RootError::Manifest(format!(
                "eager block {block} of file {file} out of bounds"
            )));
        }
    }
    for EagerCards(n, name) in &manifest.eager_cards {
        if cards.name(*n).as_deref() != Some(name.as_str()) {
            return Err(RootError::Manifest(format!(
                "eager card file {n} is not {name}"
            )));
        }
    }
    for h in &manifest.hot {
        let file_ok = manifest
            .files
            .get(h.file)
            .is_some_and(|f| h.start.checked_add(h.len).is_some_and(|end| end <= f.len));
        let data_ok = h.data.checked_add(h.len).is_some_and(|end| end <= data_len);
        if !file_ok || !data_ok {
            return Err(RootError::Manifest(format!(
                "hot range {}+{} of file {} out of bounds",
                h.start, h.len, h.file
            )));
        }
    }
    Ok((manifest, data_start))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        let m = Manifest {
            version: VERSION,
            files: vec![FileEntry {
                path: "a.idx".into(),
                len: 9,
                block_size: 4,
                starts: Vec::new(),
                blocks: vec!["x.bin".into(), "y.bin".into(), "z.bin".into()],
            }],
            hot: vec![HotRange {
                file: 0,
                start: 7,
                len: 2,
                data: 0,
            }],
            cards: CardFiles {
                prefix: "c".into(),
                groups: vec!["g0".into(), "g1".into()],
                files_per_group: 1,
                per_file: 2,
                docs: 3,
            },
            eager: vec![[0, 2]],
            eager_cards: vec![EagerCards(1, "cg1/1.bin".into())],
        };
        encode(&m, b"hi")
    }

    #[test]
    fn round_trip() {
        let bytes = sample();
        let (m, start) = decode(&bytes).unwrap();
        assert_eq!(&bytes[start..], b"hi");
        assert_eq!(m.files[0].blocks.len(), 3);
        assert_eq!(m.cards.name(0).as_deref(), Some("cg0/0.bin"));
        assert_eq!(m.cards.name(1).as_deref(), Some("cg1/1.bin"));
        assert_eq!(m.cards.name(2), None);
        assert_eq!(
            (m.cards.len_of(0), m.cards.len_of(1), m.cards.len_of(2)),
            (2, 1, 0)
        );
    }

    #[test]
    fn blocks_of_fixed_size_or_cut_at_given_starts() {
        let (mut m, _) = decode(&sample()).unwrap();
        let f = &m.files[0];
        assert_eq!(
            (0..4).map(|b| f.block_range(b)).collect::<Vec<_>>(),
            vec![Some(0..4), Some(4..8), Some(8..9), None]
        );
        assert_eq!((f.block_of(3), f.block_of(4), f.block_of(8)), (0, 1, 2));
        m.files[0].starts = vec![0, 2, 7];
        let f = &m.files[0];
        assert_eq!(
            (0..4).map(|b| f.block_range(b)).collect::<Vec<_>>(),
            vec![Some(0..2), Some(2..7), Some(7..9), None]
        );
        assert_eq!(
            (0..9).map(|o| f.block_of(o)).collect::<Vec<_>>(),
            vec![0, 0, 1, 1, 1, 1, 1, 2, 2]
        );
        let bytes = encode(&m, b"hi");
        assert_eq!(decode(&bytes).unwrap().0, m);
    }

    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        let bytes = sample();
        for n in 0..bytes.len() - 2 {
            assert!(decode(&bytes[..n]).is_err(), "prefix of {n} bytes accepted");
        }
    }

    #[test]
    fn out_of_range_hot_data_and_wrong_block_counts_are_refused() {
        let bytes = sample();
        let (mut m, start) = decode(&bytes).unwrap();
        let data = &bytes[start..];
        m.hot[0].len = 3;
        assert!(decode(&encode(&m, data)).is_err());
        m.hot[0].len = 2;
        m.files[0].blocks.pop();
        assert!(decode(&encode(&m, data)).is_err());
        m.files[0].blocks.push("z.bin".into());
        m.files[0].block_size = 0;
        assert!(decode(&encode(&m, data)).is_err());
        m.files[0].block_size = 4;
        for bad in [vec![0, 4], vec![1, 4, 8], vec![0, 8, 4], vec![0, 4, 9]] {
            m.files[0].starts = bad;
            assert!(decode(&encode(&m, data)).is_err());
        }
        m.files[0].starts = Vec::new();
        m.cards.per_file = 0;
        assert!(decode(&encode(&m, data)).is_err());
        m.cards.per_file = 2;
        m.cards.groups.pop();
        assert!(decode(&encode(&m, data)).is_err());
        m.cards.groups.push("g1".into());
        m.eager.push([0, 3]);
        assert!(decode(&encode(&m, data)).is_err());
        m.eager.pop();
        m.eager_cards[0].0 = 0;
        assert!(decode(&encode(&m, data)).is_err());
        m.eager_cards[0].0 = 1;
        m.version = VERSION + 1;
        let e = decode(&encode(&m, data)).unwrap_err();
        assert!(e.to_string().contains("rebuild"));
    }
}
