//! A real SMTP server inside the tests (mailin-embedded on a port of our own), keeping
//! every mail it accepts; mail-parser reads them.

use mailin_embedded::{response, Handler, Response, Server};
use std::net::{IpAddr, TcpListener};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone, Default)]
pub struct Sink {
    pub mails: Arc<Mutex<Vec<Vec<u8>>>>,
    buf: Vec<u8>,
    /// With AUTH: the accepted user and password, and every attempt seen.
    credentials: Option<(String, String)>,
    pub logins: Arc<Mutex<Vec<(String, bool)>>>,
}

impl Handler for Sink {
    fn auth_plain(&mut self, _authz: &str, user: &str, password: &str) -> Response {
        let ok = self
            .credentials
            .as_ref()
            .is_some_and(|(u, p)| u == user && p == password);
        self.logins.lock().unwrap().push((user.to_string(), ok));
        if ok {
            response::AUTH_OK
        } else {
            response::INVALID_CREDENTIALS
        }
    }
    fn helo(&mut self, _ip: IpAddr, _domain: &str) -> Response {
        response::OK
    }
    fn data_start(
        &mut self,
        _domain: &str,
        _from: &str,
        _is8bit: bool,
        _to: &[String],
    ) -> Response {
        self.buf.clear();
        response::OK
    }
    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.buf.extend_from_slice(buf);
        Ok(())
    }
    fn data_end(&mut self) -> Response {
        self.mails
            .lock()
            .unwrap()
            .push(std::mem::take(&mut self.buf));
        response::OK
    }
}

/// A parsed mail.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub message_id: String,
    pub raw: String,
}

impl Sink {
    /// Serves SMTP on `listener` (in a thread of its own, for the rest of the test run).
    pub fn serve(listener: TcpListener) -> Sink {
        let sink = Sink::default();
        let handler = sink.clone();
        std::thread::spawn(move || {
            let mut server = Server::new(handler);
            server.with_name("sink.test").with_tcp_listener(listener);
            let _ = server.serve();
        });
        sink
    }

    /// STARTTLS with `cert`/`key` (PEM files) and AUTH PLAIN for `user`/`password`.
    pub fn serve_tls(
        listener: TcpListener,
        cert: &std::path::Path,
        key: &std::path::Path,
        user: &str,
        password: &str,
    ) -> Sink {
        // mailin's rustls server needs the process-wide provider (two are compiled in).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let sink = Sink {
            credentials: Some((user.to_string(), password.to_string())),
            ..Default::default()
        };
        let handler = sink.clone();
        let ssl = mailin_embedded::SslConfig::SelfSigned {
            cert_path: cert.display().to_string(),
            key_path: key.display().to_string(),
        };
        let mut server = Server::new(handler);
        server
            .with_name("sink.test")
            .with_ssl(ssl)
            .expect("TLS configuration")
            .with_auth(mailin_embedded::AuthMechanism::Plain)
            .with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        sink
    }

    pub fn start() -> (Sink, u16) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        (Sink::serve(listener), port)
    }

    pub fn count(&self) -> usize {
        self.mails.lock().unwrap().len()
    }

    pub fn parsed(&self) -> Vec<Mail> {
        self.mails
            .lock()
            .unwrap()
            .iter()
            .map(|raw| {
                let m = mail_parser::MessageParser::default()
                    .parse(raw)
                    .expect("a MIME mail");
                Mail {
                    to: m
                        .to()
                        .and_then(|a| a.first())
                        .and_then(|a| a.address())
                        .unwrap_or_default()
                        .to_string(),
                    subject: m.subject().unwrap_or_default().to_string(),
                    text: m.body_text(0).unwrap_or_default().to_string(),
                    html: m.body_html(0).unwrap_or_default().to_string(),
                    message_id: m.message_id().unwrap_or_default().to_string(),
                    raw: String::from_utf8_lossy(raw).to_string(),
                }
            })
            .collect()
    }

    /// Waits until `n` mails arrived (10 s at most).
    pub async fn wait_for(&self, n: usize) -> Vec<Mail> {
        for _ in 0..200 {
            if self.count() >= n {
                return self.parsed();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{n} mail(s) expected, {} arrived", self.count());
    }
}

/// The `vigie_mc` token of the link in a mail's text part.
pub fn token_in(mail: &Mail) -> String {
    let at = mail.text.find("vigie_mc=").expect("a link in the mail") + "vigie_mc=".len();
    mail.text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect()
}
