//! Posts in topics: `GET/POST /topics/{id}/posts` (replies with `reply_to`, closed and
//! archived topics refuse posts, slow mode per user), `PATCH/DELETE /posts/{id}` (every
//! edit kept as a revision, deletions leave tombstones), `GET /posts/{id}/revisions` and
//! `PUT/DELETE /posts/{id}/like` (stored as the reaction `like` on target kind `post`).

use super::load_topic;
use crate::auth::{User, UserRef, Viewer};
use crate::authorship::{Authored, may_change, tombstone};
use crate::db::{Sql, new_id, now_ms};
use crate::events::append;
use crate::http::cond::{json_with_etag, row_etag};
use crate::http::json::Json;
use crate::http::page::{Cursor, Page, cursor_after, keyset_page, limit, next_link_header};
use crate::http::problem::{ApiError, ApiResult, FieldError};
use crate::markdown::{RENDERER_VERSION, render};
use crate::moderation::gate;
use crate::state::AppState;
use crate::tickets::comments::PageQuery;
use crate::tickets::write::{check_body, created, with_etag};
use crate::timefmt::rfc3339;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use std::collections::{HashMap, HashSet};
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Post {
    pub id: String,
    pub topic_id: String,
    /// The post this one answers (same topic).
    pub reply_to: Option<String>,
    pub author: UserRef,
    /// Empty for deleted posts (tombstones).
    pub body: String,
    pub body_html: String,
    /// `public`, `hidden` (moderation) or `deleted`.
    pub visibility: String,
    pub likes: i64,
    /// Whether the caller likes it (false for anonymous callers).
    pub liked_by_me: bool,
    /// Starts at 1; each edit adds a revision.
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Option<String>,
}

