//! `allmende build`: the catalogue website. Every output file is independent given the
//! catalogue model, so pages render in parallel and the writer keeps only changes.

pub mod exports;
pub mod facets;
pub mod markdown;
pub mod output;
pub mod theme;
pub mod view;

use crate::catalogue::{self, Catalogue};
use crate::config::Config;
use facets::{FACETS, slugify};
use output::Output;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use theme::Theme;
use view::{Card, card, entry_path, label};

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Load(#[from] catalogue::LoadError),
    #[error(transparent)]
    Theme(#[from] theme::ThemeError),
    #[error("template {template}: {message}")]
    Render { template: String, message: String },
    #[error("{count} entr{} with errors; run `allmende check` to see them, or build with --keep-going to leave them out", if *.count == 1 { "y" } else { "ies" })]
    InvalidEntries { count: usize },
    #[error("writing {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

#[derive(Debug, Default, Clone)]
pub struct BuildOptions {
    /// Leave out entries with errors instead of failing.
    pub keep_going: bool,
}

#[derive(Debug, Clone)]
pub struct Summary {
    pub entries: usize,
    pub pages: usize,
    pub files: usize,
    pub written: usize,
    pub removed: usize,
    pub bytes: u64,
    pub elapsed: Duration,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "built {} entries: {} pages, {} files ({} written, {} removed), {:.1} MB in {:.2} s",
            self.entries,
            self.pages,
            self.files,
            self.written,
            self.removed,
            self.bytes as f64 / 1e6,
            self.elapsed.as_secs_f64()
        )
    }
}

pub fn build(config: &Config, options: &BuildOptions) -> Result<Summary, BuildError> {
    let started = Instant::now();
    let (cat, checked) = catalogue::load(&config.content_dir)?;
    let invalid = checked.iter().filter(|c| c.report.model.is_none()).count();
    if invalid > 0 && !options.keep_going {
        return Err(BuildError::InvalidEntries { count: invalid });
    }
    let theme_dir = config.root.join("themes").join(&config.theme);
    let theme = theme::load(&theme_dir, &config.languages)?;
    let outputs = render_site(&cat, config, &theme)?;
    let pages = outputs.iter().filter(|o| o.path.ends_with(".html")).count();
    let stats =
        output::write(&config.output_dir, &outputs).map_err(|source| BuildError::Write {
            path: config.output_dir.clone(),
            source,
        })?;
    Ok(Summary {
        entries: cat.entries.len(),
        pages,
        files: stats.files,
        written: stats.written,
        removed: stats.removed,
        bytes: stats.bytes,
        elapsed: started.elapsed(),
    })
}

/// Context shared by every page of one language.
#[derive(Serialize, Clone)]
struct SiteCtx<'a> {
    title: &'a str,
    lang: &'a str,
    languages: &'a [String],
    base_url: &'a str,
    api_url: &'a str,
    t: &'a Value,
    assets: &'a BTreeMap<String, String>,
    nav: Vec<NavPage>,
    entries: usize,
}

#[derive(Serialize, Clone)]
struct NavPage {
    name: String,
    title: String,
    url: String,
}

#[derive(Serialize)]
struct PageCtx {
    /// Site-relative path of this page (`/de/software/`).
    path: String,
    /// Absolute URL of this page.
    canonical: String,
    title: String,
    description: String,
    /// The same page in other languages.
    alternates: Vec<Alternate>,
}

#[derive(Serialize)]
struct Alternate {
    lang: String,
    url: String,
    absolute: String,
}

/// `/de/software/` → `https://example.org/de/software/`.
pub fn absolute(base_url: &str, path: &str) -> String {
    format!("{base_url}{}", path.trim_start_matches('/'))
}

struct Renderer<'a> {
    theme: &'a Theme,
    config: &'a Config,
}

