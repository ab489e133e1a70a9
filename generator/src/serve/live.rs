//! What the browser learns from the preview server: an event stream (`hello` with the id
//! of the build on disk, `reload` after a new build, `error` with the problem of a build
//! that failed) and a small script, injected into every HTML response, that reloads the
//! page or shows the problem in a banner. Without JavaScript or EventSource the banner is
//! still rendered into the page by the server; only the automatic reload is missing.

use crate::markup::escape;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream, StreamExt};
use serde::Serialize;
use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::{broadcast, watch};

pub const EVENTS_PATH: &str = "/__allmende/events";
pub const SCRIPT_PATH: &str = "/__allmende/live.js";
const SCRIPT: &str = include_str!("live.js");
const BANNER_ID: &str = "allmende-serve-error";
const BANNER_STYLE: &str = "position:fixed;left:0;right:0;bottom:0;z-index:2147483647;\
max-height:50vh;overflow:auto;margin:0;padding:.75rem 1rem;background:#fff5f5;color:#5c0011;\
border-top:4px solid #b00020;box-shadow:0 -2px 8px rgba(0,0,0,.25);font:15px/1.4 system-ui,sans-serif";
const PRE_STYLE: &str = "white-space:pre-wrap;margin:.5rem 0;font:13px/1.4 ui-monospace,monospace";

/// Why the site on disk is not (or not all of) the current content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub title_de: String,
    pub title_en: String,
    /// Plain text: the findings as `allmende check` prints them, or the build error.
    pub details: String,
}

#[derive(Debug, Clone)]
enum Signal {
    Reload(String),
    Error(Arc<Problem>),
}

struct Shared {
    generation: u64,
    problem: Option<Arc<Problem>>,
}

/// Shared between the builder (a plain thread) and the request handlers.
pub struct Live {
    /// The output folder being served.
    pub root: PathBuf,
    /// Differs between runs of the server, so pages from an earlier run reload once.
    nonce: u64,
    state: Mutex<Shared>,
    events: broadcast::Sender<Signal>,
    building: watch::Sender<bool>,
    stop: watch::Sender<bool>,
}

impl Live {
    pub fn new(root: PathBuf) -> Self {
        let nonce = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
            ^ u64::from(std::process::id());
        Live {
            root,
            nonce,
            state: Mutex::new(Shared {
                generation: 0,
                problem: None,
            }),
            events: broadcast::channel(16).0,
            building: watch::channel(false).0,
            stop: watch::channel(false).0,
        }
    }

    fn state(&self) -> MutexGuard<'_, Shared> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Identifies the site on disk: changes with every published build.
    pub fn build_id(&self) -> String {
        format!("{:x}-{}", self.nonce, self.state().generation)
    }

    pub fn problem(&self) -> Option<Arc<Problem>> {
        self.state().problem.clone()
    }

    /// A build replaced the site (or only its problem changed): open pages reload.
    pub fn published(&self, problem: Option<Problem>) {
        let id = {
            let mut s = self.state();
            s.generation += 1;
            s.problem = problem.map(Arc::new);
            format!("{:x}-{}", self.nonce, s.generation)
        };
        let _ = self.events.send(Signal::Reload(id));
    }

    /// The site on disk was kept as it is; open pages show why.
    pub fn held(&self, problem: Problem) {
        let problem = Arc::new(problem);
        self.state().problem = Some(problem.clone());
        let _ = self.events.send(Signal::Error(problem));
    }

    pub fn set_building(&self, on: bool) {
        self.building.send_replace(on);
    }

    /// Waits (at most `limit`) until a running build has swapped in its output.
    pub async fn until_built(&self, limit: Duration) {
        let mut rx = self.building.subscribe();
        let wait = async move { rx.wait_for(|b| !*b).await.map(|_| ()) };
        let _ = tokio::time::timeout(limit, wait).await;
    }

    pub fn is_building(&self) -> bool {
        *self.building.borrow()
    }

    pub fn stop(&self) {
        self.stop.send_replace(true);
    }

    pub fn stop_signal(&self) -> StopSignal {
        StopSignal(self.stop.subscribe())
    }

    /// Adds the banner (filled when there is a problem) and the reload script before
    /// `</body>`, or at the end when there is none.
    pub fn inject(&self, mut html: Vec<u8>) -> Vec<u8> {
        let english = is_english(&html);
        let mut snippet = format!(
            "<section id=\"{BANNER_ID}\" role=\"alert\" aria-label=\"allmende serve\" style=\"{BANNER_STYLE}\" data-pre-style=\"{PRE_STYLE}\""
        );
        match self.problem() {
            Some(p) => {
                let title = if english { &p.title_en } else { &p.title_de };
                snippet.push_str(&format!(
                    "><p style=\"margin:0\"><strong>{}</strong></p><pre style=\"{PRE_STYLE}\">{}</pre></section>",
                    escape(title),
                    escape(&p.details)
                ));
            }
            None => snippet.push_str(" hidden></section>"),
        }
        snippet.push_str(&format!(
            "<script src=\"{SCRIPT_PATH}\" data-build=\"{}\" defer></script>\n",
            self.build_id()
        ));
        let at = html
            .windows(7)
            .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
            .unwrap_or(html.len());
        html.splice(at..at, snippet.into_bytes());
        html
    }
}

