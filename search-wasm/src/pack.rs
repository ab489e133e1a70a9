//! Native side: turns a tantivy index directory into a root file and content-hashed blocks.
//!
//! The hot ranges are found by doing what the browser does before its first query — open the
//! index, a reader and a searcher, and run a query that matches nothing with every facet — on a
//! directory that records every read. Those reads (small: `meta.json`, footers, dictionary
//! indexes, column headers) go into the root file; everything else stays in blocks.

use crate::root::{self, CardFiles, EagerCards, FileEntry, HotRange, Manifest};
use allmende_search::cards::card_of;
use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use tantivy::HasLen;
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, OwnedBytes, WatchCallback, WatchHandle, WritePtr,
};
use tantivy::schema::IndexRecordOption;

/// Blocks of 8 KiB: small enough that a query's scattered reads fetch little it does not use,
/// large enough that a term dictionary or a column is a few requests.
pub const BLOCK_SIZE: usize = 8 * 1024;

/// The posting lists (`.idx`) are cut into blocks where lists start, neighbouring lists
/// together up to this size; a longer list is a block of its own. A query reads a few whole
/// lists scattered over the file: with 8 KiB blocks most of its bytes were neighbouring lists
/// it does not read, and a list cut in two cost two requests (search-wasm/README.md).
pub const POSTINGS_BLOCK_TARGET: usize = 2 * 1024;

/// Term dictionaries up to this size (all text fields of one language together) are fetched
/// whole as soon as the root file is there: a query then waits for its postings and cards
/// only, two round trips instead of three. A larger vocabulary is fetched block by block.
pub const EAGER_TERMS_MAX: usize = 128 * 1024;

/// What a small index fetches whole, with the engine (see [`Limits`]): posting lists, the
/// facet and sort columns, and the hit cards (one file) up to these sizes (raw bytes). At the
/// size of a municipality's or a state's catalogue (up to ~100 entries) a query then waits for
/// no round trip at all once the engine is there.
pub const EAGER_POSTINGS_MAX: usize = 32 * 1024;
pub const EAGER_COLUMNS_MAX: usize = 16 * 1024;
pub const EAGER_CARDS_MAX: usize = 32 * 1024;

/// Up to which size (raw bytes) each part of an index is fetched whole as soon as the root
/// file is there, while the engine downloads; larger parts are fetched as queries touch them.
/// The eager bytes share the line with the engine, so they are kept small.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// All term dictionaries of the language together.
    pub terms: usize,
    /// The posting lists (then one block).
    pub postings: usize,
    /// The fast-field file (facet and sort columns).
    pub columns: usize,
    /// The hit cards of every entry together (then one card file).
    pub cards: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            terms: EAGER_TERMS_MAX,
            postings: EAGER_POSTINGS_MAX,
            columns: EAGER_COLUMNS_MAX,
            cards: EAGER_CARDS_MAX,
        }
    }
}

impl Limits {
    /// Only the term dictionaries (when small) and the length norms are eager, whatever the
    /// index's size: how a large index behaves, for tests of the lazy paths on small ones.
    pub fn lazy() -> Limits {
        Limits {
            postings: 0,
            columns: 0,
            cards: 0,
            ..Limits::default()
        }
    }
}

/// Cards per card file. Hits are scattered over the documents, so a page of 20 hits reads
/// about 20 card files whatever their size: small files keep the bytes of the cards not
/// shown small (measured in search-wasm/README.md).
pub const CARDS_PER_FILE: usize = 2;

/// Card files per group folder (see `root::CardFiles`): an edited card renames this many
/// files, and the root names one group per this many files (10,000 entries: 20 names).
pub const CARD_FILES_PER_GROUP: usize = 256;

/// A read-only index in memory that notes every byte range read from it.
#[derive(Debug, Clone)]
pub struct RecordingDirectory {
    files: Arc<BTreeMap<PathBuf, OwnedBytes>>,
    reads: Arc<Mutex<BTreeMap<PathBuf, Vec<Range<usize>>>>>,
}

