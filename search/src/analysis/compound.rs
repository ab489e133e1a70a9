//! German compound words. "Bürgerbeteiligungsplattform" should be found by "Beteiligung"
//! and by "Plattform". At index time we split compounds into known words (the corpus' own
//! vocabulary and the built-in lexicon of `analysis::lexicon`, so a part need not stand
//! alone in the catalogue) and index the parts (`Dictionary::index_parts`: no derivations
//! such as "steuer|ung") and every run of adjacent parts next to the whole word. A query
//! word is stemmed and meets the indexed part. Measured against character n-grams (see
//! README): parts add few terms and keep each query to a handful of short posting lists.
//! The reverse — a query compound that the entries spell in separate words — is split on
//! the query side by the same rules ([`split_with`]) against the index's own terms
//! (`crate::split`).

use std::collections::{BTreeSet, HashMap};

/// Shortest word accepted as a compound part: shorter ones ("amt", "rat") split too many
/// unrelated words.
pub const MIN_PART: usize = 4;
/// Words shorter than this are not split.
pub const MIN_COMPOUND: usize = 8;
/// German linking elements (Fugenelemente) allowed between parts, longest first.
const LINKS: [&str; 7] = ["es", "en", "er", "ns", "s", "n", "e"];

/// The vocabulary compounds are split against: folded words of the corpus and their stems.
#[derive(Debug, Default, Clone)]
pub struct Dictionary {
    words: BTreeSet<String>,
}

impl Dictionary {
    pub fn insert(&mut self, word: &str) {
        if word.chars().count() >= MIN_PART && word.chars().all(char::is_alphabetic) {
            self.words.insert(word.to_owned());
        }
    }

