//! Livechat settings ("Paramètres Livechat > Général"): applied without restart.

use super::FieldError;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LivechatSettings {
    /// Conversations an operator holds at once, unless set for that operator.
    pub default_capacity: i64,
    /// An operator whose connections have been silent this long counts as offline.
    pub presence_timeout_seconds: i64,
}

impl Default for LivechatSettings {
    fn default() -> Self {
        LivechatSettings {
            default_capacity: 3,
            presence_timeout_seconds: 60,
        }
    }
}

pub const MAX_CAPACITY: i64 = 20;

pub fn check_capacity(field: &str, c: i64) -> Result<(), FieldError> {
    if (1..=MAX_CAPACITY).contains(&c) {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            format!("capacity is between 1 and {MAX_CAPACITY}"),
        ))
    }
}

impl LivechatSettings {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if let Err(e) = check_capacity("default_capacity", self.default_capacity) {
            errors.push(e);
        }
        if !(30..=3600).contains(&self.presence_timeout_seconds) {
            errors.push(FieldError::new(
                "presence_timeout_seconds",
                "between 30 and 3600 seconds (the console refreshes its presence every 20 s)",
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}