impl RecordingDirectory {
    /// Loads the files of an index directory (skipping tantivy's lock and bookkeeping files,
    /// which a reader never needs).
    pub fn load(dir: &Path) -> io::Result<RecordingDirectory> {
        let mut files = BTreeMap::new();
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            if !entry.file_type()?.is_file() {
                continue;
            }
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') || name.ends_with(".lock") {
                continue;
            }
            files.insert(
                PathBuf::from(name.as_ref()),
                OwnedBytes::new(std::fs::read(entry.path())?),
            );
        }
        Ok(RecordingDirectory {
            files: Arc::new(files),
            reads: Arc::default(),
        })
    }

    /// An index given as file name → bytes (as `allmende_search::index_files` returns one
    /// language's files).
    pub fn from_files(files: impl IntoIterator<Item = (String, Vec<u8>)>) -> RecordingDirectory {
        RecordingDirectory {
            files: Arc::new(
                files
                    .into_iter()
                    .map(|(name, bytes)| (PathBuf::from(name), OwnedBytes::new(bytes)))
                    .collect(),
            ),
            reads: Arc::default(),
        }
    }

    fn note(&self, path: &Path, range: Range<usize>) {
        let mut reads = self.reads.lock().unwrap_or_else(PoisonError::into_inner);
        reads.entry(path.to_path_buf()).or_default().push(range);
    }

    /// Packs the files into a root file (with every range read so far as hot data) and blocks
    /// named `<prefix><blake3 of the block, 16 hex>.bin`. Identical blocks share one name.
    /// The document store is not published (the browser shows hits from card files,
    /// `<prefix>c<hash of all cards>/<n>.bin`).
    pub fn pack(&self, prefix: &str) -> tantivy::Result<Packed> {
        self.pack_with(prefix, &Limits::default())
    }

    /// [`Self::pack`] with other limits for what is fetched eagerly.
    pub fn pack_with(&self, prefix: &str, limits: &Limits) -> tantivy::Result<Packed> {
        let (card_files, card_blobs, eager_cards) = self.cards(prefix, limits)?;
        let eager_reads = self.eager_reads(limits)?;
        let records = self.records()?;
        let reads = self.reads.lock().unwrap_or_else(PoisonError::into_inner);
        let mut eager = Vec::new();
        let mut files = Vec::new();
        let mut blocks = BTreeMap::new();
        let mut hot = Vec::new();
        let mut data = Vec::new();
        for (i, (path, bytes)) in self.files.iter().enumerate() {
            let published = !path.to_string_lossy().ends_with(".store");
            let mut entry = FileEntry {
                path: path.to_string_lossy().into_owned(),
                len: bytes.len(),
                block_size: BLOCK_SIZE,
                starts: Vec::new(),
                blocks: Vec::new(),
            };
            if published {
                let postings = path.extension().is_some_and(|e| e == "idx");
                let count = match records.get(path) {
                    // Fetched whole with the engine: one request.
                    Some(_) if postings && bytes.len() <= limits.postings => {
                        entry.starts = vec![0];
                        1
                    }
                    Some(lists) => {
                        // Columns are read whole too: cut where they start, so the facet
                        // columns' blocks hold no bytes of the sort columns.
                        let target = if postings {
                            POSTINGS_BLOCK_TARGET
                        } else {
                            BLOCK_SIZE
                        };
                        entry.starts = cut_starts(bytes.len(), lists, target);
                        entry.starts.len()
                    }
                    None => bytes.len().div_ceil(BLOCK_SIZE),
                };
                // Give the entry its block count so it can name each block's bytes.
                entry.blocks = vec![String::new(); count];
                for b in 0..count {
                    let range = entry.block_range(b).expect("b < block count");
                    let chunk = &bytes.as_slice()[range];
                    let name = format!("{prefix}{}.bin", &blake3::hash(chunk).to_hex()[..16]);
                    blocks.entry(name.clone()).or_insert_with(|| chunk.to_vec());
                    entry.blocks[b] = name;
                }
                let mut touched = BTreeSet::new();
                for r in eager_reads.get(path).map(Vec::as_slice).unwrap_or(&[]) {
                    if !r.is_empty() {
                        touched.extend(entry.block_of(r.start)..=entry.block_of(r.end - 1));
                    }
                }
                eager.extend(touched.into_iter().map(|b| [i, b]));
            }
            files.push(entry);
            for r in merge(reads.get(path).map(Vec::as_slice).unwrap_or(&[])) {
                hot.push(HotRange {
                    file: i,
                    start: r.start,
                    len: r.len(),
                    data: data.len(),
                });
                data.extend_from_slice(&bytes.as_slice()[r]);
            }
        }
        let manifest = Manifest {
            version: root::VERSION,
            files,
            hot,
            cards: card_files,
            eager,
            eager_cards,
        };
        blocks.extend(card_blobs);
        Ok(Packed {
            root: root::encode(&manifest, &data),
            blocks,
        })
    }

    /// A searcher over a copy of this directory whose reads are noted apart (returned with
    /// it), so what the packer reads for itself never becomes hot data.
    fn quiet_searcher(&self) -> tantivy::Result<(RecordingDirectory, tantivy::Searcher)> {
        let quiet = RecordingDirectory {
            files: self.files.clone(),
            reads: Arc::default(),
        };
        let index = tantivy::Index::open(quiet.clone())?;
        let reader: tantivy::IndexReader = index
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .try_into()?;
        Ok((quiet, reader.searcher()))
    }

    /// Where each record a query reads whole lies, per file (sorted): the posting lists of
    /// the `.idx` files and the columns of the `.fast` files. Read on a copy of this
    /// directory, every term of every text field and every facet and sort column, as a query
    /// would read them.
    fn records(&self) -> tantivy::Result<BTreeMap<PathBuf, Vec<Range<usize>>>> {
        let (quiet, searcher) = self.quiet_searcher()?;
        let schema = searcher.schema().clone();
        let mut inverted = Vec::new();
        let mut columns = Vec::new();
        for segment in searcher.segment_readers() {
            for (name, _) in allmende_search::schema::TEXT_FIELDS {
                inverted.push(segment.inverted_index(schema.get_field(name)?)?);
            }
            let fast = segment.fast_fields();
            for name in allmende_search::FACET_KEYS.iter().chain(&[
                allmende_search::schema::NAME_SORT,
                allmende_search::schema::UPDATED,
            ]) {
                columns.extend(fast.dynamic_column_handles(name)?);
            }
        }
        // Opening reads (dictionary indexes, footers, column headers) are no records.
        quiet
            .reads
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        for inv in &inverted {
            let mut terms = inv.terms().stream()?;
            while terms.advance() {
                inv.read_block_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)?;
            }
        }
        for column in &columns {
            column.file_slice().read_bytes()?;
        }
        let reads = quiet.reads.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(reads
            .iter()
            .filter(|(path, _)| path.extension().is_some_and(|e| e == "idx" || e == "fast"))
            .map(|(path, ranges)| (path.clone(), merge_lists(ranges)))
            .collect())
    }

    /// What every query reads whatever its words: the length norms, and each term
    /// dictionary whole when the dictionaries are small (read on a copy of this directory,
    /// so only these reads are returned). Not the facet columns unless the whole fast-field
    /// file is small (`limits.columns`): the browser shows a cold query's hits first and
    /// fetches them for the counts afterwards, so they do not share the line with the engine
    /// and the query's own blocks. The posting lists when they are small (`limits.postings`).
    fn eager_reads(
        &self,
        limits: &Limits,
    ) -> tantivy::Result<BTreeMap<PathBuf, Vec<Range<usize>>>> {
        let (quiet, searcher) = self.quiet_searcher()?;
        let schema = searcher.schema().clone();
        // Opening reads go to the root file already.
        quiet
            .reads
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        for segment in searcher.segment_readers() {
            let norms = segment.fieldnorms_readers();
            for (name, _) in allmende_search::schema::TEXT_FIELDS {
                if let Some(n) = norms.get_inner_file().open_read(schema.get_field(name)?) {
                    n.read_bytes()?;
                }
            }
        }
        let terms: usize = self
            .files
            .iter()
            .filter(|(path, _)| path.extension().is_some_and(|e| e == "term"))
            .map(|(_, bytes)| bytes.len())
            .sum();
        for (path, bytes) in self.files.iter() {
            let limit = match path.extension().and_then(|e| e.to_str()) {
                Some("term") if terms <= limits.terms => usize::MAX,
                Some("idx") => limits.postings,
                Some("fast") => limits.columns,
                _ => continue,
            };
            if !bytes.is_empty() && bytes.len() <= limit {
                quiet.note(path, 0..bytes.len());
            }
        }
        let reads = quiet.reads.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(reads.clone())
    }

    /// The card files of every document, read from the document store (on a copy of this
    /// directory whose reads are not recorded: they must not become hot data).
    /// All of them in one file, fetched with the engine, when their JSON is at most
    /// `limits.cards` bytes.
    #[allow(clippy::type_complexity)]
    fn cards(
        &self,
        prefix: &str,
        limits: &Limits,
    ) -> tantivy::Result<(CardFiles, BTreeMap<String, Vec<u8>>, Vec<EagerCards>)> {
        let (_, searcher) = self.quiet_searcher()?;
        let fields = allmende_search::schema::fields(searcher.schema())
            .map_err(|e| tantivy::TantivyError::SchemaError(e.to_string()))?;
        let mut cards = Vec::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            for doc in 0..segment.max_doc() {
                let stored: tantivy::TantivyDocument =
                    searcher.doc(tantivy::DocAddress::new(ord as u32, doc))?;
                cards.push(card_of(&stored, &fields));
            }
        }
        let json = |c: &[allmende_search::cards::Card]| -> Vec<u8> {
            serde_json::to_vec(c).expect("cards always serialise")
        };
        let all = json(&cards);
        let small = !cards.is_empty() && all.len() <= limits.cards;
        let (per_file, files) = if small {
            (cards.len(), vec![all])
        } else {
            let files = cards.chunks(CARDS_PER_FILE).map(json).collect();
            (CARDS_PER_FILE, files)
        };
        let (layout, blobs) =
            card_groups(prefix, files, cards.len(), per_file, CARD_FILES_PER_GROUP);
        let eager = if small {
            let name = layout.name(0).expect("one card file");
            vec![EagerCards(0, name)]
        } else {
            Vec::new()
        };
        Ok((layout, blobs, eager))
    }
}

