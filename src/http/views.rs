//! What the API and the operator's frames show of stored rows: the store returns rows,
//! these views choose the fields and add what depends on the reader.

use crate::domain::conversation::ConversationState;
use crate::domain::{OperatorId, Role};
use crate::store::{
    DeadLink, KnowledgeRef, MailReport, MonitoredItem, Named, Operator, QueuedConversation,
};
use serde::Serialize;

/// A monitored conversation as one operator sees it (`mine`: they created it).
#[derive(Serialize)]
pub struct MonitoredView<'a> {
    conversation: &'a str,
    name: &'a str,
    bot: &'a str,
    email: &'a str,
    strong: bool,
    lang: &'a str,
    starting_knowledge: &'a KnowledgeRef,
    creator: &'a Option<Named>,
    mine: bool,
    created_at: i64,
    expires_at: Option<i64>,
    opened_at: Option<i64>,
    last_activity_at: i64,
    last_visitor_at: Option<i64>,
    state: ConversationState,
    operator: &'a Option<Named>,
    offer_pending: bool,
    revoked: bool,
    mail: &'a Option<MailReport>,
    /// When the server read this item (ms): of two copies, the console keeps the later
    /// one (a create's answer must not undo a fresher `monitored` frame).
    read_at: i64,
    /// The visitor's latest attempt with an expired or revoked link: `{at, reason}`.
    dead_link: &'a Option<DeadLink>,
    /// Whether the reader may act on it (guide, offer help, resend, revoke): see
    /// `service::monitored::may_act`.
    may_act: bool,
    /// Whether the reader may resend or revoke its link (its creator, a supervisor, an
    /// admin): `service::monitored::may_manage_links`.
    may_manage_links: bool,
    /// Whether the reader has opened it already (in any browser): not "nouvelle" for them.
    seen: bool,
}

impl<'a> MonitoredView<'a> {
    pub fn new(item: &'a MonitoredItem, reader: &Operator) -> MonitoredView<'a> {
        let reader_id = reader.id;
        MonitoredView {
            conversation: &item.conversation,
            name: &item.name,
            bot: &item.bot,
            email: &item.email,
            strong: item.strong,
            lang: &item.lang,
            starting_knowledge: &item.starting_knowledge,
            creator: &item.creator,
            mine: item.creator.as_ref().is_some_and(|c| c.id == reader_id),
            created_at: item.created_at,
            expires_at: item.expires_at,
            opened_at: item.opened_at,
            last_activity_at: item.last_activity_at,
            last_visitor_at: item.last_visitor_at,
            state: item.state,
            operator: &item.operator,
            offer_pending: item.offer_pending,
            revoked: item.revoked,
            mail: &item.mail,
            read_at: crate::domain::now_ms(),
            dead_link: &item.dead_link,
            may_act: crate::service::monitored::may_act(reader, item),
            may_manage_links: crate::service::monitored::may_manage_links(reader, item),
            seen: item.seen_by.contains(&reader.id.0),
        }
    }

    pub fn list(items: &'a [MonitoredItem], reader: &Operator) -> Vec<MonitoredView<'a>> {
        items
            .iter()
            .map(|i| MonitoredView::new(i, reader))
            .collect()
    }
}

/// An operator account as the API and the console show it (never the password hash).
#[derive(Serialize)]
pub struct OperatorView<'a> {
    id: OperatorId,
    email: &'a str,
    name: &'a str,
    role: Role,
    languages: &'a [String],
}

impl<'a> OperatorView<'a> {
    pub fn new(o: &'a Operator) -> OperatorView<'a> {
        OperatorView {
            id: o.id,
            email: &o.email,
            name: &o.name,
            role: o.role,
            languages: &o.languages,
        }
    }
}

/// A conversation waiting in the queue, as the console shows it.
#[derive(Serialize)]
pub struct QueuedView<'a> {
    conversation: &'a str,
    queued_at: i64,
    position: i64,
}

impl<'a> QueuedView<'a> {
    pub fn list(queue: &'a [QueuedConversation]) -> Vec<QueuedView<'a>> {
        queue
            .iter()
            .map(|q| QueuedView {
                conversation: &q.conversation,
                queued_at: q.queued_at,
                position: q.position,
            })
            .collect()
    }
}
