//! Ticket templates in GitHub's issue-form syntax (`name`, `description`, `title`,
//! `labels`, `body` of markdown/textarea/input/dropdown/checkboxes elements), served by
//! `GET /projects/{slug}/ticket-templates` so the site can offer a form per kind of
//! ticket. Texts may be a string or `{de: …, en: …}`. A catalogue places them in
//! `content/software/<slug>/ticket-templates/*.yml` (one project) or
//! `content/ticket-templates/*.yml` (all projects); without any, two built-in templates
//! (bug report, feature request) apply. Files are checked when the API starts: a broken one
//! stops it with file:line:column and a hint.

use crate::http::cond::json_with_etag;
use crate::http::page::Page;
use crate::http::problem::ApiResult;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use utoipa::ToSchema;

/// Text in German and English; a plain string in the file stands for both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Localized {
    pub de: String,
    pub en: String,
}

impl<'de> Deserialize<'de> for Localized {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Plain(String),
            Both {
                de: Option<String>,
                en: Option<String>,
            },
        }
        match Raw::deserialize(d)? {
            Raw::Plain(s) => Ok(Localized {
                de: s.clone(),
                en: s,
            }),
            // One language missing: the other stands in (the site marks nothing; the
            // template's author chose one language).
            Raw::Both { de, en } => match (de, en) {
                (Some(de), Some(en)) => Ok(Localized { de, en }),
                (Some(one), None) | (None, Some(one)) => Ok(Localized {
                    de: one.clone(),
                    en: one,
                }),
                (None, None) => Err(serde::de::Error::custom("a text needs `de`, `en` or both")),
            },
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Validations {
    #[serde(default)]
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Attributes {
    /// Required for every element but `markdown`.
    pub label: Option<Localized>,
    pub description: Option<Localized>,
    pub placeholder: Option<Localized>,
    /// `markdown`: the text shown; other elements: a default value.
    pub value: Option<Localized>,
    /// `dropdown`: the choices.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<OptionItem>,
    /// `dropdown`: several choices allowed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub multiple: bool,
    /// `textarea`: render the answer as code in this language.
    pub render: Option<String>,
}

/// A dropdown choice (a text) or a checkbox (`{label, required}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct OptionItem {
    pub label: Localized,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
}

impl<'de> Deserialize<'de> for OptionItem {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Checkbox {
                label: Localized,
                #[serde(default)]
                required: bool,
            },
            Text(Localized),
        }
        Ok(match Raw::deserialize(d)? {
            Raw::Checkbox { label, required } => OptionItem { label, required },
            Raw::Text(label) => OptionItem {
                label,
                required: false,
            },
        })
    }
}

