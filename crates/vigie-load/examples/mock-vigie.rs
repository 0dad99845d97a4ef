//! A minimal stand-in for Vigie's `/ws/visitor`, to check vigie-load's protocol handling
//! without the real server: `hello` → `welcome`, one replayed bot message, `replay_done`;
//! each `send` → `ack`, the visitor's `message`, then a bot `message` after 2 ms.
//!
//! `cargo run --release -p vigie-load --example mock-vigie -- 127.0.0.1:18399`

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:18399".into());
    let _ = vigie_load::raise_nofile(1 << 20);
    let listener = TcpListener::bind(&addr).await?;
    eprintln!("mock-vigie listening on {addr}");
    loop {
        let (tcp, _) = listener.accept().await?;
        tokio::spawn(async move {
            let cfg = vigie_load::ws_config(vigie_load::READ_BUFFER, vigie_load::WRITE_BUFFER);
            let Ok(mut ws) = tokio_tungstenite::accept_async_with_config(tcp, Some(cfg)).await
            else {
                return;
            };
            let mut seq = 0i64;
            while let Some(Ok(Message::Text(t))) = ws.next().await {
                let f: Value = serde_json::from_str(&t).unwrap_or_default();
                let mut out = Vec::new();
                match f["type"].as_str().unwrap_or("") {
                    "hello" => {
                        seq += 1;
                        out.push(json!({"type": "welcome", "v": 1, "conversation": "c_mock", "last_seq": seq}));
                        out.push(
                            json!({"type": "message", "seq": seq, "author": "bot", "kind": "text"}),
                        );
                        out.push(json!({"type": "replay_done", "last_seq": seq}));
                    }
                    "send" => {
                        seq += 1;
                        let id = f["client_id"].clone();
                        out.push(json!({"type": "ack", "client_id": id, "seq": seq}));
                        out.push(json!({"type": "message", "seq": seq, "author": "visitor", "kind": "text", "client_id": id}));
                    }
                    _ => out.push(json!({"type": "error", "code": "unknown_type"})),
                }
                for v in out {
                    if ws.send(Message::text(v.to_string())).await.is_err() {
                        return;
                    }
                }
                if f["type"] == "send" {
                    tokio::time::sleep(std::time::Duration::from_millis(2)).await;
                    seq += 1;
                    let v = json!({"type": "message", "seq": seq, "author": "bot", "kind": "knowledge"});
                    if ws.send(Message::text(v.to_string())).await.is_err() {
                        return;
                    }
                }
            }
        });
    }
}
