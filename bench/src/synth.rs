//! A synthetic catalogue: N entries whose size and variety resemble real ones (both
//! languages, 4–8 features, several categories), generated from a fixed seed so that every
//! run measures the same input.

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

const WORDS_DE: &[&str] = &[
    "Verwaltung",
    "Bürgerbeteiligung",
    "Dokumente",
    "Akten",
    "Formulare",
    "Kommune",
    "Antrag",
    "Karte",
    "Geodaten",
    "Videokonferenz",
    "Zusammenarbeit",
    "Datenschutz",
    "Schnittstelle",
    "Bibliothek",
    "Archiv",
    "Haushalt",
    "Termine",
    "Ticket",
    "Wissen",
    "Lernplattform",
    "offen",
    "sicher",
    "barrierefrei",
    "mehrsprachig",
    "Plattform",
    "Anwendung",
    "Dienst",
    "Register",
];
const WORDS_EN: &[&str] = &[
    "administration",
    "participation",
    "documents",
    "records",
    "forms",
    "municipality",
    "application",
    "map",
    "geodata",
    "video",
    "collaboration",
    "privacy",
    "interface",
    "library",
    "archive",
    "budget",
    "appointments",
    "ticket",
    "knowledge",
    "learning",
    "open",
    "secure",
    "accessible",
    "multilingual",
    "platform",
    "service",
    "registry",
    "workflow",
];
const CATEGORIES: &[&str] = &[
    "collaboration",
    "document-management",
    "geographic-information-systems",
    "e-signature",
    "learning-management-system",
    "help-desk",
    "content-management",
    "survey",
    "digital-citizenship",
    "video-conferencing",
    "identity-management",
    "workflow-management",
];
const LICENCES: &[&str] = &[
    "EUPL-1.2",
    "AGPL-3.0-or-later",
    "MIT",
    "Apache-2.0",
    "GPL-3.0-only",
    "MPL-2.0",
];
const STATUS: &[&str] = &["concept", "development", "beta", "stable", "obsolete"];
const TYPES: &[&str] = &[
    "standalone/web",
    "standalone/desktop",
    "library",
    "standalone/backend",
];

/// xorshift: tiny, deterministic, good enough to vary text.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }
    fn sentence(&mut self, words: &[&str], n: usize) -> String {
        let mut s = String::new();
        for i in 0..n {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(self.pick(words));
        }
        s
    }
}

/// One synthetic entry, drawn once and written both as publiccode.yml and as Hugo pages.
struct Entry {
    i: usize,
    name: String,
    version: String,
    release_date: String,
    categories: Vec<&'static str>,
    status: &'static str,
    software_type: &'static str,
    licence: &'static str,
    /// Per language (de, en): short description, long description lines, features.
    description: [Description; 2],
}

struct Description {
    lang: &'static str,
    short: String,
    long: Vec<String>,
    features: Vec<String>,
}

const PLATFORMS: &[&str] = &["web", "linux"];

impl Entry {
    /// Draws entry `i`. The order of draws is fixed: changing it changes every catalogue.
    fn draw(i: usize, r: &mut Rng) -> Entry {
        let categories: Vec<&str> = (0..1 + r.next() % 3)
            .map(|_| r.pick(CATEGORIES))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let name = format!("{} {i}", r.sentence(WORDS_DE, 2));
        let version = format!("{}.{}.{}", r.next() % 5, r.next() % 20, r.next() % 10);
        let release_date = format!(
            "20{:02}-{:02}-{:02}",
            15 + r.next() % 11,
            1 + r.next() % 12,
            1 + r.next() % 28
        );
        let status = r.pick(STATUS);
        let software_type = r.pick(TYPES);
        let mut describe = |lang, words: &[&str]| Description {
            lang,
            short: r.sentence(words, 8),
            long: (0..4)
                .map(|_| format!("{}.", r.sentence(words, 14)))
                .collect(),
            features: (0..4 + r.next() % 5)
                .map(|_| r.sentence(words, 4))
                .collect(),
        };
        let description = [describe("de", WORDS_DE), describe("en", WORDS_EN)];
        let licence = r.pick(LICENCES);
        Entry {
            i,
            name,
            version,
            release_date,
            categories,
            status,
            software_type,
            licence,
            description,
        }
    }

    fn slug(&self) -> String {
        format!("entry-{:05}", self.i)
    }

