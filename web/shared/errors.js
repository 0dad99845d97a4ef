// Vigie: the server's errors in the page's language. Every API error carries a stable
// `error` code and its `params`; a field error (`fields[]`) carries `field` (the input's id),
// `code` and `params`. Sentences are looked up here by code, with `{name}` filled from the
// params and `{label}` from the field's label in the page; the server's English `message`
// is only the last resort, for a code no page knows yet.

const TABLE = { fr: {}, en: {} };

/**
 * Adds sentences: `registerErrors({fr: {code: "… {param} …"}, en: {…}})`. A sentence may be
 * a function `(params, label) => string`. A module registers the codes it can meet.
 */
export function registerErrors(table) {
  for (const lang of Object.keys(TABLE)) Object.assign(TABLE[lang], table[lang] || {});
}

function fill(template, params, label, message) {
  if (typeof template === "function") return template(params || {}, label, message);
  return template.replace(/\{(\w+)\}/g, (m, k) => {
    if (k === "label") return label ?? "";
    const v = params && params[k];
    return v === undefined || v === null ? m : String(v);
  });
}

const cap = (s) => String(s).charAt(0).toUpperCase() + String(s).slice(1);

/**
 * "Label : sentence" for a field error (French puts a space before the colon), the
 * sentence alone when the page has no label for the field.
 */
export function fieldSentence(lang, fieldError, label) {
  const sentence = errorSentence(lang, fieldError, label);
  if (!label) return sentence;
  return lang === "fr" ? `${label} : ${sentence}` : `${label}: ${sentence}`;
}

/**
 * The sentence for one problem `{code, params, message}` in `lang` ("fr" | "en"), `label`
 * naming its field when there is one. Unknown code: the server's message.
 */
export function errorSentence(lang, problem, label) {
  const p = problem || {};
  const template = (TABLE[lang] && TABLE[lang][p.code]) ?? null;
  if (template == null) return p.message || p.code || "";
  return fill(template, p.params, label, p.message);
}

/** Whether a sentence exists for `code` in `lang` (used by the tests of the tables). */
export function knowsError(lang, code) {
  return Boolean(TABLE[lang] && TABLE[lang][code] != null);
}

/**
 * The top-level sentence of an HttpError (`err.body = {error, params, message}`), or of a
 * network failure.
 */
export function httpErrorSentence(lang, err) {
  const b = (err && err.body) || {};
  if (!b.error) return (err && err.message) || String(err);
  return errorSentence(lang, { code: b.error, params: b.params, message: b.message });
}

// What the server says, by code. Field errors read after their field's label
// ("Adresse e-mail : obligatoire"); the others are whole sentences.
const WHAT = {
  fr: { bot: "bot", knowledge: "connaissance", conversation: "conversation", operator: "opérateur",
    deployment: "déploiement", "monitored conversation": "conversation monitorée", "dismissed question": "question écartée" },
  en: { bot: "bot", knowledge: "knowledge item", conversation: "conversation", operator: "operator",
    deployment: "deployment", "monitored conversation": "monitored conversation", "dismissed question": "dismissed question" },
};
const UNIT = { fr: { days: "jours", seconds: "secondes" }, en: { days: "days", seconds: "seconds" } };
const LANG_NAME = { fr: { fr: "français", en: "anglais" }, en: { fr: "French", en: "English" } };
const atLine = (lang, p) => (p.line != null ? (lang === "fr" ? `ligne ${p.line} : ` : `line ${p.line}: `) : "");

