//! Typed reading of the position-keeping YAML tree. Each helper reports what is wrong
//! (wrong type, missing key, unknown key) and returns what could be read, so that one pass
//! over a file yields every finding and, when there are no errors, the model.

use crate::finding::{Findings, Pos};
use crate::vocab;
use crate::yaml::{Node, Value};

/// Joins a key path: `description` + `de` → `description.de`; keys that are not plain
/// identifiers are bracketed (`description[en-US]`), like the reference validator does.
pub fn child(path: &str, key: &str) -> String {
    let plain = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    match (path.is_empty(), plain) {
        (true, true) => key.to_owned(),
        (true, false) => format!("[{key}]"),
        (false, true) => format!("{path}.{key}"),
        (false, false) => format!("{path}[{key}]"),
    }
}

pub fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

pub fn type_error(f: &mut Findings, path: &str, pos: Pos, expected: &str, node: &Node) {
    let message = format!("`{path}` must be {expected}, found {}", node.type_name());
    // The usual cause of a mapping where a list belongs (or the reverse) is a missing or
    // extra `- `: point at the first entry, where the dash has to go or go away.
    match (&node.value, expected) {
        (Value::Map(entries), e) if e.contains("list") && !entries.is_empty() => {
            let (k, _) = &entries[0];
            let key = k.as_text().unwrap_or("?");
            f.error(
                &child(path, key),
                k.pos,
                message,
                format!("start each entry of the list with `- `, e.g. `- {key}: …`"),
            );
            return;
        }
        (Value::Seq(items), e) if e.contains("mapping") && !items.is_empty() => {
            f.error(
                &index(path, 0),
                items[0].pos,
                message,
                format!(
                    "`{}` holds one set of keys: remove the `- ` in front of them",
                    last_key(path)
                ),
            );
            return;
        }
        _ => {}
    }
    let hint = match (&node.value, expected) {
        (Value::Seq(_), e) if e.contains("string") => {
            "write a single value here, not a list (no `-` items, no `[ ]`)".to_owned()
        }
        (_, e) if e.contains("list") => format!(
            "write a list: `{}:` followed by lines `  - value`",
            last_key(path)
        ),
        (_, e) if e.contains("mapping") => format!(
            "write `{}:` followed by indented `key: value` lines",
            last_key(path)
        ),
        _ => format!("change the value to {expected}"),
    };
    f.error(path, pos, message, hint);
}

fn last_key(path: &str) -> &str {
    path.rsplit(['.', '['])
        .next()
        .unwrap_or(path)
        .trim_end_matches(']')
}

/// A mapping being read: remembers which keys the rules asked for, so that everything
/// else can be reported as unknown at the end.
pub struct Obj<'n> {
    pub path: String,
    pub pos: Pos,
    entries: &'n [(Node, Node)],
    used: Vec<bool>,
    known: Vec<&'static str>,
}

/// One `key: value` entry of a mapping, with the full key path of the value.
pub struct Entry<'n> {
    pub path: String,
    /// Position of the key, which is where findings about the entry point.
    pub pos: Pos,
    pub value: &'n Node,
}

impl<'n> Obj<'n> {
    /// Opens `node` as a mapping; `None` (after reporting) when it is something else.
    pub fn open(f: &mut Findings, path: &str, pos: Pos, node: &'n Node) -> Option<Self> {
        match &node.value {
            Value::Map(entries) => Some(Obj {
                path: path.to_owned(),
                pos: node.pos,
                entries,
                used: vec![false; entries.len()],
                known: Vec::new(),
            }),
            _ => {
                type_error(f, path, pos, "a mapping of keys to values", node);
                None
            }
        }
    }

    /// The entry for `key`, if present and not null (a key with no value counts as absent).
    pub fn get(&mut self, key: &'static str) -> Option<Entry<'n>> {
        self.known.push(key);
        let i = self
            .entries
            .iter()
            .position(|(k, _)| k.as_text() == Some(key))?;
        self.used[i] = true;
        let (k, v) = &self.entries[i];
        if v.is_null() {
            return None;
        }
        Some(Entry {
            path: child(&self.path, key),
            pos: k.pos,
            value: v,
        })
    }

    /// Like [`Obj::get`], reporting a missing key as an error.
    pub fn require(
        &mut self,
        f: &mut Findings,
        key: &'static str,
        what: &str,
    ) -> Option<Entry<'n>> {
        let entry = self.get(key);
        if entry.is_none() {
            self.missing(f, key, what);
        }
        entry
    }

