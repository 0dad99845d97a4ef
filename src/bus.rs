//! Publish/subscribe of conversation events inside one process.
//!
//! Events are hints, the database is the truth: a subscriber that falls behind (the
//! broadcast channel overflowed) or sees a gap in sequence numbers reads what it missed
//! from the store. So the bus may drop events without losing messages; that is what lets a
//! PostgreSQL LISTEN/NOTIFY backend (several nodes) slot in behind the same interface.

use crate::domain::conversation::Message;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

#[derive(Clone, Debug)]
pub enum Event {
    /// A message was stored (after commit).
    Message(Arc<Message>),
    /// Someone is typing (never stored).
    Typing { author: &'static str, on: bool },
}

const CHANNEL_CAPACITY: usize = 256;

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
