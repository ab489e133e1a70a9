//! Escaping text for XML and HTML output (feeds, sitemaps, JUnit reports, server pages).

/// Text for XML/HTML content and attribute values: markup characters escaped, characters
/// XML 1.0 does not allow dropped, CR kept as a reference so parsers do not fold it.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_drops_what_xml_cannot_carry() {
        assert_eq!(
            super::escape("a<b>&\"'\r\u{1}\tc"),
            "a&lt;b&gt;&amp;&quot;&#39;&#13;\tc"
        );
    }
}
