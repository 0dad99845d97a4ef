//! Blocking abuse (issue 13, item 8): an operator blocks the visitor of a conversation
//! (its visitor identity and, unless told not to, the client address its chatbox last
//! connected from) on that bot, for an hour, a day, a week or permanently, with a reason;
//! the blocked visitor cannot write nor start a conversation (`visitor_blocked`);
//! supervisors and admins list blocks and lift them. Blocks and lifts are audited.
//!
//! The client address is the TCP peer of the chatbox's WebSocket (the same one the audit
//! log and the login limits use): behind a reverse proxy every visitor has the proxy's
//! address, so the address part should then be left off (`by_address: false`).

use super::audit::{self, Actor};
use super::{ActionError, Core, OrNotFound, Refusal};
use crate::domain::{now_ms, FieldError, Problem, Role};
use crate::store::{Block, Conversation, NewBlock, Operator, StoreError};
use serde_json::json;

pub const MAX_REASON: usize = 200;

/// The durations an operator may choose: `1h`, `24h`, `7d`, `permanent` (None).
pub fn duration_ms(code: &str) -> Option<Option<i64>> {
    match code {
        "1h" => Some(Some(3_600_000)),
        "24h" => Some(Some(86_400_000)),
        "7d" => Some(Some(7 * 86_400_000)),
        "permanent" => Some(None),
        _ => None,
    }
}

/// What an operator asks for.
pub struct Ask<'a> {
    pub duration: &'a str,
    pub reason: &'a str,
    pub by_address: bool,
}

/// Blocks the visitor of `conv`.
pub async fn block(
    core: &Core,
    actor: &Actor,
    operator: &Operator,
    conv: &Conversation,
    ask: &Ask<'_>,
) -> Result<Block, ActionError> {
    let mut errors = Vec::new();
    let expires = match duration_ms(ask.duration) {
        Some(d) => d.map(|ms| now_ms() + ms),
        None => {
            errors.push(FieldError::of(
                "duration",
                Problem::new(
                    "block_duration_invalid",
                    "duration is one of 1h, 24h, 7d, permanent",
                )
                .param("value", ask.duration),
            ));
            None
        }
    };
    let reason = ask.reason.trim();
    if reason.is_empty() {
        errors.push(FieldError::of("reason", Problem::required("a reason")));
    } else if reason.chars().count() > MAX_REASON {
        errors.push(FieldError::of(
            "reason",
            Problem::too_long("the reason", MAX_REASON),
        ));
    }
    if !errors.is_empty() {
        return Err(ActionError::Invalid(errors));
    }
    let address = match (conv.visitor_id, ask.by_address) {
        (Some(v), true) => core.store.visitor_address(v).await?,
        _ => None,
    };
    if conv.visitor_id.is_none() && address.is_none() {
        return Err(ActionError::refused(
            Refusal::Conflict,
            Problem::new(
                "block_no_visitor",
                "this conversation has no visitor to block",
            ),
        ));
    }
    let block = core
        .store
        .insert_block(&NewBlock {
            bot_id: conv.bot_id,
            visitor_id: conv.visitor_id,
            address: address.as_deref(),
            conversation_id: Some(conv.id),
            reason,
            created_by: operator.id,
            expires_at: expires,
        })
        .await?;
    audit::record(
        core,
        actor,
        "visitor.block",
        &format!("conversation:{}", conv.public_id),
        json!({
            "block": block.id,
            "bot": block.bot,
            "visitor_id": block.visitor_id,
            "address": block.address,
            "duration": ask.duration,
            "expires_at": block.expires_at,
            "reason": block.reason,
        }),
    )
    .await;
    Ok(block)
}

fn must_supervise(operator: &Operator) -> Result<(), ActionError> {
    if matches!(operator.role, Role::Admin | Role::Supervisor) {
        Ok(())
    } else {
        Err(ActionError::refused(
            Refusal::Forbidden,
            Problem::new(
                "supervisors_only",
                "only supervisors and admins may do this",
            ),
        ))
    }
}

/// The blocks in force (`all`: the past ones too); supervisors and admins.
pub async fn list(core: &Core, operator: &Operator, all: bool) -> Result<Vec<Block>, ActionError> {
    must_supervise(operator)?;
    Ok(core.store.list_blocks(all).await?)
}

/// Lifts a block in force; supervisors and admins.
pub async fn lift(
    core: &Core,
    actor: &Actor,
    operator: &Operator,
    id: i64,
) -> Result<Block, ActionError> {
    must_supervise(operator)?;
    let block = match core.store.lift_block(id, operator.id).await {
        Err(StoreError::Conflict(_)) => {
            return Err(ActionError::refused(
                Refusal::Conflict,
                Problem::new("block_over", "this block was already lifted or is over"),
            ))
        }
        other => other.or_not_found("block")?,
    };
    audit::record(
        core,
        actor,
        "visitor.unblock",
        &format!("block:{}", block.id),
        json!({
            "bot": block.bot,
            "visitor_id": block.visitor_id,
            "address": block.address,
            "conversation": block.conversation,
            "reason": block.reason,
        }),
    )
    .await;
    Ok(block)
}

/// The block in force for this visitor or address on this bot, if any.
pub async fn in_force(
    core: &Core,
    bot_id: i64,
    visitor_id: Option<i64>,
    address: Option<&str>,
) -> Result<Option<Block>, ActionError> {
    Ok(core
        .store
        .block_in_force(bot_id, visitor_id, address)
        .await?)
}

/// Refuses what a blocked visitor tries (`visitor_blocked`).
pub async fn check(
    core: &Core,
    bot_id: i64,
    visitor_id: Option<i64>,
    address: Option<&str>,
) -> Result<(), ActionError> {
    match in_force(core, bot_id, visitor_id, address).await? {
        None => Ok(()),
        Some(b) => Err(blocked(&b)),
    }
}

pub fn blocked(b: &Block) -> ActionError {
    let mut p = Problem::new(
        "visitor_blocked",
        "you have been blocked from writing in this chat",
    );
    if let Some(until) = b.expires_at {
        p = p.param("until", until);
    }
    ActionError::refused(Refusal::Forbidden, p)
}
