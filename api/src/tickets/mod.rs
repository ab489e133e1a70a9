//! Tickets per catalogue entry (`/projects/{slug}/…`): the representation, loading through
//! the visibility predicate, and the routes. Writes are in `write`, lists in `list`,
//! comments in `comments`, lock/reactions/subscriptions/timeline in `extras`, labels and
//! milestones in `labels`.

pub mod comments;
pub mod extras;
pub mod labels;
pub mod list;
pub mod templates;
pub mod write;

use crate::auth::{UserRef, Viewer};
use crate::db::Sql;
use crate::http::problem::{ApiError, ApiResult};
use crate::state::AppState;
use crate::timefmt::rfc3339;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;

/// GitHub's eight reactions.
pub const REACTIONS: [&str; 8] = [
    "+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes",
];

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LabelRef {
    pub id: String,
    pub name: String,
    pub color: String,
    pub description: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MilestoneRef {
    pub id: String,
    pub title: String,
    pub state: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Ticket {
    pub id: String,
    pub project: String,
    pub number: i64,
    pub title: String,
    /// Markdown as written.
    pub body: String,
    /// Sanitised HTML rendered at write time.
    pub body_html: String,
    /// `open` or `closed`.
    pub state: String,
    /// `completed`, `not_planned`, `duplicate` (closed) or `reopened`.
    pub state_reason: Option<String>,
    /// The ticket number this one duplicates (state_reason `duplicate`).
    pub duplicate_of: Option<i64>,
    pub author: UserRef,
    pub labels: Vec<LabelRef>,
    pub assignees: Vec<UserRef>,
    pub milestone: Option<MilestoneRef>,
    pub confidential: bool,
    /// `public`, `hidden` (moderation) or `deleted`.
    pub visibility: String,
    pub locked: bool,
    pub lock_reason: Option<String>,
    pub comments_count: i64,
    /// Count per reaction kind (only kinds with at least one).
    pub reactions: BTreeMap<String, i64>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub closed_at: Option<String>,
    pub deleted_at: Option<String>,
}

impl Ticket {
    pub fn etag(&self) -> String {
        crate::http::cond::row_etag("ticket", &self.id, self.version)
    }
}

pub const TICKET_COLUMNS: &str = "t.id, t.project, t.number, t.title, t.body, t.body_html, t.state, \
    t.state_reason, t.duplicate_of, t.author_id, t.milestone_id, t.confidential, t.visibility, \
    t.locked, t.locked_reason, t.comments_count, t.version, t.created_at, t.updated_at, \
    t.closed_at, t.deleted_at, u.username AS author_username, u.display_name AS author_display_name";

/// A ticket row without its related lists (filled by [`hydrate`]).
fn from_row(r: &AnyRow) -> Result<(Ticket, Option<String>), sqlx::Error> {
    let milestone_id: Option<String> = r.try_get("milestone_id")?;
    Ok((
        Ticket {
            id: r.try_get("id")?,
            project: r.try_get("project")?,
            number: r.try_get("number")?,
            title: r.try_get("title")?,
            body: r.try_get("body")?,
            body_html: r.try_get("body_html")?,
            state: r.try_get("state")?,
            state_reason: r.try_get("state_reason")?,
            duplicate_of: r.try_get("duplicate_of")?,
            author: UserRef {
                id: r.try_get("author_id")?,
                username: r.try_get("author_username")?,
                display_name: r.try_get("author_display_name")?,
            },
            labels: Vec::new(),
            assignees: Vec::new(),
            milestone: None,
            confidential: r.try_get::<i64, _>("confidential")? != 0,
            visibility: r.try_get("visibility")?,
            locked: r.try_get::<i64, _>("locked")? != 0,
            lock_reason: r.try_get("locked_reason")?,
            comments_count: r.try_get("comments_count")?,
            reactions: BTreeMap::new(),
            version: r.try_get("version")?,
            created_at: rfc3339(r.try_get("created_at")?),
            updated_at: rfc3339(r.try_get("updated_at")?),
            closed_at: r.try_get::<Option<i64>, _>("closed_at")?.map(rfc3339),
            deleted_at: r.try_get::<Option<i64>, _>("deleted_at")?.map(rfc3339),
        },
        milestone_id,
    ))
}

fn in_list(sql: &mut Sql, ids: &[String]) -> String {
    let parts: Vec<String> = ids.iter().map(|id| sql.arg(id)).collect();
    format!("({})", parts.join(", "))
}

/// Fills labels, assignees, milestone and reaction counts of many tickets with four
/// queries (not four per ticket).
pub async fn hydrate<'e, E>(ex: E, rows: Vec<(Ticket, Option<String>)>) -> ApiResult<Vec<Ticket>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any> + Copy,
{
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = rows.iter().map(|(t, _)| t.id.clone()).collect();
    let mut labels: HashMap<String, Vec<LabelRef>> = HashMap::new();
    let mut s = Sql::new(
        "SELECT tl.ticket_id, l.id, l.name, l.color, l.description FROM ticket_labels tl \
         JOIN labels l ON l.id = tl.label_id WHERE tl.ticket_id IN ",
    );
    let list = in_list(&mut s, &ids);
    s.push(&list).push(" ORDER BY l.name");
    for r in s.query().fetch_all(ex).await? {
        labels
            .entry(r.try_get("ticket_id")?)
            .or_default()
            .push(LabelRef {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                color: r.try_get("color")?,
                description: r.try_get("description")?,
            });
    }
    let mut assignees: HashMap<String, Vec<UserRef>> = HashMap::new();
    let mut s = Sql::new(
        "SELECT a.ticket_id, u.id, u.username, u.display_name FROM ticket_assignees a \
         JOIN users u ON u.id = a.user_id WHERE a.ticket_id IN ",
    );
    let list = in_list(&mut s, &ids);
    s.push(&list).push(" ORDER BY u.username");
    for r in s.query().fetch_all(ex).await? {
        assignees
            .entry(r.try_get("ticket_id")?)
            .or_default()
            .push(UserRef {
                id: r.try_get("id")?,
                username: r.try_get("username")?,
                display_name: r.try_get("display_name")?,
            });
    }
    let mut reactions: HashMap<String, BTreeMap<String, i64>> = HashMap::new();
    let mut s = Sql::new(
        "SELECT target_id, kind, COUNT(*) AS n FROM reactions WHERE target_kind = 'ticket' AND target_id IN ",
    );
    let list = in_list(&mut s, &ids);
    s.push(&list).push(" GROUP BY target_id, kind");
    for r in s.query().fetch_all(ex).await? {
        reactions
            .entry(r.try_get("target_id")?)
            .or_default()
            .insert(r.try_get("kind")?, r.try_get("n")?);
    }
    let milestone_ids: Vec<String> = rows.iter().filter_map(|(_, m)| m.clone()).collect();
    let mut milestones: HashMap<String, MilestoneRef> = HashMap::new();
    if !milestone_ids.is_empty() {
        let mut s = Sql::new("SELECT id, title, state FROM milestones WHERE id IN ");
        let list = in_list(&mut s, &milestone_ids);
        s.push(&list);
        for r in s.query().fetch_all(ex).await? {
            let m = MilestoneRef {
                id: r.try_get("id")?,
                title: r.try_get("title")?,
                state: r.try_get("state")?,
            };
            milestones.insert(m.id.clone(), m);
        }
    }
    Ok(rows
        .into_iter()
        .map(|(mut t, m)| {
            t.labels = labels.remove(&t.id).unwrap_or_default();
            t.assignees = assignees.remove(&t.id).unwrap_or_default();
            t.reactions = reactions.remove(&t.id).unwrap_or_default();
            t.milestone = m.and_then(|id| milestones.get(&id).cloned());
            t
        })
        .collect())
}

/// Project slugs: catalogue folder names (lower-case letters, digits, `-`).
pub fn valid_slug(slug: &str) -> bool {
    (1..=100).contains(&slug.len())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// 404 unless `slug` is a catalogue entry of this instance.
pub fn check_project(state: &AppState, slug: &str) -> ApiResult<()> {
    if !valid_slug(slug) || (!state.projects.is_empty() && !state.projects.contains(slug)) {
        return Err(ApiError::NotFound);
    }
    Ok(())
}

/// Loads one visible ticket by project and number (404 otherwise).
pub async fn load<'e, E>(ex: E, viewer: &Viewer, project: &str, number: i64) -> ApiResult<Ticket>
where
    E: sqlx::Executor<'e, Database = sqlx::Any> + Copy,
{
    let mut s = Sql::new(&format!(
        "SELECT {TICKET_COLUMNS} FROM tickets t JOIN users u ON u.id = t.author_id WHERE t.project = "
    ));
    s.bind(project).push(" AND t.number = ").bind(number);
    let visible = crate::visibility::ticket(viewer, &mut s, "t");
    s.push(" AND ").push(&visible);
    let row = s
        .query()
        .fetch_optional(ex)
        .await?
        .ok_or(ApiError::NotFound)?;
    let one = from_row(&row)?;
    Ok(hydrate(ex, vec![one]).await?.remove(0))
}
