//! The one visibility predicate (api.md, point 9): every list, search, count, get and
//! timeline query on tickets and comments takes its WHERE condition from here, so a
//! confidential or hidden item cannot leak through a side path.
//!
//! Tickets:
//! - moderators and admins see everything, deleted tombstones included;
//! - everyone sees public tickets that are not confidential;
//! - a signed-in user also sees confidential tickets they wrote or are assigned to, and
//!   tickets hidden by moderation that they wrote.
//!
//! Comments: visible when their ticket is; hidden ones only to moderators and their
//! author; deleted ones stay in the thread as tombstones (their text is not returned).
//!
//! Forum topics and posts follow the same rules (`topic`, `post`).

use crate::auth::Viewer;
use crate::db::Sql;

/// SQL condition: the ticket aliased `t` is visible to `viewer`.
pub fn ticket(viewer: &Viewer, sql: &mut Sql, t: &str) -> String {
    if viewer.is_moderator() {
        return "1 = 1".into();
    }
    match viewer.user_id() {
        None => format!("({t}.visibility = 'public' AND {t}.confidential = 0)"),
        Some(uid) => {
            let u = sql.arg(uid);
            format!(
                "(({t}.visibility = 'public' AND ({t}.confidential = 0 OR {t}.author_id = {u} \
                 OR EXISTS (SELECT 1 FROM ticket_assignees va WHERE va.ticket_id = {t}.id AND va.user_id = {u}))) \
                 OR ({t}.visibility = 'hidden' AND {t}.author_id = {u}))"
            )
        }
    }
}

/// SQL condition: the comment aliased `c` (whose ticket is aliased `t`) is visible.
pub fn comment(viewer: &Viewer, sql: &mut Sql, c: &str, t: &str) -> String {
    let ticket = ticket(viewer, sql, t);
    if viewer.is_moderator() {
        return ticket;
    }
    match viewer.user_id() {
        None => format!("({ticket} AND {c}.visibility IN ('public', 'deleted'))"),
        Some(uid) => {
            let u = sql.arg(uid);
            format!(
                "({ticket} AND ({c}.visibility IN ('public', 'deleted') OR {c}.author_id = {u}))"
            )
        }
    }
}

/// SQL condition: the forum topic aliased `t` is visible to `viewer`. Moderators see
/// everything; others see public topics, and their own topics while hidden by moderation
/// (pending review), so an author is never confused by a vanished topic.
pub fn topic(viewer: &Viewer, sql: &mut Sql, t: &str) -> String {
    if viewer.is_moderator() {
        return "1 = 1".into();
    }
    match viewer.user_id() {
        None => format!("({t}.visibility = 'public')"),
        Some(uid) => {
            let u = sql.arg(uid);
            format!(
                "({t}.visibility = 'public' OR ({t}.visibility = 'hidden' AND {t}.author_id = {u}))"
            )
        }
    }
}

/// SQL condition: the post aliased `p` (whose topic is aliased `t`) is visible; as with
/// comments, hidden posts only to moderators and their author, deleted ones as tombstones.
pub fn post(viewer: &Viewer, sql: &mut Sql, p: &str, t: &str) -> String {
    let topic = topic(viewer, sql, t);
    if viewer.is_moderator() {
        return topic;
    }
    match viewer.user_id() {
        None => format!("({topic} AND {p}.visibility IN ('public', 'deleted'))"),
        Some(uid) => {
            let u = sql.arg(uid);
            format!(
                "({topic} AND ({p}.visibility IN ('public', 'deleted') OR {p}.author_id = {u}))"
            )
        }
    }
}
