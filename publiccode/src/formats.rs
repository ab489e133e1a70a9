//! Value formats of the standard. Each check returns `Err((message, hint))` for the
//! caller to attach to the place it found the value.

use unicode_segmentation::UnicodeSegmentation;

pub type Check = Result<(), (String, String)>;

fn fail(message: impl Into<String>, hint: impl Into<String>) -> Check {
    Err((message.into(), hint.into()))
}

pub fn graphemes(s: &str) -> usize {
    // In ASCII every character is a cluster except CR LF, which is one.
    if s.is_ascii() {
        return s.len() - s.matches("\r\n").count();
    }
    s.graphemes(true).count()
}

/// Any absolute URL with a host (`https://…`, `git://…`, `ssh://…`).
pub fn url(s: &str) -> Check {
    match url::Url::parse(s) {
        Ok(u) if u.has_host() => Ok(()),
        Ok(u) => fail(
            format!("`{s}` is not a URL with a host"),
            format!(
                "write a full address such as `https://example.org/…` (found scheme `{}:`)",
                u.scheme()
            ),
        ),
        Err(e) => fail(
            format!("`{s}` is not a valid URL ({e})"),
            "write a full address such as `https://example.org/…`",
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
            format!("`{s}` is not a web address"),
            "use an address that starts with `https://`",
        )
    }
}

/// `YYYY-MM-DD`, a real calendar date.
pub fn date(s: &str) -> Check {
    let hint = "write the date as YYYY-MM-DD, e.g. 2025-03-31";
    let b = s.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shaped {
        return fail(format!("`{s}` is not a date in the form YYYY-MM-DD"), hint);
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
        return fail(format!("`{s}` is not a calendar date"), hint);
    }
    Ok(())
}

pub fn email(s: &str) -> Check {
    if email_address::EmailAddress::is_valid(s) && s.contains('@') && !s.contains(' ') {
        Ok(())
    } else {
        fail(
            format!("`{s}` is not a valid e-mail address"),
            "write an address such as `team@example.org`, without a name or `mailto:`",
        )
    }
}

/// A valid BCP 47 language tag whose subtags are registered (`de`, `en`, `de-CH`).
pub fn language(s: &str) -> Check {
    let hint = "use a BCP 47 tag such as `de`, `en`, `de-CH` (a hyphen, not `_`)";
    match language_tags::LanguageTag::parse(s) {
        Ok(tag) => match tag.validate() {
            Ok(()) => Ok(()),
            Err(e) => fail(
                format!("`{s}` is not a valid BCP 47 language tag ({e})"),
                hint,
            ),
        },
        Err(e) => fail(format!("`{s}` is not a BCP 47 language tag ({e})"), hint),
    }
}

pub enum CountryCase {
    Upper,
    Lower,
}

/// ISO 3166-1 alpha-2. Lowercase codes were the norm before 0.4 and are tolerated.
pub fn country(s: &str) -> Result<CountryCase, (String, String)> {
    let known = s.len() == 2 && isocountry::CountryCode::for_alpha2_caseless(s).is_ok();
    if !known {
        return Err((
            format!("`{s}` is not an ISO 3166-1 alpha-2 country code"),
            "use a two-letter code such as `DE`, `AT`, `CH`".to_owned(),
        ));
    }
    if s.chars().all(|c| c.is_ascii_uppercase()) {
        Ok(CountryCase::Upper)
    } else if s.chars().all(|c| c.is_ascii_lowercase()) {
        Ok(CountryCase::Lower)
    } else {
        Err((
            format!("`{s}` mixes upper and lower case"),
            format!("write `{}`", s.to_ascii_uppercase()),
        ))
    }
}

pub enum Licence {
    Valid,
    Deprecated(String),
}

/// An SPDX licence expression (`EUPL-1.2`, `MIT OR Apache-2.0`, `GPL-2.0-only WITH Classpath-exception-2.0`).
pub fn licence(s: &str) -> Result<Licence, (String, String)> {
    let hint = "use SPDX identifiers from https://spdx.org/licenses/ combined with AND, OR, WITH, e.g. `EUPL-1.2` or `MIT OR Apache-2.0`";
    match spdx::Expression::parse_mode(s, spdx::ParseMode::STRICT) {
        Ok(_) => Ok(Licence::Valid),
        Err(strict) => {
            let lax = spdx::ParseMode {
                allow_deprecated: true,
                ..spdx::ParseMode::STRICT
            };
            if spdx::Expression::parse_mode(s, lax).is_ok() {
                return Ok(Licence::Deprecated(format!(
                    "`{s}` uses a deprecated SPDX identifier"
                )));
            }
            Err((
                format!(
                    "`{s}` is not a valid SPDX licence expression: {}",
                    strict.reason
                ),
                hint.to_owned(),
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
                format!("`{s}` is not a valid URN"),
                "write a URN as `urn:<namespace>:<identifier>`, or use the organisation's web address",
            );
        }
        if nid.eq_ignore_ascii_case("x-italian-pa") && !is_ipa_code(nss) {
            return fail(
                format!(
                    "`{nss}` is not a code in IndicePA, the registry of Italian public administrations"
                ),
                "write `urn:x-italian-pa:<codice IPA>` with the code listed at indicepa.gov.it",
            );
        }
        return Ok(());
    }
    url(s).map_err(|(m, _)| {
        (
            m,
            "use the organisation's web address (`https://…`) or a URN (`urn:…`)".to_owned(),
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
    }
}
