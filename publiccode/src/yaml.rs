//! Reads a publiccode.yml file into a small YAML tree in which every node keeps its source
//! position. The rules walk this tree instead of a typed struct so that they can report
//! *every* problem with its place, where strict serde decoding would stop at the first.

use crate::finding::{Findings, Pos, Text};
use crate::text;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;

/// publiccode.yml files are a few kilobytes; anything larger is a mistake or an attack.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
    /// Source text of a plain scalar that YAML resolved to a number, boolean or null;
    /// a string field accepts it as written (`softwareVersion: 1.10` stays "1.10").
    pub raw: Option<String>,
}

impl Node {
    /// What the value is, in words (English, German).
    pub fn type_name(&self) -> (&'static str, &'static str) {
        match &self.value {
            Value::Null => ("null", "null"),
            Value::Bool(_) => ("a boolean", "ein Wahrheitswert"),
            Value::Int(_) => ("an integer", "eine ganze Zahl"),
            Value::Float(_) => ("a number", "eine Zahl"),
            Value::Str(_) => ("a string", "ein Text"),
            Value::Seq(_) => ("a list", "eine Liste"),
            Value::Map(_) => ("a mapping", "eine Zuordnung"),
        }
    }

    /// The scalar as text, the way a string field reads it.
    pub fn as_text(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            Value::Bool(_) | Value::Int(_) | Value::Float(_) => self.raw.as_deref(),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }
}

/// Parses `bytes`. Encoding problems are reported as findings; a syntax error ends parsing
/// (there is no tree to check) and is reported as one finding with its position.
pub fn parse(bytes: &[u8], findings: &mut Findings) -> Option<Node> {
    if bytes.len() > MAX_FILE_BYTES {
        findings.error(
            "",
            Pos::FILE,
            {
                let (size, max) = (bytes.len(), MAX_FILE_BYTES);
                text!(
                    "file is {size} bytes; a publiccode.yml may be at most {max} bytes",
                    "die Datei hat {size} Bytes; eine publiccode.yml darf höchstens {max} Bytes haben"
                )
            },
            text!(
                "keep long texts short and link to documentation instead of embedding it",
                "halten Sie lange Texte kurz und verlinken Sie Dokumentation, statt sie einzubetten"
            ),
        );
        return None;
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.valid_up_to();
            let pos = pos_of_offset(bytes, at);
            let byte = bytes[at];
            let (guess_en, guess_de) = if byte >= 0xA0 {
                let c = char::from(byte);
                (
                    format!(" (0x{byte:02X} is '{c}' in Latin-1/Windows-1252)"),
                    format!(" (0x{byte:02X} ist '{c}' in Latin-1/Windows-1252)"),
                )
            } else {
                Default::default()
            };
            findings.error(
                "",
                pos,
                text!(
                    "file is not valid UTF-8: invalid byte 0x{byte:02X}{guess_en}",
                    "die Datei ist kein gültiges UTF-8: ungültiges Byte 0x{byte:02X}{guess_de}"
                ),
                text!(
                    "save the file with UTF-8 encoding (most editors: \"Save with encoding\" → UTF-8)",
                    "speichern Sie die Datei in UTF-8 (in den meisten Editoren: „Speichern mit Kodierung“ → UTF-8)"
                ),
            );
            return None;
        }
    };
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => {
            findings.error(
                "",
                Pos::new(1, 1),
                text!(
                    "file starts with a byte-order mark (BOM)",
                    "die Datei beginnt mit einer Byte-Order-Mark (BOM)"
                ),
                text!(
                    "save the file as UTF-8 without BOM",
                    "speichern Sie die Datei als UTF-8 ohne BOM"
                ),
            );
            rest
        }
        None => text,
    };
    if let Some(line) = text.split('\n').position(|l| l.ends_with('\r')) {
        findings.warning(
            "",
            Pos::new(line as u32 + 1, 1),
            text!(
                "file uses Windows (CRLF) line endings",
                "die Datei verwendet Windows-Zeilenenden (CRLF)"
            ),
            text!(
                "convert the file to LF line endings (git: `git config core.autocrlf input`)",
                "wandeln Sie die Zeilenenden in LF um (git: `git config core.autocrlf input`)"
            ),
        );
    }
    parse_str(text, findings)
}

fn pos_of_offset(bytes: &[u8], offset: usize) -> Pos {
    let before = &bytes[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count() as u32
        + 1;
    Pos::new(line, column)
}

fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        // `yes`/`no`/`on`/`off` stay strings, so a boolean field reports them as wrong type.
        strict_booleans: true,
        duplicate_keys: serde_saphyr::options::DuplicateKeyPolicy::Error,
        budget: serde_saphyr::budget! {
            max_depth: 32,
            max_nodes: 100_000,
            max_events: 400_000,
            max_aliases: 1_000,
            max_anchors: 1_000,
            max_documents: 1,
            max_total_scalar_bytes: MAX_FILE_BYTES,
        },
    }
}

