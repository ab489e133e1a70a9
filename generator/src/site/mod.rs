//! `allmende build`: the catalogue website. Every output file is independent given the
//! catalogue model, so pages render in parallel and the writer keeps only changes.

pub mod collab;
pub mod exports;
pub mod facets;
pub mod markdown;
pub mod output;
pub mod progress;
pub mod theme;
pub mod view;

use crate::catalogue::{self, Catalogue};
use crate::config::Config;
use facets::{FACETS, slugify};
use minijinja::{Value as Mj, context};
use output::{Output, Writer};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;
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
    /// Show a progress line on a terminal.
    pub progress: bool,
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
    tracing::debug!(elapsed = ?started.elapsed(), entries = cat.entries.len(), "catalogue loaded");
    let invalid = checked.iter().filter(|c| c.report.errors() > 0).count();
    drop(checked);
    if invalid > 0 && !options.keep_going {
        return Err(BuildError::InvalidEntries { count: invalid });
    }
    let theme_dir = config.root.join("themes").join(&config.theme);
    let theme = theme::load(&theme_dir, &config.languages)?;
    let write_err = |source| BuildError::Write {
        path: config.output_dir.clone(),
        source,
    };
    let writer = Writer::begin(&config.output_dir).map_err(write_err)?;
    // Entry pages dominate large catalogues: about 1.6 pages per entry and language.
    let progress = progress::Progress::start(
        options.progress,
        cat.entries.len() * config.languages.len() * 16 / 10 + 100,
    );
    let rendered = render_site(&cat, config, &theme, &writer, progress.counter());
    progress.finish();
    let pages = rendered?;
    tracing::debug!(elapsed = ?started.elapsed(), pages, "rendered");
    let stats = writer.commit().map_err(write_err)?;
    tracing::debug!(elapsed = ?started.elapsed(), "written");
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
    oidc_issuer: &'a str,
    oidc_client_id: &'a str,
    /// Published path of this language's labels for the tickets and forum scripts.
    collab_labels: String,
    /// `allmende/collab/x.js` → published path, so the modules import each other by name
    /// while their files stay content-hashed.
    import_map: &'a BTreeMap<String, String>,
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
    out: &'a Writer,
    pages: &'a std::sync::atomic::AtomicUsize,
}

