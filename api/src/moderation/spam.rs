//! Spam checks behind a trait (api.md, «Privacy by default»): the default asks nobody
//! outside — no Akismet, no reCAPTCHA — and uses Discourse-style local heuristics. An
//! operator can plug in another `SpamCheck` when embedding the API.

/// What a check sees of a contribution.
pub struct Candidate<'a> {
    /// Title and body as written (Markdown).
    pub text: &'a str,
    /// The account is younger than `new_account_hours`.
    pub new_account: bool,
    /// The author's own texts of the last 24 hours (newest first).
    pub recent_texts: &'a [String],
    /// Links a new account may use in one text.
    pub new_account_max_links: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    /// Publish only after a moderator approves (goes to the review queue).
    Hold(String),
    /// Refuse with a message that tells the author what to change (422).
    Reject(String),
}

pub trait SpamCheck: Send + Sync {
    fn check(&self, c: &Candidate<'_>) -> Verdict;
}

/// The default: duplicates, link limits for new accounts, low-entropy and
/// keyboard-mash texts.
#[derive(Debug, Default, Clone, Copy)]
pub struct LocalHeuristics;

/// Texts shorter than this are too short for the duplicate and entropy rules
/// ("+1", "Danke!" are fine to repeat).
const MIN_CHECKED_CHARS: usize = 20;
/// Discourse's `body_min_entropy`: distinct characters a longer text must have.
const MIN_DISTINCT_CHARS: usize = 7;
/// One character repeated this often in a row looks like a held-down key.
const MAX_RUN: usize = 30;

/// Lower-case words joined by single spaces: "Hallo  Welt!" and "hallo welt!" are one text.
fn normalise(text: &str) -> String {
    text.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Links a reader would follow: Markdown/auto links and bare `www.` addresses.
pub fn count_links(text: &str) -> usize {
    let lower = text.to_ascii_lowercase();
    lower.matches("http://").count()
        + lower.matches("https://").count()
        + lower
            .split(|c: char| c.is_whitespace() || c == '(' || c == '<' || c == '[')
            .filter(|w| w.starts_with("www."))
            .count()
}

fn longest_run(text: &str) -> usize {
    let mut best = 0;
    let mut run = 0;
    let mut prev = None;
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        if Some(c) == prev {
            run += 1;
        } else {
            run = 1;
            prev = Some(c);
        }
        best = best.max(run);
    }
    best
}

impl SpamCheck for LocalHeuristics {
    fn check(&self, c: &Candidate<'_>) -> Verdict {
        let text = normalise(c.text);
        let long = text.chars().count() >= MIN_CHECKED_CHARS;
        if long && c.recent_texts.iter().any(|r| normalise(r) == text) {
            return Verdict::Reject(
                "You posted this same text in the last 24 hours; edit the earlier one or add what is new.".into(),
            );
        }
        let links = count_links(c.text);
        if c.new_account && links > c.new_account_max_links as usize {
            return Verdict::Reject(format!(
                "New accounts can put at most {} links in one text (this one has {links}); remove some or try again after your first day.",
                c.new_account_max_links
            ));
        }
        if long {
            let distinct: std::collections::HashSet<char> =
                text.chars().filter(|c| !c.is_whitespace()).collect();
            if distinct.len() < MIN_DISTINCT_CHARS {
                return Verdict::Reject(
                    "The text does not read like a sentence (too few different characters); please write it out.".into(),
                );
            }
        }
        if longest_run(c.text) >= MAX_RUN {
            return Verdict::Hold(format!(
                "one character repeated {MAX_RUN} times or more in a row"
            ));
        }
        Verdict::Pass
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, new_account: bool, recent: &[&str]) -> Verdict {
        let recent: Vec<String> = recent.iter().map(|s| s.to_string()).collect();
        LocalHeuristics.check(&Candidate {
            text,
            new_account,
            recent_texts: &recent,
            new_account_max_links: 2,
        })
    }

    #[test]
    fn ordinary_texts_pass() {
        assert_eq!(check("Danke!", true, &["Danke!"]), Verdict::Pass);
        assert_eq!(
            check(
                "Die Aufnahme startet nicht, siehe https://example.org/log und https://example.org/b",
                true,
                &[]
            ),
            Verdict::Pass
        );
    }

    #[test]
    fn a_repeated_text_is_refused_whatever_its_spacing_and_case() {
        let v = check(
            "Bitte  um Rückmeldung zum Export",
            false,
            &["bitte um rückmeldung zum export"],
        );
        assert!(matches!(v, Verdict::Reject(m) if m.contains("same text")));
    }

    #[test]
    fn new_accounts_have_a_link_limit() {
        let text = "see https://a.example https://b.example and www.c.example";
        assert!(
            matches!(check(text, true, &[]), Verdict::Reject(m) if m.contains("at most 2 links"))
        );
        assert_eq!(check(text, false, &[]), Verdict::Pass);
        assert_eq!(count_links(text), 3);
    }

    #[test]
    fn mashed_keys_are_refused_or_held() {
        assert!(matches!(
            check("aaaa bbbb aaaa bbbb aaaa bbbb", false, &[]),
            Verdict::Reject(_)
        ));
        let held = format!("Das ist wichtig{}", "!".repeat(40));
        assert!(matches!(check(&held, false, &[]), Verdict::Hold(_)));
    }
}
