//! Accounts, bots, knowledge, deployments and questions: what the admin API and the CLI
//! share. Each action validates its input with the domain types, then uses the store.

use super::{invalid, ActionError, Core, OrNotFound};
use crate::auth;
use crate::domain::{
    chatbox_config::ConfigDoc,
    deployment::Snapshot,
    knowledge::{translation_errors, validate_import, KnowledgeDoc},
    knowledge_file,
    operator::check_password,
    ChatboxConfig, Email, FieldError, KnowledgeItem, OperatorId, OperatorName, Problem, Role,
};
use crate::engines::{BuildReport, Served};
use crate::store::{Bot, Deployment, ImportSummary, Operator, StoredChatboxConfig};
use serde::Serialize;
use vigie_bot::{Lang, Outcome};

pub async fn add_operator(
    core: &Core,
    email: &str,
    name: &str,
    role: &str,
    password: String,
) -> Result<Operator, ActionError> {
    let mut errors = Vec::new();
    let email_raw = email;
    let email = Email::parse(email).map_err(|m| errors.push(FieldError::of("email", m)));
    let name = OperatorName::parse(name).map_err(|m| errors.push(FieldError::of("name", m)));
    let role = Role::parse(role).map_err(|m| errors.push(FieldError::of("role", m)));
    if let Err(m) = check_password(&password, email_raw) {
        errors.push(FieldError::of("password", m));
    }
    let (Ok(email), Ok(name), Ok(role)) = (email, name, role) else {
        return Err(ActionError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(ActionError::Invalid(errors));
    }
    let hash = auth::hash_password(password).await?;
    Ok(core
        .store
        .create_operator(&email, &name, role, &hash)
        .await?)
}

/// Creates an API token for the operator with this email and returns the token (shown
/// once; only its hash is kept).
pub async fn create_api_token(
    core: &Core,
    email: &str,
    label: &str,
) -> Result<String, ActionError> {
    let operator = core
        .store
        .operator_by_email(email)
        .await
        .or_not_found("operator")?;
    let token = auth::new_token("vgt_");
    core.store
        .create_api_token(
            &auth::token_hash(&token),
            operator.id,
            label,
            crate::domain::operator::TokenScope::Operator,
        )
        .await?;
    Ok(token)
}

pub async fn create_bot(
    core: &Core,
    slug: &str,
    name: &str,
    lang: &str,
) -> Result<Bot, ActionError> {
    super::bots::create(core, slug, name, lang, &[]).await
}

pub async fn bot(core: &Core, slug: &str) -> Result<Bot, ActionError> {
    core.store.bot(slug).await.or_not_found("bot")
}

pub async fn knowledge(core: &Core, bot: &Bot, id: &str) -> Result<KnowledgeItem, ActionError> {
    core.store
        .knowledge(bot.id, id)
        .await
        .or_not_found("knowledge")
}

/// Checks that every related id exists among the bot's items, and every translation is an
/// item in the language it is named for.
async fn check_related(core: &Core, bot: &Bot, item: &KnowledgeItem) -> Result<(), ActionError> {
    let langs = core.store.knowledge_langs(bot.id).await?;
    let mut errors: Vec<FieldError> = item
        .related
        .iter()
        .enumerate()
        .filter(|(_, r)| !langs.contains_key(*r))
        .map(|(i, r)| {
            FieldError::new(
                format!("related[{i}]"),
                format!("related id `{r}` does not exist"),
            )
            .code("related_unknown")
            .param("id", r.as_str())
        })
        .collect();
    errors.extend(translation_errors(item, |id| {
        langs.get(id).map(|l| Some(*l))
    }));
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ActionError::Invalid(errors))
    }
}

pub async fn create_knowledge(
    core: &Core,
    bot: &Bot,
    doc: &KnowledgeDoc,
) -> Result<KnowledgeItem, ActionError> {
    let item = doc.validate().map_err(ActionError::Invalid)?;
    check_related(core, bot, &item).await?;
    core.store.create_knowledge(bot.id, &item).await?;
    Ok(item)
}