impl Renderer<'_> {
    /// Renders `template` with `ctx` into the site at `path` (a page URL like `/de/x/`
    /// or a file name).
    fn page_to(&self, path: &str, template: &str, ctx: Mj) -> Result<(), BuildError> {
        let tmpl = self
            .theme
            .env
            .get_template(template)
            .map_err(|e| BuildError::Render {
                template: template.to_owned(),
                message: e.to_string(),
            })?;
        let html = tmpl.render(ctx).map_err(|e| BuildError::Render {
            template: template.to_owned(),
            message: format!("{e:#}"),
        })?;
        let file = if path.ends_with('/') {
            file_of(path)
        } else {
            path.trim_start_matches('/').to_owned()
        };
        self.pages
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.put(&file, html.as_bytes())
    }

    fn put(&self, file: &str, bytes: &[u8]) -> Result<(), BuildError> {
        self.out
            .put(file, bytes)
            .map_err(|source| BuildError::Write {
                path: self.config.output_dir.join(file),
                source,
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

/// Renders every page and file of the site into `out`; returns the number of HTML pages.
pub fn render_site(
    cat: &Catalogue,
    config: &Config,
    theme: &Theme,
    out: &Writer,
    pages: &std::sync::atomic::AtomicUsize,
) -> Result<usize, BuildError> {
    let r = Renderer {
        theme,
        config,
        out,
        pages,
    };
    let default = config.languages[0].as_str();
    let import_map: BTreeMap<String, String> = theme
        .assets
        .iter()
        .filter(|(name, _)| name.starts_with("collab/") && name.ends_with(".js"))
        .map(|(name, path)| (format!("allmende/{name}"), format!("/{path}")))
        .collect();
    for a in &theme.asset_outputs {
        r.put(&a.path, &a.bytes)?;
    }
    media(cat).try_for_each(|o| r.put(&o.path, &o.bytes))?;
    // Editors point `yaml-language-server: $schema=` at the catalogue's own copy.
    if let Ok(schema) = std::fs::read(config.root.join("schemas/publiccode.schema.json")) {
        r.put("schemas/publiccode.schema.json", &schema)?;
    }
    // Each model is converted for templates once and shared by both languages' pages.
    let codes: Vec<Mj> = cat
        .entries
        .par_iter()
        .map(|e| Mj::from_serialize(&e.code))
        .collect();
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
            oidc_issuer: &config.oidc_issuer,
            oidc_client_id: &config.oidc_client_id,
            collab_labels: collab::labels(&r, lang, t)?,
            import_map: &import_map,
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
        // Converted once per language; minijinja values are shared, not copied, per page.
        let site_v = Mj::from_serialize(&site);
        let cards: Vec<Card> = cat
            .entries
            .par_iter()
            .enumerate()
            .map(|(i, e)| card(i, e, lang, default, t))
            .collect();
        let cards_v: Vec<Mj> = cards.par_iter().map(Mj::from_serialize).collect();
        let prepared = view::Prepared {
            cat,
            codes: &codes,
            cards: &cards_v,
            default,
            edit_template: &config.edit_url,
        };
        tracing::debug!(lang, "rendering");
        cat.entries.par_iter().enumerate().try_for_each(|(i, e)| {
            let v = view::entry_view(&prepared, i, e, lang, t);
            let path = entry_path(lang, &e.slug);
            let page = r.page(&site, path.clone(), v.card.name.clone(), v.card.short.clone());
            r.page_to(&path, "entry.html", context! { site => site_v.clone(), page => Mj::from_serialize(&page), entry => Mj::from_serialize(&v) })
        })?;
        tracing::debug!(lang, "entry pages done");
        lists(&r, &site, &site_v, &cards, &cards_v)?;
        facet_pages(&r, &site, &site_v, &cards, &cards_v, cat)?;
        tracing::debug!(lang, "lists and facets done");
        home(&r, &site, &site_v, &cards, cat)?;
        for p in cat.pages.iter().filter(|p| &p.lang == lang) {
            let path = format!("/{lang}/{}/", p.name);
            let page = r.page(&site, path.clone(), p.title.clone(), p.description.clone());
            let body = markdown::page_to_html(&p.markdown);
            r.page_to(
                &path,
                "page.html",
                context! { site => site_v.clone(), page => Mj::from_serialize(&page), body },
            )?;
        }
        search(&r, &site, &site_v, &cards, cat)?;
        collab::pages(&r, &site, &site_v)?;
        let path = format!("/{lang}/compare/");
        let page = r.page(
            &site,
            path.clone(),
            t_str(t, "ui", "compare_title"),
            String::new(),
        );
        r.page_to(&path, "compare.html", context! { site => site_v.clone(), page => Mj::from_serialize(&page), entries => Mj::from_serialize(&cards) })?;
        if lang.as_str() == default {
            let page = r.page(
                &site,
                "/404.html".into(),
                t_str(t, "ui", "not_found_title"),
                String::new(),
            );
            r.page_to(
                "404.html",
                "404.html",
                context! { site => site_v.clone(), page => Mj::from_serialize(&page) },
            )?;
            let page = r.page(&site, "/".into(), title.to_string(), String::new());
            r.page_to(
                "index.html",
                "root.html",
                context! { site => site_v.clone(), page => Mj::from_serialize(&page) },
            )?;
        }
    }
    let html_paths: Vec<String> = out
        .paths()
        .into_iter()
        .filter(|p| p.ends_with(".html") && p != "404.html" && p != "index.html")
        .collect();
    for o in exports::all(cat, config, &html_paths) {
        r.put(&o.path, &o.bytes)?;
    }
    Ok(r.pages.load(std::sync::atomic::Ordering::Relaxed))
}

/// Logos and screenshots, published under `/media/<slug>/`.
fn media(cat: &Catalogue) -> impl ParallelIterator<Item = Output> + '_ {
    cat.entries.par_iter().flat_map_iter(|e| {
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

/// Paged listing of `cards` under `base` (`/de/software/`), rendered with `template`;
/// `extra` is merged into each page's context.
/// One paged listing: where it lives, what it is called, how it is rendered.
struct Listing<'a> {
    base: &'a str,
    title: &'a str,
    template: &'a str,
    /// Merged into each page's context.
    extra: Mj,
}

fn paged(
    r: &Renderer,
    site: &SiteCtx,
    site_v: &Mj,
    listing: Listing,
    cards: &[&Card],
    values: &[Mj],
) -> Result<(), BuildError> {
    let Listing {
        base,
        title,
        template,
        extra,
    } = listing;
    let size = r.config.page_size;
    let pages = cards.len().div_ceil(size).max(1);
    (1..=pages).into_par_iter().try_for_each(|n| {
        let chunk: Vec<Mj> = cards
            .iter()
            .skip((n - 1) * size)
            .take(size)
            .map(|c| values[c.index].clone())
            .collect();
        let path = page_url(base, n);
        let pagination = Pagination {
            page: n,
            pages,
            prev: (n > 1).then(|| page_url(base, n - 1)),
            next: (n < pages).then(|| page_url(base, n + 1)),
            links: (1..=pages)
                .map(|i| PageLink {
                    number: i,
                    url: page_url(base, i),
                    current: i == n,
                })
                .collect(),
        };
        let page_title = if n > 1 {
            format!("{title} ({} {n}/{pages})", t_str(site.t, "ui", "page"))
        } else {
            title.to_owned()
        };
        let page = r.page(site, path.clone(), page_title, String::new());
        let ctx = context! {
            site => site_v.clone(),
            page => Mj::from_serialize(&page),
            entries => Mj::from(chunk),
            pagination => Mj::from_serialize(&pagination),
            total => cards.len(),
            ..extra.clone()
        };
        r.page_to(&path, template, ctx)
    })
}

const SORTS: &[&str] = &["name", "updated", "released"];

/// Orders cards by folded name, then slug (names can repeat).
fn by_name(a: &&Card, b: &&Card) -> std::cmp::Ordering {
    a.sort_key
        .cmp(&b.sort_key)
        .then_with(|| a.slug.cmp(&b.slug))
}

#[derive(Serialize)]
struct SortLink {
    key: &'static str,
    label: String,
    url: String,
    current: bool,
}

fn lists(
    r: &Renderer,
    site: &SiteCtx,
    site_v: &Mj,
    cards: &[Card],
    values: &[Mj],
) -> Result<(), BuildError> {
    let lang = site.lang;
    let base_of = |s: &str| {
        if s == "name" {
            format!("/{lang}/software/")
        } else {
            format!("/{lang}/software/{s}/")
        }
    };
    for &sort in SORTS {
        let mut sorted: Vec<&Card> = cards.iter().collect();
        match sort {
            "released" => sorted.sort_by(|a, b| {
                b.release_date
                    .cmp(&a.release_date)
                    .then_with(|| by_name(a, b))
            }),
            "updated" => {
                sorted.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| by_name(a, b)))
            }
            _ => sorted.sort_by(by_name),
        }
        let sorts: Vec<SortLink> = SORTS
            .iter()
            .map(|&s| SortLink {
                key: s,
                label: t_str(site.t, "sort", s),
                url: base_of(s),
                current: s == sort,
            })
            .collect();
        let title = t_str(site.t, "ui", "catalogue");
        let listing = Listing {
            base: &base_of(sort),
            title: &title,
            template: "list.html",
            extra: context! { sorts => Mj::from_serialize(&sorts) },
        };
        paged(r, site, site_v, listing, &sorted, values)?;
    }
    Ok(())
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
    site_v: &Mj,
    cards: &[Card],
    values: &[Mj],
    cat: &Catalogue,
) -> Result<(), BuildError> {
    let index = facet_index(site, cat);
    let all: Vec<&FacetIndex> = index.iter().map(|(f, _)| f).collect();
    let all_v = Mj::from_serialize(&all);
    for (facet, members) in &index {
        let page = r.page(site, facet.url.clone(), facet.label.clone(), String::new());
        r.page_to(&facet.url, "facet_index.html", context! { site => site_v.clone(), page => Mj::from_serialize(&page), facet => Mj::from_serialize(facet), facets => all_v.clone() })?;
        let facet_v = context! { key => facet.key, label => &facet.label, url => &facet.url };
        facet.values.par_iter().try_for_each(|v| {
            let mut entries: Vec<&Card> = members[&v.value].iter().map(|&i| &cards[i]).collect();
            entries.sort_by(by_name);
            let title = format!("{}: {}", facet.label, v.label);
            let extra = context! { facet => facet_v.clone(), value => Mj::from_serialize(v) };
            let listing = Listing {
                base: &v.url,
                title: &title,
                template: "facet.html",
                extra,
            };
            paged(r, site, site_v, listing, &entries, values)
        })?;
    }
    Ok(())
}

fn home(
    r: &Renderer,
    site: &SiteCtx,
    site_v: &Mj,
    cards: &[Card],
    cat: &Catalogue,
) -> Result<(), BuildError> {
    // Newest in the catalogue, recently changed entries, latest releases: six each.
    let top = |key: fn(&Card) -> &Option<String>| {
        let mut v: Vec<&Card> = cards.iter().filter(|c| key(c).is_some()).collect();
        v.sort_by(|a, b| key(b).cmp(key(a)).then_with(|| a.slug.cmp(&b.slug)));
        v.truncate(6);
        v
    };
    let added = top(|c| &c.added);
    let updated = top(|c| &c.updated);
    let newest = top(|c| &c.release_date);
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
    let counts =
        context! { entries => cards.len(), organisations, categories => index[0].0.values.len() };
    let facets: Vec<&FacetIndex> = index.iter().map(|(f, _)| f).collect();
    r.page_to(
        &path,
        "home.html",
        context! {
            site => site_v.clone(),
            page => Mj::from_serialize(&page),
            newest => Mj::from_serialize(&newest),
            added => Mj::from_serialize(&added),
            updated => Mj::from_serialize(&updated),
            categories => Mj::from_serialize(&categories),
            counts,
            facets => Mj::from_serialize(&facets),
        },
    )
}

#[derive(Serialize)]
struct SearchItem<'a> {
    url: &'a str,
    name: &'a str,
    short: &'a str,
    features: String,
    categories: String,
    status: &'a str,
    license: &'a str,
}

