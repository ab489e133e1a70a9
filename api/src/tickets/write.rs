//! Creating, changing and deleting tickets. Each write is one transaction that also
//! appends its event (the outbox).

use super::{Ticket, check_project, load};
use crate::auth::Viewer;
use crate::db::{Sql, new_id, now_ms};
use crate::events::append;
use crate::http::cond::check_if_match;
use crate::http::json::Json;
use crate::http::problem::{ApiError, ApiResult, FieldError};
use crate::markdown::{RENDERER_VERSION, render};
use crate::moderation::gate;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Deserializer};
use serde_json::json;
use sqlx::{Any, Row, Transaction};
use utoipa::{IntoParams, ToSchema};

pub const TITLE_MAX: usize = 256;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTicket {
    pub title: String,
    #[serde(default)]
    pub body: String,
    /// Visible only to its author, assignees and moderators.
    #[serde(default)]
    pub confidential: bool,
    /// The id of the ticket template used (`GET …/ticket-templates`): its labels that exist
    /// in the project are applied.
    pub template: Option<String>,
}

/// `Some(None)` for an explicit `null` (clear), `None` when the key is absent.
fn double<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Ok(Some(Option::deserialize(d)?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchTicket {
    pub title: Option<String>,
    pub body: Option<String>,
    /// `open` or `closed`.
    pub state: Option<String>,
    /// With `closed`: `completed` (default), `not_planned` or `duplicate`.
    pub state_reason: Option<String>,
    /// With `duplicate`: the number of the original ticket.
    pub duplicate_of: Option<i64>,
    /// Label names (replaces the set; moderators).
    pub labels: Option<Vec<String>>,
    /// Usernames (replaces the set; moderators).
    pub assignees: Option<Vec<String>>,
    /// Milestone id, or null to clear (moderators).
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = Option<String>)]
    pub milestone: Option<Option<String>>,
    /// Moderators.
    pub confidential: Option<bool>,
}

pub fn check_title(title: &str, errors: &mut Vec<FieldError>) {
    let n = title.trim().chars().count();
    if n == 0 {
        errors.push(FieldError::new(
            "title",
            "missing_field",
            "a title is required",
        ));
    } else if n > TITLE_MAX {
        errors.push(FieldError::new(
            "title",
            "invalid",
            format!("at most {TITLE_MAX} characters"),
        ));
    }
}

pub fn check_body(state: &AppState, field: &str, body: &str, errors: &mut Vec<FieldError>) {
    let max = state.config.limits.markdown_chars;
    if body.chars().count() > max {
        errors.push(FieldError::new(
            field,
            "invalid",
            format!("Markdown may be at most {max} characters"),
        ));
    }
}