registerErrors({
  fr: {
    // History, bots and transcripts (issue 12).
    unknown_operator: "aucun opérateur « {operator} »",
    date_invalid: "date invalide",
    period_invalid: "la fin de la période est avant son début",
    cursor_invalid: "cette page n'existe plus : relancez la recherche",
    default_not_in_langs: "la langue par défaut doit faire partie des langues du bot",
    bot_archived: "Ce bot est archivé : il n'est plus disponible.",
    transcript_off: "Le module Transcription est désactivé pour ce bot.",
    no_livechat: "La transcription est proposée à la fin d'une conversation avec un conseiller.",
    too_many_transcripts: "Trop de transcriptions demandées pour cette conversation ({max} par heure) : réessayez plus tard.",
    invalid: () => "valeur invalide",
    required: "obligatoire",
    too_long: "trop long ({max} caractères au plus)",
    too_short: "trop court ({min} caractères au moins)",
    too_many: "trop d'éléments ({max} au plus)",
    single_line: "doit tenir sur une seule ligne",
    control_char: "contient un caractère de contrôle (seuls les retours à la ligne sont permis)",
    lang_invalid: "langue inconnue « {value} » (fr ou en)",
    out_of_range: (p) => `entre ${p.min} et ${p.max}${p.unit ? ` ${UNIT.fr[p.unit] || p.unit}` : ""}`,
    email_invalid: "« {value} » n'est pas une adresse e-mail valide (exemple : nom@exemple.fr)",
    slug_invalid: "« {value} » n'est pas un identifiant valide (2 à 40 caractères parmi a-z, 0-9 et -)",
    name_invalid: "obligatoire, {max} caractères au plus, sans retour à la ligne",
    role_invalid: "rôle inconnu « {value} »",
    id_invalid: "« {value} » : lettres, chiffres, « - », « _ » et « . » seulement",
    id_repeated: "l'identifiant « {id} » apparaît plusieurs fois dans le fichier",
    id_mismatch: "l'identifiant du formulaire diffère de celui de l'adresse",
    id_taken: "une connaissance porte déjà cet identifiant",
    slug_taken: "un bot porte déjà cet identifiant",
    email_taken: "un compte utilise déjà cette adresse e-mail",
    related_unknown: "la connaissance liée « {id} » n'existe pas",
    related_self: "une connaissance ne peut pas être liée à elle-même",
    translation_same_lang: "une traduction doit être dans l'autre langue",
    translation_self: "une connaissance ne peut pas être sa propre traduction",
    translation_unknown: "la traduction « {id} » n'existe pas",
    translation_lang: (p) => `la traduction « ${p.id} » est en ${LANG_NAME.fr[p.found] || p.found}, pas en ${LANG_NAME.fr[p.expected] || p.expected}`,
    translations_invalid: "traductions illisibles (attendu : en=identifiant)",
    item_unreadable: "élément illisible ({detail})",
    line_unreadable: "ligne illisible ({detail})",
    bool_invalid: "valeur attendue : oui/non (true/false)",
    file_not_json: "ce n'est pas un fichier de connaissances JSON valide ({\"knowledge\": [...]})",
    csv_header: "l'en-tête CSV est illisible",
    csv_columns: "colonnes CSV manquantes",
    import_format: "envoyez un fichier JSON ou CSV",
    not_utf8: "le fichier n'est pas du texte UTF-8",
    invalid_import: "Le fichier a été refusé, rien n'a été importé.",
    url_not_absolute: "« {value} » n'est pas une URL absolue (exemple : https://intranet.exemple.fr/aide)",
    url_not_http: "doit être une URL http:// ou https:// avec un nom d'hôte",
    url_fragment: "ne doit pas contenir de #fragment (le lien y ajoute ?vigie_mc=…)",
    module_unknown: "module inconnu « {value} »",
    resource_unknown: "texte inconnu « {value} »",
    client_id_invalid: "identifiant de message invalide",
    message_empty: "le message est vide",
    message_too_long: "le message est trop long ({max} caractères au plus)",
    body_invalid: "données invalides ({detail})",
    json_malformed: "JSON mal formé ({detail})",
    json_expected: "le corps de la requête doit être du JSON",
    json_object_expected: "le corps de la requête doit être un objet JSON",
    bad_request: "Requête invalide.",
    query_invalid: "paramètres de recherche invalides ({detail})",
    filter_invalid: "filtre invalide",
    format_invalid: "format inconnu « {value} » (json ou csv)",
    not_found: (p) => `${cap(WHAT.fr[p.what] || p.what || "élément")} introuvable.`,
    no_route: "Adresse inconnue.",
    conflict: "Cet élément existe déjà.",
    deploy_concurrent: "Un autre déploiement est en cours : réessayez.",
    bad_credentials: "Adresse e-mail ou mot de passe incorrect.",
    login_required: "Connectez-vous d'abord.",
    session_expired: "Votre session a expiré : reconnectez-vous.",
    token_invalid: "Jeton d'API invalide.",
    csrf: "La page a expiré : rechargez-la puis recommencez.",
    admin_only: "Réservé aux administrateurs.",
    forbidden: "Action refusée.",
    not_deployed: "le bot « {bot} » n'a pas encore été déployé : déployez-le d'abord",
    module_off: "le module Conversations monitorées est désactivé pour le bot « {bot} » : activez-le dans Intégration › Web › Boîte de dialogue (vue avancée), puis déployez",
    prefix_url_missing: "aucune URL de préfixe : renseignez « Conversations monitorées – URL de préfixe » dans Paramètres du livechat › Général › Divers",
    knowledge_not_deployed: "la connaissance « {id} » n'est pas dans la version déployée du bot",
    knowledge_lang: (p) => `la connaissance « ${p.id} » est en ${LANG_NAME.fr[p.found] || p.found} et la conversation en ${LANG_NAME.fr[p.expected] || p.expected} : choisissez une connaissance en ${LANG_NAME.fr[p.expected] || p.expected}`,
    already_livechat: "le visiteur est déjà en livechat (ou attend un conseiller)",
    offer_pending: "une proposition d'aide attend déjà la réponse du visiteur",
    no_offer: "aucune proposition d'aide n'attend de réponse",
    monitored_links_not_yours: "Seuls son créateur, un administrateur ou un superviseur peuvent renvoyer ou révoquer le lien de cette conversation monitorée.",
    monitored_not_yours: "Seuls son créateur, un administrateur ou le conseiller à qui elle a été confiée peuvent agir sur cette conversation monitorée.",
    not_yours: "cette conversation n'est pas l'une des vôtres (prenez-la d'abord dans la file)",
    conversation_moved: "La conversation a changé entre-temps (prise, terminée ou transférée) : regardez à nouveau.",
    not_live: "Personne ne tient cette conversation (elle est avec l'assistant).",
    already_yours: "Vous tenez déjà cette conversation.",
    same_operator: "Ce conseiller la tient déjà.",
    not_handed_over: "Seule une conversation en file d'attente ou tenue par un conseiller peut être réaffectée.",
    not_queued: "cette conversation n'attend pas dans la file",
    cannot_take: "impossible de la prendre : vous êtes hors ligne ou à votre capacité maximale",
    operator_unavailable: "{name} n'est pas disponible pour la prendre",
    availability_invalid: "statut inconnu « {value} »",
    away_reason_unknown: "« {value} » n'est pas un motif d'absence de la liste",
    hours_invalid: "« {value} » n'est pas une liste d'horaires comme 09:00-12:00, 14:00-18:00 (dans l'ordre, sans chevauchement)",
    timezone_unknown: "fuseau horaire inconnu « {value} » (un nom IANA comme Europe/Paris)",
    date_invalid: "« {value} » n'est pas une date comme 2026-12-25",
    offline_form_off: "Ce bot ne prend pas de messages hors ligne (aucune adresse d'équipe n'est configurée).",
    not_offline: "Cette conversation n'a pas de message hors ligne auquel répondre.",
    visitor_blocked: "vous ne pouvez plus écrire dans cette conversation pour le moment",
    block_duration_invalid: "choisissez une durée : 1 heure, 24 heures, 7 jours ou définitivement",
    block_no_visitor: "cette conversation n'a pas de visiteur à bloquer",
    block_over: "ce blocage est déjà levé ou terminé",
    supervisors_only: "réservé aux superviseurs et aux administrateurs",
    canned_shortcut_invalid: "un raccourci commence par « / » suivi de 1 à 30 lettres, chiffres, - ou _",
    canned_shortcut_taken: "le raccourci {shortcut} existe déjà pour ce bot et cette langue",
    canned_variable_unknown: "variable inconnue « {name} » (disponibles : {visitor_name}, {operator_name}, {conversation_name})",
    reason_only_away: "un motif ne s'indique qu'avec le statut Absent",
    duplicate_value: "« {value} » figure deux fois",
    conversation_unknown: "Conversation inconnue.",
    livechat_off: (p, l, m) => m,
    template_error: (p) => `${atLine("fr", p)}erreur dans le modèle (${p.detail})`,
    template_variable: (p) => `${atLine("fr", p)}variable inconnue « ${p.name} » (disponibles : ${p.available})`,
    subject_multiline: "l'objet doit tenir sur une seule ligne",
    subject_empty: "l'objet est vide une fois rendu",
    too_many_requests: "Trop de tentatives : patientez une minute puis réessayez.",
    login_locked: (p) => `Trop de mots de passe erronés depuis cette adresse pour ce compte : réessayez dans ${Math.ceil((p.seconds || 60) / 60)} min.`,
    rate_limited: "Trop de messages, patientez.",
    too_many_connections: "Trop de connexions ouvertes depuis cette adresse : fermez des onglets ou patientez.",
    payload_too_large: "Trop volumineux.",
    internal: "Erreur du serveur, réessayez.",
    malformed: "Message mal formé.",
    unauthorized: "Connectez-vous d'abord.",
    unknown_type: "Type de message inconnu.",
    hello_first: "Connexion en cours, réessayez.",
    unknown_bot: "Ce bot n'existe pas.",
    too_large: "Message trop volumineux.",
    link_invalid: "Ce lien n'est pas valide ou a été remplacé par un plus récent.",
    link_revoked: "Ce lien a été révoqué.",
    link_expired: "Ce lien a expiré.",
    // People, tokens, audit (issue 12)
    password_is_email: "le mot de passe ne doit pas être l'adresse e-mail",
    password_common: "ce mot de passe est trop courant, choisissez-en un autre",
    wrong_password: "ce n'est pas votre mot de passe actuel",
    bad_language: "« {value} » n'est pas un code de langue comme fr ou en",
    bad_date: "« {value} » n'est pas une date (AAAA-MM-JJ)",
    bad_number: "un nombre est attendu",
    bad_choice: "choisissez parmi {choices}",
    last_admin: "C'est le dernier administrateur actif : nommez d'abord quelqu'un d'autre administrateur.",
    cannot_deactivate_self: "Vous ne pouvez pas désactiver votre propre compte.",
    not_invited: "Cette personne a déjà choisi son mot de passe (ou est désactivée) : pas d'invitation à renvoyer.",
    link_unknown: "Ce lien n'est pas valable (mal recopié, ou remplacé par un plus récent). Demandez-en un nouveau.",
    link_used: "Ce lien a déjà servi. Connectez-vous, ou demandez un nouveau lien.",
    token_unknown: "Ce jeton d'API n'existe pas (ou n'est pas à vous).",
    token_scope: "Ce jeton d'API (portée {scope}) ne permet pas cette action.",
    account_deactivated: "Ce compte a été désactivé : adressez-vous à un administrateur.",
    supervisor_only: "Réservé aux administrateurs et superviseurs.",
    seq_unknown: "Ce message n'est pas une réponse du chatbot de cette conversation.",
    survey_answered: "Vous avez déjà répondu à ce questionnaire de satisfaction.",
    period_too_long: "La période est trop longue (731 jours au plus).",
    // Personal data (issue 15, item 8).
    retention_mode_invalid: "mode inconnu « {value} » (supprimer ou anonymiser)",
    subject_both: "donnez une adresse e-mail ou un numéro de visiteur, pas les deux",
    subject_missing: "donnez une adresse e-mail ou un numéro de visiteur",
    signed_out: "Vous avez été déconnecté·e : votre session a été fermée ou votre compte désactivé.",
  },
  en: {
    // History, bots and transcripts (issue 12).
    unknown_operator: "no operator “{operator}”",
    date_invalid: "not a valid date",
    period_invalid: "the end of the period is before its start",
    cursor_invalid: "this page no longer exists: search again",
    default_not_in_langs: "the default language must be one of the bot's languages",
    bot_archived: "This bot is archived: it is no longer available.",
    transcript_off: "The Transcript module is off for this bot.",
    no_livechat: "The transcript is offered at the end of a conversation with an operator.",
    too_many_transcripts: "Too many transcripts asked for this conversation ({max} an hour): try again later.",
    invalid: (p, label, message) => message || "invalid value",
    required: "required",
    too_long: "too long ({max} characters at most)",
    too_short: "too short ({min} characters at least)",
    too_many: "too many ({max} at most)",
    single_line: "must be a single line",
    control_char: "holds a control character (only line breaks are allowed)",
    lang_invalid: "unknown language “{value}” (fr or en)",
    out_of_range: (p) => `between ${p.min} and ${p.max}${p.unit ? ` ${UNIT.en[p.unit] || p.unit}` : ""}`,
    email_invalid: "“{value}” is not a valid email address (example: name@example.com)",
    slug_invalid: "“{value}” is not a valid identifier (2 to 40 characters among a-z, 0-9 and -)",
    name_invalid: "required, {max} characters at most, no line break",
    role_invalid: "unknown role “{value}”",
    id_invalid: "“{value}”: letters, digits, “-”, “_” and “.” only",
    id_repeated: "the id “{id}” appears more than once in the file",
    id_mismatch: "the form's id differs from the address's",
    id_taken: "a knowledge item already has this id",
    slug_taken: "a bot already has this identifier",
    email_taken: "an account already uses this email address",
    related_unknown: "the related item “{id}” does not exist",
    related_self: "an item cannot be related to itself",
    translation_same_lang: "a translation must be in the other language",
    translation_self: "an item cannot be its own translation",
    translation_unknown: "the translation “{id}” does not exist",
    translation_lang: (p) => `the translation “${p.id}” is in ${LANG_NAME.en[p.found] || p.found}, not in ${LANG_NAME.en[p.expected] || p.expected}`,
    translations_invalid: "unreadable translations (expected: en=id)",
    item_unreadable: "unreadable item ({detail})",
    line_unreadable: "unreadable line ({detail})",
    bool_invalid: "expected yes/no (true/false)",
    file_not_json: "not a valid JSON knowledge file ({\"knowledge\": [...]})",
    csv_header: "the CSV header cannot be read",
    csv_columns: "missing CSV columns",
    import_format: "send a JSON or CSV file",
    not_utf8: "the file is not UTF-8 text",
    invalid_import: "The file was rejected, nothing was imported.",
    url_not_absolute: "“{value}” is not an absolute URL (example: https://intranet.example.com/help)",
    url_not_http: "must be an http:// or https:// URL with a host",
    url_fragment: "must not have a #fragment (the link adds ?vigie_mc=… to it)",
    module_unknown: "unknown module “{value}”",
    resource_unknown: "unknown text “{value}”",
    client_id_invalid: "invalid message id",
    message_empty: "the message is empty",
    message_too_long: "the message is too long ({max} characters at most)",
    body_invalid: "invalid data ({detail})",
    json_malformed: "malformed JSON ({detail})",
    json_expected: "the request body must be JSON",
    json_object_expected: "the request body must be a JSON object",
    bad_request: "Bad request.",
    query_invalid: "invalid search parameters ({detail})",
    filter_invalid: "invalid filter",
    format_invalid: "unknown format “{value}” (json or csv)",
    not_found: (p) => `${cap(WHAT.en[p.what] || p.what || "item")} not found.`,
    no_route: "Unknown address.",
    conflict: "This already exists.",
    deploy_concurrent: "Another deployment is running: try again.",
    bad_credentials: "Wrong email address or password.",
    login_required: "Sign in first.",
    session_expired: "Your session has expired: sign in again.",
    token_invalid: "Invalid API token.",
    csrf: "The page has expired: reload it and try again.",
    admin_only: "Administrators only.",
    forbidden: "Action refused.",
    not_deployed: "the bot “{bot}” has not been deployed yet: deploy it first",
    module_off: "the Monitored conversations module is off for the bot “{bot}”: switch it on in Integration › Web › Dialog box (advanced view), then deploy",
    prefix_url_missing: "no prefix URL: fill in “Monitored conversations – Prefix URL” in Livechat settings › General › Misc",
    knowledge_not_deployed: "the knowledge item “{id}” is not in the bot's deployed version",
    knowledge_lang: (p) => `the knowledge item “${p.id}” is in ${LANG_NAME.en[p.found] || p.found} and the conversation in ${LANG_NAME.en[p.expected] || p.expected}: choose an item in ${LANG_NAME.en[p.expected] || p.expected}`,
    already_livechat: "the visitor is already in livechat (or waiting for an operator)",
    offer_pending: "an offer of help is already waiting for the visitor's answer",
    no_offer: "no offer of help is waiting for an answer",
    monitored_links_not_yours: "Only its creator, an admin or a supervisor may resend or revoke this monitored conversation's link.",
    monitored_not_yours: "Only its creator, an admin or the operator it was handed over to may act on this monitored conversation.",
    not_yours: "this conversation is not one of yours (take it from the queue first)",
    conversation_moved: "The conversation changed meanwhile (taken, ended or transferred): look again.",
    not_live: "Nobody holds this conversation (it is with the assistant).",
    already_yours: "You already hold this conversation.",
    same_operator: "This operator already holds it.",
    not_handed_over: "Only a conversation waiting in the queue or held by an operator can be reassigned.",
    not_queued: "this conversation is not waiting in the queue",
    cannot_take: "you cannot take it: you are offline or at your capacity",
    operator_unavailable: "{name} is not available to take it",
    availability_invalid: "unknown status “{value}”",
    away_reason_unknown: "“{value}” is not one of the listed away reasons",
    hours_invalid: "“{value}” is not a list of hours like 09:00-12:00, 14:00-18:00 (in order, not overlapping)",
    timezone_unknown: "unknown time zone “{value}” (an IANA name like Europe/Paris)",
    date_invalid: "“{value}” is not a date like 2026-12-25",
    offline_form_off: "This bot takes no offline messages (no team address is set).",
    not_offline: "This conversation has no offline message to answer.",
    visitor_blocked: "you can no longer write in this conversation for now",
    block_duration_invalid: "choose a duration: 1 hour, 24 hours, 7 days or permanently",
    block_no_visitor: "this conversation has no visitor to block",
    block_over: "this block was already lifted or is over",
    supervisors_only: "for supervisors and admins only",
    canned_shortcut_invalid: "a shortcut is “/” followed by 1 to 30 letters, digits, - or _",
    canned_shortcut_taken: "the shortcut {shortcut} already exists for this bot and language",
    canned_variable_unknown: "unknown variable “{name}” (available: {visitor_name}, {operator_name}, {conversation_name})",
    reason_only_away: "a reason goes with the Away status only",
    duplicate_value: "“{value}” is listed twice",
    conversation_unknown: "Unknown conversation.",
    livechat_off: (p, l, m) => m,
    template_error: (p) => `${atLine("en", p)}template error (${p.detail})`,
    template_variable: (p) => `${atLine("en", p)}unknown variable “${p.name}” (available: ${p.available})`,
    subject_multiline: "the subject must be a single line",
    subject_empty: "the subject renders empty",
    too_many_requests: "Too many attempts: wait a minute and try again.",
    login_locked: (p) => `Too many wrong passwords from this address for this account: try again in ${Math.ceil((p.seconds || 60) / 60)} min.`,
    rate_limited: "Too many messages, wait a moment.",
    too_many_connections: "Too many connections open from this address: close some tabs or wait.",
    payload_too_large: "Too large.",
    internal: "Server error, try again.",
    malformed: "Malformed message.",
    unauthorized: "Sign in first.",
    unknown_type: "Unknown message type.",
    hello_first: "Connecting, try again.",
    unknown_bot: "This bot does not exist.",
    too_large: "Message too large.",
    link_invalid: "This link is not valid or was replaced by a newer one.",
    link_revoked: "This link was revoked.",
    link_expired: "This link has expired.",
    // People, tokens, audit (issue 12)
    password_is_email: "the password must not be the email address",
    password_common: "this password is too common, choose another one",
    wrong_password: "this is not your current password",
    bad_language: "“{value}” is not a language code such as fr or en",
    bad_date: "“{value}” is not a date (YYYY-MM-DD)",
    bad_number: "a number is expected",
    bad_choice: "choose among {choices}",
    last_admin: "This is the last active admin: make someone else admin first.",
    cannot_deactivate_self: "You cannot deactivate your own account.",
    not_invited: "This person has already chosen a password (or is deactivated): no invitation to resend.",
    link_unknown: "This link is not valid (mistyped, or replaced by a newer one). Ask for a new one.",
    link_used: "This link has already been used. Log in, or ask for a new link.",
    token_unknown: "This API token does not exist (or is not yours).",
    token_scope: "This API token (scope {scope}) does not allow this.",
    account_deactivated: "This account has been deactivated: ask an admin.",
    supervisor_only: "For admins and supervisors only.",
    seq_unknown: "This message is not an answer of this conversation's chatbot.",
    survey_answered: "You have already answered this satisfaction survey.",
    period_too_long: "The period is too long (731 days at most).",
    // Personal data (issue 15, item 8).
    retention_mode_invalid: "unknown mode “{value}” (delete or anonymize)",
    subject_both: "give an email address or a visitor number, not both",
    subject_missing: "give an email address or a visitor number",
    signed_out: "You have been signed out: your session was closed or your account deactivated.",
  },
});
