//! Data exports: machine-readable copies of the catalogue for harvesters and scripts.

use crate::catalogue::Catalogue;
use crate::config::Config;
use crate::site::output::Output;

pub fn all(cat: &Catalogue, _config: &Config) -> Vec<Output> {
    let mut out = Vec::new();
    for e in &cat.entries {
        out.push(Output::new(
            format!("data/software/{}.yml", e.slug),
            e.source.clone(),
        ));
        let json = serde_json::to_vec_pretty(&e.code).unwrap_or_default();
        out.push(Output::new(format!("data/software/{}.json", e.slug), json));
    }
    out
}
