//! `allmende api`: the tickets and forum API as its own server, and the API configuration
//! that `allmende serve` uses in-process. The API itself lives in the `allmende-api` crate;
//! this module only connects it to site.toml and the catalogue.

use crate::cli::{EXIT_USAGE, EXIT_VALID};
use crate::config::Config;
use std::path::Path;

/// The API configuration from site.toml's `[api]` section and the environment, with the
/// catalogue's entries as the projects that have tickets.
pub fn config(site: &Config) -> Result<allmende_api::Config, allmende_api::ConfigError> {
    let mut api = allmende_api::Config::from_env_and_file(&site.api, &site.root)?;
    api.projects = catalogue_slugs(&site.content_dir);
    api.project_names = entry_names(&site.content_dir, &api.projects);
    api.ticket_templates = allmende_api::tickets::templates::load_catalogue(&site.content_dir)
        .map_err(|e| allmende_api::ConfigError::Invalid {
            place: format!("{}:{}:{}", e.file, e.line, e.column),
            message: e.message,
            hint: e.hint,
        })?;
    Ok(api)
}

/// Entry slugs (folder names under `content/software/` holding a publiccode.yml). Empty
/// when there is no catalogue next to the API, which then accepts any well-formed slug.
pub fn catalogue_slugs(content_dir: &Path) -> Vec<String> {
    let Ok(dir) = std::fs::read_dir(content_dir.join("software")) else {
        return Vec::new();
    };
    let mut slugs: Vec<String> = dir
        .filter_map(Result::ok)
        .filter(|e| e.path().join("publiccode.yml").is_file())
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    slugs.sort();
    slugs
}

/// The `name` of each entry whose publiccode.yml is valid (the others keep their slug as
/// category name; `allmende check` reports them).
fn entry_names(content_dir: &Path, slugs: &[String]) -> std::collections::HashMap<String, String> {
    use rayon::prelude::*;
    slugs
        .par_iter()
        .filter_map(|slug| {
            let dir = content_dir.join("software").join(slug);
            let bytes = std::fs::read(dir.join("publiccode.yml")).ok()?;
            let model = publiccode::validate(&bytes, None).model?;
            Some((slug.clone(), model.name))
        })
        .collect()
}

pub fn run(config_path: &Path) -> u8 {
    let site = match crate::cli::load_config(config_path, None, None) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let api = match config(&site) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    if api.projects.is_empty() {
        eprintln!(
            "note: no catalogue at {}; tickets are accepted for any project slug",
            site.content_dir.display()
        );
    }
    if api.dev_login {
        eprintln!("warning: dev login is enabled (loopback clients only); never in production");
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return fail(format!("cannot start the server: {e}")),
    };
    match runtime.block_on(allmende_api::run(api, crate::serve::shutdown_signal())) {
        Ok(()) => EXIT_VALID,
        Err(e) => fail(e),
    }
}

fn fail(message: impl std::fmt::Display) -> u8 {
    eprintln!("error: {message}");
    EXIT_USAGE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forum_categories_of_entries_are_named_like_the_entries() {
        let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
        let slugs = catalogue_slugs(&content);
        assert!(slugs.contains(&"opendesk".to_owned()), "{slugs:?}");
        let names = entry_names(&content, &slugs);
        assert_eq!(names.get("opendesk").map(String::as_str), Some("openDesk"));
        assert_eq!(names.len(), slugs.len(), "every demo entry is valid");
    }
}