pub struct StopSignal(watch::Receiver<bool>);

impl StopSignal {
    pub async fn stopped(mut self) {
        let _ = self.0.wait_for(|s| *s).await.map(|_| ());
    }
}

/// `<html … lang="en…">`: the banner follows the page's language (German otherwise).
fn is_english(html: &[u8]) -> bool {
    let head = &html[..html.len().min(4096)];
    let Some(start) = head
        .windows(5)
        .position(|w| w.eq_ignore_ascii_case(b"<html"))
    else {
        return false;
    };
    let tag = &head[start..];
    let tag = &tag[..tag.iter().position(|&b| b == b'>').unwrap_or(tag.len())];
    tag.windows(9)
        .any(|w| w[0].is_ascii_whitespace() && w[1..].eq_ignore_ascii_case(b"lang=\"en"))
}

fn event(signal: &Signal) -> Event {
    match signal {
        Signal::Reload(id) => Event::default().event("reload").data(id),
        Signal::Error(p) => Event::default()
            .event("error")
            .data(serde_json::to_string(&**p).unwrap_or_default()),
    }
}

/// `GET /__allmende/events`: `hello` (and the current problem, if any) at once, then
/// `reload` and `error` as builds happen. Ends when the server stops.
pub async fn events(
    State(live): State<Arc<Live>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let rx = live.events.subscribe();
    let mut first = vec![Event::default().event("hello").data(live.build_id())];
    if let Some(p) = live.problem() {
        first.push(event(&Signal::Error(p)));
    }
    let stop = live.stop.subscribe();
    let later = stream::unfold((rx, stop), |(mut rx, mut stop)| async move {
        loop {
            if *stop.borrow() {
                return None;
            }
            tokio::select! {
                r = rx.recv() => match r {
                    Ok(signal) => return Some((event(&signal), (rx, stop))),
                    // Missed events: a reload shows the current state.
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        return Some((Event::default().event("reload").data("lagged"), (rx, stop)));
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
                r = stop.changed() => if r.is_err() { return None },
            }
        }
    });
    Sse::new(stream::iter(first).chain(later).map(Ok)).keep_alive(KeepAlive::default())
}

/// `GET /__allmende/live.js`.
pub async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        SCRIPT,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_before_the_last_body_end_tag() {
        let live = Live::new(PathBuf::from("public"));
        let html = live.inject(b"<html lang=\"de\"><body><p>x</p></BODY></html>".to_vec());
        let html = String::from_utf8(html).unwrap();
        let script = html.find(SCRIPT_PATH).unwrap();
        assert!(script < html.find("</BODY>").unwrap(), "{html}");
        assert!(
            html.contains(" hidden></section>"),
            "no problem: empty banner"
        );
        let plain = String::from_utf8(live.inject(b"<p>fragment</p>".to_vec())).unwrap();
        assert!(plain.starts_with("<p>fragment</p><section"), "{plain}");
    }

    #[test]
    fn problems_are_escaped_and_in_the_page_language() {
        let live = Live::new(PathBuf::from("public"));
        live.held(Problem {
            title_de: "Fehler".into(),
            title_en: "Failure".into(),
            details: "<script>alert(1)</script> & more".into(),
        });
        let de =
            String::from_utf8(live.inject(b"<html lang=\"de\"><body></body>".to_vec())).unwrap();
        assert!(de.contains("role=\"alert\""));
        assert!(de.contains("<strong>Fehler</strong>"), "{de}");
        assert!(
            de.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"),
            "{de}"
        );
        let en =
            String::from_utf8(live.inject(b"<html lang=\"en\"><body></body>".to_vec())).unwrap();
        assert!(en.contains("<strong>Failure</strong>"), "{en}");
    }

    #[test]
    fn build_id_changes_with_every_published_build() {
        let live = Live::new(PathBuf::from("public"));
        let a = live.build_id();
        live.held(Problem {
            title_de: String::new(),
            title_en: String::new(),
            details: String::new(),
        });
        assert_eq!(live.build_id(), a, "a held build keeps the site");
        live.published(None);
        assert_ne!(live.build_id(), a);
        assert!(live.problem().is_none());
    }
}
