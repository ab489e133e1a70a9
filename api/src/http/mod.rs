//! HTTP plumbing shared by every endpoint.

pub mod cache;
pub mod client;
pub mod cond;
pub mod encoding;
pub mod json;
pub mod layers;
pub mod limiter;
pub mod metrics;
pub mod page;
pub mod problem;
