//! German compounds split on the query side. The index splits the compounds it holds, so
//! "Beteiligung" finds "Bürgerbeteiligungsplattform"; this is the reverse: a reader types a
//! compound that no entry (or hardly any) holds as one word — "Dokumentenmanagement" where
//! entries say "Dokumente" and "Management", "Ratsinformationssystem" where they say
//! "Informationssystem für den Rat". Such a word is split into parts that are terms of the
//! index itself: its term dictionaries are the vocabulary, so the browser carries no word
//! list (they are fetched with the engine while small, so the lookups cost no round trip).
//! The word then also matches where all its parts match (`query::term_query`).
//!
//! The rules are the index's ([`compound::split_with`]): linking elements (Fugen) between
//! the parts, a long first part first, and a part's stem must be a term ("rats" → "rat");
//! but parts may have three letters ([`MIN_PART`]: "Stadt|rat"). Splits into a verb prefix
//! or a derivational ending ("kosten|los") are no compounds. The work is
//! bounded: at most [`MAX_LOOKUPS`] stems looked up per word, at most [`MAX_PARTS`] parts.

use crate::Error;
use crate::analysis::compound::{self, derivation_part, is_ending};
use crate::analysis::{Lang, Stem};
use crate::query::QueryTerm;
use crate::schema::Fields;
use std::collections::HashMap;
use tantivy::{Searcher, Term};

/// A word found in fewer entries than this (as one word, in any text field) is also looked
/// for by its parts: a rare compound should not hide the entries that say the same in two
/// words. Common words keep to themselves (their parts would only add bytes to fetch).
pub const RARE_BELOW: u64 = 10;
/// Shortest part: three letters, one fewer than the index splits off. The index must not
/// split "Rathaus" into "rat" and "haus", but a query word only splits when it is rare and
/// every part is a term of the index, so "Stadtrat" may find "Rat der Stadt". (Before a
/// linking "s" the part has four letters anyway: "Rats" is stemmed to the index's "rat".)
pub const MIN_PART: usize = 3;
/// Most parts a word is split into.
pub const MAX_PARTS: usize = 4;
/// Most distinct stems looked up in the term dictionaries per word (each up to one lookup
/// per text field): a 20-letter word that splits needs about 20, one that does not can
/// need more, and then it stays whole.
pub const MAX_LOOKUPS: usize = 64;

