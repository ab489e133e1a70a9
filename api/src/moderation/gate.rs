//! What every new ticket, comment, topic and post passes before it is stored, in the
//! transaction that stores it (api.md, «Moderation and anti-abuse», points 3, 5 and 6):
//!
//! 1. the project's interaction limit (GitHub-style, temporary);
//! 2. the content throttles: an interval between two contributions, an hourly cap and a
//!    daily budget, all stricter for new accounts (Discourse's first-day limits);
//! 3. the spam check (`SpamCheck`, local heuristics by default);
//! 4. pre-moderation of an unverified account's first N contributions.
//!
//! Moderators pass 1–4; trusted service tokens pass 2. What is held is stored hidden (its
//! author still sees it, per the visibility predicate) with a pending review item.

use super::interaction;
use super::spam::{Candidate, Verdict};
use crate::auth::{User, Viewer};
use crate::db::{new_id, now_ms};
use crate::http::problem::{ApiError, ApiResult};
use crate::state::AppState;
use serde_json::json;
use sqlx::{Any, Row, Transaction};

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Ticket,
    Comment,
    Topic,
    Post,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Ticket => "ticket",
            Kind::Comment => "comment",
            Kind::Topic => "topic",
            Kind::Post => "post",
        }
    }
    /// Tickets and topics start a thread; comments and posts answer one.
    fn starts_thread(self) -> bool {
        matches!(self, Kind::Ticket | Kind::Topic)
    }
}

/// A contribution about to be stored.
pub struct Contribution<'a> {
    pub kind: Kind,
    /// The catalogue entry it belongs to (tickets; comments; topics and posts in an
    /// entry's category), for its interaction limit.
    pub project: Option<&'a str>,
    /// Title and body.
    pub text: &'a str,
}

/// The gate's answer when the contribution may be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admission {
    Public,
    /// Stored hidden until a moderator approves; `source` names the rule
    /// (`pre_moderation` or `spam_check`), `why` is shown in the queue.
    Held {
        source: &'static str,
        why: String,
    },
}

impl Admission {
    /// The `visibility` column value to store.
    pub fn visibility(&self) -> &'static str {
        match self {
            Admission::Public => "public",
            Admission::Held { .. } => "hidden",
        }
    }
}

pub async fn admit(
    tx: &mut Transaction<'_, Any>,
    state: &AppState,
    viewer: &Viewer,
    user: &User,
    c: &Contribution<'_>,
) -> ApiResult<Admission> {
    if viewer.is_moderator() {
        return Ok(Admission::Public);
    }
    let now = now_ms();
    // The account's age and verification came with the credential (same request).
    let new_account =
        now - user.created_at < i64::from(state.config.moderation.new_account_hours) * HOUR_MS;
    if let Some(project) = c.project {
        interaction::enforce(tx, project, user, now).await?;
    }
    let trusted = viewer
        .token_id
        .as_ref()
        .is_some_and(|t| state.config.limits.trusted_tokens.contains(t));
    if !trusted {
        throttle(tx, state, user, c.kind, new_account, now).await?;
    }
    let recent = recent_texts(tx, &user.id, now).await?;
    let verdict = state.spam.check(&Candidate {
        text: c.text,
        new_account,
        recent_texts: &recent,
        new_account_max_links: state.config.moderation.new_account_max_links,
    });
    match verdict {
        Verdict::Reject(message) => return Err(ApiError::invalid("body", message)),
        Verdict::Hold(why) => {
            return Ok(Admission::Held {
                source: "spam_check",
                why,
            });
        }
        Verdict::Pass => {}
    }
    let first_n = state.config.moderation.premoderate_first_posts;
    if first_n > 0 && !user.verified {
        let published: i64 = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM tickets WHERE author_id = $1 AND visibility = 'public')
                  + (SELECT COUNT(*) FROM comments WHERE author_id = $1 AND visibility = 'public')
                  + (SELECT COUNT(*) FROM posts WHERE author_id = $1 AND visibility = 'public') AS n",
        )
        .bind(&user.id)
        .fetch_one(&mut **tx)
        .await?
        .try_get("n")?;
        if published < i64::from(first_n) {
            return Ok(Admission::Held {
                source: "pre_moderation",
                why: format!(
                    "the account's first {first_n} contributions wait for approval ({published} approved so far)"
                ),
            });
        }
    }
    Ok(Admission::Public)
}

