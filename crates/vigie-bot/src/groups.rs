//! Matching groups: a built-in lexicon of generic helpdesk, IT, HR and office
//! vocabulary, French and English, as sets of interchangeable words and
//! phrases (synonyms, abbreviations, slang, cross-language equivalents).
//!
//! Why: visitors rarely use the words of the knowledge base ("mdp" for "mot
//! de passe", "bécane" for "ordinateur", "payslip" for "fiche de paie").
//! Every member of a group is mapped, at index *and* query time, to a group
//! token that the scorer credits below an exact match ([`crate::Params::group`]).
//! Multi-word members ("mot de passe", "fiche de paie", "not working") are
//! recognised on the folded words before stop-word removal and become a
//! single token, so that "mot de passe" and "mdp" weigh the same.
//!
//! Members are matched by their Snowball stems in the language of the
//! sub-index being searched, whatever their own language, so one table serves
//! both languages. The lexicon is generic (shared by all deployments) and was
//! written from general knowledge of how employees talk, not from any
//! evaluation set.

use crate::normalize::{self, Token};
use crate::Lang;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The built-in groups. Words are written naturally; they are folded and
/// stemmed when the tables are built.
#[rustfmt::skip]
pub const GROUPS: &[&[&str]] = &[
    // ---- accounts, authentication
    &["mot de passe", "mdp", "password", "passwd", "pwd", "passcode", "mot-de-passe", "identifiants", "credentials", "code d'accès", "code secret", "motdepasse", "mot 2 passe", "mdps", "pass word", "pasword", "passwort", "code pin"],
    &["identifiant", "login", "username", "user name", "nom d'utilisateur", "user id", "userid", "id de connexion", "matricule", "nom de compte", "account name", "login name", "trigramme", "adresse de connexion"],
    &["bloqué", "verrouillé", "locked", "lockout", "locked out", "bloquer", "verrouiller", "suspendu", "suspended", "désactivé", "disabled"],
    &["débloquer", "déverrouiller", "unlock", "unblock", "réactiver", "reactivate"],
    &["oublié", "oubli", "forgot", "forgotten", "perdu", "lost", "souviens plus", "remember", "rappelle plus", "retrouver", "récupérer", "recover"],
    &["réinitialiser", "réinitialisation", "reset", "remettre à zéro", "raz", "regénérer", "regenerate"],
    &["expiré", "expire", "expiration", "expired", "périmé", "outdated", "plus valide", "no longer valid"],
    &["authentification", "authentication", "mfa", "2fa", "double authentification", "two factor", "two-factor", "2 facteurs", "double facteur", "otp", "authenticator", "authentificateur", "code de vérification", "verification code", "code sms", "sms code", "a2f", "double auth", "double authent", "validation en deux étapes", "vérification en deux étapes", "authentification à deux facteurs", "two-step verification", "2-step verification", "2sv", "multi-factor", "multifactor", "code à usage unique", "one-time password", "one time code", "jeton", "token", "yubikey", "notification push", "push notification"],
    &["connexion", "connecter", "login", "log in", "logon", "sign in", "signin", "se connecter", "connect", "ouvrir une session", "s'identifier", "authentifier"],
    &["déconnexion", "déconnecter", "logout", "log out", "sign out", "disconnect", "déconnecté", "disconnected", "coupe", "coupé", "drops", "dropping"],
    &["accès", "access", "droits", "droit", "rights", "permission", "permissions", "autorisation", "authorization", "habilitation", "privilèges", "privileges"],
    &["administrateur", "admin", "administrator", "droits admin", "admin rights", "élévation", "elevation"],
    &["sso", "single sign-on", "authentification unique", "okta", "azure ad", "entra", "active directory", "ad"],
    // ---- computers and devices
    &["ordinateur", "pc", "portable", "laptop", "poste", "poste de travail", "machine", "bécane", "computer", "notebook", "desktop", "workstation", "ordi", "unité centrale", "dell", "lenovo", "thinkpad", "elitebook", "probook", "chromebook", "macbook", "ultrabook", "pécé", "computeur", "ordinnateur", "ordinatuer"],
    &["windows", "win10", "win11", "windows 10", "windows 11", "os", "système d'exploitation", "operating system"],
    &["écran", "moniteur", "monitor", "screen", "display", "affichage", "dalle"],
    &["deuxième écran", "second écran", "double écran", "second screen", "dual screen", "external monitor", "écran externe", "multi-écran", "2e écran", "2ème écran", "2nd screen", "second monitor", "dual monitor", "dual monitors", "deux écrans", "2 écrans", "écran supplémentaire", "additional monitor", "extra monitor", "extra screen", "autre écran", "écran secondaire", "étendre l'affichage", "dupliquer l'écran", "extend display"],
    &["souris", "mouse", "trackpad", "pavé tactile", "touchpad", "curseur", "cursor", "pointeur", "trackball"],
    &["imprimante", "imprimer", "printer", "print", "impression", "printing", "copieur", "photocopieuse", "copier", "multifonction", "mfp", "traceur", "xerox", "ricoh", "canon", "konica", "lexmark", "kyocera", "epson", "followme", "follow me", "imprimente", "imprimantes"],
    &["scanner", "scan", "scanneur", "numériser", "numérisation", "scanning", "scanné"],
    &["bourrage", "jam", "paper jam", "coincé", "stuck", "papier coincé", "bloqué dans"],
    &["toner", "cartouche", "encre", "ink", "cartridge", "consommable", "consommables"],
    &["casque", "headset", "écouteurs", "headphones", "earphones", "oreillette", "airpods", "jabra", "plantronics", "earbuds", "headphone", "écouteur", "kit mains libres", "hands-free"],
    &["son", "audio", "sound", "haut-parleur", "haut-parleurs", "speaker", "speakers", "volume", "enceinte", "pas de son", "no sound", "entends rien", "entends pas", "can't hear", "cannot hear", "haut parleur"],
    &["batterie", "battery", "charge", "charger", "chargeur", "charging", "alimentation", "power", "secteur", "adaptateur", "adapter", "bloc d'alimentation", "power supply", "power adapter", "ac adapter", "transfo", "transformateur", "cordon d'alimentation", "power cord", "se charge pas", "charge plus", "batteries"],
    &["câble", "cable", "cordon", "fil", "hdmi", "displayport", "usb-c", "usb c", "type-c", "dock", "docking", "station d'accueil", "réplicateur", "hub", "docking station", "dockstation", "port replicator", "réplicateur de ports", "thunderbolt", "dongle", "adaptateur hdmi", "adaptateur vga", "adaptateur usb-c", "vga", "dvi", "rallonge"],
    &["usb", "clé usb", "clef usb", "usb key", "usb stick", "thumb drive", "flash drive", "disque externe", "external drive", "support amovible"],
    &["téléphone", "phone", "smartphone", "mobile", "portable", "cellulaire", "cell", "iphone", "android", "gsm", "tel", "samsung", "galaxy", "xiaomi", "huawei", "oppo", "oneplus", "motorola", "nokia", "ios", "cellphone", "téléfone", "telefone", "tél"],
    &["fixe", "ligne fixe", "desk phone", "landline", "poste téléphonique", "téléphone fixe", "softphone", "switchboard"],
    &["messagerie vocale", "répondeur", "voicemail", "voice mail", "boîte vocale", "message vocal"],
    &["sim", "carte sim", "sim card", "esim", "forfait", "abonnement mobile"],
    &["matériel", "hardware", "équipement", "equipment", "appareil", "device", "périphérique", "peripheral", "gadget"],
    &["disque", "disk", "drive", "ssd", "disque dur", "hard drive", "stockage", "storage", "espace disque", "disk space", "plein", "full", "saturé", "quota", "plus de place", "plus d'espace", "espace insuffisant", "out of space", "no space left", "over quota", "saturée"],
    &["allumer", "démarrer", "démarrage", "boot", "booter", "start", "startup", "power on", "turn on", "switch on", "s'allume", "lancer", "launch"],
    &["éteindre", "arrêter", "shutdown", "shut down", "turn off", "power off", "switch off", "s'éteint", "extinction"],
    &["redémarrer", "redémarrage", "reboot", "restart", "relancer", "rebooter"],
    &["écran bleu", "bsod", "blue screen", "crash", "plante", "planté", "plantage", "freeze", "freezes", "frozen", "figé", "fige", "gèle", "gelé", "crashes", "crashed", "ne répond plus", "ne répond pas", "not responding", "hangs", "hanging", "freezé", "écran figé", "tourne en boucle", "sablier", "spinning wheel", "roue qui tourne", "crashe", "crasher", "bloqué sur le logo"],
    &["lent", "lenteur", "lenteurs", "rame", "ramer", "mouline", "mouliner", "slow", "sluggish", "laggy", "lag", "lags", "traîne", "poussif", "performance", "performances", "long à", "lentement", "slowly", "slowness", "saccade", "saccadé", "saccades", "choppy", "takes forever", "takes ages", "met des heures", "prend des heures", "met un temps fou", "trop long", "super long", "ramouille", "rament", "lenteur extrême"],
    &["cassé", "fissuré", "broken", "ko", "hs", "hors service", "marche plus", "marche pas", "fonctionne plus", "fonctionne pas", "not working", "doesnt work", "doesn't work", "does not work", "stopped working", "out of order", "en panne", "panne", "défectueux", "faulty", "damaged", "endommagé", "abîmé", "mort", "dead", "cracked", "fêlé", "fendu", "brisé", "rayé", "scratched", "shattered", "smashed", "éclaté", "pété", "foutu", "naze", "nase", "kaput", "fichu", "bousillé", "flingué", "défaillant", "busted", "broke", "marche mal", "fonctionne mal", "déconne", "won't work", "wont work", "isn't working", "isnt working", "aren't working", "renversé", "spilled", "fait tomber", "démagnétisé", "demagnetized"],
    &["réparer", "réparation", "repair", "fix", "fixer", "dépanner", "dépannage", "résoudre", "resolve", "solve", "troubleshoot"],
    &["remplacer", "remplacement", "replace", "replacement", "swap", "échanger", "échange"],
    &["perdu", "volé", "vol", "stolen", "theft", "lost", "perte", "égaré", "misplaced", "disparu"],
    // ---- network
    &["réseau", "network", "lan", "ethernet", "câble réseau", "rj45", "filaire", "wired", "rj-45"],
    &["wifi", "wi-fi", "wlan", "sans fil", "wireless", "borne", "hotspot", "point d'accès", "access point", "wi fi", "ssid", "wiffi", "wify", "wiifi"],
    &["internet", "web", "connexion internet", "internet connection", "navigation", "en ligne", "online", "hors ligne", "offline", "hors-ligne"],
    &["vpn", "globalprotect", "anyconnect", "forticlient", "tunnel", "accès distant", "remote access", "à distance", "remotely", "connexion à distance", "vpm", "cisco", "fortinet", "pulse secure", "zscaler", "wireguard", "openvpn", "ivanti"],
    &["proxy", "pare-feu", "firewall", "filtrage", "filtering", "bloqué par", "blocked by"],
    &["site", "site web", "website", "page", "url", "lien", "link", "adresse web"],
    &["navigateur", "browser", "chrome", "firefox", "edge", "safari", "internet explorer", "mozilla", "opera", "brave", "navigateurs", "browsers"],
    &["débit", "bande passante", "bandwidth", "speed", "vitesse", "latence", "latency", "ping"],
    &["partage", "dossier partagé", "shared folder", "share", "lecteur réseau", "network drive", "mapped drive", "serveur de fichiers", "file server", "répertoire partagé"],
    // ---- email, calendar, collaboration
    &["mail", "email", "e-mail", "courriel", "mél", "messagerie", "mailbox", "boîte mail", "boîte aux lettres", "boite de réception", "inbox", "courrier", "adresse mail", "adresse email", "adresse e-mail", "adresse mél", "email address", "mail address", "mails", "emails", "courriels", "mel", "emeil", "imail"],
    &["outlook", "thunderbird", "gmail", "exchange", "owa", "webmail", "client mail", "new outlook", "apple mail", "mail app", "lotus notes", "zimbra"],
    &["envoyer", "envoi", "send", "sending", "sent", "expédier", "transmettre"],
    &["recevoir", "reçu", "réception", "receive", "receiving", "received", "arrive pas", "arrivent pas", "not arriving"],
    &["pièce jointe", "pj", "attachment", "attachments", "fichier joint", "joindre", "attach", "attached"],
    &["spam", "indésirable", "indésirables", "junk", "pourriel", "courrier indésirable", "junk mail"],
    &["phishing", "hameçonnage", "arnaque", "scam", "frauduleux", "fraudulent", "suspicious", "suspect", "louche", "fishing"],
    &["signature", "signature mail", "email signature", "signature électronique", "e-signature", "docusign"],
    &["absence", "absent", "message d'absence", "out of office", "ooo", "réponse automatique", "automatic reply", "auto reply", "autoreply", "gestionnaire d'absence", "out-of-office", "auto-reply", "autoresponder", "réponse auto", "réponse d'absence", "message automatique", "absence auto"],
    &["liste de diffusion", "mailing list", "distribution list", "groupe mail", "alias", "dl"],
    &["agenda", "calendrier", "calendar", "planning", "schedule", "emploi du temps"],
    &["réunion", "meeting", "rendez-vous", "rdv", "appointment", "invitation", "invite", "visio", "visioconférence", "conférence", "conference", "call"],
    &["teams", "microsoft teams", "zoom", "webex", "google meet", "meet", "skype", "slack", "msteams", "gmeet", "jitsi", "whereby", "gotomeeting", "goto meeting"],
    &["salle", "salle de réunion", "meeting room", "room", "salle de conf", "conference room", "salle de visio"],
    &["réserver", "réservation", "book", "booking", "reserve", "reservation", "bloquer un créneau"],
    &["partager", "partage d'écran", "share", "sharing", "screen share", "screen sharing", "diffuser", "présenter"],
    &["chat", "messagerie instantanée", "instant message", "im", "tchat", "discussion"],
    // ---- software, files
    &["logiciel", "application", "appli", "app", "software", "programme", "program", "outil", "tool", "progiciel", "vlc", "7zip", "7-zip", "winrar", "winzip", "notepad++", "notepad", "photoshop", "illustrator", "indesign", "adobe", "autocad", "gimp", "vscode", "visual studio", "python", "java", "filezilla", "putty", "power bi", "powerbi", "jira", "confluence", "trello", "miro", "figma", "canva", "chatgpt", "copilot", "logiciels", "applis", "applications", "apps", "softs"],
    &["installer", "installation", "install", "installing", "setup", "mettre en place", "déployer", "deploy"],
    &["désinstaller", "désinstallation", "uninstall", "remove", "supprimer le logiciel"],
    &["mise à jour", "màj", "maj", "update", "updates", "upgrade", "mettre à jour", "patch", "nouvelle version", "new version", "updating"],
    &["licence", "license", "licences", "licenses", "abonnement", "subscription", "activation", "activer", "activate", "clé de produit", "product key"],
    &["office", "microsoft 365", "office 365", "o365", "m365", "pack office", "suite bureautique", "office365", "microsoft365"],
    &["excel", "tableur", "spreadsheet", "xlsx", "classeur", "workbook", "feuille de calcul", "xls", "google sheets", "macro", "macros", "tableau croisé dynamique", "pivot table"],
    &["powerpoint", "ppt", "pptx", "présentation", "presentation", "slides", "diaporama", "power point", "keynote", "google slides", "diapo", "diapos"],
    &["fichier", "file", "files", "document", "documents", "doc", "docs", "dossier", "folder", "répertoire", "directory"],
    &["onedrive", "sharepoint", "drive", "google drive", "dropbox", "cloud", "nuage", "sync", "synchronisation", "synchroniser", "synchronization", "one drive", "share point", "synchro"],
    &["sauvegarde", "sauvegarder", "backup", "back up", "save", "enregistrer", "archive", "archiver"],
    &["restaurer", "restauration", "restore", "récupérer", "recover", "recovery", "version précédente", "previous version", "corbeille", "recycle bin", "trash"],
    &["supprimé", "supprimer", "effacé", "effacer", "deleted", "delete", "erase", "erased", "disparu", "gone", "missing", "manquant"],
    &["erreur", "error", "message d'erreur", "error message", "code erreur", "error code", "bug", "beug", "bogue", "plantage", "dysfonctionnement", "glitch", "failure", "échec", "failed", "fails", "bugue", "buggé", "beugue", "beugé", "buggy", "bugs", "beugs", "ça bug", "ça beug"],
    &["problème", "souci", "soucis", "pb", "prob", "issue", "issues", "problem", "trouble", "incident", "anomalie", "difficulté", "difficulty"],
    &["virus", "malware", "ransomware", "rançongiciel", "logiciel malveillant", "infecté", "infected", "cheval de troie", "trojan", "piratage", "piraté", "hacked", "compromis", "compromised"],
    &["antivirus", "anti-virus", "defender", "edr", "sécurité", "security", "protection"],
    &["chiffrement", "chiffré", "encryption", "encrypted", "bitlocker", "clé de récupération", "recovery key", "crypté", "cryptage"],
    &["ticket", "demande", "request", "requête", "incident", "signaler", "signalement", "report", "déclarer", "ouvrir un ticket", "open a ticket", "glpi", "servicenow", "service now", "easyvista", "zendesk", "tickets"],
    &["support", "helpdesk", "help desk", "service desk", "servicedesk", "hotline", "assistance", "dsi", "service informatique", "it", "informatique", "support it", "it support", "tech support", "informaticien", "informaticiens", "technicien", "techniciens", "technician", "tech", "it desk", "service info", "équipe it", "it team", "it department", "help-desk", "hot line"],
    &["urgent", "urgence", "emergency", "asap", "au plus vite", "rapidement", "quickly", "priorité", "priority", "critique", "critical", "bloquant", "blocking"],
    &["délai", "combien de temps", "how long", "durée", "duration", "délais", "turnaround", "sla"],
    // ---- actions
    &["changer", "modifier", "change", "modify", "edit", "éditer", "mettre à jour", "update", "corriger", "correct", "rectifier"],
    &["créer", "création", "create", "creation", "nouveau compte", "new account", "set up", "setup"],
    &["supprimer", "suppression", "delete", "remove", "removal", "retirer", "enlever", "effacer", "clôturer"],
    &["demander", "demande", "request", "ask", "solliciter", "obtenir", "besoin", "commander", "order"],
    &["trouver", "trouve", "find", "chercher", "rechercher", "search", "look for", "localiser", "locate"],
    &["aide", "aider", "help", "assistance", "dépannage", "support", "sos"],
    &["configurer", "configuration", "paramétrer", "paramétrage", "paramètres", "réglages", "régler", "settings", "configure", "config", "set up", "options"],
    &["télécharger", "téléchargement", "download", "downloading", "dl"],
    &["téléverser", "uploader", "upload", "importer", "import", "déposer"],
    &["transférer", "transfert", "transfer", "forward", "rediriger", "redirection", "redirect", "renvoi", "renvoyer"],
    &["annuler", "annulation", "cancel", "cancellation", "cancelled", "canceled", "révoquer", "revoke"],
    &["valider", "validation", "approuver", "approbation", "approve", "approval", "accepter", "accept", "signer", "sign", "confirmer", "confirm"],
    &["refusé", "rejeté", "refus", "rejected", "denied", "declined", "refused", "rejet"],
    &["migrer", "migration", "migrate", "transférer les données", "data transfer", "déménager"],
    &["imprimer en couleur", "couleur", "color", "colour", "noir et blanc", "black and white", "recto verso", "double-sided", "duplex"],
    // ---- HR: people, contracts, lifecycle
    &["congé", "congés", "vacances", "leave", "holiday", "holidays", "vacation", "time off", "pto", "cp", "congés payés", "paid leave", "jours de congé", "days off", "day off", "repos", "annual leave", "jour off", "jours off", "pont", "faire le pont", "vacs"],
    &["rtt", "jrtt", "réduction du temps de travail", "jour de repos", "récupération", "récup", "comp day", "lieu day", "time in lieu"],
    &["maladie", "malade", "arrêt maladie", "arrêt de travail", "sick", "sick leave", "illness", "ill", "sickness", "certificat médical", "medical certificate", "doctor's note", "varicelle", "grippe", "gastro", "gastroentérite", "covid", "rhume", "fièvre", "angine", "otite", "bronchite", "migraine", "flu", "fever", "hospitalisation", "hospitalisé", "hospitalisée", "hôpital", "hospital", "hospitalized", "hospitalised", "chirurgie", "surgery", "fit note", "arrêt médical", "avis d'arrêt", "indemnités journalières", "jour de carence", "carence"],
    &["maternité", "paternité", "parental", "congé parental", "maternity", "paternity", "parental leave", "naissance", "birth", "grossesse", "pregnancy", "enceinte", "pregnant", "adoption", "bébé", "baby", "accouchement", "naître", "nouveau-né", "newborn", "congé mat", "congé pat"],
    &["absence", "absences", "absent", "absentéisme", "away", "off work"],
    &["solde", "compteur", "balance", "remaining", "restant", "combien de jours", "how many days", "acquis", "accrued"],
    &["poser", "demande de congé", "leave request", "poser un congé", "request leave", "time off request"],
    &["salaire", "paie", "paye", "bulletin", "bulletin de paie", "bulletin de salaire", "fiche de paie", "fiche de paye", "payslip", "pay slip", "paystub", "pay stub", "salary", "rémunération", "pay", "payroll", "wage", "wages", "virement de salaire", "paycheck", "payday", "pay day", "paid", "get paid", "feuille de paie", "fiche paie", "fiche paye", "fiche salaire", "paies", "salaires", "payé", "payés"],
    &["augmentation", "raise", "pay rise", "hausse de salaire", "revalorisation", "salary increase", "augmentation de salaire"],
    &["prime", "bonus", "primes", "gratification", "13e mois", "treizième mois", "intéressement", "participation", "profit sharing", "incentive", "part variable", "variable pay", "commissions", "ppv"],
    &["heures supplémentaires", "heures sup", "overtime", "heures supp", "extra hours"],
    &["impôt", "impôts", "tax", "taxes", "prélèvement à la source", "withholding", "taux d'imposition", "tax rate", "fiscal"],
    &["virement", "bank transfer", "rib", "iban", "coordonnées bancaires", "bank details", "bank account", "compte bancaire", "banque", "bank", "relevé d'identité bancaire", "bic", "swift", "compte en banque", "direct deposit", "sort code", "domiciliation bancaire"],
    &["note de frais", "notes de frais", "frais", "expense", "expenses", "expense report", "expense claim", "remboursement", "rembourser", "reimbursement", "reimburse", "refund", "dépense", "dépenses", "justificatif", "receipt", "reçu", "facture", "invoice", "ndf", "n2f", "concur", "expensya", "notilus", "spendesk", "ticket de caisse", "facturette"],
    &["déplacement", "voyage", "mission", "business trip", "travel", "trip", "déplacement professionnel", "séminaire"],
    &["train", "billet", "ticket de train", "sncf", "avion", "flight", "plane", "hôtel", "hotel", "hébergement", "accommodation", "réservation de voyage"],
    &["voiture", "véhicule", "car", "vehicle", "voiture de fonction", "company car", "véhicule de service", "pool car", "kilométrique", "indemnités kilométriques", "mileage", "carburant", "fuel", "essence"],
    &["transport", "navigo", "pass transport", "abonnement transport", "public transport", "commute", "trajet", "vélo", "bike", "bicycle", "forfait mobilités", "taxi", "uber", "vtc", "cab", "rer", "métro", "metro", "bus", "tram", "navette", "shuttle", "trottinette", "covoiturage", "carpool", "carpooling"],
    &["parking", "place de parking", "stationnement", "car park", "parking space", "garer", "park", "garage", "place de stationnement", "places de parking"],
    &["mutuelle", "complémentaire santé", "health insurance", "santé", "health", "prévoyance", "assurance", "insurance", "couverture", "coverage", "medical", "médical", "dentaire", "dental"],
    &["médecin du travail", "médecine du travail", "visite médicale", "occupational health", "occupational doctor", "santé au travail"],
    &["retraite", "pension", "retirement", "épargne salariale", "pee", "perco", "pereco", "savings plan", "401k", "retraité", "retraitée", "retired", "retiring", "départ à la retraite", "départ en retraite", "retire"],
    &["tickets restaurant", "ticket restaurant", "titres restaurant", "titre-restaurant", "carte restaurant", "swile", "meal voucher", "meal vouchers", "lunch voucher", "cantine", "restaurant d'entreprise", "canteen", "cafétéria", "cafeteria", "ticket resto", "tickets resto", "titre resto", "titres resto", "carte resto", "carte déjeuner", "carte repas", "carte ticket restaurant", "edenred", "sodexo", "pluxee", "apetiz", "up déjeuner", "bimpli", "lunch card", "meal card", "panier repas"],
    &["arrivée", "embauche", "onboarding", "nouvel arrivant", "nouvelle arrivante", "nouveaux arrivants", "new hire", "new joiner", "new starter", "newcomer", "intégration", "premier jour", "first day", "accueil", "welcome", "recrutement", "hiring", "recruitment", "nouveau collaborateur", "new employee"],
    &["départ", "démission", "quitter", "offboarding", "resign", "resignation", "leaving", "quit", "fin de contrat", "end of contract", "licenciement", "dismissal", "rupture conventionnelle", "préavis", "notice period", "solde de tout compte", "démissionner", "démissionne", "dernier jour", "last day", "licencié", "fired", "laid off", "layoff", "redundancy", "leaver", "leavers", "rupture", "départ à la retraite", "départ en retraite", "quitter l'entreprise", "leave the company", "leaving the company"],
    &["contrat", "contract", "cdi", "cdd", "permanent contract", "fixed-term", "avenant", "amendment", "période d'essai", "probation", "probation period", "trial period"],
    &["stage", "stagiaire", "intern", "internship", "alternance", "alternant", "apprenti", "apprentice", "apprenticeship", "trainee"],
    &["formation", "training", "cours", "course", "e-learning", "elearning", "apprendre", "learn", "learning", "atelier", "workshop", "certification", "cpf", "mooc", "webinar", "webinaire", "coaching", "bilan de compétences", "montée en compétences", "upskilling", "formations"],
    &["entretien annuel", "évaluation", "entretien individuel", "review", "performance review", "appraisal", "annual review", "objectifs", "objectives", "goals", "feedback", "entretien professionnel", "entretien d'évaluation", "eae", "entretien de fin d'année", "year-end review", "mid-year review", "bilan annuel", "self-assessment", "auto-évaluation", "entretiens annuels"],
    &["manager", "responsable", "chef", "supérieur", "n+1", "boss", "supervisor", "line manager", "hiérarchie", "hiérarchique", "encadrant", "cheffe", "chef d'équipe", "team lead", "team leader", "manageur"],
    &["rh", "ressources humaines", "hr", "human resources", "drh", "service du personnel", "personnel", "gestionnaire rh", "hrbp"],
    &["collègue", "collègues", "colleague", "colleagues", "coworker", "co-worker", "équipe", "team", "teammate", "collaborateur", "collaborateurs", "employé", "employee", "salarié", "staff"],
    &["télétravail", "teletravail", "remote", "remote work", "work from home", "wfh", "home office", "travail à distance", "à la maison", "from home", "domicile", "distanciel", "tt", "télétravailler", "teletravailler", "télétravaille", "hybride", "hybrid", "remote working", "working from home", "work remotely", "travailler à distance", "télétravailleur", "home-office"],
    &["horaires", "horaire", "heures", "hours", "working hours", "temps de travail", "planning", "schedule", "shift", "astreinte", "on call", "pointage", "badgeuse", "timesheet", "feuille de temps", "time tracking", "pointer", "clock in"],
    &["attestation", "certificat", "certificate", "attestation employeur", "employment certificate", "proof of employment", "justificatif", "document administratif", "certificat de travail"],
    &["mutation", "mobilité", "mobility", "transfert interne", "internal transfer", "poste interne", "job posting", "offre interne", "internal job", "promotion", "évolution", "career", "carrière"],
    &["handicap", "disability", "rqth", "accessibilité", "accessibility", "aménagement de poste", "accommodation"],
    &["harcèlement", "harassment", "discrimination", "bullying", "signalement", "whistleblowing", "lanceur d'alerte", "éthique", "ethics", "conflit", "conflict"],
    &["cse", "comité d'entreprise", "works council", "représentant du personnel", "délégué", "syndicat", "union", "avantages", "benefits", "perks", "chèques vacances", "chèques cadeaux"],
    &["organigramme", "org chart", "organisation chart", "annuaire", "directory", "trombinoscope", "who's who"],
    &["déménagement", "adresse", "address", "changement d'adresse", "change of address", "domicile", "relocation", "relocate", "moving", "adresse postale", "postal address", "home address", "adresse personnelle", "changement de domicile", "moved house", "move house"],
    &["situation familiale", "mariage", "marriage", "married", "pacs", "divorce", "enfant", "child", "children", "famille", "family", "conjoint", "conjointe", "époux", "épouse", "spouse", "mari", "ayant droit", "ayants droit", "dependents", "dependants", "kids", "kid", "pacsé", "pacsée", "wedding", "se marier", "enfants", "mon fils", "ma fille"],
    &["décès", "deuil", "bereavement", "funeral", "obsèques", "death", "décédé", "décédée", "deceased", "passed away", "died", "enterrement", "burial", "compassionate leave", "perte d'un proche"],
    // ---- office, facilities
    &["badge", "carte d'accès", "access card", "badge d'accès", "carte badge", "key card", "keycard", "id card", "carte professionnelle", "badges", "carte magnétique", "carte de badge", "badger", "badgé", "swipe card"],
    &["bureau", "office", "open space", "locaux", "premises", "bâtiment", "building", "site", "étage", "floor", "desk", "poste de travail", "siège social", "headquarters", "hq", "agence", "campus", "flex office", "flex desk", "hot desk", "hot desking", "desk booking", "bureaux"],
    &["clé", "clef", "clés", "clefs", "key", "keys", "serrure", "lock", "casier", "locker", "armoire", "cabinet"],
    &["chauffage", "climatisation", "clim", "heating", "air conditioning", "ac", "température", "temperature", "froid", "chaud", "cold", "hot"],
    &["lumière", "éclairage", "lampe", "ampoule", "light", "lights", "lighting", "bulb"],
    &["ménage", "nettoyage", "propreté", "cleaning", "cleaner", "dirty", "poubelle", "déchets", "trash", "waste", "recyclage"],
    &["services généraux", "facility", "facilities", "moyens généraux", "logistique", "logistics", "maintenance", "entretien des locaux", "office manager"],
    &["fournitures", "fourniture", "supplies", "office supplies", "stylo", "stylos", "pen", "pens", "cahier", "carnet", "notebook", "papeterie", "stationery"],
    &["colis", "courrier", "parcel", "package", "delivery", "livraison", "mail room", "enveloppe", "envelope", "recommandé"],
    &["visiteur", "visiteurs", "visitor", "visitors", "invité", "guest", "guests", "accueil", "reception", "réception", "visitor badge"],
    &["chaise", "fauteuil", "chair", "siège", "seat", "bureau assis-debout", "standing desk", "ergonomie", "ergonomic", "ergonomique"],
    &["café", "machine à café", "coffee", "coffee machine", "cuisine", "kitchen", "frigo", "réfrigérateur", "fridge", "micro-ondes", "microwave", "distributeur", "vending machine"],
    &["toilettes", "wc", "sanitaires", "restroom", "bathroom", "toilet", "toilets", "douche", "shower", "vestiaire"],
    &["incendie", "feu", "fire", "évacuation", "evacuation", "alarme", "alarm", "extincteur", "fire extinguisher", "sécurité incendie"],
    &["accident", "blessé", "blessure", "injury", "injured", "accident du travail", "workplace accident", "premiers secours", "first aid", "secouriste", "infirmerie"],
    &["fuite", "leak", "leaking", "inondation", "flood", "dégât des eaux", "water damage", "plomberie", "plumbing"],
    &["cassé", "abîmé", "dégradé", "détérioré", "damaged", "broken"],
    // ---- more devices, software and places
    &["compte", "account", "profil", "profile", "session"],
    &["mac", "macbook", "imac", "macos", "apple", "os x", "osx"],
    &["clavier", "keyboard", "touche", "touches", "key", "keys", "azerty", "qwerty", "pavé numérique", "numpad", "claviers"],
    &["papier", "paper", "feuille", "feuilles", "ramette", "a4"],
    &["micro", "microphone", "mic", "micro-casque", "on m'entend pas", "on ne m'entend pas", "m'entend pas", "m'entendent pas", "can't hear me", "cannot hear me", "muted", "mute", "sourdine", "micros"],
    &["caméra", "webcam", "camera", "cam", "vidéo", "video", "webcams", "caméras"],
    &["tablette", "tablet", "ipad", "galaxy tab", "tablettes", "tablets"],
    &["mémoire", "memory", "ram"],
    &["ip", "adresse ip", "ip address", "dns", "dhcp"],
    &["word", "traitement de texte", "docx", "document word"],
    &["pdf", "acrobat", "adobe reader", "foxit", "pdfs"],
    &["crm", "salesforce", "hubspot", "dynamics"],
    &["erp", "sap", "oracle", "sage"],
    &["exporter", "export", "extraire", "extract", "extraction"],
    &["ascenseur", "elevator", "lift", "escalier", "stairs"],
    // ---- added: everyday helpdesk vocabulary (general knowledge)
    &["ne démarre pas", "ne démarre plus", "démarre pas", "démarre plus", "ne s'allume pas", "ne s'allume plus", "s'allume pas", "s'allume plus", "won't turn on", "wont turn on", "won't start", "wont start", "won't boot", "wont boot", "doesn't turn on", "doesnt turn on", "does not turn on", "doesn't start", "does not start", "doesn't boot", "not turning on", "not booting", "écran noir", "black screen", "reste noir", "no power", "pas de courant", "plus de courant", "bloqué sur le logo", "stuck on logo", "boot loop", "ne boote pas"],
    &["partage de connexion", "connexion partagée", "point d'accès mobile", "tethering", "mobile hotspot", "personal hotspot", "4g", "5g", "4g/5g", "données mobiles", "mobile data", "data mobile", "forfait data", "clé 4g", "routeur 4g", "réseau mobile", "mobile network", "cellular data"],
    &["box", "box internet", "livebox", "freebox", "bbox", "sfr box", "routeur", "router", "modem", "fibre", "fiber", "fibre optique", "adsl", "fai", "isp", "internet provider", "fournisseur d'accès", "internet à la maison", "home internet", "connexion maison"],
    &["centre logiciel", "centre de logiciels", "software center", "software centre", "company portal", "portail d'entreprise", "portail entreprise", "catalogue d'applications", "app catalog", "self service", "self-service", "app store", "play store", "microsoft store", "magasin d'applications"],
    &["intune", "mdm", "mobile device management", "airwatch", "workspace one", "enrôlement", "enrôler", "enroll", "enrol", "enrollment", "enrolment", "company portal", "portail d'entreprise"],
    &["boîte partagée", "boîte mail partagée", "boîte aux lettres partagée", "boîte générique", "adresse générique", "boîte fonctionnelle", "adresse fonctionnelle", "boîte commune", "boîte de service", "boîte mail du service", "boîte d'équipe", "shared mailbox", "generic mailbox", "shared inbox", "functional mailbox", "team mailbox", "mailbox partagée"],
    &["sécurité sociale", "sécu", "cpam", "ameli", "assurance maladie", "carte vitale", "social security", "nhs", "msa"],
    &["coordonnées", "coordonnées personnelles", "informations personnelles", "infos perso", "infos personnelles", "personal details", "personal information", "contact details", "hr file", "employee record"],
    &["acompte", "avance sur salaire", "avance de salaire", "acompte sur salaire", "salary advance", "pay advance", "advance on salary", "advance on my salary"],
    &["borne de recharge", "borne électrique", "recharge électrique", "recharger ma voiture", "charging station", "ev charger", "ev charging", "charging point", "wallbox", "prise de recharge", "voiture électrique", "electric car", "véhicule électrique", "electric vehicle"],
    &["prestataire", "prestataires", "contractor", "contractors", "consultant", "consultants", "intervenant", "intervenants", "intervenant externe", "sous-traitant", "sous-traitants", "subcontractor", "freelance", "freelancer", "intérimaire", "intérimaires", "interim", "external staff", "personnel externe"],
    &["sirh", "portail rh", "hr portal", "espace rh", "espace salarié", "employee portal", "self-service rh", "workday", "lucca", "payfit", "adp", "successfactors", "talentsoft", "peoplesoft", "kelio", "octime", "eurecia", "figgo", "cleemy", "myhr"],
    &["suivi", "avancement", "statut", "status", "tracking", "follow up", "follow-up", "followup", "relance"],
    &["zip", "compresser", "compression", "compress", "compressed", "décompresser", "dézipper", "unzip", "archive zip", "rar", "7z"],
    &["capture d'écran", "screenshot", "screen shot", "copie d'écran", "impression écran", "imprim écran", "print screen", "prtsc", "snipping tool", "outil capture", "capture écran"],
    &["raccourci", "raccourcis", "shortcut", "shortcuts", "ctrl alt suppr", "ctrl alt del", "ctrl+alt+suppr", "ctrl+alt+del", "ctrl-alt-del", "control alt delete", "raccourci clavier", "keyboard shortcut"],
    &["mise en veille", "veille", "sleep", "sleep mode", "hibernation", "hibernate", "veille prolongée", "standby", "stand-by", "écran de veille", "screensaver", "verrouillage automatique", "auto lock", "se met en veille"],
    &["bluetooth", "appairer", "appairage", "jumeler", "jumelage", "pairing", "coupler", "couplage"],
    &["projecteur", "vidéoprojecteur", "video projector", "projector", "beamer", "rétroprojecteur", "clickshare", "barco", "chromecast", "airplay"],
    &["lunettes", "optique", "glasses", "dentiste", "dentist", "orthodontie", "tiers payant", "carte de tiers payant", "soins", "kiné", "ostéopathe", "osteopath", "physiotherapy"],
    &["permis", "permis de conduire", "driving licence", "driver's license", "carte grise", "amende", "contravention", "speeding ticket", "excès de vitesse", "avis de contravention", "flashé"],
    &["gmail", "hotmail", "yahoo", "mail perso", "email perso", "adresse perso", "personal email", "boîte perso", "messagerie personnelle"],
    &["étranger", "abroad", "overseas", "à l'étranger", "hors de france", "outside france", "pays étranger", "foreign country", "expatriation", "expat", "roaming", "itinérance"],
    // ---- general notions
    &["prix", "coût", "tarif", "price", "cost", "combien coûte", "how much", "payant", "gratuit", "free", "budget"],
    &["règle", "règlement", "politique", "policy", "charte", "charter", "procédure", "procedure", "process", "processus", "rules", "guideline", "guidelines", "consignes"],
    &["formulaire", "form", "template", "modèle", "imprimé", "cerfa"],
    &["document", "papiers", "paperwork", "dossier", "pièces justificatives", "supporting documents"],
    &["information", "infos", "info", "renseignement", "renseignements", "details", "détails", "précisions"],
    &["contacter", "joindre", "contact", "appeler", "call", "téléphoner", "phone", "écrire", "write", "reach", "numéro", "number"],
    &["rgpd", "gdpr", "données personnelles", "personal data", "vie privée", "privacy", "confidentialité", "confidentiality", "données", "data"],
    &["langue", "language", "anglais", "english", "français", "french", "traduire", "translate", "traduction", "translation"],
];