impl Post {
    pub fn etag(&self) -> String {
        row_etag("post", &self.id, self.version)
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Revision {
    pub version: i64,
    pub body: String,
    pub body_html: String,
    pub editor: UserRef,
    pub created_at: String,
}

const COLUMNS: &str = "p.id, p.topic_id, p.reply_to, p.body, p.body_html, p.visibility, p.version, \
    p.created_at, p.updated_at, p.deleted_at, p.author_id, u.username, u.display_name";

fn from_row(r: &AnyRow) -> Result<Post, sqlx::Error> {
    let visibility: String = r.try_get("visibility")?;
    let deleted = visibility == "deleted";
    let text = |col: &str| -> Result<String, sqlx::Error> {
        if deleted {
            Ok(String::new())
        } else {
            r.try_get(col)
        }
    };
    Ok(Post {
        id: r.try_get("id")?,
        topic_id: r.try_get("topic_id")?,
        reply_to: r.try_get("reply_to")?,
        author: UserRef {
            id: r.try_get("author_id")?,
            username: r.try_get("username")?,
            display_name: r.try_get("display_name")?,
        },
        body: text("body")?,
        body_html: text("body_html")?,
        visibility,
        likes: 0,
        liked_by_me: false,
        version: r.try_get("version")?,
        created_at: rfc3339(r.try_get("created_at")?),
        updated_at: rfc3339(r.try_get("updated_at")?),
        deleted_at: r.try_get::<Option<i64>, _>("deleted_at")?.map(rfc3339),
    })
}

/// Fills like counts and `liked_by_me` with two queries for the whole page.
async fn add_likes(db: &sqlx::AnyPool, viewer: &Viewer, posts: &mut [Post]) -> ApiResult<()> {
    if posts.is_empty() {
        return Ok(());
    }
    let mut s = Sql::new(
        "SELECT target_id, COUNT(*) AS n FROM reactions WHERE target_kind = 'post' AND kind = 'like' AND target_id IN (",
    );
    let ps: Vec<String> = posts.iter().map(|p| s.arg(&p.id)).collect();
    s.push(&ps.join(", ")).push(") GROUP BY target_id");
    let mut counts: HashMap<String, i64> = HashMap::new();
    for r in s.query().fetch_all(db).await? {
        counts.insert(r.try_get("target_id")?, r.try_get("n")?);
    }
    let mut mine: HashSet<String> = HashSet::new();
    if let Some(uid) = viewer.user_id() {
        let mut s = Sql::new(
            "SELECT target_id FROM reactions WHERE target_kind = 'post' AND kind = 'like' AND user_id = ",
        );
        s.bind(uid).push(" AND target_id IN (");
        let ps: Vec<String> = posts.iter().map(|p| s.arg(&p.id)).collect();
        s.push(&ps.join(", ")).push(")");
        for r in s.query().fetch_all(db).await? {
            mine.insert(r.try_get("target_id")?);
        }
    }
    for p in posts {
        p.likes = counts.get(&p.id).copied().unwrap_or(0);
        p.liked_by_me = mine.contains(&p.id);
    }
    Ok(())
}

/// One visible post by id.
pub async fn load(db: &sqlx::AnyPool, viewer: &Viewer, id: &str) -> ApiResult<Post> {
    let mut s = Sql::new(&format!(
        "SELECT {COLUMNS} FROM posts p JOIN topics t ON t.id = p.topic_id \
         JOIN users u ON u.id = p.author_id WHERE p.id = "
    ));
    s.bind(id);
    let visible = crate::visibility::post(viewer, &mut s, "p", "t");
    s.push(" AND ").push(&visible);
    let r = s
        .query()
        .fetch_optional(db)
        .await?
        .ok_or(ApiError::NotFound)?;
    let mut p = vec![from_row(&r)?];
    add_likes(db, viewer, &mut p).await?;
    Ok(p.remove(0))
}

/// A post about to be written.
pub struct NewPostRow<'a> {
    pub topic_id: &'a str,
    pub author: &'a User,
    pub reply_to: Option<&'a str>,
    pub body: &'a str,
    pub visibility: &'static str,
    pub now: i64,
}

/// Writes a new post with its first revision and bumps the topic (count, activity,
/// version); used for a topic's first post too. Returns the post as stored, so the
/// handler answers without reading it back (a new post has no likes yet).
pub async fn insert(tx: &mut Transaction<'_, Any>, new: &NewPostRow<'_>) -> ApiResult<Post> {
    let NewPostRow {
        topic_id,
        author,
        reply_to,
        body,
        visibility,
        now,
    } = *new;
    let id = new_id();
    let html = render(body);
    sqlx::query(
        "INSERT INTO posts (id, topic_id, author_id, reply_to, body, body_html, renderer, visibility, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9)",
    )
    .bind(&id)
    .bind(topic_id)
    .bind(&author.id)
    .bind(reply_to)
    .bind(body)
    .bind(&html)
    .bind(RENDERER_VERSION)
    .bind(visibility)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    revision(tx, &id, 1, body, &html, &author.id, now).await?;
    sqlx::query(
        "UPDATE topics SET posts_count = posts_count + 1, last_posted_at = $1, updated_at = $1,
            version = version + 1 WHERE id = $2",
    )
    .bind(now)
    .bind(topic_id)
    .execute(&mut **tx)
    .await?;
    Ok(Post {
        id,
        topic_id: topic_id.to_owned(),
        reply_to: reply_to.map(str::to_owned),
        author: UserRef {
            id: author.id.clone(),
            username: author.username.clone(),
            display_name: author.display_name.clone(),
        },
        body: body.to_owned(),
        body_html: html,
        visibility: visibility.to_owned(),
        likes: 0,
        liked_by_me: false,
        version: 1,
        created_at: rfc3339(now),
        updated_at: rfc3339(now),
        deleted_at: None,
    })
}

async fn revision(
    tx: &mut Transaction<'_, Any>,
    post_id: &str,
    version: i64,
    body: &str,
    html: &str,
    editor_id: &str,
    now: i64,
) -> ApiResult<()> {
    sqlx::query(
        "INSERT INTO post_revisions (post_id, version, body, body_html, editor_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(post_id)
    .bind(version)
    .bind(body)
    .bind(html)
    .bind(editor_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The posts of a topic, oldest first (tombstones included, hidden ones only for
/// moderators and their author).
#[utoipa::path(get, path = "/topics/{id}/posts", tag = "forum",
    params(("id" = String, Path), PageQuery),
    responses((status = 200, body = Page<Post>, headers(("Link" = String), ("ETag" = String))),
        (status = 304), (status = 404, body = crate::http::problem::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    load_topic(&state.db.read, &viewer, &id).await?;
    let limit = limit(q.limit)?;
    let mut s = Sql::new(&format!(
        "SELECT {COLUMNS} FROM posts p JOIN topics t ON t.id = p.topic_id \
         JOIN users u ON u.id = p.author_id WHERE p.topic_id = "
    ));
    s.bind(&id);
    let visible = crate::visibility::post(&viewer, &mut s, "p", "t");
    s.push(" AND ").push(&visible);
    keyset_page(
        &mut s,
        q.cursor.as_deref(),
        "p.created_at",
        "p.id",
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
    add_likes(&state.db.read, &viewer, &mut items).await?;
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
pub struct NewPost {
    pub body: String,
    /// Id of the post in the same topic this one answers.
    pub reply_to: Option<String>,
    /// Milliseconds the author spent typing it, measured by the client (the site's forms
    /// send it). An account's first contribution typed faster than
    /// `[api.moderation] min_first_post_typing_ms` waits for approval; absent, no such rule.
    pub typing_ms: Option<u64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostBody {
    pub body: String,
}

fn check(state: &AppState, body: &str) -> ApiResult<()> {
    let mut errors = Vec::new();
    if body.trim().is_empty() {
        errors.push(FieldError::new(
            "body",
            "missing_field",
            "a post needs text",
        ));
    }
    check_body(state, "body", body, &mut errors);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// Answers in a topic. Closed topics take posts from moderators only, archived ones from
/// nobody; in slow mode a user waits `slow_mode_seconds` between two posts.
#[utoipa::path(post, path = "/topics/{id}/posts", tag = "forum",
    params(("id" = String, Path)), request_body = NewPost,
    responses((status = 201, body = Post, headers(("Location" = String), ("ETag" = String))),
        (status = 401, body = crate::http::problem::Problem), (status = 403, body = crate::http::problem::Problem),
        (status = 404, body = crate::http::problem::Problem), (status = 409, body = crate::http::problem::Problem),
        (status = 422, body = crate::http::problem::Problem), (status = 423, body = crate::http::problem::Problem),
        (status = 429, body = crate::http::problem::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Json(body): Json<NewPost>,
) -> ApiResult<Response> {
    let user = viewer.require_scope("forum:write")?;
    check(&state, &body.body)?;
    let moderator = viewer.is_moderator();
    let mut tx = state.db.write.begin().await?;
    let topic = load_topic(&mut *tx, &viewer, &id).await?;
    if topic.visibility == "deleted" {
        return Err(ApiError::Conflict("The topic is deleted.".into()));
    }
    if topic.archived {
        return Err(ApiError::Locked(
            "The topic is archived and takes no new posts.".into(),
        ));
    }
    if topic.closed && !moderator {
        return Err(ApiError::Locked(
            "The topic is closed; only moderators can post.".into(),
        ));
    }
    if let Some(r) = &body.reply_to {
        let mut s =
            Sql::new("SELECT p.id FROM posts p JOIN topics t ON t.id = p.topic_id WHERE p.id = ");
        s.bind(r).push(" AND p.topic_id = ").bind(&id);
        let visible = crate::visibility::post(&viewer, &mut s, "p", "t");
        s.push(" AND ").push(&visible);
        if s.query().fetch_optional(&mut *tx).await?.is_none() {
            return Err(ApiError::invalid(
                "reply_to",
                "not a post of this topic that you can see",
            ));
        }
    }
    let now = now_ms();
    if topic.slow_mode_seconds > 0 && !moderator {
        let last: Option<i64> = sqlx::query(
            "SELECT MAX(created_at) AS last FROM posts WHERE topic_id = $1 AND author_id = $2",
        )
        .bind(&id)
        .bind(&user.id)
        .fetch_one(&mut *tx)
        .await?
        .try_get("last")?;
        let wait_ms = last.map_or(0, |l| l + topic.slow_mode_seconds * 1000 - now);
        if wait_ms > 0 {
            let secs = (wait_ms as u64).div_ceil(1000);
            return Err(ApiError::TooSoon(
                format!(
                    "The topic is in slow mode: one post per {} seconds; wait {secs} s.",
                    topic.slow_mode_seconds
                ),
                secs,
            ));
        }
    }
    let admission = gate::admit(
        &mut tx,
        &state,
        &viewer,
        user,
        &gate::Contribution {
            kind: gate::Kind::Post,
            project: super::project_of(&state, &topic.category),
            text: &body.body,
            typing_ms: body.typing_ms,
        },
    )
    .await?;
    let post = insert(
        &mut tx,
        &NewPostRow {
            topic_id: &id,
            author: user,
            reply_to: body.reply_to.as_deref(),
            body: &body.body,
            visibility: admission.visibility(),
            now,
        },
    )
    .await?;
    let post_id = &post.id;
    gate::file(&mut tx, &admission, gate::Kind::Post, post_id, &user.id).await?;
    append(
        &mut tx,
        None,
        None,
        Some(&user.id),
        "post.created",
        json!({"topic": id, "post": post_id, "reply_to": body.reply_to}),
    )
    .await?;
    tx.commit().await?;
    Ok(created(
        format!("/api/v1/posts/{post_id}"),
        post.etag(),
        &post,
    ))
}

impl Current {
    fn authored<'a>(&'a self, id: &'a str) -> Authored<'a> {
        Authored {
            kind: "post",
            id,
            version: self.version,
            author_id: &self.author_id,
        }
    }
}

/// Facts about a post for a write, read in the transaction through the predicate.
struct Current {
    topic_id: String,
    author_id: String,
    version: i64,
    visibility: String,
    closed: bool,
    archived: bool,
}

async fn current(tx: &mut Transaction<'_, Any>, viewer: &Viewer, id: &str) -> ApiResult<Current> {
    let mut s = Sql::new(
        "SELECT p.topic_id, p.author_id, p.version, p.visibility, t.closed, t.archived \
         FROM posts p JOIN topics t ON t.id = p.topic_id WHERE p.id = ",
    );
    s.bind(id);
    let visible = crate::visibility::post(viewer, &mut s, "p", "t");
    s.push(" AND ").push(&visible);
    let r = s
        .query()
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Current {
        topic_id: r.try_get("topic_id")?,
        author_id: r.try_get("author_id")?,
        version: r.try_get("version")?,
        visibility: r.try_get("visibility")?,
        closed: r.try_get::<i64, _>("closed")? != 0,
        archived: r.try_get::<i64, _>("archived")? != 0,
    })
}

/// Edits a post (its author or a moderator; `If-Match` honoured); the new text becomes
/// the next revision.
#[utoipa::path(patch, path = "/posts/{id}", tag = "forum",
    params(("id" = String, Path), ("If-Match" = Option<String>, Header)), request_body = PostBody,
    responses((status = 200, body = Post, headers(("ETag" = String))),
        (status = 401, body = crate::http::problem::Problem), (status = 403, body = crate::http::problem::Problem),
        (status = 404, body = crate::http::problem::Problem), (status = 409, body = crate::http::problem::Problem),
        (status = 412, body = crate::http::problem::Problem), (status = 422, body = crate::http::problem::Problem),
        (status = 423, body = crate::http::problem::Problem)))]
pub async fn patch(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    headers: HeaderMap,
    Json(body): Json<PostBody>,
) -> ApiResult<Response> {
    let user = viewer.require_scope("forum:write")?;
    check(&state, &body.body)?;
    let mut tx = state.db.write.begin().await?;
    let cur = current(&mut tx, &viewer, &id).await?;
    may_change(&headers, &viewer, user, &cur.authored(&id), "edit")?;
    let moderator = viewer.is_moderator();
    if cur.visibility == "deleted" {
        return Err(ApiError::Conflict("The post is deleted.".into()));
    }
    if (cur.closed || cur.archived) && !moderator {
        return Err(ApiError::Locked("The topic is closed.".into()));
    }
    let now = now_ms();
    let html = render(&body.body);
    // The revision number follows the stored revisions, not `version` (likes bump that).
    let next: i64 = sqlx::query(
        "SELECT COALESCE(MAX(version), 0) + 1 AS next FROM post_revisions WHERE post_id = $1",
    )
    .bind(&id)
    .fetch_one(&mut *tx)
    .await?
    .try_get("next")?;
    sqlx::query(
        "UPDATE posts SET body = $1, body_html = $2, renderer = $3, version = version + 1, updated_at = $4 WHERE id = $5",
    )
    .bind(&body.body)
    .bind(&html)
    .bind(RENDERER_VERSION)
    .bind(now)
    .bind(&id)
    .execute(&mut *tx)
    .await?;
    revision(&mut tx, &id, next, &body.body, &html, &user.id, now).await?;
    append(
        &mut tx,
        None,
        None,
        Some(&user.id),
        "post.edited",
        json!({"topic": cur.topic_id, "post": id, "revision": next}),
    )
    .await?;
    tx.commit().await?;
    let p = load(&state.db.read, &viewer, &id).await?;
    Ok(with_etag(p.etag(), &p))
}

/// Deletes a post (its author or a moderator); a tombstone stays in the topic.
#[utoipa::path(delete, path = "/posts/{id}", tag = "forum",
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
    let user = viewer.require_scope("forum:write")?;
    let mut tx = state.db.write.begin().await?;
    let cur = current(&mut tx, &viewer, &id).await?;
    may_change(&headers, &viewer, user, &cur.authored(&id), "delete")?;
    if cur.visibility == "deleted" {
        return Ok(StatusCode::NO_CONTENT);
    }
    let now = now_ms();
    tombstone(&mut tx, "posts", &id, &user.id, now).await?;
    sqlx::query("UPDATE topics SET version = version + 1, updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(&cur.topic_id)
        .execute(&mut *tx)
        .await?;
    append(
        &mut tx,
        None,
        None,
        Some(&user.id),
        "post.deleted",
        json!({"topic": cur.topic_id, "post": id}),
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The edit history of a post, oldest first (404 for deleted posts unless moderator:
/// deleting a post removes its text from public view, revisions included).
#[utoipa::path(get, path = "/posts/{id}/revisions", tag = "forum",
    params(("id" = String, Path), PageQuery),
    responses((status = 200, body = Page<Revision>, headers(("Link" = String), ("ETag" = String))),
        (status = 304), (status = 404, body = crate::http::problem::Problem)))]
pub async fn revisions(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let post = load(&state.db.read, &viewer, &id).await?;
    if post.visibility == "deleted" && !viewer.is_moderator() {
        return Err(ApiError::NotFound);
    }
    let limit = limit(q.limit)?;
    let mut s = Sql::new(
        "SELECT r.version, r.body, r.body_html, r.created_at, r.editor_id, u.username, u.display_name \
         FROM post_revisions r JOIN users u ON u.id = r.editor_id WHERE r.post_id = ",
    );
    s.bind(&id);
    if let Some(c) = &q.cursor {
        let c = Cursor::decode(c)?;
        s.push(" AND r.version > ").bind(c.key);
    }
    s.push(" ORDER BY r.version LIMIT ").bind(limit + 1);
    let rows = s.query().fetch_all(&state.db.read).await?;
    let mut items = Vec::new();
    for r in rows.iter().take(limit as usize) {
        items.push(Revision {
            version: r.try_get("version")?,
            body: r.try_get("body")?,
            body_html: r.try_get("body_html")?,
            editor: UserRef {
                id: r.try_get("editor_id")?,
                username: r.try_get("username")?,
                display_name: r.try_get("display_name")?,
            },
            created_at: rfc3339(r.try_get("created_at")?),
        });
    }
    let next_cursor = (rows.len() as i64 > limit)
        .then(|| items.last())
        .flatten()
        .map(|r: &Revision| {
            Cursor {
                key: r.version,
                id: id.clone(),
            }
            .encode()
        });
    let extra = next_link_header(&uri, next_cursor.as_deref());
    json_with_etag(
        &headers,
        None,
        viewer.user.is_some(),
        extra,
        &Page { items, next_cursor },
    )
}

async fn like(state: &AppState, viewer: &Viewer, id: &str, add: bool) -> ApiResult<StatusCode> {
    let user = viewer.require_scope("forum:write")?;
    let mut tx = state.db.write.begin().await?;
    let cur = current(&mut tx, viewer, id).await?;
    if cur.visibility == "deleted" {
        return Err(ApiError::Conflict("The post is deleted.".into()));
    }
    let changed =
        crate::tickets::extras::set_reaction(&mut tx, "post", id, &user.id, "like", add).await?;
    if changed {
        sqlx::query("UPDATE posts SET version = version + 1 WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        append(
            &mut tx,
            None,
            None,
            Some(&user.id),
            if add { "post.liked" } else { "post.unliked" },
            json!({"topic": cur.topic_id, "post": id}),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Likes a post (idempotent).
#[utoipa::path(put, path = "/posts/{id}/like", tag = "forum",
    params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = crate::http::problem::Problem),
        (status = 403, body = crate::http::problem::Problem), (status = 404, body = crate::http::problem::Problem),
        (status = 409, body = crate::http::problem::Problem)))]
pub async fn put_like(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    like(&state, &viewer, &id, true).await
}

/// Takes a like back (idempotent).
#[utoipa::path(delete, path = "/posts/{id}/like", tag = "forum",
    params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = crate::http::problem::Problem),
        (status = 403, body = crate::http::problem::Problem), (status = 404, body = crate::http::problem::Problem),
        (status = 409, body = crate::http::problem::Problem)))]
pub async fn delete_like(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    like(&state, &viewer, &id, false).await
}