    fn publiccode_yml(&self) -> String {
        let i = self.i;
        let mut y = String::new();
        let _ = writeln!(y, "publiccodeYmlVersion: \"0.7\"");
        let _ = writeln!(y, "name: \"{}\"", self.name);
        let _ = writeln!(
            y,
            "url: \"https://git.example.org/group{}/project-{i}.git\"",
            i % 97
        );
        let _ = writeln!(y, "landingURL: \"https://project-{i}.example.org\"");
        let _ = writeln!(y, "softwareVersion: \"{}\"", self.version);
        let _ = writeln!(y, "releaseDate: \"{}\"", self.release_date);
        let _ = writeln!(y, "logo: logo.svg\nplatforms:");
        for p in PLATFORMS {
            let _ = writeln!(y, "  - {p}");
        }
        let _ = writeln!(y, "categories:");
        for c in &self.categories {
            let _ = writeln!(y, "  - {c}");
        }
        let _ = writeln!(
            y,
            "developmentStatus: {}\nsoftwareType: {}",
            self.status, self.software_type
        );
        let _ = writeln!(
            y,
            "intendedAudience:\n  scope:\n    - government\n    - local-authorities"
        );
        let _ = writeln!(y, "description:");
        for d in &self.description {
            let lang = d.lang;
            let _ = writeln!(y, "  {lang}:");
            let _ = writeln!(y, "    shortDescription: \"{}\"", d.short);
            let _ = writeln!(y, "    longDescription: |");
            for line in &d.long {
                let _ = writeln!(y, "      {line}");
            }
            let _ = writeln!(
                y,
                "    documentation: \"https://docs.example.org/{i}/{lang}\"\n    features:"
            );
            for f in &d.features {
                let _ = writeln!(y, "      - {f}");
            }
        }
        let _ = writeln!(
            y,
            "legal:\n  license: {}\n  mainCopyrightOwner: Stadt {i}",
            self.licence
        );
        let _ = writeln!(
            y,
            "maintenance:\n  type: community\n  contacts:\n    - name: Team {i}\n      email: team{i}@example.org"
        );
        let _ = writeln!(
            y,
            "localisation:\n  localisationReady: true\n  availableLanguages:\n    - de\n    - en"
        );
        let _ = writeln!(
            y,
            "dependsOn:\n  open:\n    - name: PostgreSQL\n      versionMin: \"13\""
        );
        let _ = writeln!(
            y,
            "organisation:\n  uri: \"https://stadt-{}.example.de\"\n  name: Stadt {}",
            i % 400,
            i % 400
        );
        y
    }

    /// The Hugo page of this entry in the language of `d`: TOML front matter (taxonomies
    /// `categories` and `tags` = platforms + licence), the long description as body.
    fn hugo_page(&self, d: &Description) -> String {
        let i = self.i;
        let list = |items: &mut dyn Iterator<Item = &str>| {
            items.map(toml_str).collect::<Vec<_>>().join(", ")
        };
        let mut m = String::from("+++\n");
        let _ = writeln!(m, "title = {}", toml_str(&self.name));
        let _ = writeln!(m, "description = {}", toml_str(&d.short));
        let _ = writeln!(m, "date = {}", toml_str(&self.release_date));
        let _ = writeln!(
            m,
            "categories = [{}]",
            list(&mut self.categories.iter().copied())
        );
        let _ = writeln!(
            m,
            "tags = [{}]",
            list(&mut PLATFORMS.iter().copied().chain([self.licence]))
        );
        // Own keys at the top level: Hugo 0.111 (Debian) reads no `[params]` table here.
        // `type` and `url` would mean layout type and address to Hugo, hence other names.
        let _ = writeln!(m, "status = {}", toml_str(self.status));
        let _ = writeln!(m, "software_type = {}", toml_str(self.software_type));
        let _ = writeln!(m, "licence = {}", toml_str(self.licence));
        let _ = writeln!(m, "version = {}", toml_str(&self.version));
        let _ = writeln!(
            m,
            "repository = {}",
            toml_str(&format!(
                "https://git.example.org/group{}/project-{i}.git",
                i % 97
            ))
        );
        let _ = writeln!(
            m,
            "landing = {}",
            toml_str(&format!("https://project-{i}.example.org"))
        );
        let _ = writeln!(
            m,
            "documentation = {}",
            toml_str(&format!("https://docs.example.org/{i}/{}", d.lang))
        );
        let _ = writeln!(
            m,
            "organisation = {}",
            toml_str(&format!("Stadt {}", i % 400))
        );
        let _ = writeln!(
            m,
            "features = [{}]",
            list(&mut d.features.iter().map(String::as_str))
        );
        m.push_str("+++\n");
        for line in &d.long {
            m.push_str(line);
            m.push('\n');
        }
        m
    }
}

/// A TOML basic string.
fn toml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `site.toml` of the synthetic catalogue: the demo's settings, folders next to it.
const SITE_TOML: &str = r#"# Written by `allmende-bench synth`: the settings of the demo's site.toml.
base_url = "http://127.0.0.1:8080/"
languages = ["de", "en"]
content_dir = "content"
output_dir = "public"
theme = "default"
api_url = ""
edit_url = ""
page_size = 24

