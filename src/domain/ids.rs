//! Database ids that are easy to mix up with the other integers around them.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An operator's database id. Functions that take an operator beside a conversation
/// (assign, transfer, release, offer help) cannot be handed one for the other.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OperatorId(pub i64);

impl fmt::Display for OperatorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}
