//! When each entry was added to the catalogue and last changed, read from the git history
//! of the content repository with gix (no `git` binary needed). Walking first parents from
//! HEAD, a commit changed an entry when the entry's folder differs from its parent's.
//! The result depends only on the commit checked out, so builds stay reproducible; without
//! a repository (a tarball, a synthetic catalogue) every date is simply unknown.

use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dates {
    /// `YYYY-MM-DD` of the commit that first added the entry's folder.
    pub added: Option<String>,
    /// `YYYY-MM-DD` of the newest commit that changed it.
    pub updated: Option<String>,
}

/// Stops very long histories from dominating a build; older changes are rarely news.
const MAX_COMMITS: usize = 20_000;

/// Dates per slug for the entries under `<content_dir>/software`.
pub fn read(content_dir: &Path) -> BTreeMap<String, Dates> {
    match try_read(content_dir) {
        Ok(d) => d,
        Err(e) => {
            tracing::debug!(error = %e, "no git dates for the catalogue");
            BTreeMap::new()
        }
    }
}

type Folder = BTreeMap<String, gix::ObjectId>;

fn try_read(content_dir: &Path) -> Result<BTreeMap<String, Dates>, Box<dyn std::error::Error>> {
    let software = content_dir.join("software").canonicalize()?;
    let repo = gix::discover(&software)?;
    let workdir = repo.workdir().ok_or("bare repository")?.canonicalize()?;
    let rel = software.strip_prefix(&workdir)?.to_path_buf();
    let mut dates: BTreeMap<String, Dates> = BTreeMap::new();
    let mut commit = repo.head_commit()?;
    let mut current = folder_at(&repo, &commit, &rel)?;
    for _ in 0..MAX_COMMITS {
        let day = day_of(commit.time()?.seconds);
        let parent = commit
            .parent_ids()
            .next()
            .map(|id| id.object())
            .transpose()?;
        let parent = parent.map(|p| p.into_commit());
        let before = match &parent {
            Some(p) => folder_at(&repo, p, &rel)?,
            None => Folder::new(),
        };
        for (slug, id) in &current {
            if before.get(slug) != Some(id) {
                let d = dates.entry(slug.clone()).or_default();
                d.updated.get_or_insert_with(|| day.clone());
                // Walking backwards, the oldest change that created the folder wins.
                if !before.contains_key(slug) {
                    d.added = Some(day.clone());
                }
            }
        }
        match parent {
            Some(p) => {
                commit = p;
                current = before;
            }
            None => break,
        }
    }
    Ok(dates)
}

/// Entry folders (name → tree id) under `rel` in the commit's tree.
fn folder_at(
    repo: &gix::Repository,
    commit: &gix::Commit<'_>,
    rel: &Path,
) -> Result<Folder, Box<dyn std::error::Error>> {
    let tree = commit.tree()?;
    let Some(entry) = tree.lookup_entry_by_path(rel)? else {
        return Ok(Folder::new());
    };
    let object = repo.find_object(entry.object_id())?;
    let sub = object.try_into_tree()?;
    let mut out = Folder::new();
    for e in sub.iter() {
        let e = e?;
        if e.mode().is_tree() {
            out.insert(e.filename().to_string(), e.object_id());
        }
    }
    Ok(out)
}

/// Seconds since the epoch → `YYYY-MM-DD` (UTC), by the civil-from-days algorithm.
fn day_of(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days() {
        assert_eq!(day_of(0), "1970-01-01");
        assert_eq!(day_of(951_782_400), "2000-02-29");
        assert_eq!(day_of(1_795_737_600), "2026-11-27");
        assert_eq!(day_of(-86_400), "1969-12-31");
    }

    #[test]
    fn dates_follow_the_commits_that_touched_each_folder() {
        let root = std::env::temp_dir().join(format!("allmende-history-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let sw = root.join("content/software");
        let git = |args: &[&str], date: &str| {
            let ok = std::process::Command::new("git")
                .args(args)
                .current_dir(&root)
                .env("GIT_AUTHOR_DATE", date)
                .env("GIT_COMMITTER_DATE", date)
                .env("GIT_AUTHOR_NAME", "t")
                .env("GIT_AUTHOR_EMAIL", "t@example.org")
                .env("GIT_COMMITTER_NAME", "t")
                .env("GIT_COMMITTER_EMAIL", "t@example.org")
                .status()
                .expect("git runs")
                .success();
            assert!(ok, "git {args:?}");
        };
        let write = |slug: &str, text: &str| {
            std::fs::create_dir_all(sw.join(slug)).unwrap();
            std::fs::write(sw.join(slug).join("publiccode.yml"), text).unwrap();
        };
        std::fs::create_dir_all(&root).unwrap();
        git(&["init", "-q"], "2024-01-01T10:00:00Z");
        write("a", "1");
        git(&["add", "."], "2024-01-01T10:00:00Z");
        git(&["commit", "-qm", "a"], "2024-01-01T10:00:00Z");
        write("b", "1");
        git(&["add", "."], "2024-03-05T10:00:00Z");
        git(&["commit", "-qm", "b"], "2024-03-05T10:00:00Z");
        std::fs::write(root.join("README"), "x").unwrap();
        git(&["add", "."], "2024-04-01T10:00:00Z");
        git(&["commit", "-qm", "unrelated"], "2024-04-01T10:00:00Z");
        write("a", "2");
        git(&["add", "."], "2024-06-30T10:00:00Z");
        git(&["commit", "-qm", "a again"], "2024-06-30T10:00:00Z");
        let d = read(&root.join("content"));
        let _ = std::fs::remove_dir_all(&root);
        assert_eq!(
            d["a"],
            Dates {
                added: Some("2024-01-01".into()),
                updated: Some("2024-06-30".into())
            }
        );
        assert_eq!(
            d["b"],
            Dates {
                added: Some("2024-03-05".into()),
                updated: Some("2024-03-05".into())
            }
        );
    }

    #[test]
    fn no_repository_means_no_dates() {
        assert!(read(Path::new("/nonexistent")).is_empty());
    }
}
