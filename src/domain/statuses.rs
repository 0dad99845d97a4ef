//! Operator statuses as helpdesks use them (issue 13): *Disponible*, *Absent* with a reason
//! from a list the admins keep (pause, réunion, formation…), *Hors ligne*; and the console
//! preferences each operator keeps (sound, desktop notifications), stored server-side so
//! they follow the operator from one browser to another.

use super::{FieldError, Problem};
use serde::{Deserialize, Serialize};

/// Longest away reason, in characters.
pub const MAX_REASON_CHARS: usize = 40;
/// Most away reasons in the list.
pub const MAX_REASONS: usize = 20;

/// The default list of away reasons (admins change it in the livechat settings).
pub fn default_away_reasons() -> Vec<String> {
    ["Pause", "Réunion", "Formation", "Déjeuner", "Tâche de fond"]
        .map(String::from)
        .to_vec()
}

/// Checks the livechat settings' list of away reasons: 1 to `MAX_REASONS`, each non-empty,
/// at most `MAX_REASON_CHARS`, no two alike (case ignored).
pub fn check_away_reasons(field: &str, reasons: &[String]) -> Result<(), FieldError> {
    if reasons.is_empty() || reasons.len() > MAX_REASONS {
        return Err(FieldError::of(
            field,
            Problem::out_of_range(1, MAX_REASONS as i64, "items"),
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    for r in reasons {
        let t = r.trim();
        if t.is_empty() {
            return Err(FieldError::new(field, "an away reason is empty").code("required"));
        }
        if t.chars().count() > MAX_REASON_CHARS {
            return Err(FieldError::of(
                field,
                Problem::too_long("an away reason", MAX_REASON_CHARS),
            ));
        }
        if !seen.insert(t.to_lowercase()) {
            return Err(FieldError::of(
                field,
                Problem::new("duplicate_value", format!("`{t}` is listed twice")).param("value", t),
            ));
        }
    }
    Ok(())
}

/// The reason an operator gives with a status: only with *away*, and one of `allowed`
/// (compared without surrounding spaces). `None` for another status.
pub fn check_reason(
    away: bool,
    reason: Option<&str>,
    allowed: &[String],
) -> Result<Option<String>, Problem> {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    match (away, reason) {
        (_, None) => Ok(None),
        (false, Some(_)) => Err(Problem::new(
            "reason_only_away",
            "a reason goes with the away status only",
        )),
        (true, Some(r)) => allowed
            .iter()
            .find(|a| a.trim() == r)
            .map(|a| Some(a.trim().to_string()))
            .ok_or_else(|| {
                Problem::new(
                    "away_reason_unknown",
                    format!("`{r}` is not one of the away reasons the admins listed"),
                )
                .param("value", r)
            }),
    }
}

/// What the console raises a desktop notification for (the browser's permission aside).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DesktopNotifications {
    /// A new visitor waits in the queue.
    pub queue: bool,
    /// A visitor's message in a tab that is not in front (or while the page is not looked at).
    pub messages: bool,
    /// A monitored conversation of mine is opened by its visitor for the first time.
    pub monitored_opened: bool,
    /// The visitor of one of my monitored conversations writes (strong ones have a tab and
    /// are covered by `messages`; this adds the weak ones, which have none).
    pub weak_replies: bool,
}

impl Default for DesktopNotifications {
    fn default() -> Self {
        DesktopNotifications {
            queue: true,
            messages: true,
            monitored_opened: true,
            weak_replies: false,
        }
    }
}

/// An operator's console preferences.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConsolePreferences {
    /// A short sound for news.
    pub sound: bool,
    pub desktop: DesktopNotifications,
}

impl Default for ConsolePreferences {
    fn default() -> Self {
        ConsolePreferences {
            sound: true,
            desktop: DesktopNotifications::default(),
        }
    }
}

impl ConsolePreferences {
    /// Stored preferences; unreadable ones (an older shape) read as the defaults.
    pub fn from_stored(json: &str) -> ConsolePreferences {
        serde_json::from_str(json).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_goes_with_away_and_comes_from_the_list() {
        let list = default_away_reasons();
        assert_eq!(
            check_reason(true, Some(" Réunion "), &list).unwrap(),
            Some("Réunion".into())
        );
        assert_eq!(check_reason(true, None, &list).unwrap(), None);
        assert_eq!(check_reason(false, Some(""), &list).unwrap(), None);
        assert_eq!(
            check_reason(true, Some("Sieste"), &list).unwrap_err().code,
            "away_reason_unknown"
        );
        assert_eq!(
            check_reason(false, Some("Pause"), &list).unwrap_err().code,
            "reason_only_away"
        );
    }

    #[test]
    fn the_reason_list_is_checked() {
        assert!(check_away_reasons("r", &default_away_reasons()).is_ok());
        assert_eq!(
            check_away_reasons("r", &[]).unwrap_err().code,
            "out_of_range"
        );
        let twice = vec!["Pause".to_string(), "pause".to_string()];
        assert_eq!(
            check_away_reasons("r", &twice).unwrap_err().code,
            "duplicate_value"
        );
        assert_eq!(
            check_away_reasons("r", &["x".repeat(41)]).unwrap_err().code,
            "too_long"
        );
    }

    #[test]
    fn preferences_read_old_and_partial_shapes() {
        let p = ConsolePreferences::from_stored(r#"{"sound": false}"#);
        assert!(!p.sound);
        assert!(p.desktop.queue && !p.desktop.weak_replies);
        assert_eq!(
            ConsolePreferences::from_stored("{}"),
            ConsolePreferences::default()
        );
        assert_eq!(
            ConsolePreferences::from_stored("nonsense"),
            ConsolePreferences::default()
        );
    }
}