/// A multi-word member: the stems of its words, and its groups.
type Phrase = (Vec<String>, Vec<u16>);

/// Per-language lookup tables: member stems → group ids.
struct Tables {
    /// single-word members: stem → groups
    single: HashMap<String, Vec<u16>>,
    /// multi-word members by the stem of their first word: (stems of all
    /// words, groups), longest first
    phrases: HashMap<String, Vec<Phrase>>,
}

fn word_stem(w: &str, lang: Lang) -> String {
    normalize::stem(w, lang)
}

fn build_tables(lang: Lang) -> Tables {
    let mut single: HashMap<String, Vec<u16>> = HashMap::new();
    let mut phrase_map: HashMap<Vec<String>, Vec<u16>> = HashMap::new();
    for (g, members) in GROUPS.iter().enumerate() {
        let g = g as u16;
        for m in members.iter() {
            let ws = normalize::words(m);
            if ws.is_empty() {
                continue;
            }
            let stems: Vec<String> = ws.iter().map(|w| word_stem(w, lang)).collect();
            let e = if stems.len() == 1 {
                single.entry(stems[0].clone()).or_default()
            } else {
                phrase_map.entry(stems).or_default()
            };
            if !e.contains(&g) {
                e.push(g);
            }
        }
    }
    let mut phrases: HashMap<String, Vec<Phrase>> = HashMap::new();
    for (stems, gs) in phrase_map {
        phrases
            .entry(stems[0].clone())
            .or_default()
            .push((stems, gs));
    }
    for v in phrases.values_mut() {
        v.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
    }
    Tables { single, phrases }
}

