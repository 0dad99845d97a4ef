//! Text normalisation: the token pipeline shared by indexing and querying.
//!
//! Why: both sides of a match must see exactly the same transformation, or
//! perfectly good matches are lost. The pipeline is: lowercase, fold accents
//! (é→e, œ→oe), unify apostrophes (’ → '), split on anything that is not a
//! letter or digit, drop French elisions (`l'`, `j'`, `qu'`...) and English
//! clitics, drop stop words of the language, then Snowball-stem.
//! Folding happens *before* stemming so that a visitor who types without
//! accents gets the same stems as the accented knowledge text.

use crate::stopwords;
use crate::Lang;
use rust_stemmers::{Algorithm, Stemmer};
use std::collections::HashSet;
use std::sync::OnceLock;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// One analysed word (or multi-word group member): its folded surface form,
/// its stem, and its matching groups (see [`crate::groups`]; empty from the
/// plain pipeline).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Token {
    pub surface: String,
    pub stem: String,
    pub groups: Vec<u16>,
    /// A function word ("how", "from", "quand"), kept by [`stop_tokens`]
    /// only; its `stem` is the folded word behind a `~`.
    pub stop: bool,
}

struct Pipelines {
    fr_stop: HashSet<&'static str>,
    en_stop: HashSet<&'static str>,
    fr: Stemmer,
    en: Stemmer,
}

fn pipelines() -> &'static Pipelines {
    static P: OnceLock<Pipelines> = OnceLock::new();
    P.get_or_init(|| Pipelines {
        fr_stop: stopwords::FR.iter().copied().collect(),
        en_stop: stopwords::EN.iter().copied().collect(),
        fr: Stemmer::create(Algorithm::French),
        en: Stemmer::create(Algorithm::English),
    })
}

/// Is `word` (folded) a stop word of `lang`?
pub fn is_stop(word: &str, lang: Lang) -> bool {
    let p = pipelines();
    match lang {
        Lang::Fr => p.fr_stop.contains(word),
        Lang::En => p.en_stop.contains(word),
    }
}

/// Stem a folded word with the Snowball stemmer of `lang`.
pub fn stem(word: &str, lang: Lang) -> String {
    let p = pipelines();
    let s = match lang {
        Lang::Fr => p.fr.stem(word),
        Lang::En => p.en.stem(word),
    };
    if s.chars().count() < 2 {
        word.to_string()
    } else {
        s.into_owned()
    }
}

/// Lowercase, fold accents and ligatures, unify apostrophes.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`' | '\u{00B4}' => out.push('\''),
            'œ' | 'Œ' => out.push_str("oe"),
            'æ' | 'Æ' => out.push_str("ae"),
            'ß' => out.push_str("ss"),
            _ => {
                for l in c.to_lowercase() {
                    out.push(l);
                }
            }
        }
    }
    out
}

/// Split folded text into words (letters/digits). Apostrophes split words
/// (`l'imprimante` → `l`, `imprimante`), hyphens split too except for short
/// prefixes that belong to the word (`e-mail` → `email`, `wi-fi` → `wifi`).
pub fn words(text: &str) -> Vec<String> {
    let folded = fold(text);
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut pending_join = false;
    let chars: Vec<char> = folded.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphanumeric() {
            cur.push(c);
        } else {
            if !cur.is_empty() {
                push_word(&mut out, std::mem::take(&mut cur), pending_join);
                pending_join = false;
            }
            if c == '-' && i > 0 && i + 1 < chars.len() {
                // join a short hyphen prefix with the following part
                let left = out.last().map(|w| w.chars().count()).unwrap_or(0);
                let right = chars[i + 1..]
                    .iter()
                    .take_while(|c| c.is_alphanumeric())
                    .count();
                if chars[i - 1].is_alphanumeric()
                    && right > 0
                    && (left == 1 || (left <= 2 && right <= 2))
                {
                    pending_join = true;
                }
            }
        }
        i += 1;
    }
    if !cur.is_empty() {
        push_word(&mut out, cur, pending_join);
    }
    out
}

fn push_word(out: &mut Vec<String>, w: String, join: bool) {
    if join {
        if let Some(last) = out.last_mut() {
            last.push_str(&w);
            return;
        }
    }
    out.push(w);
}

/// Full analysis: words minus stop words and single letters, with stems.
pub fn analyze(text: &str, lang: Lang) -> Vec<Token> {
    analyze_words(&words(text), lang, None)
}

/// Same as [`analyze`] on words already produced by [`words`]. `written`:
/// the language the text is actually written in, when known and different
/// from `lang`; its stop words are dropped too (an English question matched
/// against French knowledge should not count "the" as an unknown word).
pub fn analyze_words(words: &[String], lang: Lang, written: Option<Lang>) -> Vec<Token> {
    words
        .iter()
        .filter(|w| keeps(w, lang) && written.is_none_or(|l| l == lang || !is_stop(w, l)))
        .map(|w| {
            let stem = stem(w, lang);
            Token {
                surface: w.clone(),
                stem,
                groups: Vec::new(),
                stop: false,
            }
        })
        .collect()
}

