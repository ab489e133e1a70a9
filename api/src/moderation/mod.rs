//! Moderation in the core (api.md, «Moderation and anti-abuse»): the gate every new
//! contribution passes (`gate`: interaction limits, throttles, the spam check in `spam`,
//! pre-moderation), per-project interaction limits (`interaction`), reports and the review
//! queue (`reports`), silences and suspensions (`sanctions`) and the append-only audit log
//! (`audit`), written in the same transaction as the change it records.

pub mod audit;
pub mod gate;
pub mod interaction;
pub mod pow;
pub mod reports;
pub mod sanctions;
pub mod spam;