impl Renderer<'_> {
    fn render(&self, template: &str, ctx: Value) -> Result<Vec<u8>, BuildError> {
        let tmpl = self
            .theme
            .env
            .get_template(template)
            .map_err(|e| BuildError::Render {
                template: template.to_owned(),
                message: e.to_string(),
            })?;
        tmpl.render(minijinja::Value::from_serialize(&ctx))
            .map(String::into_bytes)
            .map_err(|e| BuildError::Render {
                template: template.to_owned(),
                message: format!("{e:#}"),
            })
    }

    fn page(&self, site: &SiteCtx, path: String, title: String, description: String) -> PageCtx {
        let alternates = self
            .config
            .languages
            .iter()
            .map(|l| {
                let url = path.replacen(&format!("/{}/", site.lang), &format!("/{l}/"), 1);
                Alternate {
                    lang: l.clone(),
                    absolute: absolute(&self.config.base_url, &url),
                    url,
                }
            })
            .collect();
        PageCtx {
            canonical: absolute(&self.config.base_url, &path),
            path,
            title,
            description,
            alternates,
        }
    }
}

/// `/de/software/` → `de/software/index.html`.
fn file_of(path: &str) -> String {
    format!("{}index.html", path.trim_start_matches('/'))
}

fn t_str(t: &Value, table: &str, key: &str) -> String {
    label(t, table, key)
}

pub fn render_site(
    cat: &Catalogue,
    config: &Config,
    theme: &Theme,
) -> Result<Vec<Output>, BuildError> {
    let r = Renderer { theme, config };
    let default = config.languages[0].as_str();
    let mut outputs: Vec<Output> = theme.asset_outputs.clone();
    outputs.extend(media(cat));
    for lang in &config.languages {
        let t = &theme.i18n[lang];
        let title = match lang.as_str() {
            "de" => &config.title.de,
            _ => &config.title.en,
        };
        let site = SiteCtx {
            title,
            lang,
            languages: &config.languages,
            base_url: &config.base_url,
            api_url: &config.api_url,
            t,
            assets: &theme.assets,
            nav: cat
                .pages
                .iter()
                .filter(|p| &p.lang == lang)
                .map(|p| NavPage {
                    name: p.name.clone(),
                    title: p.title.clone(),
                    url: format!("/{lang}/{}/", p.name),
                })
                .collect(),
            entries: cat.entries.len(),
        };
        let cards: Vec<Card> = cat
            .entries
            .par_iter()
            .map(|e| card(e, lang, default, t))
            .collect();
        // Entry pages: the bulk of the work.
        let entry_pages: Result<Vec<Output>, BuildError> = cat
            .entries
            .par_iter()
            .map(|e| {
                let v = view::entry_view(cat, e, lang, default, t, &config.edit_url);
                let path = entry_path(lang, &e.slug);
                let page = r.page(
                    &site,
                    path.clone(),
                    v.card.name.clone(),
                    v.card.short.clone(),
                );
                let bytes = r.render(
                    "entry.html",
                    json!({"site": site, "page": page, "entry": v}),
                )?;
                Ok(Output::new(file_of(&path), bytes))
            })
            .collect();
        outputs.extend(entry_pages?);
        outputs.extend(lists(&r, &site, &cards, cat)?);
        outputs.extend(facet_pages(&r, &site, &cards, cat)?);
        outputs.push(home(&r, &site, &cards, cat)?);
        for p in cat.pages.iter().filter(|p| &p.lang == lang) {
            let path = format!("/{lang}/{}/", p.name);
            let page = r.page(&site, path.clone(), p.title.clone(), p.description.clone());
            let body = markdown::to_html(&p.markdown);
            outputs.push(Output::new(
                file_of(&path),
                r.render(
                    "page.html",
                    json!({"site": site, "page": page, "body": body}),
                )?,
            ));
        }
        let path = format!("/{lang}/compare/");
        let page = r.page(
            &site,
            path.clone(),
            t_str(t, "ui", "compare_title"),
            String::new(),
        );
        outputs.push(Output::new(
            file_of(&path),
            r.render(
                "compare.html",
                json!({"site": site, "page": page, "entries": cards}),
            )?,
        ));
        if lang.as_str() == default {
            let page = r.page(
                &site,
                "/404.html".into(),
                t_str(t, "ui", "not_found_title"),
                String::new(),
            );
            outputs.push(Output::new(
                "404.html",
                r.render("404.html", json!({"site": site, "page": page}))?,
            ));
            let page = r.page(&site, "/".into(), title.to_string(), String::new());
            outputs.push(Output::new(
                "index.html",
                r.render("root.html", json!({"site": site, "page": page}))?,
            ));
        }
    }
    outputs.extend(exports::all(
        cat,
        config,
        &outputs
            .iter()
            .filter(|o| o.path.ends_with(".html") && o.path != "404.html" && o.path != "index.html")
            .map(|o| o.path.clone())
            .collect::<Vec<_>>(),
    ));
    outputs.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(outputs)
}

