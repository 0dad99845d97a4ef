//! Who the visitor is (issue 13, item 2): what the chatbox reports about the page it runs
//! on, bounded and cleaned before anything is stored, the browser and system read from
//! the user agent, and the embedding site's identity of its logged-in user, checked with
//! an HMAC-SHA256 of the user id under the bot's secret.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::collections::BTreeMap;

/// Pages kept per report (the loader sends the tab's recent pages).
pub const MAX_PAGES: usize = 30;
/// Pages kept per visitor (the oldest are dropped).
pub const PAGES_KEPT: i64 = 100;
const MAX_URL: usize = 2048;
const MAX_TITLE: usize = 200;
const MAX_ATTRIBUTES: usize = 30;
const MAX_KEY: usize = 64;
const MAX_VALUE: usize = 500;
const MAX_LANGUAGES: usize = 8;
const MAX_USER_FIELD: usize = 200;
/// How far in the past a reported page may be (a day); later ones are the server's time.
const PAGE_HORIZON_MS: i64 = 24 * 3600 * 1000;

/// A page of the embedding site, as the loader saw it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PageView {
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub title: String,
    /// When it was shown (ms since the epoch, the browser's clock).
    #[serde(default)]
    pub at: i64,
}

/// The embedding site's logged-in user, as claimed in `window.VigieSettings.user`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ClaimedUser {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

/// What the chatbox reports in `hello` (`context`), as sent: nothing in it is trusted.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ReportedContext {
    /// The page the chatbox runs on (the host page when embedded).
    #[serde(default)]
    pub page: Option<PageView>,
    /// The tab's recent pages, oldest first (the loader keeps them across navigation).
    #[serde(default)]
    pub pages: Vec<PageView>,
    #[serde(default)]
    pub referrer: Option<String>,
    #[serde(default)]
    pub time_zone: Option<String>,
    #[serde(default)]
    pub languages: Vec<String>,
    /// `window.VigieSettings.attributes`: strings, numbers or booleans.
    #[serde(default)]
    pub attributes: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    pub user: Option<ClaimedUser>,
    #[serde(default)]
    pub user_hash: Option<String>,
}

/// A report once cleaned: what may be stored and shown.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Context {
    pub pages: Vec<PageView>,
    pub referrer: Option<String>,
    pub time_zone: Option<String>,
    pub languages: Vec<String>,
    pub attributes: BTreeMap<String, String>,
}

fn cut(s: &str, max: usize) -> String {
    let s = s.trim();
    match s.char_indices().nth(max) {
        Some((i, _)) => s[..i].to_string(),
        None => s.to_string(),
    }
}

/// An `http(s)` URL no longer than the limit (nothing else is ever shown as a link).
pub fn web_url(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.len() > MAX_URL {
        return None;
    }
    let url = url::Url::parse(raw).ok()?;
    // Checked again once normalized: percent-encoding can make it longer than it came (the
    // `frame` fuzz target found a URL kept above the limit).
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let url = url.to_string();
    (url.len() <= MAX_URL).then_some(url)
}

impl PageView {
    /// The page as it may be kept: a web URL, a cut title, a plausible time (`now` in ms).
    pub fn cleaned(&self, now: i64) -> Option<PageView> {
        let at = if self.at > now || self.at < now - PAGE_HORIZON_MS {
            now
        } else {
            self.at
        };
        Some(PageView {
            url: web_url(&self.url)?,
            title: cut(&self.title, MAX_TITLE),
            at,
        })
    }
}

