//! Prometheus metrics in the text exposition format, kept by hand: two metric families do
//! not justify a metrics framework.

use axum::http::Method;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds (seconds) of the duration histogram.
const BUCKETS: [f64; 10] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 10.0,
];

#[derive(Debug, Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// (method, route, status) → count
    requests: BTreeMap<(String, String, u16), u64>,
    /// (method, route) → (bucket counts, sum, count)
    durations: BTreeMap<(String, String), ([u64; BUCKETS.len()], f64, u64)>,
    /// (throttle, dry run) → requests over budget
    throttled: BTreeMap<(String, bool), u64>,
}

impl Metrics {
    pub fn record(&self, method: &Method, route: &str, status: u16, took: Duration) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        *inner
            .requests
            .entry((method.to_string(), route.to_owned(), status))
            .or_default() += 1;
        let secs = took.as_secs_f64();
        let h = inner
            .durations
            .entry((method.to_string(), route.to_owned()))
            .or_default();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if secs <= *bound {
                h.0[i] += 1;
            }
        }
        h.1 += secs;
        h.2 += 1;
    }

    /// A request over a throttle's budget (refused, or let through in dry-run mode).
    pub fn throttled(&self, throttle: &str, dry_run: bool) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        *inner
            .throttled
            .entry((throttle.to_owned(), dry_run))
            .or_default() += 1;
    }

    pub fn render(&self) -> String {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = String::new();
        out.push_str("# HELP allmende_api_requests_total HTTP requests answered.\n");
        out.push_str("# TYPE allmende_api_requests_total counter\n");
        for ((m, r, s), n) in &inner.requests {
            let _ = writeln!(
                out,
                "allmende_api_requests_total{{method=\"{m}\",route=\"{}\",status=\"{s}\"}} {n}",
                escape(r)
            );
        }
        out.push_str("# HELP allmende_api_request_duration_seconds Time to answer a request.\n");
        out.push_str("# TYPE allmende_api_request_duration_seconds histogram\n");
        for ((m, r), (buckets, sum, count)) in &inner.durations {
            let r = escape(r);
            for (i, bound) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "allmende_api_request_duration_seconds_bucket{{method=\"{m}\",route=\"{r}\",le=\"{bound}\"}} {}",
                    buckets[i]
                );
            }
            let _ = writeln!(
                out,
                "allmende_api_request_duration_seconds_bucket{{method=\"{m}\",route=\"{r}\",le=\"+Inf\"}} {count}"
            );
            let _ = writeln!(
                out,
                "allmende_api_request_duration_seconds_sum{{method=\"{m}\",route=\"{r}\"}} {sum}"
            );
            let _ = writeln!(
                out,
                "allmende_api_request_duration_seconds_count{{method=\"{m}\",route=\"{r}\"}} {count}"
            );
        }
        out.push_str("# HELP allmende_api_throttled_total Requests over a throttle's budget (dry_run=\"true\": let through and logged).\n");
        out.push_str("# TYPE allmende_api_throttled_total counter\n");
        for ((t, dry), n) in &inner.throttled {
            let _ = writeln!(
                out,
                "allmende_api_throttled_total{{throttle=\"{t}\",dry_run=\"{dry}\"}} {n}"
            );
        }
        out
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}
