//! Stop-word lists for French and English, in accent-folded lowercase form.
//!
//! Why: function words and politeness formulas ("bonjour", "please") carry no
//! intent. Removing them keeps the query's informative mass on content words,
//! which is what the coverage-based confidence measures. The lists are kept
//! deliberately moderate: negations and question words that can change an
//! intent ("pas", "not", "why") are dropped too, since helpdesk intents are
//! overwhelmingly topical.

/// French stop words (folded: no accents, lowercase).
pub const FR: &[&str] = &[
    "a", "ai", "aie", "aient", "aies", "ait", "alors", "as", "au", "aucun", "aucune", "aupres",
    "aussi", "autre", "aux", "avais", "avait", "avant", "avec", "avez", "aviez", "avoir", "avons",
    "ayant", "bah", "beaucoup", "bien", "bon", "bonjour", "bonsoir", "c", "ca", "car", "ce",
    "ceci", "cela", "celle", "celui", "ces", "cet", "cette", "chez", "ci", "comme", "comment", "d",
    "dans", "de", "des", "deja", "devrais", "dois", "doit", "donc", "dont", "du", "elle", "elles",
    "en", "encore", "es", "est", "et", "etais", "etait", "etant", "ete", "etes", "etre", "eu",
    "fait", "faut", "hello", "ici", "il", "ils", "j", "je", "jusqu", "l", "la", "le", "les",
    "leur", "leurs", "lorsqu", "lui", "m", "ma", "mais", "me", "merci", "meme", "mes", "moi",
    "mon", "n", "ne", "ni", "nos", "notre", "nous", "on", "ont", "ou", "oui", "par", "pas", "peu",
    "peut", "peux", "plait", "plus", "pour", "pourquoi", "pouvez", "pourriez", "pourrais", "puis",
    "puisqu", "qu", "quand", "que", "quel", "quelle", "quelles", "quels", "qui", "quoi", "quoiqu",
    "s", "sa", "salut", "sans", "se", "ses", "si", "sil", "son", "sont", "suis", "sur", "svp", "t",
    "ta", "te", "tes", "toi", "ton", "tous", "tout", "toute", "toutes", "tres", "tu", "un", "une",
    "unes", "uns", "vais", "veux", "voudrais", "vos", "votre", "vous", "vs", "y", "etc", "afin",
    "ainsi", "faire", "fais", "quelqu", "stp", "coucou", "madame", "monsieur",
];

/// English stop words (lowercase).
pub const EN: &[&str] = &[
    "a", "about", "am", "an", "and", "any", "are", "as", "at", "be", "been", "being", "but", "by",
    "can", "could", "d", "did", "do", "does", "doing", "don", "for", "from", "get", "got", "had",
    "has", "have", "having", "he", "hello", "her", "here", "hey", "hi", "him", "his", "how", "i",
    "if", "in", "into", "is", "it", "its", "ll", "m", "may", "me", "might", "my", "myself", "need",
    "no", "not", "of", "on", "or", "our", "ours", "please", "pls", "plz", "re", "s", "shall",
    "she", "should", "so", "some", "t", "thank", "thanks", "that", "the", "their", "them", "then",
    "there", "these", "they", "this", "those", "to", "too", "up", "us", "ve", "very", "was", "we",
    "were", "what", "when", "where", "which", "who", "whom", "why", "will", "with", "would", "you",
    "your", "yours", "just", "also", "im", "ive", "dont", "cant", "doesnt", "didnt", "isnt",
    "wont", "want", "wanna", "like", "know", "tell", "let", "okay", "ok", "yes", "still", "again",
    "other", "than", "such", "only", "own", "same", "both", "each", "more", "most", "all", "there",
    "while", "because", "until", "against", "between", "through", "during", "before", "after",
    "above", "below", "down", "out", "off", "over", "under", "once", "doesn", "isn", "won", "didn",
    "aren", "wasn", "couldn", "wouldn", "shouldn", "haven", "hasn", "weren", "there", "able",
    "anyone", "someone",
];

/// Words that are strong evidence of French (used by language detection).
pub const FR_MARKERS: &[&str] = &[
    "je", "j", "le", "la", "les", "un", "une", "des", "du", "de", "mon", "ma", "mes", "est", "pas",
    "ne", "comment", "pour", "avec", "sur", "dans", "et", "qu", "que", "quoi", "vous", "nous",
    "il", "l", "d", "ai", "au", "aux", "ce", "ca", "svp", "merci", "bonjour", "veux", "puis",
    "mot", "quel", "quelle", "ou", "faire", "marche", "plus", "tu",
];

/// Words that are strong evidence of English (used by language detection).
pub const EN_MARKERS: &[&str] = &[
    "i", "the", "my", "is", "to", "how", "can", "do", "does", "what", "with", "of", "and", "a",
    "an", "it", "in", "for", "not", "please", "you", "your", "want", "need", "am", "are", "on",
    "where", "why", "when", "this", "that", "doesn", "don", "t", "s", "m", "hi", "hello", "thanks",
    "work", "working", "get", "from",
];
