//! The one error type of the use cases, and the one mapping of a store's `NotFound` to it.

use crate::domain::knowledge::ImportError;
use crate::domain::{FieldError, Problem};
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("invalid import file ({} problem(s))", .0.len())]
    InvalidImport(Vec<ImportError>),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0} already exists")]
    Conflict(String),
    /// The operator may not do this (see docs/monitored-conversations.md, "Who may act").
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// A refusal with a stable code the pages translate (see `domain::Problem`).
    #[error("{}", .1.message)]
    Refused(Refusal, Problem),
    #[error(transparent)]
    Store(StoreError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Which kind of refusal (the HTTP edge maps it to a status).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    BadRequest,
    NotFound,
    Conflict,
    Forbidden,
    /// It existed and is over (expired or used link).
    Gone,
    TooMany,
}

impl ActionError {
    pub fn refused(kind: Refusal, problem: Problem) -> ActionError {
        ActionError::Refused(kind, problem)
    }
}

impl From<StoreError> for ActionError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(what) => ActionError::Conflict(what),
            other => ActionError::Store(other),
        }
    }
}

/// One field's error.
pub fn invalid(field: &str, message: impl Into<String>) -> ActionError {
    ActionError::Invalid(vec![FieldError::new(field, message)])
}

/// A store read whose `NotFound` means "no such `what`" to the caller.
pub trait OrNotFound<T> {
    fn or_not_found(self, what: &'static str) -> Result<T, ActionError>;
}

impl<T> OrNotFound<T> for Result<T, StoreError> {
    fn or_not_found(self, what: &'static str) -> Result<T, ActionError> {
        self.map_err(|e| match e {
            StoreError::NotFound => ActionError::NotFound(what),
            other => other.into(),
        })
    }
}