/// The stop words of `lang` among `words` (single letters excepted), as
/// tokens that never collide with a content stem. A question made of
/// function words only ("where are you from", "how do I get from A to B")
/// still has an intent: the index may weigh them lightly.
pub fn stop_tokens(words: &[String], lang: Lang) -> Vec<Token> {
    words
        .iter()
        .filter(|w| w.chars().nth(1).is_some() && is_stop(w, lang))
        .map(|w| Token {
            surface: w.clone(),
            stem: format!("~{w}"),
            groups: Vec::new(),
            stop: true,
        })
        .collect()
}

/// Is `w` (folded) a content word of `lang`: not a stop word nor a single letter?
pub(crate) fn keeps(w: &str, lang: Lang) -> bool {
    let mut it = w.chars();
    let first = it.next();
    let single = it.next().is_none();
    if single && first.is_some_and(|c| c.is_alphabetic()) {
        return false;
    }
    !is_stop(w, lang)
}

/// Plain text of a Markdown (or plain) answer for indexing: URLs, e-mail
/// addresses, link targets, image targets, HTML tags and code-fence markers
/// are removed; link and image texts are kept. The remaining punctuation
/// (`*`, `#`, `>`, `|`...) is dropped by [`words`] anyway.
pub fn strip_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // link / image target: "](...)"
        if c == ']' && chars.get(i + 1) == Some(&'(') {
            let mut j = i + 2;
            let mut depth = 1;
            while j < chars.len() && depth > 0 {
                match chars[j] {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                j += 1;
            }
            out.push(' ');
            i = j;
            continue;
        }
        // HTML tag
        if c == '<' {
            if let Some(k) = chars[i + 1..].iter().take(200).position(|&x| x == '>') {
                let inner: String = chars[i + 1..i + 1 + k].iter().collect();
                if inner
                    .chars()
                    .next()
                    .is_some_and(|x| x.is_ascii_alphabetic() || x == '/' || x == '!')
                {
                    // an autolink <http://...> is a URL too: drop it all
                    out.push(' ');
                    i += k + 2;
                    continue;
                }
            }
        }
        out.push(c);
        i += 1;
    }
    // drop URL-like and address-like whitespace-separated chunks
    out.split_whitespace()
        .filter(|w| {
            let lw = w.to_ascii_lowercase();
            !(lw.contains("://")
                || lw.contains("www.")
                || lw.starts_with("mailto:")
                || (lw.contains('@') && lw.contains('.'))
                || dotted(&lw)
                || w.starts_with("```"))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A host name or file name: a '.' between two alphanumerics.
fn dotted(w: &str) -> bool {
    let c: Vec<char> = w.chars().collect();
    (1..c.len().saturating_sub(1))
        .any(|i| c[i] == '.' && c[i - 1].is_alphanumeric() && c[i + 1].is_alphanumeric())
}

/// The token pipeline: folded, elision-free, stop-word-free Snowball stems.
pub fn normalize(text: &str, lang: Lang) -> Vec<String> {
    analyze(text, lang).into_iter().map(|t| t.stem).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_and_case() {
        assert_eq!(fold("Écran Été ÇA œuvre"), "ecran ete ca oeuvre");
    }

    #[test]
    fn french_elisions_are_dropped() {
        assert_eq!(words("l'imprimante"), vec!["l", "imprimante"]);
        let n = normalize("J'ai perdu l’accès à l'imprimante d'un collègue", Lang::Fr);
        assert!(!n
            .iter()
            .any(|t| t == "j" || t == "l" || t == "d" || t == "ai"));
        assert!(n.contains(&stem("imprimante", Lang::Fr)));
        assert!(n.contains(&stem("acces", Lang::Fr)));
        assert!(normalize("qu'est-ce que c'est", Lang::Fr).is_empty());
    }

    #[test]
    fn hyphen_prefixes_join() {
        assert_eq!(
            words("mon e-mail et le wi-fi"),
            vec!["mon", "email", "et", "le", "wifi"]
        );
        assert_eq!(words("mot-de-passe"), vec!["mot", "de", "passe"]);
    }

    #[test]
    fn stemming_conflates_variants() {
        assert_eq!(
            normalize("imprimante", Lang::Fr),
            normalize("imprimantes", Lang::Fr)
        );
        assert_eq!(
            normalize("réinitialiser", Lang::Fr),
            normalize("reinitialisé", Lang::Fr)
        );
        assert_eq!(
            normalize("printers", Lang::En),
            normalize("printer", Lang::En)
        );
        assert_eq!(
            normalize("connecting", Lang::En),
            normalize("connected", Lang::En)
        );
    }

    #[test]
    fn markdown_is_stripped() {
        let md = "Voir **https://motdepasse.example.com** ou [le portail](https://x.example/a_(b)) \
                  ![capture](img/shot.png) <b>gras</b> <https://auto.link> support@example.com ### Titre";
        let s = strip_markdown(md);
        assert!(
            !s.contains("http") && !s.contains("example") && !s.contains("png"),
            "{s}"
        );
        assert!(s.contains("le portail") && s.contains("capture") && s.contains("gras"));
        assert!(s.contains("Titre") && s.contains("Voir"));
        assert_eq!(strip_markdown("plain text"), "plain text");
    }

    #[test]
    fn stop_words_removed() {
        assert_eq!(normalize("How do I reset my password?", Lang::En).len(), 2);
        assert_eq!(
            normalize("Comment je change mon mot de passe ?", Lang::Fr).len(),
            3
        );
    }
}
