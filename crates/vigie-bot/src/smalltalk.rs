//! Built-in small talk ("global sentences"), French and English: greetings,
//! thanks, goodbyes, "are you a bot?", insults, and vague complaints ("ça
//! marche pas") that call for a rephrasing.
//!
//! Why built in: every helpdesk bot needs them and no knowledge base should
//! have to spell them out. Recognised on folded words: a message is small
//! talk when its words are all small-talk phrases and function words; a
//! greeting or thanks around a real question ("bonjour, mon VPN ne marche
//! plus") is stripped and the question matched ([`strip`]). The app maps
//! each [`SmallTalkKind`] to an editable text.

use crate::{normalize, Lang};
use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SmallTalkKind {
    Greeting,
    Thanks,
    Goodbye,
    /// "are you a bot?", "êtes-vous un humain ?"
    AreYouABot,
    Insult,
    /// "ça marche pas", "j'ai un problème", "help": ask to rephrase.
    Vague,
}

impl SmallTalkKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            SmallTalkKind::Greeting => "greeting",
            SmallTalkKind::Thanks => "thanks",
            SmallTalkKind::Goodbye => "goodbye",
            SmallTalkKind::AreYouABot => "are_you_a_bot",
            SmallTalkKind::Insult => "insult",
            SmallTalkKind::Vague => "vague",
        }
    }
}

use SmallTalkKind::*;

