//! Index-time analysis with each distinct word analysed once. Stemming and compound
//! splitting were most of the time an index build took (10,000 entries: 1.0 of 1.6 s CPU
//! for German), yet a catalogue repeats a few thousand words over and over. The terms of a
//! word depend only on the word (folded), the language and the dictionary, which stay the
//! same for the whole index, so they are remembered per word. Query-time analysis (and
//! the browser's engine) keeps using [`Analyzer`] itself; a test checks that both give
//! the same tokens (apart from the compound parts, which only the index has: here they are
//! [`Dictionary::index_parts`], checked against a fresh analysis of every word).

use crate::analysis::compound::Dictionary;
use crate::analysis::{Lang, Stem, VecTokenStream, fold, lexicon, spans};
use foldhash::fast::RandomState;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use tantivy::tokenizer::{Token, Tokenizer};

#[cfg(test)]
use crate::analysis::{Analyzer, words};

/// Same tokens as [`crate::analysis::Analyzer`], from a per-word memo; compound parts are
/// [`Dictionary::index_parts`] (the split without derivations such as "steuer|ung").
#[derive(Clone)]
pub struct MemoAnalyzer {
    lang: Lang,
    stem: Stem,
    dictionary: Option<Arc<Dictionary>>,
    /// Word as written → its indexed terms (the stem, then the stems of its compound
    /// parts), `None` for a stop word. Keyed by the unfolded word: a repeated word then
    /// costs one lookup, not a fold and an allocation each time.
    memo: HashMap<Box<str>, Option<Box<[String]>>, RandomState>,
    tokens: Vec<Token>,
}

impl MemoAnalyzer {
    pub fn new(code: &str, dictionary: Option<Arc<Dictionary>>) -> MemoAnalyzer {
        let lang = Lang::of(code);
        MemoAnalyzer {
            lang,
            stem: Stem::new(&lang),
            dictionary: dictionary.filter(|_| lang.compounds),
            memo: HashMap::default(),
            tokens: Vec::new(),
        }
    }

    /// The terms of a word as written (`None`: a stop word).
    fn analyse(&mut self, word: &str) -> Option<Box<[String]>> {
        let folded = fold::fold(word, self.lang.folding);
        if self.lang.is_stopword(&folded) {
            return None;
        }
        let mut terms = vec![self.stem.stem(&folded)];
        if let Some(dict) = &self.dictionary {
            for part in dict.index_parts(&folded) {
                terms.push(self.stem.stem(&part));
            }
        }
        Some(terms.into_boxed_slice())
    }

    /// Writes the tokens of `text` into `out`, reusing its tokens' strings.
    fn fill(&mut self, text: &str, out: &mut Vec<Token>) {
        let mut used = 0;
        let mut position = 0;
        for (start, end) in spans(text) {
            let word = &text[start..end];
            if !self.memo.contains_key(word) {
                let terms = self.analyse(word);
                self.memo.insert(word.into(), terms);
            }
            let Some(Some(terms)) = self.memo.get(word) else {
                continue;
            };
            for term in terms.iter() {
                if let Some(t) = out.get_mut(used) {
                    t.text.clear();
                    t.text.push_str(term);
                    t.offset_from = start;
                    t.offset_to = end;
                    t.position = position;
                    t.position_length = 1;
                } else {
                    out.push(Token {
                        offset_from: start,
                        offset_to: end,
                        position,
                        text: term.clone(),
                        position_length: 1,
                    });
                }
                used += 1;
            }
            position += 1;
        }
        out.truncate(used);
    }

    #[cfg(test)]
    fn terms(&mut self, text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        self.fill(text, &mut out);
        out
    }
}

impl Tokenizer for MemoAnalyzer {
    type TokenStream<'a> = VecTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream<'a> {
        let mut tokens = std::mem::take(&mut self.tokens);
        self.fill(text, &mut tokens);
        self.tokens = tokens;
        VecTokenStream::new(&mut self.tokens)
    }
}