/// Ensures the project row exists (created on the first write to it).
pub async fn ensure_project(tx: &mut Transaction<'_, Any>, slug: &str) -> ApiResult<()> {
    sqlx::query(
        "INSERT INTO projects (slug, next_number, created_at) VALUES ($1, 1, $2) ON CONFLICT (slug) DO NOTHING",
    )
    .bind(slug)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub fn created(location: String, etag: String, body: &impl serde::Serialize) -> Response {
    let mut res = (StatusCode::CREATED, axum::Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    if let Ok(v) = HeaderValue::from_str(&etag) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res
}

pub fn with_etag(etag: String, body: &impl serde::Serialize) -> Response {
    let mut res = axum::Json(body).into_response();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res
}

/// Opens a ticket.
#[utoipa::path(post, path = "/projects/{slug}/tickets", tag = "tickets",
    params(("slug" = String, Path)), request_body = NewTicket,
    responses((status = 201, body = Ticket, headers(("Location" = String), ("ETag" = String))),
        (status = 401, body = crate::http::problem::Problem), (status = 403, body = crate::http::problem::Problem),
        (status = 404, body = crate::http::problem::Problem), (status = 422, body = crate::http::problem::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
    Json(body): Json<NewTicket>,
) -> ApiResult<Response> {
    check_project(&state, &slug)?;
    let user = viewer.require_scope("tickets:write")?;
    let mut errors = Vec::new();
    check_title(&body.title, &mut errors);
    check_body(&state, "body", &body.body, &mut errors);
    let template_labels = match &body.template {
        Some(id) => match super::templates::for_project(&state, &slug)
            .into_iter()
            .find(|t| &t.id == id)
        {
            Some(t) => t.labels,
            None => {
                errors.push(FieldError::new(
                    "template",
                    "invalid",
                    "not one of this project's ticket templates",
                ));
                Vec::new()
            }
        },
        None => Vec::new(),
    };
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let now = now_ms();
    let id = new_id();
    let mut tx = state.db.write.begin().await?;
    let admission = gate::admit(
        &mut tx,
        &state,
        &viewer,
        user,
        &gate::Contribution {
            kind: gate::Kind::Ticket,
            project: Some(&slug),
            text: &format!("{}\n{}", body.title, body.body),
        },
    )
    .await?;
    ensure_project(&mut tx, &slug).await?;
    let number: i64 = sqlx::query(
        "UPDATE projects SET next_number = next_number + 1 WHERE slug = $1 RETURNING next_number - 1 AS n",
    )
    .bind(&slug)
    .fetch_one(&mut *tx)
    .await?
    .try_get("n")?;
    sqlx::query(
        "INSERT INTO tickets (id, project, number, title, body, body_html, renderer, state, author_id,
            confidential, visibility, locked, comments_count, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9, $10, 0, 0, 1, $11, $11)",
    )
    .bind(&id)
    .bind(&slug)
    .bind(number)
    .bind(body.title.trim())
    .bind(&body.body)
    .bind(render(&body.body))
    .bind(RENDERER_VERSION)
    .bind(&user.id)
    .bind(i64::from(body.confidential))
    .bind(admission.visibility())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    gate::file(&mut tx, &admission, gate::Kind::Ticket, &id, &user.id).await?;
    for name in &template_labels {
        sqlx::query(
            "INSERT INTO ticket_labels (ticket_id, label_id)
             SELECT $1, l.id FROM labels l WHERE l.project = $2 AND l.name = $3",
        )
        .bind(&id)
        .bind(&slug)
        .bind(name)
        .execute(&mut *tx)
        .await?;
    }
    // Authors follow their own tickets.
    sqlx::query("INSERT INTO subscriptions (ticket_id, user_id, created_at) VALUES ($1, $2, $3)")
        .bind(&id)
        .bind(&user.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    append(
        &mut tx,
        Some(&slug),
        Some(&id),
        Some(&user.id),
        "ticket.created",
        json!({"number": number}),
    )
    .await?;
    tx.commit().await?;
    let t = load(&state.db.read, &viewer, &slug, number).await?;
    Ok(created(
        format!("/api/v1/projects/{slug}/tickets/{number}"),
        t.etag(),
        &t,
    ))
}

/// The row facts a write needs to decide, read inside its transaction.
pub struct Current {
    pub id: String,
    pub author_id: String,
    pub version: i64,
    pub visibility: String,
    pub locked: bool,
    pub state: String,
}

/// Reads a visible ticket inside a write transaction (404 when the caller cannot see it).
pub async fn current(
    tx: &mut Transaction<'_, Any>,
    viewer: &Viewer,
    slug: &str,
    number: i64,
) -> ApiResult<Current> {
    let mut s = Sql::new(
        "SELECT t.id, t.author_id, t.version, t.visibility, t.locked, t.state FROM tickets t WHERE t.project = ",
    );
    s.bind(slug).push(" AND t.number = ").bind(number);
    let visible = crate::visibility::ticket(viewer, &mut s, "t");
    s.push(" AND ").push(&visible);
    let r = s
        .query()
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Current {
        id: r.try_get("id")?,
        author_id: r.try_get("author_id")?,
        version: r.try_get("version")?,
        visibility: r.try_get("visibility")?,
        locked: r.try_get::<i64, _>("locked")? != 0,
        state: r.try_get("state")?,
    })
}

/// Bumps a ticket's version and update time (every change of its representation does).
pub async fn touch(tx: &mut Transaction<'_, Any>, ticket_id: &str) -> ApiResult<()> {
    sqlx::query("UPDATE tickets SET version = version + 1, updated_at = $1 WHERE id = $2")
        .bind(now_ms())
        .bind(ticket_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Changes a ticket. Send the ETag you read in `If-Match`; 412 when it changed meanwhile.
#[utoipa::path(patch, path = "/projects/{slug}/tickets/{number}", tag = "tickets",
    params(("slug" = String, Path), ("number" = i64, Path),
        ("If-Match" = Option<String>, Header, description = "ETag of the version you changed")),
    request_body = PatchTicket,
    responses((status = 200, body = Ticket, headers(("ETag" = String))),
        (status = 401, body = crate::http::problem::Problem), (status = 403, body = crate::http::problem::Problem),
        (status = 404, body = crate::http::problem::Problem), (status = 409, body = crate::http::problem::Problem),
        (status = 412, body = crate::http::problem::Problem), (status = 422, body = crate::http::problem::Problem)))]
pub async fn patch(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((slug, number)): Path<(String, i64)>,
    headers: HeaderMap,
    Json(p): Json<PatchTicket>,
) -> ApiResult<Response> {
    check_project(&state, &slug)?;
    let user = viewer.require_scope("tickets:write")?.clone();
    let moderator = viewer.is_moderator();
    let mut tx = state.db.write.begin().await?;
    let cur = current(&mut tx, &viewer, &slug, number).await?;
    check_if_match(
        &headers,
        &super::super::http::cond::row_etag("ticket", &cur.id, cur.version),
    )?;
    if cur.visibility == "deleted" {
        return Err(ApiError::Conflict("The ticket is deleted.".into()));
    }
    let is_author = cur.author_id == user.id;
    if !moderator {
        let triage = p.labels.is_some()
            || p.assignees.is_some()
            || p.milestone.is_some()
            || p.confidential.is_some();
        if triage {
            return Err(ApiError::Forbidden(
                "Only moderators change labels, assignees, milestone and confidentiality.".into(),
            ));
        }
        if !is_author {
            return Err(ApiError::Forbidden(
                "Only the author and moderators edit a ticket.".into(),
            ));
        }
        if cur.locked {
            return Err(ApiError::Locked("The ticket is locked.".into()));
        }
    }
    let mut errors = Vec::new();
    if let Some(t) = &p.title {
        check_title(t, &mut errors);
    }
    if let Some(b) = &p.body {
        check_body(&state, "body", b, &mut errors);
    }
    let new_state = p.state.as_deref();
    if let Some(s) = new_state
        && s != "open"
        && s != "closed"
    {
        errors.push(FieldError::new("state", "invalid", "open or closed"));
    }
    let closing = new_state == Some("closed");
    let reason = p.state_reason.as_deref();
    if let Some(r) = reason {
        if !closing {
            errors.push(FieldError::new(
                "state_reason",
                "invalid",
                "only together with \"state\": \"closed\"",
            ));
        } else if !matches!(r, "completed" | "not_planned" | "duplicate") {
            errors.push(FieldError::new(
                "state_reason",
                "invalid",
                "completed, not_planned or duplicate",
            ));
        }
    }
    let duplicate = closing && reason == Some("duplicate");
    let mut duplicate_of = None;
    if duplicate {
        match p.duplicate_of {
            None => errors.push(FieldError::new(
                "duplicate_of",
                "missing_field",
                "name the original ticket's number",
            )),
            Some(n) if n == number => errors.push(FieldError::new(
                "duplicate_of",
                "invalid",
                "a ticket cannot duplicate itself",
            )),
            Some(n) => {
                let mut s = Sql::new("SELECT COUNT(*) AS n FROM tickets t WHERE t.project = ");
                s.bind(&slug).push(" AND t.number = ").bind(n);
                let visible = crate::visibility::ticket(&viewer, &mut s, "t");
                s.push(" AND ").push(&visible);
                let found: i64 = s.query().fetch_one(&mut *tx).await?.try_get("n")?;
                if found == 0 {
                    errors.push(FieldError::new("duplicate_of", "invalid", "no such ticket"));
                }
                duplicate_of = Some(n);
            }
        }
    } else if p.duplicate_of.is_some() {
        errors.push(FieldError::new(
            "duplicate_of",
            "invalid",
            "only with \"state_reason\": \"duplicate\"",
        ));
    }
    let mut label_ids = Vec::new();
    if let Some(names) = &p.labels {
        for name in names {
            let id: Option<String> =
                sqlx::query("SELECT id FROM labels WHERE project = $1 AND name = $2")
                    .bind(&slug)
                    .bind(name)
                    .fetch_optional(&mut *tx)
                    .await?
                    .map(|r| r.try_get("id"))
                    .transpose()?;
            match id {
                Some(id) => label_ids.push(id),
                None => errors.push(FieldError::new(
                    "labels",
                    "invalid",
                    format!("no label `{name}` in this project"),
                )),
            }
        }
    }
    let mut assignee_ids = Vec::new();
    if let Some(names) = &p.assignees {
        if names.len() > 10 {
            errors.push(FieldError::new("assignees", "invalid", "at most 10"));
        }
        for name in names {
            let id: Option<String> = sqlx::query("SELECT id FROM users WHERE username = $1")
                .bind(name)
                .fetch_optional(&mut *tx)
                .await?
                .map(|r| r.try_get("id"))
                .transpose()?;
            match id {
                Some(id) => assignee_ids.push(id),
                None => errors.push(FieldError::new(
                    "assignees",
                    "invalid",
                    format!("no user `{name}`"),
                )),
            }
        }
    }
    if let Some(Some(m)) = &p.milestone {
        let found: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM milestones WHERE project = $1 AND id = $2")
                .bind(&slug)
                .bind(m)
                .fetch_one(&mut *tx)
                .await?
                .try_get("n")?;
        if found == 0 {
            errors.push(FieldError::new("milestone", "invalid", "no such milestone"));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let now = now_ms();
    let mut changed = Vec::new();
    let mut s = Sql::new("UPDATE tickets SET version = version + 1, updated_at = ");
    s.bind(now);
    if let Some(t) = &p.title {
        s.push(", title = ").bind(t.trim());
        changed.push("title");
    }
    if let Some(b) = &p.body {
        s.push(", body = ").bind(b.as_str());
        s.push(", body_html = ").bind(render(b));
        s.push(", renderer = ").bind(RENDERER_VERSION);
        changed.push("body");
    }
    let mut state_event = None;
    match new_state {
        Some("closed") => {
            s.push(", state = 'closed', state_reason = ")
                .bind(reason.unwrap_or("completed"));
            s.push(", duplicate_of = ").bind(duplicate_of);
            if cur.state != "closed" {
                s.push(", closed_at = ").bind(now);
            }
            state_event = Some((
                "ticket.closed",
                json!({"reason": reason.unwrap_or("completed"), "duplicate_of": duplicate_of}),
            ));
        }
        Some("open") if cur.state != "open" => {
            s.push(", state = 'open', state_reason = 'reopened', duplicate_of = NULL, closed_at = NULL");
            state_event = Some(("ticket.reopened", json!({})));
        }
        _ => {}
    }
    if let Some(m) = &p.milestone {
        s.push(", milestone_id = ").bind(m.clone());
    }
    if let Some(c) = p.confidential {
        s.push(", confidential = ").bind(i64::from(c));
    }
    s.push(" WHERE id = ").bind(&cur.id);
    s.query().execute(&mut *tx).await?;
    // One event per kind of change, in this order (the timeline shows them so).
    let mut events: Vec<(&str, serde_json::Value)> = Vec::new();
    if !changed.is_empty() {
        events.push(("ticket.edited", json!({"fields": changed})));
    }
    events.extend(state_event);
    if p.labels.is_some() {
        replace_links(&mut tx, "ticket_labels", "label_id", &cur.id, label_ids).await?;
        events.push(("ticket.labels_set", json!({"labels": p.labels})));
    }
    if p.assignees.is_some() {
        replace_links(
            &mut tx,
            "ticket_assignees",
            "user_id",
            &cur.id,
            assignee_ids,
        )
        .await?;
        events.push(("ticket.assignees_set", json!({"assignees": p.assignees})));
    }
    if let Some(m) = &p.milestone {
        events.push(("ticket.milestone_set", json!({"milestone": m})));
    }
    if let Some(c) = p.confidential {
        events.push(("ticket.confidential_set", json!({"confidential": c})));
    }
    for (kind, data) in events {
        append(
            &mut tx,
            Some(&slug),
            Some(&cur.id),
            Some(&user.id),
            kind,
            data,
        )
        .await?;
    }
    tx.commit().await?;
    let t = load(&state.db.read, &viewer, &slug, number).await?;
    Ok(with_etag(t.etag(), &t))
}

/// Sets a ticket's labels or assignees to exactly `ids` (a link table keyed by ticket).
async fn replace_links(
    tx: &mut Transaction<'_, Any>,
    table: &'static str,
    column: &'static str,
    ticket_id: &str,
    mut ids: Vec<String>,
) -> ApiResult<()> {
    sqlx::query(&format!("DELETE FROM {table} WHERE ticket_id = $1"))
        .bind(ticket_id)
        .execute(&mut **tx)
        .await?;
    ids.sort();
    ids.dedup();
    let insert = format!("INSERT INTO {table} (ticket_id, {column}) VALUES ($1, $2)");
    for id in &ids {
        sqlx::query(&insert)
            .bind(ticket_id)
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeleteQuery {
    /// Why it was deleted (kept with the tombstone).
    pub reason: Option<String>,
}

/// Deletes a ticket (moderators): it becomes a tombstone that only moderators see.
#[utoipa::path(delete, path = "/projects/{slug}/tickets/{number}", tag = "tickets",
    params(("slug" = String, Path), ("number" = i64, Path), DeleteQuery,
        ("If-Match" = Option<String>, Header)),
    responses((status = 204), (status = 401, body = crate::http::problem::Problem),
        (status = 403, body = crate::http::problem::Problem), (status = 404, body = crate::http::problem::Problem),
        (status = 412, body = crate::http::problem::Problem)))]
pub async fn delete(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((slug, number)): Path<(String, i64)>,
    Query(q): Query<DeleteQuery>,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    check_project(&state, &slug)?;
    let mut tx = state.db.write.begin().await?;
    let cur = current(&mut tx, &viewer, &slug, number).await?;
    let user = viewer.require_moderator()?;
    check_if_match(
        &headers,
        &crate::http::cond::row_etag("ticket", &cur.id, cur.version),
    )?;
    if cur.visibility == "deleted" {
        return Ok(StatusCode::NO_CONTENT);
    }
    let now = now_ms();
    sqlx::query(
        "UPDATE tickets SET visibility = 'deleted', deleted_at = $1, deleted_by = $2, deleted_reason = $3,
            version = version + 1, updated_at = $1 WHERE id = $4",
    )
    .bind(now)
    .bind(&user.id)
    .bind(q.reason.as_deref())
    .bind(&cur.id)
    .execute(&mut *tx)
    .await?;
    append(
        &mut tx,
        Some(&slug),
        Some(&cur.id),
        Some(&user.id),
        "ticket.deleted",
        json!({"reason": q.reason}),
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