    pub fn missing(&self, f: &mut Findings, key: &str, what: &str) {
        let path = child(&self.path, key);
        let here = if self.path.is_empty() {
            "the top level".to_owned()
        } else {
            format!("`{}`", self.path)
        };
        f.error(
            &path,
            self.pos,
            format!("missing required key `{path}`"),
            format!("add `{key}:` under {here}: {what}"),
        );
    }

    /// All entries with their key text, for mappings keyed by data (languages, countries).
    pub fn remaining(&mut self) -> Vec<(String, Entry<'n>)> {
        let mut out = Vec::new();
        for (i, (k, v)) in self.entries.iter().enumerate() {
            if self.used[i] {
                continue;
            }
            self.used[i] = true;
            let key = k.as_text().unwrap_or_default().to_owned();
            out.push((
                key.clone(),
                Entry {
                    path: child(&self.path, &key),
                    pos: k.pos,
                    value: v,
                },
            ));
        }
        out
    }

    /// Reports every key nobody asked for.
    pub fn finish(self, f: &mut Findings) {
        for (i, (k, _)) in self.entries.iter().enumerate() {
            if self.used[i] {
                continue;
            }
            let key = k.as_text().unwrap_or("?");
            let path = child(&self.path, key);
            let hint = match vocab::suggest(key, &self.known) {
                Some(s) => format!("did you mean `{s}`? Keys are case-sensitive"),
                None if self.known.is_empty() => "remove this key".to_owned(),
                None => format!("remove it; keys allowed here: {}", self.known.join(", ")),
            };
            f.error(&path, k.pos, format!("unknown key `{path}`"), hint);
        }
    }
}

impl<'n> Entry<'n> {
    /// The value as text (numbers and booleans as written), or a type error.
    pub fn text(&self, f: &mut Findings) -> Option<String> {
        match self.value.as_text() {
            Some(t) => Some(t.to_owned()),
            None => {
                type_error(f, &self.path, self.pos, "a string", self.value);
                None
            }
        }
    }

    pub fn boolean(&self, f: &mut Findings) -> Option<bool> {
        match &self.value.value {
            Value::Bool(b) => Some(*b),
            Value::Str(s) if is_yaml11_bool(s) => {
                f.error(
                    &self.path,
                    self.pos,
                    format!("`{}` must be true or false; `{s}` is a YAML 1.1 boolean that YAML 1.2 reads as a string", self.path),
                    "write `true` or `false`",
                );
                None
            }
            _ => {
                type_error(f, &self.path, self.pos, "true or false", self.value);
                None
            }
        }
    }

    /// Items of a list with their paths; a type error for anything but a list.
    pub fn items(&self, f: &mut Findings) -> Option<Vec<Entry<'n>>> {
        match &self.value.value {
            Value::Seq(items) => Some(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, n)| Entry {
                        path: index(&self.path, i),
                        pos: n.pos,
                        value: n,
                    })
                    .collect(),
            ),
            _ => {
                type_error(f, &self.path, self.pos, "a list", self.value);
                None
            }
        }
    }

    /// A list of strings; wrong items are reported and skipped.
    pub fn texts(&self, f: &mut Findings) -> Option<Vec<(Entry<'n>, String)>> {
        let items = self.items(f)?;
        Some(
            items
                .into_iter()
                .filter_map(|e| {
                    let t = e.text(f)?;
                    Some((e, t))
                })
                .collect(),
        )
    }

    pub fn obj(&self, f: &mut Findings) -> Option<Obj<'n>> {
        Obj::open(f, &self.path, self.pos, self.value)
    }

    pub fn error(&self, f: &mut Findings, message: impl Into<String>, hint: impl Into<String>) {
        f.error(&self.path, self.pos, message, hint);
    }

    pub fn warning(&self, f: &mut Findings, message: impl Into<String>, hint: impl Into<String>) {
        f.warning(&self.path, self.pos, message, hint);
    }
}

fn is_yaml11_bool(s: &str) -> bool {
    matches!(
        s.to_ascii_lowercase().as_str(),
        "yes" | "no" | "on" | "off" | "y" | "n"
    )
}
