//! Allmende's tickets and forum API (design.md, «Tickets and forum API»; the contract is
//! api.md): REST + JSON under `/api/v1` on SQLite or PostgreSQL.
//!
//! - `config`: the `[api]` file section and the `ALLMENDE_*` environment;
//! - `db`: the pools, migrations and the SQL builder;
//! - `http`: problem+json, conditional requests, pagination, limits, metrics;
//! - `auth`: dev login, personal access tokens, OIDC, roles and `/me`;
//! - `visibility`: the one predicate deciding what a caller may see;
//! - `tickets`: tickets, comments, labels, milestones, reactions, subscriptions, timeline;
//! - `forum`: categories, topics, posts, revisions and likes;
//! - `moderation`: reports, the review queue, silences/suspensions, the audit log;
//! - `openapi`: the published description (checked in as `schemas/openapi.json`).

pub mod auth;
pub mod authorship;
pub mod config;
pub mod db;
pub mod events;
pub mod forum;
pub mod http;
pub mod markdown;
pub mod moderation;
pub mod notifications;
pub mod openapi;
pub mod state;
pub mod tickets;
pub mod timefmt;
pub mod visibility;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post, put};
use http::problem::{ApiError, Problem};
use std::net::SocketAddr;
use std::time::Duration;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use config::{Config, ConfigError, FileSection};
pub use db::{Db, DbError};
pub use state::AppState;

/// The API's routes, relative to `/api/v1` (nest them there), with every layer applied.
pub fn router(state: AppState) -> Router {
    use tickets::{comments, extras, labels, list, write};
    let routes = Router::new()
        .route("/health", get(health))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi_json))
        .route("/me", get(auth::users::me))
        .route(
            "/me/tokens",
            get(auth::tokens::list).post(auth::tokens::create),
        )
        .route("/me/notifications", get(notifications::list))
        .route("/me/notifications/read", post(notifications::mark_read))
        .route(
            "/me/tokens/{id}",
            axum::routing::delete(auth::tokens::revoke),
        )
        .route(
            "/projects/{slug}/tickets",
            get(list::list).post(write::create),
        )
        .route(
            "/projects/{slug}/ticket-templates",
            get(tickets::templates::list),
        )
        .route(
            "/projects/{slug}/tickets/{number}",
            get(list::get).patch(write::patch).delete(write::delete),
        )
        .route(
            "/projects/{slug}/tickets/{number}/lock",
            put(extras::lock).delete(extras::unlock),
        )
        .route(
            "/projects/{slug}/tickets/{number}/comments",
            get(comments::list).post(comments::create),
        )
        .route(
            "/projects/{slug}/tickets/{number}/events",
            get(extras::events),
        )
        .route(
            "/projects/{slug}/tickets/{number}/reactions/{kind}",
            put(extras::put_ticket_reaction).delete(extras::delete_ticket_reaction),
        )
        .route(
            "/projects/{slug}/tickets/{number}/subscription",
            put(extras::put_subscription).delete(extras::delete_subscription),
        )
        .route(
            "/comments/{id}",
            patch(comments::patch).delete(comments::delete),
        )
        .route(
            "/comments/{id}/reactions/{kind}",
            put(extras::put_comment_reaction).delete(extras::delete_comment_reaction),
        )
        .route(
            "/projects/{slug}/labels",
            get(labels::list_labels).post(labels::create_label),
        )
        .route(
            "/projects/{slug}/labels/{name}",
            patch(labels::patch_label).delete(labels::delete_label),
        )
        .route(
            "/projects/{slug}/milestones",
            get(labels::list_milestones).post(labels::create_milestone),
        )
        .route(
            "/projects/{slug}/milestones/{id}",
            patch(labels::patch_milestone).delete(labels::delete_milestone),
        )
        .route("/categories", get(forum::list_categories))
        .route(
            "/categories/{slug}/topics",
            get(forum::topics::list).post(forum::topics::create),
        )
        .route(
            "/topics/{id}",
            get(forum::topics::get).patch(forum::topics::patch),
        )
        .route(
            "/topics/{id}/posts",
            get(forum::posts::list).post(forum::posts::create),
        )
        .route(
            "/posts/{id}",
            patch(forum::posts::patch).delete(forum::posts::delete),
        )
        .route("/posts/{id}/revisions", get(forum::posts::revisions))
        .route(
            "/posts/{id}/like",
            put(forum::posts::put_like).delete(forum::posts::delete_like),
        )
        .route("/reports", post(moderation::reports::create))
        .route("/reports/challenge", get(moderation::pow::challenge))
        .route("/moderation/queue", get(moderation::reports::queue))
        .route(
            "/moderation/queue/{id}/decision",
            post(moderation::reports::decide),
        )
        .route(
            "/users/{id}/silence",
            put(moderation::sanctions::put_silence).delete(moderation::sanctions::delete_silence),
        )
        .route(
            "/users/{id}/suspension",
            put(moderation::sanctions::put_suspension)
                .delete(moderation::sanctions::delete_suspension),
        )
        .route("/audit-events", get(moderation::audit::list))
        .route(
            "/projects/{slug}/interaction-limit",
            get(moderation::interaction::get)
                .put(moderation::interaction::put)
                .delete(moderation::interaction::delete),
        )
        .fallback(not_found);
    // Disabled, the dev login does not exist at all (404 whatever is sent).
    let routes = if state.config.dev_login {
        routes.route("/dev/login", post(auth::dev::login))
    } else {
        routes
    };
    layered(routes, state)
}

