//! From what the reader typed to a tantivy query. Every word must match (falling back to
//! any word when that finds nothing); a word matches in any text field, exactly (BM25,
//! times the field's boost), with one typo if it has 5+ letters, and — the word being
//! typed — as a prefix. Fuzzy and prefix matches score a constant below an exact match.
//! A German compound the index hardly knows also matches where all its parts do
//! ([`crate::split`]), scored a little below the whole word.

use crate::analysis::{Lang, Stem, words};
use crate::schema::{Fields, TEXT_FIELDS};
use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query, TermQuery,
};
use tantivy::schema::IndexRecordOption;

/// At most this many words of a query count (the rest is ignored: bounds work and bytes).
pub const MAX_TERMS: usize = 8;
/// Letters a word needs before one typo is tolerated.
pub const FUZZY_MIN_LETTERS: usize = 5;
/// Weight of a typo-tolerant match relative to the field boost (a constant score).
const FUZZY_WEIGHT: f32 = 0.4;
/// Weight of a prefix match of the word being typed.
const PREFIX_WEIGHT: f32 = 0.6;
/// Weight of a match of all parts of a split compound, shared by its parts (so two parts
/// together do not outweigh the whole word).
const PARTS_WEIGHT: f32 = 0.8;

/// One analysed query word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryTerm {
    /// Folded, not stemmed: what a prefix is matched with.
    pub folded: String,
    /// Folded and stemmed: the indexed form. Empty for a stop word kept only as prefix.
    pub stem: String,
    /// The word is still being typed (last word, no trailing space).
    pub prefix: bool,
    /// Stems of the word with two neighbouring letters swapped, where only the swap lets the
    /// stemmer strip a suffix ("verwaltnug" → "verwaltung" → "verwalt"): one typo that the
    /// one-edit match against the stem cannot see. Matched exactly, weighted like a typo.
    pub swapped: Vec<String>,
    /// Stems of the parts of a German compound the index hardly holds whole, each a term of
    /// the index; the word also matches where all of them do. Filled by
    /// [`crate::split::split_compounds`], empty from [`analyze`].
    pub parts: Vec<String>,
}

impl QueryTerm {
    pub fn fuzzy(&self) -> bool {
        !self.stem.is_empty() && self.folded.chars().count() >= FUZZY_MIN_LETTERS
    }
}

pub fn analyze(q: &str, lang_code: &str) -> Vec<QueryTerm> {
    let lang = Lang::of(lang_code);
    let mut stem = Stem::new(&lang);
    let typing = !q.ends_with(char::is_whitespace);
    let all = words(q, &lang);
    let n = all.len();
    let mut out: Vec<QueryTerm> = Vec::new();
    for (i, w) in all.into_iter().enumerate() {
        let prefix = typing && i + 1 == n;
        let stop = lang.is_stopword(&w.folded);
        if stop && !prefix {
            continue;
        }
        let stemmed = if stop {
            String::new()
        } else {
            stem.stem(&w.folded)
        };
        let swapped = if stemmed.is_empty() || w.folded.chars().count() < FUZZY_MIN_LETTERS {
            Vec::new()
        } else {
            swapped_stems(&w.folded, &stemmed, &mut stem)
        };
        let term = QueryTerm {
            stem: stemmed,
            folded: w.folded,
            prefix,
            swapped,
            parts: Vec::new(),
        };
        if !out.contains(&term) {
            out.push(term);
        }
    }
    // Keep the word being typed when truncating.
    if out.len() > MAX_TERMS {
        let last = out.pop();
        out.truncate(MAX_TERMS - 1);
        out.extend(last);
    }
    out
}

/// At most this many swapped-letter stems per word (bounds dictionary reads).
const MAX_SWAPPED: usize = 2;

/// See [`QueryTerm::swapped`]. Only stems farther than one edit from `stem` (nearer ones the
/// typo match finds anyway).
fn swapped_stems(folded: &str, stem: &str, stemmer: &mut Stem) -> Vec<String> {
    let chars: Vec<char> = folded.chars().collect();
    let mut out = Vec::new();
    for i in 0..chars.len() - 1 {
        if chars[i] == chars[i + 1] {
            continue;
        }
        let mut c = chars.clone();
        c.swap(i, i + 1);
        let word: String = c.into_iter().collect();
        let s = stemmer.stem(&word);
        if s.len() < word.len()
            && s != stem
            && !crate::snippet::within_one_edit(&s, stem)
            && !out.contains(&s)
        {
            out.push(s);
            if out.len() == MAX_SWAPPED {
                break;
            }
        }
    }
    out
}