/// (kind, language, phrase of folded words separated by spaces). Longest
/// phrases are tried first.
const PHRASES: &[(SmallTalkKind, Lang, &str)] = &[
    (Greeting, Lang::Fr, "bonjour"),
    (Greeting, Lang::Fr, "bonsoir"),
    (Greeting, Lang::Fr, "salut"),
    (Greeting, Lang::Fr, "coucou"),
    (Greeting, Lang::Fr, "bjr"),
    (Greeting, Lang::Fr, "rebonjour"),
    (Greeting, Lang::Fr, "ca va"),
    (Greeting, Lang::Fr, "comment ca va"),
    (Greeting, Lang::Fr, "comment allez vous"),
    (Greeting, Lang::Fr, "bonne journee"),
    (Greeting, Lang::En, "hello"),
    (Greeting, Lang::En, "hi"),
    (Greeting, Lang::En, "hey"),
    (Greeting, Lang::En, "good morning"),
    (Greeting, Lang::En, "good afternoon"),
    (Greeting, Lang::En, "good evening"),
    (Greeting, Lang::En, "how are you"),
    (Greeting, Lang::En, "greetings"),
    (Thanks, Lang::Fr, "merci"),
    (Thanks, Lang::Fr, "merci beaucoup"),
    (Thanks, Lang::Fr, "merci bien"),
    (Thanks, Lang::Fr, "je vous remercie"),
    (Thanks, Lang::Fr, "je te remercie"),
    (Thanks, Lang::Fr, "c est parfait"),
    (Thanks, Lang::Fr, "parfait"),
    (Thanks, Lang::Fr, "super"),
    (Thanks, Lang::Fr, "genial"),
    (Thanks, Lang::Fr, "top"),
    (Thanks, Lang::Fr, "nickel"),
    (Thanks, Lang::Fr, "merci infiniment"),
    (Thanks, Lang::Fr, "merci mille fois"),
    (Thanks, Lang::Fr, "mille fois merci"),
    (Thanks, Lang::Fr, "mille mercis"),
    (Thanks, Lang::Fr, "mille merci"),
    (Thanks, Lang::Fr, "un grand merci"),
    (Thanks, Lang::Fr, "merci pour tout"),
    (Thanks, Lang::Fr, "merci pour votre aide"),
    (Thanks, Lang::Fr, "merci pour ton aide"),
    (Thanks, Lang::Fr, "merci de votre aide"),
    (Thanks, Lang::Fr, "merci de ton aide"),
    (Thanks, Lang::En, "thanks"),
    (Thanks, Lang::En, "thank you"),
    (Thanks, Lang::En, "thx"),
    (Thanks, Lang::En, "great"),
    (Thanks, Lang::En, "perfect"),
    (Thanks, Lang::En, "awesome"),
    (Thanks, Lang::En, "cheers"),
    (Thanks, Lang::En, "thanks a lot"),
    (Thanks, Lang::En, "thank you a lot"),
    (Thanks, Lang::En, "many thanks"),
    (Thanks, Lang::En, "thanks a million"),
    (Thanks, Lang::En, "thanks for your help"),
    (Thanks, Lang::En, "thanks for the help"),
    (Thanks, Lang::En, "thank you for your help"),
    (Thanks, Lang::En, "thank you for the help"),
    (Thanks, Lang::En, "much appreciated"),
    (Goodbye, Lang::Fr, "au revoir"),
    (Goodbye, Lang::Fr, "a bientot"),
    (Goodbye, Lang::Fr, "a plus"),
    (Goodbye, Lang::Fr, "bonne soiree"),
    (Goodbye, Lang::Fr, "bonne fin de journee"),
    (Goodbye, Lang::Fr, "adieu"),
    (Goodbye, Lang::Fr, "ciao"),
    (Goodbye, Lang::En, "bye"),
    (Goodbye, Lang::En, "goodbye"),
    (Goodbye, Lang::En, "good bye"),
    (Goodbye, Lang::En, "see you"),
    (Goodbye, Lang::En, "see you later"),
    (Goodbye, Lang::En, "have a nice day"),
    (Goodbye, Lang::En, "good night"),
    (AreYouABot, Lang::Fr, "es tu un robot"),
    (AreYouABot, Lang::Fr, "es tu un bot"),
    (AreYouABot, Lang::Fr, "es tu humain"),
    (AreYouABot, Lang::Fr, "es tu un humain"),
    (AreYouABot, Lang::Fr, "tu es un robot"),
    (AreYouABot, Lang::Fr, "tu es un bot"),
    (AreYouABot, Lang::Fr, "tu es humain"),
    (AreYouABot, Lang::Fr, "etes vous un robot"),
    (AreYouABot, Lang::Fr, "etes vous un bot"),
    (AreYouABot, Lang::Fr, "etes vous humain"),
    (AreYouABot, Lang::Fr, "etes vous un humain"),
    (AreYouABot, Lang::Fr, "vous etes un robot"),
    (AreYouABot, Lang::Fr, "vous etes un humain"),
    (AreYouABot, Lang::Fr, "je parle a un robot"),
    (AreYouABot, Lang::Fr, "je parle a un humain"),
    (AreYouABot, Lang::Fr, "c est un robot"),
    (AreYouABot, Lang::Fr, "qui es tu"),
    (AreYouABot, Lang::Fr, "qui etes vous"),
    (AreYouABot, Lang::En, "are you a bot"),
    (AreYouABot, Lang::En, "are you a robot"),
    (AreYouABot, Lang::En, "are you human"),
    (AreYouABot, Lang::En, "are you a human"),
    (AreYouABot, Lang::En, "are you real"),
    (AreYouABot, Lang::En, "are you a real person"),
    (AreYouABot, Lang::En, "is this a bot"),
    (AreYouABot, Lang::En, "am i talking to a bot"),
    (AreYouABot, Lang::En, "am i talking to a robot"),
    (AreYouABot, Lang::En, "am i talking to a human"),
    (AreYouABot, Lang::En, "who are you"),
    (Insult, Lang::Fr, "con"),
    (Insult, Lang::Fr, "connard"),
    (Insult, Lang::Fr, "connasse"),
    (Insult, Lang::Fr, "idiot"),
    (Insult, Lang::Fr, "debile"),
    (Insult, Lang::Fr, "cretin"),
    (Insult, Lang::Fr, "stupide"),
    (Insult, Lang::Fr, "nul"),
    (Insult, Lang::Fr, "nulle"),
    (Insult, Lang::Fr, "merde"),
    (Insult, Lang::Fr, "abruti"),
    (Insult, Lang::Fr, "imbecile"),
    (Insult, Lang::Fr, "ta gueule"),
    (Insult, Lang::Fr, "ferme la"),
    (Insult, Lang::Fr, "bot de merde"),
    (Insult, Lang::Fr, "t es nul"),
    (Insult, Lang::Fr, "tu es nul"),
    (Insult, Lang::Fr, "tu sers a rien"),
    (Insult, Lang::Fr, "tu ne sers a rien"),
    (Insult, Lang::Fr, "inutile"),
    (Insult, Lang::Fr, "t es con"),
    (Insult, Lang::Fr, "tu es con"),
    (Insult, Lang::Fr, "t es bete"),
    (Insult, Lang::Fr, "tu es bete"),
    (Insult, Lang::Fr, "t es nulle"),
    (Insult, Lang::Fr, "tu es nulle"),
    (Insult, Lang::Fr, "t es inutile"),
    (Insult, Lang::Fr, "tu es inutile"),
    (Insult, Lang::Fr, "t sers a rien"),
    (Insult, Lang::En, "stupid"),
    (Insult, Lang::En, "dumb"),
    (Insult, Lang::En, "idiot"),
    (Insult, Lang::En, "moron"),
    (Insult, Lang::En, "useless"),
    (Insult, Lang::En, "you suck"),
    (Insult, Lang::En, "shut up"),
    (Insult, Lang::En, "fuck"),
    (Insult, Lang::En, "fuck you"),
    (Insult, Lang::En, "shit"),
    (Insult, Lang::En, "crap"),
    (Insult, Lang::En, "you are useless"),
    (Insult, Lang::En, "you re useless"),
    (Insult, Lang::En, "you are stupid"),
    (Insult, Lang::En, "you re stupid"),
    (Insult, Lang::En, "you are dumb"),
    (Insult, Lang::En, "you re dumb"),
    (Insult, Lang::En, "you are an idiot"),
    (Insult, Lang::En, "you re an idiot"),
    (Insult, Lang::En, "you are a moron"),
    (Vague, Lang::Fr, "ca marche pas"),
    (Vague, Lang::Fr, "ca ne marche pas"),
    (Vague, Lang::Fr, "ca marche plus"),
    (Vague, Lang::Fr, "ca ne marche plus"),
    (Vague, Lang::Fr, "ca fonctionne pas"),
    (Vague, Lang::Fr, "ca ne fonctionne pas"),
    (Vague, Lang::Fr, "ca ne fonctionne plus"),
    (Vague, Lang::Fr, "rien ne marche"),
    (Vague, Lang::Fr, "rien ne fonctionne"),
    (Vague, Lang::Fr, "j ai un probleme"),
    (Vague, Lang::Fr, "j ai un souci"),
    (Vague, Lang::Fr, "j ai une question"),
    (Vague, Lang::Fr, "un probleme"),
    (Vague, Lang::Fr, "probleme"),
    (Vague, Lang::Fr, "souci"),
    (Vague, Lang::Fr, "bug"),
    (Vague, Lang::Fr, "ca bug"),
    (Vague, Lang::Fr, "aide"),
    (Vague, Lang::Fr, "aidez moi"),
    (Vague, Lang::Fr, "aide moi"),
    (Vague, Lang::Fr, "au secours"),
    (Vague, Lang::Fr, "j ai besoin d aide"),
    (Vague, Lang::Fr, "help"),
    (Vague, Lang::En, "it doesn t work"),
    (Vague, Lang::En, "it does not work"),
    (Vague, Lang::En, "it s not working"),
    (Vague, Lang::En, "not working"),
    (Vague, Lang::En, "doesn t work"),
    (Vague, Lang::En, "nothing works"),
    (Vague, Lang::En, "i have a problem"),
    (Vague, Lang::En, "i have an issue"),
    (Vague, Lang::En, "i have a question"),
    (Vague, Lang::En, "problem"),
    (Vague, Lang::En, "issue"),
    (Vague, Lang::En, "help me"),
    (Vague, Lang::En, "i need help"),
    (Vague, Lang::En, "please help"),
];

