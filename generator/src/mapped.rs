//! Build-cache files read by mapping them into memory instead of copying them. An
//! incremental build reads about 100 MB of kept pieces and validated entries and uses a few
//! kilobytes of each; mapped, the pages come from the page cache and nothing is copied
//! into fresh (zeroed) memory.
//!
//! Mapping is sound here because no cache file's bytes are ever changed in place: a
//! writer either writes a new file beside it and renames it over the old one, or appends
//! (the export pieces), so a mapping keeps the bytes it was made from.

use std::ops::Deref;
use std::path::Path;

/// A file's bytes, mapped; empty when the file is missing or cannot be mapped.
#[derive(Default)]
pub struct Mapped(Option<memmap2::Mmap>);

impl Mapped {
    pub fn open(path: &Path) -> Mapped {
        let map = std::fs::File::open(path).ok().and_then(|file| {
            // SAFETY: cache files are only ever replaced by rename or appended to, never
            // truncated or overwritten (see the module comment), so the mapped bytes do not
            // change under us.
            unsafe { memmap2::Mmap::map(&file) }.ok()
        });
        Mapped(map)
    }

    /// The bytes as text, if they are UTF-8.
    pub fn text(&self) -> Option<&str> {
        std::str::from_utf8(self).ok()
    }
}

impl Deref for Mapped {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.0.as_deref().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_a_file_and_a_missing_one_is_empty() {
        let dir = std::env::temp_dir().join(format!("allmende-mapped-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("cache");
        std::fs::write(&file, "kept pieces").unwrap();
        let m = Mapped::open(&file);
        assert_eq!(m.text(), Some("kept pieces"));
        // Replaced by rename, as every cache writer does: the mapping keeps the old bytes.
        let tmp = dir.join("cache.tmp");
        std::fs::write(&tmp, "new").unwrap();
        std::fs::rename(&tmp, &file).unwrap();
        assert_eq!(&*m, b"kept pieces");
        assert_eq!(&*Mapped::open(&dir.join("missing")), b"");
        std::fs::write(&file, "").unwrap();
        assert_eq!(Mapped::open(&file).text(), Some(""));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