pub const ELEMENT_TYPES: [&str; 5] = ["markdown", "textarea", "input", "dropdown", "checkboxes"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Element {
    /// `markdown`, `textarea`, `input`, `dropdown` or `checkboxes`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Unique within the template: letters, digits, `-` and `_`.
    pub id: Option<String>,
    pub attributes: Attributes,
    pub validations: Option<Validations>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketTemplate {
    /// The file name without `.yml` (filled in when loading).
    #[serde(default)]
    pub id: String,
    pub name: Localized,
    pub description: Localized,
    /// Prefilled ticket title.
    pub title: Option<String>,
    #[serde(default)]
    pub labels: Vec<String>,
    #[serde(default)]
    pub assignees: Vec<String>,
    pub body: Vec<Element>,
}

#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}\n  hint: {hint}")]
pub struct TemplateError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: String,
}

const HINT: &str = "ticket templates use GitHub's issue-form syntax: name, description, optional title/labels, and body: a list of elements (type markdown, textarea, input, dropdown or checkboxes, each with attributes.label); see README.md, «Ticket templates»";

/// Parses and checks one template file; `file` names it in errors.
pub fn parse(file: &str, id: &str, text: &str) -> Result<TicketTemplate, TemplateError> {
    let error = |line: usize, column: usize, message: String| TemplateError {
        file: file.to_owned(),
        line,
        column,
        message,
        hint: HINT.to_owned(),
    };
    let options = serde_saphyr::options! {
        strict_booleans: true,
        duplicate_keys: serde_saphyr::options::DuplicateKeyPolicy::Error,
        budget: serde_saphyr::budget! {
            max_depth: 16,
            max_nodes: 20_000,
            max_documents: 1,
            max_total_scalar_bytes: 256 * 1024,
        },
    };
    let mut t: TicketTemplate =
        serde_saphyr::from_str_with_options(text, options).map_err(|e| {
            let (line, column) = e
                .location()
                .map_or((1, 1), |l| (l.line() as usize, l.column() as usize));
            let message = e.without_snippet().to_string();
            error(
                line,
                column,
                message
                    .lines()
                    .next()
                    .unwrap_or("invalid YAML")
                    .trim()
                    .to_owned(),
            )
        })?;
    t.id = id.to_owned();
    // Rules serde cannot express; named by key path, at the file's start.
    let fail = |message: String| Err(error(1, 1, message));
    if t.body.is_empty() || t.body.len() > 50 {
        return fail("`body` needs 1 to 50 elements".into());
    }
    let mut ids = HashSet::new();
    for (i, e) in t.body.iter().enumerate() {
        let at = format!("body[{i}]");
        if !ELEMENT_TYPES.contains(&e.kind.as_str()) {
            return fail(format!(
                "{at}.type `{}` is not one of {}",
                e.kind,
                ELEMENT_TYPES.join(", ")
            ));
        }
        if e.kind == "markdown" {
            if e.attributes.value.is_none() {
                return fail(format!("{at}: a markdown element needs attributes.value"));
            }
            continue;
        }
        if e.attributes.label.is_none() {
            return fail(format!("{at}: a {} element needs attributes.label", e.kind));
        }
        if let Some(id) = &e.id {
            let ok = !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !ok || !ids.insert(id.clone()) {
                return fail(format!(
                    "{at}.id `{id}` is malformed or repeated (letters, digits, - and _; unique)"
                ));
            }
        }
        let needs_options = matches!(e.kind.as_str(), "dropdown" | "checkboxes");
        if needs_options && e.attributes.options.is_empty() {
            return fail(format!(
                "{at}: a {} element needs attributes.options",
                e.kind
            ));
        }
    }
    if t.labels.iter().any(|l| l.trim().is_empty()) {
        return fail("`labels` has an empty entry".into());
    }
    Ok(t)
}

/// Templates per project slug; the key `""` holds the catalogue-wide ones.
pub type Templates = BTreeMap<String, Vec<TicketTemplate>>;

/// The built-in templates (used when a catalogue has none).
pub fn built_in() -> Vec<TicketTemplate> {
    [
        ("bug-report", include_str!("../../templates/bug-report.yml")),
        (
            "feature-request",
            include_str!("../../templates/feature-request.yml"),
        ),
    ]
    .into_iter()
    .map(|(id, text)| {
        parse(&format!("(built in) {id}.yml"), id, text).expect("the built-in templates are valid")
    })
    .collect()
}

/// Reads `*.yml` of one folder (sorted by name; a missing folder is no templates).
fn load_dir(dir: &std::path::Path) -> Result<Vec<TicketTemplate>, TemplateError> {
    let Ok(read) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut files: Vec<_> = read
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml" || x == "yaml"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(&path).map_err(|e| TemplateError {
            file: file.clone(),
            line: 1,
            column: 1,
            message: format!("cannot read: {e}"),
            hint: "check the file's permissions and that it is UTF-8".into(),
        })?;
        let id = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("template");
        out.push(parse(&file, id, &text)?);
    }
    Ok(out)
}

/// The catalogue's templates: `content/ticket-templates/` and each
/// `content/software/<slug>/ticket-templates/`.
pub fn load_catalogue(content_dir: &std::path::Path) -> Result<Templates, TemplateError> {
    let mut all = Templates::new();
    let shared = load_dir(&content_dir.join("ticket-templates"))?;
    if !shared.is_empty() {
        all.insert(String::new(), shared);
    }
    if let Ok(read) = std::fs::read_dir(content_dir.join("software")) {
        let mut dirs: Vec<_> = read.filter_map(Result::ok).map(|e| e.path()).collect();
        dirs.sort();
        for dir in dirs {
            let own = load_dir(&dir.join("ticket-templates"))?;
            if let (false, Some(slug)) = (own.is_empty(), dir.file_name().and_then(|s| s.to_str()))
            {
                all.insert(slug.to_owned(), own);
            }
        }
    }
    Ok(all)
}

