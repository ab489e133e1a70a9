//! Moderation in the core (api.md, «Moderation and anti-abuse»): reports and the review
//! queue (`reports`), silences and suspensions (`sanctions`) and the append-only audit log
//! (`audit`), written in the same transaction as the change it records.

pub mod audit;
pub mod pow;
pub mod reports;
pub mod sanctions;
