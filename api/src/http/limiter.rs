//! In-process fixed-window counters (one minute). Safe to keep per instance: with N
//! instances behind a balancer a client gets at most N times the budget, which the
//! budgets' size tolerates; a PostgreSQL-backed variant can replace this struct.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

const WINDOW: u64 = 60;

#[derive(Debug, Default)]
pub struct Limiter {
    windows: Mutex<HashMap<(String, String), (u64, u32)>>,
    /// Token digest → whether it is a trusted service token.
    trusted: Mutex<HashMap<String, bool>>,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl Limiter {
    /// Takes one unit; `Err(seconds until reset)` when the budget is used up.
    pub fn take(&self, policy: &str, key: &str, quota: u32) -> Result<(), u64> {
        let now = now();
        let window = now / WINDOW;
        let reset = (window + 1) * WINDOW - now;
        let mut map = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > 100_000 {
            // Old windows are worthless; dropping them bounds memory under address churn.
            map.retain(|_, (w, _)| *w == window);
        }
        let entry = map
            .entry((policy.to_owned(), key.to_owned()))
            .or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        if entry.1 >= quota {
            return Err(reset.max(1));
        }
        entry.1 += 1;
        Ok(())
    }

    /// Remaining units and seconds to reset.
    pub fn peek(&self, policy: &str, key: &str, quota: u32) -> (u32, u64) {
        let now = now();
        let window = now / WINDOW;
        let map = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let used = map
            .get(&(policy.to_owned(), key.to_owned()))
            .filter(|(w, _)| *w == window)
            .map_or(0, |(_, n)| *n);
        (quota.saturating_sub(used), (window + 1) * WINDOW - now)
    }

    pub fn trusted(&self, digest: &str) -> Option<bool> {
        let map = self.trusted.lock().unwrap_or_else(|e| e.into_inner());
        map.get(digest).copied()
    }

    pub fn remember_trusted(&self, digest: String, trusted: bool) {
        let mut map = self.trusted.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > 10_000 {
            // Unknown digests from token guessing must not grow this without bound.
            map.retain(|_, t| *t);
        }
        map.insert(digest, trusted);
    }

    /// Gives back the unit of a request that turned out free (a 304).
    pub fn refund(&self, policy: &str, key: &str) {
        let now = now();
        let window = now / WINDOW;
        let mut map = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(entry) = map.get_mut(&(policy.to_owned(), key.to_owned()))
            && entry.0 == window
        {
            entry.1 = entry.1.saturating_sub(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_runs_out_and_reports_a_wait_of_at_least_one_second() {
        let l = Limiter::default();
        assert!(l.take("w", "k", 2).is_ok());
        assert!(l.take("w", "k", 2).is_ok());
        let wait = l.take("w", "k", 2).unwrap_err();
        assert!((1..=60).contains(&wait));
        assert!(l.take("w", "other", 2).is_ok());
        l.refund("w", "k");
        assert!(l.take("w", "k", 2).is_ok());
    }
}
