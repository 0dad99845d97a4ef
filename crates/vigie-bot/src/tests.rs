//! End-to-end behaviour of `Index::ask` and `Index::search` on a small
//! bilingual helpdesk fixture.

use crate::{Index, KnowledgeInput, Lang, Outcome, Params};

fn item(id: &str, lang: Lang, title: &str, forms: &[&str]) -> KnowledgeInput {
    KnowledgeInput {
        id: id.into(),
        title: title.into(),
        lang,
        formulations: forms.iter().map(|s| s.to_string()).collect(),
        answer: String::new(),
        tags: vec![],
        related: vec![],
        handoff: false,
        translations: Default::default(),
    }
}

pub(crate) fn fixture() -> Vec<KnowledgeInput> {
    use Lang::*;
    vec![
        item(
            "pwd-fr",
            Fr,
            "Réinitialiser son mot de passe",
            &[
                "j'ai oublié mon mot de passe",
                "comment changer mon mot de passe",
                "mot de passe expiré",
                "réinitialiser le mot de passe de ma session",
            ],
        ),
        item(
            "pwd-en",
            En,
            "Reset your password",
            &[
                "I forgot my password",
                "how do I change my password",
                "my password expired",
            ],
        ),
        item(
            "printer-fr",
            Fr,
            "L'imprimante ne fonctionne pas",
            &[
                "mon imprimante ne marche plus",
                "impossible d'imprimer",
                "l'imprimante affiche une erreur",
                "bourrage papier dans l'imprimante",
            ],
        ),
        item(
            "printer-en",
            En,
            "Printer not working",
            &[
                "my printer does not print",
                "printer shows an error",
                "paper jam in the printer",
            ],
        ),
        item(
            "outlook-fr",
            Fr,
            "Outlook ne démarre pas",
            &[
                "outlook plante au démarrage",
                "ma messagerie outlook ne s'ouvre plus",
                "outlook ne reçoit plus les mails",
            ],
        ),
        item(
            "vpn-fr",
            Fr,
            "Se connecter au VPN",
            &[
                "comment me connecter au vpn depuis chez moi",
                "le vpn ne se connecte pas",
                "accès à distance au réseau de l'entreprise",
            ],
        ),
        item(
            "wifi-fr",
            Fr,
            "Problème de connexion wifi",
            &[
                "le wifi ne fonctionne pas",
                "je n'arrive pas à me connecter au wi-fi",
                "connexion sans fil instable",
            ],
        ),
        item(
            "leave-fr",
            Fr,
            "Poser des congés",
            &[
                "comment poser des jours de congé",
                "demande de congés payés",
                "combien de jours de vacances me reste-t-il",
            ],
        ),
        item(
            "badge-fr",
            Fr,
            "Badge d'accès perdu",
            &[
                "j'ai perdu mon badge",
                "mon badge ne fonctionne plus pour ouvrir la porte",
            ],
        ),
        item(
            "screen-fr",
            Fr,
            "Écran noir",
            &["mon écran reste noir", "l'écran ne s'allume plus"],
        ),
        // two deliberately overlapping items
        item(
            "teams-audio-fr",
            Fr,
            "Micro Teams",
            &[
                "mon micro ne marche pas dans teams",
                "on ne m'entend pas en réunion teams",
            ],
        ),
        item(
            "teams-camera-fr",
            Fr,
            "Caméra Teams",
            &[
                "ma caméra ne marche pas dans teams",
                "on ne me voit pas en réunion teams",
            ],
        ),
    ]
}

fn index() -> Index {
    Index::build(&fixture())
}

fn answer_id(o: &Outcome) -> Option<&str> {
    match o {
        Outcome::Answer { id, .. } => Some(id),
        _ => None,
    }
}

#[track_caller]
fn assert_answer(idx: &Index, q: &str, lang: Option<Lang>, id: &str) {
    let o = idx.ask(q, lang);
    assert_eq!(answer_id(&o), Some(id), "{q:?} → {o:?}");
    if let Outcome::Answer { score, .. } = o {
        assert!((0.0..=1.0).contains(&score));
    }
}

