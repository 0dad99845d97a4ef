//! A deployment: an immutable snapshot of what a bot serves (its published knowledge,
//! answers already rendered to sanitized HTML). The chatbox and the matcher only ever
//! serve the latest one, so edits in the knowledge base and the chatbox configuration are
//! drafts until deployed.

use serde::{Deserialize, Serialize};
use vigie_bot::Lang;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DeployedKnowledge {
    pub id: String,
    pub title: String,
    pub lang: Lang,
    pub formulations: Vec<String>,
    pub answer_html: String,
    /// The Markdown source, indexed by the matcher at a lower weight.
    #[serde(default)]
    pub answer: String,
    #[serde(default)]
    pub tags: Vec<String>,
    pub related: Vec<String>,
    pub handoff: bool,
    /// Twin ids by language (published ones only).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub translations: std::collections::BTreeMap<Lang, String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Snapshot {
    pub bot_name: String,
    pub default_lang: Lang,
    pub knowledge: Vec<DeployedKnowledge>,
    /// The chatbox configuration deployed with the knowledge. Snapshots made before it
    /// existed read as the default configuration.
    #[serde(default)]
    pub config: super::ChatboxConfig,
}

impl Snapshot {
    /// Builds the snapshot from the bot's items: only published ones, and related links
    /// that point at unpublished items are dropped so the chatbox never offers a dead end.
    pub fn from_items(
        bot_name: &str,
        default_lang: Lang,
        items: &[super::KnowledgeItem],
    ) -> Snapshot {
        let published: std::collections::HashSet<&str> = items
            .iter()
            .filter(|i| i.published)
            .map(|i| i.id.as_str())
            .collect();
        let knowledge = items
            .iter()
            .filter(|i| i.published)
            .map(|i| DeployedKnowledge {
                id: i.id.clone(),
                title: i.title.clone(),
                lang: i.lang,
                formulations: i.formulations.clone(),
                answer_html: super::markdown::render(&i.answer),
                answer: i.answer.clone(),
                tags: i.tags.clone(),
                related: i
                    .related
                    .iter()
                    .filter(|r| published.contains(r.as_str()))
                    .cloned()
                    .collect(),
                handoff: i.handoff,
                translations: i
                    .translations
                    .iter()
                    .filter(|(_, t)| published.contains(t.as_str()))
                    .map(|(l, t)| (*l, t.clone()))
                    .collect(),
            })
            .collect();
        Snapshot {
            bot_name: bot_name.to_string(),
            default_lang,
            knowledge,
            config: super::ChatboxConfig::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshots_made_before_the_chatbox_config_read_as_defaults() {
        let old = r#"{"bot_name": "Demo", "default_lang": "fr", "knowledge": []}"#;
        let s: Snapshot = serde_json::from_str(old).unwrap();
        assert_eq!(s.config, super::super::ChatboxConfig::default());
    }
}