fn tables(lang: Lang) -> &'static Tables {
    static T: [OnceLock<Tables>; 2] = [OnceLock::new(), OnceLock::new()];
    T[lang.idx()].get_or_init(|| build_tables(lang))
}

/// Number of built-in groups.
pub fn count() -> usize {
    GROUPS.len()
}

/// The group token of group `g` (never collides with a stem: stems have no `#`).
pub fn token(g: u16) -> String {
    format!("#{g}")
}

/// Groups of one folded word in `lang` (single-word members only).
pub fn of_word(word: &str, lang: Lang) -> &'static [u16] {
    tables(lang)
        .single
        .get(&word_stem(word, lang))
        .map_or(&[], |v| v.as_slice())
}

/// Like [`normalize::analyze_words`], with matching groups: each token
/// carries the groups of its word, and a multi-word group member found in
/// the words becomes one token (its content stems joined by a space) that
/// carries the member's groups.
pub fn analyze_words(words: &[String], lang: Lang, written: Option<Lang>) -> Vec<Token> {
    let t = tables(lang);
    let stems: Vec<String> = words.iter().map(|w| word_stem(w, lang)).collect();
    let mut out = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        if let Some(cands) = t.phrases.get(&stems[i]) {
            let hit = cands.iter().find(|(ps, _)| {
                i + ps.len() <= stems.len()
                    && ps
                        .iter()
                        .enumerate()
                        .all(|(k, p)| stems[i + k] == *p || (k > 0 && near(&stems[i + k], p)))
            });
            if let Some((ps, gs)) = hit {
                let span = i..i + ps.len();
                // the member's own stems, so that a misspelt phrase ("mot de
                // pase") gives the same token as the correct one
                let content: Vec<&str> = span
                    .clone()
                    .filter(|&j| normalize::keeps(&words[j], lang))
                    .map(|j| ps[j - i].as_str())
                    .collect();
                let stem = if content.is_empty() {
                    stems[span.clone()].join(" ")
                } else {
                    content.join(" ")
                };
                out.push(Token {
                    surface: words[span].join(" "),
                    stem,
                    groups: gs.clone(),
                    stop: false,
                });
                i += ps.len();
                continue;
            }
        }
        let w = &words[i];
        if normalize::keeps(w, lang)
            && written.is_none_or(|l| l == lang || !normalize::is_stop(w, l))
        {
            out.push(Token {
                surface: w.clone(),
                stem: stems[i].clone(),
                groups: t.single.get(&stems[i]).cloned().unwrap_or_default(),
                stop: false,
            });
        }
        i += 1;
    }
    out
}