    pub fn contains(&self, word: &str) -> bool {
        self.words.contains(word)
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The parts of a folded `word` and the runs of adjacent parts, without the word itself.
    /// Empty when the word is no compound of known words. When no complete split exists,
    /// the longest known head (last part, which carries the meaning in German) and the
    /// longest known first part are returned.
    pub fn split(&self, word: &str) -> Vec<String> {
        if word.chars().count() < MIN_COMPOUND || !word.chars().all(char::is_alphabetic) {
            return Vec::new();
        }
        let mut out = BTreeSet::new();
        if let Some(coarse) = split_with(word, MIN_PART, &mut |part| self.contains(part)) {
            // Long parts win the first split; parts that are compounds themselves are split
            // again ("burgerbeteiligung" → "burger", "beteiligung").
            let parts: Vec<(usize, usize)> = coarse
                .into_iter()
                .flat_map(|(s, e)| self.refine(word, s, e))
                .collect();
            // Every run of adjacent parts, e.g. "beteiligungsplattform" in
            // "burgerbeteiligungsplattform", so a query that is itself a shorter compound matches.
            for i in 0..parts.len() {
                for j in i..parts.len() {
                    if i == 0 && j == parts.len() - 1 {
                        continue;
                    }
                    out.insert(word[parts[i].0..parts[j].1].to_owned());
                }
            }
        } else {
            let len = word.len();
            let head = (1..len)
                .filter(|&i| word.is_char_boundary(i) && len - i > MIN_PART && i >= 3)
                .find(|&i| self.contains(&word[i..]));
            if let Some(i) = head {
                out.insert(word[i..].to_owned());
            }
            let first = (1..len)
                .rev()
                .filter(|&j| word.is_char_boundary(j) && j > MIN_PART && len - j >= 3)
                .find(|&j| self.contains(&word[..j]));
            if let Some(j) = first {
                out.insert(word[..j].to_owned());
            }
        }
        out.into_iter().collect()
    }

    fn refine(&self, word: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
        let part = &word[start..end];
        match self.segment(part, 0, &mut HashMap::new()) {
            Some(sub) if sub.len() > 1 => sub
                .into_iter()
                .flat_map(|(s, e)| self.refine(word, start + s, start + e))
                .collect(),
            _ => vec![(start, end)],
        }
    }

    /// Splits `word[start..]` into words of the dictionary (see [`segment`]).
    fn segment(
        &self,
        word: &str,
        start: usize,
        memo: &mut HashMap<usize, Option<Parts>>,
    ) -> Option<Parts> {
        segment(word, start, MIN_PART, memo, &mut |part| self.contains(part))
    }
}

/// Byte ranges of a word's parts, linking elements excluded.
pub type Parts = Vec<(usize, usize)>;

/// Splits a folded `word` into two or more parts of at least `min_part` letters that `known`
/// accepts (byte ranges, linking elements excluded), preferring a long first part, like the
/// index does (with [`MIN_PART`]); `None` when the word is shorter than a compound can be,
/// holds a non-letter, or has no such split. The query side calls this with the index's own
/// term dictionaries as `known` (see `crate::split`), so indexing and querying split by the
/// same rules.
pub fn split_with(
    word: &str,
    min_part: usize,
    known: &mut dyn FnMut(&str) -> bool,
) -> Option<Parts> {
    if word.chars().count() < MIN_COMPOUND || !word.chars().all(char::is_alphabetic) {
        return None;
    }
    segment(word, 0, min_part, &mut HashMap::new(), known).filter(|parts| parts.len() > 1)
}

/// Splits `word[start..]` into parts of at least `min_part` letters that `known` accepts,
/// each followed by nothing or a linking element, preferring long parts; `None` if
/// impossible. The whole word is not a split of itself.
fn segment(
    word: &str,
    start: usize,
    min_part: usize,
    memo: &mut HashMap<usize, Option<Parts>>,
    known: &mut dyn FnMut(&str) -> bool,
) -> Option<Parts> {
    if start == word.len() {
        return Some(Vec::new());
    }
    if let Some(found) = memo.get(&start) {
        return found.clone();
    }
    let mut found = None;
    let ends: Vec<usize> = (start + 1..=word.len())
        .rev()
        .filter(|&e| word.is_char_boundary(e))
        .collect();
    'ends: for end in ends {
        if word[start..end].chars().count() < min_part {
            break;
        }
        if start == 0 && end == word.len() {
            continue;
        }
        if !known(&word[start..end]) {
            continue;
        }
        for link in std::iter::once("").chain(LINKS) {
            if !word[end..].starts_with(link) {
                continue;
            }
            if let Some(rest) = segment(word, end + link.len(), min_part, memo, known) {
                let mut parts = vec![(start, end)];
                parts.extend(rest);
                found = Some(parts);
                break 'ends;
            }
        }
    }
    memo.insert(start, found.clone());
    found
}

/// Derivational and inflectional endings (folded). A word that is a known word plus one of
/// these is no compound: "steuerung" is not "steuer" + "ung", "kostenlos" not "kosten" +
/// "los", "regelmassig" not "regel" + "massig", "druckende" not "druck" + "ende". Without a complete split the splitter offers
/// the longest known first part; the index drops it when the rest is such an ending.
const ENDINGS: &[&str] = &[
    "al",
    "ale",
    "alem",
    "alen",
    "aler",
    "ales",
    "als",
    "ation",
    "ationen",
    "bar",
    "bare",
    "baren",
    "barer",
    "barkeit",
    "chen",
    "dem",
    "den",
    "der",
    "des",
    "ell",
    "elle",
    "ellen",
    "end",
    "ende",
    "endem",
    "enden",
    "ender",
    "endes",
    "ene",
    "enem",
    "enen",
    "ener",
    "enes",
    "ens",
    "ere",
    "erem",
    "eren",
    "erer",
    "eres",
    "erin",
    "erinnen",
    "ern",
    "ers",
    "est",
    "ete",
    "etem",
    "eten",
    "eter",
    "etes",
    "etet",
    "haft",
    "hafte",
    "haften",
    "heit",
    "ieren",
    "iert",
    "ierte",
    "ierten",
    "ierung",
    "ierungen",
    "ig",
    "ige",
    "igen",
    "iger",
    "iges",
    "igst",
    "igt",
    "igte",
    "igten",
    "isch",
    "ische",
    "ischen",
    "ischer",
    "isches",
    "isierung",
    "isierungen",
    "ismus",
    "ist",
    "isten",
    "istin",
    "itat",
    "itaten",
    "keit",
    "lein",
    "ler",
    "lich",
    "liche",
    "lichen",
    "licher",
    "liches",
    "lichkeit",
    "ling",
    "lle",
    "llem",
    "llen",
    "ller",
    "lles",
    "los",
    "lose",
    "losen",
    "loser",
    "loses",
    "losigkeit",
    "massig",
    "massige",
    "massigen",
    "massiger",
    "massiges",
    "nde",
    "ndem",
    "nden",
    "nder",
    "ndes",
    "nis",
    "sam",
    "schaft",
    "ste",
    "stem",
    "sten",
    "ster",
    "stes",
    "tem",
    "ten",
    "ter",
    "tes",
    "tet",
    "tum",
    "ung",
    "ungen",
];

