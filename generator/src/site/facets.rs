//! The facets readers browse by (design.md, URLs): each maps an entry to zero or more
//! values, each value to a URL slug and a label in the reader's language.

use publiccode::PublicCode;

pub struct Facet {
    /// URL segment and translation table name.
    pub key: &'static str,
    pub values: fn(&PublicCode) -> Vec<String>,
    /// Whether values are translated through the theme (`t.<key>.<value>`).
    pub translated: bool,
}

pub const FACETS: &[Facet] = &[
    Facet {
        key: "category",
        values: |c| c.categories.clone(),
        translated: true,
    },
    Facet {
        key: "organisation",
        values: |c| {
            c.organisation
                .as_ref()
                .map(|o| o.name.clone().unwrap_or_else(|| o.uri.clone()))
                .into_iter()
                .collect()
        },
        translated: false,
    },
    Facet {
        key: "license",
        values: |c| vec![c.legal.license.clone()],
        translated: false,
    },
    Facet {
        key: "status",
        values: |c| vec![c.development_status.clone()],
        translated: true,
    },
    Facet {
        key: "type",
        values: |c| vec![c.software_type.clone()],
        translated: true,
    },
    Facet {
        key: "platform",
        values: |c| c.platforms.iter().map(|p| p.to_lowercase()).collect(),
        translated: false,
    },
    Facet {
        key: "maintenance",
        values: |c| vec![c.maintenance.kind.clone()],
        translated: true,
    },
    Facet {
        key: "audience",
        values: |c| {
            c.intended_audience
                .as_ref()
                .map(|a| a.scope.clone())
                .unwrap_or_default()
        },
        translated: true,
    },
];

/// A URL-safe slug: lowercase ASCII, German letters transliterated, runs of other
/// characters collapsed to one hyphen.
pub fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    for c in s.chars().flat_map(char::to_lowercase) {
        let mapped: &str = match c {
            'ä' => "ae",
            'ö' => "oe",
            'ü' => "ue",
            'ß' => "ss",
            'é' | 'è' | 'ê' => "e",
            'à' | 'á' | 'â' => "a",
            c if c.is_ascii_alphanumeric() || c == '.' => {
                if dash && !out.is_empty() {
                    out.push('-');
                }
                dash = false;
                out.push(c);
                continue;
            }
            _ => {
                dash = true;
                continue;
            }
        };
        if dash && !out.is_empty() {
            out.push('-');
        }
        dash = false;
        out.push_str(mapped);
    }
    if out.is_empty() { "-".into() } else { out }
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn slugs() {
        assert_eq!(slugify("standalone/web"), "standalone-web");
        assert_eq!(
            slugify("Freie und Hansestadt Hamburg"),
            "freie-und-hansestadt-hamburg"
        );
        assert_eq!(
            slugify("Bundesministerium für Gesundheit"),
            "bundesministerium-fuer-gesundheit"
        );
        assert_eq!(slugify("MIT OR Apache-2.0"), "mit-or-apache-2.0");
        assert_eq!(slugify("  "), "-");
    }
}
