//! Cards (the short form of an entry that lists show) rendered once per language and
//! variant, and reused by every page that shows them. A catalogue of 10,000 entries shows
//! each card on about a dozen pages (three orders of the list, facet pages, related
//! software of other entries); rendering the theme's `card` macro once per page and card
//! was the largest cost of list pages.
//!
//! The theme's `cards` macro takes a card's `prerendered[variant]` when it is there and
//! calls `card` itself otherwise, so the output is the same either way; a card is rendered
//! only when a page that shows it is rendered (an incremental build renders few).

use minijinja::{Value as Mj, context};
use std::sync::OnceLock;

/// How a list shows its cards: the heading level, and whether each card has a
/// "compare" checkbox. The key is what the `cards` macro looks up.
#[derive(Clone, Copy)]
pub enum Variant {
    /// Catalogue and facet lists: `cards(entries, t, 'h2', true)`.
    ListH2Compare,
    /// Related software on entry pages and the home page's lists: `cards(entries, t)`.
    PlainH3,
}

impl Variant {
    fn key(self) -> &'static str {
        match self {
            Variant::ListH2Compare => "h2+compare",
            Variant::PlainH3 => "h3",
        }
    }

    fn args(self) -> (&'static str, bool) {
        match self {
            Variant::ListH2Compare => ("h2", true),
            Variant::PlainH3 => ("h3", false),
        }
    }
}

/// Renders the `card` macro of `macros.html`, as the `cards` macro calls it.
const TEMPLATE: &str = r#"{% import "macros.html" as m %}{{ m.card(e, t, heading, compare) }}"#;

pub struct CardHtml<'a, C> {
    template: Option<minijinja::Template<'a, 'a>>,
    /// The language's cards, by catalogue index.
    cards: &'a [C],
    /// Their template values, made when a page that shows the card is rendered (an
    /// incremental build renders few).
    values: Vec<OnceLock<Mj>>,
    /// The language's translations, as the templates see them (`site.t`).
    t: Mj,
    rendered: [Vec<OnceLock<Option<Mj>>>; 2],
}

impl<'a, C: serde::Serialize> CardHtml<'a, C> {
    pub fn new(env: &'a minijinja::Environment<'static>, cards: &'a [C], t: Mj) -> Self {
        // A theme without `macros.html` or its `card` macro simply gets no pre-rendered
        // cards: its own templates render them.
        let template = env.get_template("macros.html").ok().and_then(|_| {
            env.template_from_named_str("allmende-card.html", TEMPLATE)
                .ok()
        });
        CardHtml {
            template,
            cards,
            values: slots(cards.len()),
            t,
            rendered: [slots(cards.len()), slots(cards.len())],
        }
    }

    /// Card `i`'s template value.
    fn plain(&self, i: usize) -> Mj {
        self.values[i]
            .get_or_init(|| Mj::from_serialize(&self.cards[i]))
            .clone()
    }

    /// Card `i`'s template value with its HTML for `variant` added as
    /// `prerendered[variant]` (or without, when it could not be rendered: then the
    /// template's own call of the macro reports the error).
    pub fn value(&self, i: usize, variant: Variant) -> Mj {
        let value = self.plain(i);
        let Some(template) = &self.template else {
            return value;
        };
        let html = self.rendered[variant as usize][i].get_or_init(|| {
            let (heading, compare) = variant.args();
            template
                .render(context! { e => value.clone(), t => self.t.clone(), heading, compare })
                .ok()
                .map(Mj::from_safe_string)
        });
        match html {
            Some(html) => {
                let prerendered = Mj::from_iter([(variant.key(), html.clone())]);
                context! { prerendered, ..value }
            }
            None => value,
        }
    }
}

fn slots<T>(n: usize) -> Vec<OnceLock<T>> {
    (0..n).map(|_| OnceLock::new()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(slug: &str) -> serde_json::Value {
        serde_json::json!({
            "slug": slug,
            "name": format!("Name <{slug}>"),
            "url": format!("/de/software/{slug}/"),
            "short": "Kurz & gut",
            "logo": format!("/media/{slug}/logo.svg"),
            "status": {"value": "stable", "label": "Stabil", "url": "/de/status/stable/"},
            "license": "EUPL-1.2",
            "software_type": "Eigenständig",
        })
    }

    #[test]
    fn prerendered_cards_are_what_the_theme_renders_itself() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../themes/default");
        let theme = crate::site::theme::load(&dir, &["de".to_owned()]).unwrap();
        let t = Mj::from_serialize(&theme.i18n["de"]);
        let values = vec![card("a"), card("b")];
        let html = CardHtml::new(&theme.env, &values, t.clone());
        let list = theme
            .env
            .template_from_named_str(
                "list-test.html",
                r#"{% import "macros.html" as m %}{{ m.cards(entries, t, 'h2', true) }}|{{ m.cards(entries, t) }}"#,
            )
            .unwrap();
        let plain = list
            .render(context! { entries => Mj::from_serialize(&values), t => t.clone() })
            .unwrap();
        for variant in [Variant::ListH2Compare, Variant::PlainH3] {
            let v = html.value(1, variant);
            let pre = v
                .get_attr("prerendered")
                .and_then(|p| p.get_item(&Mj::from(variant.key())))
                .unwrap();
            assert!(
                pre.as_str().is_some_and(|s| s.contains("Name &lt;b&gt;")),
                "{} is rendered and escaped: {pre:?}",
                variant.key()
            );
        }
        let with_h2: Vec<Mj> = (0..2)
            .map(|i| html.value(i, Variant::ListH2Compare))
            .collect();
        let with_h3: Vec<Mj> = (0..2).map(|i| html.value(i, Variant::PlainH3)).collect();
        for entries in [with_h2, with_h3] {
            let pre = list.render(context! { entries, t => t.clone() }).unwrap();
            assert_eq!(pre, plain);
        }
    }
}
