//! Writing indexes (native only, feature `index`). One index per language: a query then
//! reads only its language's term dictionary, postings and columns (measured: README).
//!
//! Determinism: tantivy names segments with random UUIDs, and with several indexing threads
//! or merges the document order could vary. We index with one thread into RAM, commit once,
//! merge to one segment if the memory budget split it, then write the files ourselves with a
//! segment id derived from the segment's bytes and without tantivy's bookkeeping files
//! (`.managed.json`, lock files). The segment files themselves are deterministic given the
//! documents in order (checked by a test that builds twice and compares bytes).

mod memo;

use crate::Error;
use crate::analysis::Lang;
use crate::analysis::compound::Dictionary;
use crate::model::SearchDoc;
use crate::schema::{self, date_key, name_key};
use memo::MemoAnalyzer;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use tantivy::directory::Directory;
use tantivy::index::SegmentComponent;
use tantivy::store::Compressor;
use tantivy::{Index, IndexSettings, TantivyDocument};

/// Document store block size. The browser never reads the store (hits come from card
/// files, `allmende-search-wasm`), but opening it reads its block index, which lands in the
/// root file: large blocks keep that index (and the root) small.
pub const DOCSTORE_BLOCKSIZE: usize = 32 * 1024;

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct IndexStats {
    pub languages: Vec<LangStats>,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct LangStats {
    pub lang: String,
    pub docs: usize,
    /// Words in the German compound dictionary (0 for other languages).
    pub dictionary_words: usize,
    /// File name (relative to the language's directory) → size in bytes.
    pub files: BTreeMap<String, u64>,
}

impl IndexStats {
    pub fn bytes(&self) -> u64 {
        self.languages.iter().flat_map(|l| l.files.values()).sum()
    }

    pub fn files(&self) -> usize {
        self.languages.iter().map(|l| l.files.len()).sum()
    }
}

/// Builds one index per language found in `docs` into `dir/<lang>/` (replacing what is
/// there), each one segment. Documents keep their order within a language.
pub fn build_index(docs: &[SearchDoc], dir: &Path) -> Result<IndexStats, Error> {
    let (files, stats) = index_files(docs)?;
    for l in &stats.languages {
        let out = dir.join(&l.lang);
        if out.exists() {
            std::fs::remove_dir_all(&out).map_err(|e| Error::io_at(&out, e))?;
        }
        std::fs::create_dir_all(&out).map_err(|e| Error::io_at(&out, e))?;
    }
    for (name, bytes) in files {
        let path = dir.join(&name);
        std::fs::write(&path, &bytes).map_err(|e| Error::io_at(&path, e))?;
    }
    Ok(stats)
}

/// The files [`build_index`] writes, in memory: `<lang>/<file>` → bytes. For callers that
/// write the site themselves (the generator's atomic writer).
pub fn index_files(docs: &[SearchDoc]) -> Result<(BTreeMap<String, Vec<u8>>, IndexStats), Error> {
    let mut by_lang: BTreeMap<&str, Vec<&SearchDoc>> = BTreeMap::new();
    for d in docs {
        by_lang.entry(d.lang.as_str()).or_default().push(d);
    }
    let mut stats = IndexStats::default();
    let mut all = BTreeMap::new();
    for (lang, docs) in by_lang {
        if lang.is_empty() || !lang.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(Error::Input(format!(
                "document language `{lang}` is not a language code; give each SearchDoc a code like `de`"
            )));
        }
        let (files, st) = build_language(lang, &docs)?;
        for (name, bytes) in files {
            all.insert(format!("{lang}/{name}"), bytes);
        }
        stats.languages.push(st);
    }
    Ok((all, stats))
}

/// The compound dictionary of a language: every folded word of its texts and its stem.
fn dictionary(lang: &str, docs: &[&SearchDoc]) -> Dictionary {
    memo::dictionary(
        lang,
        docs.iter().flat_map(|d| {
            [&d.name, &d.short_description, &d.long_description]
                .into_iter()
                .chain(d.features.iter())
                .map(String::as_str)
        }),
    )
}

type Files = BTreeMap<String, Vec<u8>>;

