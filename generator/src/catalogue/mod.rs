//! The catalogue as the site sees it: valid entries with their slugs, the relations
//! between them (dependencies, variants, related software) and the content pages.
//! Built from `content/` in one direction: load → validate → model.

pub mod entry_cache;
pub mod history;
pub mod pages;
pub mod relations;

use crate::check::{self, Checked, catalogue::slug_of};
use publiccode::PublicCode;
use std::path::{Path, PathBuf};

pub use pages::Page;

#[derive(Debug)]
pub struct Entry {
    pub slug: String,
    pub dir: PathBuf,
    /// The publiccode.yml as written, offered for download.
    pub source: String,
    pub code: PublicCode,
    /// Indices into `Catalogue::entries`, best first.
    pub related: Vec<usize>,
    /// Per `dependsOn` item (in `DependsOn::all` order): the catalogue entry it names.
    pub dependency_links: Vec<Option<usize>>,
    /// Per `isBasedOn` URL: the catalogue entry it names.
    pub based_on_links: Vec<Option<usize>>,
    /// Entries whose `isBasedOn` names this one.
    pub variants: Vec<usize>,
    /// When the entry was added to and last changed in the catalogue (from git).
    pub dates: history::Dates,
    /// A hash of everything `code` is made from (file, folder, program), when known:
    /// cheaper to fingerprint pages with than the model itself.
    pub model_key: Option<[u8; 32]>,
}

#[derive(Debug, Default)]
pub struct Catalogue {
    /// Sorted by slug.
    pub entries: Vec<Entry>,
    pub pages: Vec<Page>,
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Collect(#[from] check::CheckError),
    #[error("{path}: {message}")]
    Page { path: PathBuf, message: String },
}

/// Loads and validates everything under `content_dir`. Entries with errors are returned in
/// `Checked` (with their findings) and left out of the catalogue; the models of valid
/// entries are moved into the catalogue.
pub fn load(content_dir: &Path) -> Result<(Catalogue, Vec<Checked>), LoadError> {
    load_cached(content_dir, None)
}

/// [`load`], with unchanged entries taken from the entry cache file `cache` (see
/// [`entry_cache`]) instead of being validated again.
pub fn load_cached(
    content_dir: &Path,
    cache: Option<&Path>,
) -> Result<(Catalogue, Vec<Checked>), LoadError> {
    let started = std::time::Instant::now();
    let software = content_dir.join("software");
    let files = if software.is_dir() {
        check::collect(&[software])?
    } else {
        Vec::new()
    };
    let mut checked = match cache {
        Some(c) => entry_cache::validate_all(&files, c),
        None => check::validate_all(&files),
    };
    tracing::debug!(elapsed = ?started.elapsed(), "entries validated");
    check::catalogue::cross_check(&mut checked);
    tracing::debug!(elapsed = ?started.elapsed(), "cross-checked");
    from_checked(content_dir, checked)
}

/// The catalogue of entries already validated and cross-checked (as [`load`] does; `allmende
/// serve` validates first to report findings, and must not validate twice).
pub fn from_checked(
    content_dir: &Path,
    mut checked: Vec<Checked>,
) -> Result<(Catalogue, Vec<Checked>), LoadError> {
    // The models move into the catalogue; `checked` keeps the findings.
    let mut entries: Vec<Entry> = checked
        .iter_mut()
        .filter_map(|c| {
            let code = c.report.model.take()?;
            let slug = slug_of(&c.path)?;
            let source = match c.source.take() {
                Some(s) => s,
                None => std::fs::read_to_string(&c.path).ok()?,
            };
            Some(Entry {
                slug,
                dir: c.path.parent()?.to_owned(),
                source,
                code,
                related: Vec::new(),
                dependency_links: Vec::new(),
                based_on_links: Vec::new(),
                variants: Vec::new(),
                dates: history::Dates::default(),
                model_key: c.key,
            })
        })
        .collect();
    let mut dates = history::read(content_dir);
    for e in &mut entries {
        e.dates = dates.remove(&e.slug).unwrap_or_default();
    }
    entries.sort_by(|a, b| a.slug.cmp(&b.slug));
    let started = std::time::Instant::now();
    relations::link(&mut entries);
    tracing::debug!(elapsed = ?started.elapsed(), "relations linked");
    let pages = pages::load(&content_dir.join("pages"))?;
    Ok((Catalogue { entries, pages }, checked))
}

impl Catalogue {
    pub fn by_slug(&self, slug: &str) -> Option<&Entry> {
        self.entries
            .binary_search_by(|e| e.slug.as_str().cmp(slug))
            .ok()
            .map(|i| &self.entries[i])
    }
}