[title]
de = "Allmende – Open-Source-Katalog der Verwaltung"
en = "Allmende – the public sector's open-source catalogue"
"#;

/// Hugo configuration: the same two languages under `/de/` and `/en/`, the same page size,
/// taxonomies `categories` and `tags`; RSS and sitemap as Hugo makes them by default.
const HUGO_CONFIG: &str = r#"# Written by `allmende-bench synth`: the synthetic catalogue as a Hugo site.
baseURL = "http://127.0.0.1:8080/"
defaultContentLanguage = "de"
defaultContentLanguageInSubdir = true
paginate = 24
rssLimit = 50
enableRobotsTXT = false
disableHugoGeneratorInject = true

[taxonomies]
category = "categories"
tag = "tags"

[languages.de]
contentDir = "content/de"
languageName = "Deutsch"
title = "Allmende – Open-Source-Katalog der Verwaltung"
weight = 1

[languages.en]
contentDir = "content/en"
languageName = "English"
title = "Allmende – the public sector's open-source catalogue"
weight = 2
"#;

/// Plain layouts that show what the Allmende theme shows of an entry: name, short and long
/// description, features, facts and taxonomy links; paged lists; term indexes.
const HUGO_LAYOUTS: &[(&str, &str)] = &[
    (
        "_default/baseof.html",
        r#"<!DOCTYPE html>
<html lang="{{ .Site.Language.Lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} – {{ end }}{{ .Site.Title }}</title>
<meta name="description" content="{{ .Description }}">
<link rel="canonical" href="{{ .Permalink }}">
{{ range .AllTranslations }}<link rel="alternate" hreflang="{{ .Language.Lang }}" href="{{ .Permalink }}">
{{ end }}{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .Permalink }}">
{{ end }}</head>
<body>
<header>
<a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a>
<nav><ul>
<li><a href="{{ "software/" | relLangURL }}">Software</a></li>
{{ range $name, $_ := .Site.Taxonomies }}<li><a href="{{ printf "%s/" $name | relLangURL }}">{{ $name }}</a></li>
{{ end }}</ul></nav>
<nav><ul>{{ range .AllTranslations }}<li><a href="{{ .RelPermalink }}" hreflang="{{ .Language.Lang }}">{{ .Language.LanguageName }}</a></li>{{ end }}</ul></nav>
</header>
<main>
{{ block "main" . }}{{ end }}
</main>
<footer><p>{{ len .Site.RegularPages }} entries</p></footer>
</body>
</html>
"#,
    ),
    (
        "_default/single.html",
        r#"{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p class="lead">{{ .Description }}</p>
<ul class="meta">
<li>{{ .Params.status }}</li>
<li>Version {{ .Params.version }} ({{ .Date.Format "2006-01-02" }})</li>
<li>{{ .Params.licence }}</li>
</ul>
<p><a href="{{ .Params.landing }}">Website</a> <a href="{{ .Params.repository }}">Source code</a></p>
<section><h2>Description</h2>
{{ .Content }}
</section>
<section><h2>Features</h2>
<ul>{{ range .Params.features }}<li>{{ . }}</li>{{ end }}</ul>
</section>
<section><h2>Links</h2>
<ul><li><a href="{{ .Params.landing }}">Website</a></li><li><a href="{{ .Params.repository }}">Source code</a> <code>{{ .Params.repository }}</code></li><li><a href="{{ .Params.documentation }}">Documentation</a></li></ul>
</section>
<aside>
<dl>
{{ range $taxonomy, $_ := .Site.Taxonomies }}{{ with $.GetTerms $taxonomy }}<dt>{{ $taxonomy }}</dt>
<dd><ul>{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul></dd>
{{ end }}{{ end }}<dt>status</dt><dd>{{ .Params.status }}</dd>
<dt>type</dt><dd>{{ .Params.software_type }}</dd>
<dt>organisation</dt><dd>{{ .Params.organisation }}</dd>
</dl>
</aside>
</article>
{{ end }}
"#,
    ),
    (
        "_default/list.html",
        r#"{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ if .IsHome }}
<h2>Newest</h2>
<ul class="cards">{{ range first 6 .Site.RegularPages.ByDate.Reverse }}{{ partial "card.html" . }}{{ end }}</ul>
<h2>Categories</h2>
<ul>{{ range first 12 .Site.Taxonomies.categories.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ else }}
{{ $paginator := .Paginate .Pages.ByTitle }}
<p>{{ len .Pages }} entries</p>
<ul class="cards">{{ range $paginator.Pages }}{{ partial "card.html" . }}{{ end }}</ul>
{{ template "_internal/pagination.html" . }}
{{ end }}
{{ end }}
"#,
    ),
    (
        "_default/taxonomy.html",
        r#"{{ define "main" }}
<h1>{{ .Data.Plural }}: {{ .Title }}</h1>
{{ $paginator := .Paginate .Pages.ByTitle }}
<p>{{ len .Pages }} entries</p>
<ul class="cards">{{ range $paginator.Pages }}{{ partial "card.html" . }}{{ end }}</ul>
{{ template "_internal/pagination.html" . }}
{{ end }}
"#,
    ),
    (
        "_default/terms.html",
        r#"{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
"#,
    ),
    (
        "partials/card.html",
        r#"<li class="card"><a href="{{ .RelPermalink }}">{{ .Title }}</a>
<p>{{ .Description }}</p>
<p>{{ .Params.status }} · {{ .Params.licence }} · {{ .Date.Format "2006-01-02" }}</p>
<ul class="tags">{{ range .GetTerms "categories" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul></li>
"#,
    ),
];

/// Copies the folder `from` into `to`, recursively.
fn copy_dir(from: &Path, to: &Path) -> io::Result<()> {
    std::fs::create_dir_all(to)?;
    for item in std::fs::read_dir(from)? {
        let item = item?;
        let target = to.join(item.file_name());
        if item.file_type()?.is_dir() {
            copy_dir(&item.path(), &target)?;
        } else {
            std::fs::copy(item.path(), target)?;
        }
    }
    Ok(())
}

/// The repository's `themes/` folder: next to this crate, or in the working directory.
fn repo_themes() -> io::Result<PathBuf> {
    let candidates = [
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../themes"),
        PathBuf::from("themes"),
    ];
    candidates
        .into_iter()
        .find(|p| p.join("default").is_dir())
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                "the repository's themes/ folder was not found: run from the repository root",
            )
        })
}

