//! Rules across entries: a catalogue entry lives at `software/<slug>/publiccode.yml`, slugs
//! and repository URLs are unique, and references between entries resolve.

use super::Checked;
use publiccode::{Pos, Severity, text};
use std::collections::BTreeMap;

/// The slug of a file in catalogue layout (`…/software/<slug>/publiccode.yml`).
pub fn slug_of(path: &std::path::Path) -> Option<String> {
    let dir = path.parent()?;
    let parent = dir.parent()?;
    (parent.file_name()? == "software")
        .then(|| dir.file_name().map(|n| n.to_string_lossy().into_owned()))?
}

pub fn is_valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// A repository URL in comparable form: scheme, case, `.git` and trailing slashes ignored.
pub fn normalise_url(u: &str) -> String {
    let s = u.trim().to_ascii_lowercase();
    let s = s.split_once("://").map_or(s.as_str(), |(_, rest)| rest);
    let s = s.strip_prefix("www.").unwrap_or(s);
    let s = s.trim_end_matches('/');
    s.strip_suffix(".git").unwrap_or(s).to_owned()
}

pub fn cross_check(checked: &mut [Checked]) {
    let mut slugs: BTreeMap<String, usize> = BTreeMap::new();
    let mut urls: BTreeMap<String, usize> = BTreeMap::new();
    for i in 0..checked.len() {
        let Some(slug) = slug_of(&checked[i].path) else {
            continue;
        };
        if !is_valid_slug(&slug) {
            checked[i].add(
                Severity::Error,
                "",
                Pos::FILE,
                text!(
                    "folder name `{slug}` is not a valid slug",
                    "der Ordnername `{slug}` ist kein gültiger Slug"
                ),
                text!(
                    "name the folder with lowercase letters, digits and single hyphens, e.g. `open-slides`; it becomes the entry's web address",
                    "benennen Sie den Ordner mit Kleinbuchstaben, Ziffern und einzelnen Bindestrichen, z. B. `open-slides`; daraus wird die Webadresse des Eintrags"
                ),
            );
        }
        if let Some(&first) = slugs.get(&slug.to_ascii_lowercase()) {
            let other = checked[first].path.display().to_string();
            checked[i].add(
                Severity::Error,
                "",
                Pos::FILE,
                text!(
                    "slug `{slug}` is already used by {other}",
                    "der Slug `{slug}` wird schon von {other} verwendet"
                ),
                text!(
                    "rename one of the folders; slugs differ in more than letter case",
                    "benennen Sie einen der Ordner um; Slugs müssen sich nicht nur in der Groß- und Kleinschreibung unterscheiden"
                ),
            );
        } else {
            slugs.insert(slug.to_ascii_lowercase(), i);
        }
        let Some(url) = checked[i].report.model.as_ref().map(|m| m.url.clone()) else {
            continue;
        };
        match urls.get(&normalise_url(&url)) {
            Some(&first) => {
                let other = checked[first].path.display().to_string();
                let pos = find_key_pos(&checked[i], "url");
                checked[i].add(
                    Severity::Error,
                    "url",
                    pos,
                    text!(
                        "repository `{url}` is already catalogued in {other}",
                        "das Repository `{url}` ist schon in {other} erfasst"
                    ),
                    text!(
                        "each repository is described once; extend the existing entry instead",
                        "jedes Repository wird nur einmal beschrieben; ergänzen Sie stattdessen den vorhandenen Eintrag"
                    ),
                );
            }
            None => {
                urls.insert(normalise_url(&url), i);
            }
        }
        let self_based = checked[i].report.model.as_ref().is_some_and(|m| {
            m.is_based_on
                .iter()
                .any(|b| normalise_url(b) == normalise_url(&m.url))
        });
        if self_based {
            let pos = find_key_pos(&checked[i], "isBasedOn");
            checked[i].add(
                Severity::Error,
                "isBasedOn",
                pos,
                text!(
                    "`isBasedOn` names the entry's own repository",
                    "`isBasedOn` nennt das eigene Repository des Eintrags"
                ),
                text!(
                    "name the upstream project this one was derived from, or remove the key",
                    "nennen Sie das Ursprungsprojekt, von dem dieses abgeleitet ist, oder entfernen Sie den Schlüssel"
                ),
            );
        }
    }
}

/// Line of a top-level key, for findings raised after parsing (cheap re-scan of the file).
fn find_key_pos(checked: &Checked, key: &str) -> Pos {
    std::fs::read_to_string(&checked.path)
        .ok()
        .and_then(|t| {
            t.lines()
                .position(|l| l.starts_with(key) && l[key.len()..].trim_start().starts_with(':'))
        })
        .map_or(Pos::FILE, |i| Pos::new(i as u32 + 1, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(is_valid_slug("open-slides"));
        assert!(is_valid_slug("qgis3"));
        assert!(!is_valid_slug("Open-Slides"));
        assert!(!is_valid_slug("open--slides"));
        assert!(!is_valid_slug("-x"));
        assert!(!is_valid_slug("a_b"));
        assert_eq!(
            slug_of(std::path::Path::new("content/software/qgis/publiccode.yml")).as_deref(),
            Some("qgis")
        );
        assert_eq!(slug_of(std::path::Path::new("x/publiccode.yml")), None);
    }

    #[test]
    fn urls_compare_loosely() {
        assert_eq!(
            normalise_url("https://GitHub.com/qgis/QGIS.git/"),
            normalise_url("http://github.com/qgis/qgis")
        );
    }
}
