//! The forum (Discourse's category → topic → post model): categories come from the
//! configuration (general ones plus one per catalogue entry), topics and posts from the
//! database, always read through the visibility predicate. Topics are in `topics`, posts,
//! revisions and likes in `posts`.

pub mod posts;
pub mod topics;

use crate::auth::{UserRef, Viewer};
use crate::db::Sql;
use crate::http::cond::{json_with_etag, row_etag};
use crate::http::problem::{ApiError, ApiResult};
use crate::state::AppState;
use crate::timefmt::rfc3339;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use utoipa::ToSchema;

/// A category's name in both languages.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Names {
    pub de: String,
    pub en: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Category {
    pub slug: String,
    pub name: Names,
    /// `general` (from the configuration) or `project` (a catalogue entry).
    pub kind: String,
}

/// The general categories first (in configured order), then one per catalogue entry
/// (sorted by slug, named like the entry; by its slug when the name is unknown).
pub fn categories(state: &AppState) -> Vec<Category> {
    let mut list: Vec<Category> = state
        .config
        .categories
        .iter()
        .map(|c| Category {
            slug: c.slug.clone(),
            name: Names {
                de: c.de.clone(),
                en: c.en.clone(),
            },
            kind: "general".into(),
        })
        .collect();
    let mut projects: Vec<&String> = state
        .projects
        .iter()
        .filter(|p| !state.config.categories.iter().any(|c| &c.slug == *p))
        .collect();
    projects.sort();
    list.extend(projects.into_iter().map(|p| {
        let name = state.config.project_names.get(p).unwrap_or(p);
        Category {
            slug: p.clone(),
            name: Names {
                de: name.clone(),
                en: name.clone(),
            },
            kind: "project".into(),
        }
    }));
    list
}

/// 404 unless `slug` is a general category or a catalogue entry of this instance.
pub fn check_category(state: &AppState, slug: &str) -> ApiResult<()> {
    if state.config.categories.iter().any(|c| c.slug == slug) {
        return Ok(());
    }
    crate::tickets::check_project(state, slug)
}

/// The catalogue entry a category belongs to (`None` for the general categories), for
/// the entry's interaction limit.
pub fn project_of<'a>(state: &AppState, category: &'a str) -> Option<&'a str> {
    (!state.config.categories.iter().any(|c| c.slug == category)).then_some(category)
}

/// The forum's categories.
#[utoipa::path(get, path = "/categories", tag = "forum",
    responses((status = 200, body = crate::http::page::Page<Category>, headers(("ETag" = String))),
        (status = 304)))]
pub async fn list_categories(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let page = crate::http::page::Page {
        items: categories(&state),
        next_cursor: None,
    };
    json_with_etag(&headers, None, viewer.user.is_some(), Vec::new(), &page)
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Topic {
    pub id: String,
    /// The category slug.
    pub category: String,
    pub title: String,
    pub author: UserRef,
    /// No new posts (moderators still may post).
    pub closed: bool,
    /// Listed first in its category.
    pub pinned: bool,
    /// Read-only for everyone.
    pub archived: bool,
    /// Minimum seconds between two posts of one user in this topic (0: off).
    pub slow_mode_seconds: i64,
    /// `public`, `hidden` (moderation) or `deleted`.
    pub visibility: String,
    /// Posts including the first one and tombstones.
    pub posts_count: i64,
    pub last_posted_at: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Option<String>,
}

impl Topic {
    pub fn etag(&self) -> String {
        row_etag("topic", &self.id, self.version)
    }
}

pub const TOPIC_COLUMNS: &str = "t.id, t.category, t.title, t.author_id, t.closed, t.pinned, \
    t.archived, t.slow_mode_seconds, t.visibility, t.posts_count, t.last_posted_at, t.version, \
    t.created_at, t.updated_at, t.deleted_at, u.username, u.display_name";

pub fn topic_from_row(r: &AnyRow) -> Result<Topic, sqlx::Error> {
    Ok(Topic {
        id: r.try_get("id")?,
        category: r.try_get("category")?,
        title: r.try_get("title")?,
        author: UserRef {
            id: r.try_get("author_id")?,
            username: r.try_get("username")?,
            display_name: r.try_get("display_name")?,
        },
        closed: r.try_get::<i64, _>("closed")? != 0,
        pinned: r.try_get::<i64, _>("pinned")? != 0,
        archived: r.try_get::<i64, _>("archived")? != 0,
        slow_mode_seconds: r.try_get("slow_mode_seconds")?,
        visibility: r.try_get("visibility")?,
        posts_count: r.try_get("posts_count")?,
        last_posted_at: rfc3339(r.try_get("last_posted_at")?),
        version: r.try_get("version")?,
        created_at: rfc3339(r.try_get("created_at")?),
        updated_at: rfc3339(r.try_get("updated_at")?),
        deleted_at: r.try_get::<Option<i64>, _>("deleted_at")?.map(rfc3339),
    })
}

/// One visible topic by id (404 otherwise).
pub async fn load_topic<'e, E>(ex: E, viewer: &Viewer, id: &str) -> ApiResult<Topic>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let mut s = Sql::new(&format!(
        "SELECT {TOPIC_COLUMNS} FROM topics t JOIN users u ON u.id = t.author_id WHERE t.id = "
    ));
    s.bind(id);
    let visible = crate::visibility::topic(viewer, &mut s, "t");
    s.push(" AND ").push(&visible);
    let r = s
        .query()
        .fetch_optional(ex)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(topic_from_row(&r)?)
}
