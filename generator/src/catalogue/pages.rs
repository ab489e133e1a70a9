//! Markdown pages under `content/pages/<lang>/<name>.md`, with a TOML front matter block
//! between `+++` lines (`title`, `description`, `weight`).

use super::LoadError;
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Clone)]
pub struct Page {
    pub lang: String,
    /// File name without `.md`; the page is served at `/{lang}/{name}/`.
    pub name: String,
    pub title: String,
    pub description: String,
    pub weight: i64,
    pub markdown: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Front {
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    weight: i64,
}

pub fn load(dir: &Path) -> Result<Vec<Page>, LoadError> {
    let mut pages = Vec::new();
    if !dir.is_dir() {
        return Ok(pages);
    }
    for entry in walkdir::WalkDir::new(dir)
        .min_depth(2)
        .max_depth(2)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| LoadError::Page {
            path: dir.to_owned(),
            message: e.to_string(),
        })?;
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("md") {
            continue;
        }
        let fail = |message: String| LoadError::Page {
            path: path.to_owned(),
            message,
        };
        let lang = path
            .parent()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name = path
            .file_stem()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(path).map_err(|e| fail(format!("cannot read: {e}")))?;
        let rest = text.strip_prefix("+++\n").ok_or_else(|| {
            fail("missing front matter: start the file with a `+++` line, then `title = \"…\"`, then `+++`".into())
        })?;
        let (front, body) = rest
            .split_once("\n+++\n")
            .ok_or_else(|| fail("front matter is not closed: add a `+++` line after it".into()))?;
        let front: Front =
            toml::from_str(front).map_err(|e| fail(format!("front matter: {}", e.message())))?;
        pages.push(Page {
            lang,
            name,
            title: front.title,
            description: front.description,
            weight: front.weight,
            markdown: body.to_owned(),
        });
    }
    pages.sort_by(|a, b| {
        (a.lang.as_str(), a.weight, a.name.as_str()).cmp(&(
            b.lang.as_str(),
            b.weight,
            b.name.as_str(),
        ))
    });
    Ok(pages)
}
