//! RFC 9457 `application/problem+json` for every error, with GitHub's validation codes in
//! an `errors` extension member (api.md, «Where we beat the established systems», 1).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

pub const CONTENT_TYPE: &str = "application/problem+json";

/// A problem document. `type` is a URN naming the kind of problem (listed in the OpenAPI
/// description); `instance` names the request (its `X-Request-Id`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    /// Short English summary of the kind of problem.
    pub title: String,
    /// The same in German.
    pub title_de: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Seconds to wait (429 only), mirrored in `Retry-After`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

/// One field validation error; `code` is one of GitHub's: `missing`, `missing_field`,
/// `invalid`, `already_exists`, `unprocessable`, `custom`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, code: &'static str, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.to_owned(),
            code,
            message: message.into(),
        }
    }
}

/// The kinds of problems, each with its status and titles.
pub const KINDS: &[(&str, u16, &str, &str)] = &[
    ("bad-request", 400, "Bad request", "Ungültige Anfrage"),
    (
        "unauthorized",
        401,
        "Authentication required or failed",
        "Anmeldung nötig oder fehlgeschlagen",
    ),
    ("forbidden", 403, "Not allowed", "Nicht erlaubt"),
    ("not-found", 404, "Not found", "Nicht gefunden"),
    (
        "method-not-allowed",
        405,
        "Method not allowed",
        "Methode nicht erlaubt",
    ),
    ("not-acceptable", 406, "Not acceptable", "Nicht annehmbar"),
    (
        "timeout",
        408,
        "Request took too long",
        "Anfrage dauerte zu lange",
    ),
    ("conflict", 409, "Conflict", "Konflikt"),
    (
        "precondition-failed",
        412,
        "The resource changed (If-Match did not match)",
        "Die Ressource wurde geändert (If-Match passt nicht)",
    ),
    (
        "payload-too-large",
        413,
        "Request body too large",
        "Anfrage zu groß",
    ),
    (
        "unsupported-media-type",
        415,
        "Unsupported media type (send application/json)",
        "Nicht unterstütztes Format (application/json senden)",
    ),
    (
        "validation",
        422,
        "The request is not valid",
        "Die Anfrage ist nicht gültig",
    ),
    ("locked", 423, "Locked", "Gesperrt"),
    (
        "rate-limited",
        429,
        "Too many requests",
        "Zu viele Anfragen",
    ),
    ("internal", 500, "Internal error", "Interner Fehler"),
    (
        "unavailable",
        503,
        "Service unavailable",
        "Dienst nicht verfügbar",
    ),
];

pub fn type_uri(slug: &str) -> String {
    format!("urn:allmende:problem:{slug}")
}

impl Problem {
    pub fn new(status: StatusCode) -> Problem {
        let (slug, _, en, de) = KINDS
            .iter()
            .find(|k| k.1 == status.as_u16())
            .copied()
            .unwrap_or((
                "error",
                status.as_u16(),
                status.canonical_reason().unwrap_or("Error"),
                "Fehler",
            ));
        Problem {
            kind: type_uri(slug),
            title: en.to_owned(),
            title_de: de.to_owned(),
            status: status.as_u16(),
            detail: None,
            instance: None,
            errors: Vec::new(),
            retry_after: None,
        }
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Problem {
        self.detail = Some(detail.into());
        self
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut res = (status, body).into_response();
        res.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.max(1).to_string())
        {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        res
    }
}

/// The error type of every handler.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Locked(String),
    #[error("the resource changed since it was read")]
    PreconditionFailed,
    /// A per-user pace (slow mode) was exceeded; wait this many seconds.
    #[error("{0}")]
    TooSoon(String, u64),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("{0}")]
    Internal(String),
}

impl ApiError {
    pub fn invalid(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::Validation(vec![FieldError::new(field, "invalid", message)])
    }
    pub fn missing(field: &str) -> ApiError {
        ApiError::Validation(vec![FieldError::new(
            field,
            "missing_field",
            format!("`{field}` is required"),
        )])
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let p = match self {
            ApiError::NotFound => Problem::new(StatusCode::NOT_FOUND)
                .detail("No such resource, or you may not see it."),
            ApiError::Unauthorized(d) => Problem::new(StatusCode::UNAUTHORIZED).detail(d),
            ApiError::Forbidden(d) => Problem::new(StatusCode::FORBIDDEN).detail(d),
            ApiError::BadRequest(d) => Problem::new(StatusCode::BAD_REQUEST).detail(d),
            ApiError::Validation(errors) => {
                let mut p = Problem::new(StatusCode::UNPROCESSABLE_ENTITY)
                    .detail("One or more fields are not valid; see `errors`.");
                p.errors = errors;
                p
            }
            ApiError::Conflict(d) => Problem::new(StatusCode::CONFLICT).detail(d),
            ApiError::Locked(d) => Problem::new(StatusCode::LOCKED).detail(d),
            ApiError::PreconditionFailed => Problem::new(StatusCode::PRECONDITION_FAILED).detail(
                "Fetch the resource again, reapply your change and send its new ETag in If-Match.",
            ),
            ApiError::TooSoon(d, secs) => {
                let mut p = Problem::new(StatusCode::TOO_MANY_REQUESTS).detail(d);
                p.retry_after = Some(secs.max(1));
                p
            }
            ApiError::Db(e) => {
                tracing::error!(error = %e, "database error");
                Problem::new(StatusCode::INTERNAL_SERVER_ERROR)
                    .detail("The request failed inside the server; it has been logged.")
            }
            ApiError::Internal(e) => {
                tracing::error!(error = %e, "internal error");
                Problem::new(StatusCode::INTERNAL_SERVER_ERROR)
                    .detail("The request failed inside the server; it has been logged.")
            }
        };
        let mut res = p.into_response();
        // Marker for the outer layer, which fills in `instance`.
        res.extensions_mut().insert(IsProblem);
        res
    }
}

/// Set on responses that already carry a problem document.
#[derive(Debug, Clone, Copy)]
pub struct IsProblem;

pub type ApiResult<T> = Result<T, ApiError>;