pub async fn update_knowledge(
    core: &Core,
    bot: &Bot,
    id: &str,
    doc: &KnowledgeDoc,
) -> Result<KnowledgeItem, ActionError> {
    if doc.id.trim() != id {
        return Err(invalid(
            "id",
            Problem::new(
                "id_mismatch",
                format!(
                    "the id in the body (`{}`) differs from the id in the address (`{id}`)",
                    doc.id
                ),
            ),
        ));
    }
    let item = doc.validate().map_err(ActionError::Invalid)?;
    check_related(core, bot, &item).await?;
    core.store
        .update_knowledge(bot.id, &item)
        .await
        .or_not_found("knowledge")?;
    Ok(item)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormat {
    Json,
    Csv,
}

impl FileFormat {
    pub fn parse(s: &str) -> Result<FileFormat, ActionError> {
        match s {
            "json" => Ok(FileFormat::Json),
            "csv" => Ok(FileFormat::Csv),
            other => Err(invalid(
                "format",
                Problem::new(
                    "format_invalid",
                    format!("unknown format `{other}` (expected json or csv)"),
                )
                .param("value", other),
            )),
        }
    }
}

/// Imports a whole file: parsed, validated (every error listed), then stored in one
/// transaction, or not at all.
pub async fn import_knowledge(
    core: &Core,
    bot: &Bot,
    format: FileFormat,
    text: &str,
) -> Result<ImportSummary, ActionError> {
    // Editors on Windows save UTF-8 with a byte order mark: it is not part of the data.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let parsed = match format {
        FileFormat::Json => knowledge_file::parse_json(text),
        FileFormat::Csv => knowledge_file::parse_csv(text),
    }
    .map_err(ActionError::InvalidImport)?;
    let mut known: std::collections::HashMap<String, Option<Lang>> = core
        .store
        .knowledge_langs(bot.id)
        .await?
        .into_iter()
        .map(|(id, l)| (id, Some(l)))
        .collect();
    known.extend(parsed.unreadable_ids.iter().map(|id| (id.clone(), None)));
    let mut errors = parsed.errors;
    match validate_import(&parsed.docs, &known) {
        Ok(items) if errors.is_empty() => Ok(core.store.import_knowledge(bot.id, &items).await?),
        Ok(_) => Err(ActionError::InvalidImport(errors)),
        Err(more) => {
            errors.extend(more);
            Err(ActionError::InvalidImport(errors))
        }
    }
}

pub async fn export_knowledge(
    core: &Core,
    bot: &Bot,
    format: FileFormat,
) -> Result<String, ActionError> {
    let items = core.store.list_knowledge(bot.id).await?;
    Ok(match format {
        FileFormat::Json => knowledge_file::export_json(&items),
        FileFormat::Csv => knowledge_file::export_csv(&items),
    })
}

/// A deployment made and served, with what building its matcher did.
#[derive(Debug)]
pub struct Deployed {
    pub deployment: Deployment,
    pub report: BuildReport,
}

/// Makes an immutable deployment of the bot's published knowledge and its draft chatbox
/// configuration (the defaults if none was saved), builds its matcher (the model trained
/// on the base's own formulations) and serves it: the swap is atomic, questions asked
/// meanwhile get the previous deployment's answers.
pub async fn deploy(
    core: &Core,
    bot: &Bot,
    by: Option<OperatorId>,
) -> Result<Deployed, ActionError> {
    let items = core.store.list_knowledge(bot.id).await?;
    let mut snapshot = Snapshot::from_items(&bot.name, bot.default_lang, &items);
    snapshot.config = core
        .store
        .chatbox_config(bot.id)
        .await?
        .map(|s| s.config)
        .unwrap_or_default();
    let deployment = core.store.create_deployment(bot.id, &snapshot, by).await?;
    let served = core
        .engines
        .build(deployment.version, deployment.snapshot.clone())
        .await;
    let report = served.report.clone();
    tracing::info!(
        bot = %bot.slug,
        version = deployment.version,
        items = report.items,
        millis = report.millis,
        cv_accuracy = ?report.cv_accuracy,
        "matcher built"
    );
    core.engines.install(bot.id, served);
    metrics::counter!("vigie_deploys_total").increment(1);
    Ok(Deployed { deployment, report })
}

/// Ranked search over a bot's items (drafts included), for operators and admins typing in
/// a search box. The index is built from the given items, off the async workers.
pub async fn search_knowledge(
    items: Vec<KnowledgeItem>,
    q: &str,
    limit: usize,
) -> Result<Vec<(KnowledgeItem, f32)>, ActionError> {
    let q = q.to_string();
    tokio::task::spawn_blocking(move || {
        let inputs: Vec<vigie_bot::KnowledgeInput> =
            items.iter().map(KnowledgeItem::matcher_input).collect();
        // Lexical ranking only: no model to train for a search box.
        let index = vigie_bot::Index::build_with_model(&inputs, None, vigie_bot::Params::default());
        let by_id: std::collections::HashMap<&str, &KnowledgeItem> =
            items.iter().map(|k| (k.id.as_str(), k)).collect();
        index
            .search(&q, limit)
            .into_iter()
            .filter_map(|c| by_id.get(c.id.as_str()).map(|k| ((*k).clone(), c.score)))
            .collect()
    })
    .await
    .map_err(|e| ActionError::Internal(anyhow::anyhow!("search task: {e}")))
}

