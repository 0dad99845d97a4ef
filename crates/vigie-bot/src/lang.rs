//! Languages handled by the engine and stop-word based language detection.
//!
//! Why: stemming and stop words depend on the language, and a visitor who
//! writes in French should be answered from French knowledge first. Stop-word
//! counting is crude but robust on short questions and costs nothing.

use crate::stopwords::{EN_MARKERS, FR_MARKERS};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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

/// The language markers among folded words: (French, English) counts.
/// A lone "t" is English after a negation ("don't", "can't": "don t") and
/// French before a verb it elides into ("t'es", "t'as": "t es"), not a
/// marker otherwise.
fn markers(words: &[String]) -> (u32, u32) {
    let (mut fr, mut en) = (0u32, 0u32);
    for (i, w) in words.iter().enumerate() {
        let w = w.as_str();
        if w == "t" {
            let next = words.get(i + 1).map(String::as_str);
            if matches!(next, Some("es" | "as" | "etais" | "avais" | "inquiete")) {
                fr += 1;
            } else if i > 0 && words[i - 1].ends_with('n') {
                en += 1;
            }
            continue;
        }
        if FR_MARKERS.contains(&w) {
            fr += 1;
        }
        if EN_MARKERS.contains(&w) {
            en += 1;
        }
    }
    (fr, en)
}

/// Guess the language of already-split folded words. `None` when there is no
/// evidence either way (e.g. "outlook vpn").
pub fn detect_words(words: &[String]) -> Option<Lang> {
    let (fr, en) = markers(words);
    match fr.cmp(&en) {
        std::cmp::Ordering::Greater => Some(Lang::Fr),
        std::cmp::Ordering::Less => Some(Lang::En),
        std::cmp::Ordering::Equal => None,
    }
}

/// A language guess and how sure it is, in [0,1].
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Detected {
    pub lang: Option<Lang>,
    pub confidence: f32,
}

/// Guess the language of a raw text with a confidence: the share of
/// language markers (function words, French accents) that agree, damped
/// for short evidence (one marker: 0.5, two: 0.67, three: 0.75...).
pub fn detect_confidence(text: &str) -> Detected {
    let words = crate::normalize::words(text);
    let (fr, en) = markers(&words);
    let (mut fr, en) = (fr as f32, en as f32);
    if text.chars().any(|c| {
        matches!(
            c,
            'é' | 'è' | 'ê' | 'à' | 'ç' | 'ù' | 'û' | 'ô' | 'î' | 'ï' | 'œ'
        )
    }) {
        fr += 1.0;
    }
    let (lang, lead) = match fr.total_cmp(&en) {
        std::cmp::Ordering::Greater => (Some(Lang::Fr), fr - en),
        std::cmp::Ordering::Less => (Some(Lang::En), en - fr),
        std::cmp::Ordering::Equal => (None, 0.0),
    };
    Detected {
        lang,
        confidence: lead / (fr + en + 1.0),
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
        let d = detect_confidence("j'ai oublié mon mot de passe");
        assert_eq!(d.lang, Some(Lang::Fr));
        assert!(d.confidence >= 0.6, "{d:?}");
        let d = detect_confidence("I forgot my password");
        assert_eq!(d.lang, Some(Lang::En));
        assert!(d.confidence >= 0.6, "{d:?}");
        assert_eq!(detect_confidence("vpn").confidence, 0.0);
        // "t" is French in "t'es", English in "don't"
        assert_eq!(detect_confidence("t'es vraiment nul").lang, Some(Lang::Fr));
        assert_eq!(detect_confidence("t'as pas compris").lang, Some(Lang::Fr));
        assert_eq!(detect_confidence("it doesn't work").lang, Some(Lang::En));
        assert_eq!(detect("don't know"), Some(Lang::En));
    }
}
