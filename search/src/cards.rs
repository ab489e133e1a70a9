//! Hit cards: what a result shows of an entry (slug, name, URL, logo, short description,
//! status and licence). Natively they come from tantivy's document store; the browser
//! reads them from small card files instead (`allmende-search-wasm`), because a stored-document
//! block is read whole and 20 hits scattered over the store cost 20 blocks of compressed
//! documents, most of them not shown.

use crate::Error;
use crate::model::FACET_KEYS;
use crate::schema::Fields;
use serde::{Deserialize, Serialize};
use tantivy::schema::Value;
use tantivy::{DocAddress, Searcher, TantivyDocument};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Card {
    pub slug: String,
    pub name: String,
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<String>,
    /// The short description, plain text (highlighting happens per query).
    pub short: String,
    /// publiccode `developmentStatus` and the SPDX licence: shown on the hit, so a query
    /// need not read their facet columns.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub status: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub license: String,
}

/// Where [`search_with`](crate::search_with) gets the card of a hit.
pub trait CardSource {
    fn card(&self, searcher: &Searcher, fields: &Fields, addr: DocAddress) -> Result<Card, Error>;
}

/// The cards in tantivy's document store (what [`search`](crate::search) uses).
#[derive(Debug, Clone, Copy, Default)]
pub struct StoredCards;

impl CardSource for StoredCards {
    fn card(&self, searcher: &Searcher, f: &Fields, addr: DocAddress) -> Result<Card, Error> {
        let doc: TantivyDocument = searcher.doc(addr)?;
        Ok(card_of(&doc, f))
    }
}

/// The card of a stored document.
pub fn card_of(doc: &TantivyDocument, f: &Fields) -> Card {
    let text = |field| {
        doc.get_first(field)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    let facet = |key: &str| {
        FACET_KEYS
            .iter()
            .position(|k| *k == key)
            .map(|i| text(f.facets[i]))
            .unwrap_or_default()
    };
    let logo = text(f.logo);
    Card {
        slug: text(f.slug),
        name: text(f.text[0]),
        url: text(f.url),
        logo: (!logo.is_empty()).then_some(logo),
        short: text(f.text[1]),
        status: facet("status"),
        license: facet("license"),
    }
}
