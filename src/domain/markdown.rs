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

/// The answer as plain text (a mail's text part): emphasis marks dropped, list items on
/// their own line with a dash, links followed by their address, raw HTML left out.
pub fn to_plain(markdown: &str) -> String {
    use pulldown_cmark::{Event, Tag, TagEnd};
    let mut out = String::with_capacity(markdown.len());
    let mut links: Vec<String> = Vec::new();
    let mut ordered: Vec<Option<u64>> = Vec::new();
    let newline = |out: &mut String| {
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
    };
    for event in pulldown_cmark::Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            Event::Start(Tag::List(first)) => {
                newline(&mut out);
                ordered.push(first);
            }
            Event::End(TagEnd::List(_)) => {
                ordered.pop();
                if ordered.is_empty() {
                    newline(&mut out);
                    out.push('\n');
                }
            }
            Event::Start(Tag::Item) => {
                newline(&mut out);
                match ordered.last_mut() {
                    Some(Some(n)) => {
                        out.push_str(&format!("{n}. "));
                        *n += 1;
                    }
                    _ => out.push_str("- "),
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => links.push(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                if let Some(url) = links.pop() {
                    if !url.is_empty() && !out.ends_with(url.as_str()) {
                        out.push_str(&format!(" ({url})"));
                    }
                }
            }
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::CodeBlock) => {
                newline(&mut out);
                out.push('\n');
            }
            _ => {}
        }
    }
    let mut text = out.trim().to_string();
    while text.contains("\n\n\n") {
        text = text.replace("\n\n\n", "\n\n");
    }
    text
}

/// The text of an HTML fragment (tags dropped, block ends as spaces, entities decoded):
/// a knowledge answer in a plain-text transcript.
pub fn html_to_plain(html: &str) -> String {
    let spaced = html
        .replace("</p>", "</p> ")
        .replace("<br>", " ")
        .replace("</li>", "</li> ");
    let text = ammonia::Builder::empty().clean(&spaced).to_string();
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::{render, to_plain};

    #[test]
    fn plain_text_for_mails() {
        let t = to_plain("Essayez :\n\n1. **Redémarrez** le poste.\n2. Ouvrez [le portail](https://portail.example.com).\n\n- un\n- deux\n\n<b>brut</b> fin");
        assert_eq!(
            t,
            "Essayez :\n\n1. Redémarrez le poste.\n2. Ouvrez le portail (https://portail.example.com).\n\n- un\n- deux\n\nbrut fin"
        );
    }

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