fn parse_str(text: &str, findings: &mut Findings) -> Option<Node> {
    if text.trim().is_empty() {
        findings.error(
            "",
            Pos::FILE,
            text!("file is empty", "die Datei ist leer"),
            text!(
                "start from the minimal example in the contribution guide",
                "beginnen Sie mit dem Minimalbeispiel aus der Anleitung zum Mitmachen"
            ),
        );
        return None;
    }
    match serde_saphyr::from_str_with_options::<Spanned<RawNode>>(text, options()) {
        Ok(root) => Some(convert(root, text)),
        Err(err) => {
            let pos = err
                .location()
                .map(|l| Pos::new(l.line() as u32, l.column() as u32))
                .unwrap_or(Pos::FILE);
            let message = err.without_snippet().to_string();
            let message = message.lines().next().unwrap_or("invalid YAML").trim();
            let hint = syntax_hint(message);
            findings.error(
                "",
                pos,
                text!("invalid YAML: {message}", "ungültiges YAML: {message}"),
                hint,
            );
            None
        }
    }
}

/// The parser's own message stays English (it comes from serde-saphyr); the hint is ours.
fn syntax_hint(message: &str) -> Text {
    let m = message.to_ascii_lowercase();
    if m.contains("tab") {
        text!(
            "YAML indentation must use spaces, never tabs",
            "YAML wird mit Leerzeichen eingerückt, nie mit Tabulatoren"
        )
    } else if m.contains("duplicate") {
        text!(
            "each key may appear only once in a mapping; merge or remove the repeated key",
            "jeder Schlüssel darf in einer Zuordnung nur einmal vorkommen; führen Sie den doppelten Schlüssel zusammen oder entfernen Sie ihn"
        )
    } else if m.contains("document") {
        text!(
            "a publiccode.yml holds exactly one YAML document; remove extra `---` separators",
            "eine publiccode.yml enthält genau ein YAML-Dokument; entfernen Sie weitere `---`-Trenner"
        )
    } else if m.contains("alias")
        || m.contains("anchor")
        || m.contains("budget")
        || m.contains("depth")
    {
        text!(
            "the file is nested too deeply or expands too many aliases; write the values out plainly",
            "die Datei ist zu tief verschachtelt oder expandiert zu viele Aliase; schreiben Sie die Werte direkt aus"
        )
    } else {
        text!(
            "check the indentation and quoting around this place; quote values that contain `: ` or start with special characters",
            "prüfen Sie Einrückung und Anführungszeichen an dieser Stelle; setzen Sie Werte in Anführungszeichen, die `: ` enthalten oder mit Sonderzeichen beginnen"
        )
    }
}

fn convert(node: Spanned<RawNode>, text: &str) -> Node {
    let loc = node.referenced;
    let pos = Pos::new(loc.line() as u32, loc.column() as u32);
    let raw = || {
        let span = loc.span();
        let start = span.byte_offset()? as usize;
        let len = span.byte_len()? as usize;
        text.get(start..start + len).map(str::to_owned)
    };
    let (value, raw) = match node.value {
        RawNode::Null => (Value::Null, raw()),
        RawNode::Bool(b) => (Value::Bool(b), raw()),
        RawNode::Int(i) => (Value::Int(i), raw()),
        RawNode::Float(f) => (Value::Float(f), raw()),
        RawNode::Str(s) => (Value::Str(s), None),
        RawNode::Seq(items) => (
            Value::Seq(items.into_iter().map(|n| convert(n, text)).collect()),
            None,
        ),
        RawNode::Map(entries) => (
            Value::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (convert(k, text), convert(v, text)))
                    .collect(),
            ),
            None,
        ),
    };
    Node { value, pos, raw }
}

/// What serde-saphyr hands us; children carry their spans.
enum RawNode {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<RawNode>>),
    Map(Vec<(Spanned<RawNode>, Spanned<RawNode>)>),
}

impl<'de> Deserialize<'de> for RawNode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawNode;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<RawNode, E> {
        Ok(RawNode::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<RawNode, E> {
        Ok(RawNode::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<RawNode, D::Error> {
        RawNode::deserialize(d)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<RawNode, E> {
        Ok(RawNode::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawNode, E> {
        Ok(RawNode::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawNode, E> {
        Ok(i64::try_from(v).map_or(RawNode::Float(v as f64), RawNode::Int))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<RawNode, E> {
        Ok(RawNode::Float(v as f64))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<RawNode, E> {
        Ok(RawNode::Float(v as f64))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawNode, E> {
        Ok(RawNode::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<RawNode, E> {
        Ok(RawNode::Str(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<RawNode, E> {
        Ok(RawNode::Str(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<RawNode, E> {
        Ok(RawNode::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<RawNode, A::Error> {
        let mut items = Vec::new();
        while let Some(x) = a.next_element::<Spanned<RawNode>>()? {
            items.push(x);
        }
        Ok(RawNode::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<RawNode, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = a.next_entry::<Spanned<RawNode>, Spanned<RawNode>>()? {
            entries.push(entry);
        }
        Ok(RawNode::Map(entries))
    }
}
