//! Operators: the people who log in (admins configure, supervisors oversee, operators
//! answer), their passwords, the languages they speak, and what an API token may do.

use super::closed::closed_set;
use super::Problem;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything, settings included.
    Admin,
    /// Everything an operator does, plus supervision (the audit log, statistics); no
    /// settings.
    Supervisor,
    Operator,
}

impl Role {
    pub fn parse(s: &str) -> Result<Role, Problem> {
        match s {
            "admin" => Ok(Role::Admin),
            "supervisor" => Ok(Role::Supervisor),
            "operator" => Ok(Role::Operator),
            other => Err(Problem::new(
                "role_invalid",
                format!("unknown role `{other}` (expected admin, supervisor or operator)"),
            )
            .param("value", other)),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Supervisor => "supervisor",
            Role::Operator => "operator",
        }
    }

    /// Admins and supervisors: they oversee (the audit log, acting on any monitored
    /// conversation).
    pub fn supervises(self) -> bool {
        matches!(self, Role::Admin | Role::Supervisor)
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

/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 10;

/// Passwords people pick first (lower-cased; the check also folds case and strips one
/// trailing run of digits and punctuation, so `Password123!` is caught by `password`).
const COMMON_PASSWORDS: &[&str] = &[
    "password",
    "motdepasse",
    "123456789",
    "1234567890",
    "12345678910",
    "0123456789",
    "qwertyuiop",
    "azertyuiop",
    "qwertyuiop123",
    "azertyuiop123",
    "qwerty",
    "azerty",
    "iloveyou",
    "jetaime",
    "sunshine",
    "football",
    "princess",
    "welcome",
    "bienvenue",
    "admin",
    "administrator",
    "administrateur",
    "letmein",
    "monkey",
    "dragon",
    "master",
    "baseball",
    "superman",
    "batman",
    "trustno1",
    "passw0rd",
    "p@ssw0rd",
    "p@ssword",
    "changeme",
    "changeit",
    "secret",
    "soleil",
    "doudou",
    "loulou",
    "chouchou",
    "marseille",
    "liverpool",
    "chocolate",
    "chocolat",
    "starwars",
    "whatever",
    "computer",
    "ordinateur",
    "internet",
    "abcdefghij",
    "abcdef",
    "aaaaaaaaaa",
    "1111111111",
    "0000000000",
    "1q2w3e4r5t",
    "1qaz2wsx3edc",
    "zaq12wsx",
    "qazwsxedc",
    "q1w2e3r4t5",
    "a1b2c3d4e5",
    "vigie",
    "helpdesk",
    "support",
    "operator",
    "operateur",
    "supervisor",
    "superviseur",
    "bonjour",
    "hello",
    "test",
    "testtest",
    "azerty123",
    "qwerty123",
    "motdepasse1",
];

/// Passwords: at least `MIN_PASSWORD` characters, at most 1,000 (argon2 work is bounded),
/// not the account's email (or its part before the @), not a well-known password. The
/// problem carries its code (`too_short {min}`, `too_long {max}`, `password_is_email`,
/// `password_common`) for the pages.
pub fn check_password(pw: &str, email: &str) -> Result<(), Problem> {
    let n = pw.chars().count();
    if n < MIN_PASSWORD {
        return Err(Problem::new(
            "too_short",
            format!("password must have at least {MIN_PASSWORD} characters"),
        )
        .param("min", MIN_PASSWORD));
    }
    if n > 1000 {
        return Err(Problem::too_long("password", 1000));
    }
    let folded = pw.trim().to_lowercase();
    let email = email.trim().to_lowercase();
    let local = email.split('@').next().unwrap_or("");
    if !email.is_empty() && (folded == email || (local.chars().count() >= 4 && folded == local)) {
        return Err(Problem::new(
            "password_is_email",
            "the password must not be the email address",
        ));
    }
    let stem = folded.trim_end_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation());
    let one_char = folded.chars().all(|c| folded.starts_with(c));
    if one_char
        || COMMON_PASSWORDS.contains(&folded.as_str())
        || (!stem.is_empty() && COMMON_PASSWORDS.contains(&stem))
    {
        return Err(Problem::new(
            "password_common",
            "this password is too common, choose another one",
        ));
    }
    Ok(())
}

/// Languages an operator speaks: ISO 639-1/2 codes (`fr`, `en`, `de`…), 20 at most,
/// lower-cased and without duplicates.
pub fn parse_languages(field: &str, raw: &[String]) -> Result<Vec<String>, super::FieldError> {
    let mut out: Vec<String> = Vec::new();
    for l in raw {
        let l = l.trim().to_lowercase();
        if !(2..=3).contains(&l.len()) || !l.chars().all(|c| c.is_ascii_lowercase()) {
            return Err(super::FieldError::new(
                field,
                format!("`{l}` is not a language code such as fr or en"),
            )
            .code("bad_language")
            .param("value", l));
        }
        if !out.contains(&l) {
            out.push(l);
        }
    }
    if out.len() > 20 {
        return Err(super::FieldError::new(field, "20 languages at most")
            .code("too_many")
            .param("max", 20));
    }
    Ok(out)
}

closed_set! {
    /// What an API token may do: everything its owner may (`operator`, the tokens made
    /// before scopes existed), or one narrow thing for an integration.
    pub enum TokenScope {
        /// Full operator rights (those of the token's owner).
        Operator = "operator",
        /// Create monitored conversations (a CRM), nothing else.
        MonitoredCreate = "monitored:create",
        /// Read the bots' knowledge.
        KnowledgeRead = "knowledge:read",
        /// Read and write the knowledge (writing also needs an admin owner).
        KnowledgeWrite = "knowledge:write",
        /// Read the conversations and their transcripts.
        ConversationsRead = "conversations:read",
    }
}

impl TokenScope {
    /// Whether a token of this scope may use a route that accepts `route` (None: a route
    /// for full rights only).
    pub fn allows(self, route: Option<TokenScope>) -> bool {
        match (self, route) {
            (TokenScope::Operator, _) => true,
            (_, None) => false,
            (TokenScope::KnowledgeWrite, Some(TokenScope::KnowledgeRead)) => true,
            (mine, Some(needed)) => mine == needed,
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_passwords_are_refused_with_their_code() {
        let code = |pw: &str| {
            check_password(pw, "claire.martin@example.com")
                .err()
                .map(|e| e.code)
        };
        assert_eq!(code("short"), Some("too_short"));
        assert_eq!(code("Password123!"), Some("password_common"));
        assert_eq!(code("azertyuiop"), Some("password_common"));
        assert_eq!(code("aaaaaaaaaaaa"), Some("password_common"));
        assert_eq!(code("claire.martin@example.com"), Some("password_is_email"));
        assert_eq!(code("Claire.Martin"), Some("password_is_email"));
        assert_eq!(code("un cheval bleu dans le pré"), None);
    }

    #[test]
    fn scopes_allow_their_routes_only() {
        assert!(TokenScope::Operator.allows(None));
        assert!(!TokenScope::MonitoredCreate.allows(None));
        assert!(TokenScope::MonitoredCreate.allows(Some(TokenScope::MonitoredCreate)));
        assert!(!TokenScope::MonitoredCreate.allows(Some(TokenScope::KnowledgeRead)));
        assert!(TokenScope::KnowledgeWrite.allows(Some(TokenScope::KnowledgeRead)));
        assert!(!TokenScope::KnowledgeRead.allows(Some(TokenScope::KnowledgeWrite)));
    }

    #[test]
    fn languages_are_codes() {
        assert_eq!(
            parse_languages("l", &["FR".into(), "en".into(), "fr".into()]).unwrap(),
            vec!["fr", "en"]
        );
        assert_eq!(
            parse_languages("l", &["français".into()]).unwrap_err().code,
            "bad_language"
        );
    }
}
