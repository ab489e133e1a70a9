//! Keyset pagination: `limit` (default 20, at most 100) and an opaque `cursor` that encodes
//! the last row's sort key and id; the answer is `{items, next_cursor}` plus
//! `Link: <…>; rel="next"`.

use super::problem::ApiError;
use axum::http::{HeaderName, Uri, header};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use utoipa::ToSchema;

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 100;

/// The position after which the next page starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    pub key: i64,
    pub id: String,
}

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}|{}", self.key, self.id))
    }

    pub fn decode(s: &str) -> Result<Cursor, ApiError> {
        let bad = || ApiError::invalid("cursor", "not a cursor from this API; start without it");
        let bytes = URL_SAFE_NO_PAD.decode(s).map_err(|_| bad())?;
        let text = String::from_utf8(bytes).map_err(|_| bad())?;
        let (key, id) = text.split_once('|').ok_or_else(bad)?;
        Ok(Cursor {
            key: key.parse().map_err(|_| bad())?,
            id: id.to_owned(),
        })
    }
}

pub fn limit(requested: Option<i64>) -> Result<i64, ApiError> {
    match requested {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::invalid(
            "limit",
            format!("must be between 1 and {MAX_LIMIT}"),
        )),
    }
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// The `Link` header value for the next page: the request's own path and query with the
/// cursor replaced (a relative reference, resolved against the request URL).
pub fn next_link(uri: &Uri, cursor: &str) -> String {
    let mut pairs: Vec<(String, String)> = uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .filter(|(k, _)| k != "cursor")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    pairs.push(("cursor".into(), cursor.into()));
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    format!("<{}?{}>; rel=\"next\"", uri.path(), query)
}

/// Ends a list query: the rows after `cursor` (when given) in the order of `key` then `id`
/// (both columns, descending when `desc`), and `LIMIT limit + 1` so that [`cursor_after`]
/// knows whether there is a next page.
pub fn keyset_page(
    s: &mut crate::db::Sql,
    cursor: Option<&str>,
    key: &str,
    id: &str,
    desc: bool,
    limit: i64,
) -> Result<(), ApiError> {
    let (cmp, dir) = if desc { ("<", "DESC") } else { (">", "ASC") };
    if let Some(c) = cursor {
        let c = Cursor::decode(c)?;
        let k = s.arg(c.key);
        let after = s.arg(c.id);
        s.push(&format!(
            " AND ({key} {cmp} {k} OR ({key} = {k} AND {id} {cmp} {after}))"
        ));
    }
    s.push(&format!(" ORDER BY {key} {dir}, {id} {dir} LIMIT "))
        .bind(limit + 1);
    Ok(())
}

/// The cursor of the next page: after the last item, when the query found more rows than
/// the page holds (lists fetch `limit + 1` to know).
pub fn cursor_after(more: bool, key: i64, last_id: Option<&str>) -> Option<String> {
    if !more {
        return None;
    }
    Some(
        Cursor {
            key,
            id: last_id?.to_owned(),
        }
        .encode(),
    )
}

/// The `Link: rel="next"` header of a page, when there is a next one.
pub fn next_link_header(uri: &Uri, next_cursor: Option<&str>) -> Vec<(HeaderName, String)> {
    next_cursor
        .map(|c| vec![(header::LINK, next_link(uri, c))])
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let c = Cursor {
            key: 1_700_000_000_000,
            id: "0190-abc".into(),
        };
        assert_eq!(Cursor::decode(&c.encode()).unwrap(), c);
        assert!(Cursor::decode("!!").is_err());
        assert!(Cursor::decode(&URL_SAFE_NO_PAD.encode("x|y")).is_err());
    }

    #[test]
    fn a_next_cursor_only_when_more_rows_came_back() {
        assert_eq!(cursor_after(false, 5, Some("a")), None);
        assert_eq!(cursor_after(true, 5, None), None);
        let c = cursor_after(true, 5, Some("a")).unwrap();
        assert_eq!(
            Cursor::decode(&c).unwrap(),
            Cursor {
                key: 5,
                id: "a".into()
            }
        );
        let uri: Uri = "/api/v1/x?limit=2".parse().unwrap();
        assert!(next_link_header(&uri, None).is_empty());
        assert_eq!(next_link_header(&uri, Some("C"))[0].0, header::LINK);
    }

    #[test]
    fn limits() {
        assert_eq!(limit(None).unwrap(), 20);
        assert_eq!(limit(Some(100)).unwrap(), 100);
        assert!(limit(Some(0)).is_err());
        assert!(limit(Some(101)).is_err());
    }

    #[test]
    fn link_keeps_filters_and_replaces_the_cursor() {
        let uri: Uri = "/api/v1/projects/x/tickets?state=open&cursor=old&limit=2"
            .parse()
            .unwrap();
        assert_eq!(
            next_link(&uri, "NEW"),
            "</api/v1/projects/x/tickets?state=open&limit=2&cursor=NEW>; rel=\"next\""
        );
    }
}
