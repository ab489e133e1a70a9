//! Value formats of the standard. Each check returns `Err((message, hint))` for the
//! caller to attach to the place it found the value.

use crate::finding::Text;
use crate::text;
use unicode_segmentation::UnicodeSegmentation;

pub type Check = Result<(), (Text, Text)>;

fn fail(message: Text, hint: Text) -> Check {
    Err((message, hint))
}

pub fn graphemes(s: &str) -> usize {
    // In ASCII every character is a cluster except CR LF, which is one.
    if s.is_ascii() {
        return s.len() - s.matches("\r\n").count();
    }
    // Below U+0300 (Latin-1 and Latin Extended, so nearly all German and English text) no
    // character joins its neighbour either: combining marks, joiners and every other
    // extender start there. Segmenting was a tenth of validating a catalogue.
    if s.chars().all(|c| c < '\u{300}') {
        return s.chars().count() - s.matches("\r\n").count();
    }
    s.graphemes(true).count()
}

/// Any absolute URL with a host (`https://…`, `git://…`, `ssh://…`).
pub fn url(s: &str) -> Check {
    match url::Url::parse(s) {
        Ok(u) if u.has_host() => Ok(()),
        Ok(u) => {
            let scheme = u.scheme();
            fail(
                text!(
                    "`{s}` is not a URL with a host",
                    "`{s}` ist keine Adresse mit Hostnamen"
                ),
                text!(
                    "write a full address such as `https://example.org/…` (found scheme `{scheme}:`)",
                    "schreiben Sie eine vollständige Adresse wie `https://example.org/…` (gefunden: Schema `{scheme}:`)"
                ),
            )
        }
        Err(e) => fail(
            text!(
                "`{s}` is not a valid URL ({e})",
                "`{s}` ist keine gültige URL ({e})"
            ),
            text!(
                "write a full address such as `https://example.org/…`",
                "schreiben Sie eine vollständige Adresse wie `https://example.org/…`"
            ),
        ),
    }
}

/// An `http://` or `https://` URL.
pub fn http_url(s: &str) -> Check {
    url(s)?;
    let scheme = s.split(':').next().unwrap_or_default().to_ascii_lowercase();
    if scheme == "http" || scheme == "https" {
        Ok(())
    } else {
        fail(
            text!("`{s}` is not a web address", "`{s}` ist keine Webadresse"),
            text!(
                "use an address that starts with `https://`",
                "verwenden Sie eine Adresse, die mit `https://` beginnt"
            ),
        )
    }
}

/// `YYYY-MM-DD`, a real calendar date.
pub fn date(s: &str) -> Check {
    let hint = || {
        text!(
            "write the date as YYYY-MM-DD, e.g. 2025-03-31",
            "schreiben Sie das Datum als JJJJ-MM-TT, z. B. 2025-03-31"
        )
    };
    let b = s.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shaped {
        return fail(
            text!(
                "`{s}` is not a date in the form YYYY-MM-DD",
                "`{s}` ist kein Datum der Form JJJJ-MM-TT"
            ),
            hint(),
        );
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
    let (y, m, d) = (num(0..4), num(5..7), num(8..10));
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    };
    if d == 0 || d > days {
        return fail(
            text!(
                "`{s}` is not a calendar date",
                "`{s}` ist kein Kalenderdatum"
            ),
            hint(),
        );
    }
    Ok(())
}

pub fn email(s: &str) -> Check {
    if email_address::EmailAddress::is_valid(s) && s.contains('@') && !s.contains(' ') {
        Ok(())
    } else {
        fail(
            text!(
                "`{s}` is not a valid e-mail address",
                "`{s}` ist keine gültige E-Mail-Adresse"
            ),
            text!(
                "write an address such as `team@example.org`, without a name or `mailto:`",
                "schreiben Sie eine Adresse wie `team@example.org`, ohne Namen und ohne `mailto:`"
            ),
        )
    }
}

/// A valid BCP 47 language tag whose subtags are registered (`de`, `en`, `de-CH`).
pub fn language(s: &str) -> Check {
    let hint = || {
        text!(
            "use a BCP 47 tag such as `de`, `en`, `de-CH` (a hyphen, not `_`)",
            "verwenden Sie ein BCP-47-Sprachkürzel wie `de`, `en`, `de-CH` (Bindestrich, nicht `_`)"
        )
    };
    match language_tags::LanguageTag::parse(s) {
        Ok(tag) => match tag.validate() {
            Ok(()) => Ok(()),
            Err(e) => fail(
                text!(
                    "`{s}` is not a valid BCP 47 language tag ({e})",
                    "`{s}` ist kein gültiges BCP-47-Sprachkürzel ({e})"
                ),
                hint(),
            ),
        },
        Err(e) => fail(
            text!(
                "`{s}` is not a BCP 47 language tag ({e})",
                "`{s}` ist kein BCP-47-Sprachkürzel ({e})"
            ),
            hint(),
        ),
    }
}