/// Logos and screenshots, published under `/media/<slug>/`.
fn media(cat: &Catalogue) -> Vec<Output> {
    cat.entries
        .par_iter()
        .flat_map_iter(|e| {
            let files = e
                .code
                .logo
                .iter()
                .chain(
                    e.code
                        .description
                        .values()
                        .flat_map(|d| d.screenshots.iter()),
                )
                .filter(|f| !f.starts_with("http"))
                .map(|f| f.trim_start_matches("./").to_owned())
                .collect::<std::collections::BTreeSet<_>>();
            files.into_iter().filter_map(move |f| {
                let bytes = std::fs::read(e.dir.join(&f)).ok()?;
                Some(Output::new(format!("media/{}/{f}", e.slug), bytes))
            })
        })
        .collect()
}

#[derive(Serialize)]
struct Pagination {
    page: usize,
    pages: usize,
    prev: Option<String>,
    next: Option<String>,
    links: Vec<PageLink>,
}

#[derive(Serialize)]
struct PageLink {
    number: usize,
    url: String,
    current: bool,
}

fn page_url(base: &str, n: usize) -> String {
    if n == 1 {
        base.to_owned()
    } else {
        format!("{base}page/{n}/")
    }
}

/// Paged listing of `cards` under `base` (`/de/software/`), rendered with `template`.
fn paged(
    r: &Renderer,
    site: &SiteCtx,
    base: &str,
    title: &str,
    cards: &[&Card],
    template: &str,
    extra: &Value,
) -> Result<Vec<Output>, BuildError> {
    let size = r.config.page_size;
    let pages = cards.len().div_ceil(size).max(1);
    (1..=pages)
        .into_par_iter()
        .map(|n| {
            let chunk: Vec<&Card> = cards.iter().skip((n - 1) * size).take(size).copied().collect();
            let path = page_url(base, n);
            let pagination = Pagination {
                page: n,
                pages,
                prev: (n > 1).then(|| page_url(base, n - 1)),
                next: (n < pages).then(|| page_url(base, n + 1)),
                links: (1..=pages).map(|i| PageLink { number: i, url: page_url(base, i), current: i == n }).collect(),
            };
            let page_title = if n > 1 {
                format!("{title} ({} {n}/{pages})", t_str(site.t, "ui", "page"))
            } else {
                title.to_owned()
            };
            let page = r.page(site, path.clone(), page_title, String::new());
            let mut ctx = json!({"site": site, "page": page, "entries": chunk, "pagination": pagination, "total": cards.len()});
            if let (Some(c), Some(e)) = (ctx.as_object_mut(), extra.as_object()) {
                c.extend(e.clone());
            }
            Ok(Output::new(file_of(&path), r.render(template, ctx)?))
        })
        .collect()
}

const SORTS: &[&str] = &["name", "released"];

fn sort_key(c: &Card) -> String {
    slugify(&c.name)
}

fn lists(
    r: &Renderer,
    site: &SiteCtx,
    cards: &[Card],
    _cat: &Catalogue,
) -> Result<Vec<Output>, BuildError> {
    let lang = site.lang;
    let mut out = Vec::new();
    for &sort in SORTS {
        let mut sorted: Vec<&Card> = cards.iter().collect();
        match sort {
            "released" => sorted.sort_by(|a, b| {
                b.release_date
                    .cmp(&a.release_date)
                    .then_with(|| sort_key(a).cmp(&sort_key(b)))
            }),
            _ => sorted.sort_by_key(|c| (sort_key(c), c.slug.clone())),
        }
        let base = if sort == "name" {
            format!("/{lang}/software/")
        } else {
            format!("/{lang}/software/{sort}/")
        };
        let sorts: Vec<Value> = SORTS
            .iter()
            .map(|s| {
                json!({
                    "key": s,
                    "label": t_str(site.t, "sort", s),
                    "url": if *s == "name" { format!("/{lang}/software/") } else { format!("/{lang}/software/{s}/") },
                    "current": *s == sort,
                })
            })
            .collect();
        let title = t_str(site.t, "ui", "catalogue");
        out.extend(paged(
            r,
            site,
            &base,
            &title,
            &sorted,
            "list.html",
            &json!({"sorts": sorts}),
        )?);
    }
    Ok(out)
}

