//! `data/catalogue.ttl`: the catalogue in RDF (Turtle) for EU and national catalogues that
//! harvest DCAT-AP 3 and ADMS-AP (Joinup).
//!
//! - The site is one `dcat:Catalog` with titles per language, a publisher, its home page,
//!   languages, the newest release date as `dct:modified`, and one `dcat:dataset` per entry.
//! - Each entry is typed `dcat:Dataset` and `adms:Asset` (ADMS-AP describes reusable
//!   solutions as assets, a subclass of `dcat:Dataset`), with title, descriptions per
//!   language, landing pages (the entry pages), keywords (categories), publisher
//!   (the organisation as `foaf:Agent`), licence (an SPDX IRI, or for an expression such
//!   as `MIT OR Apache-2.0` a `dct:LicenseDocument` of its own labelled with it, since
//!   DCAT-AP wants a licence document, not a literal), version, release date as `dct:modified`,
//!   `adms:status` from the development status, contact points, and distributions:
//!   the source repository and the publiccode.yml in YAML and JSON.
//! - Every subject IRI is a fragment of this file (`…/data/catalogue.ttl#software-<slug>`),
//!   so it resolves to the document that describes it and does not depend on a language.
//!
//! Strings are written with Turtle escapes (multi-line ones in `"""` with every quote
//! escaped), URLs from the content only if they parse as absolute URLs, re-encoded so no
//! character that Turtle forbids in an IRI remains.

use super::{by_slug, default_language, entry_url, is_date, site_url};
use crate::catalogue::{Catalogue, Entry};
use crate::config::Config;
use crate::site::fragments::Pieces;
use crate::site::output::Output;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

pub const PATH: &str = "data/catalogue.ttl";

const PREFIXES: &str = "\
@prefix adms: <http://www.w3.org/ns/adms#> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
";

/// EU Publications Office language authority table, for the catalogue's `dct:language`.
fn language_iri(lang: &str) -> Option<&'static str> {
    match lang {
        "de" => Some("<http://publications.europa.eu/resource/authority/language/DEU>"),
        "en" => Some("<http://publications.europa.eu/resource/authority/language/ENG>"),
        _ => None,
    }
}

/// ADMS status vocabulary for publiccode.yml's `developmentStatus`.
fn status_iri(status: &str) -> Option<&'static str> {
    match status {
        "concept" | "development" | "beta" => {
            Some("<http://purl.org/adms/status/UnderDevelopment>")
        }
        "stable" => Some("<http://purl.org/adms/status/Completed>"),
        "obsolete" => Some("<http://purl.org/adms/status/Deprecated>"),
        _ => None,
    }
}

const YAML: &str = "<https://www.iana.org/assignments/media-types/application/yaml>";
const JSON: &str = "<https://www.iana.org/assignments/media-types/application/json>";
const PUBLICCODE_STANDARD: &str = "<https://yml.publiccode.tools/>";

/// One subject with its predicate–object pairs, written as a Turtle block.
struct Node {
    subject: String,
    props: Vec<(&'static str, String)>,
}

impl Node {
    fn new(subject: impl Into<String>, types: &str) -> Self {
        Node {
            subject: subject.into(),
            props: vec![("a", types.to_owned())],
        }
    }

    fn add(&mut self, predicate: &'static str, object: impl Into<String>) {
        self.props.push((predicate, object.into()));
    }

    fn add_opt(&mut self, predicate: &'static str, object: Option<impl Into<String>>) {
        if let Some(o) = object {
            self.add(predicate, o);
        }
    }