/// Files a held contribution in the review queue (after it was inserted).
pub async fn file(
    tx: &mut Transaction<'_, Any>,
    admission: &Admission,
    kind: Kind,
    id: &str,
    author_id: &str,
) -> ApiResult<()> {
    let Admission::Held { source, why } = admission else {
        return Ok(());
    };
    let now = now_ms();
    let item = new_id();
    sqlx::query(
        "INSERT INTO review_items (id, target_kind, target_id, state, source, reports_count, version, created_at, updated_at)
         VALUES ($1, $2, $3, 'pending', $4, 0, 1, $5, $5)",
    )
    .bind(&item)
    .bind(kind.as_str())
    .bind(id)
    .bind(*source)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    super::audit::record(
        tx,
        Some(author_id),
        "content.held",
        (kind.as_str(), id),
        Some(why),
        json!({"item": item, "source": source}),
    )
    .await?;
    Ok(())
}

/// The author's texts of the last day, for the duplicate rule (newest first, bounded).
async fn recent_texts(
    tx: &mut Transaction<'_, Any>,
    user_id: &str,
    now: i64,
) -> ApiResult<Vec<String>> {
    let rows = sqlx::query(
        // The limit inside each branch too: each is then a short walk down its
        // (author_id, created_at) index instead of every text of the day (a service
        // account posting thousands a day made each post slower than the last).
        "SELECT x.body, x.created_at FROM (
             SELECT * FROM (SELECT title || ' ' || body AS body, created_at FROM tickets
                 WHERE author_id = $1 AND created_at > $2 ORDER BY created_at DESC LIMIT 50) a
             UNION ALL SELECT * FROM (SELECT body, created_at FROM comments
                 WHERE author_id = $1 AND created_at > $2 ORDER BY created_at DESC LIMIT 50) b
             UNION ALL SELECT * FROM (SELECT body, created_at FROM posts
                 WHERE author_id = $1 AND created_at > $2 ORDER BY created_at DESC LIMIT 50) c
         ) x ORDER BY x.created_at DESC LIMIT 50",
    )
    .bind(user_id)
    .bind(now - DAY_MS)
    .fetch_all(&mut **tx)
    .await?;
    rows.iter()
        .map(|r| r.try_get("body"))
        .collect::<Result<_, _>>()
        .map_err(Into::into)
}

