//! Comments on tickets: `GET/POST /projects/{slug}/tickets/{number}/comments`,
//! `PATCH/DELETE /comments/{id}`. Deleted comments stay as tombstones in the thread.

use super::write::{check_body, created, current, touch, with_etag};
use super::{REACTIONS, check_project};
use crate::auth::{UserRef, Viewer};
use crate::authorship::{Authored, may_change, tombstone};
use crate::db::{Sql, new_id, now_ms};
use crate::events::append;
use crate::http::cond::{json_with_etag, row_etag};
use crate::http::json::Json;
use crate::http::page::{Page, cursor_after, keyset_page, limit, next_link_header};
use crate::http::problem::{ApiError, ApiResult, FieldError};
use crate::markdown::{RENDERER_VERSION, render};
use crate::moderation::gate;
use crate::state::AppState;
use crate::timefmt::rfc3339;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::{BTreeMap, HashMap};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Comment {
    pub id: String,
    pub project: String,
    pub ticket_number: i64,
    pub author: UserRef,
    /// Empty for deleted comments.
    pub body: String,
    pub body_html: String,
    /// `public`, `hidden` or `deleted`.
    pub visibility: String,
    pub reactions: BTreeMap<String, i64>,
    /// The caller's own reactions (empty for anonymous callers).
    pub my_reactions: Vec<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Option<String>,
}

impl Comment {
    pub fn etag(&self) -> String {
        row_etag("comment", &self.id, self.version)
    }
}

const COLUMNS: &str = "c.id, c.body, c.body_html, c.visibility, c.version, c.created_at, c.updated_at, \
    c.deleted_at, c.author_id, t.project, t.number, u.username, u.display_name";

fn from_row(r: &AnyRow) -> Result<Comment, sqlx::Error> {
    let visibility: String = r.try_get("visibility")?;
    let deleted = visibility == "deleted";
    Ok(Comment {
        id: r.try_get("id")?,
        project: r.try_get("project")?,
        ticket_number: r.try_get("number")?,
        author: UserRef {
            id: r.try_get("author_id")?,
            username: r.try_get("username")?,
            display_name: r.try_get("display_name")?,
        },
        body: if deleted {
            String::new()
        } else {
            r.try_get("body")?
        },
        body_html: if deleted {
            String::new()
        } else {
            r.try_get("body_html")?
        },
        visibility,
        reactions: BTreeMap::new(),
        my_reactions: Vec::new(),
        version: r.try_get("version")?,
        created_at: rfc3339(r.try_get("created_at")?),
        updated_at: rfc3339(r.try_get("updated_at")?),
        deleted_at: r.try_get::<Option<i64>, _>("deleted_at")?.map(rfc3339),
    })
}

async fn add_reactions(
    db: &sqlx::AnyPool,
    viewer: &Viewer,
    comments: &mut [Comment],
) -> ApiResult<()> {
    if comments.is_empty() {
        return Ok(());
    }
    let mut s = Sql::new("SELECT target_id, kind, COUNT(*) AS n, SUM(CASE WHEN user_id = ");
    s.bind(viewer.user_id().unwrap_or(""));
    s.push(" THEN 1 ELSE 0 END) AS mine FROM reactions WHERE target_kind = 'comment' AND target_id IN (");
    let ps: Vec<String> = comments.iter().map(|c| s.arg(&c.id)).collect();
    s.push(&ps.join(", ")).push(") GROUP BY target_id, kind");
    let mut map: HashMap<String, BTreeMap<String, i64>> = HashMap::new();
    let mut mine: HashMap<String, Vec<String>> = HashMap::new();
    for r in s.query().fetch_all(db).await? {
        let id: String = r.try_get("target_id")?;
        let kind: String = r.try_get("kind")?;
        if r.try_get::<Option<i64>, _>("mine")?.unwrap_or(0) > 0 {
            mine.entry(id.clone()).or_default().push(kind.clone());
        }
        map.entry(id).or_default().insert(kind, r.try_get("n")?);
    }
    for c in comments {
        c.reactions = map.remove(&c.id).unwrap_or_default();
        c.my_reactions = mine.remove(&c.id).unwrap_or_default();
    }
    Ok(())
}

