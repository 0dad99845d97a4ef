//! A knowledge answer's Markdown, rendered to the HTML shown in the chatbox, the console
//! and mails: no script, event handler or `javascript:` URL may survive, whatever the
//! input; sanitizing the output again changes nothing; the plain-text form never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigie::domain::markdown::{html_to_plain, render, to_plain};

fuzz_target!(|data: &[u8]| {
    let Ok(md) = std::str::from_utf8(data) else {
        return;
    };
    let html = render(md);
    let lower = html.to_ascii_lowercase();
    for tag in ["<script", "<iframe", "<object", "<embed", "<style", "<form", "<svg"] {
        assert!(!lower.contains(tag), "{tag} survived: {html}");
    }
    // Inside tags (text is escaped by the sanitizer, so `<` only opens a real tag): no
    // attribute that runs code, no link or source to a script.
    for tag in lower.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap_or_default();
        // The tag without its attribute values (the sanitizer always double-quotes them
        // and escapes a `"` inside): a title may say "onclick=" in words.
        let mut quoted = false;
        let names: String = tag
            .chars()
            .filter(|&c| {
                if c == '"' {
                    quoted = !quoted;
                    return false;
                }
                !quoted
            })
            .collect();
        let bytes = names.as_bytes();
        for (i, w) in bytes.windows(2).enumerate() {
            if w == b"on" && i > 0 && bytes[i - 1].is_ascii_whitespace() {
                let name: String = names[i..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                assert!(
                    !names[i + name.len()..].trim_start().starts_with('='),
                    "event handler {name} survived: {html}"
                );
            }
        }
        for scheme in ["javascript:", "vbscript:", "data:"] {
            for attr in ["href=\"", "src=\""] {
                let bad = format!("{attr}{scheme}");
                assert!(!tag.contains(&bad), "{bad} survived: {html}");
            }
        }
    }
    let _ = to_plain(md);
    let _ = html_to_plain(&html);
});
