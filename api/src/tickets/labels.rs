//! Labels and milestones of a project: everyone reads them, moderators manage them.
//! Lists are small by construction (at most [`MAX_PER_PROJECT`] each), so they come as one
//! page (`next_cursor` null).

use super::check_project;
use super::write::{created, ensure_project, with_etag};
use crate::auth::Viewer;
use crate::db::{Sql, new_id, now_ms};
use crate::events::append;
use crate::http::cond::{check_if_match, json_with_etag, row_etag};
use crate::http::json::Json;
use crate::http::page::Page;
use crate::http::problem::{ApiError, ApiResult, FieldError};
use crate::state::AppState;
use crate::timefmt::rfc3339;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use utoipa::ToSchema;

pub const MAX_PER_PROJECT: i64 = 500;

#[derive(Debug, Serialize, ToSchema)]
pub struct Label {
    pub id: String,
    pub name: String,
    /// Six hexadecimal digits without `#`.
    pub color: String,
    pub description: String,
    pub version: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LabelInput {
    pub name: Option<String>,
    pub color: Option<String>,
    pub description: Option<String>,
}

fn label_from(r: &AnyRow) -> Result<Label, sqlx::Error> {
    Ok(Label {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        color: r.try_get("color")?,
        description: r.try_get("description")?,
        version: r.try_get("version")?,
    })
}

fn check_label(input: &LabelInput, creating: bool) -> ApiResult<()> {
    let mut errors = Vec::new();
    match &input.name {
        None if creating => errors.push(FieldError::new(
            "name",
            "missing_field",
            "a name is required",
        )),
        Some(n) if n.trim().is_empty() || n.chars().count() > 50 || n.contains(',') => errors.push(
            FieldError::new("name", "invalid", "1 to 50 characters, no comma"),
        ),
        _ => {}
    }
    if let Some(c) = &input.color
        && !(c.len() == 6 && c.chars().all(|ch| ch.is_ascii_hexdigit()))
    {
        errors.push(FieldError::new(
            "color",
            "invalid",
            "six hexadecimal digits, e.g. d73a4a",
        ));
    }
    if input
        .description
        .as_ref()
        .is_some_and(|d| d.chars().count() > 200)
    {
        errors.push(FieldError::new(
            "description",
            "invalid",
            "at most 200 characters",
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// Tickets show their labels: a label's change changes their representation (ETag).
async fn bump_labelled_tickets(tx: &mut Transaction<'_, Any>, label_id: &str) -> ApiResult<()> {
    sqlx::query("UPDATE tickets SET version = version + 1 WHERE id IN (SELECT ticket_id FROM ticket_labels WHERE label_id = $1)")
        .bind(label_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// What the label and milestone handlers share: per-project rows with a unique name, a
/// version for ETags, and events named after them.
struct Collection {
    table: &'static str,
    /// Singular: ETag kind, event prefix, messages.
    noun: &'static str,
    /// The column the URL names (`name` for labels, `id` for milestones).
    key: &'static str,
    /// The unique, user-given field (for the 422 when it is taken).
    unique_field: &'static str,
    order: &'static str,
}

const LABELS: Collection = Collection {
    table: "labels",
    noun: "label",
    key: "name",
    unique_field: "name",
    order: "name",
};

const MILESTONES: Collection = Collection {
    table: "milestones",
    noun: "milestone",
    key: "id",
    unique_field: "title",
    order: "created_at, id",
};

impl Collection {
    /// All of a project's rows, as one page with an ETag.
    async fn list<T: Serialize>(
        &self,
        state: &AppState,
        viewer: &Viewer,
        headers: &HeaderMap,
        slug: &str,
        from: fn(&AnyRow) -> Result<T, sqlx::Error>,
    ) -> ApiResult<Response> {
        check_project(state, slug)?;
        let rows = sqlx::query(&format!(
            "SELECT * FROM {} WHERE project = $1 ORDER BY {}",
            self.table, self.order
        ))
        .bind(slug)
        .fetch_all(&state.db.read)
        .await?;
        let items = rows.iter().map(from).collect::<Result<Vec<_>, _>>()?;
        json_with_etag(
            headers,
            None,
            viewer.user.is_some(),
            Vec::new(),
            &Page {
                items,
                next_cursor: None,
            },
        )
    }

    /// Before an insert: the project exists and has room for one more.
    async fn make_room(&self, tx: &mut Transaction<'_, Any>, slug: &str) -> ApiResult<()> {
        ensure_project(tx, slug).await?;
        let count: i64 = sqlx::query(&format!(
            "SELECT COUNT(*) AS n FROM {} WHERE project = $1",
            self.table
        ))
        .bind(slug)
        .fetch_one(&mut **tx)
        .await?
        .try_get("n")?;
        if count >= MAX_PER_PROJECT {
            return Err(ApiError::invalid(
                self.unique_field,
                format!("a project has at most {MAX_PER_PROJECT} {}", self.table),
            ));
        }
        Ok(())
    }

    /// The row the URL names, for a change: 404 when missing, 412 when `If-Match` differs.
    async fn for_change(
        &self,
        tx: &mut Transaction<'_, Any>,
        headers: &HeaderMap,
        slug: &str,
        key: &str,
    ) -> ApiResult<AnyRow> {
        let r = sqlx::query(&format!(
            "SELECT * FROM {} WHERE project = $1 AND {} = $2",
            self.table, self.key
        ))
        .bind(slug)
        .bind(key)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(ApiError::NotFound)?;
        let id: String = r.try_get("id")?;
        check_if_match(headers, &row_etag(self.noun, &id, r.try_get("version")?))?;
        Ok(r)
    }

    /// An insert's or update's outcome: a taken name is the client's 422.
    fn unique(
        &self,
        done: Result<sqlx::any::AnyQueryResult, sqlx::Error>,
        taken: String,
    ) -> ApiResult<()> {
        match done {
            Err(e) if is_unique_violation(&e) => Err(ApiError::Validation(vec![FieldError::new(
                self.unique_field,
                "already_exists",
                taken,
            )])),
            r => r.map(drop).map_err(Into::into),
        }
    }

    /// Appends the event (`<noun>.<what>`) and commits.
    async fn commit(
        &self,
        mut tx: Transaction<'_, Any>,
        slug: &str,
        actor: &str,
        what: &str,
        data: serde_json::Value,
    ) -> ApiResult<()> {
        let kind = format!("{}.{what}", self.noun);
        append(&mut tx, Some(slug), None, Some(actor), &kind, data).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The row as stored now (after the commit, through the read pool).
    async fn stored(&self, state: &AppState, id: &str) -> ApiResult<AnyRow> {
        Ok(
            sqlx::query(&format!("SELECT * FROM {} WHERE id = $1", self.table))
                .bind(id)
                .fetch_one(&state.db.read)
                .await?,
        )
    }
}

/// The labels of a project.
#[utoipa::path(get, path = "/projects/{slug}/labels", tag = "labels", params(("slug" = String, Path)),
    responses((status = 200, body = Page<Label>), (status = 304), (status = 404, body = crate::http::problem::Problem)))]
pub async fn list_labels(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    LABELS
        .list(&state, &viewer, &headers, &slug, label_from)
        .await
}

/// Creates a label (moderators).
#[utoipa::path(post, path = "/projects/{slug}/labels", tag = "labels", params(("slug" = String, Path)),
    request_body = LabelInput,
    responses((status = 201, body = Label), (status = 401, body = crate::http::problem::Problem),
        (status = 403, body = crate::http::problem::Problem), (status = 422, body = crate::http::problem::Problem)))]
pub async fn create_label(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
    Json(input): Json<LabelInput>,
) -> ApiResult<Response> {
    check_project(&state, &slug)?;
    let user = viewer.require_moderator()?;
    check_label(&input, true)?;
    let name = input.name.as_deref().unwrap_or_default().trim().to_owned();
    let mut tx = state.db.write.begin().await?;
    LABELS.make_room(&mut tx, &slug).await?;
    let id = new_id();
    let inserted = sqlx::query(
        "INSERT INTO labels (id, project, name, color, description, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 1, $6, $6)",
    )
    .bind(&id)
    .bind(&slug)
    .bind(&name)
    .bind(input.color.as_deref().unwrap_or("ededed").to_ascii_lowercase())
    .bind(input.description.as_deref().unwrap_or_default())
    .bind(now_ms())
    .execute(&mut *tx)
    .await;
    LABELS.unique(inserted, format!("there is already a label `{name}`"))?;
    let data = json!({"label": id, "name": name});
    LABELS.commit(tx, &slug, &user.id, "created", data).await?;
    let label = label_from(&LABELS.stored(&state, &id).await?)?;
    Ok(created(
        format!("/api/v1/projects/{slug}/labels/{}", urlencode(&name)),
        row_etag("label", &id, label.version),
        &label,
    ))
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// Changes a label (moderators; `If-Match` honoured).
#[utoipa::path(patch, path = "/projects/{slug}/labels/{name}", tag = "labels",
    params(("slug" = String, Path), ("name" = String, Path), ("If-Match" = Option<String>, Header)),
    request_body = LabelInput,
    responses((status = 200, body = Label), (status = 401, body = crate::http::problem::Problem),
        (status = 403, body = crate::http::problem::Problem), (status = 404, body = crate::http::problem::Problem),
        (status = 412, body = crate::http::problem::Problem), (status = 422, body = crate::http::problem::Problem)))]
pub async fn patch_label(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((slug, name)): Path<(String, String)>,
    headers: HeaderMap,
    Json(input): Json<LabelInput>,
) -> ApiResult<Response> {
    check_project(&state, &slug)?;
    let user = viewer.require_moderator()?;
    check_label(&input, false)?;
    let mut tx = state.db.write.begin().await?;
    let label = label_from(&LABELS.for_change(&mut tx, &headers, &slug, &name).await?)?;
    let mut s = Sql::new("UPDATE labels SET version = version + 1, updated_at = ");
    s.bind(now_ms());
    if let Some(n) = &input.name {
        s.push(", name = ").bind(n.trim());
    }
    if let Some(c) = &input.color {
        s.push(", color = ").bind(c.to_ascii_lowercase());
    }
    if let Some(d) = &input.description {
        s.push(", description = ").bind(d.as_str());
    }
    s.push(" WHERE id = ").bind(&label.id);
    let updated = s.query().execute(&mut *tx).await;
    LABELS.unique(updated, "another label has that name".into())?;
    // Tickets show their labels, so their representation changed.
    bump_labelled_tickets(&mut tx, &label.id).await?;
    let data = json!({"label": label.id});
    LABELS.commit(tx, &slug, &user.id, "edited", data).await?;
    let label = label_from(&LABELS.stored(&state, &label.id).await?)?;
    Ok(with_etag(
        row_etag("label", &label.id, label.version),
        &label,
    ))
}

/// Deletes a label and removes it from tickets (moderators).
#[utoipa::path(delete, path = "/projects/{slug}/labels/{name}", tag = "labels",
    params(("slug" = String, Path), ("name" = String, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 204), (status = 401, body = crate::http::problem::Problem),
        (status = 403, body = crate::http::problem::Problem), (status = 404, body = crate::http::problem::Problem),
        (status = 412, body = crate::http::problem::Problem)))]
pub async fn delete_label(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((slug, name)): Path<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    check_project(&state, &slug)?;
    let user = viewer.require_moderator()?;
    let mut tx = state.db.write.begin().await?;
    let label = label_from(&LABELS.for_change(&mut tx, &headers, &slug, &name).await?)?;
    bump_labelled_tickets(&mut tx, &label.id).await?;
    sqlx::query("DELETE FROM ticket_labels WHERE label_id = $1")
        .bind(&label.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM labels WHERE id = $1")
        .bind(&label.id)
        .execute(&mut *tx)
        .await?;
    let data = json!({"label": label.id, "name": label.name});
    LABELS.commit(tx, &slug, &user.id, "deleted", data).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Milestone {
    pub id: String,
    pub title: String,
    pub description: String,
    /// `open` or `closed`.
    pub state: String,
    /// `YYYY-MM-DD`.
    pub due_on: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneInput {
    pub title: Option<String>,
    pub description: Option<String>,
    pub state: Option<String>,
    pub due_on: Option<String>,
}

fn milestone_from(r: &AnyRow) -> Result<Milestone, sqlx::Error> {
    Ok(Milestone {
        id: r.try_get("id")?,
        title: r.try_get("title")?,
        description: r.try_get("description")?,
        state: r.try_get("state")?,
        due_on: r.try_get("due_on")?,
        version: r.try_get("version")?,
        created_at: rfc3339(r.try_get("created_at")?),
        updated_at: rfc3339(r.try_get("updated_at")?),
    })
}

fn check_milestone(input: &MilestoneInput, creating: bool) -> ApiResult<()> {
    let mut errors = Vec::new();
    match &input.title {
        None if creating => errors.push(FieldError::new(
            "title",
            "missing_field",
            "a title is required",
        )),
        Some(t) if t.trim().is_empty() || t.chars().count() > 100 => {
            errors.push(FieldError::new("title", "invalid", "1 to 100 characters"))
        }
        _ => {}
    }
    if input
        .state
        .as_deref()
        .is_some_and(|s| s != "open" && s != "closed")
    {
        errors.push(FieldError::new("state", "invalid", "open or closed"));
    }
    if let Some(d) = &input.due_on {
        let fmt = time::macros::format_description!("[year]-[month]-[day]");
        if time::Date::parse(d, fmt).is_err() {
            errors.push(FieldError::new("due_on", "invalid", "a date as YYYY-MM-DD"));
        }
    }
    if input
        .description
        .as_ref()
        .is_some_and(|d| d.chars().count() > 2000)
    {
        errors.push(FieldError::new(
            "description",
            "invalid",
            "at most 2000 characters",
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// The milestones of a project.
#[utoipa::path(get, path = "/projects/{slug}/milestones", tag = "milestones", params(("slug" = String, Path)),
    responses((status = 200, body = Page<Milestone>), (status = 304), (status = 404, body = crate::http::problem::Problem)))]
pub async fn list_milestones(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    MILESTONES
        .list(&state, &viewer, &headers, &slug, milestone_from)
        .await
}

/// Creates a milestone (moderators).
#[utoipa::path(post, path = "/projects/{slug}/milestones", tag = "milestones", params(("slug" = String, Path)),
    request_body = MilestoneInput,
    responses((status = 201, body = Milestone), (status = 401, body = crate::http::problem::Problem),
        (status = 403, body = crate::http::problem::Problem), (status = 422, body = crate::http::problem::Problem)))]
pub async fn create_milestone(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
    Json(input): Json<MilestoneInput>,
) -> ApiResult<Response> {
    check_project(&state, &slug)?;
    let user = viewer.require_moderator()?;
    check_milestone(&input, true)?;
    let mut tx = state.db.write.begin().await?;
    MILESTONES.make_room(&mut tx, &slug).await?;
    let id = new_id();
    let title = input.title.as_deref().unwrap_or_default().trim().to_owned();
    let inserted = sqlx::query(
        "INSERT INTO milestones (id, project, title, description, state, due_on, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7)",
    )
    .bind(&id)
    .bind(&slug)
    .bind(&title)
    .bind(input.description.as_deref().unwrap_or_default())
    .bind(input.state.as_deref().unwrap_or("open"))
    .bind(input.due_on.as_deref())
    .bind(now_ms())
    .execute(&mut *tx)
    .await;
    MILESTONES.unique(inserted, format!("there is already a milestone `{title}`"))?;
    let data = json!({"milestone": id});
    MILESTONES
        .commit(tx, &slug, &user.id, "created", data)
        .await?;
    let m = milestone_from(&MILESTONES.stored(&state, &id).await?)?;
    Ok(created(
        format!("/api/v1/projects/{slug}/milestones/{id}"),
        row_etag("milestone", &id, m.version),
        &m,
    ))
}

/// Changes a milestone (moderators; `If-Match` honoured).
#[utoipa::path(patch, path = "/projects/{slug}/milestones/{id}", tag = "milestones",
    params(("slug" = String, Path), ("id" = String, Path), ("If-Match" = Option<String>, Header)),
    request_body = MilestoneInput,
    responses((status = 200, body = Milestone), (status = 401, body = crate::http::problem::Problem),
        (status = 403, body = crate::http::problem::Problem), (status = 404, body = crate::http::problem::Problem),
        (status = 412, body = crate::http::problem::Problem), (status = 422, body = crate::http::problem::Problem)))]
pub async fn patch_milestone(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((slug, id)): Path<(String, String)>,
    headers: HeaderMap,
    Json(input): Json<MilestoneInput>,
) -> ApiResult<Response> {
    check_project(&state, &slug)?;
    let user = viewer.require_moderator()?;
    check_milestone(&input, false)?;
    let mut tx = state.db.write.begin().await?;
    MILESTONES.for_change(&mut tx, &headers, &slug, &id).await?;
    let mut s = Sql::new("UPDATE milestones SET version = version + 1, updated_at = ");
    s.bind(now_ms());
    if let Some(t) = &input.title {
        s.push(", title = ").bind(t.trim());
    }
    if let Some(d) = &input.description {
        s.push(", description = ").bind(d.as_str());
    }
    if let Some(st) = &input.state {
        s.push(", state = ").bind(st.as_str());
    }
    if let Some(d) = &input.due_on {
        s.push(", due_on = ").bind(d.as_str());
    }
    s.push(" WHERE id = ").bind(&id);
    let updated = s.query().execute(&mut *tx).await;
    MILESTONES.unique(updated, "another milestone has that title".into())?;
    sqlx::query("UPDATE tickets SET version = version + 1 WHERE milestone_id = $1")
        .bind(&id)
        .execute(&mut *tx)
        .await?;
    let data = json!({"milestone": id});
    MILESTONES
        .commit(tx, &slug, &user.id, "edited", data)
        .await?;
    let m = milestone_from(&MILESTONES.stored(&state, &id).await?)?;
    Ok(with_etag(row_etag("milestone", &id, m.version), &m))
}

/// Deletes a milestone; its tickets keep going without one (moderators).
#[utoipa::path(delete, path = "/projects/{slug}/milestones/{id}", tag = "milestones",
    params(("slug" = String, Path), ("id" = String, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 204), (status = 401, body = crate::http::problem::Problem),
        (status = 403, body = crate::http::problem::Problem), (status = 404, body = crate::http::problem::Problem),
        (status = 412, body = crate::http::problem::Problem)))]
pub async fn delete_milestone(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((slug, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    check_project(&state, &slug)?;
    let user = viewer.require_moderator()?;
    let mut tx = state.db.write.begin().await?;
    MILESTONES.for_change(&mut tx, &headers, &slug, &id).await?;
    sqlx::query(
        "UPDATE tickets SET milestone_id = NULL, version = version + 1 WHERE milestone_id = $1",
    )
    .bind(&id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM milestones WHERE id = $1")
        .bind(&id)
        .execute(&mut *tx)
        .await?;
    let data = json!({"milestone": id});
    MILESTONES
        .commit(tx, &slug, &user.id, "deleted", data)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