pub enum CountryCase {
    Upper,
    Lower,
}

/// ISO 3166-1 alpha-2. Lowercase codes were the norm before 0.4 and are tolerated.
pub fn country(s: &str) -> Result<CountryCase, (Text, Text)> {
    let known = s.len() == 2 && isocountry::CountryCode::for_alpha2_caseless(s).is_ok();
    if !known {
        return Err((
            text!(
                "`{s}` is not an ISO 3166-1 alpha-2 country code",
                "`{s}` ist kein Ländercode nach ISO 3166-1 alpha-2"
            ),
            text!(
                "use a two-letter code such as `DE`, `AT`, `CH`",
                "verwenden Sie einen zweibuchstabigen Code wie `DE`, `AT`, `CH`"
            ),
        ));
    }
    if s.chars().all(|c| c.is_ascii_uppercase()) {
        Ok(CountryCase::Upper)
    } else if s.chars().all(|c| c.is_ascii_lowercase()) {
        Ok(CountryCase::Lower)
    } else {
        let upper = s.to_ascii_uppercase();
        Err((
            text!(
                "`{s}` mixes upper and lower case",
                "`{s}` mischt Groß- und Kleinbuchstaben"
            ),
            text!("write `{upper}`", "schreiben Sie `{upper}`"),
        ))
    }
}

pub enum Licence {
    Valid,
    Deprecated(Text),
}

/// An SPDX licence expression (`EUPL-1.2`, `MIT OR Apache-2.0`, `GPL-2.0-only WITH Classpath-exception-2.0`).
pub fn licence(s: &str) -> Result<Licence, (Text, Text)> {
    match spdx::Expression::parse_mode(s, spdx::ParseMode::STRICT) {
        Ok(_) => Ok(Licence::Valid),
        Err(strict) => {
            let lax = spdx::ParseMode {
                allow_deprecated: true,
                ..spdx::ParseMode::STRICT
            };
            if spdx::Expression::parse_mode(s, lax).is_ok() {
                return Ok(Licence::Deprecated(text!(
                    "`{s}` uses a deprecated SPDX identifier",
                    "`{s}` verwendet eine veraltete SPDX-Kennung"
                )));
            }
            let reason = strict.reason;
            Err((
                text!(
                    "`{s}` is not a valid SPDX licence expression: {reason}",
                    "`{s}` ist kein gültiger SPDX-Lizenzausdruck: {reason}"
                ),
                text!(
                    "use SPDX identifiers from https://spdx.org/licenses/ combined with AND, OR, WITH, e.g. `EUPL-1.2` or `MIT OR Apache-2.0`",
                    "verwenden Sie SPDX-Kennungen von https://spdx.org/licenses/, verknüpft mit AND, OR, WITH, z. B. `EUPL-1.2` oder `MIT OR Apache-2.0`"
                ),
            ))
        }
    }
}

/// Whether `code` is in IndicePA, the registry of Italian public administrations.
fn is_ipa_code(code: &str) -> bool {
    static CODES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let codes = CODES.get_or_init(|| {
        let mut v: Vec<String> = include_str!("../data/it-ipa-codes.txt")
            .lines()
            .map(str::to_ascii_lowercase)
            .collect();
        v.sort_unstable();
        v
    });
    codes.binary_search(&code.to_ascii_lowercase()).is_ok()
}

