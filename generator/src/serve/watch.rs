//! Rebuilds on change: `content/` and `themes/` (recursively) and `site.toml` are watched
//! with `notify`; events are filtered (the output folder, editors' temporary files and
//! mere reads are ignored) and debounced, so one save or a `git checkout` of many files
//! gives one build. Builds run one after another on a thread of their own; changes made
//! during a build lead to the next one.

use super::rebuild::Builder;
use notify::event::{MetadataKind, ModifyKind};
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

/// Quiet time after the last event before a build starts.
const DEBOUNCE: Duration = Duration::from_millis(150);

/// Keeps the watch alive; dropping it ends watching.
pub struct Watching {
    _watcher: RecommendedWatcher,
    shown: Vec<String>,
}

impl Watching {
    pub fn describe(&self) -> String {
        self.shown.join(", ")
    }
}

/// Which changed paths lead to a rebuild.
#[derive(Debug)]
struct Filter {
    config_file: PathBuf,
    content: PathBuf,
    themes: PathBuf,
    /// The output folder and the writer's staging folders beside it.
    output: Vec<PathBuf>,
}

impl Filter {
    fn relevant(&self, path: &Path) -> bool {
        if path
            .file_name()
            .is_some_and(|n| is_temporary(&n.to_string_lossy()))
        {
            return false;
        }
        if self.output.iter().any(|o| path.starts_with(o)) {
            return false;
        }
        path == self.config_file
            || path.starts_with(&self.content)
            || path.starts_with(&self.themes)
    }

    fn collect(&self, event: notify::Result<notify::Event>, changed: &mut BTreeSet<PathBuf>) {
        match event {
            Err(e) => eprintln!("warning: watching for changes: {e}"),
            Ok(event) => {
                if matches!(
                    event.kind,
                    EventKind::Access(_)
                        | EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime))
                ) {
                    return;
                }
                changed.extend(event.paths.into_iter().filter(|p| self.relevant(p)));
            }
        }
    }
}

/// Swap files, backups and lock files of common editors.
fn is_temporary(name: &str) -> bool {
    name.ends_with(".swp")
        || name.ends_with(".swo")
        || name.ends_with(".swx")
        || name.ends_with('~')
        || name.starts_with(".#")
        || name.starts_with(".goutputstream-")
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        // Vim's probe whether a folder is writable.
        || name == "4913"
}

/// `p` made absolute with symbolic links resolved where it exists, as notify reports it.
fn absolute(p: &Path) -> PathBuf {
    let p = if p.as_os_str().is_empty() {
        Path::new(".")
    } else {
        p
    };
    p.canonicalize()
        .or_else(|_| std::path::absolute(p))
        .unwrap_or_else(|_| p.to_owned())
}

fn filter(config_path: &Path, builder: &Builder) -> Filter {
    let config = builder.config();
    let config_dir = absolute(config_path.parent().unwrap_or(Path::new(".")));
    let output = absolute(&config.output_dir);
    let output_parent = output.parent().map(Path::to_owned).unwrap_or_default();
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Filter {
        config_file: config_dir.join(config_path.file_name().unwrap_or_default()),
        content: absolute(&config.content_dir),
        themes: absolute(&config.root.join("themes")),
        output: vec![
            output_parent.join(format!(".{name}.new")),
            output_parent.join(format!(".{name}.old")),
            output,
        ],
    }
}

