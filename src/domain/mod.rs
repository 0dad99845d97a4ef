//! Domain types and rules: what an operator, a bot, a knowledge item is, and what makes
//! one valid. Knows nothing of HTTP or SQL: handlers and the CLI turn raw input into these
//! types once, at the edge ("parse, don't validate").

pub mod bot;
pub mod canned;
pub mod chatbox_config;
pub(crate) mod closed;
pub mod conversation;
pub mod deployment;
pub mod email;
pub mod ids;
pub mod knowledge;
pub mod knowledge_file;
pub mod livechat_settings;
pub mod mail;
pub mod markdown;
pub mod office_hours;
pub mod operator;
pub mod privacy;
pub mod problem;
pub mod statuses;
pub mod visitor_context;

pub use bot::{BotProfile, BotSlug, NewBot};
pub use chatbox_config::ChatboxConfig;
pub use email::Email;
pub use ids::OperatorId;
pub use knowledge::{FieldError, KnowledgeItem};
pub use operator::{OperatorName, Role};
pub use problem::Problem;

/// "de" before a name, with the French elision: "d'Admin", "d'Émile", "de Claire".
pub fn de_name(name: &str) -> String {
    let elides = name.chars().next().is_some_and(|c| {
        let lower: String = c.to_lowercase().collect();
        "aeiouyhàâäéèêëîïôöùûüœæ".contains(lower.as_str())
    });
    if elides {
        format!("d'{name}")
    } else {
        format!("de {name}")
    }
}

#[cfg(test)]
mod de_name_tests {
    #[test]
    fn elides_before_a_vowel() {
        assert_eq!(super::de_name("Admin"), "d'Admin");
        assert_eq!(super::de_name("Émile"), "d'Émile");
        assert_eq!(super::de_name("Claire"), "de Claire");
    }
}

/// A day written out in `lang`, for sentences: "2 mars 2027", "1er mars 2027",
/// "2 March 2027" (UTC).
pub fn long_date(ms: i64, lang: vigie_bot::Lang) -> String {
    const FR: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let Ok(t) = time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000)) else {
        return String::new();
    };
    let (d, m, y) = (t.day(), usize::from(u8::from(t.month())) - 1, t.year());
    match lang {
        vigie_bot::Lang::Fr if d == 1 => format!("1er {} {y}", FR[m]),
        vigie_bot::Lang::Fr => format!("{d} {} {y}", FR[m]),
        vigie_bot::Lang::En => format!("{d} {} {y}", EN[m]),
    }
}

#[cfg(test)]
mod long_date_tests {
    use vigie_bot::Lang;

    #[test]
    fn written_out_in_each_language() {
        // 2027-03-02 12:00 UTC
        let ms = 1_803_988_800_000;
        assert_eq!(super::long_date(ms, Lang::Fr), "2 mars 2027");
        assert_eq!(super::long_date(ms, Lang::En), "2 March 2027");
        assert_eq!(super::long_date(ms - 86_400_000, Lang::Fr), "1er mars 2027");
    }
}

/// Milliseconds since the Unix epoch: the one time representation stored by both backends.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