#[derive(Serialize, Clone)]
struct FacetValue {
    value: String,
    label: String,
    url: String,
    count: usize,
}

#[derive(Serialize)]
struct FacetIndex {
    key: &'static str,
    label: String,
    url: String,
    values: Vec<FacetValue>,
}

fn facet_index(site: &SiteCtx, cat: &Catalogue) -> Vec<(FacetIndex, BTreeMap<String, Vec<usize>>)> {
    FACETS
        .iter()
        .map(|f| {
            let mut members: BTreeMap<String, Vec<usize>> = BTreeMap::new();
            for (i, e) in cat.entries.iter().enumerate() {
                for v in (f.values)(&e.code) {
                    members.entry(v).or_default().push(i);
                }
            }
            let mut values: Vec<FacetValue> = members
                .iter()
                .map(|(v, m)| FacetValue {
                    label: if f.translated {
                        label(site.t, f.key, v)
                    } else {
                        v.clone()
                    },
                    url: view::facet_path(site.lang, f.key, v),
                    value: v.clone(),
                    count: m.len(),
                })
                .collect();
            values.sort_by(|a, b| {
                b.count
                    .cmp(&a.count)
                    .then_with(|| slugify(&a.label).cmp(&slugify(&b.label)))
            });
            (
                FacetIndex {
                    key: f.key,
                    label: label(site.t, "facet", f.key),
                    url: format!("/{}/{}/", site.lang, f.key),
                    values,
                },
                members,
            )
        })
        .collect()
}

fn facet_pages(
    r: &Renderer,
    site: &SiteCtx,
    cards: &[Card],
    cat: &Catalogue,
) -> Result<Vec<Output>, BuildError> {
    let mut out = Vec::new();
    let index = facet_index(site, cat);
    let all: Vec<&FacetIndex> = index.iter().map(|(f, _)| f).collect();
    for (facet, members) in &index {
        let page = r.page(site, facet.url.clone(), facet.label.clone(), String::new());
        out.push(Output::new(
            file_of(&facet.url),
            r.render(
                "facet_index.html",
                json!({"site": site, "page": page, "facet": facet, "facets": all}),
            )?,
        ));
        for v in &facet.values {
            let mut entries: Vec<&Card> = members[&v.value].iter().map(|&i| &cards[i]).collect();
            entries.sort_by_key(|c| (sort_key(c), c.slug.clone()));
            let title = format!("{}: {}", facet.label, v.label);
            let extra = json!({"facet": {"key": facet.key, "label": facet.label, "url": facet.url}, "value": v});
            out.extend(paged(
                r,
                site,
                &v.url,
                &title,
                &entries,
                "facet.html",
                &extra,
            )?);
        }
    }
    Ok(out)
}

fn home(
    r: &Renderer,
    site: &SiteCtx,
    cards: &[Card],
    cat: &Catalogue,
) -> Result<Output, BuildError> {
    let mut newest: Vec<&Card> = cards.iter().collect();
    newest.sort_by(|a, b| {
        b.release_date
            .cmp(&a.release_date)
            .then_with(|| a.slug.cmp(&b.slug))
    });
    newest.truncate(6);
    let index = facet_index(site, cat);
    let categories: Vec<FacetValue> = index
        .iter()
        .find(|(f, _)| f.key == "category")
        .map(|(f, _)| f.values.iter().take(12).cloned().collect())
        .unwrap_or_default();
    let organisations = index
        .iter()
        .find(|(f, _)| f.key == "organisation")
        .map_or(0, |(f, _)| f.values.len());
    let path = format!("/{}/", site.lang);
    let page = r.page(
        site,
        path.clone(),
        site.title.to_owned(),
        t_str(site.t, "ui", "tagline"),
    );
    let counts = json!({"entries": cards.len(), "organisations": organisations, "categories": index[0].0.values.len()});
    let bytes = r.render(
        "home.html",
        json!({"site": site, "page": page, "newest": newest, "categories": categories, "counts": counts, "facets": index.iter().map(|(f, _)| f).collect::<Vec<_>>()}),
    )?;
    Ok(Output::new(file_of(&path), bytes))
}