/// Starts watching and rebuilding on a thread of its own.
pub fn spawn(config_path: &Path, builder: Builder) -> notify::Result<Watching> {
    let filter = filter(config_path, &builder);
    let (tx, rx) = channel();
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = tx.send(event);
    })?;
    let config_dir = filter
        .config_file
        .parent()
        .map(Path::to_owned)
        .unwrap_or_default();
    let mut shown = Vec::new();
    for (path, mode, label) in [
        (&filter.content, RecursiveMode::Recursive, None),
        (&filter.themes, RecursiveMode::Recursive, None),
        // The folder, not the file: editors replace files by renaming, which ends a
        // watch on the file itself.
        (
            &config_dir,
            RecursiveMode::NonRecursive,
            Some(&filter.config_file),
        ),
    ] {
        if !path.is_dir() {
            continue;
        }
        match watcher.watch(path, mode) {
            Ok(()) => shown.push(display(label.unwrap_or(path))),
            Err(e) => eprintln!("warning: cannot watch {}: {e}", path.display()),
        }
    }
    if shown.is_empty() {
        return Err(notify::Error::generic(
            "none of content/, themes/ and site.toml exist",
        ));
    }
    std::thread::Builder::new()
        .name("allmende-watch".into())
        .spawn(move || rebuild_on_change(&rx, &filter, builder))
        .map_err(notify::Error::io)?;
    Ok(Watching {
        _watcher: watcher,
        shown,
    })
}

/// Relative to the working folder where possible, as the user typed it.
fn display(path: &Path) -> String {
    let cwd = std::env::current_dir().ok().map(|c| absolute(&c));
    let shown = cwd
        .as_deref()
        .and_then(|c| path.strip_prefix(c).ok())
        .unwrap_or(path);
    crate::report::display_path(shown)
}

fn rebuild_on_change(
    rx: &Receiver<notify::Result<notify::Event>>,
    filter: &Filter,
    mut builder: Builder,
) {
    loop {
        let mut changed = BTreeSet::new();
        match rx.recv() {
            Ok(event) => filter.collect(event, &mut changed),
            Err(_) => return,
        }
        if changed.is_empty() {
            continue;
        }
        loop {
            match rx.recv_timeout(DEBOUNCE) {
                Ok(event) => filter.collect(event, &mut changed),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        // Name what is there now (an editor's or sed's temporary file is gone again);
        // only when nothing is left, what was removed.
        let existing: Vec<&PathBuf> = changed.iter().filter(|p| p.exists()).collect();
        let named: Vec<PathBuf> = if existing.is_empty() {
            changed.iter().map(|p| PathBuf::from(display(p))).collect()
        } else {
            existing.iter().map(|p| PathBuf::from(display(p))).collect()
        };
        builder.rebuild(&named);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter() -> Filter {
        Filter {
            config_file: "/site/site.toml".into(),
            content: "/site/content".into(),
            themes: "/site/themes".into(),
            output: vec![
                "/site/.public.new".into(),
                "/site/.public.old".into(),
                "/site/public".into(),
            ],
        }
    }

    #[test]
    fn only_sources_count() {
        let f = filter();
        for yes in [
            "/site/site.toml",
            "/site/content/software/a/publiccode.yml",
            "/site/themes/default/templates/base.html",
        ] {
            assert!(f.relevant(Path::new(yes)), "{yes}");
        }
        for no in [
            "/site/public/index.html",
            "/site/.public.new/de/index.html",
            "/site/README.md",
            "/site/site.toml~",
            "/site/content/software/a/.publiccode.yml.swp",
            "/site/content/software/a/.#publiccode.yml",
            "/site/content/software/a/4913",
        ] {
            assert!(!f.relevant(Path::new(no)), "{no}");
        }
    }

    #[test]
    fn output_inside_content_is_ignored() {
        let mut f = filter();
        f.output = vec!["/site/content/public".into()];
        assert!(!f.relevant(Path::new("/site/content/public/de/index.html")));
        assert!(f.relevant(Path::new("/site/content/pages/de/about.md")));
    }

    #[test]
    fn reads_do_not_rebuild() {
        let f = filter();
        let mut changed = BTreeSet::new();
        let read = notify::Event::new(EventKind::Access(notify::event::AccessKind::Any))
            .add_path("/site/content/software/a/publiccode.yml".into());
        f.collect(Ok(read), &mut changed);
        assert!(changed.is_empty());
        let write = notify::Event::new(EventKind::Modify(ModifyKind::Any))
            .add_path("/site/content/software/a/publiccode.yml".into());
        f.collect(Ok(write), &mut changed);
        assert_eq!(changed.len(), 1);
    }
}
