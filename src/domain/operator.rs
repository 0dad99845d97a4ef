//! Operators: the people who log in (admins configure, operators answer).

use super::closed::closed_set;
use super::Problem;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Operator,
}

impl Role {
    pub fn parse(s: &str) -> Result<Role, Problem> {
        match s {
            "admin" => Ok(Role::Admin),
            "operator" => Ok(Role::Operator),
            other => Err(Problem::new(
                "role_invalid",
                format!("unknown role `{other}` (expected admin or operator)"),
            )
            .param("value", other)),
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
    pub fn parse(raw: &str) -> Result<OperatorName, Problem> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(Problem::required("name"));
        }
        if s.chars().count() > 100 {
            return Err(Problem::too_long("name", 100));
        }
        if s.chars().any(char::is_control) {
            return Err(Problem::new(
                "single_line",
                "name must not contain control characters or line breaks",
            ));
        }
        Ok(OperatorName(s.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Passwords: at least 10 characters, at most 1,000 (argon2 work is bounded).
pub fn check_password(pw: &str) -> Result<(), Problem> {
    let n = pw.chars().count();
    if n < 10 {
        return Err(
            Problem::new("too_short", "password must have at least 10 characters").param("min", 10),
        );
    }
    if n > 1000 {
        return Err(Problem::too_long("password", 1000));
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
