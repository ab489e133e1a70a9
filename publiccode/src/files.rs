//! Files a publiccode.yml points to (logo, screenshots, authors file): relative paths inside
//! the entry's folder, of an allowed format. Remote images are not fetched offline and are
//! not shown by the site (no third-party requests), so they only earn a warning.

use crate::finding::Text;
use crate::text;
use std::path::{Component, Path};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Logo,
    Screenshot,
    Any,
}

pub enum Outcome {
    Ok,
    Warning(Text, Text),
    Error(Text, Text),
}

fn err(m: Text, h: Text) -> Outcome {
    Outcome::Error(m, h)
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
            text!("`{value}` is a file: URL", "`{value}` ist eine file:-URL"),
            text!(
                "write a path relative to the publiccode.yml, e.g. `logo.svg`",
                "schreiben Sie einen Pfad relativ zur publiccode.yml, z. B. `logo.svg`"
            ),
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
            let allowed = exts.join(", .");
            return err(
                text!(
                    "`{value}` has an unsupported file type",
                    "`{value}` hat einen nicht unterstützten Dateityp"
                ),
                text!(
                    "use a file ending in .{allowed}",
                    "verwenden Sie eine Datei mit der Endung .{allowed}"
                ),
            );
        }
    }
    if is_remote {
        return Outcome::Warning(
            text!(
                "`{value}` is a remote file; it was not checked and the site will not load it",
                "`{value}` ist eine entfernte Datei; sie wurde nicht geprüft und die Website lädt sie nicht"
            ),
            text!(
                "add the file to the entry's folder and refer to it by a relative path",
                "legen Sie die Datei in den Ordner des Eintrags und verweisen Sie mit einem relativen Pfad darauf"
            ),
        );
    }
    let path = Path::new(value);
    if path.has_root() || value.starts_with('\\') || value.get(1..3) == Some(":\\") {
        return err(
            text!(
                "`{value}` is an absolute path",
                "`{value}` ist ein absoluter Pfad"
            ),
            text!(
                "write a path relative to the publiccode.yml, e.g. `logo.svg` or `img/logo.png`",
                "schreiben Sie einen Pfad relativ zur publiccode.yml, z. B. `logo.svg` oder `img/logo.png`"
            ),
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
                text!(
                    "`{value}` points outside the entry's folder",
                    "`{value}` zeigt aus dem Ordner des Eintrags heraus"
                ),
                text!(
                    "keep logo and screenshots inside the folder of the publiccode.yml",
                    "legen Sie Logo und Screenshots in den Ordner der publiccode.yml"
                ),
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
            let full = full.display();
            return err(
                text!("`{value}` does not exist", "`{value}` existiert nicht"),
                text!(
                    "add the file next to the publiccode.yml ({full})",
                    "legen Sie die Datei neben die publiccode.yml ({full})"
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
        let format = ext.to_uppercase();
        err(
            text!(
                "`{value}` is not a valid {format} image",
                "`{value}` ist kein gültiges {format}-Bild"
            ),
            text!(
                "export the image again from an image editor",
                "exportieren Sie das Bild erneut aus einem Bildbearbeitungsprogramm"
            ),
        )
    }
}
