//! Markdown → sanitised HTML, done once when a text is written. The renderer version is
//! stored with the HTML so a change here (or in the sanitiser) can re-render old rows.
//!
//! Rules (api.md, «Markdown safety and privacy»): CommonMark with tables, strikethrough
//! and task lists; raw HTML is shown as text; only http(s) and mailto links; no images
//! from other hosts (they would leak readers' addresses), so images become links;
//! links get `rel="nofollow ugc noopener"`.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};
use std::collections::HashSet;

/// Bump when the output for the same input changes.
pub const RENDERER_VERSION: i64 = 1;

pub fn render(source: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TASKLISTS);
    let mut in_image = false;
    let events = Parser::new_ext(source, options).flat_map(|event| match event {
        // Raw HTML is text, not markup.
        Event::Html(t) | Event::InlineHtml(t) => vec![Event::Text(t)],
        // An image becomes a link to it, labelled by its alt text.
        Event::Start(Tag::Image {
            dest_url, title, ..
        }) => {
            in_image = true;
            vec![Event::Start(Tag::Link {
                link_type: pulldown_cmark::LinkType::Inline,
                dest_url,
                title,
                id: "".into(),
            })]
        }
        Event::End(TagEnd::Image) if in_image => {
            in_image = false;
            vec![Event::End(TagEnd::Link)]
        }
        other => vec![other],
    });
    let mut unsafe_html = String::new();
    html::push_html(&mut unsafe_html, events);
    sanitizer().clean(&unsafe_html).to_string()
}

fn sanitizer() -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::default();
    b.url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("nofollow ugc noopener"))
        .rm_tags(["img"])
        .url_relative(ammonia::UrlRelative::Deny)
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tags(["input"]);
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_commonmark_with_extensions() {
        let h = render(
            "# Titel\n\n~~alt~~ **neu**\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] erledigt\n",
        );
        assert!(h.contains("<h1>Titel</h1>"), "{h}");
        assert!(h.contains("<del>alt</del>"), "{h}");
        assert!(h.contains("<table>"), "{h}");
        assert!(h.contains("checkbox"), "{h}");
    }

    #[test]
    fn raw_html_is_text() {
        let h = render("<script>alert(1)</script> <b onclick=x>fett</b>");
        assert!(!h.contains("<script"), "{h}");
        assert!(!h.contains("<b "), "{h}");
        assert!(h.contains("&lt;script&gt;"), "{h}");
    }

    #[test]
    fn dangerous_urls_are_dropped_and_links_marked() {
        let h = render("[a](javascript:alert(1)) [b](data:text/html,x) [c](https://example.org/)");
        assert!(!h.contains("javascript:"), "{h}");
        assert!(!h.contains("data:"), "{h}");
        assert!(
            h.contains(r#"<a href="https://example.org/" rel="nofollow ugc noopener">c</a>"#),
            "{h}"
        );
    }

    #[test]
    fn images_become_links() {
        let h = render("![Logo](https://tracker.example/p.png)");
        assert!(!h.contains("<img"), "{h}");
        assert!(h.contains(r#"href="https://tracker.example/p.png""#), "{h}");
        assert!(h.contains(">Logo</a>"), "{h}");
    }
}