/// Writes `dir/content/software/<slug>/publiccode.yml` (+ logo), `dir/site.toml`,
/// `dir/themes/` and the same entries as a Hugo site in `dir/hugo/`.
pub fn catalogue(n: usize, dir: &Path) -> io::Result<()> {
    let themes = repo_themes()?;
    let software = dir.join("content/software");
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(&software)?;
    std::fs::write(dir.join("site.toml"), SITE_TOML)?;
    copy_dir(&themes, &dir.join("themes"))?;

    let hugo = dir.join("hugo");
    std::fs::create_dir_all(&hugo)?;
    std::fs::write(hugo.join("config.toml"), HUGO_CONFIG)?;
    for (path, text) in HUGO_LAYOUTS {
        let file = hugo.join("layouts").join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(file, text)?;
    }
    for (lang, title) in [("de", "Software-Katalog"), ("en", "Software catalogue")] {
        let section = hugo.join(format!("content/{lang}/software"));
        std::fs::create_dir_all(&section)?;
        std::fs::write(
            section.join("_index.md"),
            format!("+++\ntitle = {}\n+++\n", toml_str(title)),
        )?;
    }

    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let logo = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><title>Logo</title><rect width=\"10\" height=\"10\" fill=\"#005a9c\"/></svg>\n";
    for i in 0..n {
        let e = Entry::draw(i, &mut rng);
        let slug = e.slug();
        let d = software.join(&slug);
        std::fs::create_dir_all(&d)?;
        std::fs::write(d.join("publiccode.yml"), e.publiccode_yml())?;
        std::fs::write(d.join("logo.svg"), logo)?;
        for desc in &e.description {
            std::fs::write(
                hugo.join(format!("content/{}/software/{slug}.md", desc.lang)),
                e.hugo_page(desc),
            )?;
        }
    }
    println!(
        "wrote {n} entries to {} (site.toml, themes/) and as a Hugo site to {}",
        software.display(),
        hugo.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_are_deterministic_and_both_forms_carry_the_same_entry() {
        let draw = || {
            let mut r = Rng(0x9E37_79B9_7F4A_7C15);
            (0..3).map(|i| Entry::draw(i, &mut r)).collect::<Vec<_>>()
        };
        let (a, b) = (draw(), draw());
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.publiccode_yml(), y.publiccode_yml());
        }
        let e = &a[2];
        let yml = e.publiccode_yml();
        for d in &e.description {
            let page = e.hugo_page(d);
            assert!(page.starts_with("+++\ntitle = "), "{page}");
            assert!(page.contains(&format!("description = {}", toml_str(&d.short))));
            assert!(yml.contains(&d.short));
            for f in &d.features {
                assert!(page.contains(&toml_str(f)) && yml.contains(f.as_str()));
            }
            for c in &e.categories {
                assert!(page.contains(&toml_str(c)) && yml.contains(c));
            }
        }
    }

    #[test]
    fn toml_strings_are_escaped() {
        assert_eq!(toml_str("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
    }
}
