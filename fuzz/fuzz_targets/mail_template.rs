//! An admin-edited mail template (subject, HTML part, text part), as the livechat
//! settings' check and preview render it with sample values, then with hostile values:
//! nothing may panic or run away (fuel), and in the HTML part a value is always escaped.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigie::domain::livechat_settings::{MailTemplate, MailTemplates};
use vigie::mail::template::{check, check_account, render, MailVars};
use vigie_bot::Lang;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Three parts separated by NUL; a missing part is empty.
    let mut parts = text.splitn(3, '\0');
    let t = MailTemplate {
        subject: parts.next().unwrap_or_default().to_string(),
        html: parts.next().unwrap_or_default().to_string(),
        text: parts.next().unwrap_or_default().to_string(),
    };
    let _ = check(&t, Lang::Fr, "monitored_mail.fr");
    let _ = check_account(&t, Lang::En, "invitation.en");
    // The default template with the input as every value a visitor or an operator can
    // choose (names and titles are refused with control characters, so none here): the
    // HTML part never carries it unescaped.
    let text: String = text.chars().filter(|c| !c.is_control()).collect();
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    if text.contains("QZXJ") {
        return;
    }
    let defaults = MailTemplates::default();
    let mut vars = MailVars::sample(Lang::Fr);
    // Each value between markers, to find where it lands in the HTML part: never a tag
    // there (quotes may stand as they are in text, which the sanitizer writes unescaped).
    let marked = format!("QZXJ{text}QZXJ");
    vars.conversation_name = marked.clone();
    vars.operator_name = marked.clone();
    vars.knowledge_title = marked.clone();
    vars.knowledge_answer = marked;
    let rendered = render(&defaults.fr, &vars, "fr").expect("the default template renders");
    for (i, part) in rendered.html.split("QZXJ").enumerate() {
        if i % 2 == 1 {
            assert!(
                !part.contains(['<', '>']),
                "unescaped value in the HTML part: {part}"
            );
        }
    }
});
