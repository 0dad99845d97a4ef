//! Live supervision (supervisors and admins): the list of open conversations, following
//! one without anybody being told (the console's `open`, which stores nothing), the
//! whisper (a staff-only message to the operator holding it), taking it over, reassigning
//! it to another operator and ending it. Each act on a conversation someone else holds is
//! written in the audit log; the operator who held it is told by their console (the event
//! message carries their id in `previous`, see `told`).

use super::audit::{self, Actor};
use super::chat::{already_stored, store_and_publish};
use super::livechat::{self, changed, dispatch_queue, event, fresh_after, text};
use super::{invalid, settings, ActionError, Core, OrNotFound, Refusal};
use crate::domain::conversation::{
    check_text, Author, ConversationState, Message, MessageBody, MessageKind, NewMessage,
    SystemEvent,
};
use crate::domain::{now_ms, OperatorId, Problem};
use crate::store::{Appended, Conversation, OpenConversation, Operator};
use serde_json::json;

/// A bot conversation without a message for this long is no longer listed.
pub const ACTIVE_WINDOW_MS: i64 = 30 * 60 * 1000;
/// A monitored conversation stays listed this long after its last activity.
pub const MONITORED_WINDOW_MS: i64 = 24 * 3600 * 1000;
/// At most this many conversations in the list (queued and live ones come first only by
/// activity: a helpdesk with more open conversations than this is read in the history).
pub const MAX_LISTED: i64 = 300;

/// Supervisors and admins only.
pub fn must_supervise(operator: &Operator) -> Result<(), ActionError> {
    if operator.role.supervises() {
        Ok(())
    } else {
        Err(ActionError::refused(
            Refusal::Forbidden,
            Problem::new("supervisor_only", "this needs the admin or supervisor role"),
        ))
    }
}

/// Every open conversation, most recently active first.
pub async fn overview(
    core: &Core,
    operator: &Operator,
) -> Result<Vec<OpenConversation>, ActionError> {
    must_supervise(operator)?;
    let now = now_ms();
    Ok(core
        .store
        .open_conversations(
            now - ACTIVE_WINDOW_MS,
            now - MONITORED_WINDOW_MS,
            MAX_LISTED,
        )
        .await?)
}

fn moved_meanwhile() -> ActionError {
    invalid(
        "conversation",
        Problem::new(
            "conversation_moved",
            "the conversation changed meanwhile (taken, ended or transferred): look again",
        ),
    )
}

fn not_live() -> ActionError {
    invalid(
        "conversation",
        Problem::new(
            "not_live",
            "nobody holds this conversation (it is with the bot)",
        ),
    )
}

fn target(c: &Conversation) -> String {
    format!("conversation:{}", c.public_id)
}

/// A whisper to the operator holding the conversation: stored as a `whisper` message,
/// which only staff connections see (never the visitor's socket, replay or transcript).
pub async fn whisper(
    core: &Core,
    supervisor: &Operator,
    conv: &Conversation,
    client_id: &str,
    text: &str,
) -> Result<Appended, ActionError> {
    must_supervise(supervisor)?;
    if let Some(done) = already_stored(core, conv, client_id).await? {
        return Ok(done);
    }
    let text = check_text(text).map_err(|m| invalid("text", m))?;
    if !conv.state.with_operator() {
        return Err(not_live());
    }
    let message = NewMessage {
        author: Author::Operator,
        kind: MessageKind::Whisper,
        body: MessageBody {
            text: Some(text.to_string()),
            operator: Some(supervisor.name.clone()),
            ..Default::default()
        },
    };
    store_and_publish(core, conv.id, Some(client_id), vec![message]).await
}

async fn holder_name(core: &Core, id: Option<OperatorId>) -> Result<Option<String>, ActionError> {
    match id {
        Some(id) => Ok(Some(
            core.store
                .operator_by_id(id)
                .await
                .or_not_found("operator")?
                .name,
        )),
        None => Ok(None),
    }
}

