//! The chatbox ("boîte de dialogue") configuration of a bot: which modules are on, and the
//! readable texts ("resources") the chatbox shows, in French and English.
//!
//! The keys are fixed by `docs/protocol.md` ("Chatbox configuration"): core keys are always
//! there, and each module adds its own. A stored configuration always holds every module
//! and every key in both languages: anything missing (an older snapshot, a key added in a
//! later version) reads as the default, and keys no longer known are dropped on read.
//!
//! Resolving for a language gives every key, including those of modules that are off: the
//! chatbox decides what to show from `modules`, and switching a module on in a later
//! deployment never finds a hole.

use super::closed::closed_set;
use super::{FieldError, Problem};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use vigie_bot::Lang;

/// Longest resource text, in characters.
pub const MAX_RESOURCE: usize = 500;

/// A resource key with its default texts.
pub struct ResourceDef {
    pub key: &'static str,
    pub fr: &'static str,
    pub en: &'static str,
}

closed_set! {
    /// A part of the chatbox that can be switched on or off.
    pub enum Module {
        Livechat = "livechat",
        MonitoredConversations = "monitored_conversations",
        Suggestions = "suggestions",
        /// At the end of a livechat, the visitor may ask for the transcript by mail.
        Transcript = "transcript",
        /// "Was this answer helpful? 👍/👎" under the bot's knowledge answers; a 👎 offers
        /// the livechat or a rephrase.
        AnswerFeedback = "answer_feedback",
        /// At the end of a livechat, a satisfaction survey (1 to 5, an optional comment).
        Satisfaction = "satisfaction",
    }
}

/// A module with its default and the resources it adds.
pub struct ModuleDef {
    pub module: Module,
    pub default_on: bool,
    pub resources: &'static [ResourceDef],
}

const fn r(key: &'static str, fr: &'static str, en: &'static str) -> ResourceDef {
    ResourceDef { key, fr, en }
}

/// Resources of the chatbox itself, always on.
pub const CORE_RESOURCES: &[ResourceDef] = &[
    r("title", "Assistant Vigie", "Vigie Assistant"),
    r(
        "welcome_message",
        "Bonjour ! Je suis l'assistant virtuel. Posez-moi votre question.",
        "Hello! I am the virtual assistant. Ask me your question.",
    ),
    r(
        "input_placeholder",
        "Écrivez votre question…",
        "Type your question…",
    ),
    r("send_label", "Envoyer", "Send"),
    r("reconnecting", "Reconnexion…", "Reconnecting…"),
    r(
        "error_generic",
        "Une erreur est survenue. Veuillez réessayer.",
        "Something went wrong. Please try again.",
    ),
    r(
        "not_understood",
        "Je n'ai pas compris votre question. Pouvez-vous la reformuler ?",
        "I did not understand your question. Could you rephrase it?",
    ),
    r("launcher_label", "Ouvrir l'assistant", "Open the assistant"),
    r("close_label", "Fermer", "Close"),
    r("new_message_label", "Nouveau message", "New message"),
    // Blocking abuse (issue 13, item 8): what a blocked visitor reads instead of the input.
    r(
        "visitor_blocked",
        "Vous ne pouvez plus écrire dans cette conversation pour le moment. Merci de votre compréhension.",
        "You can no longer write in this conversation for now. Thank you for your understanding.",
    ),
    // Small talk (issue 16): the bot's answer to each kind of global sentence.
    r(
        "small_talk_greeting",
        "Bonjour ! Quelle est votre question ?",
        "Hello! What is your question?",
    ),
    r(
        "small_talk_thanks",
        "Avec plaisir ! Avez-vous une autre question ?",
        "You're welcome! Do you have another question?",
    ),
    r(
        "small_talk_goodbye",
        "Au revoir et bonne journée !",
        "Goodbye, have a nice day!",
    ),
    r(
        "small_talk_are_you_a_bot",
        "Je suis l'assistant virtuel : un programme, pas une personne. Je réponds aux questions que je connais.",
        "I am the virtual assistant: a program, not a person. I answer the questions I know.",
    ),
    r(
        "small_talk_insult",
        "Je suis désolé que vous soyez mécontent. Dites-moi ce qui ne va pas et je ferai de mon mieux pour vous aider.",
        "I am sorry you are unhappy. Tell me what is wrong and I will do my best to help.",
    ),
    r(
        "small_talk_vague",
        "Pouvez-vous préciser votre demande ? Par exemple : ce que vous essayiez de faire et ce qui ne fonctionne pas.",
        "Could you tell me more? For example: what you were trying to do and what does not work.",
    ),
];