    fn write(&self, out: &mut String) {
        out.push_str(&self.subject);
        for (i, (p, o)) in self.props.iter().enumerate() {
            let _ = write!(out, "{}\n    {p} {o}", if i == 0 { "" } else { " ;" });
        }
        out.push_str(" .\n\n");
    }
}

/// An anonymous node written inline: `[ a foaf:Agent ; foaf:name "…" ]`.
fn blank(types: &str, props: &[(&str, String)]) -> String {
    let mut out = format!("[ a {types}");
    for (p, o) in props {
        let _ = write!(out, " ; {p} {o}");
    }
    out.push_str(" ]");
    out
}

/// A string literal. Text with line breaks goes into `"""…"""` for readability; every `"`
/// is escaped in both forms, so the content can never close the literal early.
pub fn literal(s: &str) -> String {
    let long = s.contains('\n');
    let quotes = if long { "\"\"\"" } else { "\"" };
    let mut out = String::with_capacity(s.len() + 6);
    out.push_str(quotes);
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' if long => out.push('\n'),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push_str(quotes);
    out
}

/// A literal tagged with its language when the tag is a well-formed BCP 47 tag
/// (Turtle's `LANGTAG`), else a plain literal.
pub fn lang_literal(s: &str, lang: &str) -> String {
    let mut parts = lang.split('-');
    let first_ok = parts
        .next()
        .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphabetic()));
    let rest_ok = parts.all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    if first_ok && rest_ok {
        format!("{}@{lang}", literal(s))
    } else {
        literal(s)
    }
}

fn date(s: &str) -> Option<String> {
    is_date(s).then(|| format!("\"{s}\"^^xsd:date"))
}

/// `s` as an IRI for Turtle, if it is an absolute URL. The URL parser normalises and
/// percent-encodes most of what is invalid; what it leaves that Turtle's `IRIREF`
/// forbids (controls, space, `<>"{}|^`\`) is percent-encoded here.
pub fn iri(s: &str) -> Option<String> {
    let url = url::Url::parse(s.trim()).ok()?;
    let mut out = String::with_capacity(url.as_str().len() + 2);
    out.push('<');
    for c in url.as_str().chars() {
        if c <= ' ' || matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '^' | '`' | '\\') {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "%{b:02X}");
            }
        } else {
            out.push(c);
        }
    }
    out.push('>');
    Some(out)
}

/// A simple SPDX identifier (`MIT`, `GPL-2.0+`), which has an IRI on spdx.org;
/// expressions (`MIT OR Apache-2.0`, `… WITH …`) and `LicenseRef-…` have none.
fn spdx_iri(expr: &str) -> Option<String> {
    let id = expr.strip_suffix('+').unwrap_or(expr);
    let simple = !id.is_empty()
        && !id.starts_with("LicenseRef-")
        && !id.starts_with("DocumentRef-")
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    simple.then(|| format!("<http://spdx.org/licenses/{expr}>"))
}

/// Subject IRIs: fragments of this file's URL.
struct Ids {
    doc: String,
}

impl Ids {
    fn new(config: &Config) -> Self {
        let doc = iri(&site_url(config, PATH))
            .map(|i| i.trim_start_matches('<').trim_end_matches('>').to_owned())
            .unwrap_or_else(|| "urn:allmende:catalogue.ttl".to_owned());
        Ids { doc }
    }

    fn id(&self, fragment: &str) -> String {
        let mut out = format!("<{}#", self.doc);
        for b in fragment.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                out.push(b as char);
            } else {
                let _ = write!(out, "%{b:02X}");
            }
        }
        out.push('>');
        out
    }

    fn asset(&self, slug: &str) -> String {
        self.id(&format!("software-{slug}"))
    }
}

