//! `site.toml`: what a catalogue instance is called, where it lives and how it is built.
//! Every key has a default, so an empty file (or none at all) gives a working demo site.

use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}\n  hint: {hint}")]
    Invalid {
        path: PathBuf,
        message: String,
        hint: String,
    },
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Site title per language (`title.de`, `title.en`).
    pub title: Localised,
    /// Absolute base URL the site is served from, ending in `/`.
    pub base_url: String,
    /// Languages in order of preference; the first is the default.
    pub languages: Vec<String>,
    pub content_dir: PathBuf,
    pub output_dir: PathBuf,
    pub theme: String,
    /// Base URL of the tickets/forum API; empty disables those views. Pages call
    /// `<api_url>/api/v1/…`; a path such as `/` means the site's own origin.
    pub api_url: String,
    /// OpenID Connect issuer the site logs users in with (authorization code + PKCE);
    /// empty: no login through an identity provider.
    pub oidc_issuer: String,
    /// The site's public client id at that issuer.
    pub oidc_client_id: String,
    /// Template for "edit this entry" links; `{slug}` and `{path}` are replaced.
    pub edit_url: String,
    pub page_size: usize,
    /// The `[api]` section: tickets/forum API (`allmende api`, and in-process in `serve`).
    pub api: allmende_api::FileSection,
    /// Folder of site.toml; themes are looked up under `<root>/themes/`.
    #[serde(skip)]
    pub root: PathBuf,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Localised {
    #[serde(default)]
    pub de: String,
    #[serde(default)]
    pub en: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: Localised {
                de: "Allmende – Open-Source-Katalog der Verwaltung".into(),
                en: "Allmende – the public sector's open-source catalogue".into(),
            },
            base_url: "http://127.0.0.1:8080/".into(),
            languages: vec!["de".into(), "en".into()],
            content_dir: "content".into(),
            output_dir: "public".into(),
            theme: "default".into(),
            api_url: String::new(),
            oidc_issuer: String::new(),
            oidc_client_id: String::new(),
            edit_url: String::new(),
            page_size: 24,
            api: allmende_api::FileSection::default(),
            root: PathBuf::from("."),
        }
    }
}

const SUPPORTED_LANGUAGES: &[&str] = &["de", "en"];

