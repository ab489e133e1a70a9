//! A read-only tantivy [`Directory`] over a root file and blocks that arrive later.
//!
//! tantivy reads synchronously, and the browser fetches asynchronously. Instead of blocking
//! (a synchronous XMLHttpRequest per missing block, one round trip each), a read that needs a
//! block not loaded yet notes the block and fails with an I/O error; tantivy passes the error
//! up, the caller fetches every noted block at once and runs the query again. A query thus
//! costs one round trip per level of dependent reads (term dictionary → postings → stored
//! documents), however many blocks each level needs.

use crate::root::{self, Manifest, RootError};
use std::collections::{BTreeSet, HashMap};
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::Poll;
use tantivy::HasLen;
use tantivy::directory::error::{DeleteError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, OwnedBytes, WatchCallback, WatchHandle, WritePtr,
};

/// One block of one index file: `(file index, block index)` in the manifest.
pub type BlockId = (usize, usize);

#[derive(Debug)]
struct Shared {
    manifest: Manifest,
    /// The whole root file; hot ranges are zero-copy slices of it.
    root: OwnedBytes,
    data_start: usize,
    /// Hot ranges per file, sorted by start.
    hot: Vec<Vec<(usize, usize, usize)>>,
    path_index: HashMap<PathBuf, usize>,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    blocks: HashMap<BlockId, OwnedBytes>,
    missing: BTreeSet<BlockId>,
}

#[derive(Debug, Clone)]
pub struct LazyDirectory {
    shared: Arc<Shared>,
}

impl LazyDirectory {
    pub fn open(root_bytes: Vec<u8>) -> Result<LazyDirectory, RootError> {
        let (manifest, data_start) = root::decode(&root_bytes)?;
        let mut hot = vec![Vec::new(); manifest.files.len()];
        for h in &manifest.hot {
            hot[h.file].push((h.start, h.start + h.len, h.data));
        }
        for ranges in &mut hot {
            ranges.sort_unstable();
        }
        let path_index = manifest
            .files
            .iter()
            .enumerate()
            .map(|(i, f)| (PathBuf::from(&f.path), i))
            .collect();
        Ok(LazyDirectory {
            shared: Arc::new(Shared {
                manifest,
                root: OwnedBytes::new(root_bytes),
                data_start,
                hot,
                path_index,
                state: Mutex::default(),
            }),
        })
    }

    pub fn manifest(&self) -> &Manifest {
        &self.shared.manifest
    }

    /// Adds a fetched block. Returns false (and keeps nothing) when the block is unknown or its
    /// length is not the one the manifest implies, so a wrong or truncated response is
    /// refetched rather than decoded.
    pub fn add_block(&self, id: BlockId, bytes: Vec<u8>) -> bool {
        let Some(expected) = self.block_len(id) else {
            return false;
        };
        if bytes.len() != expected {
            return false;
        }
        let mut state = self
            .shared
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        state.missing.remove(&id);
        state.blocks.insert(id, OwnedBytes::new(bytes));
        true
    }

    /// The blocks reads have asked for since the last call, and forgets them.
    pub fn take_missing(&self) -> Vec<BlockId> {
        let mut state = self
            .shared
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        std::mem::take(&mut state.missing).into_iter().collect()
    }

    /// The published name of a block.
    pub fn block_name(&self, (file, block): BlockId) -> Option<&str> {
        let f = self.shared.manifest.files.get(file)?;
        f.blocks.get(block).map(String::as_str)
    }

    pub fn loaded_blocks(&self) -> usize {
        let state = self
            .shared
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        state.blocks.len()
    }

    fn block_len(&self, (file, block): BlockId) -> Option<usize> {
        let f = self.shared.manifest.files.get(file)?;
        f.block_range(block).map(|r| r.len())
    }

    fn file_index(&self, path: &Path) -> Result<usize, OpenReadError> {
        self.shared
            .path_index
            .get(path)
            .copied()
            .ok_or_else(|| OpenReadError::FileDoesNotExist(path.to_path_buf()))
    }

