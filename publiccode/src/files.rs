//! Files a publiccode.yml points to (logo, screenshots, authors file): relative paths inside
//! the entry's folder, of an allowed format. Remote images are not fetched offline and are
//! not shown by the site (no third-party requests), so they only earn a warning.

use std::path::{Component, Path};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Logo,
    Screenshot,
    Any,
}

pub enum Outcome {
    Ok,
    Warning(String, String),
    Error(String, String),
}

fn err(m: impl Into<String>, h: impl Into<String>) -> Outcome {
    Outcome::Error(m.into(), h.into())
}

impl FileKind {
    fn extensions(self) -> &'static [&'static str] {
        match self {
            FileKind::Logo => &["svg", "svgz", "png"],
            FileKind::Screenshot => &["png", "jpg", "jpeg"],
            FileKind::Any => &[],
        }
    }
}

pub fn check(value: &str, kind: FileKind, base_dir: Option<&Path>) -> Outcome {
    let lower = value.to_ascii_lowercase();
    if lower.starts_with("file:") {
        return err(
            format!("`{value}` is a file: URL"),
            "write a path relative to the publiccode.yml, e.g. `logo.svg`",
        );
    }
    let is_remote = lower.starts_with("http://") || lower.starts_with("https://");
    let path_part = if is_remote {
        url::Url::parse(value)
            .map(|u| u.path().to_owned())
            .unwrap_or_default()
    } else {
        value.to_owned()
    };
    let exts = kind.extensions();
    if !exts.is_empty() {
        let ext = Path::new(&path_part)
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        if !exts.contains(&ext.as_str()) {
            return err(
                format!("`{value}` has an unsupported file type"),
                format!("use a file ending in .{}", exts.join(", .")),
            );
        }
    }
    if is_remote {
        return Outcome::Warning(
            format!("`{value}` is a remote file; it was not checked and the site will not load it"),
            "add the file to the entry's folder and refer to it by a relative path".to_owned(),
        );
    }
    let path = Path::new(value);
    if path.has_root() || value.starts_with('\\') || value.get(1..3) == Some(":\\") {
        return err(
            format!("`{value}` is an absolute path"),
            "write a path relative to the publiccode.yml, e.g. `logo.svg` or `img/logo.png`",
        );
    }
    let mut depth = 0i32;
    for c in path.components() {
        match c {
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            _ => {}
        }
        if depth < 0 {
            return err(
                format!("`{value}` points outside the entry's folder"),
                "keep logo and screenshots inside the folder of the publiccode.yml",
            );
        }
    }
    let Some(base) = base_dir else {
        return Outcome::Ok;
    };
    let full = base.join(path);
    // The head of the file is enough to tell its format.
    let head = std::fs::File::open(&full).and_then(|f| {
        use std::io::Read;
        let mut buf = Vec::with_capacity(4096);
        f.take(4096).read_to_end(&mut buf).map(|_| buf)
    });
    let bytes = match head {
        Ok(b) => b,
        Err(_) => {
            return err(
                format!("`{value}` does not exist"),
                format!(
                    "add the file next to the publiccode.yml ({})",
                    full.display()
                ),
            );
        }
    };
    content_check(value, &bytes)
}

/// The file really is what its extension says (a renamed text file is no PNG).
fn content_check(value: &str, bytes: &[u8]) -> Outcome {
    let ext = value
        .rsplit('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let ok = match ext.as_str() {
        "png" => bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.get(12..16) == Some(b"IHDR"),
        "jpg" | "jpeg" => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
        "svgz" => bytes.starts_with(&[0x1F, 0x8B]),
        "svg" => String::from_utf8_lossy(bytes).contains("<svg"),
        _ => true,
    };
    if ok {
        Outcome::Ok
    } else {
        err(
            format!("`{value}` is not a valid {} image", ext.to_uppercase()),
            "export the image again from an image editor",
        )
    }
}