/// Words that may surround small talk without making it a question.
const FILLER: &[&str] = &[
    "ok", "okay", "oui", "non", "yes", "no", "bien", "tres", "vraiment", "really", "so", "very",
    "much", "a", "vous", "toi", "you", "tous", "all", "madame", "monsieur", "there", "encore",
    "again", "alors", "well", "la", "le", "the", "bot", "robot", "vigie", "please", "svp", "stp",
    "plait", "s", "il", "vous", "te", "et", "and", "de", "rien", "mais", "but",
];

/// Intensifiers that may stand inside a phrase without breaking it ("t'es
/// *vraiment* nul", "you are *so* useless", "merci *encore* pour votre aide").
const INSIDE: &[&str] = &[
    "vraiment",
    "tres",
    "trop",
    "tellement",
    "completement",
    "totalement",
    "grave",
    "encore",
    "really",
    "so",
    "very",
    "totally",
    "completely",
    "just",
    "truly",
    "such",
];

/// Does `phrase` match the words at the start of `words`, intensifiers
/// allowed between its words? How many words it spans.
fn matches_at(phrase: &[&str], words: &[String]) -> Option<usize> {
    let mut j = 0;
    for (n, p) in phrase.iter().enumerate() {
        if n > 0 {
            while j < words.len() && words[j] != *p && INSIDE.contains(&words[j].as_str()) {
                j += 1;
            }
        }
        if words.get(j).is_none_or(|w| w != p) {
            return None;
        }
        j += 1;
    }
    Some(j)
}