/// Verb prefixes (folded, 3+ letters: shorter heads are never split off). "versicherung" is
/// "ver" + "sicherung" and "beispiel" "bei" + "spiel" only in spelling: a word that is one of
/// these plus a known word is a derivation, not a compound, and the known word is no part.
const PREFIXES: &[&str] = &[
    "auf", "aus", "bei", "dar", "durch", "ein", "emp", "ent", "fest", "fort", "gegen", "her",
    "heraus", "hin", "hinter", "miss", "mit", "nach", "uber", "unter", "ver", "vor", "voran",
    "wider", "wieder", "zer", "zusammen",
];

#[cfg(feature = "index")]
impl Dictionary {
    /// The parts the index carries for a folded `word`: [`Dictionary::split`] without parts
    /// that only look like compound parts (a verb prefix, a known word behind a verb prefix,
    /// a known word before a derivational ending). Index time only; the browser's engine
    /// splits only query words, against the index's terms (`crate::split`).
    pub fn index_parts(&self, word: &str) -> Vec<String> {
        let mut parts = self.split(word);
        parts.retain(|p| !derivation_part(word, p));
        parts
    }
}

/// Whether `part` of a folded `word` only looks like a compound part: a verb prefix, a word
/// behind a verb prefix at the word's start ("ver|sicherung"), or a word before a
/// derivational ending at its end ("kosten|los").
pub fn derivation_part(word: &str, part: &str) -> bool {
    let before = word.strip_suffix(part);
    let after = word.strip_prefix(part);
    PREFIXES.contains(&part)
        || before.is_some_and(|b| PREFIXES.contains(&b))
        || after.is_some_and(|a| ENDINGS.contains(&a))
}

/// Whether `part` is a derivational or inflectional ending ("heit", "lich"), never the last
/// part of a compound.
pub fn is_ending(part: &str) -> bool {
    ENDINGS.contains(&part)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dict(words: &[&str]) -> Dictionary {
        let mut d = Dictionary::default();
        for w in words {
            d.insert(w);
        }
        d
    }

    #[test]
    fn splits_with_linking_s() {
        let d = dict(&["burger", "beteiligung", "plattform", "burgerbeteiligung"]);
        let parts = d.split("burgerbeteiligungsplattform");
        for p in [
            "burger",
            "beteiligung",
            "plattform",
            "burgerbeteiligung",
            "beteiligungsplattform",
        ] {
            assert!(parts.iter().any(|x| x == p), "{p} missing in {parts:?}");
        }
        assert!(!parts.iter().any(|x| x == "burgerbeteiligungsplattform"));
    }

    #[test]
    fn unknown_first_part_keeps_the_head() {
        let d = dict(&["plattform"]);
        assert_eq!(d.split("xyzqplattform"), vec!["plattform".to_owned()]);
    }

    #[test]
    fn short_and_unknown_words_stay_whole() {
        let d = dict(&["rath", "haus"]);
        assert!(d.split("rathaus").is_empty());
        assert!(d.split("abcdefghijk").is_empty());
    }
}