#[test]
fn answers_paraphrases() {
    let idx = index();
    assert_answer(&idx, "J'ai oublié mon mot de passe", None, "pwd-fr");
    assert_answer(&idx, "Mon imprimante est en panne", None, "printer-fr");
    assert_answer(&idx, "l’imprimante n'imprime plus", None, "printer-fr");
    assert_answer(&idx, "I forgot my password", None, "pwd-en");
    assert_answer(&idx, "how to connect to the vpn", Some(Lang::Fr), "vpn-fr");
}

#[test]
fn accents_and_case_do_not_matter() {
    let idx = index();
    assert_answer(&idx, "ECRAN NOIR", None, "screen-fr");
    assert_answer(&idx, "mon ecran reste noir", None, "screen-fr");
    assert_answer(&idx, "REINITIALISER MOT DE PASSE", None, "pwd-fr");
}

#[test]
fn typos_are_tolerated() {
    let idx = index();
    assert_answer(&idx, "mon imprimente ne marche plus", None, "printer-fr");
    assert_answer(&idx, "mot de pase oublié", None, "pwd-fr");
    assert_answer(&idx, "outlok plante", None, "outlook-fr");
    assert_answer(&idx, "my pasword expired", None, "pwd-en");
}

/// Items of a knowledge file (the import format).
fn knowledge(json: &str) -> Vec<KnowledgeInput> {
    serde_json::from_str::<crate::KnowledgeFile>(json)
        .unwrap()
        .knowledge
}

/// The demo bot's base: 70 items of realistic density.
fn demo() -> Index {
    Index::build(&knowledge(include_str!(
        "../../../data/demo/knowledge.json"
    )))
}

#[test]
fn beats_bm25_on_public_intent_corpora() {
    // real users' questions (data/public/README.md); BM25's threshold is
    // tuned on the very questions it is measured on, ours is not tuned
    // per corpus
    use crate::bm25::Bm25Index;
    use crate::eval::{evaluate, evaluate_fn, EvalCase};
    let corpus = |k: &str, e: &str| -> (Vec<KnowledgeInput>, Vec<EvalCase>) {
        let cases = e
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        (knowledge(k), cases)
    };
    let bm25 = |items: &[KnowledgeInput], cases: &[EvalCase], stop_words: bool| {
        let mut bm = Bm25Index::build_with(items, stop_words);
        bm.tune_threshold(cases, None);
        evaluate_fn(cases, |t| bm.ask(t, None)).overall_accuracy
    };
    for (name, (items, cases)) in [
        (
            "askubuntu",
            corpus(
                include_str!("../../../data/public/askubuntu.knowledge.json"),
                include_str!("../../../data/public/askubuntu.eval.jsonl"),
            ),
        ),
        (
            "webapps",
            corpus(
                include_str!("../../../data/public/webapps.knowledge.json"),
                include_str!("../../../data/public/webapps.eval.jsonl"),
            ),
        ),
    ] {
        let ours = evaluate(&Index::build(&items), &cases, None).overall_accuracy;
        let plain = bm25(&items, &cases, false);
        let with_stop_words = bm25(&items, &cases, true);
        assert!(
            ours > plain.max(with_stop_words) + 0.03,
            "{name}: {ours:.3} vs BM25 {plain:.3} / with function words {with_stop_words:.3}"
        );
    }
    // a transport bot whose questions are station names around function
    // words: BM25 with function words answers everything and wins (0.98);
    // we refuse questions made of unknown names (see the README)
    let (items, cases) = corpus(
        include_str!("../../../data/public/chatbot.knowledge.json"),
        include_str!("../../../data/public/chatbot.eval.jsonl"),
    );
    let ours = evaluate(&Index::build(&items), &cases, None).overall_accuracy;
    assert!(ours >= bm25(&items, &cases, false), "chatbot: {ours:.3}");
}

