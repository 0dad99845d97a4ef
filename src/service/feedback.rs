//! Visitors' feedback (issue 14, item 4), two chatbox modules off by default:
//!
//! - `answer_feedback`: "Was this answer helpful? 👍/👎" under the bot's knowledge answers.
//!   Only on the visitor's own conversation and a real bot answer: the seq must be a bot
//!   message of kind `knowledge` there (else `seq_unknown`). One rating per answer; a second
//!   click replaces the first. A 👎 makes the answer a candidate on the learning page.
//! - `satisfaction`: at the end of a livechat (an `operator_left` event), a score from 1 to
//!   5 and an optional comment (at most [`MAX_COMMENT`] characters), stored with the
//!   operator who held the livechat and the seq of that event: once per livechat session
//!   (`survey_answered` after that).

use super::{invalid, ActionError, Core, Refusal};
use crate::domain::chatbox_config::Module;
use crate::domain::conversation::{Author, MessageKind, SystemEvent};
use crate::domain::Problem;
use crate::engines::Served;
use crate::store::{Conversation, NewAnswerFeedback, NewSatisfaction, Satisfaction};

/// Longest survey comment, in characters.
pub const MAX_COMMENT: usize = 1000;

fn module_off(module: Module) -> ActionError {
    ActionError::refused(
        Refusal::Forbidden,
        Problem::new(
            "module_off",
            format!(
                "the chatbox module `{}` is off for this bot",
                module.as_str()
            ),
        )
        .param("module", module.as_str()),
    )
}

/// Rates the bot answer `seq` of the visitor's conversation.
pub async fn rate_answer(
    core: &Core,
    served: &Served,
    conv: &Conversation,
    seq: i64,
    helpful: bool,
) -> Result<(), ActionError> {
    if !served.snapshot.config.module_on(Module::AnswerFeedback) {
        return Err(module_off(Module::AnswerFeedback));
    }
    let message = core.store.message_at(conv.id, seq).await?;
    let Some(m) = message.filter(|m| m.author == Author::Bot && m.kind == MessageKind::Knowledge)
    else {
        return Err(not_an_answer(seq));
    };
    let question = core.store.question_before(conv.id, seq).await?;
    core.store
        .save_answer_feedback(&NewAnswerFeedback {
            conversation_id: conv.id,
            bot_id: conv.bot_id,
            seq,
            knowledge_id: m.body.knowledge.as_ref().map(|k| k.id.as_str()),
            question: &question,
            helpful,
        })
        .await?;
    Ok(())
}

/// What a survey answer did.
pub struct Surveyed {
    /// False when this livechat session already had an answer (the stored one is kept).
    pub stored: bool,
    pub satisfaction: Satisfaction,
}

/// The survey answer for the livechat that `ended_seq` (an `operator_left` event of the
/// visitor's conversation) ended.
pub async fn survey(
    core: &Core,
    served: &Served,
    conv: &Conversation,
    ended_seq: i64,
    score: i64,
    comment: Option<&str>,
) -> Result<Surveyed, ActionError> {
    if !served.snapshot.config.module_on(Module::Satisfaction) {
        return Err(module_off(Module::Satisfaction));
    }
    if !(1..=5).contains(&score) {
        return Err(invalid("score", Problem::out_of_range(1, 5, "")));
    }
    let comment = comment.unwrap_or("").trim();
    let n = comment.chars().count();
    if n > MAX_COMMENT {
        return Err(invalid(
            "comment",
            Problem::too_long("the comment", MAX_COMMENT).param("length", n),
        ));
    }
    if comment.chars().any(|c| c.is_control() && c != '\n') {
        return Err(invalid(
            "comment",
            Problem::new(
                "control_char",
                "the comment holds a control character (only line breaks are allowed)",
            ),
        ));
    }
    let message = core.store.message_at(conv.id, ended_seq).await?;
    let Some(ended) = message.filter(|m| {
        m.kind == MessageKind::Event && m.body.event == Some(SystemEvent::OperatorLeft)
    }) else {
        return Err(not_a_livechat_end(ended_seq));
    };
    let operator_id = match ended.body.operator.as_deref() {
        Some(name) => {
            core.store
                .conversation_operator_named(conv.id, name)
                .await?
        }
        None => None,
    };
    let (stored, satisfaction) = core
        .store
        .save_satisfaction(&NewSatisfaction {
            conversation_id: conv.id,
            bot_id: conv.bot_id,
            operator_id,
            ended_seq,
            score,
            comment,
        })
        .await?;
    // A retry of the same answer (a reconnection resent it) is not an error.
    if !stored && (satisfaction.score != score || satisfaction.comment != comment) {
        return Err(ActionError::refused(
            Refusal::Conflict,
            Problem::new(
                "survey_answered",
                "this livechat was already rated: one rating per livechat",
            ),
        ));
    }
    Ok(Surveyed {
        stored,
        satisfaction,
    })
}

/// `seq` names no bot answer of the conversation (also said to a chatbox whose
/// conversation is not stored yet: it has none).
pub fn not_an_answer(seq: i64) -> ActionError {
    invalid(
        "seq",
        Problem::new(
            "seq_unknown",
            format!("message {seq} is not a bot answer of this conversation"),
        )
        .param("seq", seq),
    )
}

/// `ended_seq` names no end of a livechat of the conversation (also said to a chatbox
/// whose conversation is not stored yet).
pub fn not_a_livechat_end(ended_seq: i64) -> ActionError {
    invalid(
        "ended_seq",
        Problem::new(
            "seq_unknown",
            format!("message {ended_seq} is not the end of a livechat of this conversation"),
        )
        .param("seq", ended_seq),
    )
}
