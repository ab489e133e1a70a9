//! Text analysis shared by indexing, querying and highlighting: split into words, fold,
//! drop stop words, (at index time) add German compound parts, stem. One implementation
//! for all three, so a query word and an indexed word always meet in the same form.

pub mod compound;
pub mod fold;
// Index time only: the browser's engine splits query words against the index's own terms
// (`crate::split`), so it carries no word list.
#[cfg(feature = "index")]
pub mod lexicon;

use compound::Dictionary;
use fold::Folding;
use frostem::Algorithm;
use std::sync::Arc;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Longest word indexed (in bytes); longer runs are garbage (hashes, base64).
const MAX_WORD: usize = 40;

/// How one language is analysed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lang {
    pub folding: Folding,
    pub stemmer: Option<Algorithm>,
    pub compounds: bool,
    stopwords: &'static [&'static str],
}

impl Lang {
    /// German and English get stemming; any other language code gets folding only.
    pub fn of(code: &str) -> Lang {
        match code {
            "de" => Lang {
                folding: Folding::German,
                stemmer: Some(Algorithm::German),
                compounds: true,
                stopwords: GERMAN_STOPWORDS,
            },
            "en" => Lang {
                folding: Folding::Accents,
                stemmer: Some(Algorithm::English),
                compounds: false,
                stopwords: ENGLISH_STOPWORDS,
            },
            _ => Lang {
                folding: Folding::Accents,
                stemmer: None,
                compounds: false,
                stopwords: &[],
            },
        }
    }

    /// Name the analyzer is registered under in a tantivy index of this language.
    pub fn tokenizer_name(code: &str) -> String {
        format!("allmende_{}", if code.is_empty() { "xx" } else { code })
    }

    pub fn is_stopword(&self, folded: &str) -> bool {
        self.stopwords.binary_search(&folded).is_ok()
    }
}

/// A word of the text: byte range in the original and folded form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub start: usize,
    pub end: usize,
    pub folded: String,
}

/// Splits `text` into runs of alphanumeric characters and folds each.
pub fn words(text: &str, lang: &Lang) -> Vec<Word> {
    spans(text)
        .map(|(start, end)| Word {
            start,
            end,
            folded: fold::fold(&text[start..end], lang.folding),
        })
        .collect()
}

/// The byte ranges of the runs of alphanumeric characters in `text` that are words (at most
/// [`MAX_WORD`] bytes), unfolded.
pub fn spans(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut chars = text.char_indices();
    std::iter::from_fn(move || {
        loop {
            let start = chars.by_ref().find(|(_, c)| c.is_alphanumeric())?.0;
            let end = chars
                .by_ref()
                .find(|(_, c)| !c.is_alphanumeric())
                .map_or(text.len(), |(i, _)| i);
            if end - start <= MAX_WORD {
                return Some((start, end));
            }
        }
    })
}

/// Stems folded words with the Snowball stemmers (frostem, the crate tantivy's own stemmer
/// filter uses; identical natively and in wasm).
#[derive(Clone, Copy)]
pub struct Stem {
    stemmer: Option<frostem::Stemmer>,
}

impl Stem {
    pub fn new(lang: &Lang) -> Stem {
        Stem {
            stemmer: lang.stemmer.map(frostem::Stemmer::new),
        }
    }

    pub fn stem(&mut self, folded: &str) -> String {
        match self.stemmer.map(|s| s.stem(folded)) {
            Some(stemmed) if !stemmed.is_empty() => stemmed.into_owned(),
            _ => folded.to_owned(),
        }
    }
}

/// The tantivy tokenizer of a language's text fields. With a compound dictionary (index
/// time) it also emits compound parts at the position of the whole word.
#[derive(Clone)]
pub struct Analyzer {
    lang: Lang,
    stem: Stem,
    dictionary: Option<Arc<Dictionary>>,
    tokens: Vec<Token>,
}

impl Analyzer {
    pub fn new(code: &str, dictionary: Option<Arc<Dictionary>>) -> Analyzer {
        let lang = Lang::of(code);
        Analyzer {
            lang,
            stem: Stem::new(&lang),
            dictionary: dictionary.filter(|_| lang.compounds),
            tokens: Vec::new(),
        }
    }

    /// The terms indexed for `text`, in order (parts follow their word).
    pub fn terms(&mut self, text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        for (position, w) in words(text, &self.lang)
            .into_iter()
            .filter(|w| !self.lang.is_stopword(&w.folded))
            .enumerate()
        {
            let token = |text: String| Token {
                offset_from: w.start,
                offset_to: w.end,
                position,
                text,
                position_length: 1,
            };
            out.push(token(self.stem.stem(&w.folded)));
            if let Some(dict) = &self.dictionary {
                for part in dict.split(&w.folded) {
                    out.push(token(self.stem.stem(&part)));
                }
            }
        }
        out
    }
}

impl Tokenizer for Analyzer {
    type TokenStream<'a> = VecTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream<'a> {
        self.tokens = self.terms(text);
        VecTokenStream::new(&mut self.tokens)
    }
}

/// The tokens of one text, analysed beforehand, as tantivy's stream.
pub struct VecTokenStream<'a> {
    tokens: &'a mut Vec<Token>,
    next: usize,
}

impl<'a> VecTokenStream<'a> {
    pub fn new(tokens: &'a mut Vec<Token>) -> Self {
        VecTokenStream { tokens, next: 0 }
    }
}

impl TokenStream for VecTokenStream<'_> {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// Registers the analyzers of every language the crate knows and of `code` under their
/// schema names, without compound dictionaries (query side; indexing registers its own).
pub fn register(index: &tantivy::Index, code: &str) {
    index
        .tokenizers()
        .register(&Lang::tokenizer_name(code), Analyzer::new(code, None));
}

// Folded and sorted (binary search). Short function words only: content words, even common
// ones like "software", stay searchable.
const GERMAN_STOPWORDS: &[&str] = &[
    "aber", "als", "am", "an", "auch", "auf", "aus", "bei", "bis", "das", "dass", "dem", "den",
    "der", "des", "die", "dies", "diese", "dieser", "durch", "ein", "eine", "einem", "einen",
    "einer", "eines", "es", "fur", "hat", "im", "in", "ins", "ist", "mit", "nach", "noch", "oder",
    "ohne", "sich", "sie", "sind", "so", "uber", "um", "und", "uns", "unter", "vom", "von", "vor",
    "wie", "wird", "zu", "zum", "zur",
];

const ENGLISH_STOPWORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "in", "into", "is",
    "it", "its", "of", "on", "or", "that", "the", "their", "this", "to", "was", "which", "with",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopword_lists_are_sorted_and_folded() {
        for list in [GERMAN_STOPWORDS, ENGLISH_STOPWORDS] {
            assert!(list.windows(2).all(|w| w[0] < w[1]), "{list:?}");
            assert!(list.iter().all(|w| w.is_ascii()));
        }
    }

    #[test]
    fn index_terms_carry_compound_parts() {
        let mut dict = Dictionary::default();
        for w in ["burger", "beteiligung", "plattform"] {
            dict.insert(w);
        }
        let mut a = Analyzer::new("de", Some(Arc::new(dict)));
        let terms: Vec<String> = a
            .terms("Die Bürgerbeteiligungsplattform")
            .into_iter()
            .map(|t| t.text)
            .collect();
        let mut q = Stem::new(&Lang::of("de"));
        assert!(terms.contains(&q.stem("beteiligung")), "{terms:?}");
        assert!(terms.contains(&q.stem("plattform")), "{terms:?}");
        assert!(!terms.iter().any(|t| t == "die"));
    }
}
