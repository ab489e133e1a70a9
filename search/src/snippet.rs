//! Highlighting. Our own (not tantivy's SnippetGenerator) because it must mark what the
//! query really matched: stems, the prefix being typed, one-typo variants, compound
//! parts ("Beteiligung" marks "Bürgerbeteiligungsplattform") and the parts of a split query
//! word ("Dokumentenmanagement" marks "Dokumente").

use crate::analysis::{Lang, Stem, words};
use crate::query::QueryTerm;

/// `text` HTML-escaped with matching words in `<mark>`.
pub fn highlight(text: &str, terms: &[QueryTerm], lang_code: &str) -> String {
    let lang = Lang::of(lang_code);
    let mut stem = Stem::new(&lang);
    let mut out = String::with_capacity(text.len() + 32);
    let mut last = 0;
    for w in words(text, &lang) {
        let s = stem.stem(&w.folded);
        let hit = terms
            .iter()
            .any(|t| matches(t, &w.folded, &s, lang.compounds));
        if hit {
            escape_into(&text[last..w.start], &mut out);
            out.push_str("<mark>");
            escape_into(&text[w.start..w.end], &mut out);
            out.push_str("</mark>");
            last = w.end;
        }
    }
    escape_into(&text[last..], &mut out);
    out
}

fn matches(t: &QueryTerm, folded: &str, stem: &str, compounds: bool) -> bool {
    if t.prefix && folded.starts_with(&t.folded) {
        return true;
    }
    if t.stem.is_empty() {
        return false;
    }
    let part_of = |s: &str| compounds && s.chars().count() >= 4 && folded.contains(s);
    stem == t.stem
        || (t.fuzzy() && within_one_edit(stem, &t.stem))
        || t.swapped.iter().any(|s| s == stem)
        || part_of(&t.stem)
        || t.parts.iter().any(|p| p == stem || part_of(p))
}

/// Levenshtein distance ≤ 1 (with a transposition counting one, like the query).
pub(crate) fn within_one_edit(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > 1 {
        return false;
    }
    let p = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if p == la.min(lb) {
        return true;
    }
    let s = a[p..]
        .iter()
        .rev()
        .zip(b[p..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ra, rb) = (la - p - s, lb - p - s);
    (ra <= 1 && rb <= 1) || (ra == 2 && rb == 2 && a[p] == b[p + 1] && a[p + 1] == b[p])
}

pub fn escape_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::analyze;

    #[test]
    fn marks_stems_compounds_and_escapes() {
        let terms = analyze("beteiligung ", "de");
        let html = highlight(
            "<b>Bürgerbeteiligungsplattform</b> & Beteiligungen",
            &terms,
            "de",
        );
        assert_eq!(
            html,
            "&lt;b&gt;<mark>Bürgerbeteiligungsplattform</mark>&lt;/b&gt; &amp; <mark>Beteiligungen</mark>"
        );
    }

    #[test]
    fn one_edit() {
        assert!(within_one_edit("platform", "plattform"));
        assert!(within_one_edit("beteilgi", "beteilig"));
        assert!(!within_one_edit("abc", "xyz"));
    }
}