impl ReportedContext {
    /// The report bounded and cleaned: pages with a web URL (the current page last),
    /// at most [`MAX_PAGES`], the rest cut to their limits; `now` in ms.
    pub fn cleaned(&self, now: i64) -> Context {
        let mut pages: Vec<PageView> = self
            .pages
            .iter()
            .chain(self.page.iter())
            .filter_map(|p| p.cleaned(now))
            .collect();
        pages.dedup_by(|b, a| a.url == b.url && a.at == b.at);
        if pages.len() > MAX_PAGES {
            pages.drain(..pages.len() - MAX_PAGES);
        }
        let attributes = self
            .attributes
            .iter()
            .filter(|(k, _)| !k.trim().is_empty())
            .filter_map(|(k, v)| {
                let v = match v {
                    serde_json::Value::String(s) => cut(s, MAX_VALUE),
                    serde_json::Value::Number(n) => n.to_string(),
                    serde_json::Value::Bool(b) => b.to_string(),
                    _ => return None,
                };
                Some((cut(k, MAX_KEY), v))
            })
            .take(MAX_ATTRIBUTES)
            .collect();
        let languages = self
            .languages
            .iter()
            .map(|l| cut(l, 35))
            .filter(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
            .take(MAX_LANGUAGES)
            .collect();
        let time_zone = self
            .time_zone
            .as_deref()
            .map(|tz| cut(tz, 64))
            .filter(|tz| jiff::tz::TimeZone::get(tz).is_ok());
        Context {
            pages,
            referrer: self.referrer.as_deref().and_then(web_url),
            time_zone,
            languages,
            attributes,
        }
    }
}

/// Why a claimed identity is not taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdentityProblem {
    /// The bot has no secret: it accepts no identity.
    NoSecret,
    /// No `user_hash`, or one that is not the HMAC of this id.
    WrongHash,
    /// An empty or oversized id.
    BadId,
}

/// A claimed identity whose hash is right: the embedding site vouches for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub id: String,
    pub email: Option<String>,
    pub name: Option<String>,
}

