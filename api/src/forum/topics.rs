//! `GET/POST /categories/{slug}/topics` (pinned first, then by last activity; search with
//! `q`) and `GET/PATCH /topics/{id}`.

use super::{TOPIC_COLUMNS, Topic, check_category, load_topic, topic_from_row};
use crate::auth::Viewer;
use crate::authorship::{Authored, may_change};
use crate::db::{Backend, Sql, new_id, now_ms};
use crate::events::append;
use crate::http::cond::json_with_etag;
use crate::http::json::Json;
use crate::http::page::{Cursor, Page, cursor_after, limit, next_link_header};
use crate::http::problem::{ApiError, ApiResult, FieldError};
use crate::moderation::gate;
use crate::state::AppState;
use crate::tickets::write::{check_body, check_title, created, with_etag};
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;
use sqlx::Row;
use utoipa::{IntoParams, ToSchema};

/// Pinned topics sort before all others: the sort key is `pinned · 2^52 + last_posted_at`
/// (milliseconds stay below 2^52 for another 140,000 years), one integer for the cursor.
const PINNED_WEIGHT: i64 = 1 << 52;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TopicQuery {
    /// Full-text search in titles and public posts (German stemming on PostgreSQL).
    pub q: Option<String>,
    /// 1–100, default 20.
    pub limit: Option<i64>,
    /// Opaque; from `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The search condition on topics `t`: the title or a public post matches.
fn search_condition(backend: Backend, s: &mut Sql, q: &str) -> String {
    match backend {
        Backend::Sqlite => {
            let p = s.arg(crate::tickets::list::fts5_query(q));
            format!(
                "(t.id IN (SELECT topic_id FROM topic_search WHERE topic_search MATCH {p}) \
                 OR t.id IN (SELECT sp.topic_id FROM posts sp WHERE sp.visibility = 'public' \
                 AND sp.id IN (SELECT post_id FROM post_search WHERE post_search MATCH {p})))"
            )
        }
        Backend::Postgres => {
            let p = s.arg(q);
            format!(
                "(t.search @@ websearch_to_tsquery('german', {p}) OR EXISTS (SELECT 1 FROM posts sp \
                 WHERE sp.topic_id = t.id AND sp.visibility = 'public' \
                 AND sp.search @@ websearch_to_tsquery('german', {p})))"
            )
        }
    }
}

/// The topics of a category that the caller may see: pinned first, then the most
/// recently active.
#[utoipa::path(get, path = "/categories/{slug}/topics", tag = "forum",
    params(("slug" = String, Path, description = "category"), TopicQuery),
    responses((status = 200, body = Page<Topic>, headers(("Link" = String), ("ETag" = String))),
        (status = 304), (status = 404, body = crate::http::problem::Problem),
        (status = 422, body = crate::http::problem::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
    Query(q): Query<TopicQuery>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    check_category(&state, &slug)?;
    let limit = limit(q.limit)?;
    let mut s = Sql::new(&format!(
        "SELECT {TOPIC_COLUMNS} FROM topics t JOIN users u ON u.id = t.author_id WHERE t.category = "
    ));
    s.bind(&slug);
    let visible = crate::visibility::topic(&viewer, &mut s, "t");
    s.push(" AND ").push(&visible);
    if let Some(text) = q.q.as_deref().filter(|t| !t.trim().is_empty()) {
        let cond = search_condition(state.db.backend, &mut s, text);
        s.push(" AND ").push(&cond);
    }
    // The cursor packs (pinned, last_posted_at) into one number; the query compares the
    // columns one by one, so the order can walk the index `topics_category (category,
    // pinned, last_posted_at, id)` instead of sorting the whole category.
    if let Some(c) = &q.cursor {
        let c = Cursor::decode(c)?;
        let p = s.arg(c.key.div_euclid(PINNED_WEIGHT));
        let l = s.arg(c.key.rem_euclid(PINNED_WEIGHT));
        let id = s.arg(c.id);
        s.push(&format!(
            " AND (t.pinned < {p} OR (t.pinned = {p} AND (t.last_posted_at < {l} \
               OR (t.last_posted_at = {l} AND t.id < {id}))))"
        ));
    }
    s.push(" ORDER BY t.pinned DESC, t.last_posted_at DESC, t.id DESC LIMIT ")
        .bind(limit + 1);
    let rows = s.query().fetch_all(&state.db.read).await?;
    let mut items = Vec::new();
    let mut last_key = 0;
    for r in rows.iter().take(limit as usize) {
        let pinned: i64 = r.try_get("pinned")?;
        let last: i64 = r.try_get("last_posted_at")?;
        last_key = pinned * PINNED_WEIGHT + last;
        items.push(topic_from_row(r)?);
    }
    let next_cursor = cursor_after(
        rows.len() as i64 > limit,
        last_key,
        items.last().map(|i| i.id.as_str()),
    );
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
pub struct NewTopic {
    pub title: String,
    /// Markdown of the first post.
    pub body: String,
}

/// Opens a topic with its first post.
#[utoipa::path(post, path = "/categories/{slug}/topics", tag = "forum",
    params(("slug" = String, Path)), request_body = NewTopic,
    responses((status = 201, body = Topic, headers(("Location" = String), ("ETag" = String))),
        (status = 401, body = crate::http::problem::Problem), (status = 403, body = crate::http::problem::Problem),
        (status = 404, body = crate::http::problem::Problem), (status = 422, body = crate::http::problem::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
    Json(body): Json<NewTopic>,
) -> ApiResult<Response> {
    check_category(&state, &slug)?;
    let user = viewer.require_scope("forum:write")?;
    let mut errors = Vec::new();
    check_title(&body.title, &mut errors);
    if body.body.trim().is_empty() {
        errors.push(FieldError::new(
            "body",
            "missing_field",
            "the first post needs text",
        ));
    }
    check_body(&state, "body", &body.body, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let id = new_id();
    let now = now_ms();
    let mut tx = state.db.write.begin().await?;
    let admission = gate::admit(
        &mut tx,
        &state,
        &viewer,
        user,
        &gate::Contribution {
            kind: gate::Kind::Topic,
            project: super::project_of(&state, &slug),
            text: &format!("{}\n{}", body.title, body.body),
        },
    )
    .await?;
    sqlx::query(
        "INSERT INTO topics (id, category, title, author_id, closed, pinned, archived, slow_mode_seconds,
            visibility, posts_count, last_posted_at, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 0, 0, 0, 0, $5, 0, $6, 1, $6, $6)",
    )
    .bind(&id)
    .bind(&slug)
    .bind(body.title.trim())
    .bind(&user.id)
    .bind(admission.visibility())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    // The first post is public within its topic; holding the topic hides both.
    super::posts::insert(
        &mut tx,
        &super::posts::NewPostRow {
            topic_id: &id,
            author: user,
            reply_to: None,
            body: &body.body,
            visibility: "public",
            now,
        },
    )
    .await?;
    gate::file(&mut tx, &admission, gate::Kind::Topic, &id, &user.id).await?;
    append(
        &mut tx,
        None,
        None,
        Some(&user.id),
        "topic.created",
        json!({"topic": id, "category": slug}),
    )
    .await?;
    tx.commit().await?;
    let t = load_topic(&state.db.read, &viewer, &id).await?;
    Ok(created(format!("/api/v1/topics/{id}"), t.etag(), &t))
}

/// One topic.
#[utoipa::path(get, path = "/topics/{id}", tag = "forum",
    params(("id" = String, Path)),
    responses((status = 200, body = Topic, headers(("ETag" = String))), (status = 304),
        (status = 404, body = crate::http::problem::Problem)))]
pub async fn get(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let t = load_topic(&state.db.read, &viewer, &id).await?;
    json_with_etag(
        &headers,
        Some(t.etag()),
        viewer.user.is_some(),
        Vec::new(),
        &t,
    )
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchTopic {
    /// The author (while the topic is open) or moderators.
    pub title: Option<String>,
    /// Moderators.
    pub closed: Option<bool>,
    /// Moderators.
    pub pinned: Option<bool>,
    /// Moderators.
    pub archived: Option<bool>,
    /// Moderators; 0 turns slow mode off, at most one day.
    pub slow_mode_seconds: Option<i64>,
    /// Moderators: moves the topic to another category.
    pub category: Option<String>,
}

/// Changes a topic (`If-Match` honoured).
#[utoipa::path(patch, path = "/topics/{id}", tag = "forum",
    params(("id" = String, Path), ("If-Match" = Option<String>, Header)), request_body = PatchTopic,
    responses((status = 200, body = Topic, headers(("ETag" = String))),
        (status = 401, body = crate::http::problem::Problem), (status = 403, body = crate::http::problem::Problem),
        (status = 404, body = crate::http::problem::Problem), (status = 412, body = crate::http::problem::Problem),
        (status = 422, body = crate::http::problem::Problem), (status = 423, body = crate::http::problem::Problem)))]
pub async fn patch(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    headers: HeaderMap,
    Json(body): Json<PatchTopic>,
) -> ApiResult<Response> {
    let user = viewer.require_scope("forum:write")?;
    let moderator = viewer.is_moderator();
    let moderated = body.closed.is_some()
        || body.pinned.is_some()
        || body.archived.is_some()
        || body.slow_mode_seconds.is_some()
        || body.category.is_some();
    if moderated && !moderator {
        return Err(ApiError::Forbidden(
            "Only moderators close, pin, archive, slow down or move a topic.".into(),
        ));
    }
    let mut errors = Vec::new();
    if let Some(t) = &body.title {
        check_title(t, &mut errors);
    }
    if let Some(n) = body.slow_mode_seconds
        && !(0..=86_400).contains(&n)
    {
        errors.push(FieldError::new(
            "slow_mode_seconds",
            "invalid",
            "between 0 and 86400 seconds",
        ));
    }
    if let Some(c) = &body.category
        && check_category(&state, c).is_err()
    {
        errors.push(FieldError::new("category", "invalid", "no such category"));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let mut tx = state.db.write.begin().await?;
    let cur = load_topic(&mut *tx, &viewer, &id).await?;
    let authored = Authored {
        kind: "topic",
        id: &id,
        version: cur.version,
        author_id: &cur.author.id,
    };
    may_change(&headers, &viewer, user, &authored, "edit")?;
    if (cur.closed || cur.archived) && !moderator {
        return Err(ApiError::Locked(
            "The topic is closed; only moderators change it.".into(),
        ));
    }
    let b = |v: Option<bool>, old: bool| i64::from(v.unwrap_or(old));
    sqlx::query(
        "UPDATE topics SET title = $1, closed = $2, pinned = $3, archived = $4, slow_mode_seconds = $5,
            category = $6, version = version + 1, updated_at = $7 WHERE id = $8",
    )
    .bind(body.title.as_deref().map(str::trim).unwrap_or(&cur.title))
    .bind(b(body.closed, cur.closed))
    .bind(b(body.pinned, cur.pinned))
    .bind(b(body.archived, cur.archived))
    .bind(body.slow_mode_seconds.unwrap_or(cur.slow_mode_seconds))
    .bind(body.category.as_deref().unwrap_or(&cur.category))
    .bind(now_ms())
    .bind(&id)
    .execute(&mut *tx)
    .await?;
    append(
        &mut tx,
        None,
        None,
        Some(&user.id),
        "topic.edited",
        json!({
            "topic": id,
            "title": body.title, "closed": body.closed, "pinned": body.pinned,
            "archived": body.archived, "slow_mode_seconds": body.slow_mode_seconds,
            "category": body.category,
        }),
    )
    .await?;
    if moderated {
        crate::moderation::audit::record(
            &mut tx,
            Some(&user.id),
            "topic.moderated",
            ("topic", &id),
            None,
            json!({
                "before": {"closed": cur.closed, "pinned": cur.pinned, "archived": cur.archived,
                    "slow_mode_seconds": cur.slow_mode_seconds, "category": cur.category},
                "after": {"closed": body.closed, "pinned": body.pinned, "archived": body.archived,
                    "slow_mode_seconds": body.slow_mode_seconds, "category": body.category},
            }),
        )
        .await?;
    }
    tx.commit().await?;
    let t = load_topic(&state.db.read, &viewer, &id).await?;
    Ok(with_etag(t.etag(), &t))
}