#[test]
fn out_of_scope_is_refused_by_a_realistic_base() {
    let idx = demo();
    for q in [
        "comment changer le pneu de ma voiture",
        "comment changer le pneu crevé de ma voiture ?",
        "quelle est la recette de la tarte aux pommes",
        "what is the weather like in Paris tomorrow",
        "who won the football match yesterday",
        "where are you from",
        "",
    ] {
        let o = idx.ask(q, None);
        assert!(matches!(o, Outcome::NotUnderstood { .. }), "{q:?} → {o:?}");
    }
    // small talk is not a question either: it has its own outcome
    assert!(matches!(
        idx.ask("bonjour", None),
        Outcome::SmallTalk { .. }
    ));
}

#[test]
fn out_of_scope_is_refused() {
    // the fixture is tiny (a few formulations an item, most words seen
    // once), so unknown words weigh less there (see `Params::unseen_ref`):
    // a question sharing one verb with an item is checked on the demo base
    // above
    let idx = index();
    for q in [
        "quelle est la recette de la tarte aux pommes",
        "what is the weather like in Paris tomorrow",
        "who won the football match yesterday",
        "",
    ] {
        let o = idx.ask(q, None);
        assert!(matches!(o, Outcome::NotUnderstood { .. }), "{q:?} → {o:?}");
    }
}

#[test]
fn close_items_give_suggestions() {
    let idx = index();
    let o = idx.ask("problème teams en réunion", None);
    match o {
        Outcome::Suggestions { candidates } => {
            assert!((2..=4).contains(&candidates.len()));
            let ids: Vec<&str> = candidates.iter().map(|c| c.id.as_str()).collect();
            assert!(ids.contains(&"teams-audio-fr") && ids.contains(&"teams-camera-fr"));
            assert!(candidates.windows(2).all(|w| w[0].score >= w[1].score));
        }
        o => panic!("expected suggestions, got {o:?}"),
    }
}

#[test]
fn handoff_without_item() {
    let idx = index();
    for q in [
        "je veux parler à un conseiller",
        "un humain svp",
        "talk to an operator",
        "can I speak to a real person",
        "mettez-moi en relation avec un agent",
    ] {
        let o = idx.ask(q, None);
        assert!(matches!(o, Outcome::Handoff { .. }), "{q:?} → {o:?}");
    }
}

#[test]
fn handoff_goes_to_flagged_item() {
    let mut items = fixture();
    let mut h = item(
        "human-fr",
        Lang::Fr,
        "Parler à un conseiller",
        &["je veux parler à un conseiller", "contacter le support"],
    );
    h.handoff = true;
    items.push(h);
    let mut h = item(
        "human-en",
        Lang::En,
        "Talk to an agent",
        &["talk to an agent"],
    );
    h.handoff = true;
    items.push(h);
    let idx = Index::build(&items);
    assert_answer(&idx, "je veux parler à un conseiller", None, "human-fr");
    assert_answer(&idx, "un humain svp", None, "human-fr");
    assert_answer(&idx, "can I speak to a real person", None, "human-en");
}

#[test]
fn language_preference() {
    let idx = index();
    // "outlook vpn imprimante" style words shared by both languages: the
    // preferred language wins
    assert_answer(&idx, "printer error", Some(Lang::En), "printer-en");
    assert_answer(&idx, "imprimante erreur", Some(Lang::Fr), "printer-fr");
    // detected from stop words when no language is given
    assert_answer(&idx, "my printer is broken", None, "printer-en");
    // the other language still works when nothing matches in the preferred one
    assert_answer(
        &idx,
        "paper jam in the printer",
        Some(Lang::Fr),
        "printer-en",
    );
}

#[test]
fn search_is_prefix_friendly() {
    let idx = index();
    let r = idx.search("imprim", 5);
    assert!(!r.is_empty());
    assert_eq!(r[0].id, "printer-fr");
    let r = idx.search("outl", 3);
    assert_eq!(r[0].id, "outlook-fr");
    let r = idx.search("congé", 10);
    assert_eq!(r[0].id, "leave-fr");
    assert!(idx.search("mot de passe", 1).len() == 1);
    assert!(idx.search("zzzzqqq", 5).is_empty());
}

#[test]
fn eval_counts() {
    use crate::eval::{evaluate, EvalCase};
    let idx = index();
    let cases = vec![
        EvalCase {
            text: "j'ai perdu mon badge".into(),
            expected: Some("badge-fr".into()),
        },
        EvalCase {
            text: "recette de cuisine".into(),
            expected: None,
        },
    ];
    let r = evaluate(&idx, &cases, None);
    assert_eq!(r.n, 2);
    assert_eq!(r.overall_accuracy, 1.0);
    assert!(r.p99_us >= r.p50_us);
}