/// `organisation.uri` and `fundedBy[].uri`: a URL or an RFC 2141 URN.
pub fn uri(s: &str) -> Check {
    if let Some(rest) = s.strip_prefix("urn:").or_else(|| s.strip_prefix("URN:")) {
        let (nid, nss) = rest.split_once(':').unwrap_or((rest, ""));
        let nid_ok = !nid.is_empty()
            && nid.len() <= 32
            && !nid.starts_with('-')
            && nid.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        let nss_ok = !nss.is_empty()
            && nss
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "()+,-.:=@;$_!*'%/?#".contains(c));
        if !(nid_ok && nss_ok) {
            return fail(
                text!("`{s}` is not a valid URN", "`{s}` ist keine gültige URN"),
                text!(
                    "write a URN as `urn:<namespace>:<identifier>`, or use the organisation's web address",
                    "schreiben Sie eine URN als `urn:<Namensraum>:<Kennung>` oder verwenden Sie die Webadresse der Organisation"
                ),
            );
        }
        if nid.eq_ignore_ascii_case("x-italian-pa") && !is_ipa_code(nss) {
            return fail(
                text!(
                    "`{nss}` is not a code in IndicePA, the registry of Italian public administrations",
                    "`{nss}` ist kein Code in IndicePA, dem Verzeichnis der italienischen öffentlichen Verwaltungen"
                ),
                text!(
                    "write `urn:x-italian-pa:<codice IPA>` with the code listed at indicepa.gov.it",
                    "schreiben Sie `urn:x-italian-pa:<codice IPA>` mit dem Code aus indicepa.gov.it"
                ),
            );
        }
        return Ok(());
    }
    url(s).map_err(|(m, _)| {
        (
            m,
            text!(
                "use the organisation's web address (`https://…`) or a URN (`urn:…`)",
                "verwenden Sie die Webadresse der Organisation (`https://…`) oder eine URN (`urn:…`)"
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert!(date("2024-02-29").is_ok());
        assert!(date("2023-02-29").is_err());
        assert!(date("2024-13-01").is_err());
        assert!(date("2024-1-01").is_err());
        assert!(date("2024-01-01T10:00:00Z").is_err());
        assert!(date("").is_err());
    }

    #[test]
    fn languages() {
        for ok in ["de", "en", "de-CH", "en-GB", "sr-Latn"] {
            assert!(language(ok).is_ok(), "{ok}");
        }
        for bad in ["en_GB", "xxx", "no such language", "", "deutsch"] {
            assert!(language(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn licences() {
        assert!(matches!(licence("EUPL-1.2"), Ok(Licence::Valid)));
        assert!(matches!(licence("MIT OR Apache-2.0"), Ok(Licence::Valid)));
        assert!(matches!(
            licence("GPL-2.0-only WITH Classpath-exception-2.0"),
            Ok(Licence::Valid)
        ));
        assert!(matches!(licence("GPL-3.0"), Ok(Licence::Deprecated(_))));
        assert!(licence("Proprietary-ish").is_err());
        assert!(licence("MIT OR").is_err());
    }

    #[test]
    fn countries_and_uris() {
        assert!(matches!(country("DE"), Ok(CountryCase::Upper)));
        assert!(matches!(country("de"), Ok(CountryCase::Lower)));
        assert!(country("XX").is_err());
        assert!(country("DEU").is_err());
        assert!(uri("https://www.bund.de").is_ok());
        assert!(uri("urn:x-custom:id").is_ok());
        assert!(uri("urn:x-italian-pa:pcm").is_ok());
        assert!(uri("urn:x-italian-pa:c_h501").is_ok());
        assert!(uri("urn:x-italian-pa:no_such_pa").is_err());
        assert!(uri("urn:").is_err());
        assert!(uri("foo").is_err());
    }

    #[test]
    fn urls_and_mail() {
        assert!(http_url("https://example.org/x").is_ok());
        assert!(http_url("git://example.org/x").is_err());
        assert!(url("git://example.org/x").is_ok());
        assert!(url("foobar").is_err());
        assert!(email("team@example.org").is_ok());
        assert!(email("Team <team@example.org>").is_err());
        assert!(email("foo").is_err());
    }

    #[test]
    fn graphemes_count_user_perceived_characters() {
        assert_eq!(graphemes("Bürger"), 6);
        assert_eq!(graphemes("e\u{301}"), 1);
        assert_eq!(graphemes("👩‍💻"), 1);
        assert_eq!(graphemes("a\r\nb"), 3);
        assert_eq!(graphemes("a\r\nb"), "a\r\nb".graphemes(true).count());
        assert_eq!(graphemes("Straße\u{301}"), 6);
    }

    /// The shortcut below U+0300 counts as Unicode's segmentation does, for every pair of
    /// such characters (each pair also between ASCII letters).
    #[test]
    fn graphemes_below_u0300_are_single_characters() {
        let chars: Vec<char> = (0u32..0x300).filter_map(char::from_u32).collect();
        for &a in &chars {
            for &b in &chars {
                let s = format!("x{a}{b}y");
                assert_eq!(graphemes(&s), s.graphemes(true).count(), "{a:?} {b:?}");
            }
        }
    }
}
