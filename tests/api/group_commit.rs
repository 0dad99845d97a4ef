//! Issue 15, item 4: group commit. Many senders at once share transactions; each is
//! acknowledged with its own sequence numbers, a conversation's numbers have no gap and
//! no repeat, a sender's messages keep its order, and a client id sent again (even in
//! the same batch, even concurrently) is stored once and answered with the first
//! numbers. On both backends.

use crate::both_backends;
use crate::helpers::*;
use std::collections::{BTreeMap, HashMap};
use vigie::domain::conversation::{Author, ConversationKind, MessageBody, MessageKind, NewMessage};
use vigie_bot::Lang;

fn text(t: &str) -> NewMessage {
    NewMessage {
        author: Author::Visitor,
        kind: MessageKind::Text,
        body: MessageBody {
            text: Some(t.to_string()),
            ..Default::default()
        },
    }
}

fn reply(t: &str) -> NewMessage {
    NewMessage {
        author: Author::Bot,
        kind: MessageKind::Text,
        ..text(t)
    }
}

async fn concurrent_senders_are_batched_in_order_and_once(app: &TestApp) {
    let store = &app.store;
    let bot = store.list_bots().await.unwrap()[0].id;
    const CONVERSATIONS: usize = 6;
    const SENDERS: usize = 4; // per conversation
    const EACH: usize = 40; // messages per sender
    let mut convs = Vec::new();
    for _ in 0..CONVERSATIONS {
        let c = store
            .create_conversation(bot, None, ConversationKind::Bot, Lang::Fr)
            .await
            .unwrap();
        convs.push(c.id);
    }
    // Every sender sends its messages one after the other (each awaited, as a socket
    // does), and sends each client id twice at once (a retry racing the first attempt).
    let mut tasks = Vec::new();
    for &conv in &convs {
        for sender in 0..SENDERS {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let mut acks = Vec::new();
                for i in 0..EACH {
                    let cid = format!("s{sender}-m{i}");
                    let msgs = vec![text(&cid), reply(&format!("re {cid}"))];
                    let (a, b) = tokio::join!(
                        store.append(conv, Some(&cid), &msgs),
                        store.append(conv, Some(&cid), &msgs)
                    );
                    let (a, b) = (a.unwrap(), b.unwrap());
                    assert_eq!(
                        a.duplicate as u8 + b.duplicate as u8,
                        1,
                        "{cid}: one attempt stores, the other is the duplicate"
                    );
                    let seqs = |x: &vigie::store::Appended| {
                        x.messages.iter().map(|m| m.seq).collect::<Vec<_>>()
                    };
                    assert_eq!(seqs(&a), seqs(&b), "{cid}: both answered the same numbers");
                    assert_eq!(seqs(&a).len(), 2);
                    assert_eq!(seqs(&a)[1], seqs(&a)[0] + 1, "a reply follows its message");
                    acks.push((cid, seqs(&a)[0]));
                }
                (conv, acks)
            }));
        }
    }
    let mut acked: HashMap<i64, Vec<(String, i64)>> = HashMap::new();
    for t in tasks {
        let (conv, acks) = t.await.unwrap();
        // A sender's messages keep its order.
        assert!(
            acks.windows(2).all(|w| w[0].1 < w[1].1),
            "a sender's acknowledgements go up: {acks:?}"
        );
        acked.entry(conv).or_default().extend(acks);
    }
    for &conv in &convs {
        let stored = store.messages_after(conv, 0, 100_000).await.unwrap();
        let n = SENDERS * EACH * 2;
        assert_eq!(stored.len(), n, "every message stored once");
        let seqs: Vec<i64> = stored.iter().map(|m| m.seq).collect();
        assert_eq!(
            seqs,
            (1..=n as i64).collect::<Vec<_>>(),
            "no gap, no repeat"
        );
        let by_cid: BTreeMap<&str, i64> = stored
            .iter()
            .filter_map(|m| m.client_id.as_deref().map(|c| (c, m.seq)))
            .collect();
        assert_eq!(by_cid.len(), SENDERS * EACH, "each client id once");
        for (cid, seq) in &acked[&conv] {
            assert_eq!(
                by_cid.get(cid.as_str()),
                Some(seq),
                "{cid}: the ack names what is stored"
            );
            let next = &stored[*seq as usize]; // seq + 1, 0-based
            assert_eq!(
                next.body.text.as_deref(),
                Some(format!("re {cid}").as_str())
            );
        }
        assert_eq!(
            store.conversation_by_id(conv).await.unwrap().last_seq,
            n as i64
        );
    }
    // A conversation that does not exist is refused without spoiling the others'
    // batch.
    let (lost, kept) = ([text("lost")], [text("kept")]);
    let (missing, fine) = tokio::join!(
        store.append(i64::MAX - 1, Some("x"), &lost),
        store.append(convs[0], Some("after"), &kept)
    );
    assert!(
        matches!(missing, Err(vigie::store::StoreError::NotFound)),
        "{missing:?}"
    );
    assert_eq!(
        fine.unwrap().messages[0].seq,
        (SENDERS * EACH * 2 + 1) as i64
    );
}

both_backends!(concurrent_senders_are_batched_in_order_and_once);
