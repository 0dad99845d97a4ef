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
    // Attributes that run code: `on…=` inside a tag.
    let mut in_tag = false;
    let bytes = lower.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'<' => in_tag = true,
            b'>' => in_tag = false,
            b'o' if in_tag
                && i > 0
                && bytes[i - 1].is_ascii_whitespace()
                && bytes.get(i + 1) == Some(&b'n') =>
            {
                let rest = &lower[i..];
                let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
                assert!(
                    !rest[name.len()..].starts_with('='),
                    "event handler {name} survived: {html}"
                );
            }
            _ => {}
        }
    }
    for scheme in ["href=\"javascript:", "src=\"javascript:", "href=\"data:", "href=\"vbscript:"] {
        assert!(!lower.contains(scheme), "{scheme} survived: {html}");
    }
    let _ = to_plain(md);
    let _ = html_to_plain(&html);
});
