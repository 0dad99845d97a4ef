//! A bare tokio-tungstenite echo server: every text or binary frame is sent back as is.
//! Same WebSocket configuration as Vigie (4 KiB read and write buffers): the floor to compare
//! Vigie's round trips against.

use clap::Parser;
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;

#[derive(Parser, Debug)]
#[command(
    name = "vigie-echo",
    about = "Bare WebSocket echo server (benchmark floor)"
)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:9001")]
    listen: String,
    /// WebSocket read buffer in bytes.
    #[arg(long, default_value_t = vigie_load::READ_BUFFER)]
    read_buffer: usize,
    /// WebSocket write buffer in bytes.
    #[arg(long, default_value_t = vigie_load::WRITE_BUFFER)]
    write_buffer: usize,
    /// Worker threads (0 = one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
}

fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let _ = vigie_load::raise_nofile(1 << 20);
    let mut rt = tokio::runtime::Builder::new_multi_thread();
    if args.threads > 0 {
        rt.worker_threads(args.threads);
    }
    rt.enable_all().build()?.block_on(serve(args))
}

async fn serve(args: Args) -> std::io::Result<()> {
    let listener = TcpListener::bind(&args.listen).await?;
    eprintln!("vigie-echo listening on {}", listener.local_addr()?);
    let config = vigie_load::ws_config(args.read_buffer, args.write_buffer);
    loop {
        let (tcp, _) = match listener.accept().await {
            Ok(x) => x,
            Err(e) => {
                // EMFILE and friends: wait a little rather than spin.
                eprintln!("accept: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = tcp.set_nodelay(true);
        tokio::spawn(async move {
            let Ok(mut ws) = tokio_tungstenite::accept_async_with_config(tcp, Some(config)).await
            else {
                return;
            };
            while let Some(Ok(msg)) = ws.next().await {
                // Pings are answered by tungstenite itself; everything else is echoed.
                let echo = matches!(msg, Message::Text(_) | Message::Binary(_));
                if matches!(msg, Message::Close(_)) || (echo && ws.send(msg).await.is_err()) {
                    break;
                }
            }
        });
    }
}
