//! Vigie's matching engine: builds an immutable index from a deployment's
//! knowledge and answers visitors' questions in French and English.
//!
//! Pure: no I/O, no global mutable state (a thread-local scratch buffer
//! only). See [`Index::ask`] for the decision and [`index`] for the scoring.
//!
//! # API (issue 16: meaning, learning, language, small talk)
//!
//! ```ignore
//! // deploy: build with the embedded model (distilled e5-small, fr+en);
//! // this also trains the bot's fusion model (deterministic)
//! let index = Index::build(&items);
//! let report: Option<&TrainingReport> = index.training();   // log it at deploy
//! // or with a model2vec directory the app read (bytes; errors are clear):
//! let model = Arc::new(Embeddings::from_model2vec(&safetensors, &tokenizer_json)?);
//! let index = Index::build_with_model(&items, Some(model), Params::default());
//! // or the lexical matcher alone (the former behaviour):
//! let index = Index::build_with_model(&items, None, Params::default());
//!
//! // serve
//! match index.ask(text, Some(conversation_lang)) {
//!     Outcome::Answer { id, score, lang } => ...,   // lang: the answer's language
//!     Outcome::Suggestions { candidates } => ...,
//!     Outcome::NotUnderstood { candidates } => ...,
//!     Outcome::Handoff { score } => ...,
//!     Outcome::SmallTalk { kind, lang } => ...,     // NEW: map kind to a resource text
//! }
//! let full: Asked = index.ask_detailed(text, Some(conversation_lang)); // + detected language
//! ```
//!
//! Changes for the app: `Outcome::Answer` gained `lang` (match it with
//! `..`), `Outcome::SmallTalk` is new, and [`KnowledgeInput`] gained
//! `translations` (serde default; a struct literal needs
//! `translations: Default::default()`). When the question's language is
//! detected with confidence the answer is the item's twin in that language
//! (`translations`), else in the conversation's language.

pub mod bm25;
pub mod chargram;
mod classifier;
mod decide;
pub mod embed;
pub mod eval;
mod fuzzy;
pub mod groups;
pub mod handoff;
pub mod index;
pub mod lang;
pub mod learn;
pub mod meaning;
pub mod normalize;
pub mod smalltalk;
mod stopwords;

pub use decide::Asked;
pub use embed::{Embeddings, ModelError};
pub use index::{Index, Params};
pub use lang::{Detected, Lang};
pub use meaning::TrainingReport;
pub use normalize::normalize;
pub use smalltalk::SmallTalkKind;
use std::collections::BTreeMap;

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
    /// The ids of this item's translations, by language
    /// (`{"en": "password-reset"}`): one topic, answered in the visitor's
    /// language.
    #[serde(default)]
    pub translations: BTreeMap<Lang, String>,
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
    /// One knowledge clearly matches. score is a confidence in [0,1];
    /// `lang` is the item's language (the twin in the visitor's language
    /// when the item has one).
    Answer { id: String, score: f32, lang: Lang },
    /// No single clear winner, but a few (2..=4) plausible candidates, best first.
    Suggestions { candidates: Vec<Candidate> },
    /// Nothing matches well enough. `candidates` may hold up to 3 weak close matches (may be empty).
    NotUnderstood { candidates: Vec<Candidate> },
    /// The visitor asks for a human and no knowledge flagged `handoff` matched it.
    Handoff { score: f32 },
    /// Built-in small talk (greeting, thanks, goodbye, "are you a bot",
    /// insult, vague complaint): answer with the kind's resource text in
    /// `lang`.
    SmallTalk { kind: SmallTalkKind, lang: Lang },
}

#[cfg(test)]
mod tests;
