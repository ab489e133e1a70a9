//! `--network`: are the web addresses in the entries reachable? Opt-in, concurrent, with
//! timeouts; a failure is only ever a warning, because a site can be down for an hour or
//! refuse robots (HTTP 403) while the entry is perfectly right.

use super::Checked;
use publiccode::{Severity, text};
use rayon::prelude::*;
use std::net::{IpAddr, ToSocketAddrs};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(10);
const PARALLEL: usize = 16;

pub fn check(checked: &mut [Checked]) {
    let agent = ureq::AgentBuilder::new()
        .timeout(TIMEOUT)
        .redirects(5)
        .user_agent(concat!("allmende-check/", env!("CARGO_PKG_VERSION")))
        .build();
    let jobs: Vec<(usize, publiccode::rules::Link)> = checked
        .iter()
        .enumerate()
        .flat_map(|(i, c)| c.report.links.iter().cloned().map(move |l| (i, l)))
        .collect();
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(PARALLEL)
        .build()
    {
        Ok(p) => p,
        Err(_) => return,
    };
    let results: Vec<(usize, publiccode::rules::Link, Option<String>)> = pool.install(|| {
        jobs.into_par_iter()
            .map(|(i, link)| {
                let problem = probe(&agent, &link.url);
                (i, link, problem)
            })
            .collect()
    });
    for (i, link, problem) in results {
        if let Some(problem) = problem {
            checked[i].add(
                Severity::Warning,
                &link.key,
                link.pos,
                {
                    let url = &link.url;
                    text!(
                        "`{url}` could not be reached: {problem}",
                        "`{url}` war nicht erreichbar: {problem}"
                    )
                },
                text!(
                    "check the address in a browser; if it is right, the site may block automated requests",
                    "prüfen Sie die Adresse im Browser; stimmt sie, blockiert die Website womöglich automatische Abrufe"
                ),
            );
        }
    }
}

/// `None` when the address answers with a success status.
fn probe(agent: &ureq::Agent, url: &str) -> Option<String> {
    if let Some(reason) = refused_host(url) {
        return Some(reason);
    }
    let result = match agent.head(url).call() {
        // Some servers do not implement HEAD; ask again with GET before blaming the entry.
        Err(ureq::Error::Status(405 | 501, _)) => agent.get(url).call(),
        other => other,
    };
    match result {
        Ok(_) => None,
        Err(ureq::Error::Status(code, _)) => Some(format!("HTTP status {code}")),
        Err(ureq::Error::Transport(t)) => Some(t.to_string()),
    }
}

/// Entries are untrusted input: never let them make the checker probe the local network,
/// unless a test explicitly allows it.
fn refused_host(url: &str) -> Option<String> {
    if std::env::var_os("ALLMENDE_NETWORK_ALLOW_PRIVATE").is_some() {
        return None;
    }
    let parsed = url::Url::parse(url).ok()?;
    let host = parsed.host_str()?;
    let port = parsed.port_or_known_default().unwrap_or(443);
    let addrs = (host, port).to_socket_addrs().ok()?;
    for addr in addrs {
        if is_private(addr.ip()) {
            return Some(format!("not checked: {host} resolves to a private address"));
        }
    }
    None
}

fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
        }
        IpAddr::V6(v6) => {
            v6.is_loopback()
                || v6.is_unspecified()
                || (v6.segments()[0] & 0xfe00) == 0xfc00
                || (v6.segments()[0] & 0xffc0) == 0xfe80
        }
    }
}