pub fn catalogue(cat: &Catalogue, config: &Config, pieces: &Pieces) -> Output {
    let ids = Ids::new(config);
    let entries = by_slug(cat);
    let mut out = String::from(PREFIXES);
    out.push('\n');

    let mut catalog = Node::new(ids.id("catalogue"), "dcat:Catalog");
    for (lang, title) in [("de", &config.title.de), ("en", &config.title.en)] {
        if !title.is_empty() {
            catalog.add("dct:title", lang_literal(title, lang));
        }
    }
    catalog.add(
        "dct:description",
        lang_literal(
            "Katalog von Open-Source-Software für die öffentliche Verwaltung, beschrieben mit publiccode.yml.",
            "de",
        ),
    );
    catalog.add(
        "dct:description",
        lang_literal(
            "Catalogue of open-source software for the public sector, described with publiccode.yml.",
            "en",
        ),
    );
    let publisher_id = ids.id("publisher");
    catalog.add("dct:publisher", publisher_id.clone());
    catalog.add_opt("foaf:homepage", iri(&config.base_url));
    for lang in &config.languages {
        catalog.add_opt("dct:language", language_iri(lang));
    }
    let newest = entries
        .iter()
        .filter_map(|e| e.code.release_date.as_deref())
        .filter(|d| is_date(d))
        .max();
    catalog.add_opt("dct:modified", newest.and_then(date));
    for e in &entries {
        catalog.add("dcat:dataset", ids.asset(&e.slug));
    }
    catalog.write(&mut out);

    let mut publisher = Node::new(publisher_id, "foaf:Agent");
    for (lang, title) in [("de", &config.title.de), ("en", &config.title.en)] {
        if !title.is_empty() {
            publisher.add("foaf:name", lang_literal(title, lang));
        }
    }
    if publisher.props.len() == 1 {
        publisher.add("foaf:name", literal("Allmende"));
    }
    publisher.add_opt("foaf:homepage", iri(&config.base_url));
    publisher.write(&mut out);

    let mut agents: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut licenses = BTreeSet::new();
    // Each entry's blocks are made in parallel (they were most of the exports' time) and
    // joined in slug order; agents and licences are merged, so the bytes stay the same.
    let parts: Vec<Asset> = entries
        .par_iter()
        .map(|e| {
            let make = || {
                let mut part = Asset::default();
                for node in asset(e, config, &ids, &mut part.agents, &mut part.licenses) {
                    node.write(&mut part.text);
                }
                part
            };
            let piece = pieces.get("dcat", &e.slug, || make().encode());
            Asset::decode(&piece).unwrap_or_else(make)
        })
        .collect();
    for part in parts {
        out.push_str(&part.text);
        for (agent, names) in part.agents {
            agents.entry(agent).or_default().extend(names);
        }
        licenses.extend(part.licenses);
    }
    for (agent, names) in agents {
        let mut node = Node::new(agent, "foaf:Agent");
        for n in names {
            node.add("foaf:name", literal(&n));
        }
        node.write(&mut out);
    }
    for l in licenses {
        Node::new(l, "dct:LicenseDocument").write(&mut out);
    }
    let len = out.trim_end().len();
    out.truncate(len);
    out.push('\n');
    Output::new(PATH, out)
}

/// The nodes describing one entry: the asset and its distributions.
/// One entry's Turtle blocks, with the agents and licences they name.
#[derive(Default, Debug, PartialEq)]
struct Asset {
    text: String,
    agents: BTreeMap<String, BTreeSet<String>>,
    licenses: BTreeSet<String>,
}

impl Asset {
    /// Kept between builds as length-prefixed strings: the text, the number of agents and
    /// each with its number of names and the names, the number of licences and each.
    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.text.len() + 256);
        let put = |out: &mut Vec<u8>, s: &str| {
            out.extend_from_slice(&(s.len() as u32).to_le_bytes());
            out.extend_from_slice(s.as_bytes());
        };
        let count = |out: &mut Vec<u8>, n: usize| out.extend_from_slice(&(n as u32).to_le_bytes());
        put(&mut out, &self.text);
        count(&mut out, self.agents.len());
        for (agent, names) in &self.agents {
            put(&mut out, agent);
            count(&mut out, names.len());
            for n in names {
                put(&mut out, n);
            }
        }
        count(&mut out, self.licenses.len());
        for l in &self.licenses {
            put(&mut out, l);
        }
        out
    }

    /// What [`Asset::encode`] wrote; `None` for anything else.
    fn decode(mut bytes: &[u8]) -> Option<Asset> {
        fn count(bytes: &mut &[u8]) -> Option<usize> {
            let (n, rest) = bytes.split_first_chunk::<4>()?;
            *bytes = rest;
            usize::try_from(u32::from_le_bytes(*n)).ok()
        }
        fn take(bytes: &mut &[u8]) -> Option<String> {
            let n = count(bytes)?;
            let s = std::str::from_utf8(bytes.get(..n)?).ok()?.to_owned();
            *bytes = &bytes[n..];
            Some(s)
        }
        let mut a = Asset {
            text: take(&mut bytes)?,
            ..Asset::default()
        };
        for _ in 0..count(&mut bytes)? {
            let agent = take(&mut bytes)?;
            let names = (0..count(&mut bytes)?)
                .map(|_| take(&mut bytes))
                .collect::<Option<BTreeSet<String>>>()?;
            a.agents.insert(agent, names);
        }
        for _ in 0..count(&mut bytes)? {
            a.licenses.insert(take(&mut bytes)?);
        }
        bytes.is_empty().then_some(a)
    }
}

