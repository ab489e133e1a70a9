//! What templates see. Views are plain serialisable data, built once per entry and
//! language; templates never reach into the catalogue themselves.

use crate::catalogue::{Catalogue, Entry};
use crate::site::cards::Variant;
use crate::site::facets::{FACETS, slugify};
use crate::site::markdown;
use serde::Serialize;
use serde_json::Value;

/// Translation lookup with the raw value as fallback, so a missing label never breaks a page.
pub fn label(t: &Value, table: &str, value: &str) -> String {
    t.get(table)
        .and_then(|m| m.get(value))
        .and_then(Value::as_str)
        .unwrap_or(value)
        .to_owned()
}

pub fn entry_path(lang: &str, slug: &str) -> String {
    format!("/{lang}/software/{slug}/")
}

pub fn facet_path(lang: &str, facet: &str, value: &str) -> String {
    format!("/{lang}/{facet}/{}/", slugify(value))
}

/// Logo published next to the language-independent data (`/media/<slug>/<file>`).
pub fn logo_path(e: &Entry) -> Option<String> {
    let logo = e.code.logo.as_deref()?;
    if logo.starts_with("http://") || logo.starts_with("https://") {
        return None;
    }
    Some(format!(
        "/media/{}/{}",
        e.slug,
        logo.trim_start_matches("./")
    ))
}

/// The description in `lang`, else in the site's default language, else any.
pub fn description<'a>(
    e: &'a Entry,
    lang: &str,
    default: &str,
) -> Option<(&'a str, &'a publiccode::model::Description)> {
    let d = &e.code.description;
    d.get_key_value(lang)
        .or_else(|| d.iter().find(|(k, _)| k.split('-').next() == Some(lang)))
        .or_else(|| d.get_key_value(default))
        .or_else(|| d.iter().next())
        .map(|(k, v)| (k.as_str(), v))
}

#[derive(Serialize, Clone)]
pub struct Tag {
    pub value: String,
    pub label: String,
    pub url: String,
}

/// An entry in lists, grids and related-software boxes.
#[derive(Serialize, Clone)]
pub struct Card {
    pub slug: String,
    pub name: String,
    pub url: String,
    pub short: String,
    pub logo: Option<String>,
    pub status: Tag,
    pub license: String,
    pub software_type: String,
    pub release_date: Option<String>,
    pub version: Option<String>,
    /// Added to / last changed in the catalogue (`YYYY-MM-DD`), from git.
    pub added: Option<String>,
    pub updated: Option<String>,
    /// Name folded for sorting (umlauts transliterated, case ignored).
    #[serde(skip)]
    pub sort_key: String,
    /// Position in the catalogue, to find the card's prepared template value.
    #[serde(skip)]
    pub index: usize,
}

pub fn card(index: usize, e: &Entry, lang: &str, default: &str, t: &Value) -> Card {
    let (short, name) = match description(e, lang, default) {
        Some((_, d)) => (
            d.short_description.clone(),
            d.localised_name
                .clone()
                .unwrap_or_else(|| e.code.name.clone()),
        ),
        None => (String::new(), e.code.name.clone()),
    };
    Card {
        slug: e.slug.clone(),
        sort_key: crate::site::facets::slugify(&name),
        index,
        added: e.dates.added.clone(),
        updated: e.dates.updated.clone(),
        name,
        url: entry_path(lang, &e.slug),
        short,
        logo: logo_path(e),
        status: Tag {
            value: e.code.development_status.clone(),
            label: label(t, "status", &e.code.development_status),
            url: facet_path(lang, "status", &e.code.development_status),
        },
        license: e.code.legal.license.clone(),
        software_type: label(t, "type", &e.code.software_type),
        release_date: e.code.release_date.clone(),
        version: e.code.software_version.clone(),
    }
}

#[derive(Serialize)]
pub struct DependencyView {
    pub kind: &'static str,
    pub name: String,
    pub version_min: Option<String>,
    pub version_max: Option<String>,
    pub version: Option<String>,
    pub optional: bool,
    pub url: Option<String>,
}

#[derive(Serialize)]
pub struct LinkView {
    pub url: String,
    pub entry: Option<Card>,
}

#[derive(Serialize)]
pub struct FacetTags {
    pub key: &'static str,
    pub label: String,
    pub tags: Vec<Tag>,
}