/// The splitter with the built-in lexicon only (no corpus): wanted and unwanted splits.
#[cfg(all(test, feature = "index"))]
mod lexicon_tests {
    use super::*;
    use crate::analysis::{Lang, Stem, lexicon};

    fn lexicon_only() -> Dictionary {
        let mut d = Dictionary::default();
        for w in lexicon::words("de") {
            d.insert(w);
        }
        d
    }

    /// A lexicon word made of other lexicon words would stop the splitter early: the
    /// greedy split takes "sitzungsdienst" + "e" for "Sitzungsdienste" as one part and never
    /// reaches "sitzung|s|dienste". Such compounds split by themselves and stay out.
    #[test]
    fn lexicon_holds_no_compounds_of_its_own_words() {
        let d = lexicon_only();
        let compounds: Vec<&str> = lexicon::words("de")
            .filter(|w| {
                d.segment(w, 0, &mut HashMap::new())
                    .is_some_and(|parts| parts.len() > 1)
            })
            .collect();
        assert!(compounds.is_empty(), "remove from de.txt: {compounds:?}");
    }

    #[test]
    fn compounds_split_into_lexicon_words() {
        let d = lexicon_only();
        let mut stem = Stem::new(&Lang::of("de"));
        for (word, wanted) in [
            (
                "burgerbeteiligungsplattform",
                &[
                    "burger",
                    "beteiligung",
                    "plattform",
                    "beteiligungsplattform",
                ][..],
            ),
            ("ratsinformationssystem", &["rats", "information", "system"]),
            ("dokumentenmanagement", &["dokumenten", "management"]),
            ("langzeitarchivierung", &["archivierung"]),
            ("lernplattform", &["lern", "plattform"]),
            ("schulverwaltung", &["schul", "verwaltung"]),
            (
                "videokonferenzsystem",
                &[
                    "video",
                    "konferenz",
                    "system",
                    "videokonferenz",
                    "konferenzsystem",
                ],
            ),
            ("meldewesen", &["melde"]),
            ("sitzungsdienste", &["sitzung", "dienst"]),
            ("schuldenverwaltung", &["schuld", "verwaltung"]),
            ("prozesssteuerung", &["prozess", "steuerung"]),
        ] {
            // The index holds stems: "beteiligungs" and "beteiligung" are one term.
            let parts: Vec<String> = d.index_parts(word).iter().map(|p| stem.stem(p)).collect();
            for w in wanted {
                let w = stem.stem(w);
                assert!(parts.contains(&w), "{word}: {w} missing in {parts:?}");
            }
        }
    }

    #[test]
    fn derivations_and_plain_words_stay_whole() {
        let d = lexicon_only();
        for word in [
            // a verb prefix and a lexicon word
            "beispiel",
            "versicherung",
            "ubersicht",
            "vorstand",
            "einleitung",
            "ausbildung",
            "mitarbeiter",
            // a lexicon word and a derivational or inflectional ending
            "steuerung",
            "kostenlos",
            "regelmassig",
            "dokumentation",
            "programmierung",
            "personlich",
            "druckende",
            // words that merely contain lexicon words
            "verwaltung",
            "beteiligung",
            "information",
            "kommunikation",
            "organisation",
            "anwendung",
            "unterstutzung",
            "rathaus",
            "terminal",
        ] {
            assert_eq!(d.index_parts(word), Vec::<String>::new(), "{word}");
        }
        // "landkreis" + "e" is no "reise" (the lexicon leaves out "reise" for that reason).
        assert!(!d.index_parts("landkreise").contains(&"reise".to_owned()));
        // The longest known first part wins: "Schuldner" is no "Schule"; "Terminals" is no
        // "Termin" + "als".
        assert_eq!(d.index_parts("schuldner"), ["schuld"]);
        assert_eq!(d.index_parts("terminals"), Vec::<String>::new());
    }
}
