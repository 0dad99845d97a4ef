//! Knowledge answers are written in Markdown and shown as HTML: rendered with
//! pulldown-cmark, then sanitized with ammonia so that no script, event handler or
//! `javascript:` URL survives, whatever an admin or an imported file wrote.

pub fn render(markdown: &str) -> String {
    let parser = pulldown_cmark::Parser::new_ext(
        markdown,
        pulldown_cmark::Options::ENABLE_STRIKETHROUGH | pulldown_cmark::Options::ENABLE_TABLES,
    );
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, parser);
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        .add_generic_attributes(["title"])
        .set_tag_attribute_value("a", "target", "_blank")
        .clean(&html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn renders_markdown() {
        let html = render("**Gras** et [lien](https://intranet.example.com)\n\n- un\n- deux");
        assert!(html.contains("<strong>Gras</strong>"));
        assert!(html.contains("<li>un</li>"));
        assert!(html.contains("rel=\"noopener noreferrer\""));
    }

    #[test]
    fn no_script_survives() {
        let html = render("<script>alert(1)</script><img src=x onerror=alert(1)> <a href=\"javascript:alert(2)\">y</a>\n\nA [link](javascript:alert(1)) and <iframe src=\"https://evil.example\"></iframe>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("href=\"javascript"), "{html}");
        assert!(!html.contains("<iframe"), "{html}");
        assert!(html.contains(">link</a>"), "{html}");
    }
}
