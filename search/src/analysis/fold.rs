//! Lower-casing and folding: the spellings a reader may type for the same word map to one
//! form. German: umlauts and their transcriptions (`ü`, `ue`, `u`) and `ß`/`ss` coincide,
//! following Lucene's GermanNormalizationFilter (`ue` stays after a vowel or `q`, so
//! "Steuer", "Quelle" and "aktuell" keep their letters). Other languages fold accents only,
//! so English "value"/"values" still stem alike.

/// Whether German transcriptions (`ae`, `oe`, `ue`) are folded too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Folding {
    German,
    Accents,
}

/// Lower-cases and folds one word (a run of alphanumeric characters).
pub fn fold(word: &str, folding: Folding) -> String {
    let mut out = String::with_capacity(word.len());
    // The previous output char and whether it came from a plain letter (not an umlaut):
    // only plain `a`/`o`/`u` absorb a following `e`.
    let mut prev: Option<char> = None;
    let mut before_prev: Option<char> = None;
    let mut prev_plain = false;
    for c in word.chars().flat_map(char::to_lowercase) {
        let (base, plain): (&str, bool) = match c {
            'ä' | 'à' | 'á' | 'â' | 'ã' | 'å' | 'ā' => ("a", false),
            'ö' | 'ò' | 'ó' | 'ô' | 'õ' | 'ø' | 'ō' => ("o", false),
            'ü' | 'ù' | 'ú' | 'û' | 'ū' => ("u", false),
            'é' | 'è' | 'ê' | 'ë' | 'ē' => ("e", false),
            'í' | 'ì' | 'î' | 'ï' => ("i", false),
            'ç' | 'č' | 'ć' => ("c", false),
            'ñ' | 'ń' => ("n", false),
            'š' | 'ś' => ("s", false),
            'ž' | 'ź' | 'ż' => ("z", false),
            'ł' => ("l", false),
            'ß' => ("ss", false),
            'æ' => ("ae", false),
            'œ' => ("oe", false),
            _ => ("", true),
        };
        if folding == Folding::German && c == 'e' && prev_plain {
            let absorbed = match prev {
                Some('a') | Some('o') => true,
                Some('u') => !matches!(before_prev, Some('a' | 'e' | 'i' | 'o' | 'u' | 'q')),
                _ => false,
            };
            if absorbed {
                // Once absorbed, "uee" must not fold twice.
                prev_plain = false;
                continue;
            }
        }
        before_prev = prev;
        if plain {
            out.push(c);
            prev = Some(c);
        } else {
            out.push_str(base);
            prev = base.chars().last();
        }
        prev_plain = plain;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_spellings_coincide() {
        let g = |w| fold(w, Folding::German);
        assert_eq!(g("Bürgerbeteiligung"), "burgerbeteiligung");
        assert_eq!(g("Buergerbeteiligung"), "burgerbeteiligung");
        assert_eq!(g("Burgerbeteiligung"), "burgerbeteiligung");
        assert_eq!(g("Straße"), g("Strasse"));
        assert_eq!(g("Öffentlich"), g("Oeffentlich"));
        assert_eq!(g("Steuer"), "steuer");
        assert_eq!(g("Quelle"), "quelle");
        assert_eq!(g("Prozessqualität"), g("Prozessqualitaet"));
    }

    #[test]
    fn english_keeps_transcriptions() {
        assert_eq!(fold("Values", Folding::Accents), "values");
        assert_eq!(fold("Café", Folding::Accents), "cafe");
    }
}