/// Fills [`QueryTerm::parts`] of the words of `terms` that are rare in the index and split
/// into terms of it. An error is a term dictionary that could not be read (in the browser:
/// a block still on the way, noted by the directory); all words are tried before it is
/// returned, so every missing block is named at once.
pub fn split_compounds(
    terms: &mut [QueryTerm],
    searcher: &Searcher,
    f: &Fields,
    lang_code: &str,
) -> Result<(), Error> {
    let lang = Lang::of(lang_code);
    if !lang.compounds {
        return Ok(());
    }
    let mut stem = Stem::new(&lang);
    let mut first_error = None;
    for t in terms.iter_mut() {
        match parts(t, searcher, f, &mut stem) {
            Ok(parts) => t.parts = parts,
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    first_error.map_or(Ok(()), Err)
}

/// Entries holding the stem `stem` in the text fields (summed over fields, so at most an
/// upper bound), counted until `enough`.
fn entries_with(searcher: &Searcher, f: &Fields, stem: &str, enough: u64) -> Result<u64, Error> {
    let mut n = 0;
    for field in f.text {
        n += searcher.doc_freq(&Term::from_field_text(field, stem))?;
        if n >= enough {
            break;
        }
    }
    Ok(n)
}

/// The stems of the parts of `t` when it is rare in the index, or none.
fn parts(
    t: &QueryTerm,
    searcher: &Searcher,
    f: &Fields,
    stem: &mut Stem,
) -> Result<Vec<String>, Error> {
    if t.stem.is_empty() || t.folded.chars().count() < compound::MIN_COMPOUND {
        return Ok(Vec::new());
    }
    if entries_with(searcher, f, &t.stem, RARE_BELOW)? >= RARE_BELOW {
        return Ok(Vec::new());
    }
    split_word(&t.folded, stem, &mut |s| {
        entries_with(searcher, f, s, 1).map(|n| n > 0)
    })
}

/// The stems of the parts of the folded `word` that `is_term` accepts (asked with stems),
/// or none: no split, more than [`MAX_PARTS`] parts, or a derivation.
pub fn split_word(
    word: &str,
    stem: &mut Stem,
    is_term: &mut dyn FnMut(&str) -> Result<bool, Error>,
) -> Result<Vec<String>, Error> {
    let mut known: HashMap<String, bool> = HashMap::new();
    let mut error = None;
    let split = compound::split_with(word, MIN_PART, &mut |part| {
        let s = stem.stem(part);
        if let Some(&k) = known.get(&s) {
            return k;
        }
        if known.len() == MAX_LOOKUPS {
            return false;
        }
        let k = is_term(&s).unwrap_or_else(|e| {
            // Go on: every unreadable block gets noted in this one pass.
            error.get_or_insert(e);
            false
        });
        known.insert(s, k);
        k
    });
    if let Some(e) = error {
        return Err(e);
    }
    let Some(split) = split.filter(|p| p.len() <= MAX_PARTS) else {
        return Ok(Vec::new());
    };
    let texts: Vec<&str> = split.iter().map(|&(s, e)| &word[s..e]).collect();
    if texts.iter().any(|p| derivation_part(word, p)) || texts.last().is_some_and(|p| is_ending(p))
    {
        return Ok(Vec::new());
    }
    let mut out: Vec<String> = Vec::new();
    for p in texts {
        let s = stem.stem(p);
        if !out.contains(&s) {
            out.push(s);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// The stems of `words`, as the index holds them.
    fn vocabulary(words: &[&str]) -> HashSet<String> {
        let mut stem = Stem::new(&Lang::of("de"));
        words.iter().map(|w| stem.stem(w)).collect()
    }

    fn split(word: &str, words: &[&str]) -> Vec<String> {
        let vocabulary = vocabulary(words);
        let mut stem = Stem::new(&Lang::of("de"));
        split_word(word, &mut stem, &mut |s| Ok(vocabulary.contains(s))).unwrap()
    }

    fn stems(words: &[&str]) -> Vec<String> {
        let mut stem = Stem::new(&Lang::of("de"));
        words.iter().map(|w| stem.stem(w)).collect()
    }

    #[test]
    fn splits_into_terms_of_the_index_with_linking_elements() {
        assert_eq!(
            split("dokumentenmanagement", &["dokumente", "management"]),
            stems(&["dokument", "management"])
        );
        // Three parts; the linking "s" after "Rat" makes a part of four letters whose stem
        // is the index's "rat".
        assert_eq!(
            split("ratsinformationssystem", &["rat", "information", "system"]),
            stems(&["rat", "information", "system"])
        );
        assert_eq!(
            split("amtsblatt", &["amt", "blatt"]),
            stems(&["amt", "blatt"])
        );
        // Parts of three letters, also without a linking element.
        assert_eq!(
            split("stadtrat", &["stadt", "rat"]),
            stems(&["stadt", "rat"])
        );
        assert_eq!(
            split("bauamtsweg", &["bau", "amt", "weg"]),
            stems(&["bau", "amt", "weg"])
        );
        assert_eq!(
            split(
                "schulverwaltungssoftware",
                &["schule", "verwaltung", "software"]
            ),
            stems(&["schul", "verwaltung", "software"])
        );
    }

    #[test]
    fn long_parts_win() {
        assert_eq!(
            split(
                "ratsinformationssystem",
                &["rat", "information", "system", "informationssystem"]
            ),
            stems(&["rat", "informationssystem"])
        );
    }

    #[test]
    fn words_that_are_no_compounds_of_index_terms_stay_whole() {
        // A part the index lacks.
        assert!(split("dokumentenmanagement", &["dokumente"]).is_empty());
        // Too short to be split, parts too short.
        assert!(split("rathaus", &["rat", "haus"]).is_empty());
        assert!(split("abverwaltung", &["ab", "verwaltung"]).is_empty());
        // A derivational ending or a verb prefix is no part.
        assert!(split("sicherheit", &["sicher", "heit"]).is_empty());
        assert!(split("regelmassig", &["regel", "massig"]).is_empty());
        assert!(split("unterstutzung", &["unter", "stutzung"]).is_empty());
        // Also where the prefix or ending has only three letters.
        assert!(split("versicherung", &["ver", "sicherung"]).is_empty());
        assert!(split("kostenlos", &["kosten", "los"]).is_empty());
        assert!(split("wartbarkeit", &["wart", "bar", "keit"]).is_empty());
        // Not letters only.
        assert!(split("dokumente2management", &["dokumente", "management"]).is_empty());
    }

    #[test]
    fn at_most_max_parts() {
        let words = ["haus", "baum", "gras", "feld", "wald"];
        assert_eq!(split("hausbaumgrasfeld", &words).len(), 4);
        assert!(split("hausbaumgrasfeldwald", &words).is_empty());
    }

    #[test]
    fn lookups_are_bounded() {
        let mut stem = Stem::new(&Lang::of("de"));
        let mut asked = 0;
        let word = "abcdefghijklmnopqrstuvwxyzabcdefghijklmn";
        let parts = split_word(word, &mut stem, &mut |_| {
            asked += 1;
            Ok(false)
        })
        .unwrap();
        assert!(parts.is_empty());
        assert!(asked <= MAX_LOOKUPS, "{asked} lookups");
    }

    #[test]
    fn an_unreadable_dictionary_is_an_error_after_all_lookups() {
        let mut stem = Stem::new(&Lang::of("de"));
        let mut asked = 0;
        let r = split_word("dokumentenmanagement", &mut stem, &mut |_| {
            asked += 1;
            Err(Error::Io("block not loaded".into()))
        });
        assert!(r.is_err());
        assert!(asked > 1, "stopped at the first failed lookup");
    }
}
