//! Reports and the review queue: `POST /reports`, `GET /moderation/queue`,
//! `POST /moderation/queue/{id}/decision`. A target reported by `report_hide_threshold`
//! distinct users is hidden pending review (Discourse's pattern); every decision stores
//! its reason and lands in the audit log in the same transaction.

use super::{audit, sanctions};
use crate::auth::{UserRef, Viewer};
use crate::db::{Sql, new_id, now_ms};
use crate::http::cond::json_with_etag;
use crate::http::json::Json;
use crate::http::page::{Page, cursor_after, keyset_page, limit, next_link_header};
use crate::http::problem::{ApiError, ApiResult, FieldError};
use crate::state::AppState;
use crate::timefmt::rfc3339;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};

pub const TARGETS: [&str; 5] = ["ticket", "comment", "topic", "post", "user"];
pub const REASONS: [&str; 5] = ["spam", "off_topic", "inappropriate", "illegal", "other"];
/// Anonymous reports per minute and client address.
const ANONYMOUS_PER_MINUTE: u32 = 5;
pub const ACTIONS: [&str; 7] = [
    "approve", "hide", "delete", "restore", "dismiss", "silence", "suspend",
];

/// The table of a content target (users have no visibility).
fn table(kind: &str) -> Option<&'static str> {
    match kind {
        "ticket" => Some("tickets"),
        "comment" => Some("comments"),
        "topic" => Some("topics"),
        "post" => Some("posts"),
        _ => None,
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Target {
    /// `ticket`, `comment`, `topic`, `post` or `user` (`kind` accepted on input).
    #[serde(rename = "type", alias = "kind")]
    pub kind: String,
    pub id: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReport {
    /// What is reported; alternatively the flat `target_type` + `target_id`.
    pub target: Option<Target>,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    /// `spam`, `off_topic`, `inappropriate`, `illegal` or `other`.
    pub reason: String,
    /// Free text (required for `illegal` and `other`), at most 4,000 characters.
    #[serde(default)]
    pub text: String,
    /// Anonymous reports (reason `illegal` only): a solved `GET /reports/challenge`.
    pub proof: Option<super::pow::Proof>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportCreated {
    pub id: String,
    /// The queue item the report joined.
    pub item_id: String,
    /// Whether the target is now hidden pending review.
    pub hidden: bool,
}

/// The author of a target the reporter can see (404 when they cannot).
async fn target_author(
    tx: &mut Transaction<'_, Any>,
    viewer: &Viewer,
    t: &Target,
) -> ApiResult<String> {
    let s = match t.kind.as_str() {
        "ticket" => {
            let mut s = Sql::new("SELECT t.author_id FROM tickets t WHERE t.id = ");
            s.bind(&t.id);
            let v = crate::visibility::ticket(viewer, &mut s, "t");
            s.push(" AND ").push(&v);
            s
        }
        "comment" => {
            let mut s = Sql::new(
                "SELECT c.author_id FROM comments c JOIN tickets t ON t.id = c.ticket_id WHERE c.id = ",
            );
            s.bind(&t.id);
            let v = crate::visibility::comment(viewer, &mut s, "c", "t");
            s.push(" AND ").push(&v);
            s
        }
        "topic" => {
            let mut s = Sql::new("SELECT t.author_id FROM topics t WHERE t.id = ");
            s.bind(&t.id);
            let v = crate::visibility::topic(viewer, &mut s, "t");
            s.push(" AND ").push(&v);
            s
        }
        "post" => {
            let mut s = Sql::new(
                "SELECT p.author_id FROM posts p JOIN topics t ON t.id = p.topic_id WHERE p.id = ",
            );
            s.bind(&t.id);
            let v = crate::visibility::post(viewer, &mut s, "p", "t");
            s.push(" AND ").push(&v);
            s
        }
        _ => {
            let mut s = Sql::new("SELECT id AS author_id FROM users WHERE id = ");
            s.bind(&t.id);
            s
        }
    };
    let r = s
        .query()
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(r.try_get("author_id")?)
}

/// Reports a ticket, comment, topic, post or user (one open report per user and target).
/// Without sign-in only reason `illegal` is accepted, with a solved proof-of-work
/// challenge and a per-IP budget.
#[utoipa::path(post, path = "/reports", tag = "moderation",
    request_body = NewReport,
    responses((status = 201, body = ReportCreated), (status = 401, body = crate::http::problem::Problem),
        (status = 404, body = crate::http::problem::Problem), (status = 409, body = crate::http::problem::Problem),
        (status = 422, body = crate::http::problem::Problem), (status = 429, body = crate::http::problem::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    extensions: axum::http::Extensions,
    headers: HeaderMap,
    Json(body): Json<NewReport>,
) -> ApiResult<Response> {
    let reporter = match &viewer.user {
        Some(u) => Some(u.id.clone()),
        None => {
            if body.reason != "illegal" {
                return Err(ApiError::Unauthorized(
                    "Sign in to report; only illegal content can be reported anonymously.".into(),
                ));
            }
            let ip = crate::http::layers::client_ip(&state, &headers, &extensions)
                .map(|a| a.to_string())
                .unwrap_or_default();
            if let Err(wait) = state
                .limiter
                .take("anonymous-reports", &ip, ANONYMOUS_PER_MINUTE)
            {
                return Err(ApiError::TooSoon(
                    format!(
                        "At most {ANONYMOUS_PER_MINUTE} anonymous reports per minute from one address."
                    ),
                    wait,
                ));
            }
            let proof = body
                .proof
                .as_ref()
                .ok_or_else(|| ApiError::missing("proof"))?;
            super::pow::check(&state.pow_secret[..], proof)?;
            None
        }
    };
    let target = match (&body.target, &body.target_type, &body.target_id) {
        (Some(t), None, None) => t.clone(),
        (None, Some(kind), Some(id)) => Target {
            kind: kind.clone(),
            id: id.clone(),
        },
        _ => return Err(ApiError::missing("target")),
    };
    let mut errors = Vec::new();
    if !TARGETS.contains(&target.kind.as_str()) {
        errors.push(FieldError::new(
            "target.kind",
            "invalid",
            "ticket, comment, topic, post or user",
        ));
    }
    if !REASONS.contains(&body.reason.as_str()) {
        errors.push(FieldError::new(
            "reason",
            "invalid",
            "spam, off_topic, inappropriate, illegal or other",
        ));
    }
    if ["illegal", "other"].contains(&body.reason.as_str()) && body.text.trim().is_empty() {
        errors.push(FieldError::new(
            "text",
            "missing_field",
            "explain what is wrong",
        ));
    }
    if body.text.chars().count() > 4000 {
        errors.push(FieldError::new(
            "text",
            "invalid",
            "at most 4000 characters",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let t = &target;
    let mut tx = state.db.write.begin().await?;
    target_author(&mut tx, &viewer, t).await?;
    match (&reporter, &body.proof) {
        (Some(uid), _) => {
            let open: i64 = sqlx::query(
                "SELECT COUNT(*) AS n FROM reports WHERE target_kind = $1 AND target_id = $2 AND reporter_id = $3 AND state = 'open'",
            )
            .bind(&t.kind)
            .bind(&t.id)
            .bind(uid)
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
            if open > 0 {
                return Err(ApiError::Conflict(
                    "You already reported this; the moderation has not decided yet.".into(),
                ));
            }
            // A daily budget (Discourse's max_flags_per_day), so reports cannot be used to
            // flood the queue or to hide content by volume.
            let today: i64 = sqlx::query(
                "SELECT COUNT(*) AS n FROM reports WHERE reporter_id = $1 AND created_at > $2",
            )
            .bind(uid)
            .bind(now_ms() - 86_400_000)
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
            let budget = state.config.limits.reports_per_day;
            if today >= i64::from(budget) && !viewer.is_moderator() {
                let dry = state.config.limits.is_dry_run("reports");
                state.metrics.throttled("reports", dry);
                if !dry {
                    return Err(ApiError::TooSoon(
                        format!(
                            "At most {budget} reports a day; the moderation is looking at yours."
                        ),
                        3600,
                    ));
                }
                tracing::warn!(reporter = %uid, "dry run: this report would have been refused (429)");
            }
        }
        (None, Some(proof)) => {
            let spent = sqlx::query(
                "INSERT INTO pow_spent (challenge, created_at) VALUES ($1, $2) ON CONFLICT (challenge) DO NOTHING",
            )
            .bind(&proof.challenge)
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
            if spent.rows_affected() == 0 {
                return Err(ApiError::Conflict(
                    "This challenge was already used; fetch a new one.".into(),
                ));
            }
        }
        (None, None) => return Err(ApiError::missing("proof")),
    }
    let now = now_ms();
    let item: Option<String> = sqlx::query(
        "SELECT id FROM review_items WHERE target_kind = $1 AND target_id = $2 AND state = 'pending'",
    )
    .bind(&t.kind)
    .bind(&t.id)
    .fetch_optional(&mut *tx)
    .await?
    .map(|r| r.try_get("id"))
    .transpose()?;
    let item_id = match item {
        Some(id) => {
            sqlx::query(
                "UPDATE review_items SET reports_count = reports_count + 1, version = version + 1, updated_at = $1 WHERE id = $2",
            )
            .bind(now)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
            id
        }
        None => {
            let id = new_id();
            sqlx::query(
                "INSERT INTO review_items (id, target_kind, target_id, state, source, reports_count, version, created_at, updated_at)
                 VALUES ($1, $2, $3, 'pending', 'reports', 1, 1, $4, $4)",
            )
            .bind(&id)
            .bind(&t.kind)
            .bind(&t.id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            id
        }
    };
    let id = new_id();
    sqlx::query(
        "INSERT INTO reports (id, item_id, target_kind, target_id, reporter_id, reason, text, state, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8)",
    )
    .bind(&id)
    .bind(&item_id)
    .bind(&t.kind)
    .bind(&t.id)
    .bind(reporter.as_deref())
    .bind(&body.reason)
    .bind(body.text.trim())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        reporter.as_deref(),
        "report.created",
        (&t.kind, &t.id),
        Some(&body.reason),
        json!({"report": id, "item": item_id}),
    )
    .await?;
    // Hide pending review once enough distinct people reported it.
    let reporters: i64 = sqlx::query(
        "SELECT COUNT(DISTINCT reporter_id) AS n FROM reports WHERE item_id = $1 AND reporter_id IS NOT NULL",
    )
    .bind(&item_id)
    .fetch_one(&mut *tx)
    .await?
    .try_get("n")?;
    let mut hidden = false;
    if let Some(table) = table(&t.kind)
        && reporters >= i64::from(state.config.moderation.hide_threshold)
    {
        let done = sqlx::query(&format!(
            "UPDATE {table} SET visibility = 'hidden', version = version + 1 WHERE id = $1 AND visibility = 'public'"
        ))
        .bind(&t.id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() > 0 {
            hidden = true;
            audit::record(
                &mut tx,
                None,
                "content.hidden_by_reports",
                (&t.kind, &t.id),
                None,
                json!({"item": item_id, "reporters": reporters}),
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(ReportCreated {
            id,
            item_id,
            hidden,
        }),
    )
        .into_response())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportView {
    pub id: String,
    /// Null for anonymous reports.
    pub reporter: Option<UserRef>,
    pub reason: String,
    pub text: String,
    pub created_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueueItem {
    pub id: String,
    pub target: Target,
    /// `pending`, `approved` (action taken) or `rejected` (dismissed).
    pub state: String,
    /// `reports`, `pre_moderation` (an account's first contributions) or `spam_check`
    /// (held by the spam heuristics).
    pub source: String,
    pub reports_count: i64,
    pub reports: Vec<ReportView>,
    /// The start of the reported text (title for topics, username for users), so the
    /// queue can be worked without opening every target.
    pub excerpt: Option<String>,
    /// The decision: approve, hide, delete, restore, dismiss, silence or suspend.
    pub action: Option<String>,
    /// The stated reason of the decision (shown to the author).
    pub reason: Option<String>,
    pub decided_by: Option<UserRef>,
    pub decided_at: Option<String>,
    pub version: i64,
    pub created_at: String,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// `pending` (default), `approved`, `rejected` or `all`.
    pub state: Option<String>,
    /// 1–100, default 20.
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

const ITEM_COLUMNS: &str = "i.id, i.target_kind, i.target_id, i.state, i.source, i.reports_count, \
    i.action, i.reason, i.decided_by, i.decided_at, i.version, i.created_at, \
    d.username AS d_username, d.display_name AS d_display_name";

fn item_from_row(r: &sqlx::any::AnyRow) -> Result<QueueItem, sqlx::Error> {
    let decided_by: Option<String> = r.try_get("decided_by")?;
    Ok(QueueItem {
        id: r.try_get("id")?,
        target: Target {
            kind: r.try_get("target_kind")?,
            id: r.try_get("target_id")?,
        },
        state: r.try_get("state")?,
        source: r.try_get("source")?,
        reports_count: r.try_get("reports_count")?,
        reports: Vec::new(),
        excerpt: None,
        action: r.try_get("action")?,
        reason: r.try_get("reason")?,
        decided_by: match decided_by {
            Some(id) => Some(UserRef {
                id,
                username: r.try_get("d_username")?,
                display_name: r.try_get("d_display_name")?,
            }),
            None => None,
        },
        decided_at: r.try_get::<Option<i64>, _>("decided_at")?.map(rfc3339),
        version: r.try_get("version")?,
        created_at: rfc3339(r.try_get("created_at")?),
    })
}

const EXCERPT_CHARS: usize = 500;

/// Fills `excerpt` (one query per item; pages hold at most 100).
async fn add_excerpts(db: &sqlx::AnyPool, items: &mut [QueueItem]) -> ApiResult<()> {
    for i in items {
        let sql = match i.target.kind.as_str() {
            "ticket" => "SELECT title || ': ' || body AS x FROM tickets WHERE id = $1",
            "comment" => "SELECT body AS x FROM comments WHERE id = $1",
            "topic" => "SELECT title AS x FROM topics WHERE id = $1",
            "post" => "SELECT body AS x FROM posts WHERE id = $1",
            _ => "SELECT username AS x FROM users WHERE id = $1",
        };
        let text: Option<String> = sqlx::query(sql)
            .bind(&i.target.id)
            .fetch_optional(db)
            .await?
            .map(|r| r.try_get("x"))
            .transpose()?;
        i.excerpt = text.map(|t| t.chars().take(EXCERPT_CHARS).collect());
    }
    Ok(())
}

async fn add_reports(db: &sqlx::AnyPool, items: &mut [QueueItem]) -> ApiResult<()> {
    if items.is_empty() {
        return Ok(());
    }
    let mut s = Sql::new(
        "SELECT r.id, r.item_id, r.reporter_id, r.reason, r.text, r.created_at, u.username, u.display_name \
         FROM reports r LEFT JOIN users u ON u.id = r.reporter_id WHERE r.item_id IN (",
    );
    let ps: Vec<String> = items.iter().map(|i| s.arg(&i.id)).collect();
    s.push(&ps.join(", ")).push(") ORDER BY r.created_at, r.id");
    let mut map: HashMap<String, Vec<ReportView>> = HashMap::new();
    for r in s.query().fetch_all(db).await? {
        let reporter_id: Option<String> = r.try_get("reporter_id")?;
        map.entry(r.try_get("item_id")?)
            .or_default()
            .push(ReportView {
                id: r.try_get("id")?,
                reporter: match reporter_id {
                    Some(id) => Some(UserRef {
                        id,
                        username: r.try_get("username")?,
                        display_name: r.try_get("display_name")?,
                    }),
                    None => None,
                },
                reason: r.try_get("reason")?,
                text: r.try_get("text")?,
                created_at: rfc3339(r.try_get("created_at")?),
            });
    }
    for i in items {
        i.reports = map.remove(&i.id).unwrap_or_default();
    }
    Ok(())
}

/// The review queue, oldest first (moderators).
#[utoipa::path(get, path = "/moderation/queue", tag = "moderation",
    params(QueueQuery),
    responses((status = 200, body = Page<QueueItem>, headers(("Link" = String), ("ETag" = String))),
        (status = 401, body = crate::http::problem::Problem), (status = 403, body = crate::http::problem::Problem),
        (status = 422, body = crate::http::problem::Problem)))]
pub async fn queue(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<QueueQuery>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    viewer.require_moderator()?;
    let limit = limit(q.limit)?;
    let mut s = Sql::new(&format!(
        "SELECT {ITEM_COLUMNS} FROM review_items i LEFT JOIN users d ON d.id = i.decided_by WHERE 1 = 1"
    ));
    match q.state.as_deref().unwrap_or("pending") {
        "all" => {}
        st @ ("pending" | "approved" | "rejected") => {
            s.push(" AND i.state = ").bind(st);
        }
        _ => {
            return Err(ApiError::invalid(
                "state",
                "pending, approved, rejected or all",
            ));
        }
    }
    keyset_page(
        &mut s,
        q.cursor.as_deref(),
        "i.created_at",
        "i.id",
        false,
        limit,
    )?;
    let rows = s.query().fetch_all(&state.db.read).await?;
    let mut items = Vec::new();
    let mut last_key = 0;
    for r in rows.iter().take(limit as usize) {
        last_key = r.try_get("created_at")?;
        items.push(item_from_row(r)?);
    }
    let next_cursor = cursor_after(
        rows.len() as i64 > limit,
        last_key,
        items.last().map(|i| i.id.as_str()),
    );
    add_reports(&state.db.read, &mut items).await?;
    add_excerpts(&state.db.read, &mut items).await?;
    let extra = next_link_header(&uri, next_cursor.as_deref());
    json_with_etag(&headers, None, true, extra, &Page { items, next_cursor })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// `approve` (publish held content), `hide`, `delete`, `restore`, `dismiss`, `silence`
    /// or `suspend` (the last two apply to the target's author, or the user when the target
    /// is a user).
    pub action: String,
    /// Required; stored and shown as the statement of reasons.
    pub reason: String,
    /// For `silence` and `suspend`: 1 hour to 365 days (default 7 days).
    pub duration_hours: Option<i64>,
}

/// Decides a pending queue item (moderators); reports on it are closed.
#[utoipa::path(post, path = "/moderation/queue/{id}/decision", tag = "moderation",
    params(("id" = String, Path)), request_body = Decision,
    responses((status = 200, body = QueueItem), (status = 401, body = crate::http::problem::Problem),
        (status = 403, body = crate::http::problem::Problem), (status = 404, body = crate::http::problem::Problem),
        (status = 409, body = crate::http::problem::Problem), (status = 422, body = crate::http::problem::Problem)))]
pub async fn decide(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Json(body): Json<Decision>,
) -> ApiResult<Response> {
    let me = viewer.require_moderator()?;
    let mut errors = Vec::new();
    if !ACTIONS.contains(&body.action.as_str()) {
        errors.push(FieldError::new(
            "action",
            "invalid",
            "approve, hide, delete, restore, dismiss, silence or suspend",
        ));
    }
    if body.reason.trim().is_empty() {
        errors.push(FieldError::new(
            "reason",
            "missing_field",
            "every decision states its reason",
        ));
    }
    let hours = body.duration_hours.unwrap_or(7 * 24);
    if !(1..=365 * 24).contains(&hours) {
        errors.push(FieldError::new(
            "duration_hours",
            "invalid",
            "between 1 and 8760 hours",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let reason = body.reason.trim();
    let mut tx = state.db.write.begin().await?;
    let r = sqlx::query("SELECT target_kind, target_id, state FROM review_items WHERE id = $1")
        .bind(&id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(ApiError::NotFound)?;
    let kind: String = r.try_get("target_kind")?;
    let target_id: String = r.try_get("target_id")?;
    let st: String = r.try_get("state")?;
    if st != "pending" {
        return Err(ApiError::Conflict(format!("The item is already {st}.")));
    }
    let target = Target {
        kind: kind.clone(),
        id: target_id.clone(),
    };
    let author = target_author(&mut tx, &viewer, &target).await?;
    let now = now_ms();
    let content = table(&kind);
    let new_state = match (body.action.as_str(), content) {
        // Publishes held content (pre-moderation, spam check) and accepts it as it is.
        ("approve", Some(t)) => {
            sqlx::query(&format!(
                "UPDATE {t} SET visibility = 'public', version = version + 1 WHERE id = $1 AND visibility = 'hidden'"
            ))
            .bind(&target_id)
            .execute(&mut *tx)
            .await?;
            "approved"
        }
        ("hide", Some(t)) => {
            sqlx::query(&format!(
                "UPDATE {t} SET visibility = 'hidden', version = version + 1 WHERE id = $1 AND visibility <> 'deleted'"
            ))
            .bind(&target_id)
            .execute(&mut *tx)
            .await?;
            "approved"
        }
        ("delete", Some(t)) => {
            sqlx::query(&format!(
                "UPDATE {t} SET visibility = 'deleted', deleted_at = $1, deleted_by = $2, deleted_reason = $3,
                    version = version + 1 WHERE id = $4"
            ))
            .bind(now)
            .bind(&me.id)
            .bind(reason)
            .bind(&target_id)
            .execute(&mut *tx)
            .await?;
            "approved"
        }
        ("restore" | "dismiss", _) => {
            if let Some(t) = content {
                sqlx::query(&format!(
                    "UPDATE {t} SET visibility = 'public', version = version + 1 WHERE id = $1 AND visibility = 'hidden'"
                ))
                .bind(&target_id)
                .execute(&mut *tx)
                .await?;
            }
            "rejected"
        }
        ("silence" | "suspend", _) => {
            let k = if body.action == "silence" {
                "silence"
            } else {
                "suspension"
            };
            sanctions::impose(&mut tx, &me.id, &author, k, reason, hours).await?;
            "approved"
        }
        _ => {
            return Err(ApiError::invalid(
                "action",
                "users can only be silenced, suspended or the report dismissed",
            ));
        }
    };
    sqlx::query(
        "UPDATE review_items SET state = $1, action = $2, reason = $3, decided_by = $4, decided_at = $5,
            version = version + 1, updated_at = $5 WHERE id = $6",
    )
    .bind(new_state)
    .bind(&body.action)
    .bind(reason)
    .bind(&me.id)
    .bind(now)
    .bind(&id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE reports SET state = 'closed' WHERE item_id = $1")
        .bind(&id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        Some(&me.id),
        "queue.decided",
        (&kind, &target_id),
        Some(reason),
        json!({"item": id, "action": body.action, "state": new_state}),
    )
    .await?;
    tx.commit().await?;
    let mut s = Sql::new(&format!(
        "SELECT {ITEM_COLUMNS} FROM review_items i LEFT JOIN users d ON d.id = i.decided_by WHERE i.id = "
    ));
    s.bind(&id);
    let r = s.query().fetch_one(&state.db.write).await?;
    let mut items = vec![item_from_row(&r)?];
    add_reports(&state.db.write, &mut items).await?;
    add_excerpts(&state.db.write, &mut items).await?;
    Ok(axum::Json(items.remove(0)).into_response())
}