/// Names card files (`per_file` cards each, `docs` in all) in groups of `files_per_group`,
/// each group's folder named by the hash of its files.
fn card_groups(
    prefix: &str,
    files: Vec<Vec<u8>>,
    docs: usize,
    per_file: usize,
    files_per_group: usize,
) -> (CardFiles, BTreeMap<String, Vec<u8>>) {
    let groups = files
        .chunks(files_per_group)
        .map(|group| {
            let mut hasher = blake3::Hasher::new();
            for f in group {
                hasher.update(&(f.len() as u64).to_le_bytes());
                hasher.update(f);
            }
            hasher.finalize().to_hex()[..16].to_owned()
        })
        .collect();
    let layout = CardFiles {
        prefix: format!("{prefix}c"),
        groups,
        files_per_group,
        per_file,
        docs,
    };
    let blobs = files
        .into_iter()
        .enumerate()
        .map(|(n, f)| (layout.name(n).expect("every card file is in a group"), f))
        .collect();
    (layout, blobs)
}

/// Does what the browser does before any query reads data, so those reads (all small) go into
/// the root file: open the index, a reader and a searcher, and open what every query opens —
/// each text field's term dictionary (its block index) and the facet and sort columns' handles.
pub fn warm(dir: &RecordingDirectory, lang: &str) -> tantivy::Result<()> {
    let index = tantivy::Index::open(dir.clone())?;
    allmende_search::analysis::register(&index, lang);
    let reader: tantivy::IndexReader = index
        .reader_builder()
        .reload_policy(tantivy::ReloadPolicy::Manual)
        .try_into()?;
    let searcher = reader.searcher();
    let schema = index.schema();
    for segment in searcher.segment_readers() {
        for (name, _) in allmende_search::schema::TEXT_FIELDS {
            segment.inverted_index(schema.get_field(name)?)?;
        }
        let fast = segment.fast_fields();
        for name in allmende_search::FACET_KEYS.iter().chain(&[
            allmende_search::schema::NAME_SORT,
            allmende_search::schema::UPDATED,
        ]) {
            fast.dynamic_column_handles(name)?;
        }
    }
    Ok(())
}