/// Everything an entry page shows.
#[derive(Serialize)]
pub struct EntryView {
    pub card: Card,
    /// The publiccode.yml as a JSON value with the standard's key names.
    pub code: minijinja::Value,
    /// Language of the description shown, and whether it is a fallback.
    pub description_lang: String,
    pub fallback: bool,
    pub long_html: String,
    pub features: Vec<String>,
    pub documentation: Option<String>,
    pub api_documentation: Option<String>,
    pub screenshots: Vec<String>,
    pub videos: Vec<String>,
    pub awards: Vec<String>,
    pub facets: Vec<FacetTags>,
    pub dependencies: Vec<DependencyView>,
    pub based_on: Vec<LinkView>,
    pub variants: Vec<minijinja::Value>,
    pub related: Vec<minijinja::Value>,
    pub yaml_url: String,
    pub json_url: String,
    pub edit_url: Option<String>,
}

/// Template values prepared once per build (models) or language (cards) and shared by
/// every page that shows them: converting is the expensive part of rendering.
pub struct Prepared<'a> {
    pub cat: &'a Catalogue,
    /// Filled on first use: pages kept from the last build never need them.
    pub codes: &'a [std::sync::OnceLock<minijinja::Value>],
    /// Card values (with their rendered HTML, made on first use).
    pub cards: &'a crate::site::cards::CardHtml<'a, Card>,
    /// The site's default language, for descriptions missing in the page's language.
    pub default: &'a str,
    /// `site.toml` `edit_url`.
    pub edit_template: &'a str,
}

pub fn entry_view(prepared: &Prepared, i: usize, e: &Entry, lang: &str, t: &Value) -> EntryView {
    let Prepared {
        cat,
        default,
        edit_template,
        ..
    } = *prepared;
    let (dlang, d) = match description(e, lang, default) {
        Some((l, d)) => (l.to_owned(), Some(d)),
        None => (lang.to_owned(), None),
    };
    let facets = FACETS
        .iter()
        .map(|f| FacetTags {
            key: f.key,
            label: label(t, "facet", f.key),
            tags: (f.values)(&e.code)
                .into_iter()
                .map(|v| Tag {
                    label: if f.translated {
                        label(t, f.key, &v)
                    } else {
                        v.clone()
                    },
                    url: facet_path(lang, f.key, &v),
                    value: v,
                })
                .collect(),
        })
        .filter(|f| !f.tags.is_empty())
        .collect();
    let dependencies = e
        .code
        .depends_on
        .as_ref()
        .map(|deps| {
            deps.all()
                .zip(e.dependency_links.iter().chain(std::iter::repeat(&None)))
                .map(|((kind, d), link)| DependencyView {
                    kind,
                    name: d.name.clone(),
                    version_min: d.version_min.clone(),
                    version_max: d.version_max.clone(),
                    version: d.version.clone(),
                    optional: d.optional,
                    url: link.map(|j| entry_path(lang, &cat.entries[j].slug)),
                })
                .collect()
        })
        .unwrap_or_default();
    let based_on = e
        .code
        .is_based_on
        .iter()
        .zip(e.based_on_links.iter().chain(std::iter::repeat(&None)))
        .map(|(u, link)| LinkView {
            url: u.clone(),
            entry: link.map(|j| card(j, &cat.entries[j], lang, default, t)),
        })
        .collect();
    let screenshots = d
        .map(|d| {
            d.screenshots
                .iter()
                .filter(|s| !s.starts_with("http"))
                .map(|s| format!("/media/{}/{}", e.slug, s.trim_start_matches("./")))
                .collect()
        })
        .unwrap_or_default();
    let edit_url = (!edit_template.is_empty()).then(|| {
        edit_template.replace("{slug}", &e.slug).replace(
            "{path}",
            &format!("content/software/{}/publiccode.yml", e.slug),
        )
    });
    EntryView {
        card: card(i, e, lang, default, t),
        code: prepared.codes[i]
            .get_or_init(|| minijinja::Value::from_serialize(&e.code))
            .clone(),
        fallback: dlang.split('-').next() != Some(lang),
        description_lang: dlang,
        long_html: d
            .map(|d| markdown::demote_headings(&markdown::to_html(&d.long_description)))
            .unwrap_or_default(),
        features: d.map(|d| d.features.clone()).unwrap_or_default(),
        documentation: d.and_then(|d| d.documentation.clone()),
        api_documentation: d.and_then(|d| d.api_documentation.clone()),
        screenshots,
        videos: d.map(|d| d.videos.clone()).unwrap_or_default(),
        awards: d.map(|d| d.awards.clone()).unwrap_or_default(),
        facets,
        dependencies,
        based_on,
        variants: e
            .variants
            .iter()
            .map(|&j| prepared.cards.value(j, Variant::PlainH3))
            .collect(),
        related: e
            .related
            .iter()
            .map(|&j| prepared.cards.value(j, Variant::PlainH3))
            .collect(),
        yaml_url: format!("/data/software/{}.yml", e.slug),
        json_url: format!("/data/software/{}.json", e.slug),
        edit_url,
    }
}
