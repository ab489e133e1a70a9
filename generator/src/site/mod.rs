//! `allmende build`: the catalogue website. Every output file is independent given the
//! catalogue model, so pages render in parallel and the writer keeps only changes.

pub mod cache;
pub mod cards;
pub mod collab;
pub mod exports;
pub mod facets;
pub mod fragments;
pub mod markdown;
pub mod output;
pub mod progress;
pub mod search_index;
pub mod theme;
pub mod view;

use crate::catalogue::{self, Catalogue};
use crate::config::Config;
use cache::{Fingerprint, Hasher, PageCache};
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
    /// Replace the output folder as a whole instead of keeping its unchanged files (the
    /// old site stays live until the new one is complete; see [`output::remove_replaced`]).
    pub clean: bool,
}

#[derive(Debug, Clone)]
pub struct Summary {
    pub entries: usize,
    pub pages: usize,
    /// Pages rendered by this build; the others were unchanged and kept from the last one.
    pub rendered: usize,
    /// Search indexes (one per language) made by this build; the others were kept.
    pub search_indexes: usize,
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
            "built {} entries: {} pages ({} rendered), {} files ({} written, {} removed), {:.1} MB in {:.2} s",
            self.entries,
            self.pages,
            self.rendered,
            self.files,
            self.written,
            self.removed,
            self.bytes as f64 / 1e6,
            self.elapsed.as_secs_f64()
        )
    }
}

pub fn build(config: &Config, options: &BuildOptions) -> Result<Summary, BuildError> {
    build_from(config, options, None)
}