#[test]
fn index_is_send_sync() {
    fn check<T: Send + Sync>() {}
    check::<Index>();
    assert_eq!(index().len(), 12);
    assert!(!index().is_empty());
}

#[test]
fn empty_index_and_empty_queries() {
    let idx = Index::build(&[]);
    assert!(idx.is_empty());
    assert_eq!(
        idx.ask("mon imprimante", None),
        Outcome::NotUnderstood { candidates: vec![] }
    );
    assert!(matches!(
        idx.ask("je veux parler à un conseiller", None),
        Outcome::Handoff { .. }
    ));
    assert!(idx.search("imprim", 5).is_empty());
    assert!(index().search("imprim", 0).is_empty());
}

#[test]
fn answer_and_tags_are_searchable_at_lower_weight() {
    let mut items = fixture();
    items.push(KnowledgeInput {
        id: "badge".into(),
        title: "Badge d'accès".into(),
        lang: Lang::Fr,
        formulations: vec!["je n'ai plus mon badge".into()],
        answer: "Passez à l'**accueil** du bâtiment B : un badge provisoire \
                 vous sera remis. Voir [le portail](https://portail.example.com/badges)."
            .into(),
        tags: vec!["sécurité".into(), "bâtiment".into()],
        related: vec![],
        handoff: false,
        translations: Default::default(),
    });
    let idx = Index::build(&items);
    // a word found only in the answer still ranks the item first
    let r = idx.ranked("badge provisoire accueil", None, 2);
    assert_eq!(r[0].id, "badge");
    // a tag too
    assert_eq!(idx.ranked("bâtiment badge", None, 1)[0].id, "badge");
    // URLs of the answer are not indexed
    assert!(idx
        .ranked("portail example", None, 3)
        .iter()
        .all(|c| c.id != "badge" || c.score < 0.3));
    // the same words in a formulation weigh more than in the answer
    let from_form = idx.ranked("plus mon badge", None, 1)[0].score;
    let from_answer = idx.ranked("badge provisoire", None, 1)[0].score;
    assert!(from_form > from_answer, "{from_form} vs {from_answer}");
}

#[test]
fn matching_groups_bridge_synonyms_and_languages() {
    let idx = Index::build(&fixture());
    // abbreviation
    assert!(matches!(idx.ask("mdp oublié", None), Outcome::Answer { id, .. } if id == "pwd-fr"));
    // synonym through a group, below an exact match
    let syn = idx.ranked("ma bécane ne veut plus imprimer", None, 1);
    assert_eq!(syn[0].id, "printer-fr");
    // with the groups disabled the abbreviation is unknown: lower score
    let plain = Index::build_with(
        &fixture(),
        crate::Params {
            group: 0.0,
            ..Default::default()
        },
    );
    let with = idx.ranked("mdp oublié", None, 1)[0].score;
    let without = plain.ranked("mdp oublié", None, 1)[0].score;
    assert!(with > without + 0.1, "{with} vs {without}");
    // an exact match beats a group match
    let exact = idx.ranked("mot de passe oublié", None, 1)[0].score;
    let grouped = idx.ranked("mdp oublié", None, 1)[0].score;
    assert!(exact > grouped, "{exact} vs {grouped}");
}

#[test]
fn a_single_shared_word_needs_a_higher_score() {
    // an off-topic question sharing one word with an item is refused, the
    // same word with a second matching one is answered
    let items = vec![
        item(
            "parking",
            Lang::Fr,
            "Se garer sur le parking de l'entreprise",
            &["où garer ma voiture", "place de parking pour ma voiture"],
        ),
        item(
            "badge",
            Lang::Fr,
            "Badge perdu",
            &["j'ai perdu mon badge", "badge d'accès égaré"],
        ),
    ];
    // unknown words at their full weight: this base is far too small to
    // say how often its visitors use new words
    let idx = Index::build_with(
        &items,
        crate::Params {
            unseen_ref: 0.0,
            ..Default::default()
        },
    );
    assert!(matches!(
        idx.ask("comment changer le pneu crevé de ma voiture ?", None),
        Outcome::NotUnderstood { .. }
    ));
    assert_answer(&idx, "où puis-je garer ma voiture ?", None, "parking");
}