/// The compound dictionary of a language: its built-in lexicon ([`lexicon`]: parts that
/// need not occur on their own in the catalogue) and every folded word of its texts with
/// its stem, each distinct word stemmed once.
pub fn dictionary<'a>(lang: &str, texts: impl Iterator<Item = &'a str>) -> Dictionary {
    let l = Lang::of(lang);
    let mut stem = Stem::new(&l);
    let mut dict = Dictionary::default();
    for w in lexicon::words(lang) {
        dict.insert(w);
    }
    // Words as written, then folded: most repeats are caught before folding.
    let mut written: HashSet<&str, RandomState> = HashSet::default();
    let mut seen: HashSet<String, RandomState> = HashSet::default();
    for text in texts {
        for (start, end) in spans(text) {
            let word = &text[start..end];
            if !written.insert(word) {
                continue;
            }
            let folded = fold::fold(word, l.folding);
            if !seen.contains(&folded) {
                dict.insert(&folded);
                dict.insert(&stem.stem(&folded));
                seen.insert(folded);
            }
        }
    }
    dict
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXTS: &[&str] = &[
        "Bürgerbeteiligungsplattform für Kommunen und Bürger",
        "Beteiligung der Bürgerinnen; Plattform für Beteiligungsverfahren",
        "Die Plattform unterstützt Ratsinformationssysteme und Sitzungsdienste",
        "Sitzung, Rat, Information: Ratsinformation im Sitzungsdienst",
        "Straße, Strasse, Strassenbeleuchtung und Beleuchtung der Straßen",
        "Open-Source-Software für die öffentliche Verwaltung (E-Akte, DMS)",
        "Prozesssteuerung, Steuerung und Steuerbescheid, kostenlos und regelmäßig",
        "the quick brown foxes are jumping over lazy dogs",
    ];

    fn tokens(mut t: impl FnMut(&str) -> Vec<Token>) -> Vec<Vec<Token>> {
        // Twice: the second round comes from the memo.
        TEXTS.iter().chain(TEXTS).map(|s| t(s)).collect()
    }

    /// Each word analysed afresh: the analyzer's own token, then the stems of the word's
    /// index parts at its position.
    fn fresh(lang: &str, dict: &Dictionary, text: &str) -> Vec<Token> {
        let l = Lang::of(lang);
        let mut stem = Stem::new(&l);
        let kept: Vec<_> = words(text, &l)
            .into_iter()
            .filter(|w| !l.is_stopword(&w.folded))
            .collect();
        let plain = Analyzer::new(lang, None).terms(text);
        assert_eq!(plain.len(), kept.len(), "{text}");
        let mut out = Vec::new();
        for (t, w) in plain.into_iter().zip(&kept) {
            let parts = if l.compounds {
                dict.index_parts(&w.folded)
            } else {
                Vec::new()
            };
            out.push(t.clone());
            for p in parts {
                out.push(Token {
                    text: stem.stem(&p),
                    ..t.clone()
                });
            }
        }
        out
    }

    #[test]
    fn same_tokens_and_dictionary_as_a_fresh_analysis() {
        for lang in ["de", "en", "fr"] {
            let dict = Arc::new(dictionary(lang, TEXTS.iter().copied()));
            let mut reference = Dictionary::default();
            for w in lexicon::words(lang) {
                reference.insert(w);
            }
            let l = Lang::of(lang);
            let mut stem = Stem::new(&l);
            for w in TEXTS.iter().flat_map(|t| words(t, &l)) {
                reference.insert(&w.folded);
                reference.insert(&stem.stem(&w.folded));
            }
            assert_eq!(format!("{dict:?}"), format!("{reference:?}"), "{lang}");
            let mut memo = MemoAnalyzer::new(lang, Some(dict.clone()));
            let a = tokens(|s| fresh(lang, &dict, s));
            let b = tokens(|s| memo.terms(s));
            assert!(a.iter().map(Vec::len).sum::<usize>() > 20, "{lang}");
            assert_eq!(a, b, "{lang}");
            if !l.compounds {
                // Without compounds the index analyses exactly like the query side.
                let mut plain = Analyzer::new(lang, Some(dict.clone()));
                assert_eq!(tokens(|s| plain.terms(s)), b, "{lang}");
            }
        }
    }

    #[test]
    fn derivations_are_no_compound_parts() {
        let dict = dictionary("de", TEXTS.iter().copied());
        let mut memo = MemoAnalyzer::new("de", Some(Arc::new(dict)));
        let mut stem = Stem::new(&Lang::of("de"));
        let terms = |memo: &mut MemoAnalyzer, text: &str| -> Vec<String> {
            memo.terms(text).into_iter().map(|t| t.text).collect()
        };
        // "Steuer" (tax) stands in the text, yet "Steuerung" (control) gets no part "steuer".
        assert_eq!(terms(&mut memo, "Steuerung"), [stem.stem("steuerung")]);
        assert_eq!(terms(&mut memo, "kostenlos"), [stem.stem("kostenlos")]);
        // A real compound keeps its parts.
        let parts = terms(&mut memo, "Prozesssteuerung");
        assert!(parts.contains(&stem.stem("steuerung")), "{parts:?}");
    }
}