/// A match of phrases over the words: per word, the phrase's kind and
/// language that covers it.
fn cover(words: &[String]) -> Vec<Option<(SmallTalkKind, Lang)>> {
    type Table = HashMap<&'static str, Vec<(SmallTalkKind, Lang, Vec<&'static str>)>>;
    static BY_FIRST: OnceLock<Table> = OnceLock::new();
    let table = BY_FIRST.get_or_init(|| {
        let mut t: Table = HashMap::new();
        for &(k, l, p) in PHRASES {
            let ws: Vec<&str> = p.split(' ').collect();
            t.entry(ws[0]).or_default().push((k, l, ws));
        }
        t
    });
    let mut out = vec![None; words.len()];
    let mut i = 0;
    while i < words.len() {
        // the longest phrase (in its own words) wins; `span` counts the
        // intensifiers inside it too
        let mut best: Option<(usize, usize, SmallTalkKind, Lang)> = None;
        for (k, l, ws) in table
            .get(words[i].as_str())
            .map_or(&[][..], |v| v.as_slice())
        {
            let (k, l) = (*k, *l);
            if best.is_some_and(|b| ws.len() <= b.0) {
                continue;
            }
            if let Some(span) = matches_at(ws, &words[i..]) {
                best = Some((ws.len(), span, k, l));
            }
        }
        let best = best.map(|(_, span, k, l)| (span, k, l));
        match best {
            Some((n, k, l)) => {
                for o in out.iter_mut().skip(i).take(n) {
                    *o = Some((k, l));
                }
                i += n;
            }
            None => i += 1,
        }
    }
    out
}

/// Priority when a message mixes kinds ("merci, au revoir" is a goodbye).
fn rank(k: SmallTalkKind) -> u8 {
    match k {
        Insult => 6,
        AreYouABot => 5,
        Vague => 4,
        Goodbye => 3,
        Thanks => 2,
        Greeting => 1,
    }
}

/// The small talk a message is made of, if it is nothing else. The
/// language is the one of its phrases (`None` when they disagree or are
/// shared, like "help").
pub fn detect(text: &str) -> Option<(SmallTalkKind, Option<Lang>)> {
    let words = normalize::words(text);
    detect_words(&words)
}

pub fn detect_words(words: &[String]) -> Option<(SmallTalkKind, Option<Lang>)> {
    if words.is_empty() {
        return None;
    }
    let c = cover(words);
    let mut kind: Option<SmallTalkKind> = None;
    let (mut fr, mut en) = (0, 0);
    for (w, m) in words.iter().zip(&c) {
        match m {
            Some((k, l)) => {
                if kind.is_none_or(|x| rank(*k) > rank(x)) {
                    kind = Some(*k);
                }
                match l {
                    Lang::Fr => fr += 1,
                    Lang::En => en += 1,
                }
            }
            None if FILLER.contains(&w.as_str()) => {}
            None => return None,
        }
    }
    let lang = match fr.cmp(&en) {
        std::cmp::Ordering::Greater => Some(Lang::Fr),
        std::cmp::Ordering::Less => Some(Lang::En),
        std::cmp::Ordering::Equal => None,
    };
    kind.map(|k| (k, lang))
}