/// The resource key answering a kind of small talk.
pub fn small_talk_key(kind: vigie_bot::SmallTalkKind) -> &'static str {
    use vigie_bot::SmallTalkKind::*;
    match kind {
        Greeting => "small_talk_greeting",
        Thanks => "small_talk_thanks",
        Goodbye => "small_talk_goodbye",
        AreYouABot => "small_talk_are_you_a_bot",
        Insult => "small_talk_insult",
        Vague => "small_talk_vague",
    }
}

/// The modules, in the order the admin pages show them.
pub const MODULES: &[ModuleDef] = &[
    ModuleDef {
        module: Module::Livechat,
        default_on: true,
        resources: &[
            r("talk_to_operator", "Parler à un conseiller", "Talk to an operator"),
            r(
                "handoff_requested",
                "Votre demande a été transmise. Un conseiller va vous répondre.",
                "Your request has been passed on. An operator will answer you.",
            ),
            r(
                "no_operator_available",
                "Aucun conseiller n'est disponible pour le moment. Veuillez réessayer plus tard.",
                "No operator is available at the moment. Please try again later.",
            ),
            // Office hours and the offline form (issue 13, item 5).
            r(
                "offline_closed",
                "Nos conseillers ne sont pas disponibles en ce moment. Horaires : {hours}.",
                "Our operators are not available at the moment. Opening hours: {hours}.",
            ),
            r(
                "offline_intro",
                "Laissez-nous un message : nous vous répondrons par e-mail.",
                "Leave us a message: we will answer you by email.",
            ),
            r("offline_email_label", "Votre adresse e-mail", "Your email address"),
            r("offline_message_label", "Votre message", "Your message"),
            r("offline_send", "Envoyer le message", "Send the message"),
            r(
                "offline_thanks",
                "Merci, votre message a été transmis. Nous vous répondrons à {email}.",
                "Thank you, your message was passed on. We will answer you at {email}.",
            ),
            r(
                "offline_invalid_email",
                "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.",
                "Enter a valid email address, for example name@example.com.",
            ),
            r(
                "offline_empty",
                "Écrivez votre message avant de l'envoyer.",
                "Write your message before sending it.",
            ),
            r(
                "offline_failed",
                "Le message n'a pas pu être envoyé. Réessayez dans un instant.",
                "The message could not be sent. Try again in a moment.",
            ),
        ],
    },
    ModuleDef {
        module: Module::MonitoredConversations,
        default_on: false,
        resources: &[
            r(
                "monitored_intro",
                "Votre conseiller vous a envoyé cette conversation. Vous pouvez continuer à poser vos questions ici.",
                "Your operator sent you this conversation. You can keep asking your questions here.",
            ),
            r(
                "monitored_link_expired",
                "Ce lien a expiré. Vous pouvez poser une nouvelle question ci-dessous.",
                "This link has expired. You can ask a new question below.",
            ),
            r(
                "monitored_link_invalid",
                "Ce lien n'est pas valide ou a été remplacé par un plus récent. Vous pouvez poser une nouvelle question ci-dessous.",
                "This link is not valid or was replaced by a newer one. You can ask a new question below.",
            ),
            r("help_accept", "Oui, volontiers", "Yes, please"),
            r("help_decline", "Non merci", "No, thanks"),
        ],
    },
    ModuleDef {
        module: Module::Suggestions,
        default_on: true,
        resources: &[
            r(
                "suggestions_intro",
                "Votre question peut correspondre à plusieurs sujets. Lequel vous intéresse ?",
                "Your question may match several topics. Which one do you mean?",
            ),
            r(
                "related_intro",
                "Voir aussi :",
                "See also:",
            ),
        ],
    },
    ModuleDef {
        module: Module::Transcript,
        default_on: false,
        resources: &[
            r(
                "transcript_offer",
                "Souhaitez-vous recevoir la transcription de cette conversation par mail ?",
                "Would you like to receive the transcript of this conversation by mail?",
            ),
            r("transcript_email_label", "Votre adresse mail", "Your email address"),
            r("transcript_send", "Recevoir la transcription", "Send me the transcript"),
            r(
                "transcript_sent",
                "La transcription a été envoyée à {email}.",
                "The transcript was sent to {email}.",
            ),
            r(
                "transcript_invalid_email",
                "Cette adresse mail n'est pas valide. Vérifiez-la et réessayez.",
                "This email address is not valid. Check it and try again.",
            ),
            r(
                "transcript_failed",
                "La transcription n'a pas pu être envoyée. Veuillez réessayer plus tard.",
                "The transcript could not be sent. Please try again later.",
            ),
        ],
    },
    ModuleDef {
        module: Module::AnswerFeedback,
        default_on: false,
        resources: &[
            r(
                "feedback_question",
                "Cette réponse vous a-t-elle aidé ?",
                "Was this answer helpful?",
            ),
            r("feedback_yes", "Oui, elle m'a aidé", "Yes, it helped"),
            r("feedback_no", "Non, elle ne m'a pas aidé", "No, it did not help"),
            r("feedback_thanks", "Merci pour votre retour !", "Thank you for your feedback!"),
            r(
                "feedback_sorry",
                "Désolé de ne pas vous avoir aidé. Vous pouvez reformuler votre question ou parler à un conseiller.",
                "Sorry this did not help. You can rephrase your question or talk to an operator.",
            ),
            r("feedback_rephrase", "Reformuler ma question", "Rephrase my question"),
        ],
    },
    ModuleDef {
        module: Module::Satisfaction,
        default_on: false,
        resources: &[
            r(
                "survey_question",
                "Comment évaluez-vous votre échange avec notre conseiller ?",
                "How would you rate your conversation with our operator?",
            ),
            r("survey_score_label", "{score} sur 5", "{score} out of 5"),
            r(
                "survey_comment_label",
                "Un commentaire ? (facultatif)",
                "Any comment? (optional)",
            ),
            r("survey_send", "Envoyer mon avis", "Send my rating"),
            r("survey_thanks", "Merci pour votre avis !", "Thank you for your rating!"),
            r(
                "survey_pick_score",
                "Choisissez une note de 1 à 5.",
                "Pick a score from 1 to 5.",
            ),
            r(
                "survey_failed",
                "Votre avis n'a pas pu être envoyé. Veuillez réessayer plus tard.",
                "Your rating could not be sent. Please try again later.",
            ),
        ],
    },
];