#[test]
fn function_words_carry_intent_when_nothing_else_does() {
    // questions made of function words only ("where are you from") still
    // find their item; alone they never answer a question that has other
    // words
    let idx = Index::build(&[
        item(
            "origin",
            Lang::En,
            "Where the assistant comes from",
            &["where are you from", "where do you come from"],
        ),
        item(
            "name",
            Lang::En,
            "The assistant's name",
            &["what is your name", "what should I call you"],
        ),
        item(
            "vpn",
            Lang::En,
            "VPN connection",
            &["how do I connect to the vpn", "the vpn does not work"],
        ),
    ]);
    assert_answer(&idx, "where are you from?", None, "origin");
    assert_answer(&idx, "what's your name", None, "name");
    assert!(matches!(
        idx.ask("where is the nearest bakery", None),
        Outcome::NotUnderstood { .. }
    ));
    // the same base without function words finds nothing for them
    let bare = Index::build_with(
        &idx_items_origin(),
        crate::Params {
            stop_weight: 0.0,
            ..Default::default()
        },
    );
    assert!(bare.ranked("where are you from?", None, 1).is_empty());
}

fn idx_items_origin() -> Vec<KnowledgeInput> {
    vec![item(
        "origin",
        Lang::En,
        "Where the assistant comes from",
        &["where are you from", "where do you come from"],
    )]
}

#[test]
fn sparse_bases_weigh_new_words_less() {
    // four items, a few formulations each: most of their words are seen
    // once, so a visitor's question is expected to hold new words
    let items = vec![
        item(
            "software",
            Lang::En,
            "Software recommendation",
            &[
                "which software should I use for video editing",
                "recommend a tool to edit pdf files",
                "best application for note taking",
            ],
        ),
        item(
            "printer",
            Lang::En,
            "Set up a printer",
            &["how to install my printer", "printer driver setup"],
        ),
        item(
            "upgrade",
            Lang::En,
            "Upgrade the system",
            &["how to upgrade to the new release", "upgrade failed"],
        ),
        item(
            "shutdown",
            Lang::En,
            "Shut the computer down",
            &["how to shut down from the terminal", "shutdown command"],
        ),
    ];
    let q = "what software would you suggest to convert epub documents";
    let adaptive = Index::build(&items);
    assert_answer(&adaptive, q, None, "software");
    let fixed = Index::build_with(
        &items,
        crate::Params {
            unseen_ref: 0.0,
            ..Default::default()
        },
    );
    let (a, f) = (
        adaptive.ranked(q, None, 1)[0].score,
        fixed.ranked(q, None, 1)[0].score,
    );
    assert!(a > f + 0.05, "{a} vs {f}");
}

#[test]
fn words_of_the_same_family_match_below_the_word_itself() {
    // Snowball keeps "former" (form) and "formation" (format) apart
    let idx = Index::build(&[
        item(
            "training",
            Lang::Fr,
            "Demande de formation",
            &["s'inscrire à une formation", "catalogue des formations"],
        ),
        item(
            "leave",
            Lang::Fr,
            "Poser des congés",
            &["poser une semaine de congés", "demande de congés"],
        ),
    ]);
    let r = idx.ranked("je voudrais me former sur excel", None, 2);
    assert_eq!(r[0].id, "training");
    let plain = Index::build_with(
        &[item(
            "training",
            Lang::Fr,
            "Demande de formation",
            &["s'inscrire à une formation", "catalogue des formations"],
        )],
        crate::Params {
            derive: 0.0,
            ..Default::default()
        },
    );
    assert!(plain.ranked("me former", None, 1).is_empty());
}

