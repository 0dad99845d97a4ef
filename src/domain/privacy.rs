//! Personal data, on time (issue 15, item 8): how long a bot keeps its conversations and
//! what happens then, whose data an admin erases or exports, and how an email address is
//! named in the audit log (never in clear).

use super::closed::closed_set;
use super::{Email, FieldError, Problem};
use sha2::{Digest, Sha256};

closed_set! {
    /// What the retention sweeper does to a conversation past its bot's period.
    pub enum RetentionMode {
        /// The conversation goes, with everything hanging on it.
        Delete = "delete",
        /// The personal data is replaced; the conversation, its messages and the counts
        /// stay (the statistics keep their figures).
        Anonymize = "anonymize",
    }
}

/// The longest period an admin may set (ten years).
pub const MAX_RETENTION_DAYS: i64 = 3650;

/// What replaces a visitor's free text when it is anonymized.
pub const REDACTED: &str = "[…]";

/// A bot's retention, checked: `days` None keeps everything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retention {
    pub days: Option<i64>,
    pub mode: RetentionMode,
}

impl Retention {
    /// From the form: the fields are `retention_days` and `retention_mode`.
    pub fn parse(days: Option<i64>, mode: &str) -> Result<Retention, Vec<FieldError>> {
        let mut errors = Vec::new();
        if let Some(d) = days {
            if !(1..=MAX_RETENTION_DAYS).contains(&d) {
                errors.push(FieldError::of(
                    "retention_days",
                    Problem::out_of_range(1, MAX_RETENTION_DAYS, "days"),
                ));
            }
        }
        let parsed = RetentionMode::parse(mode);
        if parsed.is_none() {
            errors.push(FieldError::of(
                "retention_mode",
                Problem::new(
                    "retention_mode_invalid",
                    format!("unknown retention mode `{mode}` (expected delete or anonymize)"),
                )
                .param("value", mode),
            ));
        }
        match parsed {
            Some(mode) if errors.is_empty() => Ok(Retention { days, mode }),
            _ => Err(errors),
        }
    }
}

/// Whose data: a visitor's email address (every conversation, mail and record naming it,
/// and the visitors who gave it), or one visitor record by its id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DataSubject {
    Email(String),
    Visitor(i64),
}

impl DataSubject {
    /// Exactly one of `email` and `visitor` (fields of those names).
    pub fn parse(email: Option<&str>, visitor: Option<i64>) -> Result<DataSubject, FieldError> {
        match (email.map(str::trim).filter(|e| !e.is_empty()), visitor) {
            (Some(e), None) => Email::parse(e)
                .map(|e| DataSubject::Email(e.as_str().to_lowercase()))
                .map_err(|p| FieldError::of("email", p)),
            (None, Some(id)) if id > 0 => Ok(DataSubject::Visitor(id)),
            (None, Some(_)) => Err(FieldError::of(
                "visitor",
                Problem::out_of_range(1, i64::MAX, ""),
            )),
            (Some(_), Some(_)) => Err(FieldError::of(
                "email",
                Problem::new(
                    "subject_both",
                    "give an email address or a visitor id, not both",
                ),
            )),
            (None, None) => Err(FieldError::of(
                "email",
                Problem::new("subject_missing", "give an email address or a visitor id"),
            )),
        }
    }

    /// How the audit log and the logs name it: the email masked (`m***@example.fr`) with
    /// the first 12 hex digits of its SHA-256 (the same address always gives the same
    /// name, so two entries about one person can be matched without keeping it).
    pub fn audit_name(&self) -> String {
        match self {
            DataSubject::Email(e) => format!("email:{} #{}", mask_email(e), email_hash(e)),
            DataSubject::Visitor(id) => format!("visitor:{id}"),
        }
    }
}

/// `marie@example.fr` → `m***@example.fr`.
pub fn mask_email(email: &str) -> String {
    match email.rsplit_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_string(),
    }
}

/// The first 12 hex digits of the SHA-256 of the lower-cased address.
pub fn email_hash(email: &str) -> String {
    let digest = Sha256::digest(email.trim().to_lowercase().as_bytes());
    hex::encode(digest)[..12].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_is_checked_field_by_field() {
        assert_eq!(
            Retention::parse(Some(30), "delete").unwrap(),
            Retention {
                days: Some(30),
                mode: RetentionMode::Delete
            }
        );
        assert_eq!(Retention::parse(None, "anonymize").unwrap().days, None);
        let errors = Retention::parse(Some(0), "shred").unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["retention_days", "retention_mode"]);
        assert_eq!(errors[0].code, "out_of_range");
        assert!(Retention::parse(Some(MAX_RETENTION_DAYS + 1), "delete").is_err());
    }

    #[test]
    fn a_subject_is_one_email_or_one_visitor() {
        assert_eq!(
            DataSubject::parse(Some(" Marie@Example.FR "), None).unwrap(),
            DataSubject::Email("marie@example.fr".into())
        );
        assert_eq!(
            DataSubject::parse(None, Some(7)).unwrap(),
            DataSubject::Visitor(7)
        );
        assert_eq!(
            DataSubject::parse(Some("nope"), None).unwrap_err().code,
            "email_invalid"
        );
        assert_eq!(
            DataSubject::parse(Some("a@b.fr"), Some(1))
                .unwrap_err()
                .code,
            "subject_both"
        );
        assert_eq!(
            DataSubject::parse(None, None).unwrap_err().code,
            "subject_missing"
        );
    }

    #[test]
    fn the_audit_never_names_the_address_in_clear() {
        let s = DataSubject::Email("marie.dupont@example.fr".into());
        let name = s.audit_name();
        assert!(!name.contains("marie.dupont"), "{name}");
        assert!(name.starts_with("email:m***@example.fr #"), "{name}");
        assert_eq!(
            email_hash("Marie.Dupont@example.fr"),
            email_hash("marie.dupont@example.fr")
        );
    }
}