/// The templates of a project: its own, else the catalogue's, else the built-in ones.
pub fn for_project(state: &AppState, slug: &str) -> Vec<TicketTemplate> {
    let t = &state.config.ticket_templates;
    t.get(slug)
        .or_else(|| t.get(""))
        .cloned()
        .unwrap_or_else(|| state.built_in_templates.as_ref().clone())
}

/// The templates offered for new tickets of a project: its own, else the catalogue's,
/// else the built-in ones.
#[utoipa::path(get, path = "/projects/{slug}/ticket-templates", tag = "tickets",
    params(("slug" = String, Path)),
    responses((status = 200, body = Page<TicketTemplate>, headers(("ETag" = String))), (status = 304),
        (status = 404, body = crate::http::problem::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    super::check_project(&state, &slug)?;
    let items = for_project(&state, &slug);
    json_with_etag(
        &headers,
        None,
        false,
        Vec::new(),
        &Page {
            items,
            next_cursor: None,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_templates_are_valid_and_bilingual() {
        let t = built_in();
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].id, "bug-report");
        assert_eq!(t[0].name.de, "Fehler melden");
        assert_eq!(t[0].name.en, "Report a bug");
        assert_eq!(t[1].body[2].attributes.options.len(), 2);
    }

    #[test]
    fn plain_strings_stand_for_both_languages() {
        let t = parse(
            "x.yml",
            "x",
            "name: Frage\ndescription: Eine Frage\nbody:\n  - type: input\n    attributes:\n      label: Was?\n",
        )
        .unwrap();
        assert_eq!(t.name.de, t.name.en);
        assert_eq!(t.body[0].attributes.label.as_ref().unwrap().en, "Was?");
    }

    #[test]
    fn errors_name_file_line_column_and_a_hint() {
        let e = parse(
            "t.yml",
            "t",
            "name: A\ndescription: B\nbody:\n  - type: textarea\n    atributes: {}\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("t.yml:5:"), "{e}");
        assert!(e.contains("atributes") && e.contains("hint:"), "{e}");
        for (yaml, needle) in [
            ("name: A\ndescription: B\nbody: []\n", "1 to 50"),
            (
                "name: A\ndescription: B\nbody:\n  - type: slider\n    attributes: {label: x}\n",
                "slider",
            ),
            (
                "name: A\ndescription: B\nbody:\n  - type: textarea\n    attributes: {}\n",
                "needs attributes.label",
            ),
            (
                "name: A\ndescription: B\nbody:\n  - type: dropdown\n    attributes: {label: x}\n",
                "options",
            ),
            (
                "name: A\ndescription: B\nbody:\n  - type: input\n    id: a\n    attributes: {label: x}\n  - type: input\n    id: a\n    attributes: {label: y}\n",
                "repeated",
            ),
        ] {
            let e = parse("t.yml", "t", yaml).unwrap_err().to_string();
            assert!(e.contains(needle), "{needle}: {e}");
        }
    }

    #[test]
    fn a_catalogue_supplies_shared_and_per_project_templates() {
        let root = std::env::temp_dir().join(format!("allmende-tpl-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let one = "name: A\ndescription: B\nbody:\n  - type: input\n    attributes: {label: x}\n";
        let write = |rel: &str, text: &str| {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        write("ticket-templates/allgemein.yml", one);
        write("software/opendesk/ticket-templates/b.yml", one);
        write("software/opendesk/ticket-templates/a.yaml", one);
        write("software/opendesk/publiccode.yml", "x");
        let t = load_catalogue(&root).unwrap();
        assert_eq!(t[""][0].id, "allgemein");
        let ids: Vec<&str> = t["opendesk"].iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        write(
            "software/opendesk/ticket-templates/c.yml",
            "name: [unclosed\n",
        );
        let e = load_catalogue(&root).unwrap_err();
        assert!(e.file.ends_with("c.yml"), "{e}");
        assert!(e.line >= 1 && e.to_string().contains("hint:"), "{e}");
        std::fs::remove_dir_all(&root).unwrap();
    }
}
