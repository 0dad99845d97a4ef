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

    /// A language that is neither fr nor en.
    pub fn bad_lang(value: &str) -> Problem {
        Problem::new(
            "lang_invalid",
            format!("unknown language `{value}` (expected fr or en)"),
        )
        .param("value", value)
    }

    /// A required value left empty.
    pub fn required(what: &str) -> Problem {
        Problem::new("required", format!("{what} is required"))
    }

    /// More than `max` characters.
    pub fn too_long(what: &str, max: usize) -> Problem {
        Problem::new(
            "too_long",
            format!("{what} is too long ({max} characters at most)"),
        )
        .param("max", max)
    }

    /// A number outside `min..=max` (`unit`: "days", "seconds", "" …).
    pub fn out_of_range(min: i64, max: i64, unit: &str) -> Problem {
        Problem::new("out_of_range", format!("between {min} and {max} {unit}"))
            .param("min", min)
            .param("max", max)
            .param("unit", unit)
    }
}