/// [`build`] from entries the caller has validated and cross-checked already (`serve`
/// reports their findings first); `None` loads and validates `content/` here.
pub fn build_from(
    config: &Config,
    options: &BuildOptions,
    checked: Option<Vec<crate::check::Checked>>,
) -> Result<Summary, BuildError> {
    let started = Instant::now();
    let (cache_dir, output_name) = cache::location(config);
    let (cat, checked) = match checked {
        Some(c) => catalogue::from_checked(&config.content_dir, c)?,
        None => catalogue::load_cached(&config.content_dir, Some(&cache::entries_file(config)))?,
    };
    tracing::debug!(elapsed = ?started.elapsed(), cpu = progress::cpu_seconds(), entries = cat.entries.len(), "catalogue loaded");
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
    let writer = if options.clean {
        Writer::begin_clean(&config.output_dir)
    } else {
        Writer::begin(&config.output_dir)
    }
    .map_err(write_err)?;
    let cache = PageCache::open(&cache_dir, &output_name);
    let fragments = fragments::Fragments::open(&cache_dir, &output_name);
    let salt = cache::build_salt(&theme.fingerprint, config);
    // Entry pages dominate large catalogues: about 1.6 pages per entry and language.
    let progress = progress::Progress::start(
        options.progress,
        cat.entries.len() * config.languages.len() * 16 / 10 + 100,
    );
    let rendered = render_site(
        &cat,
        config,
        &theme,
        &writer,
        &Caching {
            cache: &cache,
            salt,
            fragments: &fragments,
        },
        progress.counter(),
    );
    progress.finish();
    let pages = rendered?;
    tracing::debug!(elapsed = ?started.elapsed(), cpu = progress::cpu_seconds(), pages, "rendered");
    let hashes = writer.hashes();
    let rendered_pages = cache.rendered();
    let search_indexes = cache.indexed();
    let stats = writer.commit().map_err(write_err)?;
    tracing::debug!(elapsed = ?started.elapsed(), cpu = progress::cpu_seconds(), "written");
    // The site is complete without it; a cache that cannot be saved only makes the next
    // build slower.
    if let Err(e) = cache.save(&hashes) {
        tracing::warn!(error = %e, dir = %cache_dir.display(), "build cache not saved");
    }
    if let Err(e) = fragments.save() {
        tracing::warn!(error = %e, dir = %cache_dir.display(), "export pieces not kept");
    }
    Ok(Summary {
        entries: cat.entries.len(),
        pages,
        rendered: rendered_pages,
        search_indexes,
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
    /// The build's salt and everything above: what every page of this language shares.
    #[serde(skip)]
    salt: Fingerprint,
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

/// The build cache and what every page's fingerprint starts from.
pub struct Caching<'a> {
    pub cache: &'a PageCache,
    /// Program, theme and configuration ([`cache::build_salt`]).
    pub salt: Fingerprint,
    /// Per-entry pieces of the catalogue-wide exports.
    pub fragments: &'a fragments::Fragments,
}

struct Renderer<'a> {
    theme: &'a Theme,
    config: &'a Config,
    out: &'a Writer,
    caching: &'a Caching<'a>,
    pages: &'a std::sync::atomic::AtomicUsize,
}

impl Renderer<'_> {
    /// Renders `template` with `ctx` into the site at `path` (a page URL like `/de/x/`
    /// or a file name), unless the same template and context made the live file.
    fn page_to(&self, path: &str, template: &str, ctx: Mj) -> Result<(), BuildError> {
        let mut h = Hasher::new(&self.caching.salt);
        h.str(template);
        let fingerprint = h.json(&ctx).then(|| h.finish());
        self.page_cached(path, template, fingerprint, || ctx)
    }

    /// Like [`Renderer::page_to`] for a page whose fingerprint was computed from its
    /// inputs; `ctx` is only built when the page has to be rendered.
    fn page_cached(
        &self,
        path: &str,
        template: &str,
        fingerprint: Option<Fingerprint>,
        ctx: impl FnOnce() -> Mj,
    ) -> Result<(), BuildError> {
        let file = if path.ends_with('/') {
            file_of(path)
        } else {
            path.trim_start_matches('/').to_owned()
        };
        self.pages
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.file_cached(&file, fingerprint, || {
            self.caching.cache.rendering();
            let ctx = ctx();
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
            Ok(html.into_bytes())
        })
    }

    /// Puts the file `make` gives, unless the cache knows that the same inputs made the
    /// live file: then that file is kept and `make` never runs.
    fn file_cached(
        &self,
        file: &str,
        fingerprint: Option<Fingerprint>,
        make: impl FnOnce() -> Result<Vec<u8>, BuildError>,
    ) -> Result<(), BuildError> {
        let cache = self.caching.cache;
        if let Some(fp) = fingerprint
            && let Some(hash) = cache.unchanged(file, &fp)
            && self
                .out
                .keep(file, hash)
                .map_err(|source| BuildError::Write {
                    path: self.config.output_dir.join(file),
                    source,
                })?
        {
            cache.record(file, fp);
            return Ok(());
        }
        let bytes = make()?;
        self.put(file, &bytes)?;
        if let Some(fp) = fingerprint {
            cache.record(file, fp);
        }
        Ok(())
    }

    /// Keeps every file the last build made from inputs with `fingerprint` among the paths
    /// `ours` accepts, when the live site still has all of them; returns the root file's
    /// path (the one under `search/root-…`). `None`: nothing was kept, make them anew.
    fn keep_group(
        &self,
        fingerprint: &Fingerprint,
        ours: impl Fn(&str) -> bool,
    ) -> Result<Option<String>, BuildError> {
        let cache = self.caching.cache;
        let files = cache.made_from(fingerprint, &ours);
        let root = files
            .iter()
            .find(|(p, _)| p.contains("/root-"))
            .map(|(p, _)| p.clone());
        if root.is_none() || !files.iter().all(|(p, h)| self.out.has(p, h)) {
            return Ok(None);
        }
        for (path, hash) in &files {
            let kept = self
                .out
                .keep(path, hash)
                .map_err(|source| BuildError::Write {
                    path: self.config.output_dir.join(path),
                    source,
                })?;
            if !kept {
                // Checked just above; only a file removed meanwhile gets here.
                return Err(BuildError::Write {
                    path: self.config.output_dir.join(path),
                    source: std::io::Error::other("file vanished during the build"),
                });
            }
            cache.record(path, *fingerprint);
        }
        Ok(root)
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
    caching: &Caching,
    pages: &std::sync::atomic::AtomicUsize,
) -> Result<usize, BuildError> {
    let r = Renderer {
        theme,
        config,
        out,
        caching,
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
    // Each model is converted for templates at most once (when one of its pages is
    // rendered) and shared by both languages' pages.
    let codes: Vec<std::sync::OnceLock<Mj>> = (0..cat.entries.len())
        .map(|_| std::sync::OnceLock::new())
        .collect();
    // What an entry's own pages are made of, hashed once for both languages.
    let entry_hashes: Vec<Fingerprint> = cat
        .entries
        .par_iter()
        .map(|e| {
            let mut h = Hasher::new(&[0; 32]);
            h.str(&e.slug);
            // The entry cache's key stands for the model (it hashes all the model is made
            // from); serialising ten thousand models to hash them cost 0.1 s per build.
            match &e.model_key {
                Some(key) => {
                    h.str("key").bytes(key);
                }
                None => {
                    h.json(&e.code);
                }
            }
            h.json(&(&e.dates.added, &e.dates.updated));
            h.finish()
        })
        .collect();
    // Cards first: the search documents are made from them, and each language's search
    // index is built on its own thread while the pages render (tantivy indexes on one
    // thread; without this, one of two cores idled for the index's 1-2 s).
    let all_cards: Vec<Vec<Card>> = config
        .languages
        .iter()
        .map(|lang| {
            let t = &theme.i18n[lang];
            cat.entries
                .par_iter()
                .enumerate()
                .map(|(i, e)| card(i, e, lang, default, t))
                .collect()
        })
        .collect();
    std::thread::scope(|scope| -> Result<(), BuildError> {
        let r = &r;
        let entry_hashes = &entry_hashes;
        let indexes: Vec<_> = config
            .languages
            .iter()
            .zip(&all_cards)
            .map(|(lang, cards)| {
                let t = &theme.i18n[lang];
                scope.spawn(move || search_files(r, lang, t, cards, entry_hashes, cat))
            })
            .collect();
        let mut search_pages = Vec::new();
        for (lang, cards) in config.languages.iter().zip(&all_cards) {
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
                collab_labels: collab::labels(r, lang, t)?,
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
                salt: [0; 32],
            };
            let mut site = site;
            site.salt = {
                let mut h = Hasher::new(&caching.salt);
                h.json(&site);
                h.finish()
            };
            // Converted once per language; minijinja values are shared, not copied, per page.
            let site_v = Mj::from_serialize(&site);
            let card_hashes: Vec<Fingerprint> = cards
                .par_iter()
                .map(|c| {
                    let mut h = Hasher::new(&[0; 32]);
                    h.json(c);
                    h.finish()
                })
                .collect();
            let card_html = cards::CardHtml::new(&theme.env, cards, Mj::from_serialize(t));
            let card_set = CardSet {
                html: &card_html,
                hashes: &card_hashes,
            };
            let prepared = view::Prepared {
                cat,
                codes: &codes,
                cards: &card_html,
                default,
                edit_template: &config.edit_url,
            };
            tracing::debug!(lang, cpu = progress::cpu_seconds(), "rendering");
            cat.entries.par_iter().enumerate().try_for_each(|(i, e)| {
            let path = entry_path(lang, &e.slug);
            // The entry itself and the cards it shows of other entries: nothing else of
            // the catalogue reaches its page.
            let mut h = Hasher::new(&site.salt);
            h.str("entry.html").bytes(&entry_hashes[i]).bytes(&card_hashes[i]);
            let linked = [
                &e.related,
                &e.variants,
                &e.based_on_links.iter().flatten().copied().collect(),
                &e.dependency_links.iter().flatten().copied().collect(),
            ];
            for list in linked {
                h.str(&list.len().to_string());
                for &j in list {
                    h.bytes(&card_hashes[j]);
                }
            }
            h.json(&e.based_on_links);
            h.json(&e.dependency_links);
            r.page_cached(&path, "entry.html", Some(h.finish()), || {
                let v = view::entry_view(&prepared, i, e, lang, t);
                let page = r.page(&site, path.clone(), v.card.name.clone(), v.card.short.clone());
                context! { site => site_v.clone(), page => Mj::from_serialize(&page), entry => Mj::from_serialize(&v) }
            })
        })?;
            tracing::debug!(lang, cpu = progress::cpu_seconds(), "entry pages done");
            lists(r, &site, &site_v, cards, &card_set)?;
            facet_pages(r, &site, &site_v, cards, &card_set, cat)?;
            tracing::debug!(lang, cpu = progress::cpu_seconds(), "lists and facets done");
            home(r, &site, &site_v, cards, cat)?;
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
            tracing::debug!(lang, cpu = progress::cpu_seconds(), "home and pages done");
            collab::pages(r, &site, &site_v)?;
            let path = format!("/{lang}/compare/");
            let page = r.page(
                &site,
                path.clone(),
                t_str(t, "ui", "compare_title"),
                String::new(),
            );
            r.page_to(&path, "compare.html", context! { site => site_v.clone(), page => Mj::from_serialize(&page), entries => Mj::from_serialize(cards) })?;
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
            search_pages.push((site, site_v));
        }
        tracing::debug!(cpu = progress::cpu_seconds(), "pages but search done");
        for ((site, site_v), index) in search_pages.iter().zip(indexes) {
            let root_path = index.join().map_err(|_| BuildError::Render {
                template: "search index".into(),
                message: "the thread building it stopped with a panic".into(),
            })??;
            search_page(r, site, site_v, &root_path)?;
        }
        tracing::debug!(cpu = progress::cpu_seconds(), "search done");
        Ok(())
    })?;
    let html_paths: Vec<String> = out
        .paths()
        .into_iter()
        .filter(|p| p.ends_with(".html") && p != "404.html" && p != "index.html")
        .collect();
    tracing::debug!(cpu = progress::cpu_seconds(), "pages done");
    // Per-entry data files change only with their entry.
    cat.entries.par_iter().enumerate().try_for_each(|(i, e)| {
        let mut h = Hasher::new(&caching.salt);
        h.str("yml").str(&e.source);
        r.file_cached(&exports::yaml_path(e), Some(h.finish()), || {
            Ok(e.source.clone().into_bytes())
        })?;
        let mut h = Hasher::new(&caching.salt);
        h.str("json").bytes(&entry_hashes[i]);
        r.file_cached(&exports::json_path(e), Some(h.finish()), || {
            Ok(exports::entry_json(e))
        })
    })?;
    tracing::debug!(cpu = progress::cpu_seconds(), "entry data done");
    let pieces = fragments::Pieces::new(
        caching.fragments,
        caching.salt,
        cat.entries
            .iter()
            .zip(&entry_hashes)
            .map(|(e, h)| (e.slug.as_str(), *h))
            .collect(),
    );
    let files = exports::catalogue_files(cat, config, &html_paths, &pieces);
    tracing::debug!(made = caching.fragments.made(), "export pieces");
    files
        .par_iter()
        .try_for_each(|o| r.put(&o.path, &o.bytes))?;
    tracing::debug!(cpu = progress::cpu_seconds(), "exports done");
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
    /// Stands for the pages left out between two links (shown as "…").
    gap: bool,
}

/// Links to the first and last page and to the two pages either side of page `n`, with a
/// gap where pages are left out: a list of 400 pages linked every page from every page,
/// which made list pages mostly pager. Every page stays reachable by next/previous.
fn pager_links(base: &str, n: usize, pages: usize) -> Vec<PageLink> {
    let shown = |i: usize| i == 1 || i == pages || i.abs_diff(n) <= 2;
    let mut links = Vec::new();
    for i in (1..=pages).filter(|&i| shown(i)) {
        if let Some(last) = links.last().map(|l: &PageLink| l.number)
            && i > last + 1
        {
            links.push(PageLink {
                number: 0,
                url: String::new(),
                current: false,
                gap: true,
            });
        }
        links.push(PageLink {
            number: i,
            url: page_url(base, i),
            current: i == n,
            gap: false,
        });
    }
    links
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

/// A language's cards with their template values and fingerprints, by catalogue index.
struct CardSet<'a> {
    html: &'a cards::CardHtml<'a, Card>,
    hashes: &'a [Fingerprint],
}

fn paged(
    r: &Renderer,
    site: &SiteCtx,
    site_v: &Mj,
    listing: Listing,
    cards: &[&Card],
    set: &CardSet,
) -> Result<(), BuildError> {
    let Listing {
        base,
        title,
        template,
        extra,
    } = listing;
    let size = r.config.page_size;
    let pages = cards.len().div_ceil(size).max(1);
    // What every page of the listing shares, hashed once: a page is then its number and
    // the cards it shows (its title, links and pager follow from those and the listing).
    let mut shared = Hasher::new(&site.salt);
    shared
        .str(template)
        .str(base)
        .str(title)
        .str(&pages.to_string())
        .str(&cards.len().to_string());
    let hashed = shared.json(&extra);
    let shared = shared.finish();
    (1..=pages).into_par_iter().try_for_each(|n| {
        let chunk: Vec<&Card> = cards
            .iter()
            .skip((n - 1) * size)
            .take(size)
            .copied()
            .collect();
        let path = page_url(base, n);
        let mut h = Hasher::new(&shared);
        h.str(&n.to_string());
        for c in &chunk {
            h.bytes(&set.hashes[c.index]);
        }
        r.page_cached(&path, template, hashed.then(|| h.finish()), || {
            let pagination = Pagination {
                page: n,
                pages,
                prev: (n > 1).then(|| page_url(base, n - 1)),
                next: (n < pages).then(|| page_url(base, n + 1)),
                links: pager_links(base, n, pages),
            };
            let page_title = if n > 1 {
                format!("{title} ({} {n}/{pages})", t_str(site.t, "ui", "page"))
            } else {
                title.to_owned()
            };
            let page = r.page(site, path.clone(), page_title, String::new());
            let entries: Vec<Mj> = chunk
                .iter()
                .map(|c| set.html.value(c.index, cards::Variant::ListH2Compare))
                .collect();
            context! {
                site => site_v.clone(),
                page => Mj::from_serialize(&page),
                entries => Mj::from(entries),
                pagination => Mj::from_serialize(&pagination),
                total => cards.len(),
                ..extra.clone()
            }
        })
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
    set: &CardSet,
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
        paged(r, site, site_v, listing, &sorted, set)?;
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
    set: &CardSet,
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
            paged(r, site, site_v, listing, &entries, set)
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

/// A language's search index (root file and blocks under `/search/`); returns the root
/// file's path.
fn search_files(
    r: &Renderer,
    lang: &str,
    t: &Value,
    cards: &[Card],
    entry_hashes: &[Fingerprint],
    cat: &Catalogue,
) -> Result<String, BuildError> {
    let default = &r.config.languages[0];
    // The index is a function of its documents (and the program, in the salt): when they
    // are unchanged and the live site still has the files the last build published for
    // them, those files are kept and tantivy does not run. A document is a function of
    // its entry (model and dates, the entry's hash), so its hash is kept between builds
    // as an export piece: only edited entries' documents are made and hashed again
    // (hashing all of them serialised 30 MB per language at 10,000 entries).
    let doc_hashes: Vec<_> = cat
        .entries
        .par_iter()
        .zip(cards)
        .zip(entry_hashes)
        .map(|((e, card), entry_hash)| {
            let mut key = Hasher::new(&r.caching.salt);
            key.str("search document")
                .str(lang)
                .str(default)
                .bytes(entry_hash);
            r.caching.fragments.get(key.finish(), || {
                let mut h = Hasher::new(&[0; 32]);
                h.json(&search_index::document(e, card, lang, default, t));
                h.finish().to_vec()
            })
        })
        .collect();
    let mut h = Hasher::new(&r.caching.salt);
    h.str("search index").str(lang);
    for d in &doc_hashes {
        h.bytes(d);
    }
    let fingerprint = h.finish();
    let root_prefix = format!("{}/root-{}-", search_index::DIR, lang);
    let blocks_prefix = format!("{}/{}/", search_index::DIR, lang);
    let ours = |p: &str| p.starts_with(&root_prefix) || p.starts_with(&blocks_prefix);
    match r.keep_group(&fingerprint, ours)? {
        Some(root_path) => Ok(root_path),
        None => {
            r.caching.cache.indexing();
            let docs = search_index::documents(cat, cards, lang, default, t);
            let published = search_index::publish(&docs, lang).map_err(|e| BuildError::Render {
                template: "search index".into(),
                message: e.to_string(),
            })?;
            for (path, bytes) in &published.files {
                r.put(path, bytes)?;
                r.caching.cache.record(path, fingerprint);
            }
            Ok(published.root_path)
        }
    }
}

/// The search page, which names its language's index root file.
fn search_page(
    r: &Renderer,
    site: &SiteCtx,
    site_v: &Mj,
    root_path: &str,
) -> Result<(), BuildError> {
    let search_root = format!("/{root_path}");
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
    r.page_to(&path, "search.html", context! { site => site_v.clone(), page => Mj::from_serialize(&page), facets => Mj::from_serialize(&facets), search_root })
}