impl Config {
    /// Reads `path`; a missing default `site.toml` yields the defaults.
    pub fn load(path: &Path, must_exist: bool) -> Result<Config, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !must_exist => {
                let root = path.parent().unwrap_or(Path::new("."));
                let mut config = Config::default();
                config.content_dir = root.join(&config.content_dir);
                config.output_dir = root.join(&config.output_dir);
                config.root = root.to_owned();
                return Ok(config);
            }
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.to_owned(),
                    source,
                });
            }
        };
        let invalid = |message: String, hint: &str| ConfigError::Invalid {
            path: path.to_owned(),
            message,
            hint: hint.to_owned(),
        };
        let mut config: Config = toml::from_str(&text).map_err(|e| {
            let at = e
                .span()
                .map(|s| {
                    let line = text[..s.start].lines().count().max(1);
                    format!("line {line}: ")
                })
                .unwrap_or_default();
            invalid(
                format!("{at}{}", e.message()),
                "see the commented site.toml of the demo for every key and its meaning",
            )
        })?;
        if config.languages.is_empty() {
            return Err(invalid(
                "`languages` is empty".into(),
                "set `languages = [\"de\", \"en\"]`",
            ));
        }
        if let Some(l) = config
            .languages
            .iter()
            .find(|l| !SUPPORTED_LANGUAGES.contains(&l.as_str()))
        {
            return Err(invalid(
                format!("language `{l}` has no translation in the theme"),
                "use `de` and/or `en`",
            ));
        }
        if url::Url::parse(&config.base_url).is_err() {
            return Err(invalid(
                format!("`base_url` = `{}` is not an absolute URL", config.base_url),
                "write e.g. `base_url = \"https://katalog.example.de/\"`",
            ));
        }
        if !config.base_url.ends_with('/') {
            config.base_url.push('/');
        }
        if !config.oidc_issuer.is_empty() {
            if url::Url::parse(&config.oidc_issuer).is_err() {
                return Err(invalid(
                    format!(
                        "`oidc_issuer` = `{}` is not an absolute URL",
                        config.oidc_issuer
                    ),
                    "write the issuer as the identity provider publishes it, e.g. `oidc_issuer = \"https://login.example.de/realms/verwaltung\"`",
                ));
            }
            if config.oidc_client_id.is_empty() {
                return Err(invalid(
                    "`oidc_issuer` is set but `oidc_client_id` is empty".into(),
                    "register the site as a public client (authorization code + PKCE) at the issuer and set `oidc_client_id`",
                ));
            }
        }
        if config.page_size == 0 {
            return Err(invalid(
                "`page_size` must be at least 1".into(),
                "e.g. `page_size = 24`",
            ));
        }
        // Relative folders are relative to the config file, so builds work from any directory.
        let root = path.parent().unwrap_or(Path::new("."));
        config.content_dir = root.join(&config.content_dir);
        config.output_dir = root.join(&config.output_dir);
        config.root = root.to_owned();
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> (tempdir::TempDir, PathBuf) {
        let dir = tempdir::TempDir::new();
        let p = dir.path().join("site.toml");
        std::fs::write(&p, text).unwrap();
        (dir, p)
    }

    mod tempdir {
        pub struct TempDir(std::path::PathBuf);
        impl TempDir {
            pub fn new() -> Self {
                static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
                let p = std::env::temp_dir().join(format!(
                    "allmende-config-{}-{}",
                    std::process::id(),
                    N.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
                ));
                std::fs::create_dir_all(&p).unwrap();
                TempDir(p)
            }
            pub fn path(&self) -> &std::path::Path {
                &self.0
            }
        }
        impl Drop for TempDir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }

    #[test]
    fn missing_default_file_gives_defaults() {
        let c = Config::load(Path::new("/nonexistent/site.toml"), false).unwrap();
        assert_eq!(c.languages, ["de", "en"]);
        assert!(Config::load(Path::new("/nonexistent/site.toml"), true).is_err());
    }

    #[test]
    fn unknown_keys_and_bad_values_are_named() {
        let (_d, p) = write("titel = \"x\"\n");
        let e = Config::load(&p, true).unwrap_err().to_string();
        assert!(e.contains("titel"), "{e}");
        let (_d, p) = write("languages = [\"fr\"]\n");
        let e = Config::load(&p, true).unwrap_err().to_string();
        assert!(e.contains("`fr`"), "{e}");
        let (_d, p) = write("base_url = \"katalog\"\n");
        assert!(Config::load(&p, true).is_err());
    }

    #[test]
    fn oidc_needs_an_absolute_issuer_and_a_client() {
        let (_d, p) = write("oidc_issuer = \"login.example\"\noidc_client_id = \"site\"\n");
        let e = Config::load(&p, true).unwrap_err().to_string();
        assert!(e.contains("oidc_issuer"), "{e}");
        let (_d, p) = write("oidc_issuer = \"https://login.example/realms/x\"\n");
        let e = Config::load(&p, true).unwrap_err().to_string();
        assert!(e.contains("oidc_client_id"), "{e}");
        let (_d, p) =
            write("oidc_issuer = \"https://login.example/realms/x\"\noidc_client_id = \"site\"\n");
        let c = Config::load(&p, true).unwrap();
        assert_eq!(c.oidc_client_id, "site");
    }

    #[test]
    fn folders_are_relative_to_the_file() {
        let (d, p) = write("content_dir = \"c\"\nbase_url = \"https://x.de\"\n");
        let c = Config::load(&p, true).unwrap();
        assert_eq!(c.content_dir, d.path().join("c"));
        assert_eq!(c.base_url, "https://x.de/");
    }
}
