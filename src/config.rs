//! Settings: an optional TOML file plus `VIGIE_*` environment variables.
//!
//! Everything has a default so that `vigie serve` works on a fresh machine. Values are
//! checked once, here, so a bad one stops start-up with a message naming the setting
//! instead of failing later somewhere deep in the server.

use std::{
    fmt,
    net::{IpAddr, SocketAddr},
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};
use vigie_bot::Embeddings;

use figment::{
    providers::{Env, Format, Serialized, Toml},
    Figment,
};
use serde::{Deserialize, Serialize};

/// Raw settings as read from the file and the environment, before validation.
#[derive(Deserialize, Serialize, Default)]
struct RawSettings {
    data_dir: Option<String>,
    listen: Option<String>,
    database_url: Option<String>,
    public_url: Option<String>,
    login_attempts_per_minute: Option<u32>,
    session_hours: Option<u32>,
    log: Option<String>,
    web_dir: Option<String>,
    smtp_url: Option<String>,
    smtp_ca_file: Option<String>,
    mail_from: Option<String>,
    mail_retry_seconds: Option<u64>,
    model_dir: Option<String>,
    metrics_listen: Option<String>,
    account_link_hours: Option<u32>,
    audit_retention_days: Option<u32>,
    header_read_timeout_seconds: Option<u64>,
    idle_timeout_seconds: Option<u64>,
    max_connections_per_address: Option<usize>,
    hello_per_minute: Option<u32>,
    trusted_proxies: Option<String>,
    admin_email: Option<String>,
}

/// Validated settings.
#[derive(Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
    pub database_url: String,
    /// Base of every link Vigie builds (deployed URLs, mail links), without trailing slash.
    pub public_url: String,
    pub login_attempts_per_minute: u32,
    pub session_hours: u32,
    pub log: String,
    /// Serve front-end files from this folder instead of the embedded copy (front-end
    /// development: edit and reload without rebuilding).
    pub web_dir: Option<PathBuf>,
    /// `smtps://user:pass@host:465` (TLS), `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS), `?tls=opportunistic`, or `smtp://host:port` (plain, for a local relay).
    /// None: mails are written as `.eml` files to `<data_dir>/outbox/`.
    pub smtp_url: Option<String>,
    /// A PEM file of a private certificate authority to trust for the SMTP server's TLS
    /// (an internal relay), beside the public roots.
    pub smtp_ca_file: Option<PathBuf>,
    /// The sender of every mail (`Name <address>` or an address).
    pub mail_from: String,
    /// Delay before the first retry of a failed send (it grows ×3 per attempt, up to 1 h).
    pub mail_retry_seconds: u64,
    /// A model2vec model directory (`model.safetensors` + `tokenizer.json`) used instead
    /// of the model shipped in the binary. None: the shipped model.
    pub model_dir: Option<PathBuf>,
    /// The word embeddings every bot's matcher uses (read once, at start-up).
    pub model: Arc<Embeddings>,
    /// Where Prometheus metrics are served (`GET /metrics`), on a listener of their own
    /// (keep it private). None: no metrics.
    pub metrics_listen: Option<SocketAddr>,
    /// How long an invitation or password-reset link works (72 h by default).
    pub account_link_hours: u32,
    /// How long audit-log entries are kept (400 days by default, at least 365).
    pub audit_retention_days: u32,
    /// How long a client has to send a request's headers (and how long a kept-alive
    /// connection may wait for its next request): past it the connection is closed.
    pub header_read_timeout: Duration,
    /// A connection that neither sends nor receives a byte for this long is closed
    /// (WebSockets, once upgraded, have their own heartbeat instead).
    pub idle_timeout: Duration,
    /// Open connections (HTTP and WebSocket) one client address may hold; 0: no cap.
    pub max_connections_per_address: usize,
    /// Chatbox openings (`hello` on `/ws/visitor`) one client address may make per
    /// minute (the same again at once as a burst); 0: no limit.
    pub hello_per_minute: u32,
    /// Reverse proxies whose `X-Forwarded-For` is believed (addresses or CIDR blocks):
    /// behind them the client's address is the forwarded one.
    pub trusted_proxies: Vec<IpBlock>,
    /// The first admin's address, used once, on an empty database (`vigie serve
    /// --admin-email`). None: `admin@vigie.localhost`, the demo default (guessable: the
    /// start-up says so).
    pub admin_email: Option<String>,
}