/// Restores an older deployment: a NEW deployment (history stays immutable) whose content
/// is a copy of that version's snapshot, served at once; its chatbox configuration also
/// becomes the draft again. The knowledge base itself is left as it is.
pub async fn restore(
    core: &Core,
    bot: &Bot,
    version: i64,
    by: Option<OperatorId>,
) -> Result<Deployment, ActionError> {
    let old = core
        .store
        .deployment(bot.id, version)
        .await
        .or_not_found("deployment")?;
    let deployment = core
        .store
        .create_deployment(bot.id, &old.snapshot, by)
        .await?;
    core.store
        .save_chatbox_config(bot.id, &deployment.snapshot.config, by)
        .await?;
    core.engines
        .load(bot.id, deployment.version, deployment.snapshot.clone())
        .await;
    Ok(deployment)
}

/// The bot's draft chatbox configuration (defaults if never saved).
pub async fn chatbox_draft(core: &Core, bot: &Bot) -> Result<StoredChatboxConfig, ActionError> {
    Ok(core
        .store
        .chatbox_config(bot.id)
        .await?
        .unwrap_or_else(|| StoredChatboxConfig {
            config: ChatboxConfig::default(),
            updated_at: 0,
            updated_by: None,
        }))
}

/// Validates and saves the whole draft chatbox configuration (not served until deployed).
pub async fn save_chatbox_config(
    core: &Core,
    bot: &Bot,
    doc: &ConfigDoc,
    by: Option<OperatorId>,
) -> Result<StoredChatboxConfig, ActionError> {
    let config = doc.validate().map_err(ActionError::Invalid)?;
    Ok(core.store.save_chatbox_config(bot.id, &config, by).await?)
}

pub fn deployed_url(public_url: &str, bot: &Bot) -> String {
    format!("{public_url}/c/{}/", bot.slug)
}

pub const MAX_QUESTION_CHARS: usize = 1000;

#[derive(Debug, Serialize, Clone)]
pub struct KnowledgeRef {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Serialize, Clone)]
pub struct Suggestion {
    pub id: String,
    pub title: String,
    pub score: f32,
}

/// What the matcher decided: its `Outcome`, without the candidates (an answer whose item
/// is missing from the deployment reads as not understood).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyKind {
    Answer,
    Suggestions,
    NotUnderstood,
    Handoff,
    /// Greeting, thanks, goodbye, "are you a bot", insult, vague complaint: `answer` is the
    /// dialog-box configuration's text for it.
    SmallTalk,
}

/// The matcher's reply, as the API and the chatbox show it.
#[derive(Debug, Serialize, Clone)]
pub struct AskReply {
    pub kind: ReplyKind,
    pub knowledge_id: Option<String>,
    pub title: Option<String>,
    /// The answer as sanitized HTML (for `answer`), or the sentence to show otherwise.
    pub answer: Option<String>,
    pub score: f32,
    /// Close candidates (for `suggestions` and `not_understood`).
    pub suggestions: Vec<Suggestion>,
    /// Knowledge related to the answer, offered after it.
    pub related: Vec<KnowledgeRef>,
    /// True when the visitor should be offered an operator.
    pub handoff: bool,
    /// The language of `answer` (and `title`): the question's own when detected with
    /// confidence, else the conversation's (the `lang` asked with).
    pub lang: Lang,
    /// The question's language as detected from its words (`null`: undecided), and how
    /// sure the detection is (0..1).
    pub detected_lang: Option<Lang>,
    pub detected_confidence: f32,
    /// For `small_talk`: which kind (`greeting`, `thanks`, `goodbye`, `are_you_a_bot`,
    /// `insult`, `vague`).
    pub small_talk: Option<vigie_bot::SmallTalkKind>,
    pub deployment: i64,
}

fn sentence(lang: Lang, fr: &str, en: &str) -> String {
    match lang {
        Lang::Fr => fr.to_string(),
        Lang::En => en.to_string(),
    }
}

