//! Where mails go: an SMTP server (lettre; `VIGIE_SMTP_URL`), or, with none configured, one
//! `.eml` file per mail in `<data_dir>/outbox/` (written to a temporary name, then renamed,
//! so a reader never sees half a mail).

use crate::store::OutboxMail;
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
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
    /// `ca_file`: a private authority to trust for the server's certificate, applied to
    /// whatever TLS the URL asks for (`smtps://`, `?tls=required`, `?tls=opportunistic`).
    pub fn new(
        smtp_url: Option<&str>,
        ca_file: Option<&std::path::Path>,
        outbox_dir: PathBuf,
    ) -> Result<Transport, String> {
        let Some(url) = smtp_url else {
            return Ok(Transport::Files(outbox_dir));
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("VIGIE_SMTP_URL: {e}"))?
            .timeout(Some(Duration::from_secs(20)));
        if let Some(ca) = ca_file {
            let parsed = url::Url::parse(url).map_err(|e| format!("VIGIE_SMTP_URL: {e}"))?;
            let host = parsed.host_str().unwrap_or_default().to_string();
            let pem = std::fs::read(ca)
                .map_err(|e| format!("VIGIE_SMTP_CA_FILE {}: {e}", ca.display()))?;
            let cert = Certificate::from_pem(&pem)
                .map_err(|e| format!("VIGIE_SMTP_CA_FILE {}: {e}", ca.display()))?;
            let params = TlsParameters::builder(host)
                .add_root_certificate(cert)
                .build_rustls()
                .map_err(|e| format!("VIGIE_SMTP_CA_FILE: {e}"))?;
            let mode = parsed
                .query_pairs()
                .find(|(k, _)| k == "tls")
                .map(|(_, v)| v.to_string());
            builder = match (parsed.scheme(), mode.as_deref()) {
                ("smtps", _) => builder.tls(Tls::Wrapper(params)),
                (_, Some("required")) => builder.tls(Tls::Required(params)),
                (_, Some("opportunistic")) => builder.tls(Tls::Opportunistic(params)),
                _ => builder,
            };
        }
        Ok(Transport::Smtp(builder.build()))
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