/// The hex HMAC-SHA256 of `user_id` under `secret`: what the embedding site's server
/// computes and puts in `user_hash`.
pub fn user_hash(secret: &str, user_id: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(user_id.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Checks a claimed identity against the bot's secret (the comparison in constant time).
pub fn verify(
    secret: Option<&str>,
    user: &ClaimedUser,
    hash: Option<&str>,
) -> Result<Identity, IdentityProblem> {
    let secret = secret.ok_or(IdentityProblem::NoSecret)?;
    let id = user.id.trim();
    if id.is_empty() || id.len() > MAX_USER_FIELD {
        return Err(IdentityProblem::BadId);
    }
    let given = hash
        .and_then(|h| hex::decode(h.trim()).ok())
        .ok_or(IdentityProblem::WrongHash)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(id.as_bytes());
    mac.verify_slice(&given)
        .map_err(|_| IdentityProblem::WrongHash)?;
    let field = |v: &Option<String>| {
        v.as_deref()
            .map(|s| cut(s, MAX_USER_FIELD))
            .filter(|s| !s.is_empty())
    };
    Ok(Identity {
        id: id.to_string(),
        email: field(&user.email).filter(|e| super::email::Email::parse(e).is_ok()),
        name: field(&user.name),
    })
}

/// The browser and the system a user agent names, for people to read ("Firefox 133",
/// "Windows"); none when it says nothing known.
pub fn browser_and_system(ua: &str) -> (Option<String>, Option<String>) {
    let version = |marker: &str| {
        ua.split(marker)
            .nth(1)
            .map(|rest| {
                rest.chars()
                    .take_while(|c| c.is_ascii_digit())
                    .collect::<String>()
            })
            .filter(|v| !v.is_empty())
    };
    let named = |name: &str, marker: &str| {
        Some(match version(marker) {
            Some(v) => format!("{name} {v}"),
            None => name.to_string(),
        })
    };
    let browser = if ua.contains("Edg/") {
        named("Edge", "Edg/")
    } else if ua.contains("OPR/") {
        named("Opera", "OPR/")
    } else if ua.contains("Firefox/") {
        named("Firefox", "Firefox/")
    } else if ua.contains("Chrome/") || ua.contains("Chromium/") || ua.contains("CriOS/") {
        if ua.contains("HeadlessChrome/") {
            named("Chrome (headless)", "HeadlessChrome/")
        } else if ua.contains("CriOS/") {
            named("Chrome", "CriOS/")
        } else {
            named("Chrome", "Chrome/")
        }
    } else if ua.contains("Safari/") && ua.contains("Version/") {
        named("Safari", "Version/")
    } else {
        None
    };
    let system = if ua.contains("Android") {
        Some("Android")
    } else if ua.contains("iPhone") || ua.contains("iPad") {
        Some("iOS")
    } else if ua.contains("Windows") {
        Some("Windows")
    } else if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        Some("macOS")
    } else if ua.contains("CrOS") {
        Some("ChromeOS")
    } else if ua.contains("Linux") {
        Some("Linux")
    } else {
        None
    };
    (browser, system.map(str::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000_000;

    /// Found by the `frame` fuzz target: a URL just under the limit, made longer by its
    /// normalization (percent-encoding), was kept above it.
    #[test]
    fn a_url_is_bounded_once_normalized() {
        let raw = format!("https://example.com/{}", "é".repeat(1000));
        assert!(raw.len() <= MAX_URL);
        assert_eq!(web_url(&raw), None);
        let ok = format!("https://example.com/{}", "é".repeat(300));
        let kept = web_url(&ok).unwrap();
        assert!(kept.len() <= MAX_URL && kept.contains("%C3%A9"));
        assert_eq!(web_url(&kept).as_deref(), Some(kept.as_str()));
    }

    #[test]
    fn reports_are_bounded_and_only_web_urls_are_kept() {
        let report: ReportedContext = serde_json::from_value(serde_json::json!({
            "page": {"url": "https://shop.example/panier?x=1", "title": "Panier", "at": NOW - 1000},
            "pages": [
                {"url": "javascript:alert(1)", "title": "x", "at": NOW - 5000},
                {"url": "https://shop.example/", "title": "Accueil", "at": NOW + 10_000_000},
            ],
            "referrer": "data:text/html,<b>",
            "time_zone": "Europe/Paris",
            "languages": ["fr-FR", "en", "<script>"],
            "attributes": {"plan": "pro", "seats": 12, "vip": true, "nested": {"a": 1}},
        }))
        .unwrap();
        let c = report.cleaned(NOW);
        assert_eq!(c.pages.len(), 2);
        assert_eq!(c.pages[0].url, "https://shop.example/");
        assert_eq!(c.pages[0].at, NOW, "a page from the future is now");
        assert_eq!(c.pages[1].title, "Panier");
        assert_eq!(c.referrer, None);
        assert_eq!(c.time_zone.as_deref(), Some("Europe/Paris"));
        assert_eq!(c.languages, ["fr-FR", "en"]);
        assert_eq!(c.attributes.len(), 3);
        assert_eq!(c.attributes["seats"], "12");
        let bad_tz = ReportedContext {
            time_zone: Some("Mars/Olympus".into()),
            ..Default::default()
        };
        assert_eq!(bad_tz.cleaned(NOW).time_zone, None);
    }

    #[test]
    fn only_the_right_hash_identifies() {
        let user = ClaimedUser {
            id: "u-42".into(),
            email: Some("marie@example.fr".into()),
            name: Some("Marie Dupont".into()),
        };
        let hash = user_hash("s3cret", "u-42");
        let id = verify(Some("s3cret"), &user, Some(&hash)).unwrap();
        assert_eq!(id.id, "u-42");
        assert_eq!(id.name.as_deref(), Some("Marie Dupont"));
        assert_eq!(
            verify(Some("other"), &user, Some(&hash)),
            Err(IdentityProblem::WrongHash)
        );
        let forged = ClaimedUser {
            id: "u-43".into(),
            ..user.clone()
        };
        assert_eq!(
            verify(Some("s3cret"), &forged, Some(&hash)),
            Err(IdentityProblem::WrongHash)
        );
        assert_eq!(
            verify(Some("s3cret"), &user, None),
            Err(IdentityProblem::WrongHash)
        );
        assert_eq!(
            verify(None, &user, Some(&hash)),
            Err(IdentityProblem::NoSecret)
        );
    }

    #[test]
    fn user_agents_read_as_people_say_them() {
        let firefox =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
        assert_eq!(
            browser_and_system(firefox),
            (Some("Firefox 133".into()), Some("Windows".into()))
        );
        let safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1";
        assert_eq!(
            browser_and_system(safari),
            (Some("Safari 17".into()), Some("iOS".into()))
        );
        let edge = "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 Edg/131.0";
        assert_eq!(browser_and_system(edge).0.as_deref(), Some("Edge 131"));
        assert_eq!(browser_and_system("curl/8"), (None, None));
    }
}
