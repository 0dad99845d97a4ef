//! Languages handled by the engine and stop-word based language detection.
//!
//! Why: stemming and stop words depend on the language, and a visitor who
//! writes in French should be answered from French knowledge first. Stop-word
//! counting is crude but robust on short questions and costs nothing.

use crate::stopwords::{EN_MARKERS, FR_MARKERS};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    /// Parse "fr", "FR", "fr-FR", "french", "en", "en_US", "english"...
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        let head = s.split(['-', '_']).next().unwrap_or("");
        match head {
            "fr" | "fra" | "fre" | "french" | "francais" | "français" => Some(Lang::Fr),
            "en" | "eng" | "english" | "anglais" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    pub(crate) fn idx(self) -> usize {
        match self {
            Lang::Fr => 0,
            Lang::En => 1,
        }
    }
}

/// Guess the language of already-split folded words. `None` when there is no
/// evidence either way (e.g. "outlook vpn").
pub fn detect_words(words: &[String]) -> Option<Lang> {
    let (mut fr, mut en) = (0u32, 0u32);
    for w in words {
        let w = w.as_str();
        if FR_MARKERS.contains(&w) {
            fr += 1;
        }
        if EN_MARKERS.contains(&w) {
            en += 1;
        }
    }
    match fr.cmp(&en) {
        std::cmp::Ordering::Greater => Some(Lang::Fr),
        std::cmp::Ordering::Less => Some(Lang::En),
        std::cmp::Ordering::Equal => None,
    }
}

/// Guess the language of a raw text.
pub fn detect(text: &str) -> Option<Lang> {
    let has_accent = text.chars().any(|c| {
        matches!(
            c,
            'é' | 'è' | 'ê' | 'à' | 'ç' | 'ù' | 'û' | 'ô' | 'î' | 'ï' | 'œ'
        )
    });
    let words = crate::normalize::words(text);
    match detect_words(&words) {
        None if has_accent => Some(Lang::Fr),
        d => d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_str() {
        assert_eq!(Lang::parse("FR"), Some(Lang::Fr));
        assert_eq!(Lang::parse("en-US"), Some(Lang::En));
        assert_eq!(Lang::parse("de"), None);
        assert_eq!(Lang::Fr.as_str(), "fr");
    }

    #[test]
    fn detects_language() {
        assert_eq!(detect("mon imprimante ne marche plus"), Some(Lang::Fr));
        assert_eq!(detect("my printer is not working"), Some(Lang::En));
        assert_eq!(detect("réseau"), Some(Lang::Fr));
        assert_eq!(detect("outlook vpn"), None);
    }
}