/// The supervisor takes the conversation: live with another operator, waiting in the
/// queue, or still with the bot. It becomes theirs; the visitor reads that they joined.
pub async fn take_over(
    core: &Core,
    actor: &Actor,
    supervisor: &Operator,
    conv: &Conversation,
    client_id: &str,
) -> Result<Appended, ActionError> {
    must_supervise(supervisor)?;
    if let Some(done) = already_stored(core, conv, client_id).await? {
        return Ok(done);
    }
    if conv.state == ConversationState::Closed {
        return Err(moved_meanwhile());
    }
    if conv.state.with_operator() && conv.operator_id == Some(supervisor.id) {
        return Err(invalid(
            "conversation",
            Problem::new("already_yours", "you already hold this conversation"),
        ));
    }
    let previous = conv.operator_id.filter(|_| conv.state.with_operator());
    let from = holder_name(core, previous).await?;
    let capacity = settings::livechat(core).await?.default_capacity;
    if !core
        .store
        .take_over(conv.id, conv.state, previous, supervisor.id, capacity)
        .await?
    {
        return Err(moved_meanwhile());
    }
    let name = &supervisor.name;
    let mut joined = event(
        SystemEvent::TakenOver,
        text(
            conv.lang,
            format!("{name} a rejoint la conversation."),
            format!("{name} joined the conversation."),
        ),
        Some(name),
    );
    joined.body.from = from.clone();
    joined.body.previous = previous;
    let appended = store_and_publish(core, conv.id, Some(client_id), vec![joined]).await?;
    changed(core);
    audit::record(
        core,
        actor,
        "supervision.take_over",
        &target(conv),
        json!({"from": from, "state": conv.state}),
    )
    .await;
    Ok(appended)
}

/// The supervisor hands a live or queued conversation to another operator, who must be
/// available with room (a queued one: available or away, as when taking it by hand).
pub async fn reassign(
    core: &Core,
    actor: &Actor,
    supervisor: &Operator,
    conv: &Conversation,
    to: OperatorId,
    client_id: &str,
) -> Result<Appended, ActionError> {
    must_supervise(supervisor)?;
    if let Some(done) = already_stored(core, conv, client_id).await? {
        return Ok(done);
    }
    let target_op = core
        .store
        .operator_by_id(to)
        .await
        .or_not_found("operator")?;
    let unavailable = || {
        invalid(
            "to",
            Problem::new(
                "operator_unavailable",
                format!("{} is not available to take it", target_op.name),
            )
            .param("name", target_op.name.as_str()),
        )
    };
    let fresh = fresh_after(core).await?;
    let previous = match conv.state {
        ConversationState::Live => {
            let Some(from) = conv.operator_id else {
                return Err(moved_meanwhile());
            };
            if from == to {
                return Err(invalid(
                    "to",
                    Problem::new("same_operator", "this operator already holds it"),
                ));
            }
            if !core.store.transfer(conv.id, from, to, fresh).await? {
                return Err(unavailable());
            }
            Some(from)
        }
        ConversationState::Queued => {
            if core.store.assign(conv.id, Some(to), fresh).await?.is_none() {
                return Err(unavailable());
            }
            None
        }
        _ => return Err(invalid(
            "conversation",
            Problem::new(
                "not_handed_over",
                "only a conversation waiting in the queue or held by an operator can be reassigned",
            ),
        )),
    };
    let from = holder_name(core, previous).await?;
    let mut moved = event(
        SystemEvent::Transferred,
        text(
            conv.lang,
            format!("Votre conversation a été confiée à {}.", target_op.name),
            format!("Your conversation was handed to {}.", target_op.name),
        ),
        Some(&target_op.name),
    );
    moved.body.from = Some(supervisor.name.clone());
    moved.body.previous = previous;
    let appended = store_and_publish(core, conv.id, Some(client_id), vec![moved]).await?;
    changed(core);
    audit::record(
        core,
        actor,
        "supervision.reassign",
        &target(conv),
        json!({"from": from, "to": target_op.name, "to_id": to, "state": conv.state}),
    )
    .await;
    Ok(appended)
}

