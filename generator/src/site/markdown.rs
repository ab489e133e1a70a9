//! Markdown from entries and pages: rendered with pulldown-cmark, then sanitised with
//! ammonia, because entry texts come from merge requests by anyone.

use pulldown_cmark::{Options, Parser, html};

/// Entry texts: links marked as user-generated content for search engines.
pub fn to_html(markdown: &str) -> String {
    render(markdown, sanitiser(true))
}

/// The catalogue's own pages (reviewed in the repository): links without `rel` markers.
pub fn page_to_html(markdown: &str) -> String {
    render(markdown, sanitiser(false))
}

fn render(markdown: &str, cleaner: &ammonia::Builder<'static>) -> String {
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    );
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, parser);
    cleaner.clean(&raw).to_string()
}

fn sanitiser(user_content: bool) -> &'static ammonia::Builder<'static> {
    static UGC: std::sync::OnceLock<ammonia::Builder<'static>> = std::sync::OnceLock::new();
    static OWN: std::sync::OnceLock<ammonia::Builder<'static>> = std::sync::OnceLock::new();
    let cell = if user_content { &UGC } else { &OWN };
    cell.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        // No remote images (privacy: no third-party requests), no inline styles, links
        // marked as user content for search engines.
        b.rm_tags(["img"])
            .url_schemes(["http", "https", "mailto"].into_iter().collect())
            .link_rel(user_content.then_some("nofollow noopener ugc"));
        b
    })
}

/// Headings inside entry texts start at level 3: the page already has h1 and h2.
pub fn demote_headings(html: &str) -> String {
    let mut s = html.to_owned();
    for level in (1..=4).rev() {
        let to = (level + 2).min(6);
        s = s
            .replace(&format!("<h{level}>"), &format!("<h{to}>"))
            .replace(&format!("</h{level}>"), &format!("</h{to}>"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_markdown_is_neutralised() {
        let h = to_html(
            "<script>alert(1)</script>\n\n[x](javascript:alert(1)) ![i](https://evil.example/p.png) <img src=x onerror=alert(1)>",
        );
        assert!(!h.contains("<script"), "{h}");
        assert!(!h.contains("javascript:"), "{h}");
        assert!(!h.contains("<img"), "{h}");
        assert!(!h.contains("onerror"), "{h}");
    }

    #[test]
    fn only_entry_texts_mark_links_as_user_content() {
        assert!(to_html("[a](https://x.example)").contains("ugc"));
        let own = page_to_html("[a](../contribute/) <script>x</script>");
        assert!(!own.contains("rel="), "{own}");
        assert!(!own.contains("<script"), "{own}");
    }

    #[test]
    fn ordinary_markdown_survives() {
        let h = to_html("**Fett** und [Link](https://example.org)\n\n- eins\n- zwei");
        assert!(h.contains("<strong>Fett</strong>"));
        assert!(h.contains("href=\"https://example.org\""));
        assert!(h.contains("<li>zwei</li>"));
        assert_eq!(
            demote_headings("<h1>a</h1><h2>b</h2>"),
            "<h3>a</h3><h4>b</h4>"
        );
    }
}