/// A packed index: the root file and the blocks by published name.
#[derive(Debug)]
pub struct Packed {
    pub root: Vec<u8>,
    pub blocks: BTreeMap<String, Vec<u8>>,
}

/// The posting lists read, sorted, each once (a list is never read in parts).
fn merge_lists(ranges: &[Range<usize>]) -> Vec<Range<usize>> {
    let set: BTreeSet<(usize, usize)> = ranges
        .iter()
        .filter(|r| !r.is_empty())
        .map(|r| (r.start, r.end))
        .collect();
    set.into_iter().map(|(s, e)| s..e).collect()
}

/// Block starts for a file of `len` bytes holding the sorted `lists`: a block begins where a
/// list begins, and takes the following lists while it stays within `target` bytes, so a
/// list is never split and a query reading one list fetches at most `target` bytes it does
/// not need. Bytes outside every list go with the block before them.
fn cut_starts(len: usize, lists: &[Range<usize>], target: usize) -> Vec<usize> {
    let mut starts = vec![0];
    let mut start = 0;
    for l in lists {
        if l.start > start && l.start < len && l.end - start > target {
            starts.push(l.start);
            start = l.start;
        }
    }
    starts
}

/// Sorted, non-overlapping union of the ranges (adjacent ones joined).
fn merge(ranges: &[Range<usize>]) -> Vec<Range<usize>> {
    let set: BTreeSet<(usize, usize)> = ranges
        .iter()
        .filter(|r| !r.is_empty())
        .map(|r| (r.start, r.end))
        .collect();
    let mut out: Vec<Range<usize>> = Vec::new();
    for (start, end) in set {
        match out.last_mut() {
            Some(last) if start <= last.end => last.end = last.end.max(end),
            _ => out.push(start..end),
        }
    }
    out
}