/// One visible comment by id.
pub async fn load(db: &sqlx::AnyPool, viewer: &Viewer, id: &str) -> ApiResult<Comment> {
    let mut s = Sql::new(&format!(
        "SELECT {COLUMNS} FROM comments c JOIN tickets t ON t.id = c.ticket_id \
         JOIN users u ON u.id = c.author_id WHERE c.id = "
    ));
    s.bind(id);
    let visible = crate::visibility::comment(viewer, &mut s, "c", "t");
    s.push(" AND ").push(&visible);
    let r = s
        .query()
        .fetch_optional(db)
        .await?
        .ok_or(ApiError::NotFound)?;
    let mut c = vec![from_row(&r)?];
    add_reactions(db, viewer, &mut c).await?;
    Ok(c.remove(0))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// 1–100, default 20.
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The comments of a ticket, oldest first.
#[utoipa::path(get, path = "/projects/{slug}/tickets/{number}/comments", tag = "comments",
    params(("slug" = String, Path), ("number" = i64, Path), PageQuery),
    responses((status = 200, body = Page<Comment>, headers(("Link" = String), ("ETag" = String))),
        (status = 304), (status = 404, body = crate::http::problem::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((slug, number)): Path<(String, i64)>,
    Query(q): Query<PageQuery>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    check_project(&state, &slug)?;
    // The ticket itself must be visible (404 otherwise, even when it has no comments).
    super::load(&state.db.read, &viewer, &slug, number).await?;
    let limit = limit(q.limit)?;
    let mut s = Sql::new(&format!(
        "SELECT {COLUMNS} FROM comments c JOIN tickets t ON t.id = c.ticket_id \
         JOIN users u ON u.id = c.author_id WHERE t.project = "
    ));
    s.bind(&slug).push(" AND t.number = ").bind(number);
    let visible = crate::visibility::comment(&viewer, &mut s, "c", "t");
    s.push(" AND ").push(&visible);
    keyset_page(
        &mut s,
        q.cursor.as_deref(),
        "c.created_at",
        "c.id",
        false,
        limit,
    )?;
    let rows = s.query().fetch_all(&state.db.read).await?;
    let mut items = Vec::new();
    let mut last_key = 0;
    for r in rows.iter().take(limit as usize) {
        last_key = r.try_get("created_at")?;
        items.push(from_row(r)?);
    }
    let next_cursor = cursor_after(
        rows.len() as i64 > limit,
        last_key,
        items.last().map(|i| i.id.as_str()),
    );
    add_reactions(&state.db.read, &viewer, &mut items).await?;
    let extra = next_link_header(&uri, next_cursor.as_deref());
    json_with_etag(
        &headers,
        None,
        viewer.user.is_some(),
        extra,
        &Page { items, next_cursor },
    )
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentBody {
    pub body: String,
    /// On creation only: milliseconds the author spent typing it, measured by the client (the site's forms
    /// send it). An account's first contribution typed faster than
    /// `[api.moderation] min_first_post_typing_ms` waits for approval; absent, no such rule.
    pub typing_ms: Option<u64>,
}

fn check(state: &AppState, body: &str) -> ApiResult<()> {
    let mut errors = Vec::new();
    if body.trim().is_empty() {
        errors.push(FieldError::new(
            "body",
            "missing_field",
            "a comment needs text",
        ));
    }
    check_body(state, "body", body, &mut errors);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// Adds a comment (locked tickets: moderators only).
#[utoipa::path(post, path = "/projects/{slug}/tickets/{number}/comments", tag = "comments",
    params(("slug" = String, Path), ("number" = i64, Path)), request_body = CommentBody,
    responses((status = 201, body = Comment, headers(("Location" = String), ("ETag" = String))),
        (status = 401, body = crate::http::problem::Problem), (status = 403, body = crate::http::problem::Problem),
        (status = 404, body = crate::http::problem::Problem), (status = 423, body = crate::http::problem::Problem),
        (status = 422, body = crate::http::problem::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((slug, number)): Path<(String, i64)>,
    Json(body): Json<CommentBody>,
) -> ApiResult<Response> {
    check_project(&state, &slug)?;
    let user = viewer.require_scope("tickets:write")?;
    check(&state, &body.body)?;
    let mut tx = state.db.write.begin().await?;
    let cur = current(&mut tx, &viewer, &slug, number).await?;
    if cur.visibility == "deleted" {
        return Err(ApiError::Conflict("The ticket is deleted.".into()));
    }
    if cur.locked && !viewer.is_moderator() {
        return Err(ApiError::Locked(
            "The ticket is locked; only moderators can comment.".into(),
        ));
    }
    let admission = gate::admit(
        &mut tx,
        &state,
        &viewer,
        user,
        &gate::Contribution {
            kind: gate::Kind::Comment,
            project: Some(&slug),
            text: &body.body,
            typing_ms: body.typing_ms,
        },
    )
    .await?;
    let id = new_id();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO comments (id, ticket_id, author_id, body, body_html, renderer, visibility, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8)",
    )
    .bind(&id)
    .bind(&cur.id)
    .bind(&user.id)
    .bind(&body.body)
    .bind(render(&body.body))
    .bind(RENDERER_VERSION)
    .bind(admission.visibility())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    gate::file(&mut tx, &admission, gate::Kind::Comment, &id, &user.id).await?;
    sqlx::query("UPDATE tickets SET comments_count = comments_count + 1 WHERE id = $1")
        .bind(&cur.id)
        .execute(&mut *tx)
        .await?;
    touch(&mut tx, &cur.id).await?;
    append(
        &mut tx,
        Some(&slug),
        Some(&cur.id),
        Some(&user.id),
        "comment.created",
        json!({"comment": id}),
    )
    .await?;
    tx.commit().await?;
    let c = load(&state.db.read, &viewer, &id).await?;
    Ok(created(format!("/api/v1/comments/{id}"), c.etag(), &c))
}

/// Facts about a comment for a write, read in the transaction.
struct CurrentComment {
    ticket_id: String,
    project: String,
    author_id: String,
    version: i64,
    visibility: String,
    locked: bool,
}

impl CurrentComment {
    fn authored<'a>(&'a self, id: &'a str) -> Authored<'a> {
        Authored {
            kind: "comment",
            id,
            version: self.version,
            author_id: &self.author_id,
        }
    }
}

async fn current_comment(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    viewer: &Viewer,
    id: &str,
) -> ApiResult<CurrentComment> {
    let mut s = Sql::new(
        "SELECT c.ticket_id, c.author_id, c.version, c.visibility, t.project, t.locked \
         FROM comments c JOIN tickets t ON t.id = c.ticket_id WHERE c.id = ",
    );
    s.bind(id);
    let visible = crate::visibility::comment(viewer, &mut s, "c", "t");
    s.push(" AND ").push(&visible);
    let r = s
        .query()
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(CurrentComment {
        ticket_id: r.try_get("ticket_id")?,
        project: r.try_get("project")?,
        author_id: r.try_get("author_id")?,
        version: r.try_get("version")?,
        visibility: r.try_get("visibility")?,
        locked: r.try_get::<i64, _>("locked")? != 0,
    })
}

/// Edits a comment (its author or a moderator; `If-Match` honoured).
#[utoipa::path(patch, path = "/comments/{id}", tag = "comments",
    params(("id" = String, Path), ("If-Match" = Option<String>, Header)), request_body = CommentBody,
    responses((status = 200, body = Comment, headers(("ETag" = String))),
        (status = 401, body = crate::http::problem::Problem), (status = 403, body = crate::http::problem::Problem),
        (status = 404, body = crate::http::problem::Problem), (status = 412, body = crate::http::problem::Problem),
        (status = 422, body = crate::http::problem::Problem), (status = 423, body = crate::http::problem::Problem)))]
pub async fn patch(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    headers: HeaderMap,
    Json(body): Json<CommentBody>,
) -> ApiResult<Response> {
    let user = viewer.require_scope("tickets:write")?;
    check(&state, &body.body)?;
    let mut tx = state.db.write.begin().await?;
    let cur = current_comment(&mut tx, &viewer, &id).await?;
    may_change(&headers, &viewer, user, &cur.authored(&id), "edit")?;
    let moderator = viewer.is_moderator();
    if cur.visibility == "deleted" {
        return Err(ApiError::Conflict("The comment is deleted.".into()));
    }
    if cur.locked && !moderator {
        return Err(ApiError::Locked("The ticket is locked.".into()));
    }
    sqlx::query(
        "UPDATE comments SET body = $1, body_html = $2, renderer = $3, version = version + 1, updated_at = $4 WHERE id = $5",
    )
    .bind(&body.body)
    .bind(render(&body.body))
    .bind(RENDERER_VERSION)
    .bind(now_ms())
    .bind(&id)
    .execute(&mut *tx)
    .await?;
    append(
        &mut tx,
        Some(&cur.project),
        Some(&cur.ticket_id),
        Some(&user.id),
        "comment.edited",
        json!({"comment": id}),
    )
    .await?;
    tx.commit().await?;
    let c = load(&state.db.read, &viewer, &id).await?;
    Ok(with_etag(c.etag(), &c))
}

/// Deletes a comment (its author or a moderator); a tombstone stays in the thread.
#[utoipa::path(delete, path = "/comments/{id}", tag = "comments",
    params(("id" = String, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 204), (status = 401, body = crate::http::problem::Problem),
        (status = 403, body = crate::http::problem::Problem), (status = 404, body = crate::http::problem::Problem),
        (status = 412, body = crate::http::problem::Problem)))]