/// A typo in a word of a multi-word member after its first word: one edit
/// away, both stems of at least [`crate::fuzzy::MIN_LEN`] - 1 letters.
fn near(a: &str, b: &str) -> bool {
    let min = crate::fuzzy::MIN_LEN - 1;
    a.chars().count() >= min && b.chars().count() >= min && strsim::osa_distance(a, b) <= 1
}

/// [`analyze_words`] on raw text.
pub fn analyze(text: &str, lang: Lang) -> Vec<Token> {
    analyze_words(&normalize::words(text), lang, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shares(a: &str, b: &str, lang: Lang) -> bool {
        let ta = analyze(a, lang);
        let tb = analyze(b, lang);
        ta.iter().any(|x| {
            tb.iter()
                .any(|y| x.groups.iter().any(|g| y.groups.contains(g)))
        })
    }

    #[test]
    fn lexicon_is_large_and_clean() {
        assert!(count() >= 150, "{} groups", count());
        for g in GROUPS {
            assert!(g.len() >= 2, "group {g:?} too small");
            for m in g.iter() {
                assert!(!normalize::words(m).is_empty(), "empty member in {g:?}");
            }
        }
    }

    #[test]
    fn synonyms_and_abbreviations_share_a_group() {
        use Lang::*;
        assert!(shares("mdp", "mot de passe", Fr));
        assert!(shares("mon password", "mot de passe", Fr));
        assert!(shares("ma bécane", "ordinateur", Fr));
        assert!(shares("laptop", "ordinateur portable", En));
        assert!(shares("printer", "imprimante", Fr));
        assert!(shares("vacances", "congés", Fr));
        assert!(shares("payslip", "fiche de paie", Fr));
        assert!(shares("my payslip", "salary", En));
        assert!(shares("compte verrouillé", "account locked", Fr));
        assert!(shares("ça rame", "slow", Fr));
        assert!(shares("écran fissuré", "screen broken", Fr));
        assert!(shares("ne marche plus", "hors service", Fr));
        assert!(shares("onboarding", "nouvel arrivant", Fr));
        assert!(!shares("imprimante", "congés", Fr));
    }

    #[test]
    fn everyday_vocabulary_shares_a_group() {
        use Lang::*;
        assert!(shares("mon samsung", "téléphone", Fr));
        assert!(shares("mon thinkpad", "ordinateur", Fr));
        assert!(shares("le pc ne s'allume plus", "won't turn on", Fr));
        assert!(shares("écran noir", "ne démarre pas", Fr));
        assert!(shares("partage de connexion", "4g", Fr));
        assert!(shares("ma livebox", "box internet", Fr));
        assert!(shares("installer vlc", "logiciel", Fr));
        assert!(shares("lucca", "portail rh", Fr));
        assert!(shares("ticket resto", "titres-restaurant", Fr));
        assert!(shares("mon enfant a la varicelle", "malade", Fr));
        assert!(shares("shared mailbox", "boîte partagée", En));
        assert!(shares("capture d'écran", "screenshot", Fr));
        assert!(shares("on ne m'entend pas", "micro", Fr));
        assert!(shares("isn't working", "hors service", En));
        // a phrase keeps a word out of a wrong group
        assert!(!shares("ticket resto", "ouvrir un ticket", Fr));
        assert!(!shares("adresse mail", "changement d'adresse", Fr));
        assert!(!shares("borne de recharge", "wifi", Fr));
        assert!(!shares("capture d'écran", "écran cassé", Fr));
    }

    #[test]
    fn phrases_become_one_token() {
        let t = analyze("J'ai oublié mon mot de passe", Lang::Fr);
        assert_eq!(t.len(), 2, "{t:?}");
        assert_eq!(t[1].surface, "mot de passe");
        assert_eq!(t[1].stem, "mot pass");
        assert!(!t[1].groups.is_empty());
        // plural and no-accent forms too
        let u = analyze("les fiches de paye", Lang::Fr);
        assert_eq!(u.len(), 1, "{u:?}");
        assert!(shares("fiches de paye", "bulletin de salaire", Lang::Fr));
        // a typo in a phrase's later word is tolerated
        let v = analyze("j'ai oublié mon mot de pase", Lang::Fr);
        assert_eq!(v.len(), 2, "{v:?}");
        assert_eq!(v[1].stem, "mot pass");
        assert!(analyze("mot de pa", Lang::Fr).len() != 1);
        // the plain pipeline is unchanged
        assert_eq!(normalize::normalize("mot de passe", Lang::Fr).len(), 2);
    }
}