fn asset(
    e: &Entry,
    config: &Config,
    ids: &Ids,
    agents: &mut BTreeMap<String, BTreeSet<String>>,
    licenses: &mut BTreeSet<String>,
) -> Vec<Node> {
    let c = &e.code;
    let mut a = Node::new(ids.asset(&e.slug), "dcat:Dataset, adms:Asset");
    a.add("dct:identifier", literal(&e.slug));
    a.add("dct:title", literal(&c.name));
    for (lang, d) in &c.description {
        let text = if d.long_description.trim().is_empty() {
            &d.short_description
        } else {
            &d.long_description
        };
        let text = text.trim_end();
        if !text.is_empty() {
            a.add("dct:description", lang_literal(text, lang));
        }
    }
    let default = default_language(config);
    let mut languages: Vec<&str> = vec![default];
    languages.extend(
        config
            .languages
            .iter()
            .map(String::as_str)
            .filter(|l| *l != default),
    );
    for lang in languages {
        a.add_opt("dcat:landingPage", iri(&entry_url(config, lang, &e.slug)));
    }
    a.add_opt("foaf:page", c.landing_url.as_deref().and_then(iri));
    for k in &c.categories {
        a.add("dcat:keyword", literal(k));
    }
    if let Some(o) = &c.organisation {
        let name = o.name.clone().unwrap_or_else(|| o.uri.clone());
        match iri(&o.uri) {
            Some(i) => {
                agents.entry(i.clone()).or_default().insert(name);
                a.add("dct:publisher", i);
            }
            None if !name.trim().is_empty() => a.add(
                "dct:publisher",
                blank("foaf:Agent", &[("foaf:name", literal(&name))]),
            ),
            None => {}
        }
    }
    // The licence: its SPDX IRI, or for an expression a licence document of this entry
    // labelled with it.
    let expr = c.legal.license.trim();
    let mut nodes = Vec::new();
    let lic = if expr.is_empty() {
        None
    } else if let Some(i) = spdx_iri(expr) {
        licenses.insert(i.clone());
        Some(i)
    } else {
        let mut doc = Node::new(
            ids.id(&format!("software-{}-license", e.slug)),
            "dct:LicenseDocument",
        );
        doc.add("rdfs:label", literal(expr));
        let id = doc.subject.clone();
        nodes.push(doc);
        Some(id)
    };
    a.add_opt("dct:license", lic.clone());
    a.add_opt(
        "owl:versionInfo",
        c.software_version.as_deref().map(literal),
    );
    a.add_opt("dct:modified", c.release_date.as_deref().and_then(date));
    a.add_opt("adms:status", status_iri(&c.development_status));
    for contact in &c.maintenance.contacts {
        let mut props = vec![("vcard:fn", literal(&contact.name))];
        if let Some(mail) = contact
            .email
            .as_deref()
            .and_then(|m| iri(&format!("mailto:{m}")))
        {
            props.push(("vcard:hasEmail", mail));
        }
        a.add("dcat:contactPoint", blank("vcard:Kind", &props));
    }

    let mut distributions = Vec::new();
    if let Some(repo) = iri(&c.url) {
        let mut d = Node::new(
            ids.id(&format!("software-{}-source", e.slug)),
            "dcat:Distribution, adms:AssetDistribution",
        );
        d.add("dct:title", lang_literal("Quellcode-Repository", "de"));
        d.add("dct:title", lang_literal("Source code repository", "en"));
        d.add("dcat:accessURL", repo);
        d.add_opt("dct:license", lic);
        distributions.push(d);
    }
    for (ext, media, title) in [
        ("yml", YAML, "publiccode.yml (YAML)"),
        ("json", JSON, "publiccode.yml (JSON)"),
    ] {
        let Some(url) = iri(&site_url(
            config,
            &format!("data/software/{}.{ext}", e.slug),
        )) else {
            continue;
        };
        let mut d = Node::new(
            ids.id(&format!("software-{}-publiccode-{ext}", e.slug)),
            "dcat:Distribution, adms:AssetDistribution",
        );
        d.add("dct:title", literal(title));
        d.add("dcat:accessURL", url.clone());
        d.add("dcat:downloadURL", url);
        d.add("dcat:mediaType", media);
        d.add("dct:conformsTo", PUBLICCODE_STANDARD);
        distributions.push(d);
    }
    for d in &distributions {
        a.add("dcat:distribution", d.subject.clone());
    }
    nodes.insert(0, a);
    nodes.extend(distributions);
    nodes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::exports::testdata;
    use crate::site::fragments::unkept;
    use oxttl::TurtleParser;

    #[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Clone)]
    struct T {
        s: String,
        p: String,
        o: String,
    }

    fn parse(text: &str) -> Vec<T> {
        TurtleParser::new()
            .for_slice(text.as_bytes())
            .map(|t| {
                let t = t.unwrap_or_else(|e| panic!("invalid Turtle: {e}\n{text}"));
                T {
                    s: t.subject.to_string(),
                    p: t.predicate.to_string(),
                    o: t.object.to_string(),
                }
            })
            .collect()
    }

    const DCAT: &str = "http://www.w3.org/ns/dcat#";
    const DCT: &str = "http://purl.org/dc/terms/";
    const RDF_TYPE: &str = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>";

    fn has(ts: &[T], s: &str, p: &str, o: &str) -> bool {
        ts.iter().any(|t| t.s == s && t.p == p && t.o == o)
    }

    fn objects<'a>(ts: &'a [T], s: &str, p: &str) -> Vec<&'a str> {
        ts.iter()
            .filter(|t| t.s == s && t.p == p)
            .map(|t| t.o.as_str())
            .collect()
    }

    fn text() -> String {
        let out = catalogue(&testdata::catalogue(), &testdata::config(), &unkept());
        assert_eq!(out.path, "data/catalogue.ttl");
        String::from_utf8(out.bytes).unwrap()
    }

    const DOC: &str = "https://katalog.example.de/data/catalogue.ttl";

    #[test]
    fn parses_with_the_expected_triples() {
        let text = text();
        let ts = parse(&text);
        // Catalogue 13 (type, 2 titles, 2 descriptions, publisher, homepage, 2 languages,
        // modified, 3 datasets) + its publisher 4 (type, 2 names, homepage)
        // + alpha 43 + beta 34 + evil 38 (assets with distributions, see below)
        // + agent Org A 2 + agent urn 2 + 2 SPDX licence documents.
        //
        // alpha: asset 20 (2 types, identifier, title, 2 descriptions, 2 landing pages,
        //   foaf:page, 2 keywords, publisher, licence, version, modified, status,
        //   contact point, 3 distributions) + contact point 3 + source 6 + yml 7 + json 7
        //   = 43.
        // beta: asset 12 (2 types, identifier, title, 1 description, 2 landing pages,
        //   licence, status, 3 distributions) + licence document 2 + source 6
        //   + yml 7 + json 7 = 34.
        // evil: asset 18 (2 types, identifier, title, 2 descriptions, 2 landing pages,
        //   2 keywords, publisher, licence, version, modified, status, 3 distributions;
        //   no foaf:page: `not a url`) + source 6 + yml 7 + json 7 = 38.
        let expected = 13 + 4 + 43 + 34 + 38 + 2 + 2 + 2;
        assert_eq!(ts.len(), expected, "{text}");

        let cat = format!("<{DOC}#catalogue>");
        assert!(has(&ts, &cat, RDF_TYPE, &format!("<{DCAT}Catalog>")));
        assert!(has(
            &ts,
            &cat,
            &format!("<{DCT}title>"),
            "\"Allmende – Open-Source-Katalog der Verwaltung\"@de"
        ));
        assert!(has(
            &ts,
            &cat,
            "<http://xmlns.com/foaf/0.1/homepage>",
            "<https://katalog.example.de/>"
        ));
        assert!(has(
            &ts,
            &cat,
            &format!("<{DCT}modified>"),
            "\"2025-03-01\"^^<http://www.w3.org/2001/XMLSchema#date>"
        ));
        assert_eq!(objects(&ts, &cat, &format!("<{DCAT}dataset>")).len(), 3);

        let alpha = format!("<{DOC}#software-alpha>");
        assert!(has(
            &ts,
            &alpha,
            RDF_TYPE,
            "<http://www.w3.org/ns/adms#Asset>"
        ));
        assert!(has(&ts, &alpha, RDF_TYPE, &format!("<{DCAT}Dataset>")));
        assert!(has(&ts, &alpha, &format!("<{DCT}title>"), "\"Alpha\""));
        assert!(has(
            &ts,
            &alpha,
            &format!("<{DCT}description>"),
            "\"Lang auf Deutsch.\"@de"
        ));
        assert!(has(
            &ts,
            &alpha,
            &format!("<{DCT}description>"),
            "\"Long in English.\"@en"
        ));
        assert!(has(
            &ts,
            &alpha,
            &format!("<{DCT}license>"),
            "<http://spdx.org/licenses/AGPL-3.0-or-later>"
        ));
        assert!(has(
            &ts,
            &alpha,
            &format!("<{DCAT}landingPage>"),
            "<https://katalog.example.de/en/software/alpha/>"
        ));
        assert!(has(
            &ts,
            &alpha,
            "<http://www.w3.org/2002/07/owl#versionInfo>",
            "\"1.2.3\""
        ));
        assert!(has(
            &ts,
            &alpha,
            "<http://www.w3.org/ns/adms#status>",
            "<http://purl.org/adms/status/Completed>"
        ));
        assert!(has(
            &ts,
            &alpha,
            &format!("<{DCT}publisher>"),
            "<https://org.example.org/>"
        ));
        assert!(has(
            &ts,
            "<https://org.example.org/>",
            "<http://xmlns.com/foaf/0.1/name>",
            "\"Org A\""
        ));
        let yml = format!("<{DOC}#software-alpha-publiccode-yml>");
        assert!(has(
            &ts,
            &yml,
            &format!("<{DCAT}downloadURL>"),
            "<https://katalog.example.de/data/software/alpha.yml>"
        ));

        let beta = format!("<{DOC}#software-beta>");
        let lic = objects(&ts, &beta, &format!("<{DCT}license>"));
        assert_eq!(lic, [format!("<{DOC}#software-beta-license>")]);
        assert!(has(
            &ts,
            lic[0],
            RDF_TYPE,
            &format!("<{DCT}LicenseDocument>")
        ));
        assert!(has(
            &ts,
            lic[0],
            "<http://www.w3.org/2000/01/rdf-schema#label>",
            "\"MIT OR Apache-2.0\""
        ));
    }

    #[test]
    fn hostile_text_and_urls_survive() {
        let text = text();
        let ts = parse(&text);
        let evil = testdata::evil();
        let s = format!("<{DOC}#software-evil>");
        // Text round-trips exactly (oxrdf prints literals with N-Triples escapes).
        let title = objects(&ts, &s, &format!("<{DCT}title>"));
        assert_eq!(
            title,
            [oxrdf_literal(&evil.code.name)],
            "title must round-trip"
        );
        let descriptions = objects(&ts, &s, &format!("<{DCT}description>"));
        let de = &evil.code.description["de"].long_description;
        assert!(
            descriptions.contains(&format!("{}@de", oxrdf_literal(de)).as_str()),
            "{descriptions:?}"
        );
        // An invalid language key gives an untagged literal, control characters escaped.
        assert!(descriptions.contains(&oxrdf_literal("\u{1}control\u{7f}").as_str()));
        // `>` and quotes in the repository URL are percent-encoded, not cut off.
        let source = format!("<{DOC}#software-evil-source>");
        assert_eq!(
            objects(&ts, &source, &format!("<{DCAT}accessURL>")),
            ["<https://git.example.org/evil%3E%22x%22%7By%7D>"]
        );
        // A landing URL that is no URL is left out.
        assert!(objects(&ts, &s, "<http://xmlns.com/foaf/0.1/page>").is_empty());
        // The organisation's URN keeps its place as publisher, space and quotes encoded.
        let publisher = objects(&ts, &s, &format!("<{DCT}publisher>"));
        assert_eq!(publisher, ["<urn:x-example:org%20%22b%22>"]);
        assert!(has(
            &ts,
            publisher[0],
            "<http://xmlns.com/foaf/0.1/name>",
            &oxrdf_literal("Org \"B\" & <Söhne>")
        ));
        assert!(has(
            &ts,
            &s,
            "<http://www.w3.org/ns/adms#status>",
            "<http://purl.org/adms/status/Deprecated>"
        ));
    }

    /// How oxrdf prints a simple literal (N-Triples style).
    fn oxrdf_literal(s: &str) -> String {
        oxrdf::Literal::new_simple_literal(s).to_string()
    }

    /// Kept pieces give back exactly what was made, and nothing else decodes.
    #[test]
    fn assets_survive_encoding() {
        let config = testdata::config();
        let ids = Ids::new(&config);
        for e in &testdata::catalogue().entries {
            let mut part = Asset::default();
            for node in asset(e, &config, &ids, &mut part.agents, &mut part.licenses) {
                node.write(&mut part.text);
            }
            let bytes = part.encode();
            assert_eq!(Asset::decode(&bytes).as_ref(), Some(&part));
            assert_eq!(Asset::decode(&bytes[..bytes.len() - 1]), None);
            let mut longer = bytes.clone();
            longer.push(0);
            assert_eq!(Asset::decode(&longer), None);
        }
    }

    #[test]
    fn literals_and_iris() {
        assert_eq!(literal("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(literal("x\ny"), "\"\"\"x\ny\"\"\"");
        assert_eq!(literal("\"\"\"\n"), "\"\"\"\\\"\\\"\\\"\n\"\"\"");
        assert_eq!(
            literal("ends with quote\n\""),
            "\"\"\"ends with quote\n\\\"\"\"\""
        );
        assert_eq!(literal("tab\tcr\r\u{0}"), "\"tab\\tcr\\r\\u0000\"");
        assert_eq!(lang_literal("x", "de-CH"), "\"x\"@de-CH");
        assert_eq!(lang_literal("x", "x_bad"), "\"x\"");
        assert_eq!(lang_literal("x", ""), "\"x\"");
        assert_eq!(iri("not a url"), None);
        assert_eq!(iri(""), None);
        assert_eq!(
            iri("https://example.org/a b>c"),
            Some("<https://example.org/a%20b%3Ec>".into())
        );
        assert_eq!(
            iri("https://example.org/?q={x}|^`\\"),
            Some("<https://example.org/?q=%7Bx%7D%7C%5E%60%5C>".into())
        );
        assert_eq!(
            spdx_iri("GPL-2.0+"),
            Some("<http://spdx.org/licenses/GPL-2.0+>".into())
        );
        assert_eq!(spdx_iri("MIT OR Apache-2.0"), None);
        assert_eq!(spdx_iri("GPL-2.0-only WITH Classpath-exception-2.0"), None);
        assert_eq!(spdx_iri("LicenseRef-custom"), None);
    }

    #[test]
    fn every_literal_form_parses() {
        let cases = [
            "",
            "\"",
            "\"\"",
            "\"\"\"",
            "\\",
            "\n",
            "a\n\"",
            "\"\n\"\"\"\n\\",
            "\r\n\t\u{8}\u{c}\u{1f}\u{7f}\u{85}",
            "ünïcödé ✓ 𝄞",
        ];
        for s in cases {
            let doc = format!("<urn:s> <urn:p> {} .\n", literal(s));
            let ts = parse(&doc);
            assert_eq!(ts.len(), 1, "{doc}");
            assert_eq!(ts[0].o, oxrdf_literal(s), "{doc}");
        }
    }

    #[test]
    fn empty_catalogue_is_valid() {
        let out = catalogue(&Catalogue::default(), &testdata::config(), &unkept());
        let ts = parse(std::str::from_utf8(&out.bytes).unwrap());
        // Catalogue: type, 2 titles, 2 descriptions, publisher, homepage, 2 languages;
        // publisher: type, 2 names, homepage.
        assert_eq!(ts.len(), 9 + 4);
    }
}