pub fn check_question(text: &str) -> Result<&str, ActionError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(invalid(
            "text",
            Problem::new("message_empty", "the question is empty"),
        ));
    }
    if t.chars().count() > MAX_QUESTION_CHARS {
        return Err(invalid(
            "text",
            Problem::new(
                "message_too_long",
                format!("the question is too long ({MAX_QUESTION_CHARS} characters at most)"),
            )
            .param("max", MAX_QUESTION_CHARS),
        ));
    }
    Ok(t)
}

/// Asks the bot's latest deployment.
pub async fn ask(
    core: &Core,
    bot: &Bot,
    text: &str,
    lang: Option<&str>,
) -> Result<AskReply, ActionError> {
    let text = check_question(text)?;
    let lang = match lang {
        None => None,
        Some(l) => Some(Lang::parse(l).ok_or_else(|| invalid("lang", Problem::bad_lang(l)))?),
    };
    let served = core
        .engines
        .current(&core.store, bot.id)
        .await
        .or_not_found("deployment of this bot (run deploy first)")?;
    Ok(reply(&served, text, lang))
}

pub fn reply(served: &Served, text: &str, lang: Option<Lang>) -> AskReply {
    let started = std::time::Instant::now();
    let asked = served.index.ask_detailed(text, lang);
    metrics::histogram!("vigie_matcher_seconds").record(started.elapsed().as_secs_f64());
    let outcome = asked.outcome;
    // The matcher chose the reply's language: the question's own when sure, else the
    // conversation's.
    let reply_lang = asked.lang;
    let to_suggestions = |cands: &[vigie_bot::Candidate]| -> Vec<Suggestion> {
        cands
            .iter()
            .filter_map(|c| {
                served.item(&c.id).map(|k| Suggestion {
                    id: k.id.clone(),
                    title: k.title.clone(),
                    score: c.score,
                })
            })
            .collect()
    };
    // The sentences the deployed chatbox configuration sets for this language.
    let resource = |key: &str| -> String {
        served
            .snapshot
            .config
            .resources
            .get(key)
            .map(|t| t.get(reply_lang).to_string())
            .unwrap_or_default()
    };
    let base = AskReply {
        kind: ReplyKind::NotUnderstood,
        knowledge_id: None,
        title: None,
        answer: None,
        score: 0.0,
        suggestions: Vec::new(),
        related: Vec::new(),
        handoff: false,
        lang: reply_lang,
        detected_lang: asked.detected.lang,
        detected_confidence: asked.detected.confidence,
        small_talk: None,
        deployment: served.version,
    };
    match outcome {
        Outcome::Answer { id, score, .. } => match served.item(&id) {
            Some(k) => AskReply {
                kind: ReplyKind::Answer,
                knowledge_id: Some(k.id.clone()),
                title: Some(k.title.clone()),
                answer: Some(k.answer_html.clone()),
                score,
                related: k
                    .related
                    .iter()
                    .filter_map(|r| served.item(r))
                    .map(|r| KnowledgeRef {
                        id: r.id.clone(),
                        title: r.title.clone(),
                    })
                    .collect(),
                handoff: k.handoff,
                lang: k.lang,
                ..base
            },
            None => base,
        },
        Outcome::Suggestions { candidates } => AskReply {
            kind: ReplyKind::Suggestions,
            score: candidates.first().map(|c| c.score).unwrap_or(0.0),
            answer: Some(resource("suggestions_intro")),
            suggestions: to_suggestions(&candidates),
            ..base
        },
        Outcome::NotUnderstood { candidates } => AskReply {
            answer: Some(resource("not_understood")),
            suggestions: to_suggestions(&candidates),
            ..base
        },
        Outcome::Handoff { score } => AskReply {
            kind: ReplyKind::Handoff,
            score,
            handoff: true,
            answer: Some(sentence(
                reply_lang,
                "Vous souhaitez parler à un conseiller.",
                "You would like to talk to an operator.",
            )),
            ..base
        },
        Outcome::SmallTalk { kind, lang } => AskReply {
            kind: ReplyKind::SmallTalk,
            score: 1.0,
            answer: Some(
                served
                    .snapshot
                    .config
                    .resources
                    .get(crate::domain::chatbox_config::small_talk_key(kind))
                    .map(|t| t.get(lang).to_string())
                    .unwrap_or_default(),
            ),
            small_talk: Some(kind),
            lang,
            ..base
        },
    }
}
