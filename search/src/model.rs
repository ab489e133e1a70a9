//! The data that crosses the crate boundary: documents in, requests in, responses out.
//! All of it is serde so the browser worker can pass JSON straight through.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One catalogue entry in one language, as the generator hands it to the indexer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchDoc {
    /// Catalogue slug, unique per language.
    pub slug: String,
    /// Language of the texts (`de`, `en`, …); one index is built per language.
    pub lang: String,
    pub name: String,
    pub short_description: String,
    pub features: Vec<String>,
    /// Plain text (Markdown already stripped or left as is: only words count).
    pub long_description: String,
    /// Site-relative path of the logo, if any.
    pub logo: Option<String>,
    /// publiccode `developmentStatus`.
    pub status: String,
    /// publiccode `softwareType`.
    pub software_type: String,
    /// SPDX expression.
    pub license: String,
    pub categories: Vec<String>,
    pub platforms: Vec<String>,
    /// publiccode `maintenance.type`.
    pub maintenance: String,
    pub organisation: Option<String>,
    /// publiccode `intendedAudience.scope`.
    pub audience: Vec<String>,
    /// Last change, `YYYY-MM-DD` (or any string starting with one); used to sort by update.
    pub updated: Option<String>,
    /// Site-relative URL of the entry page in this language.
    pub url: String,
}

/// The facets a request can filter by and the response counts, in display order.
/// Keys equal the generator's facet keys (`site/facets.rs`), so URL parameters carry over.
pub const FACET_KEYS: [&str; 8] = [
    "category",
    "status",
    "type",
    "license",
    "platform",
    "maintenance",
    "organisation",
    "audience",
];

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Best match first; with an empty query, by name.
    #[default]
    Relevance,
    /// Alphabetical, case- and accent-insensitive.
    Name,
    /// Most recently updated first.
    Updated,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchRequest {
    /// What the reader typed. The last word counts as a prefix unless `q` ends in a space.
    pub q: String,
    /// Language of the query (selects the analyzer; pass the index of the same language).
    pub lang: String,
    /// Facet key (see [`FACET_KEYS`]) → accepted values. Values of one facet are OR-ed,
    /// facets are AND-ed. Unknown keys are an error.
    pub filters: BTreeMap<String, Vec<String>>,
    pub sort: Sort,
    pub offset: usize,
    pub limit: usize,
    /// Count facet values (default). Without counts the query reads no facet column but
    /// those of the facets it filters by, so the browser can show hits before the facet
    /// columns arrived; `facets` of the response is then empty.
    pub counts: bool,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            q: String::new(),
            lang: "de".into(),
            filters: BTreeMap::new(),
            sort: Sort::Relevance,
            offset: 0,
            limit: 10,
            counts: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub slug: String,
    pub name: String,
    pub url: String,
    pub logo: Option<String>,
    /// The short description, HTML-escaped, query words wrapped in `<mark>`.
    pub snippet_html: String,
    pub status: String,
    pub license: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResponse {
    /// Number of entries matching the query and all filters.
    pub total: usize,
    pub hits: Vec<Hit>,
    /// Facet key → (value, count), by count descending then value. A facet's counts apply the
    /// query and the filters of all *other* facets, so choosing one value still shows how many
    /// entries the alternatives would add. Values with a zero count but selected are kept.
    /// Empty when the request asked for no counts.
    pub facets: BTreeMap<String, Vec<(String, u64)>>,
}