pub async fn delete(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    let user = viewer.require_scope("tickets:write")?;
    let mut tx = state.db.write.begin().await?;
    let cur = current_comment(&mut tx, &viewer, &id).await?;
    may_change(&headers, &viewer, user, &cur.authored(&id), "delete")?;
    if cur.visibility == "deleted" {
        return Ok(StatusCode::NO_CONTENT);
    }
    let now = now_ms();
    tombstone(&mut tx, "comments", &id, &user.id, now).await?;
    touch(&mut tx, &cur.ticket_id).await?;
    append(
        &mut tx,
        Some(&cur.project),
        Some(&cur.ticket_id),
        Some(&user.id),
        "comment.deleted",
        json!({"comment": id}),
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT/DELETE /comments/{id}/reactions/{kind}`.
pub async fn react(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    kind: &str,
    add: bool,
) -> ApiResult<StatusCode> {
    let user = viewer.require_scope("tickets:write")?;
    if !REACTIONS.contains(&kind) {
        return Err(ApiError::NotFound);
    }
    let mut tx = state.db.write.begin().await?;
    let cur = current_comment(&mut tx, viewer, id).await?;
    if cur.visibility == "deleted" {
        return Err(ApiError::Conflict("The comment is deleted.".into()));
    }
    let changed = super::extras::set_reaction(&mut tx, "comment", id, &user.id, kind, add).await?;
    if changed {
        sqlx::query("UPDATE comments SET version = version + 1 WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        append(
            &mut tx,
            Some(&cur.project),
            Some(&cur.ticket_id),
            Some(&user.id),
            if add {
                "reaction.added"
            } else {
                "reaction.removed"
            },
            json!({"comment": id, "kind": kind}),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
