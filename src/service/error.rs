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
            StoreError::Conflict(what) => {
                // The store names what clashed; the pages get a stable code for it.
                let code = match what.as_str() {
                    "a bot with this slug" => "slug_taken",
                    "an operator with this email" => "email_taken",
                    "a knowledge item with this id" => "id_taken",
                    "a concurrent deployment" => "deploy_concurrent",
                    _ => "conflict",
                };
                ActionError::Refused(
                    Refusal::Conflict,
                    Problem::new(code, format!("{what} already exists")),
                )
            }
            other => ActionError::Store(other),
        }
    }
}

/// One field's error, with its stable reason.
pub fn invalid(field: &str, problem: Problem) -> ActionError {
    ActionError::Invalid(vec![FieldError::of(field, problem)])
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