/// Every resource definition: core first, then each module's.
pub fn all_resources() -> impl Iterator<Item = &'static ResourceDef> {
    CORE_RESOURCES
        .iter()
        .chain(MODULES.iter().flat_map(|m| m.resources.iter()))
}

fn resource_def(key: &str) -> Option<&'static ResourceDef> {
    all_resources().find(|d| d.key == key)
}

/// One resource's texts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Texts {
    pub fr: String,
    pub en: String,
}

impl Texts {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        }
    }
}

/// A complete, valid configuration: every module and every key in both languages.
/// Deserializing (stored drafts, deployment snapshots) fills what is missing with the
/// defaults and drops unknown names, so an old snapshot always reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "ConfigDoc")]
pub struct ChatboxConfig {
    pub modules: BTreeMap<String, bool>,
    pub resources: BTreeMap<String, Texts>,
}

impl Default for ChatboxConfig {
    fn default() -> Self {
        ChatboxConfig {
            modules: MODULES
                .iter()
                .map(|m| (m.module.as_str().to_string(), m.default_on))
                .collect(),
            resources: all_resources()
                .map(|d| {
                    (
                        d.key.to_string(),
                        Texts {
                            fr: d.fr.to_string(),
                            en: d.en.to_string(),
                        },
                    )
                })
                .collect(),
        }
    }
}