/// An address block (`10.0.0.0/8`, `::1/128`, or one address).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpBlock {
    addr: IpAddr,
    prefix: u8,
}

impl IpBlock {
    pub fn parse(text: &str) -> Option<IpBlock> {
        let (addr, prefix) = match text.trim().split_once('/') {
            Some((a, p)) => (a.parse::<IpAddr>().ok()?, Some(p.parse::<u8>().ok()?)),
            None => (text.trim().parse::<IpAddr>().ok()?, None),
        };
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(IpBlock { addr, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        let bits = |a: IpAddr| -> (u128, u32) {
            match a {
                IpAddr::V4(v) => (u32::from(v) as u128, 32),
                IpAddr::V6(v) => (u128::from(v), 128),
            }
        };
        let ((net, width), (host, host_width)) = (bits(self.addr), bits(ip));
        if width != host_width {
            return false;
        }
        let shift = width - self.prefix as u32;
        shift >= width || (net >> shift) == (host >> shift)
    }
}

/// Chatbox openings one address may make per minute by default: a visitor opens one per
/// page; an office behind one address, a few dozen a minute.
pub const DEFAULT_HELLO_PER_MINUTE: u32 = 60;

/// Open connections one address may hold by default: far more than a browser's few
/// tabs, far fewer than the file descriptors a process has.
pub const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS: usize = 256;

/// Reads a standard model2vec directory: its `model.safetensors` and `tokenizer.json`,
/// checked by the engine. Any problem names the setting.
pub fn load_model_dir(dir: &Path) -> Result<Embeddings, ConfigError> {
    const SETTING: &str = "VIGIE_MODEL_DIR";
    if !dir.is_dir() {
        return Err(bad(
            SETTING,
            format!("{} is not a directory (a model2vec model directory holding model.safetensors and tokenizer.json)", dir.display()),
        ));
    }
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read(&path)
            .map_err(|e| bad(SETTING, format!("cannot read {}: {e}", path.display())))
    };
    let weights = read("model.safetensors")?;
    let tokenizer = read("tokenizer.json")?;
    Embeddings::from_model2vec(&weights, &tokenizer)
        .map_err(|e| bad(SETTING, format!("{}: {e}", dir.display())))
}

#[derive(Debug, thiserror::Error)]
#[error("invalid setting `{name}`: {reason}")]
pub struct ConfigError {
    pub name: &'static str,
    pub reason: String,
}

fn bad(name: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError {
        name,
        reason: reason.into(),
    }
}

impl Settings {
    /// Reads `config_file` (if given, it must exist) or `./vigie.toml` (if present), then
    /// `VIGIE_*` variables, which win.
    pub fn load(config_file: Option<&std::path::Path>) -> Result<Settings, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(RawSettings::default()));
        match config_file {
            Some(path) => {
                if !path.exists() {
                    return Err(bad("config", format!("file {} not found", path.display())));
                }
                figment = figment.merge(Toml::file(path));
            }
            None => figment = figment.merge(Toml::file("vigie.toml")),
        }
        figment = figment.merge(Env::prefixed("VIGIE_"));
        let raw: RawSettings = figment
            .extract()
            .map_err(|e| bad("config", e.to_string()))?;
        Self::from_raw(raw)
    }

    fn from_raw(raw: RawSettings) -> Result<Settings, ConfigError> {
        let data_dir = PathBuf::from(raw.data_dir.unwrap_or_else(|| "./vigie-data".into()));
        if data_dir.as_os_str().is_empty() {
            return Err(bad("VIGIE_DATA_DIR", "must not be empty"));
        }
        let listen_raw = raw.listen.unwrap_or_else(|| "127.0.0.1:8080".into());
        let listen: SocketAddr = listen_raw.parse().map_err(|_| {
            bad(
                "VIGIE_LISTEN",
                format!("`{listen_raw}` is not an address such as 127.0.0.1:8080"),
            )
        })?;
        let metrics_listen = match raw.metrics_listen.filter(|m| !m.trim().is_empty()) {
            Some(m) => Some(m.trim().parse::<SocketAddr>().map_err(|_| {
                bad(
                    "VIGIE_METRICS_LISTEN",
                    format!("`{m}` is not an address such as 127.0.0.1:9090"),
                )
            })?),
            None => None,
        };
        let database_url = match raw.database_url {
            Some(url) => {
                if !(url.starts_with("sqlite:")
                    || url.starts_with("postgres://")
                    || url.starts_with("postgresql://"))
                {
                    return Err(bad(
                        "VIGIE_DATABASE_URL",
                        "must start with sqlite: or postgres://",
                    ));
                }
                url
            }
            None => format!("sqlite://{}?mode=rwc", data_dir.join("vigie.db").display()),
        };
        let public_url = match raw.public_url {
            Some(u) => {
                let parsed = url::Url::parse(&u).map_err(|e| {
                    bad(
                        "VIGIE_PUBLIC_URL",
                        format!("`{u}` is not an absolute URL ({e})"),
                    )
                })?;
                if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
                    return Err(bad(
                        "VIGIE_PUBLIC_URL",
                        "must be an http(s) URL with a host",
                    ));
                }
                u.trim_end_matches('/').to_string()
            }
            None => format!("http://{listen}"),
        };
        let login_attempts_per_minute = raw.login_attempts_per_minute.unwrap_or(10);
        if login_attempts_per_minute == 0 {
            return Err(bad("VIGIE_LOGIN_ATTEMPTS_PER_MINUTE", "must be at least 1"));
        }
        let session_hours = raw.session_hours.unwrap_or(12);
        if session_hours == 0 {
            return Err(bad("VIGIE_SESSION_HOURS", "must be at least 1"));
        }
        let smtp_url = match raw.smtp_url.filter(|u| !u.trim().is_empty()) {
            Some(u) => {
                let parsed = url::Url::parse(&u).map_err(|e| {
                    bad(
                        "VIGIE_SMTP_URL",
                        format!("not a URL ({e}); e.g. smtp://mail.example.com:587"),
                    )
                })?;
                if !matches!(parsed.scheme(), "smtp" | "smtps") || parsed.host().is_none() {
                    return Err(bad(
                        "VIGIE_SMTP_URL",
                        "must be smtp://host[:port] or smtps://host[:port]",
                    ));
                }
                Some(u)
            }
            None => None,
        };
        let smtp_ca_file = raw
            .smtp_ca_file
            .filter(|f| !f.trim().is_empty())
            .map(PathBuf::from);
        if let Some(f) = &smtp_ca_file {
            if !f.is_file() {
                return Err(bad(
                    "VIGIE_SMTP_CA_FILE",
                    format!("{} is not a readable file", f.display()),
                ));
            }
        }
        let mail_from = raw
            .mail_from
            .unwrap_or_else(|| "Vigie <vigie@localhost>".to_string());
        if mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(bad(
                "VIGIE_MAIL_FROM",
                format!("`{mail_from}` is not a mail address (`Name <address>` or `address`)"),
            ));
        }
        let mail_retry_seconds = raw.mail_retry_seconds.unwrap_or(10);
        if mail_retry_seconds == 0 {
            return Err(bad("VIGIE_MAIL_RETRY_SECONDS", "must be at least 1"));
        }
        let model_dir = raw
            .model_dir
            .filter(|d| !d.trim().is_empty())
            .map(PathBuf::from);
        let model = match &model_dir {
            Some(dir) => Arc::new(load_model_dir(dir)?),
            None => Embeddings::shipped(),
        };
        let account_link_hours = raw.account_link_hours.unwrap_or(72);
        if !(1..=24 * 30).contains(&account_link_hours) {
            return Err(bad(
                "VIGIE_ACCOUNT_LINK_HOURS",
                "between 1 and 720 hours (30 days)",
            ));
        }
        let audit_retention_days = raw.audit_retention_days.unwrap_or(400);
        if !(365..=3650 * 3).contains(&audit_retention_days) {
            return Err(bad(
                "VIGIE_AUDIT_RETENTION_DAYS",
                "between 365 days (a year) and 10950 days",
            ));
        }
        let header_read_timeout = raw.header_read_timeout_seconds.unwrap_or(10);
        if !(1..=3600).contains(&header_read_timeout) {
            return Err(bad(
                "VIGIE_HEADER_READ_TIMEOUT_SECONDS",
                "between 1 and 3600 seconds",
            ));
        }
        let idle_timeout = raw.idle_timeout_seconds.unwrap_or(60);
        if !(1..=86400).contains(&idle_timeout) {
            return Err(bad(
                "VIGIE_IDLE_TIMEOUT_SECONDS",
                "between 1 and 86400 seconds",
            ));
        }
        let mut trusted_proxies = Vec::new();
        for item in raw.trusted_proxies.as_deref().unwrap_or("").split(',') {
            if item.trim().is_empty() {
                continue;
            }
            trusted_proxies.push(IpBlock::parse(item).ok_or_else(|| {
                bad(
                    "VIGIE_TRUSTED_PROXIES",
                    format!(
                        "`{}` is not an address or a block such as 10.0.0.0/8",
                        item.trim()
                    ),
                )
            })?);
        }
        Ok(Settings {
            header_read_timeout: Duration::from_secs(header_read_timeout),
            idle_timeout: Duration::from_secs(idle_timeout),
            max_connections_per_address: raw
                .max_connections_per_address
                .unwrap_or(DEFAULT_MAX_CONNECTIONS_PER_ADDRESS),
            hello_per_minute: raw.hello_per_minute.unwrap_or(DEFAULT_HELLO_PER_MINUTE),
            trusted_proxies,
            admin_email: raw.admin_email.filter(|e| !e.trim().is_empty()),
            metrics_listen,
            account_link_hours,
            audit_retention_days,
            model_dir,
            model,
            smtp_url,
            smtp_ca_file,
            mail_from,
            mail_retry_seconds,
            data_dir,
            listen,
            database_url,
            public_url,
            login_attempts_per_minute,
            session_hours,
            log: raw.log.unwrap_or_else(|| "info".into()),
            web_dir: raw.web_dir.map(PathBuf::from),
        })
    }

    /// Settings for tests and tools: defaults, with the given database and data dir.
    pub fn for_database(database_url: &str, data_dir: PathBuf) -> Settings {
        Settings {
            data_dir,
            listen: "127.0.0.1:0".parse().expect("static address"),
            database_url: database_url.to_string(),
            public_url: "http://127.0.0.1:8080".into(),
            login_attempts_per_minute: 10,
            session_hours: 12,
            log: "warn".into(),
            web_dir: None,
            smtp_url: None,
            smtp_ca_file: None,
            mail_from: "Vigie <vigie@localhost>".into(),
            mail_retry_seconds: 10,
            model_dir: None,
            model: Embeddings::shipped(),
            metrics_listen: None,
            account_link_hours: 72,
            audit_retention_days: 400,
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_connections_per_address: DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
            hello_per_minute: DEFAULT_HELLO_PER_MINUTE,
            trusted_proxies: Vec::new(),
            admin_email: None,
        }
    }

    pub fn is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// The database URL may hold a password: never print it.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("data_dir", &self.data_dir)
            .field("listen", &self.listen)
            .field("database_url", &redact_url(&self.database_url))
            .field("public_url", &self.public_url)
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("mail_from", &self.mail_from)
            .field("model_dir", &self.model_dir)
            .field("metrics_listen", &self.metrics_listen)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        let s = Settings::from_raw(RawSettings::default()).unwrap();
        assert_eq!(s.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(s.public_url, "http://127.0.0.1:8080");
        assert!(s.database_url.starts_with("sqlite://"));
    }

    #[test]
    fn bad_values_name_the_setting() {
        let e = Settings::from_raw(RawSettings {
            listen: Some("nope".into()),
            ..Default::default()
        })
        .err()
        .unwrap();
        assert!(e.to_string().contains("VIGIE_LISTEN"), "{e}");
        let e = Settings::from_raw(RawSettings {
            database_url: Some("mysql://x".into()),
            ..Default::default()
        })
        .err()
        .unwrap();
        assert!(e.to_string().contains("VIGIE_DATABASE_URL"), "{e}");
        let e = Settings::from_raw(RawSettings {
            public_url: Some("ftp://x".into()),
            ..Default::default()
        })
        .err()
        .unwrap();
        assert!(e.to_string().contains("VIGIE_PUBLIC_URL"), "{e}");
    }

    #[test]
    fn proxy_blocks_and_connection_limits() {
        let s = Settings::from_raw(RawSettings {
            trusted_proxies: Some("10.0.0.0/8, 127.0.0.1,::1".into()),
            max_connections_per_address: Some(0),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(s.max_connections_per_address, 0);
        let trusted = |ip: &str| {
            s.trusted_proxies
                .iter()
                .any(|b| b.contains(ip.parse().unwrap()))
        };
        assert!(trusted("10.1.2.3") && trusted("127.0.0.1") && trusted("::1"));
        assert!(trusted("::ffff:10.9.9.9"), "IPv4-mapped addresses are IPv4");
        assert!(!trusted("11.0.0.1") && !trusted("127.0.0.2") && !trusted("::2"));
        let e = Settings::from_raw(RawSettings {
            trusted_proxies: Some("10.0.0.0/33".into()),
            ..Default::default()
        })
        .err()
        .unwrap();
        assert!(e.to_string().contains("VIGIE_TRUSTED_PROXIES"), "{e}");
    }

    #[test]
    fn debug_redacts_password() {
        let mut s = Settings::from_raw(RawSettings::default()).unwrap();
        s.database_url = "postgres://u:secret@db/vigie".into();
        let shown = format!("{s:?}");
        assert!(!shown.contains("secret"), "{shown}");
    }

    /// A 4 x 3 F32 model2vec matrix and a WordPiece tokenizer of 4 pieces.
    fn write_model(dir: &Path, tokenizer: &str) {
        let data: Vec<u8> = [
            0.0f32, 0.0, 1.0, 1.0, 0.0, 0.0, 0.9, 0.1, 0.0, 0.0, 1.0, 0.0,
        ]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
        let header = format!(
            r#"{{"embeddings":{{"dtype":"F32","shape":[4,3],"data_offsets":[0,{}]}}}}"#,
            data.len()
        );
        let mut b = (header.len() as u64).to_le_bytes().to_vec();
        b.extend(header.as_bytes());
        b.extend(data);
        std::fs::write(dir.join("model.safetensors"), b).unwrap();
        std::fs::write(dir.join("tokenizer.json"), tokenizer).unwrap();
    }

    #[test]
    fn model_dir_loads_a_model2vec_model_or_names_the_setting() {
        let shipped = Settings::from_raw(RawSettings::default()).unwrap();
        assert!(shipped.model_dir.is_none());
        assert!(shipped.model.len() > 20_000, "the shipped model by default");
        let tmp = tempfile::tempdir().unwrap();
        let with = |dir: &Path| {
            Settings::from_raw(RawSettings {
                model_dir: Some(dir.display().to_string()),
                ..Default::default()
            })
        };
        let e = with(&tmp.path().join("missing")).err().unwrap().to_string();
        assert!(
            e.contains("VIGIE_MODEL_DIR") && e.contains("not a directory"),
            "{e}"
        );
        let e = with(tmp.path()).err().unwrap().to_string();
        assert!(
            e.contains("VIGIE_MODEL_DIR") && e.contains("model.safetensors"),
            "{e}"
        );
        write_model(tmp.path(), "not json");
        let e = with(tmp.path()).err().unwrap().to_string();
        assert!(
            e.contains("VIGIE_MODEL_DIR") && e.contains("tokenizer.json"),
            "{e}"
        );
        write_model(
            tmp.path(),
            r###"{"model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                "vocab": {"[UNK]": 0, "print": 1, "##er": 2, "car": 3}}}"###,
        );
        let s = with(tmp.path()).unwrap();
        assert_eq!((s.model.len(), s.model.dim()), (4, 3));
    }
}