/// The search page and the compact list it searches (`/data/search/<lang>.json`).
fn search(
    r: &Renderer,
    site: &SiteCtx,
    site_v: &Mj,
    cards: &[Card],
    cat: &Catalogue,
) -> Result<(), BuildError> {
    let items: Vec<SearchItem> = cards
        .iter()
        .zip(&cat.entries)
        .map(|(c, e)| {
            let d = view::description(e, site.lang, &r.config.languages[0]).map(|(_, d)| d);
            SearchItem {
                url: &c.url,
                name: &c.name,
                short: &c.short,
                features: d.map(|d| d.features.join(" · ")).unwrap_or_default(),
                categories: e
                    .code
                    .categories
                    .iter()
                    .map(|v| label(site.t, "category", v))
                    .collect::<Vec<_>>()
                    .join(" · "),
                status: &c.status.label,
                license: &c.license,
            }
        })
        .collect();
    let json = serde_json::to_vec(&items).map_err(|e| BuildError::Render {
        template: "search index".into(),
        message: e.to_string(),
    })?;
    r.put(&format!("data/search/{}.json", site.lang), &json)?;
    let facets: Vec<Value> = FACETS
        .iter()
        .map(|f| serde_json::json!({"label": label(site.t, "facet", f.key), "url": format!("/{}/{}/", site.lang, f.key)}))
        .collect();
    let path = format!("/{}/search/", site.lang);
    let page = r.page(
        site,
        path.clone(),
        t_str(site.t, "ui", "search_title"),
        String::new(),
    );
    r.page_to(&path, "search.html", context! { site => site_v.clone(), page => Mj::from_serialize(&page), facets => Mj::from_serialize(&facets) })
}