#[test]
fn very_common_answer_words_do_not_make_postings_in_large_bases() {
    // 300 items whose answers all say "cliquer": the word no longer finds
    // them through the answers, formulations still match
    let items: Vec<KnowledgeInput> = (0..300)
        .map(|i| {
            let mut it = item(
                &format!("k{i}"),
                Lang::Fr,
                &format!("sujet{i} numero{i}"),
                &[],
            );
            it.answer = format!("Cliquer sur le bouton, puis valider{i}.");
            it
        })
        .collect();
    let idx = Index::build(&items);
    assert!(idx.search("cliquer", 5).is_empty());
    assert_eq!(idx.search("sujet7 numero7", 1)[0].id, "k7");
    assert_eq!(idx.search("valider7", 1)[0].id, "k7");
    // small bases keep every answer word
    let small = Index::build(&items[..20]);
    assert!(!small.search("cliquer", 5).is_empty());
}

#[test]
fn a_word_shared_by_several_items_gives_suggestions() {
    let idx = Index::build(&[
        item(
            "vpn-install",
            Lang::Fr,
            "Installer le VPN",
            &["installer le vpn", "télécharger le client vpn"],
        ),
        item(
            "vpn-slow",
            Lang::Fr,
            "VPN lent",
            &["le vpn est lent", "vpn très lent le soir"],
        ),
        item(
            "vpn-fails",
            Lang::Fr,
            "Le VPN ne se connecte pas",
            &["le vpn ne se connecte pas", "erreur de connexion vpn"],
        ),
        item("badge", Lang::Fr, "Badge perdu", &["j'ai perdu mon badge"]),
    ]);
    match idx.ask("vpn", None) {
        Outcome::Suggestions { candidates } => {
            let ids: Vec<&str> = candidates.iter().map(|c| c.id.as_str()).collect();
            assert!(ids.len() >= 2, "{ids:?}");
            assert!(ids.iter().all(|id| id.starts_with("vpn-")), "{ids:?}");
        }
        o => panic!("expected suggestions, got {o:?}"),
    }
    // one item only: answered
    assert_answer(&idx, "badge", None, "badge");
    // a second word decides
    assert_answer(&idx, "vpn lent", None, "vpn-slow");
}

#[test]
fn a_one_language_base_ignores_the_language_preference() {
    // an English base asked in a conversation marked French (or a question
    // detected as French) scores as if no language were given
    let idx = Index::build(&[
        item(
            "printer",
            Lang::En,
            "Printer out of order",
            &["my printer is broken", "the printer does not print"],
        ),
        item("vpn", Lang::En, "VPN", &["the vpn is slow"]),
    ]);
    let q = "printer broken again";
    assert_eq!(
        idx.ranked(q, Some(Lang::Fr), 1)[0].score,
        idx.ranked(q, Some(Lang::En), 1)[0].score
    );
    assert_answer(&idx, q, Some(Lang::Fr), "printer");
}

#[test]
fn small_talk_in_both_languages() {
    use crate::SmallTalkKind::*;
    let idx = demo();
    for (q, kind, lang) in [
        ("bonjour", Greeting, Lang::Fr),
        ("Hello!", Greeting, Lang::En),
        ("merci beaucoup !", Thanks, Lang::Fr),
        ("thank you", Thanks, Lang::En),
        ("au revoir", Goodbye, Lang::Fr),
        ("bye", Goodbye, Lang::En),
        ("êtes-vous un humain ?", AreYouABot, Lang::Fr),
        ("are you a bot?", AreYouABot, Lang::En),
        ("t'es nul", Insult, Lang::Fr),
        ("you are useless", Insult, Lang::En),
        ("ça marche pas", Vague, Lang::Fr),
        ("it doesn't work", Vague, Lang::En),
    ] {
        let o = idx.ask(q, None);
        assert_eq!(o, Outcome::SmallTalk { kind, lang }, "{q:?}");
    }
    // siblings, in a conversation held in the other language too: the
    // phrase's own language answers ("many thanks" once answered the
    // leave-request item, "thanks a lot!" was not understood, "t'es
    // vraiment nul" was read as English)
    for (q, kind, lang) in [
        ("thanks a lot!", Thanks, Lang::En),
        ("many thanks", Thanks, Lang::En),
        ("thank you so much", Thanks, Lang::En),
        ("Thanks for your help!", Thanks, Lang::En),
        ("merci infiniment", Thanks, Lang::Fr),
        ("merci mille fois !", Thanks, Lang::Fr),
        ("un grand merci", Thanks, Lang::Fr),
        ("t'es vraiment nul", Insult, Lang::Fr),
        ("t'es nul", Insult, Lang::Fr),
        ("tu es vraiment nulle", Insult, Lang::Fr),
        ("you are useless", Insult, Lang::En),
        ("you're so useless", Insult, Lang::En),
    ] {
        for conv in [None, Some(Lang::Fr), Some(Lang::En)] {
            let o = idx.ask(q, conv);
            assert_eq!(o, Outcome::SmallTalk { kind, lang }, "{q:?} in {conv:?}");
        }
    }
    // a question wrapped in politeness is still answered
    let o = idx.ask("bonjour, mon VPN ne marche plus. merci !", Some(Lang::Fr));
    assert!(
        matches!(&o, Outcome::Answer { id, .. } if id.contains("vpn"))
            || matches!(&o, Outcome::Suggestions { candidates } if candidates[0].id.contains("vpn")),
        "{o:?}"
    );
    // asking for a human is not small talk
    assert!(matches!(
        idx.ask("je veux parler à un humain", None),
        Outcome::Handoff { .. } | Outcome::Answer { .. }
    ));
}

