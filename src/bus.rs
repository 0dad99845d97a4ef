//! Publish/subscribe of conversation and livechat events inside one process.
//!
//! Events are hints, the database is the truth: a subscriber that falls behind (the
//! broadcast channel overflowed) or sees a gap in sequence numbers reads what it missed
//! from the store. So the bus may drop events without losing messages; that is what lets a
//! PostgreSQL LISTEN/NOTIFY feed (several nodes) slot in beside it: on PostgreSQL every
//! commit of messages also notifies `vigie_events` with `conversation:last_seq`, and each
//! node's listener turns that into a `Stored` hint for its local subscribers, who read the
//! messages from the database. No sticky sessions: a visitor's two tabs may sit on two
//! nodes. If the listener's connection drops, every subscriber is told to re-sync.

use crate::domain::conversation::{Author, Message};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

/// What a subscriber follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Topic {
    /// One conversation's messages and typing (by its database id).
    Conversation(i64),
    /// Livechat-wide changes: queue, assignments, presence, monitored conversations.
    Livechat,
    /// Any conversation's activity, for the supervision page (`LivechatChanged` hints):
    /// published with every stored message, and on PostgreSQL with every other node's.
    Supervision,
}

impl Topic {
    /// The payload of a PostgreSQL notification: `topic:seq`, the livechat topic as `-1`.
    pub fn notification(self, seq: i64) -> String {
        match self {
            Topic::Conversation(id) => format!("{id}:{seq}"),
            Topic::Livechat => format!("-1:{seq}"),
            Topic::Supervision => format!("-2:{seq}"),
        }
    }

    fn from_notification(payload: &str) -> Option<(Topic, i64)> {
        let (topic, seq) = payload.split_once(':')?;
        let topic = match topic.parse::<i64>().ok()? {
            -1 => Topic::Livechat,
            -2 => Topic::Supervision,
            id => Topic::Conversation(id),
        };
        Some((topic, seq.parse().ok()?))
    }
}

#[derive(Clone, Debug)]
pub enum Event {
    /// A message was stored (after commit).
    Message(Arc<Message>),
    /// Someone is typing (never stored).
    /// `name`: the operator's, shown to the visitor ("Claire écrit…").
    Typing {
        author: Author,
        on: bool,
        name: Option<Arc<str>>,
    },
    /// Messages up to `seq` are stored (from another node): read them from the store.
    Stored { seq: i64 },
    /// The livechat state changed (on `Topic::Livechat`): re-read it from the store.
    LivechatChanged,
    /// Hints may have been lost: read whatever is new from the store.
    Resync,
    /// A monitored conversation's links were revoked or replaced (on its conversation's
    /// topic): a socket opened by a link re-reads whether its link still works.
    LinksChanged,
    /// What the conversation's visitor reported changed (a page, the chatbox opened
    /// again): the staff following it re-read the visitor's record.
    VisitorChanged,
}

/// The notification of `Event::LinksChanged` for conversation `id`, for every node.
pub fn links_notification(conversation_id: i64) -> String {
    format!("links:{conversation_id}")
}

/// The notification of `Event::VisitorChanged` for conversation `id`, for every node.
pub fn visitor_notification(conversation_id: i64) -> String {
    format!("visitor:{conversation_id}")
}

/// The PostgreSQL notification channel.
pub const PG_CHANNEL: &str = "vigie_events";

/// Small on purpose: each conversation with a listener holds one channel, and a
/// subscriber that lags simply re-reads the store.
const CHANNEL_CAPACITY: usize = 16;

#[derive(Clone, Default)]
pub struct Bus {
    channels: Arc<Mutex<HashMap<Topic, broadcast::Sender<Event>>>>,
}

impl Bus {
    pub fn subscribe(&self, topic: Topic) -> broadcast::Receiver<Event> {
        let mut map = self.channels.lock().expect("bus lock");
        map.entry(topic)
            .or_insert_with(|| broadcast::channel(CHANNEL_CAPACITY).0)
            .subscribe()
    }

    pub fn publish(&self, topic: Topic, event: Event) {
        let mut map = self.channels.lock().expect("bus lock");
        if let Some(tx) = map.get(&topic) {
            if tx.send(event).is_err() {
                // Nobody listens any more: forget the channel.
                map.remove(&topic);
            }
        }
    }

    /// Every current subscriber, whatever its conversation.
    pub fn publish_all(&self, event: Event) {
        let map = self.channels.lock().expect("bus lock");
        for tx in map.values() {
            let _ = tx.send(event.clone());
        }
    }

    /// Follows `vigie_events` on PostgreSQL and republishes each notification locally.
    /// Returns once listening, so nothing committed after it returns is missed.
    pub async fn listen_postgres(
        &self,
        url: &str,
    ) -> Result<tokio::task::JoinHandle<()>, sqlx::Error> {
        let mut listener = sqlx::postgres::PgListener::connect(url).await?;
        listener.listen(PG_CHANNEL).await?;
        let bus = self.clone();
        Ok(tokio::spawn(async move {
            loop {
                match listener.try_recv().await {
                    Ok(Some(n)) if n.payload().starts_with("links:") => {
                        match n.payload()["links:".len()..].parse::<i64>() {
                            Ok(id) => bus.publish(Topic::Conversation(id), Event::LinksChanged),
                            Err(_) => {
                                tracing::warn!(payload = n.payload(), "unreadable notification")
                            }
                        }
                    }
                    Ok(Some(n)) if n.payload().starts_with("visitor:") => {
                        match n.payload()["visitor:".len()..].parse::<i64>() {
                            Ok(id) => bus.publish(Topic::Conversation(id), Event::VisitorChanged),
                            Err(_) => {
                                tracing::warn!(payload = n.payload(), "unreadable notification")
                            }
                        }
                    }
                    Ok(Some(n)) => match Topic::from_notification(n.payload()) {
                        Some((Topic::Livechat, _)) => {
                            bus.publish(Topic::Livechat, Event::LivechatChanged)
                        }
                        Some((Topic::Supervision, _)) => {
                            bus.publish(Topic::Supervision, Event::LivechatChanged)
                        }
                        Some((topic, seq)) => {
                            bus.publish(topic, Event::Stored { seq });
                            // Another node stored a message: its last activity changed.
                            bus.publish(Topic::Supervision, Event::LivechatChanged);
                        }
                        None => tracing::warn!(payload = n.payload(), "unreadable notification"),
                    },
                    // The connection was lost and is being re-established: anything
                    // notified meanwhile is gone, so everyone re-reads the store.
                    Ok(None) => {
                        tracing::warn!("event listener reconnecting");
                        bus.publish_all(Event::Resync);
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "event listener failed, retrying");
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                        bus.publish_all(Event::Resync);
                    }
                }
            }
        }))
    }

    /// Drops channels nobody listens to (called when a subscriber leaves).
    pub fn release(&self, topic: Topic) {
        let mut map = self.channels.lock().expect("bus lock");
        if map.get(&topic).is_some_and(|tx| tx.receiver_count() == 0) {
            map.remove(&topic);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Topic;

    #[test]
    fn notifications_keep_their_wire_form() {
        for (topic, seq, payload) in [
            (Topic::Conversation(42), 7, "42:7"),
            (Topic::Livechat, 0, "-1:0"),
            (Topic::Supervision, 0, "-2:0"),
        ] {
            assert_eq!(topic.notification(seq), payload);
            assert_eq!(Topic::from_notification(payload), Some((topic, seq)));
        }
        assert_eq!(Topic::from_notification("nonsense"), None);
    }
}
