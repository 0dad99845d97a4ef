//! A syntactically valid email address, the only way to hold one in Vigie.

use super::Problem;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Accepts `local@domain.tld` with a conservative character set. Newlines, spaces,
    /// angle brackets and commas are refused, which also makes header injection impossible
    /// wherever an address is used in a mail.
    pub fn parse(raw: &str) -> Result<Email, Problem> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(Problem::new("required", "email address is required"));
        }
        if s.len() > 254 {
            return Err(Problem::new(
                "too_long",
                "email address is too long (254 characters at most)",
            )
            .param("max", 254));
        }
        let Some((local, domain)) = s.rsplit_once('@') else {
            return Err(Problem::new(
                "email_invalid",
                format!("`{s}` is not an email address (no @)"),
            )
            .param("value", s));
        };
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
            && labels
                .last()
                .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
        if !local_ok || !domain_ok {
            return Err(Problem::new(
                "email_invalid",
                format!("`{s}` is not a valid email address"),
            )
            .param("value", s));
        }
        Ok(Email(format!("{local}@{}", domain.to_ascii_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Email;

    #[test]
    fn accepts_ordinary_addresses() {
        assert_eq!(
            Email::parse(" Claire.Martin@Example.COM ")
                .unwrap()
                .as_str(),
            "Claire.Martin@example.com"
        );
        assert!(Email::parse("a+tag@sub.example.fr").is_ok());
    }

    #[test]
    fn refuses_malformed_and_injection() {
        for bad in [
            "",
            "plain",
            "a@b",
            "a@@b.fr",
            "a b@c.fr",
            "a@c.fr\nBcc: x@y.fr",
            "<a@b.fr>",
            "a@-b.fr",
            "a..b@c.fr",
            "a@b.c0",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} accepted");
        }
    }
}