/// The supervisor ends a queued or live conversation someone else holds: back to the bot.
/// (Their own conversation they end as any operator does: `livechat::end`.)
pub async fn end(
    core: &Core,
    actor: &Actor,
    supervisor: &Operator,
    conv: &Conversation,
    client_id: &str,
) -> Result<Appended, ActionError> {
    must_supervise(supervisor)?;
    if let Some(done) = already_stored(core, conv, client_id).await? {
        return Ok(done);
    }
    if conv.state.with_operator() && conv.operator_id == Some(supervisor.id) {
        return livechat::end(core, supervisor, conv, client_id).await;
    }
    if !conv.state.handed_over() {
        return Err(not_live());
    }
    let previous = conv.operator_id.filter(|_| conv.state.with_operator());
    let from = holder_name(core, previous).await?;
    if !core
        .store
        .end_by_supervisor(conv.id, conv.state, previous)
        .await?
    {
        return Err(moved_meanwhile());
    }
    let name = &supervisor.name;
    let mut ended = event(
        SystemEvent::OperatorLeft,
        text(
            conv.lang,
            format!("{name} a terminé la conversation. L'assistant reste à votre disposition."),
            format!("{name} ended the conversation. The assistant is still here for you."),
        ),
        Some(name),
    );
    ended.body.previous = previous;
    let appended = store_and_publish(core, conv.id, Some(client_id), vec![ended]).await?;
    dispatch_queue(core).await?;
    audit::record(
        core,
        actor,
        "supervision.end",
        &target(conv),
        json!({"from": from, "state": conv.state}),
    )
    .await;
    Ok(appended)
}

/// What a supervisor did to an operator's conversation, as that operator's console tells
/// them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Told {
    /// `take_over`, `reassign` or `end`.
    pub action: &'static str,
    /// The supervisor.
    pub by: String,
    /// Who holds it now (take over, reassign).
    pub to: Option<String>,
}

/// Among a conversation's last messages, the supervisor act that took it from `operator`,
/// if that is the last change of holder (an older one, undone since, tells nothing).
pub fn told(messages: &[Message], operator: OperatorId) -> Option<Told> {
    let m = messages.iter().rev().find(|m| {
        matches!(
            m.body.event,
            Some(
                SystemEvent::TakenOver
                    | SystemEvent::Transferred
                    | SystemEvent::OperatorLeft
                    | SystemEvent::OperatorJoined
            )
        )
    })?;
    if m.body.previous != Some(operator) {
        return None;
    }
    let name = m.body.operator.clone().unwrap_or_default();
    match m.body.event? {
        SystemEvent::TakenOver => Some(Told {
            action: "take_over",
            by: name.clone(),
            to: Some(name),
        }),
        SystemEvent::Transferred => Some(Told {
            action: "reassign",
            by: m.body.from.clone().unwrap_or_default(),
            to: Some(name),
        }),
        SystemEvent::OperatorLeft => Some(Told {
            action: "end",
            by: name,
            to: None,
        }),
        _ => None,
    }
}

/// The latest supervisor act that took conversation `id` from `operator` (read from its
/// last messages).
pub async fn told_of(
    core: &Core,
    conversation_id: i64,
    operator: OperatorId,
) -> Result<Option<Told>, ActionError> {
    let c = core.store.conversation_by_id(conversation_id).await?;
    let recent = core
        .store
        .messages_after(conversation_id, (c.last_seq - 20).max(0), 20)
        .await?;
    Ok(told(&recent, operator))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(seq: i64, event: SystemEvent, operator: &str, previous: Option<i64>) -> Message {
        Message {
            seq,
            author: Author::System,
            kind: MessageKind::Event,
            client_id: None,
            body: MessageBody {
                event: Some(event),
                operator: Some(operator.into()),
                from: Some("Sophie".into()),
                previous: previous.map(OperatorId),
                ..Default::default()
            },
            created_at: 0,
        }
    }

    #[test]
    fn only_the_last_change_of_holder_tells_the_operator() {
        let claire = OperatorId(2);
        let taken = ev(3, SystemEvent::TakenOver, "Sophie", Some(2));
        assert_eq!(
            told(std::slice::from_ref(&taken), claire),
            Some(Told {
                action: "take_over",
                by: "Sophie".into(),
                to: Some("Sophie".into())
            })
        );
        // Someone else's conversation: nothing to tell Claire.
        assert_eq!(told(std::slice::from_ref(&taken), OperatorId(9)), None);
        // Taken, then given back and ended by Claire herself: an old act tells nothing.
        let back = ev(4, SystemEvent::Transferred, "Claire", Some(5));
        let ended = ev(5, SystemEvent::OperatorLeft, "Claire", None);
        assert_eq!(told(&[taken.clone(), back, ended], claire), None);
        // Reassigned: by the supervisor (`from`), to the new holder (`operator`).
        let moved = ev(6, SystemEvent::Transferred, "Bob", Some(2));
        assert_eq!(
            told(&[taken, moved], claire),
            Some(Told {
                action: "reassign",
                by: "Sophie".into(),
                to: Some("Bob".into())
            })
        );
    }
}