/// The configuration for one language, as the chatbox receives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResolvedConfig {
    pub modules: BTreeMap<String, bool>,
    pub resources: BTreeMap<String, String>,
}

impl ChatboxConfig {
    /// Every module's state and every key's text in `lang` (modules that are off included).
    pub fn resolve(&self, lang: Lang) -> ResolvedConfig {
        ResolvedConfig {
            modules: self.modules.clone(),
            resources: self
                .resources
                .iter()
                .map(|(k, t)| (k.clone(), t.get(lang).to_string()))
                .collect(),
        }
    }

    pub fn module_on(&self, module: Module) -> bool {
        self.modules.get(module.as_str()).copied().unwrap_or(false)
    }

    pub fn set_module(&mut self, module: Module, on: bool) {
        self.modules.insert(module.as_str().to_string(), on);
    }
}

/// The wire shape (API body). Every part is optional: what is left out keeps its default,
/// so `{"modules": {"monitored_conversations": true}}` is a whole, valid configuration.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigDoc {
    #[serde(default)]
    pub modules: BTreeMap<String, bool>,
    /// key → language (`fr`, `en`) → text.
    #[serde(default)]
    pub resources: BTreeMap<String, BTreeMap<String, String>>,
}

impl From<ConfigDoc> for ChatboxConfig {
    /// Lenient reading of stored data: unknown names dropped, missing ones defaulted.
    fn from(doc: ConfigDoc) -> Self {
        let mut cfg = ChatboxConfig::default();
        for (name, on) in doc.modules {
            if let Some(v) = cfg.modules.get_mut(&name) {
                *v = on;
            }
        }
        for (key, texts) in doc.resources {
            if let Some(t) = cfg.resources.get_mut(&key) {
                if let Some(fr) = texts.get("fr") {
                    t.fr = fr.clone();
                }
                if let Some(en) = texts.get("en") {
                    t.en = en.clone();
                }
            }
        }
        cfg
    }
}

fn check_text(text: &str) -> Result<(), Problem> {
    let n = text.chars().count();
    if text.trim().is_empty() {
        return Err(Problem::new("required", "the text is empty"));
    }
    if n > MAX_RESOURCE {
        return Err(Problem::too_long("the text", MAX_RESOURCE).param("length", n));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Problem::new(
            "control_char",
            "the text holds a control character (only line breaks are allowed)",
        ));
    }
    Ok(())
}