/// Interval, hourly cap and daily budget; over any of them → 429 with the wait, unless the
/// `content` throttle is in dry-run mode.
async fn throttle(
    tx: &mut Transaction<'_, Any>,
    state: &AppState,
    user: &User,
    kind: Kind,
    new_account: bool,
    now: i64,
) -> ApiResult<()> {
    let limits = &state.config.limits;
    // One pass over the author's last day: per kind, the count of the day, of the hour,
    // the oldest of each window and the newest.
    let rows = sqlx::query(
        "SELECT x.kind, COUNT(*) AS day, MIN(x.created_at) AS day_first, MAX(x.created_at) AS last,
                SUM(CASE WHEN x.created_at > $3 THEN 1 ELSE 0 END) AS hour,
                MIN(CASE WHEN x.created_at > $3 THEN x.created_at END) AS hour_first
         FROM (
             SELECT 'ticket' AS kind, created_at FROM tickets WHERE author_id = $1 AND created_at > $2
             UNION ALL SELECT 'topic', created_at FROM topics WHERE author_id = $1 AND created_at > $2
             UNION ALL SELECT 'comment', created_at FROM comments WHERE author_id = $1 AND created_at > $2
             UNION ALL SELECT 'post', p.created_at FROM posts p WHERE p.author_id = $1 AND p.created_at > $2
                 AND NOT EXISTS (SELECT 1 FROM topics f WHERE f.id = p.topic_id
                     AND f.author_id = p.author_id AND f.created_at = p.created_at)
         ) x GROUP BY x.kind",
    )
    .bind(&user.id)
    .bind(now - DAY_MS)
    .bind(now - HOUR_MS)
    .fetch_all(&mut **tx)
    .await?;
    #[derive(Default, Clone, Copy)]
    struct Window {
        day: i64,
        hour: i64,
        day_first: Option<i64>,
        hour_first: Option<i64>,
        last: Option<i64>,
    }
    let mut by_kind = std::collections::HashMap::new();
    for r in &rows {
        let k: String = r.try_get("kind")?;
        by_kind.insert(
            k,
            Window {
                day: r.try_get("day")?,
                hour: r.try_get::<Option<i64>, _>("hour")?.unwrap_or(0),
                day_first: r.try_get("day_first")?,
                hour_first: r.try_get("hour_first")?,
                last: r.try_get("last")?,
            },
        );
    }
    let get = |k: &str| by_kind.get(k).copied().unwrap_or_default();
    let (ticket, topic, comment, post) = (get("ticket"), get("topic"), get("comment"), get("post"));
    let min = |a: Option<i64>, b: Option<i64>| match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let max = |a: Option<i64>, b: Option<i64>| a.max(b);
    // A topic's first post is part of the topic (the query leaves it out of `post`).
    let threads = Window {
        day: ticket.day + topic.day,
        hour: ticket.hour + topic.hour,
        day_first: min(ticket.day_first, topic.day_first),
        hour_first: min(ticket.hour_first, topic.hour_first),
        last: max(ticket.last, topic.last),
    };
    let replies = Window {
        day: comment.day + post.day,
        hour: comment.hour + post.hour,
        day_first: min(comment.day_first, post.day_first),
        hour_first: min(comment.hour_first, post.hour_first),
        last: max(comment.last, post.last),
    };
    let secs_until = |t: i64| ((t - now).max(0) as u64).div_ceil(1000).max(1);
    let (mine, interval, per_day, what) = if kind.starts_thread() {
        (
            threads,
            limits.thread_interval_seconds.for_account(new_account),
            limits.threads_per_day.for_account(new_account),
            "tickets and topics",
        )
    } else {
        (
            replies,
            limits.reply_interval_seconds.for_account(new_account),
            limits.replies_per_day.for_account(new_account),
            "comments and posts",
        )
    };
    let mut refusal = None;
    if let Some(last) = mine.last
        && interval > 0
        && last + i64::from(interval) * 1000 > now
    {
        refusal = Some((
            format!(
                "Wait {interval} s between two {what}{}.",
                if new_account { " (new accounts)" } else { "" }
            ),
            secs_until(last + i64::from(interval) * 1000),
        ));
    } else if threads.hour + replies.hour >= i64::from(limits.contributions_per_hour) {
        let first = min(threads.hour_first, replies.hour_first).unwrap_or(now);
        refusal = Some((
            format!(
                "At most {} contributions an hour.",
                limits.contributions_per_hour
            ),
            secs_until(first + HOUR_MS),
        ));
    } else if mine.day >= i64::from(per_day) {
        refusal = Some((
            format!(
                "The daily budget of {per_day} {what}{} is used up.",
                if new_account {
                    " for an account's first day"
                } else {
                    ""
                }
            ),
            secs_until(mine.day_first.unwrap_or(now) + DAY_MS),
        ));
    }
    let Some((message, wait)) = refusal else {
        return Ok(());
    };
    let dry = limits.is_dry_run("content");
    state.metrics.throttled("content", dry);
    if dry {
        tracing::warn!(user = %user.username, %message, "dry run: this contribution would have been refused (429)");
        return Ok(());
    }
    Err(ApiError::TooSoon(message, wait))
}
