//! Operators: the people who log in (admins configure, operators answer).

use super::closed::closed_set;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Operator,
}

impl Role {
    pub fn parse(s: &str) -> Result<Role, String> {
        match s {
            "admin" => Ok(Role::Admin),
            "operator" => Ok(Role::Operator),
            other => Err(format!(
                "unknown role `{other}` (expected admin or operator)"
            )),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Operator => "operator",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A display name: 1 to 100 characters, no control characters (it is shown to visitors
/// and may end up in mail headers).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperatorName(String);

impl OperatorName {
    pub fn parse(raw: &str) -> Result<OperatorName, String> {
        let s = raw.trim();
        if s.is_empty() {
            return Err("name is required".into());
        }
        if s.chars().count() > 100 {
            return Err("name is too long (100 characters at most)".into());
        }
        if s.chars().any(char::is_control) {
            return Err("name must not contain control characters or line breaks".into());
        }
        Ok(OperatorName(s.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Passwords: at least 10 characters, at most 1,000 (argon2 work is bounded).
pub fn check_password(pw: &str) -> Result<(), String> {
    let n = pw.chars().count();
    if n < 10 {
        return Err("password must have at least 10 characters".into());
    }
    if n > 1000 {
        return Err("password is too long".into());
    }
    Ok(())
}

closed_set! {
    /// What an operator says of themselves in the console (a presence not refreshed for
    /// the presence timeout reads as `Offline`).
    pub enum Availability {
        /// Gets conversations from the queue.
        Available = "available",
        /// Keeps their conversations, gets no new ones pushed.
        Away = "away",
        Offline = "offline",
    }
}