#[derive(Debug)]
struct RecordingFile {
    dir: RecordingDirectory,
    path: PathBuf,
    bytes: OwnedBytes,
}

impl HasLen for RecordingFile {
    fn len(&self) -> usize {
        self.bytes.len()
    }
}

impl FileHandle for RecordingFile {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        if range.start > range.end || range.end > self.bytes.len() {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("read {range:?} past the end of {}", self.path.display()),
            ));
        }
        self.dir.note(&self.path, range.clone());
        Ok(self.bytes.slice(range))
    }
}

fn read_only(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!("{}: packing reads the index only", path.display()),
    )
}

impl Directory for RecordingDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        let bytes = self
            .files
            .get(path)
            .ok_or_else(|| OpenReadError::FileDoesNotExist(path.to_path_buf()))?;
        Ok(Arc::new(RecordingFile {
            dir: self.clone(),
            path: path.to_path_buf(),
            bytes: bytes.clone(),
        }))
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        Err(DeleteError::IoError {
            io_error: Arc::new(read_only(path)),
            filepath: path.to_path_buf(),
        })
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        Ok(self.files.contains_key(path))
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        Err(OpenWriteError::IoError {
            io_error: Arc::new(read_only(path)),
            filepath: path.to_path_buf(),
        })
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        let bytes = self
            .files
            .get(path)
            .ok_or_else(|| OpenReadError::FileDoesNotExist(path.to_path_buf()))?;
        self.note(path, 0..bytes.len());
        Ok(bytes.as_slice().to_vec())
    }

    fn atomic_write(&self, path: &Path, _data: &[u8]) -> io::Result<()> {
        Err(read_only(path))
    }

    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }

    fn acquire_lock(&self, _lock: &Lock) -> Result<DirectoryLock, LockError> {
        Ok(DirectoryLock::from(Box::new(())))
    }

    fn watch(&self, _cb: WatchCallback) -> tantivy::Result<WatchHandle> {
        Ok(WatchHandle::empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(edited: Option<usize>) -> Vec<Vec<u8>> {
        (0..5)
            .map(|n| {
                let mark = if Some(n) == edited { "edited" } else { "" };
                format!("[card {n}{mark}]").into_bytes()
            })
            .collect()
    }

    /// An edited card renames the files of its own group only, so the other groups stay
    /// cached wherever they are (CDN, browser) and an incremental build rewrites few files.
    #[test]
    fn posting_blocks_start_where_lists_start_and_never_split_one() {
        // Lists of 3, 3, 10 and 2 bytes; a 2-byte gap (a footer, say) at the end.
        let lists = [0..3, 3..6, 6..16, 16..18];
        assert_eq!(cut_starts(20, &lists, 6), vec![0, 6, 16]);
        // Every list lies inside one block.
        let starts = cut_starts(20, &lists, 4);
        assert_eq!(starts, vec![0, 3, 6, 16]);
        for l in &lists {
            let block = starts.partition_point(|&s| s <= l.start) - 1;
            let end = starts.get(block + 1).copied().unwrap_or(20);
            assert!(l.end <= end, "{l:?} split at {end}");
        }
        assert_eq!(cut_starts(20, &[], 4), vec![0]);
    }

    #[test]
    fn an_edited_card_renames_only_its_group() {
        let (before, old) = card_groups("de/", files(None), 10, 2, 2);
        let (after, new) = card_groups("de/", files(Some(3)), 10, 2, 2);
        assert_eq!(before.groups.len(), 3);
        assert_eq!(
            before.name(4).as_deref(),
            Some(format!("de/c{}/4.bin", before.groups[2]).as_str())
        );
        assert_eq!(before.groups[0], after.groups[0]);
        assert_ne!(before.groups[1], after.groups[1]);
        assert_eq!(before.groups[2], after.groups[2]);
        let renamed: Vec<&String> = new.keys().filter(|n| !old.contains_key(*n)).collect();
        assert_eq!(renamed.len(), 2, "{renamed:?}");
        assert!(renamed.iter().all(|n| n.contains(&after.groups[1])));
        // Same cards, same names.
        assert_eq!(card_groups("de/", files(None), 10, 2, 2), (before, old));
    }
}
