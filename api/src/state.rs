//! What every handler can reach: the database, the configuration, the OIDC verifier and
//! the per-instance counters. Passed explicitly as axum state; no globals.

use crate::auth::oidc::Oidc;
use crate::config::Config;
use crate::db::Db;
use crate::http::limiter::Limiter;
use crate::http::metrics::Metrics;
use crate::moderation::spam::{LocalHeuristics, SpamCheck};
use std::collections::HashSet;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub oidc: Option<Arc<Oidc>>,
    pub metrics: Arc<Metrics>,
    pub limiter: Arc<Limiter>,
    /// Catalogue slugs with tickets (empty: every well-formed slug).
    pub projects: Arc<HashSet<String>>,
    /// Signs proof-of-work challenges (per process: a restart voids open challenges).
    pub pow_secret: Arc<[u8; 32]>,
    /// The spam check every new contribution passes (local heuristics unless replaced).
    pub spam: Arc<dyn SpamCheck>,
    /// Offered when the catalogue has no ticket templates.
    pub built_in_templates: Arc<Vec<crate::tickets::templates::TicketTemplate>>,
}

impl AppState {
    pub fn new(db: Db, config: Config) -> AppState {
        let oidc = config.oidc.clone().map(|o| Arc::new(Oidc::new(o)));
        let projects = Arc::new(config.projects.iter().cloned().collect());
        AppState {
            db,
            config: Arc::new(config),
            oidc,
            metrics: Arc::default(),
            limiter: Arc::default(),
            projects,
            pow_secret: Arc::new(rand::random()),
            spam: Arc::new(LocalHeuristics),
            built_in_templates: Arc::new(crate::tickets::templates::built_in()),
        }
    }
}
