//! Publish/subscribe of conversation events inside one process.
//!
//! Events are hints, the database is the truth: a subscriber that falls behind (the
//! broadcast channel overflowed) or sees a gap in sequence numbers reads what it missed
//! from the store. So the bus may drop events without losing messages; that is what lets a
//! PostgreSQL LISTEN/NOTIFY feed (several nodes) slot in beside it: on PostgreSQL every
//! commit of messages also notifies `vigie_events` with `conversation:last_seq`, and each
//! node's listener turns that into a `Stored` hint for its local subscribers, who read the
//! messages from the database. No sticky sessions: a visitor's two tabs may sit on two
//! nodes. If the listener's connection drops, every subscriber is told to re-sync.

use crate::domain::conversation::Message;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

#[derive(Clone, Debug)]
pub enum Event {
    /// A message was stored (after commit).
    Message(Arc<Message>),
    /// Someone is typing (never stored).
    /// `name`: the operator's, shown to the visitor ("Claire écrit…").
    Typing {
        author: &'static str,
        on: bool,
        name: Option<Arc<str>>,
    },
    /// Messages up to `seq` are stored (from another node): read them from the store.
    Stored { seq: i64 },
    /// Hints may have been lost: read whatever is new from the store.
    Resync,
}

/// The PostgreSQL notification channel.
pub const PG_CHANNEL: &str = "vigie_events";

/// Small on purpose: each conversation with a listener holds one channel, and a
/// subscriber that lags simply re-reads the store.
const CHANNEL_CAPACITY: usize = 16;

#[derive(Clone, Default)]
pub struct Bus {
    channels: Arc<Mutex<HashMap<i64, broadcast::Sender<Event>>>>,
}

impl Bus {
    pub fn subscribe(&self, conversation_id: i64) -> broadcast::Receiver<Event> {
        let mut map = self.channels.lock().expect("bus lock");
        map.entry(conversation_id)
            .or_insert_with(|| broadcast::channel(CHANNEL_CAPACITY).0)
            .subscribe()
    }

    pub fn publish(&self, conversation_id: i64, event: Event) {
        let mut map = self.channels.lock().expect("bus lock");
        if let Some(tx) = map.get(&conversation_id) {
            if tx.send(event).is_err() {
                // Nobody listens any more: forget the channel.
                map.remove(&conversation_id);
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
                    Ok(Some(n)) => {
                        let parsed = n.payload().split_once(':').and_then(|(c, s)| {
                            Some((c.parse::<i64>().ok()?, s.parse::<i64>().ok()?))
                        });
                        if let Some((conversation, seq)) = parsed {
                            bus.publish(conversation, Event::Stored { seq });
                        }
                    }
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
    pub fn release(&self, conversation_id: i64) {
        let mut map = self.channels.lock().expect("bus lock");
        if map
            .get(&conversation_id)
            .is_some_and(|tx| tx.receiver_count() == 0)
        {
            map.remove(&conversation_id);
        }
    }
}