/// The kinds found anywhere in the message (for a message that is also a
/// question: an insult or a vague complaint the matcher cannot answer).
pub fn kinds_in(words: &[String]) -> Option<(SmallTalkKind, Lang)> {
    cover(words)
        .into_iter()
        .flatten()
        .filter(|(k, _)| matches!(k, Insult | Vague))
        .max_by_key(|(k, _)| rank(*k))
}

/// The words with leading greetings and trailing thanks/goodbyes (and their
/// fillers) removed: what is left is the question.
pub fn strip(words: &[String]) -> Vec<String> {
    let c = cover(words);
    let polite = |m: &Option<(SmallTalkKind, Lang)>, w: &str| {
        matches!(m, Some((Greeting | Thanks | Goodbye, _))) || (m.is_none() && FILLER.contains(&w))
    };
    let mut start = 0;
    while start < words.len() && polite(&c[start], &words[start]) {
        start += 1;
    }
    let mut end = words.len();
    while end > start && polite(&c[end - 1], &words[end - 1]) {
        end -= 1;
    }
    words[start..end].to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_small_talk() {
        assert_eq!(detect("Bonjour !"), Some((Greeting, Some(Lang::Fr))));
        assert_eq!(detect("merci beaucoup !"), Some((Thanks, Some(Lang::Fr))));
        assert_eq!(detect("au revoir"), Some((Goodbye, Some(Lang::Fr))));
        assert_eq!(detect("Thanks a lot!"), Some((Thanks, Some(Lang::En))));
        assert_eq!(detect("many thanks"), Some((Thanks, Some(Lang::En))));
        assert_eq!(detect("thank you so much"), Some((Thanks, Some(Lang::En))));
        assert_eq!(detect("merci infiniment"), Some((Thanks, Some(Lang::Fr))));
        assert_eq!(detect("merci mille fois !"), Some((Thanks, Some(Lang::Fr))));
        assert_eq!(detect("t'es vraiment nul"), Some((Insult, Some(Lang::Fr))));
        assert_eq!(detect("tu es vraiment nul"), Some((Insult, Some(Lang::Fr))));
        assert_eq!(detect("you are useless"), Some((Insult, Some(Lang::En))));
        assert_eq!(
            detect("you are really useless"),
            Some((Insult, Some(Lang::En)))
        );
        assert_eq!(detect("a lot of printers"), None); // "a lot" alone is not thanks
        assert_eq!(
            detect("thank you very much"),
            Some((Thanks, Some(Lang::En)))
        );
        assert_eq!(
            detect("êtes-vous un humain ?"),
            Some((AreYouABot, Some(Lang::Fr)))
        );
        assert_eq!(detect("are you a bot?"), Some((AreYouABot, Some(Lang::En))));
        assert_eq!(detect("ça marche pas"), Some((Vague, Some(Lang::Fr))));
        assert_eq!(detect("it doesn't work"), Some((Vague, Some(Lang::En))));
        assert_eq!(detect("t'es nul"), Some((Insult, Some(Lang::Fr))));
        assert_eq!(detect("merci, au revoir"), Some((Goodbye, Some(Lang::Fr))));
        assert_eq!(detect("bonjour, mon VPN ne marche plus"), None);
        assert_eq!(detect("hi, how do I reset my password"), None);
    }

    #[test]
    fn strips_politeness_around_a_question() {
        let w = normalize::words("Bonjour, mon VPN ne marche plus. Merci !");
        assert_eq!(strip(&w).join(" "), "mon vpn ne marche plus");
        let w = normalize::words("hello there, the printer is broken");
        assert_eq!(strip(&w).join(" "), "printer is broken");
    }
}
