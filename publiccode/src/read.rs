//! Typed reading of the position-keeping YAML tree. Each helper reports what is wrong
//! (wrong type, missing key, unknown key) and returns what could be read, so that one pass
//! over a file yields every finding and, when there are no errors, the model.

use crate::finding::{Findings, Pos, Text};
use crate::text;
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

/// What a value must be, in words (English, German).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    Mapping,
    Text,
    Boolean,
    List,
}

impl Expected {
    fn words(self) -> (&'static str, &'static str) {
        match self {
            Expected::Mapping => (
                "a mapping of keys to values",
                "eine Zuordnung von Schlüsseln zu Werten",
            ),
            Expected::Text => ("a string", "ein Text"),
            Expected::Boolean => ("true or false", "true oder false"),
            Expected::List => ("a list", "eine Liste"),
        }
    }
}

pub fn type_error(f: &mut Findings, path: &str, pos: Pos, expected: Expected, node: &Node) {
    let ((exp_en, exp_de), (found_en, found_de)) = (expected.words(), node.type_name());
    let message = text!(
        "`{path}` must be {exp_en}, found {found_en}",
        "`{path}` muss {exp_de} sein, gefunden: {found_de}"
    );
    let last = last_key(path);
    // The usual cause of a mapping where a list belongs (or the reverse) is a missing or
    // extra `- `: point at the first entry, where the dash has to go or go away.
    match (&node.value, expected) {
        (Value::Map(entries), Expected::List) if !entries.is_empty() => {
            let (k, _) = &entries[0];
            let key = k.as_text().unwrap_or("?");
            f.error(
                &child(path, key),
                k.pos,
                message,
                text!(
                    "start each entry of the list with `- `, e.g. `- {key}: …`",
                    "beginnen Sie jeden Listeneintrag mit `- `, z. B. `- {key}: …`"
                ),
            );
            return;
        }
        (Value::Seq(items), Expected::Mapping) if !items.is_empty() => {
            f.error(
                &index(path, 0),
                items[0].pos,
                message,
                text!(
                    "`{last}` holds one set of keys: remove the `- ` in front of them",
                    "`{last}` enthält genau eine Gruppe von Schlüsseln: entfernen Sie das `- ` davor"
                ),
            );
            return;
        }
        _ => {}
    }
    let hint = match (&node.value, expected) {
        (Value::Seq(_), Expected::Text) => text!(
            "write a single value here, not a list (no `-` items, no `[ ]`)",
            "schreiben Sie hier einen einzelnen Wert, keine Liste (keine `-`-Einträge, keine `[ ]`)"
        ),
        (_, Expected::List) => text!(
            "write a list: `{last}:` followed by lines `  - value`",
            "schreiben Sie eine Liste: `{last}:` gefolgt von Zeilen `  - Wert`"
        ),
        (_, Expected::Mapping) => text!(
            "write `{last}:` followed by indented `key: value` lines",
            "schreiben Sie `{last}:` gefolgt von eingerückten Zeilen `schlüssel: wert`"
        ),
        _ => text!(
            "change the value to {exp_en}",
            "ändern Sie den Wert in {exp_de}"
        ),
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
                type_error(f, path, pos, Expected::Mapping, node);
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
        what: &Text,
    ) -> Option<Entry<'n>> {
        let entry = self.get(key);
        if entry.is_none() {
            self.missing(f, key, what);
        }
        entry
    }

    pub fn missing(&self, f: &mut Findings, key: &str, what: &Text) {
        let path = child(&self.path, key);
        let (here_en, here_de) = if self.path.is_empty() {
            ("the top level".to_owned(), "der obersten Ebene".to_owned())
        } else {
            (format!("`{}`", self.path), format!("`{}`", self.path))
        };
        let (what_en, what_de) = (&what.en, &what.de);
        f.error(
            &path,
            self.pos,
            text!(
                "missing required key `{path}`",
                "der Pflichtschlüssel `{path}` fehlt"
            ),
            text!(
                "add `{key}:` under {here_en}: {what_en}",
                "ergänzen Sie `{key}:` unter {here_de}: {what_de}"
            ),
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
                Some(s) => text!(
                    "did you mean `{s}`? Keys are case-sensitive",
                    "meinten Sie `{s}`? Groß- und Kleinschreibung zählt"
                ),
                None if self.known.is_empty() => {
                    text!("remove this key", "entfernen Sie diesen Schlüssel")
                }
                None => {
                    let allowed = self.known.join(", ");
                    text!(
                        "remove it; keys allowed here: {allowed}",
                        "entfernen Sie ihn; hier erlaubte Schlüssel: {allowed}"
                    )
                }
            };
            f.error(
                &path,
                k.pos,
                text!("unknown key `{path}`", "unbekannter Schlüssel `{path}`"),
                hint,
            );
        }
    }
}

impl<'n> Entry<'n> {
    /// The value as text (numbers and booleans as written), or a type error.
    pub fn text(&self, f: &mut Findings) -> Option<String> {
        match self.value.as_text() {
            Some(t) => Some(t.to_owned()),
            None => {
                type_error(f, &self.path, self.pos, Expected::Text, self.value);
                None
            }
        }
    }

    pub fn boolean(&self, f: &mut Findings) -> Option<bool> {
        match &self.value.value {
            Value::Bool(b) => Some(*b),
            Value::Str(s) if is_yaml11_bool(s) => {
                let path = &self.path;
                f.error(
                    path,
                    self.pos,
                    text!(
                        "`{path}` must be true or false; `{s}` is a YAML 1.1 boolean that YAML 1.2 reads as a string",
                        "`{path}` muss true oder false sein; `{s}` ist ein Wahrheitswert aus YAML 1.1, den YAML 1.2 als Text liest"
                    ),
                    text!("write `true` or `false`", "schreiben Sie `true` oder `false`"),
                );
                None
            }
            _ => {
                type_error(f, &self.path, self.pos, Expected::Boolean, self.value);
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
                type_error(f, &self.path, self.pos, Expected::List, self.value);
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

    pub fn error(&self, f: &mut Findings, message: Text, hint: Text) {
        f.error(&self.path, self.pos, message, hint);
    }

    pub fn warning(&self, f: &mut Findings, message: Text, hint: Text) {
        f.warning(&self.path, self.pos, message, hint);
    }
}

fn is_yaml11_bool(s: &str) -> bool {
    matches!(
        s.to_ascii_lowercase().as_str(),
        "yes" | "no" | "on" | "off" | "y" | "n"
    )
}