    fn read(&self, file: usize, range: Range<usize>) -> io::Result<OwnedBytes> {
        let s = &self.shared;
        let len = s.manifest.files[file].len;
        if range.start > range.end || range.end > len {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!(
                    "read {range:?} past the end of {}",
                    s.manifest.files[file].path
                ),
            ));
        }
        if range.is_empty() {
            return Ok(OwnedBytes::empty());
        }
        // Hot ranges never overlap, so the last one starting at or before the read is the
        // only candidate.
        let hot = &s.hot[file];
        let i = hot.partition_point(|&(start, _, _)| start <= range.start);
        if i > 0 {
            let (start, end, data) = hot[i - 1];
            if range.end <= end {
                let from = s.data_start + data + (range.start - start);
                return Ok(s.root.slice(from..from + range.len()));
            }
        }
        if s.manifest.files[file].blocks.is_empty() {
            return Err(io::Error::other(format!(
                "{} is not published beyond what opening reads; rebuild the site with this engine",
                s.manifest.files[file].path
            )));
        }
        let entry = &s.manifest.files[file];
        let first = entry.block_of(range.start);
        let last = entry.block_of(range.end - 1);
        let base_of = |b: usize| entry.block_range(b).map_or(0, |r| r.start);
        let mut state = s.state.lock().unwrap_or_else(PoisonError::into_inner);
        let absent: Vec<BlockId> = (first..=last)
            .map(|b| (file, b))
            .filter(|id| !state.blocks.contains_key(id))
            .collect();
        if !absent.is_empty() {
            state.missing.extend(absent);
            return Err(io::Error::new(
                io::ErrorKind::WouldBlock,
                "index block not loaded yet",
            ));
        }
        if first == last {
            let base = base_of(first);
            return Ok(state.blocks[&(file, first)].slice(range.start - base..range.end - base));
        }
        let mut out = Vec::with_capacity(range.len());
        for b in first..=last {
            let base = base_of(b);
            let block = state.blocks[&(file, b)].as_slice();
            let from = range.start.max(base) - base;
            let to = range.end.min(base + block.len()) - base;
            out.extend_from_slice(&block[from..to]);
        }
        Ok(OwnedBytes::new(out))
    }
}

#[derive(Debug)]
struct LazyFile {
    dir: LazyDirectory,
    file: usize,
    len: usize,
}

impl HasLen for LazyFile {
    fn len(&self) -> usize {
        self.len
    }
}

#[async_trait::async_trait]
impl FileHandle for LazyFile {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        self.dir.read(self.file, range)
    }

    /// Pending until the blocks are there. Nothing wakes the task: the engine polls every
    /// prefetch future once per attempt (see `prefetch`), and JS starts the next attempt when
    /// the fetches of this one are done.
    async fn read_bytes_async(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        std::future::poll_fn(|_| match self.dir.read(self.file, range.clone()) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Poll::Pending,
            other => Poll::Ready(other),
        })
        .await
    }
}

fn read_only(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!(
            "{}: the search index in the browser is read-only",
            path.display()
        ),
    )
}

impl Directory for LazyDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        let file = self.file_index(path)?;
        Ok(Arc::new(LazyFile {
            dir: self.clone(),
            file,
            len: self.shared.manifest.files[file].len,
        }))
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        Err(DeleteError::IoError {
            io_error: Arc::new(read_only(path)),
            filepath: path.to_path_buf(),
        })
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        Ok(self.shared.path_index.contains_key(path))
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        Err(OpenWriteError::IoError {
            io_error: Arc::new(read_only(path)),
            filepath: path.to_path_buf(),
        })
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        let file = self.file_index(path)?;
        let len = self.shared.manifest.files[file].len;
        self.read(file, 0..len)
            .map(|b| b.as_slice().to_vec())
            .map_err(|io_error| OpenReadError::IoError {
                io_error: Arc::new(io_error),
                filepath: path.to_path_buf(),
            })
    }

    fn atomic_write(&self, path: &Path, _data: &[u8]) -> io::Result<()> {
        Err(read_only(path))
    }

    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }

    // Nothing writes, so there is nothing to lock against (and no file system to lock in).
    fn acquire_lock(
        &self,
        _lock: &Lock,
    ) -> Result<DirectoryLock, tantivy::directory::error::LockError> {
        Ok(DirectoryLock::from(Box::new(())))
    }

    fn watch(&self, _cb: WatchCallback) -> tantivy::Result<WatchHandle> {
        Ok(WatchHandle::empty())
    }
}
