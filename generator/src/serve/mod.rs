//! `allmende serve`: build the site once, serve the output folder on this machine, rebuild
//! when the catalogue, the themes or `site.toml` change, and reload open pages.
//!
//! The pieces, each in its own file:
//! - `files`: the output folder over HTTP (index pages, 404 page, content types);
//! - `live`: the state shared with the browser (build id, last problem), the event stream
//!   `/__allmende/events` and the reload script injected into HTML responses;
//! - `rebuild`: one (re)build with the findings printed and the last good site kept;
//! - `watch`: file system events, filtered and debounced, that trigger `rebuild`.
//!
//! Nothing here changes what `allmende build` writes: the reload script and the error
//! banner exist only in responses of this server.

mod files;
mod live;
mod rebuild;
mod watch;

use crate::cli::{EXIT_USAGE, EXIT_VALID};
use axum::Router;
use axum::routing::get;
use live::Live;
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// What `allmende serve` was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    pub config: PathBuf,
    pub listen: SocketAddr,
    /// Allow a non-loopback listen address.
    pub public: bool,
    /// Rebuild on changes (`--no-watch` turns it off).
    pub watch: bool,
}

/// How long open connections get to finish after Ctrl-C.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

/// `--listen` accepts `IP:PORT`, `[IPv6]:PORT` and `localhost:PORT`.
pub fn parse_listen(s: &str) -> Result<SocketAddr, String> {
    if let Ok(a) = s.parse::<SocketAddr>() {
        return Ok(a);
    }
    if let Some(port) = s.strip_prefix("localhost:") {
        let port: u16 = port
            .parse()
            .map_err(|_| format!("`{port}` is not a port number"))?;
        return Ok(SocketAddr::from(([127, 0, 0, 1], port)));
    }
    Err("expected an address and port such as `127.0.0.1:8080`".into())
}

pub fn run(options: Options) -> u8 {
    let listen = options.listen;
    if !listen.ip().is_loopback() && !options.public {
        eprintln!(
            "error: refusing to listen on {listen}: the preview server is meant for this machine only"
        );
        eprintln!(
            "  hint: use a loopback address such as `--listen 127.0.0.1:{}`, or add `--public` to let other machines reach it",
            listen.port()
        );
        return EXIT_USAGE;
    }
    let mut config = match crate::cli::load_config(&options.config, None, None) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    // Bind before building, so a taken port is reported at once.
    let listener = match bind(listen) {
        Ok(l) => l,
        Err(message) => return fail(message),
    };
    let listen = listener.local_addr().unwrap_or(listen);
    // Canonical links, feeds and the sitemap point at the preview, not at production.
    config.base_url = format!("http://{listen}/");
    let api = match api_config(&config) {
        Ok(a) => a,
        Err(e) => return fail(e),
    };
    if config.api_url.is_empty() {
        // The pages talk to the API mounted on this server.
        config.api_url = format!("http://{listen}/api/v1");
    }
    let live = Arc::new(Live::new(config.output_dir.clone()));
    let mut builder = rebuild::Builder::new(options.config.clone(), config, live.clone());
    builder.initial();
    let url = format!("http://{listen}/");
    println!("Allmende läuft auf/serving at {url}");
    let _watching = if options.watch {
        match watch::spawn(&options.config, builder) {
            Ok(w) => {
                println!("watching {} for changes (Ctrl+C to stop)", w.describe());
                Some(w)
            }
            Err(e) => {
                eprintln!("warning: cannot watch for changes ({e}); serving without rebuilds");
                None
            }
        }
    } else {
        println!("not watching for changes (Ctrl+C to stop)");
        None
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return fail(format!("cannot start the server: {e}")),
    };
    let served = runtime.block_on(serve(listener, live.clone(), api));
    if live.is_building() {
        // Let the writer finish its swap rather than leave the output folder half-renamed.
        println!("waiting for the running build to finish…");
        runtime.block_on(live.until_built(Duration::from_secs(30)));
    }
    match served {
        Ok(()) => EXIT_VALID,
        Err(e) => fail(format!("the server stopped: {e}")),
    }
}

fn fail(message: impl std::fmt::Display) -> u8 {
    eprintln!("error: {message}");
    EXIT_USAGE
}

fn bind(listen: SocketAddr) -> Result<TcpListener, String> {
    let listener = TcpListener::bind(listen).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            let mut next = listen;
            next.set_port(listen.port().checked_add(1).unwrap_or(8081));
            format!(
                "{listen} is already in use (is another `allmende serve` running?)\n  hint: choose another port, e.g. `allmende serve --listen {next}`"
            )
        } else {
            format!("cannot listen on {listen}: {e}")
        }
    })?;
    listener
        .set_nonblocking(true)
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    Ok(listener)
}

/// The API of `serve`: site.toml's `[api]` section and the environment (database default:
/// `allmende.db` next to site.toml), with the dev login on for loopback clients, and any
/// project slug accepted (entries added while serving get tickets without a restart).
fn api_config(site: &crate::config::Config) -> Result<allmende_api::Config, String> {
    let mut api = crate::api::config(site).map_err(|e| e.to_string())?;
    api.dev_login = true;
    api.projects.clear();
    Ok(api)
}

/// The routes of the preview server: the site, live reload, and the tickets/forum API under
/// `/api/v1` (design.md, «Tickets and forum API») when its database opened.
fn app(live: Arc<Live>, api: Option<allmende_api::AppState>) -> Router {
    let site = Router::new()
        .route(live::EVENTS_PATH, get(live::events))
        .route(live::SCRIPT_PATH, get(live::script))
        .fallback(files::serve)
        .with_state(live);
    match api {
        Some(state) => site.nest("/api/v1", allmende_api::router(state)),
        None => site,
    }
}

async fn serve(
    listener: TcpListener,
    live: Arc<Live>,
    api: allmende_api::Config,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let database = allmende_api::config::redact(&api.database_url);
    let api = match allmende_api::open(api).await {
        Ok(state) => {
            println!("Tickets/Forum-API: {database} (Dev-Login/dev login: POST /api/v1/dev/login)");
            Some(state)
        }
        Err(e) => {
            eprintln!("warning: the tickets and forum API is off: {e}");
            None
        }
    };
    let stop = live.stop_signal();
    let server = axum::serve(
        listener,
        app(live.clone(), api).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move { stop.stopped().await });
    let stopping = live.stop_signal();
    tokio::spawn(async move {
        shutdown_signal().await;
        println!("stopping…");
        live.stop();
    });
    tokio::select! {
        r = server => r,
        // Connections that do not finish in time are cut.
        () = async {
            stopping.stopped().await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } => Ok(()),
    }
}

/// Ctrl-C, or SIGTERM on Unix.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_addresses() {
        assert_eq!(
            parse_listen("127.0.0.1:8081").unwrap(),
            "127.0.0.1:8081".parse().unwrap()
        );
        assert_eq!(
            parse_listen("localhost:9000").unwrap(),
            "127.0.0.1:9000".parse().unwrap()
        );
        assert!(parse_listen("[::1]:8080").unwrap().ip().is_loopback());
        assert!(parse_listen("localhost").is_err());
        assert!(parse_listen("localhost:http").is_err());
    }

    #[test]
    fn non_loopback_needs_public() {
        let options = Options {
            config: "/nonexistent/site.toml".into(),
            listen: "0.0.0.0:0".parse().unwrap(),
            public: false,
            watch: false,
        };
        assert_eq!(run(options), EXIT_USAGE);
    }
}
