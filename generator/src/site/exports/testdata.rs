//! A small catalogue for the export tests: a complete entry, a sparse one and a hostile one
//! (quotes, triple quotes, backslashes, newlines, formula prefixes, `>` in URLs).

use crate::catalogue::{Catalogue, Entry};
use crate::config::Config;
use publiccode::PublicCode;
use publiccode::model::{Contact, Description, Organisation};

pub fn config() -> Config {
    Config {
        base_url: "https://katalog.example.de/".into(),
        ..Config::default()
    }
}

fn entry(slug: &str, code: PublicCode) -> Entry {
    Entry {
        slug: slug.into(),
        dir: format!("content/software/{slug}").into(),
        source: format!("name: {}\n", code.name),
        code,
        related: Vec::new(),
        dependency_links: Vec::new(),
        based_on_links: Vec::new(),
        variants: Vec::new(),
        dates: Default::default(),
        model_key: None,
    }
}

fn description(short: &str, long: &str) -> Description {
    Description {
        short_description: short.into(),
        long_description: long.into(),
        ..Description::default()
    }
}

/// `alpha`: every field the exports use, in German and English.
pub fn alpha() -> Entry {
    let mut c = PublicCode {
        publiccode_yml_version: "0.7".into(),
        name: "Alpha".into(),
        url: "https://git.example.org/alpha".into(),
        landing_url: Some("https://alpha.example.org/".into()),
        software_version: Some("1.2.3".into()),
        release_date: Some("2025-01-10".into()),
        platforms: vec!["web".into(), "linux".into()],
        categories: vec!["collaboration".into(), "office".into()],
        development_status: "stable".into(),
        software_type: "standalone/web".into(),
        ..PublicCode::default()
    };
    let mut de = description("Kurz auf Deutsch.", "Lang auf Deutsch.\n");
    de.localised_name = Some("Alpha (de)".into());
    c.description.insert("de".into(), de);
    c.description.insert(
        "en".into(),
        description("Short in English.", "Long in English.\n"),
    );
    c.legal.license = "AGPL-3.0-or-later".into();
    c.maintenance.kind = "internal".into();
    c.maintenance.contacts = vec![Contact {
        name: "Team Alpha".into(),
        email: Some("team@alpha.example.org".into()),
        ..Contact::default()
    }];
    c.localisation.available_languages = vec!["de".into(), "en".into()];
    c.organisation = Some(Organisation {
        uri: "https://org.example.org/".into(),
        name: Some("Org A".into()),
    });
    entry("alpha", c)
}

/// `beta`: no date, no organisation, English only, a licence expression.
pub fn beta() -> Entry {
    let mut c = PublicCode {
        publiccode_yml_version: "0.7".into(),
        name: "Beta".into(),
        url: "https://git.example.org/beta".into(),
        platforms: vec!["linux".into()],
        development_status: "beta".into(),
        software_type: "library".into(),
        ..PublicCode::default()
    };
    c.description.insert(
        "en".into(),
        description("Only English.", "Only English, long.\n"),
    );
    c.legal.license = "MIT OR Apache-2.0".into();
    c.maintenance.kind = "community".into();
    entry("beta", c)
}

/// `evil`: text and URLs that break naive writers.
pub fn evil() -> Entry {
    let mut c = PublicCode {
        publiccode_yml_version: "0.7".into(),
        name: "Evil \"\"\" \\ \"quoted\"\nname, with comma".into(),
        url: "https://git.example.org/evil>\"x\"{y}".into(),
        landing_url: Some("not a url".into()),
        software_version: Some("=1+1".into()),
        release_date: Some("2025-03-01".into()),
        platforms: vec!["-web".into()],
        categories: vec!["a,b".into(), "\"quoted\"".into()],
        development_status: "obsolete".into(),
        software_type: "standalone/other".into(),
        ..PublicCode::default()
    };
    c.description.insert(
        "de".into(),
        description(
            "=HYPERLINK(\"http://evil.example\")",
            "Ende mit Backslash \\\nund \"\"\" drei Anführungszeichen\r\n<script>&amp;</script>\"",
        ),
    );
    c.description.insert(
        "x_bad".into(),
        description("@not a language", "\u{1}control\u{7f}"),
    );
    c.legal.license = "GPL-3.0-only".into();
    c.maintenance.kind = "none".into();
    c.organisation = Some(Organisation {
        uri: "urn:x-example:org \"b\"".into(),
        name: Some("Org \"B\" & <Söhne>".into()),
    });
    entry("evil", c)
}

pub fn catalogue() -> Catalogue {
    Catalogue {
        entries: vec![alpha(), beta(), evil()],
        pages: Vec::new(),
    }
}

pub fn html_paths() -> Vec<String> {
    [
        "404.html",
        "index.html",
        "de/index.html",
        "en/index.html",
        "de/software/alpha/index.html",
        "en/software/alpha/index.html",
        "de/ueber/index.html",
        "code/r/tree/main/a b/index.html",
    ]
    .map(String::from)
    .to_vec()
}
