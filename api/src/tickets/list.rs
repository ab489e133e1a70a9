//! `GET /projects/{slug}/tickets` with the contract's filters, sort orders, search and
//! keyset pagination, and `GET /projects/{slug}/tickets/{number}`.

use super::{TICKET_COLUMNS, Ticket, check_project, from_row, hydrate, load};
use crate::auth::Viewer;
use crate::db::{Backend, Sql};
use crate::http::cond::json_with_etag;
use crate::http::page::{Cursor, Page, keyset_page, limit, next_link_header};
use crate::http::problem::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use sqlx::Row;
use utoipa::IntoParams;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TicketQuery {
    /// `open` (default), `closed` or `all`.
    pub state: Option<String>,
    /// Comma-separated label names that must all be present; `none` or `any`.
    pub label: Option<String>,
    /// A username, `none`, `any` or `@me`.
    pub assignee: Option<String>,
    /// A username.
    pub author: Option<String>,
    /// A milestone title, `none` or `any`.
    pub milestone: Option<String>,
    pub confidential: Option<bool>,
    /// Full-text search in title and body (German stemming on PostgreSQL).
    pub q: Option<String>,
    pub created_after: Option<String>,
    pub created_before: Option<String>,
    pub updated_after: Option<String>,
    pub updated_before: Option<String>,
    /// `created` (default), `updated` or `comments`.
    pub sort: Option<String>,
    /// `desc` (default) or `asc`.
    pub direction: Option<String>,
    /// 1–100, default 20.
    pub limit: Option<i64>,
    /// Opaque; from `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

fn time_filter(
    s: &mut Sql,
    value: &Option<String>,
    field: &str,
    column: &str,
    op: &str,
) -> ApiResult<()> {
    if let Some(v) = value {
        let ms = crate::timefmt::parse(v).ok_or_else(|| {
            ApiError::invalid(field, "an RFC 3339 time such as 2026-01-31T12:00:00Z")
        })?;
        s.push(&format!(" AND t.{column} {op} ")).bind(ms);
    }
    Ok(())
}

/// An FTS5 query matching every word of the input as a prefix-free term (quoted, so
/// operators in user input are plain text).
pub(crate) fn fts5_query(q: &str) -> String {
    q.split_whitespace()
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The search condition; the only place where the two databases differ in queries.
pub fn search_condition(backend: Backend, s: &mut Sql, q: &str) -> String {
    match backend {
        Backend::Sqlite => {
            let p = s.arg(fts5_query(q));
            format!("t.id IN (SELECT ticket_id FROM ticket_search WHERE ticket_search MATCH {p})")
        }
        Backend::Postgres => {
            let p = s.arg(q);
            format!("t.search @@ websearch_to_tsquery('german', {p})")
        }
    }
}

/// Lists the tickets of a catalogue entry that the caller may see.
#[utoipa::path(get, path = "/projects/{slug}/tickets", tag = "tickets",
    params(("slug" = String, Path, description = "catalogue entry"), TicketQuery),
    responses((status = 200, body = Page<Ticket>, headers(("Link" = String), ("ETag" = String))),
        (status = 304), (status = 404, body = crate::http::problem::Problem),
        (status = 422, body = crate::http::problem::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
    Query(q): Query<TicketQuery>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    check_project(&state, &slug)?;
    let limit = limit(q.limit)?;
    let key = match q.sort.as_deref().unwrap_or("created") {
        "created" => "created_at",
        "updated" => "updated_at",
        "comments" => "comments_count",
        _ => {
            return Err(ApiError::invalid(
                "sort",
                "one of created, updated, comments",
            ));
        }
    };
    let desc = match q.direction.as_deref().unwrap_or("desc") {
        "desc" => true,
        "asc" => false,
        _ => return Err(ApiError::invalid("direction", "asc or desc")),
    };
    let mut s = Sql::new(&format!(
        "SELECT {TICKET_COLUMNS} FROM tickets t JOIN users u ON u.id = t.author_id WHERE t.project = "
    ));
    s.bind(&slug);
    let visible = crate::visibility::ticket(&viewer, &mut s, "t");
    s.push(" AND ").push(&visible);
    match q.state.as_deref().unwrap_or("open") {
        "open" => {
            s.push(" AND t.state = 'open'");
        }
        "closed" => {
            s.push(" AND t.state = 'closed'");
        }
        "all" => {}
        _ => return Err(ApiError::invalid("state", "open, closed or all")),
    }
    match q.label.as_deref() {
        None => {}
        Some("none") => {
            s.push(" AND NOT EXISTS (SELECT 1 FROM ticket_labels fl WHERE fl.ticket_id = t.id)");
        }
        Some("any") => {
            s.push(" AND EXISTS (SELECT 1 FROM ticket_labels fl WHERE fl.ticket_id = t.id)");
        }
        Some(names) => {
            for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                s.push(
                    " AND EXISTS (SELECT 1 FROM ticket_labels fl JOIN labels l ON l.id = fl.label_id \
                     WHERE fl.ticket_id = t.id AND l.name = ",
                )
                .bind(name)
                .push(")");
            }
        }
    }
    match q.assignee.as_deref() {
        None => {}
        Some("none") => {
            s.push(" AND NOT EXISTS (SELECT 1 FROM ticket_assignees fa WHERE fa.ticket_id = t.id)");
        }
        Some("any") => {
            s.push(" AND EXISTS (SELECT 1 FROM ticket_assignees fa WHERE fa.ticket_id = t.id)");
        }
        Some(who) => {
            let cond = if who == "@me" {
                let user = viewer.require_user()?;
                format!("fa.user_id = {}", s.arg(&user.id))
            } else {
                format!(
                    "fa.user_id IN (SELECT id FROM users WHERE username = {})",
                    s.arg(who)
                )
            };
            s.push(&format!(
                " AND EXISTS (SELECT 1 FROM ticket_assignees fa WHERE fa.ticket_id = t.id AND {cond})"
            ));
        }
    }
    if let Some(author) = &q.author {
        s.push(" AND u.username = ").bind(author);
    }
    match q.milestone.as_deref() {
        None => {}
        Some("none") => {
            s.push(" AND t.milestone_id IS NULL");
        }
        Some("any") => {
            s.push(" AND t.milestone_id IS NOT NULL");
        }
        Some(title) => {
            s.push(" AND t.milestone_id IN (SELECT id FROM milestones WHERE project = t.project AND title = ")
                .bind(title)
                .push(")");
        }
    }
    if let Some(c) = q.confidential {
        s.push(" AND t.confidential = ").bind(i64::from(c));
    }
    if let Some(text) = q.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        if text.chars().count() > 256 {
            return Err(ApiError::invalid("q", "at most 256 characters"));
        }
        let cond = search_condition(state.db.backend, &mut s, text);
        s.push(" AND ").push(&cond);
    }
    time_filter(&mut s, &q.created_after, "created_after", "created_at", ">")?;
    time_filter(
        &mut s,
        &q.created_before,
        "created_before",
        "created_at",
        "<",
    )?;
    time_filter(&mut s, &q.updated_after, "updated_after", "updated_at", ">")?;
    time_filter(
        &mut s,
        &q.updated_before,
        "updated_before",
        "updated_at",
        "<",
    )?;
    keyset_page(
        &mut s,
        q.cursor.as_deref(),
        &format!("t.{key}"),
        "t.id",
        desc,
        limit,
    )?;
    let rows = s.query().fetch_all(&state.db.read).await?;
    let mut items = Vec::with_capacity(rows.len());
    let mut keys = Vec::with_capacity(rows.len());
    for r in rows.iter().take(limit as usize) {
        keys.push(r.try_get::<i64, _>(key)?);
        items.push(from_row(r)?);
    }
    let next_cursor = if rows.len() as i64 > limit {
        items.last().zip(keys.last()).map(|((t, _), k)| {
            Cursor {
                key: *k,
                id: t.id.clone(),
            }
            .encode()
        })
    } else {
        None
    };
    let items = hydrate(&state.db.read, items).await?;
    let extra = next_link_header(&uri, next_cursor.as_deref());
    json_with_etag(
        &headers,
        None,
        viewer.user.is_some(),
        extra,
        &Page { items, next_cursor },
    )
}

/// One ticket.
#[utoipa::path(get, path = "/projects/{slug}/tickets/{number}", tag = "tickets",
    params(("slug" = String, Path), ("number" = i64, Path)),
    responses((status = 200, body = Ticket, headers(("ETag" = String))), (status = 304),
        (status = 404, body = crate::http::problem::Problem)))]
pub async fn get(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((slug, number)): Path<(String, i64)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    check_project(&state, &slug)?;
    let t = load(&state.db.read, &viewer, &slug, number).await?;
    json_with_etag(
        &headers,
        Some(t.etag()),
        viewer.user.is_some(),
        Vec::new(),
        &t,
    )
}