impl ConfigDoc {
    /// Checks every name and text and lists every problem: field names are
    /// `modules.<name>`, `resources.<key>` and `resources.<key>.<lang>`.
    pub fn validate(&self) -> Result<ChatboxConfig, Vec<FieldError>> {
        let mut errors = Vec::new();
        for name in self.modules.keys() {
            if Module::parse(name).is_none() {
                let known: Vec<&str> = MODULES.iter().map(|m| m.module.as_str()).collect();
                errors.push(
                    FieldError::new(
                        format!("modules.{name}"),
                        format!("unknown module `{name}` (known: {})", known.join(", ")),
                    )
                    .code("module_unknown")
                    .param("value", name.as_str()),
                );
            }
        }
        for (key, texts) in &self.resources {
            if resource_def(key).is_none() {
                errors.push(
                    FieldError::new(
                        format!("resources.{key}"),
                        format!("unknown resource key `{key}`"),
                    )
                    .code("resource_unknown")
                    .param("value", key.as_str()),
                );
                continue;
            }
            for (lang, text) in texts {
                if Lang::parse(lang).is_none() {
                    errors.push(FieldError::of(
                        format!("resources.{key}.{lang}"),
                        Problem::bad_lang(lang),
                    ));
                } else if let Err(m) = check_text(text) {
                    errors.push(FieldError::of(format!("resources.{key}.{lang}"), m));
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut cfg = ChatboxConfig::from(self.clone());
        for t in cfg.resources.values_mut() {
            t.fr = t.fr.trim().to_string();
            t.en = t.en.trim().to_string();
        }
        Ok(cfg)
    }
}

/// The list of modules and keys, for the admin pages.
pub fn schema() -> serde_json::Value {
    serde_json::json!({
        "core_resources": CORE_RESOURCES.iter().map(|d| d.key).collect::<Vec<_>>(),
        "modules": MODULES.iter().map(|m| serde_json::json!({
            "name": m.module,
            "default_on": m.default_on,
            "resources": m.resources.iter().map(|d| d.key).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "max_resource_chars": MAX_RESOURCE,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_hold_every_key_of_the_protocol() {
        let cfg = ChatboxConfig::default();
        for key in [
            "title",
            "welcome_message",
            "input_placeholder",
            "send_label",
            "reconnecting",
            "error_generic",
            "not_understood",
            "launcher_label",
            "close_label",
            "new_message_label",
            "suggestions_intro",
            "related_intro",
            "talk_to_operator",
            "handoff_requested",
            "no_operator_available",
            "offline_closed",
            "offline_intro",
            "offline_email_label",
            "offline_message_label",
            "offline_send",
            "offline_thanks",
            "offline_invalid_email",
            "offline_empty",
            "offline_failed",
            "monitored_intro",
            "monitored_link_expired",
            "monitored_link_invalid",
            "help_accept",
            "help_decline",
            "small_talk_greeting",
            "small_talk_thanks",
            "small_talk_goodbye",
            "small_talk_are_you_a_bot",
            "small_talk_insult",
            "small_talk_vague",
            "transcript_offer",
            "transcript_email_label",
            "transcript_send",
            "transcript_sent",
            "transcript_invalid_email",
            "transcript_failed",
            "visitor_blocked",
            "feedback_question",
            "feedback_yes",
            "feedback_no",
            "feedback_thanks",
            "feedback_sorry",
            "feedback_rephrase",
            "survey_question",
            "survey_score_label",
            "survey_comment_label",
            "survey_send",
            "survey_thanks",
            "survey_pick_score",
            "survey_failed",
        ] {
            let t = &cfg.resources[key];
            assert!(
                check_text(&t.fr).is_ok() && check_text(&t.en).is_ok(),
                "{key}"
            );
        }
        assert_eq!(cfg.resources.len(), 55);
        assert!(cfg.module_on(Module::Livechat) && cfg.module_on(Module::Suggestions));
        assert!(!cfg.module_on(Module::AnswerFeedback) && !cfg.module_on(Module::Satisfaction));
        assert!(!cfg.module_on(Module::MonitoredConversations));
        assert!(!cfg.module_on(Module::Transcript), "off by default");
    }

    #[test]
    fn validation_lists_every_problem() {
        let doc: ConfigDoc = serde_json::from_value(serde_json::json!({
            "modules": {"livechat": false, "teleport": true},
            "resources": {
                "title": {"fr": "", "en": "x".repeat(501)},
                "welcome_message": {"fr": "a\u{7}b", "de": "Hallo"},
                "colour": {"fr": "rouge"}
            }
        }))
        .unwrap();
        let fields: Vec<String> = doc
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "modules.teleport",
                "resources.colour",
                "resources.title.en",
                "resources.title.fr",
                "resources.welcome_message.de",
                "resources.welcome_message.fr",
            ]
        );
    }

    #[test]
    fn stored_data_reads_leniently() {
        let cfg: ChatboxConfig = serde_json::from_str(
            r#"{"modules": {"monitored_conversations": true, "gone": true},
                "resources": {"title": {"fr": "Aide"}, "gone": {"fr": "x", "en": "y"}}}"#,
        )
        .unwrap();
        assert!(cfg.module_on(Module::MonitoredConversations));
        assert_eq!(cfg.resources["title"].fr, "Aide");
        assert_eq!(cfg.resources["title"].en, "Vigie Assistant");
        assert!(!cfg.modules.contains_key("gone"));
        let back: ChatboxConfig =
            serde_json::from_str(&serde_json::to_string(&cfg).unwrap()).unwrap();
        assert_eq!(back, cfg);
        let resolved = cfg.resolve(Lang::En);
        assert_eq!(resolved.resources["title"], "Vigie Assistant");
        assert_eq!(resolved.resources.len(), 55);
    }
}
