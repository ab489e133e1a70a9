//! Incremental builds: after an edit of one entry, a build over the previous output (with
//! its build cache) gives byte for byte the site a clean build gives, re-renders only the
//! pages that show the entry, and leaves every other file alone.

use allmende::config::Config;
use allmende::site::{self, BuildOptions, Summary};
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let target = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

fn config(root: &Path, content: &Path, output: &str) -> Config {
    Config {
        content_dir: content.to_owned(),
        output_dir: root.join(output),
        cache_dir: Some(root.join(format!("cache-{output}"))),
        root: repo(),
        ..Config::default()
    }
}

fn build(c: &Config) -> Summary {
    site::build(c, &BuildOptions::default()).expect("demo content builds")
}

/// Every file under `dir`: relative path → bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Inode and modification time of every file: a file rewritten gets a new one or both.
fn identities(dir: &Path) -> BTreeMap<String, (u64, i64, i64)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let m = e.metadata().unwrap();
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, (m.ino(), m.mtime(), m.mtime_nsec()))
        })
        .collect()
}

fn edit_feature(content: &Path, slug: &str, word: &str) {
    let file = content.join("software").join(slug).join("publiccode.yml");
    let text = std::fs::read_to_string(&file).unwrap();
    let (head, tail) = text.split_once("features:").expect("entry has features");
    let mut lines = tail.splitn(3, '\n');
    let (rest, first, more) = (
        lines.next().unwrap(),
        lines.next().unwrap(),
        lines.next().unwrap(),
    );
    let edited = format!("{head}features:{rest}\n{first} {word}\n{more}");
    std::fs::write(&file, edited).unwrap();
}

#[test]
fn an_edit_rebuilds_only_its_pages_and_equals_a_clean_build() {
    let root = std::env::temp_dir().join(format!("allmende-incremental-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let content = root.join("content");
    copy_dir(&repo().join("content"), &content);
    let live = config(&root, &content, "public");

    let first = build(&live);
    assert_eq!(first.rendered, first.pages, "nothing cached yet");
    assert_eq!(first.search_indexes, live.languages.len());
    let again = build(&live);
    assert_eq!(again.rendered, 0, "same input: no page rendered");
    assert_eq!(again.written, 0, "same input: no file written");
    assert_eq!(
        again.search_indexes, 0,
        "same documents: search indexes kept"
    );

    let before = tree(&live.output_dir);
    let ids = identities(&live.output_dir);
    let slug = "decidim";
    edit_feature(&content, slug, "Zusatzwort");
    let incremental = build(&live);
    // The edit is in the German description only: the English index is kept (each
    // language's index is made on its own thread, and only when its documents changed).
    assert_eq!(
        incremental.search_indexes, 1,
        "German indexed text changed: {incremental}"
    );
    let after = tree(&live.output_dir);

    let clean = config(&root, &content, "clean");
    let full = build(&clean);
    assert_eq!(full.rendered, full.pages);
    let reference = tree(&clean.output_dir);
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        reference.keys().collect::<Vec<_>>(),
        "same files as a clean build"
    );
    for (path, bytes) in &reference {
        assert!(&after[path] == bytes, "{path} differs from a clean build's");
    }

    // Only pages whose inputs changed were rendered: the entry's own pages and the few
    // that show its features (related-software neighbours may change too), never the
    // whole site.
    assert!(incremental.rendered >= 2, "{incremental}");
    assert!(
        incremental.rendered * 4 < incremental.pages,
        "most pages kept: {incremental}"
    );
    let changed: Vec<&String> = after
        .iter()
        .filter(|(p, b)| before.get(*p) != Some(*b))
        .map(|(p, _)| p)
        .collect();
    // The edit is in the first (German) description's features.
    let page = format!("de/software/{slug}/index.html");
    assert!(changed.contains(&&page), "{page} changed: {changed:?}");
    assert!(changed.contains(&&format!("data/software/{slug}.yml")));
    // Every file with the same bytes is the very same file, untouched.
    let ids_after = identities(&live.output_dir);
    for (path, bytes) in &after {
        if before.get(path) == Some(bytes) && path != ".allmende-manifest" {
            assert_eq!(ids[path], ids_after[path], "{path} was rewritten");
        }
    }
    assert_eq!(
        incremental.written,
        changed.len() - usize::from(changed.iter().any(|p| *p == ".allmende-manifest")),
        "only changed files written"
    );
    let _ = std::fs::remove_dir_all(&root);
}

/// An edit the search index does not show (the version) keeps both indexes, and the site
/// still equals a clean build's.
#[test]
fn an_edit_outside_the_indexed_text_keeps_the_search_indexes() {
    let root = std::env::temp_dir().join(format!("allmende-keepindex-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let content = root.join("content");
    copy_dir(&repo().join("content"), &content);
    let live = config(&root, &content, "public");
    build(&live);
    let file = content.join("software/decidim/publiccode.yml");
    let text = std::fs::read_to_string(&file).unwrap();
    let (head, tail) = text
        .split_once("\nsoftwareVersion:")
        .expect("decidim has a version");
    let rest = tail.split_once('\n').map_or("", |(_, r)| r);
    std::fs::write(&file, format!("{head}\nsoftwareVersion: \"99.1\"\n{rest}")).unwrap();
    let edited = build(&live);
    assert!(
        edited.rendered >= 2,
        "the entry's pages show the version: {edited}"
    );
    assert_eq!(edited.search_indexes, 0, "{edited}");
    let clean = config(&root, &content, "clean");
    build(&clean);
    assert!(
        tree(&live.output_dir) == tree(&clean.output_dir),
        "same site as a clean build"
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_changed_theme_or_lost_cache_renders_everything_again() {
    let root = std::env::temp_dir().join(format!("allmende-recache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let content = root.join("content");
    copy_dir(&repo().join("content"), &content);
    let live = config(&root, &content, "public");
    let first = build(&live);
    std::fs::remove_dir_all(live.cache_dir.as_ref().unwrap()).unwrap();
    let without_cache = build(&live);
    assert_eq!(without_cache.rendered, first.pages);
    assert_eq!(without_cache.written, 0, "same bytes: nothing written");
    let mut retitled = live.clone();
    retitled.title.de.push_str(" (Test)");
    let changed = build(&retitled);
    assert_eq!(changed.rendered, changed.pages, "title is on every page");
    let _ = std::fs::remove_dir_all(&root);
}
