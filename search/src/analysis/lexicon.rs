//! Built-in lexicons of base words for the compound splitter ([`super::compound`]). The
//! corpus' own vocabulary is not enough: a catalogue may use "Beteiligung" only inside
//! "Bürgerbeteiligung", and then a reader's "Beteiligung" would find nothing. The lists
//! are ours (no third-party word list), one folded word per line; see the header of
//! `lexicon/de.txt` for what belongs in them. Compiled into the native indexer only
//! (feature `index`): the browser splits query words only against the index's own terms
//! (`crate::split`).

/// The German lexicon as committed.
const DE: &str = include_str!("lexicon/de.txt");

/// The built-in base words of language `code` (folded, sorted); empty for languages
/// without compound splitting.
pub fn words(code: &str) -> impl Iterator<Item = &'static str> {
    let text = match code {
        "de" => DE,
        _ => "",
    };
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::compound::MIN_PART;
    use crate::analysis::fold::{Folding, fold};

    #[test]
    fn german_lexicon_is_sorted_folded_and_usable() {
        let words: Vec<&str> = words("de").collect();
        assert!(
            (500..=2500).contains(&words.len()),
            "{} words: the lexicon should hold several hundred to ~2,000",
            words.len()
        );
        for pair in words.windows(2) {
            assert!(pair[0] < pair[1], "not sorted or duplicate: {pair:?}");
        }
        for w in &words {
            assert!(
                w.chars().all(|c| c.is_ascii_lowercase()),
                "{w}: only folded letters a-z (ä → a, ß → ss)"
            );
            assert_eq!(fold(w, Folding::German), *w, "{w} is not in folded form");
            assert!(
                w.len() >= MIN_PART,
                "{w}: shorter than {MIN_PART} letters, the splitter would ignore it"
            );
        }
    }

    #[test]
    fn other_languages_have_none() {
        assert_eq!(words("en").count(), 0);
        assert_eq!(words("fr").count(), 0);
    }
}
