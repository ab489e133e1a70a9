//! `data/software.csv`: one row per entry for spreadsheets. RFC 4180 (CRLF line ends,
//! fields with `"`, `,`, CR or LF quoted, quotes doubled), UTF-8 without byte-order mark,
//! with a header row. Cells that a spreadsheet would run as a formula (starting with `=`,
//! `+`, `-`, `@`, tab or CR) get a leading `'`, as OWASP recommends against CSV injection.

use super::{by_slug, entry_url};
use crate::catalogue::{Catalogue, Entry};
use crate::config::Config;
use crate::site::fragments::{Piece, Pieces};
use crate::site::output::Output;
use crate::site::view::description;

pub const PATH: &str = "data/software.csv";

pub const COLUMNS: &[&str] = &[
    "slug",
    "name",
    "url",
    "landingURL",
    "softwareVersion",
    "releaseDate",
    "developmentStatus",
    "softwareType",
    "license",
    "categories",
    "platforms",
    "organisation",
    "maintenanceType",
    "languages",
    "shortDescription_de",
    "shortDescription_en",
    "page_de",
    "page_en",
];

pub fn catalogue(cat: &Catalogue, config: &Config, pieces: &Pieces) -> Output {
    use rayon::prelude::*;
    let mut head = String::new();
    write_row(&mut head, COLUMNS.iter().copied());
    let rows: Vec<Piece> = by_slug(cat)
        .par_iter()
        .map(|e| {
            pieces.get("csv", &e.slug, || {
                let mut line = String::new();
                write_row(&mut line, row(e, config).iter().map(String::as_str));
                line.into_bytes()
            })
        })
        .collect();
    let mut out = head.into_bytes();
    for r in &rows {
        out.extend_from_slice(r);
    }
    Output::new(PATH, out)
}

fn row(e: &Entry, config: &Config) -> Vec<String> {
    let c = &e.code;
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    vec![
        e.slug.clone(),
        c.name.clone(),
        c.url.clone(),
        opt(&c.landing_url),
        opt(&c.software_version),
        opt(&c.release_date),
        c.development_status.clone(),
        c.software_type.clone(),
        c.legal.license.clone(),
        c.categories.join(";"),
        c.platforms.join(";"),
        c.organisation
            .as_ref()
            .map(|o| o.name.clone().unwrap_or_else(|| o.uri.clone()))
            .unwrap_or_default(),
        c.maintenance.kind.clone(),
        c.localisation.available_languages.join(";"),
        short_description(e, "de"),
        short_description(e, "en"),
        page(e, config, "de"),
        page(e, config, "en"),
    ]
}

/// The short description written in `lang` (or a regional variant such as `de-CH`);
/// empty rather than another language's text, since the column names its language.
fn short_description(e: &Entry, lang: &str) -> String {
    description(e, lang, lang)
        .filter(|(l, _)| l.split('-').next() == Some(lang))
        .map(|(_, d)| d.short_description.clone())
        .unwrap_or_default()
}

/// The entry page in `lang`, if the site has that language.
fn page(e: &Entry, config: &Config, lang: &str) -> String {
    if config.languages.iter().any(|l| l == lang) {
        entry_url(config, lang, &e.slug)
    } else {
        String::new()
    }
}

fn write_row<'a>(out: &mut String, cells: impl Iterator<Item = &'a str>) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_cell(out, cell);
    }
    out.push_str("\r\n");
}

fn write_cell(out: &mut String, cell: &str) {
    let guard = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = cell.contains(['"', ',', '\r', '\n']);
    if quote {
        out.push('"');
    }
    if guard {
        out.push('\'');
    }
    for c in cell.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if quote {
        out.push('"');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::exports::testdata;
    use crate::site::fragments::unkept;

    fn cell(s: &str) -> String {
        let mut out = String::new();
        write_cell(&mut out, s);
        out
    }

    /// A small RFC 4180 reader, to check that what we write reads back.
    fn parse(text: &str) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        let mut row = Vec::new();
        let mut field = String::new();
        let mut chars = text.chars().peekable();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => field.push(c),
                (false, '"') if field.is_empty() => quoted = true,
                (false, ',') => row.push(std::mem::take(&mut field)),
                (false, '\r') => {
                    assert_eq!(chars.next(), Some('\n'), "CR without LF");
                    row.push(std::mem::take(&mut field));
                    rows.push(std::mem::take(&mut row));
                }
                (false, '\n') => panic!("bare LF outside quotes"),
                (false, c) => field.push(c),
            }
        }
        assert!(
            field.is_empty() && row.is_empty(),
            "last row not terminated"
        );
        rows
    }

    #[test]
    fn quoting_and_formula_guard() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell(""), "");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell("=1+1"), "'=1+1");
        assert_eq!(cell("+49 30"), "'+49 30");
        assert_eq!(cell("-web"), "'-web");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tx"), "'\tx");
        assert_eq!(cell("\rx"), "\"'\rx\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("a=b"), "a=b");
    }

    #[test]
    fn header_and_rows_read_back() {
        let out = catalogue(&testdata::catalogue(), &testdata::config(), &unkept());
        assert_eq!(out.path, "data/software.csv");
        let text = String::from_utf8(out.bytes).unwrap();
        assert!(!text.starts_with('\u{feff}'));
        assert!(text.starts_with("slug,name,url,landingURL,"));
        let rows = parse(&text);
        assert_eq!(rows.len(), 4);
        assert!(rows.iter().all(|r| r.len() == COLUMNS.len()));
        assert_eq!(rows[0], COLUMNS);
        let alpha = &rows[1];
        let col = |name: &str| COLUMNS.iter().position(|c| *c == name).unwrap();
        assert_eq!(alpha[col("slug")], "alpha");
        assert_eq!(alpha[col("categories")], "collaboration;office");
        assert_eq!(alpha[col("platforms")], "web;linux");
        assert_eq!(alpha[col("organisation")], "Org A");
        assert_eq!(alpha[col("languages")], "de;en");
        assert_eq!(alpha[col("shortDescription_de")], "Kurz auf Deutsch.");
        assert_eq!(alpha[col("shortDescription_en")], "Short in English.");
        assert_eq!(
            alpha[col("page_en")],
            "https://katalog.example.de/en/software/alpha/"
        );
        let beta = &rows[2];
        assert_eq!(beta[col("shortDescription_de")], "", "no fallback language");
        assert_eq!(beta[col("license")], "MIT OR Apache-2.0");
        assert_eq!(beta[col("releaseDate")], "");
        let evil = &rows[3];
        assert_eq!(evil[col("name")], testdata::evil().code.name);
        assert_eq!(evil[col("softwareVersion")], "'=1+1");
        assert_eq!(evil[col("platforms")], "'-web");
        assert_eq!(evil[col("categories")], "a,b;\"quoted\"");
        assert_eq!(
            evil[col("shortDescription_de")],
            "'=HYPERLINK(\"http://evil.example\")"
        );
        assert_eq!(evil[col("organisation")], "Org \"B\" & <Söhne>");
    }

    #[test]
    fn missing_site_language_leaves_its_page_column_empty() {
        let mut config = testdata::config();
        config.languages = vec!["de".into()];
        let text =
            String::from_utf8(catalogue(&testdata::catalogue(), &config, &unkept()).bytes).unwrap();
        let rows = parse(&text);
        assert_eq!(rows[1][16], "https://katalog.example.de/de/software/alpha/");
        assert_eq!(rows[1][17], "");
    }
}
