//! Where mails go: an SMTP server (lettre; `VIGIE_SMTP_URL`), or, with none configured, one
//! `.eml` file per mail in `<data_dir>/outbox/` (written to a temporary name, then renamed,
//! so a reader never sees half a mail).

use crate::store::OutboxMail;
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

/// A send that failed, with the reason to show the operator (never holds credentials).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SendError(pub String);

impl Transport {
    pub fn new(smtp_url: Option<&str>, outbox_dir: PathBuf) -> Result<Transport, String> {
        match smtp_url {
            Some(url) => {
                let t = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| format!("VIGIE_SMTP_URL: {e}"))?
                    .timeout(Some(Duration::from_secs(20)))
                    .build();
                Ok(Transport::Smtp(t))
            }
            None => Ok(Transport::Files(outbox_dir)),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Transport::Smtp(_) => "SMTP (VIGIE_SMTP_URL)".into(),
            Transport::Files(dir) => format!("files in {}", dir.display()),
        }
    }

    pub async fn send(&self, from: &str, mail: &OutboxMail) -> Result<(), SendError> {
        let message = build(from, mail)?;
        match self {
            Transport::Smtp(t) => t
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| SendError(smtp_reason(&e))),
            Transport::Files(dir) => {
                let bytes = message.formatted();
                let dir = dir.clone();
                let name = format!("{}-{}.eml", mail.created_at, mail.id);
                tokio::task::spawn_blocking(move || -> std::io::Result<()> {
                    std::fs::create_dir_all(&dir)?;
                    let tmp = dir.join(format!(".{name}.tmp"));
                    std::fs::write(&tmp, &bytes)?;
                    std::fs::File::open(&tmp)?.sync_all()?;
                    std::fs::rename(&tmp, dir.join(&name))
                })
                .await
                .map_err(|e| SendError(format!("outbox writer failed: {e}")))?
                .map_err(|e| SendError(format!("cannot write the outbox file: {e}")))
            }
        }
    }
}

/// The server's own words when it refused, else what went wrong on the way.
fn smtp_reason(e: &lettre::transport::smtp::Error) -> String {
    use std::error::Error as _;
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        let more = inner.to_string();
        if !s.contains(&more) {
            s.push_str(": ");
            s.push_str(&more);
        }
        source = inner.source();
    }
    s
}

/// The MIME message: text and HTML alternatives, a stable Message-ID. Addresses were
/// validated when queued (no newline can reach a header); lettre encodes the subject.
pub fn build(from: &str, mail: &OutboxMail) -> Result<Message, SendError> {
    let from: Mailbox = from
        .parse()
        .map_err(|e| SendError(format!("sender address: {e}")))?;
    let to: Mailbox = mail
        .to_addr
        .parse()
        .map_err(|e| SendError(format!("recipient address: {e}")))?;
    Message::builder()
        .from(from)
        .to(to)
        .subject(mail.subject.replace(['\r', '\n'], " "))
        .message_id(Some(mail.message_id.clone()))
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(mail.text.clone()),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(mail.html.clone()),
                ),
        )
        .map_err(|e| SendError(format!("cannot build the mail: {e}")))
}