/// The layers, innermost first: body limit, timeout, the cache of anonymous public reads
/// (inside the rate limit, so cached answers still count), rate limit, problem documents,
/// compression (outside the problems layer, which reads error bodies) with the ETags of
/// compressed forms, metrics, tracing, request ids, and CORS outermost (so even 429s are
/// readable).
fn layered(routes: Router<AppState>, state: AppState) -> Router {
    let limits = &state.config.limits;
    let request_id = HeaderName::from_static(http::layers::REQUEST_ID);
    routes
        .layer(DefaultBodyLimit::max(limits.body_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limits.timeout,
        ))
        .layer(axum::middleware::from_fn_with_state(
            std::sync::Arc::new(http::cache::ResponseCache::default()),
            http::cache::layer,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::layers::rate_limit,
        ))
        .layer(axum::middleware::from_fn(http::layers::problems))
        .layer(http::encoding::layer())
        .layer(axum::middleware::from_fn(http::encoding::tag_encoded))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::layers::metrics,
        ))
        .layer(TraceLayer::new_for_http())
        .layer(SetSensitiveRequestHeadersLayer::new([
            header::AUTHORIZATION,
        ]))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .layer(cors(&state.config.cors_origins))
        .with_state(state)
}

fn cors(origins: &[String]) -> CorsLayer {
    let origins: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PATCH,
            Method::PUT,
            Method::DELETE,
        ])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
        ])
        .expose_headers([
            header::LINK,
            header::ETAG,
            header::LOCATION,
            header::RETRY_AFTER,
            HeaderName::from_static("ratelimit"),
            HeaderName::from_static("ratelimit-policy"),
            HeaderName::from_static(http::layers::REQUEST_ID),
        ])
        .max_age(Duration::from_secs(3600))
}

async fn not_found() -> ApiError {
    ApiError::NotFound
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok`
    pub status: &'static str,
    /// `sqlite` or `postgres`
    pub database: &'static str,
    pub version: &'static str,
}

/// Liveness and database reachability.
#[utoipa::path(get, path = "/health", tag = "meta",
    responses((status = 200, body = Health), (status = 503, body = Problem)))]
async fn health(State(state): State<AppState>) -> Response {
    let database = match state.db.backend {
        db::Backend::Sqlite => "sqlite",
        db::Backend::Postgres => "postgres",
    };
    match sqlx::query("SELECT 1").execute(&state.db.read).await {
        Ok(_) => axum::Json(Health {
            status: "ok",
            database,
            version: env!("CARGO_PKG_VERSION"),
        })
        .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            Problem::new(StatusCode::SERVICE_UNAVAILABLE)
                .detail("The database does not answer.")
                .into_response()
        }
    }
}

/// Prometheus metrics (text exposition format).
#[utoipa::path(get, path = "/metrics", tag = "meta",
    responses((status = 200, content_type = "text/plain", body = String)))]
async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}

/// This description (OpenAPI 3.1).
#[utoipa::path(get, path = "/openapi.json", tag = "meta",
    responses((status = 200, content_type = "application/json", body = Object)))]
async fn openapi_json() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        openapi::json(),
    )
        .into_response()
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(
        "cannot listen on {addr}: {source}\n  hint: choose another address with ALLMENDE_LISTEN or `listen` in the [api] section"
    )]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the server stopped: {0}")]
    Serve(std::io::Error),
}

/// Opens the database and builds the state (for embedding, e.g. in `allmende serve`).
pub async fn open(config: Config) -> Result<AppState, DbError> {
    let db = Db::open(&config.database_url).await?;
    Ok(AppState::new(db, config))
}

/// `allmende api`: serves `/api/v1` (and `/metrics`) until Ctrl-C or SIGTERM.
pub async fn run(
    config: Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), RunError> {
    let listen = config.listen;
    let state = open(config).await?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|source| RunError::Listen {
            addr: listen,
            source,
        })?;
    let addr = listener.local_addr().unwrap_or(listen);
    tracing::info!(%addr, "API listening");
    println!("Allmende-API läuft auf/API serving at http://{addr}/api/v1/");
    let app = Router::new()
        .route("/metrics", get(metrics).with_state(state.clone()))
        .nest("/api/v1", router(state));
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .map_err(RunError::Serve)
}