fn build_language(lang: &str, docs: &[&SearchDoc]) -> Result<(Files, LangStats), Error> {
    let schema = schema::schema(lang);
    let f = schema::fields(&schema)?;
    let settings = IndexSettings {
        docstore_compression: Compressor::Lz4,
        docstore_blocksize: DOCSTORE_BLOCKSIZE,
        ..IndexSettings::default()
    };
    let index = Index::builder()
        .schema(schema)
        .settings(settings)
        .create_in_ram()?;
    let dict = if Lang::of(lang).compounds {
        Some(Arc::new(dictionary(lang, docs)))
    } else {
        None
    };
    let dictionary_words = dict.as_ref().map_or(0, |d| d.len());
    index
        .tokenizers()
        .register(&Lang::tokenizer_name(lang), MemoAnalyzer::new(lang, dict));
    // Each document's place in name order (ties keep document order).
    let mut by_name: Vec<(String, usize)> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (name_key(&d.name, lang), i))
        .collect();
    by_name.sort_unstable();
    let mut name_rank = vec![0u64; docs.len()];
    for (rank, (_, i)) in by_name.into_iter().enumerate() {
        name_rank[i] = rank as u64;
    }
    // One thread: documents are written in the order given.
    let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 64_000_000)?;
    for (d, rank) in docs.iter().zip(name_rank) {
        let mut doc = TantivyDocument::new();
        doc.add_text(f.slug, &d.slug);
        doc.add_text(f.url, &d.url);
        if let Some(logo) = &d.logo {
            doc.add_text(f.logo, logo);
        }
        doc.add_text(f.text[0], &d.name);
        doc.add_text(f.text[1], &d.short_description);
        for feature in &d.features {
            doc.add_text(f.text[2], feature);
        }
        doc.add_text(f.text[3], &d.long_description);
        doc.add_u64(f.name_sort, rank);
        doc.add_u64(f.updated, date_key(d.updated.as_deref()));
        let single = |s: &String| (!s.is_empty()).then(|| s.clone());
        let values: [Vec<String>; 8] = [
            d.categories.clone(),
            single(&d.status).into_iter().collect(),
            single(&d.software_type).into_iter().collect(),
            single(&d.license).into_iter().collect(),
            d.platforms.clone(),
            single(&d.maintenance).into_iter().collect(),
            d.organisation.clone().into_iter().collect(),
            d.audience.clone(),
        ];
        for (field, vals) in f.facets.iter().zip(values) {
            for v in vals {
                doc.add_text(*field, v);
            }
        }
        writer.add_document(doc)?;
    }
    writer.commit()?;
    let segments = index.searchable_segment_ids()?;
    if segments.len() > 1 {
        writer.merge(&segments).wait()?;
    }
    writer.garbage_collect_files().wait()?;
    writer.wait_merging_threads()?;
    let files = files_of(&index)?;
    let stats = LangStats {
        lang: lang.to_owned(),
        docs: docs.len(),
        dictionary_words,
        files: files
            .iter()
            .map(|(n, b)| (n.clone(), b.len() as u64))
            .collect(),
    };
    Ok((files, stats))
}

/// The index's files from RAM, under a content-derived segment id.
fn files_of(index: &Index) -> Result<Files, Error> {
    let dir = index.directory();
    let metas = index.searchable_segment_metas()?;
    let mut segment_files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut ids = Vec::new();
    for meta in &metas {
        let components = [
            SegmentComponent::Postings,
            SegmentComponent::Positions,
            SegmentComponent::FastFields,
            SegmentComponent::FieldNorms,
            SegmentComponent::Terms,
            SegmentComponent::Store,
        ];
        for path in components.map(|c| meta.relative_path(c)) {
            if !dir.exists(&path).map_err(|e| Error::Io(e.to_string()))? {
                continue;
            }
            // `atomic_read` returns the file as stored; `open_read` would strip its footer.
            let bytes = dir
                .atomic_read(&path)
                .map_err(|e| Error::Io(e.to_string()))?;
            segment_files.push((path.to_string_lossy().into_owned(), bytes));
        }
        ids.push(meta.id());
    }
    let mut hash = Fnv::default();
    for (name, bytes) in &segment_files {
        // Hash the extension only: the old name holds the random id.
        hash.write(name.rsplit('.').next().unwrap_or("").as_bytes());
        hash.write(bytes);
    }
    let new_id = format!("{:016x}{:016x}", hash.a, hash.b);
    let meta = dir
        .atomic_read(Path::new("meta.json"))
        .map_err(|e| Error::Io(e.to_string()))?;
    let mut meta = String::from_utf8_lossy(&meta).into_owned();
    let mut renamed = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        // Several segments only if merging failed to produce one; keep ids distinct.
        let nid = if i == 0 {
            new_id.clone()
        } else {
            format!("{}{:04x}", &new_id[..28], i)
        };
        let hyphenated = hyphenate(&nid);
        meta = meta
            .replace(&id.uuid_string(), &nid)
            .replace(&hyphenate(&id.uuid_string()), &hyphenated);
        renamed.push((id.uuid_string(), nid));
    }
    let mut written = Files::new();
    for (name, bytes) in segment_files {
        let name = renamed
            .iter()
            .fold(name, |n, (old, new)| n.replace(old.as_str(), new));
        written.insert(name, bytes);
    }
    written.insert("meta.json".into(), meta.into_bytes());
    Ok(written)
}

fn hyphenate(id: &str) -> String {
    if id.len() != 32 {
        return id.to_owned();
    }
    format!(
        "{}-{}-{}-{}-{}",
        &id[..8],
        &id[8..12],
        &id[12..16],
        &id[16..20],
        &id[20..]
    )
}

/// Two FNV-1a 64 hashes with different offsets: a stable, dependency-free content id.
struct Fnv {
    a: u64,
    b: u64,
}

impl Default for Fnv {
    fn default() -> Self {
        Fnv {
            a: 0xcbf2_9ce4_8422_2325,
            b: 0x6c62_272e_07bb_0142,
        }
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &x in bytes {
            self.a = (self.a ^ u64::from(x)).wrapping_mul(0x0000_0100_0000_01b3);
            self.b = (self.b ^ u64::from(x)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}
