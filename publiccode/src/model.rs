//! The typed publiccode.yml model (standard versions 0 … 0.7). It serialises with the
//! standard's own key names, so the JSON export reads like the YAML it came from.
//! Only values that passed validation end up here; optional keys that were invalid are
//! left out rather than guessed. It also deserialises from that JSON, so builds can cache
//! validated models instead of validating unchanged files again.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[serde(rename_all = "camelCase")]
pub struct PublicCode {
    pub publiccode_yml_version: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_suite: Option<String>,
    pub url: String,
    #[serde(rename = "landingURL", skip_serializing_if = "Option::is_none")]
    pub landing_url: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub is_based_on: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub software_version: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logo: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monochrome_logo: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub input_types: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub output_types: Vec<String>,
    pub platforms: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub used_by: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roadmap: Option<String>,
    pub development_status: String,
    pub software_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intended_audience: Option<IntendedAudience>,
    /// Keyed by BCP 47 language tag.
    pub description: BTreeMap<String, Description>,
    pub legal: Legal,
    pub maintenance: Maintenance,
    pub localisation: Localisation,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub depends_on: Option<DependsOn>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation: Option<Organisation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub funded_by: Vec<Organisation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub supports: Vec<Support>,
    /// The Italian country section (`IT`, deprecated since 0.7).
    #[serde(rename = "IT", skip_serializing_if = "Option::is_none")]
    pub it: Option<Italy>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[serde(rename_all = "camelCase")]
pub struct IntendedAudience {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unsupported_countries: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scope: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[serde(rename_all = "camelCase")]
pub struct Description {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub localised_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generic_name: Option<String>,
    pub short_description: String,
    pub long_description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documentation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_documentation: Option<String>,
    pub features: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub screenshots: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub videos: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub awards: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[serde(rename_all = "camelCase")]
pub struct Legal {
    pub license: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub main_copyright_owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repo_owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authors_file: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[serde(rename_all = "camelCase")]
pub struct Maintenance {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub contractors: Vec<Contractor>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<Contact>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[serde(rename_all = "camelCase")]
pub struct Contractor {
    pub name: String,
    pub until: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[serde(rename_all = "camelCase")]
pub struct Localisation {
    pub localisation_ready: bool,
    pub available_languages: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[serde(rename_all = "camelCase")]
pub struct DependsOn {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub open: Vec<Dependency>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub proprietary: Vec<Dependency>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hardware: Vec<Dependency>,
}

impl DependsOn {
    /// All dependencies with the kind they were declared under.
    pub fn all(&self) -> impl Iterator<Item = (&'static str, &Dependency)> {
        self.open
            .iter()
            .map(|d| ("open", d))
            .chain(self.proprietary.iter().map(|d| ("proprietary", d)))
            .chain(self.hardware.iter().map(|d| ("hardware", d)))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[serde(rename_all = "camelCase")]
pub struct Dependency {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_min: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_max: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub optional: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Organisation {
    pub uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Support {
    pub id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[serde(rename_all = "camelCase")]
pub struct Italy {
    pub country_extension_version: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub conforme: BTreeMap<String, bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub riuso_codice_ipa: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub piattaforme: BTreeMap<String, bool>,
}
