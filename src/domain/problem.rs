//! What went wrong, said once for every audience: a stable `code` that pages translate into
//! their language (fr/en), the `params` the sentence needs (a field's label is looked up by
//! the page from `field`), and an English `message` for API users and logs.

use serde::Serialize;
use serde_json::{Map, Value};

/// A refusal with a stable code, e.g. `module_off {module, bot}`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Problem {
    pub code: &'static str,
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub params: Map<String, Value>,
    pub message: String,
}

impl Problem {
    pub fn new(code: &'static str, message: impl Into<String>) -> Problem {
        Problem {
            code,
            params: Map::new(),
            message: message.into(),
        }
    }

    /// Adds a parameter of the sentence (`{name}` in the pages' translations).
    pub fn param(mut self, name: &str, value: impl Into<Value>) -> Problem {
        self.params.insert(name.to_owned(), value.into());
        self
    }
}
