//! Vigie's matching engine: builds an immutable index from a deployment's
//! knowledge and answers visitors' questions in French and English.
//!
//! Pure: no I/O, no global mutable state (a thread-local scratch buffer
//! only). See [`Index::ask`] for the decision and [`index`] for the scoring.

pub mod bm25;
mod decide;
pub mod eval;
mod fuzzy;
pub mod groups;
pub mod handoff;
pub mod index;
pub mod lang;
pub mod normalize;
mod stopwords;

pub use index::{Index, Params};
pub use lang::Lang;
pub use normalize::normalize;

/// One knowledge item as given by the deployment. Deserializes from an
/// item of the knowledge import format (tools and tests read files with it;
/// the server validates them first).
#[derive(Clone, Debug, serde::Deserialize)]
pub struct KnowledgeInput {
    /// External id, unique.
    pub id: String,
    pub title: String,
    pub lang: Lang,
    #[serde(default)]
    pub formulations: Vec<String>,
    /// The answer shown to the visitor, Markdown or plain text. Its words
    /// are searchable at a lower weight than title and formulations (URLs
    /// and Markdown syntax removed).
    #[serde(default)]
    pub answer: String,
    /// Free keywords; searchable at a lower weight, like the answer.
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub related: Vec<String>,
    /// "Hand over to an operator" flag.
    #[serde(default)]
    pub handoff: bool,
}

/// A knowledge file of the import format: `{"knowledge": [...]}`.
#[derive(Debug, serde::Deserialize)]
pub struct KnowledgeFile {
    pub knowledge: Vec<KnowledgeInput>,
}

/// A scored item.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Candidate {
    pub id: String,
    pub score: f32,
}

/// What to do with a visitor's question.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// One knowledge clearly matches. score is a confidence in [0,1].
    Answer { id: String, score: f32 },
    /// No single clear winner, but a few (2..=4) plausible candidates, best first.
    Suggestions { candidates: Vec<Candidate> },
    /// Nothing matches well enough. `candidates` may hold up to 3 weak close matches (may be empty).
    NotUnderstood { candidates: Vec<Candidate> },
    /// The visitor asks for a human and no knowledge flagged `handoff` matched it.
    Handoff { score: f32 },
}

#[cfg(test)]
mod tests;