/// The query for `terms`: all of them (`all`) or any of them.
pub fn build(terms: &[QueryTerm], f: &Fields, all: bool) -> Box<dyn Query> {
    if terms.is_empty() {
        return Box::new(AllQuery);
    }
    let occur = if all { Occur::Must } else { Occur::Should };
    let clauses = terms.iter().map(|t| (occur, term_query(t, f))).collect();
    Box::new(BooleanQuery::new(clauses))
}

fn term_query(t: &QueryTerm, f: &Fields) -> Box<dyn Query> {
    let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let boosted = |q: Box<dyn Query>, b: f32| -> (Occur, Box<dyn Query>) {
        (Occur::Should, Box::new(BoostQuery::new(q, b)))
    };
    for (i, (_, boost)) in TEXT_FIELDS.iter().enumerate() {
        let field = f.text[i];
        if !t.stem.is_empty() {
            let term = Term::from_field_text(field, &t.stem);
            should.push(boosted(
                Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)),
                *boost,
            ));
            if t.fuzzy() {
                should.push(boosted(
                    Box::new(FuzzyTermQuery::new(term, 1, true)),
                    boost * FUZZY_WEIGHT,
                ));
                // A typo can change what the stemmer strips ("Videokonferens" loses "-ens"
                // and becomes "videokonfer"), so the word as typed is matched with one edit
                // too: against the stem of the word meant, "videokonferenz".
                if t.folded != t.stem {
                    should.push(boosted(
                        Box::new(FuzzyTermQuery::new(
                            Term::from_field_text(field, &t.folded),
                            1,
                            true,
                        )),
                        boost * FUZZY_WEIGHT,
                    ));
                }
                for s in &t.swapped {
                    let q =
                        TermQuery::new(Term::from_field_text(field, s), IndexRecordOption::Basic);
                    should.push((
                        Occur::Should,
                        Box::new(ConstScoreQuery::new(Box::new(q), boost * FUZZY_WEIGHT)),
                    ));
                }
            }
        }
        // Prefixes expand to many terms: one or two letters only in names, never in the
        // long description (its dictionary is the largest and its matches the weakest).
        let prefix_fields = if t.folded.chars().count() < 3 { 1 } else { 3 };
        if t.prefix && i < prefix_fields {
            let term = Term::from_field_text(field, &t.folded);
            should.push(boosted(
                Box::new(FuzzyTermQuery::new_prefix(term, 0, true)),
                boost * PREFIX_WEIGHT,
            ));
        }
    }
    if !t.parts.is_empty() {
        let weight = PARTS_WEIGHT / t.parts.len() as f32;
        let all_parts = t
            .parts
            .iter()
            .map(|p| (Occur::Must, part_query(p, f)))
            .collect();
        should.push((
            Occur::Should,
            Box::new(BoostQuery::new(
                Box::new(BooleanQuery::new(all_parts)),
                weight,
            )),
        ));
    }
    Box::new(BooleanQuery::new(should))
}

/// One part of a split compound: exactly, in any text field, with the field boosts.
fn part_query(stem: &str, f: &Fields) -> Box<dyn Query> {
    let fields = TEXT_FIELDS.iter().zip(f.text).map(|((_, boost), field)| {
        let q = TermQuery::new(
            Term::from_field_text(field, stem),
            IndexRecordOption::WithFreqs,
        );
        let boosted: Box<dyn Query> = Box::new(BoostQuery::new(Box::new(q), *boost));
        (Occur::Should, boosted)
    });
    Box::new(BooleanQuery::new(fields.collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_word_is_a_prefix_while_typing() {
        let t = analyze("Bürger Beteil", "de");
        assert_eq!(t.len(), 2);
        assert!(!t[0].prefix && t[1].prefix);
        assert_eq!(t[1].folded, "beteil");
        let t = analyze("Bürger Beteil ", "de");
        assert!(!t[1].prefix);
    }

    #[test]
    fn swapped_letters_reach_the_stem_of_the_word_meant() {
        let t = analyze("Verwaltnug ", "de");
        assert_eq!(
            t[0].swapped,
            vec![analyze("Verwaltung ", "de")[0].stem.clone()]
        );
        // Nothing to add where the plain typo match already reaches.
        assert!(analyze("Verwaltung ", "de")[0].swapped.is_empty());
    }

    #[test]
    fn stop_words_drop_unless_being_typed() {
        let t = analyze("Software für die", "de");
        assert_eq!(t.len(), 2);
        assert_eq!(t[1].folded, "die");
        assert!(t[1].stem.is_empty() && t[1].prefix);
    }
}
