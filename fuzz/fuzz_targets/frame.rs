//! The realtime protocol's frame decoder, as the server reads a text frame from a visitor
//! or an operator: size, JSON, `type`, the typed frame, then what a `hello` or a `page`
//! carries cleaned for storage. Nothing may panic; a refusal is one of the protocol's
//! codes; what is kept of a visitor's context stays within its bounds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigie::domain::visitor_context::{web_url, MAX_PAGES};
use vigie::http::ws::frames::{self, VisitorFrame, MAX_FRAME};

const NOW: i64 = 1_780_000_000_000;

fn refusal_is_known(code: &str) {
    assert!(
        matches!(code, "malformed" | "too_large"),
        "unexpected refusal code {code}"
    );
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match frames::check(text) {
        Ok(frame) => {
            assert!(text.len() <= MAX_FRAME);
            assert!(frame.value.get("type").is_some());
        }
        Err(r) => refusal_is_known(&r.code),
    }
    if let Err(r) = frames::decode_operator(text) {
        refusal_is_known(&r.code);
    }
    match frames::decode_visitor(text) {
        Ok(VisitorFrame::Hello(hello)) => {
            if let Some(context) = hello.context {
                let cleaned = context.cleaned(NOW);
                assert!(cleaned.pages.len() <= MAX_PAGES);
                for page in &cleaned.pages {
                    // Only web URLs are ever kept (shown as links in the console).
                    assert_eq!(web_url(&page.url).as_deref(), Some(page.url.as_str()));
                    assert!(page.at <= NOW);
                    assert!(page.title.chars().count() <= 200);
                }
                if let Some(r) = &cleaned.referrer {
                    assert!(web_url(r).is_some(), "referrer {r}");
                }
                assert!(cleaned.attributes.len() <= 30);
                // Cleaning twice changes nothing.
                let json = serde_json::json!({
                    "pages": cleaned.pages.iter().map(|p| serde_json::json!({"url": p.url, "title": p.title, "at": p.at})).collect::<Vec<_>>(),
                });
                let again: vigie::domain::visitor_context::ReportedContext =
                    serde_json::from_value(json).expect("a cleaned context reads back");
                assert_eq!(again.cleaned(NOW).pages, cleaned.pages);
            }
        }
        Ok(VisitorFrame::Page { page }) => {
            if let Some(p) = page.cleaned(NOW) {
                assert_eq!(web_url(&p.url).as_deref(), Some(p.url.as_str()));
            }
        }
        Ok(_) => {}
        Err(r) => refusal_is_known(&r.code),
    }
});
