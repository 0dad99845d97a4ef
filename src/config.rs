//! Settings: an optional TOML file plus `VIGIE_*` environment variables.
//!
//! Everything has a default so that `vigie serve` works on a fresh machine. Values are
//! checked once, here, so a bad one stops start-up with a message naming the setting
//! instead of failing later somewhere deep in the server.

use std::{fmt, net::SocketAddr, path::PathBuf};

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
        Ok(Settings {
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
    fn debug_redacts_password() {
        let mut s = Settings::from_raw(RawSettings::default()).unwrap();
        s.database_url = "postgres://u:secret@db/vigie".into();
        let shown = format!("{s:?}");
        assert!(!shown.contains("secret"), "{shown}");
    }
}
