//! Built-in detection of "I want to talk to a human" requests, in fr and en.
//!
//! Why: asking for an operator is the one intent every deployment has, even
//! when nobody wrote a knowledge item for it. It is recognised from small
//! word classes (person nouns, contact verbs, "real"/"vrai" qualifiers) on
//! folded words *before* stop-word removal, because the signal lives partly
//! in function words ("mettez-moi en relation", "talk to a real person").

/// Nouns that on their own designate a human helper.
const STRONG_PERSON: &[&str] = &[
    "humain",
    "humaine",
    "humains",
    "human",
    "humans",
    "conseiller",
    "conseillere",
    "conseillers",
    "operateur",
    "operatrice",
    "operateurs",
    "operator",
    "operators",
    "representative",
    "representant",
    "representante",
    "advisor",
    "adviser",
    "advisors",
    "interlocuteur",
    "interlocutrice",
    "hotliner",
];

/// Nouns that designate a human helper only with a contact verb or a qualifier.
const WEAK_PERSON: &[&str] = &[
    "agent",
    "agents",
    "personne",
    "person",
    "people",
    "quelqu",
    "someone",
    "somebody",
    "technicien",
    "technicienne",
    "technician",
    "staff",
    "employe",
    "employee",
    "gens",
];

/// Verbs/nouns of getting in touch.
const CONTACT: &[&str] = &[
    "parler",
    "discuter",
    "joindre",
    "contacter",
    "relation",
    "talk",
    "speak",
    "speaking",
    "talking",
    "chat",
    "chatter",
    "connect",
    "transfer",
    "transferer",
    "transfere",
    "passer",
    "passez",
    "appeler",
    "call",
    "reach",
    "escalate",
    "escalader",
    "echanger",
    "dialoguer",
    "parle",
    "causer",
];

/// Qualifiers that turn a weak person noun into a clear request ("real person").
const QUALIFIER: &[&str] = &[
    "real", "live", "actual", "vrai", "vraie", "reelle", "reel", "physique",
];

/// Words that do not count as content when judging whether a request is short.
const FILLER: &[&str] = &[
    "un",
    "une",
    "le",
    "la",
    "les",
    "l",
    "a",
    "an",
    "the",
    "svp",
    "stp",
    "please",
    "pls",
    "merci",
    "thanks",
    "je",
    "veux",
    "voudrais",
    "souhaite",
    "i",
    "want",
    "need",
    "would",
    "like",
    "to",
    "with",
    "avec",
    "d",
    "de",
    "du",
    "des",
    "moi",
    "me",
    "can",
    "puis",
    "je",
    "parler",
    "talk",
    "speak",
    "en",
    "relation",
    "mettez",
    "mettre",
    "mets",
    "please",
    "avoir",
    "get",
    "give",
    "us",
    "plait",
    "il",
    "vous",
    "s",
    "t",
    "ai",
    "besoin",
    "j",
    "my",
    "mon",
    "ma",
    "is",
    "there",
    "y",
    "un",
    "est",
    "ce",
    "que",
    "qu",
    "on",
    "peut",
    "pouvez",
    "could",
    "may",
    "now",
    "maintenant",
    "tout",
    "de",
    "suite",
    "asap",
    "vite",
    "hello",
    "hi",
    "bonjour",
    "real",
    "vrai",
    "vraie",
    "live",
    "agent",
    "human",
    "humain",
    "person",
    "personne",
    "someone",
    "quelqu",
    "conseiller",
    "operator",
    "operateur",
    "representative",
    "advisor",
];

/// Confidence in [0,1] that folded `words` ask for a human, or `None`.
pub fn detect(words: &[String]) -> Option<f32> {
    let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    let strong = has(STRONG_PERSON);
    let weak = has(WEAK_PERSON);
    let contact = has(CONTACT);
    let qualifier = has(QUALIFIER);
    let content = words
        .iter()
        .filter(|w| !FILLER.contains(&w.as_str()) && !CONTACT.contains(&w.as_str()))
        .count();
    // "personne ne ..." is French for "nobody": not a request.
    let nobody = words
        .windows(2)
        .any(|p| p[0] == "personne" && (p[1] == "ne" || p[1] == "n"));
    let put_in_touch = words.iter().any(|w| w == "relation")
        && words
            .iter()
            .any(|w| matches!(w.as_str(), "mettre" | "mettez" | "mets" | "mis"));

    let score: f32 = if strong && contact {
        0.95
    } else if put_in_touch {
        0.9
    } else if strong && content <= 2 {
        0.85
    } else if weak && !nobody && (contact || qualifier) && content <= 4 {
        0.9
    } else if weak && qualifier {
        0.8
    } else {
        0.0
    };
    (score > 0.0).then_some(score)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::words;

    fn d(s: &str) -> Option<f32> {
        detect(&words(s))
    }

    #[test]
    fn french_requests() {
        assert!(d("je veux parler à un conseiller").is_some());
        assert!(d("un humain svp").is_some());
        assert!(d("Mettez-moi en relation avec un agent").is_some());
        assert!(d("je voudrais parler à quelqu'un").is_some());
        assert!(d("est-ce que je peux parler à une vraie personne ?").is_some());
    }

    #[test]
    fn english_requests() {
        assert!(d("talk to an operator").is_some());
        assert!(d("can I speak to a real person").is_some());
        assert!(d("human please").is_some());
        assert!(d("I want to chat with a live agent").is_some());
    }

    #[test]
    fn ordinary_questions_are_not_handoff() {
        assert!(d("mon imprimante ne marche plus").is_none());
        assert!(d("personne ne répond au téléphone du support").is_none());
        assert!(d("how do I reset my password").is_none());
        assert!(d("l'agent antivirus bloque mon logiciel de comptabilité").is_none());
    }
}