#[test]
fn answers_in_the_language_of_the_question() {
    let mut fr = item(
        "mdp-oublie",
        Lang::Fr,
        "Mot de passe oublié",
        &[
            "j'ai oublié mon mot de passe",
            "réinitialiser mon mot de passe",
        ],
    );
    fr.translations.insert(Lang::En, "password-reset".into());
    let en = item(
        "password-reset",
        Lang::En,
        "Forgot password",
        &["I forgot my password", "reset my password"],
    );
    let other = item(
        "vpn",
        Lang::Fr,
        "VPN",
        &["le vpn ne marche pas", "connexion vpn impossible"],
    );
    let idx = Index::build(&[fr, en, other]);
    // a French question in an English conversation gets the French twin
    let a = idx.ask_detailed("j'ai oublié mon mot de passe", Some(Lang::En));
    assert_eq!(a.detected.lang, Some(Lang::Fr));
    assert!(
        matches!(&a.outcome, Outcome::Answer { id, lang: Lang::Fr, .. } if id == "mdp-oublie"),
        "{a:?}"
    );
    // and the reverse
    let a = idx.ask_detailed("I forgot my password", Some(Lang::Fr));
    assert!(
        matches!(&a.outcome, Outcome::Answer { id, lang: Lang::En, .. } if id == "password-reset"),
        "{a:?}"
    );
    // no language evidence: the conversation's language chooses the twin
    let o = idx.ask("password", Some(Lang::Fr));
    assert!(
        matches!(&o, Outcome::Answer { id, .. } if id == "mdp-oublie"),
        "{o:?}"
    );
}

#[test]
fn training_reports_what_it_did() {
    let idx = demo();
    let r = idx.training().expect("a model is shipped");
    assert_eq!(r.items, 70);
    assert!(r.questions > 100 && r.out_of_scope_questions > 10, "{r:?}");
    assert!(r.cv_accuracy > 0.7, "{r:?}");
    // deterministic
    let again = demo();
    assert_eq!(again.training().unwrap().weights, r.weights);
    // the lexical matcher alone is still available
    let lexical = Index::build_with_model(
        &knowledge(include_str!("../../../data/demo/knowledge.json")),
        None,
        Params::default(),
    );
    assert!(lexical.training().is_none());
}

#[test]
fn demo_targets_hold() {
    // the product targets the app's `vigie eval` test checks too (0.90 in
    // scope, 0.84 out of scope), here on the crate's own build
    use crate::eval::{evaluate, EvalCase};
    let cases: Vec<EvalCase> = include_str!("../../../data/demo/eval.jsonl")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let r = evaluate(&demo(), &cases, None);
    assert!(r.in_scope_accuracy >= 0.90, "{r:?}");
    assert!(r.oos_recall >= 0.84, "{r:?}");
}
