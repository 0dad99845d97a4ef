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
    &["mot de passe", "mdp", "password", "passwd", "pwd", "passcode", "mot-de-passe", "identifiants", "credentials", "code d'accès", "code secret"],
    &["identifiant", "login", "username", "user name", "nom d'utilisateur", "user id", "userid", "id de connexion", "matricule"],
    &["bloqué", "verrouillé", "locked", "lockout", "locked out", "bloquer", "verrouiller", "suspendu", "suspended", "désactivé", "disabled"],
    &["débloquer", "déverrouiller", "unlock", "unblock", "réactiver", "reactivate"],
    &["oublié", "oubli", "forgot", "forgotten", "perdu", "lost", "souviens plus", "remember", "rappelle plus", "retrouver", "récupérer", "recover"],
    &["réinitialiser", "réinitialisation", "reset", "remettre à zéro", "raz", "regénérer", "regenerate"],
    &["expiré", "expire", "expiration", "expired", "périmé", "outdated", "plus valide", "no longer valid"],
    &["authentification", "authentication", "mfa", "2fa", "double authentification", "two factor", "two-factor", "2 facteurs", "double facteur", "otp", "authenticator", "authentificateur", "code de vérification", "verification code", "code sms", "sms code"],
    &["connexion", "connecter", "login", "log in", "logon", "sign in", "signin", "se connecter", "connect", "ouvrir une session", "s'identifier", "authentifier"],
    &["déconnexion", "déconnecter", "logout", "log out", "sign out", "disconnect", "déconnecté", "disconnected", "coupe", "coupé", "drops", "dropping"],
    &["accès", "access", "droits", "droit", "rights", "permission", "permissions", "autorisation", "authorization", "habilitation", "privilèges", "privileges"],
    &["administrateur", "admin", "administrator", "droits admin", "admin rights", "élévation", "elevation"],
    &["sso", "single sign-on", "authentification unique", "okta", "azure ad", "entra", "active directory", "ad"],
    // ---- computers and devices
    &["ordinateur", "pc", "portable", "laptop", "poste", "poste de travail", "machine", "bécane", "computer", "notebook", "desktop", "workstation", "ordi", "unité centrale"],
    &["windows", "win10", "win11", "windows 10", "windows 11", "os", "système d'exploitation", "operating system"],
    &["écran", "moniteur", "monitor", "screen", "display", "affichage", "dalle"],
    &["deuxième écran", "second écran", "double écran", "second screen", "dual screen", "external monitor", "écran externe", "multi-écran"],
    &["souris", "mouse", "trackpad", "pavé tactile", "touchpad", "curseur", "cursor", "pointeur"],
    &["imprimante", "imprimer", "printer", "print", "impression", "printing", "copieur", "photocopieuse", "copier", "multifonction", "mfp", "traceur"],
    &["scanner", "scan", "scanneur", "numériser", "numérisation", "scanning", "scanné"],
    &["bourrage", "jam", "paper jam", "coincé", "stuck", "papier coincé", "bloqué dans"],
    &["toner", "cartouche", "encre", "ink", "cartridge", "consommable", "consommables"],
    &["casque", "headset", "écouteurs", "headphones", "earphones", "oreillette", "airpods"],
    &["son", "audio", "sound", "haut-parleur", "haut-parleurs", "speaker", "speakers", "volume", "enceinte"],
    &["batterie", "battery", "charge", "charger", "chargeur", "charging", "alimentation", "power", "secteur", "adaptateur", "adapter"],
    &["câble", "cable", "cordon", "fil", "hdmi", "displayport", "usb-c", "usb c", "type-c", "dock", "docking", "station d'accueil", "réplicateur", "hub"],
    &["usb", "clé usb", "clef usb", "usb key", "usb stick", "thumb drive", "flash drive", "disque externe", "external drive", "support amovible"],
    &["téléphone", "phone", "smartphone", "mobile", "portable", "cellulaire", "cell", "iphone", "android", "gsm", "tel"],
    &["fixe", "ligne fixe", "desk phone", "landline", "poste téléphonique", "téléphone fixe", "softphone", "switchboard"],
    &["messagerie vocale", "répondeur", "voicemail", "voice mail", "boîte vocale", "message vocal"],
    &["sim", "carte sim", "sim card", "esim", "forfait", "abonnement mobile"],
    &["matériel", "hardware", "équipement", "equipment", "appareil", "device", "périphérique", "peripheral", "gadget"],
    &["disque", "disk", "drive", "ssd", "disque dur", "hard drive", "stockage", "storage", "espace disque", "disk space", "plein", "full", "saturé", "quota"],
    &["allumer", "démarrer", "démarrage", "boot", "booter", "start", "startup", "power on", "turn on", "switch on", "s'allume", "lancer", "launch"],
    &["éteindre", "arrêter", "shutdown", "shut down", "turn off", "power off", "switch off", "s'éteint", "extinction"],
    &["redémarrer", "redémarrage", "reboot", "restart", "relancer", "rebooter"],
    &["écran bleu", "bsod", "blue screen", "crash", "plante", "planté", "plantage", "freeze", "freezes", "frozen", "figé", "fige", "gèle", "gelé", "crashes", "crashed"],
    &["lent", "lenteur", "lenteurs", "rame", "ramer", "mouline", "mouliner", "slow", "sluggish", "laggy", "lag", "lags", "traîne", "poussif", "performance", "performances", "long à"],
    &["cassé", "fissuré", "broken", "ko", "hs", "hors service", "marche plus", "marche pas", "fonctionne plus", "fonctionne pas", "not working", "doesnt work", "doesn't work", "does not work", "stopped working", "out of order", "en panne", "panne", "défectueux", "faulty", "damaged", "endommagé", "abîmé", "mort", "dead", "cracked"],
    &["réparer", "réparation", "repair", "fix", "fixer", "dépanner", "dépannage", "résoudre", "resolve", "solve", "troubleshoot"],
    &["remplacer", "remplacement", "replace", "replacement", "swap", "échanger", "échange"],
    &["perdu", "volé", "vol", "stolen", "theft", "lost", "perte", "égaré", "misplaced", "disparu"],
    // ---- network
    &["réseau", "network", "lan", "ethernet", "câble réseau", "rj45", "filaire", "wired"],
    &["wifi", "wi-fi", "wlan", "sans fil", "wireless", "borne", "hotspot", "point d'accès", "access point"],
    &["internet", "web", "connexion internet", "internet connection", "navigation", "en ligne", "online"],
    &["vpn", "globalprotect", "anyconnect", "forticlient", "tunnel", "accès distant", "remote access", "à distance", "remotely", "connexion à distance"],
    &["proxy", "pare-feu", "firewall", "filtrage", "filtering", "bloqué par", "blocked by"],
    &["site", "site web", "website", "page", "url", "lien", "link", "adresse web"],
    &["navigateur", "browser", "chrome", "firefox", "edge", "safari", "internet explorer"],
    &["débit", "bande passante", "bandwidth", "speed", "vitesse", "latence", "latency", "ping"],
    &["partage", "dossier partagé", "shared folder", "share", "lecteur réseau", "network drive", "mapped drive", "serveur de fichiers", "file server", "répertoire partagé"],
    // ---- email, calendar, collaboration
    &["mail", "email", "e-mail", "courriel", "mél", "messagerie", "mailbox", "boîte mail", "boîte aux lettres", "boite de réception", "inbox", "courrier"],
    &["outlook", "thunderbird", "gmail", "exchange", "owa", "webmail", "client mail"],
    &["envoyer", "envoi", "send", "sending", "sent", "expédier", "transmettre"],
    &["recevoir", "reçu", "réception", "receive", "receiving", "received", "arrive pas", "arrivent pas", "not arriving"],
    &["pièce jointe", "pj", "attachment", "attachments", "fichier joint", "joindre", "attach", "attached"],
    &["spam", "indésirable", "indésirables", "junk", "pourriel", "courrier indésirable", "junk mail"],
    &["phishing", "hameçonnage", "arnaque", "scam", "frauduleux", "fraudulent", "suspicious", "suspect", "louche", "fishing"],
    &["signature", "signature mail", "email signature", "signature électronique", "e-signature", "docusign"],
    &["absence", "absent", "message d'absence", "out of office", "ooo", "réponse automatique", "automatic reply", "auto reply", "autoreply", "gestionnaire d'absence"],
    &["liste de diffusion", "mailing list", "distribution list", "groupe mail", "alias", "dl"],
    &["agenda", "calendrier", "calendar", "planning", "schedule", "emploi du temps"],
    &["réunion", "meeting", "rendez-vous", "rdv", "appointment", "invitation", "invite", "visio", "visioconférence", "conférence", "conference", "call"],
    &["teams", "microsoft teams", "zoom", "webex", "google meet", "meet", "skype", "slack"],
    &["salle", "salle de réunion", "meeting room", "room", "salle de conf", "conference room", "salle de visio"],
    &["réserver", "réservation", "book", "booking", "reserve", "reservation", "bloquer un créneau"],
    &["partager", "partage d'écran", "share", "sharing", "screen share", "screen sharing", "diffuser", "présenter"],
    &["chat", "messagerie instantanée", "instant message", "im", "tchat", "discussion"],
    // ---- software, files
    &["logiciel", "application", "appli", "app", "software", "programme", "program", "outil", "tool", "progiciel"],
    &["installer", "installation", "install", "installing", "setup", "mettre en place", "déployer", "deploy"],
    &["désinstaller", "désinstallation", "uninstall", "remove", "supprimer le logiciel"],
    &["mise à jour", "màj", "maj", "update", "updates", "upgrade", "mettre à jour", "patch", "nouvelle version", "new version", "updating"],
    &["licence", "license", "licences", "licenses", "abonnement", "subscription", "activation", "activer", "activate", "clé de produit", "product key"],
    &["office", "microsoft 365", "office 365", "o365", "m365", "pack office", "suite bureautique"],
    &["excel", "tableur", "spreadsheet", "xlsx", "classeur", "workbook", "feuille de calcul"],
    &["powerpoint", "ppt", "pptx", "présentation", "presentation", "slides", "diaporama"],
    &["fichier", "file", "files", "document", "documents", "doc", "docs", "dossier", "folder", "répertoire", "directory"],
    &["onedrive", "sharepoint", "drive", "google drive", "dropbox", "cloud", "nuage", "sync", "synchronisation", "synchroniser", "synchronization"],
    &["sauvegarde", "sauvegarder", "backup", "back up", "save", "enregistrer", "archive", "archiver"],
    &["restaurer", "restauration", "restore", "récupérer", "recover", "recovery", "version précédente", "previous version", "corbeille", "recycle bin", "trash"],
    &["supprimé", "supprimer", "effacé", "effacer", "deleted", "delete", "erase", "erased", "disparu", "gone", "missing", "manquant"],
    &["erreur", "error", "message d'erreur", "error message", "code erreur", "error code", "bug", "beug", "bogue", "plantage", "dysfonctionnement", "glitch", "failure", "échec", "failed", "fails"],
    &["problème", "souci", "soucis", "pb", "prob", "issue", "issues", "problem", "trouble", "incident", "anomalie", "difficulté", "difficulty"],
    &["virus", "malware", "ransomware", "rançongiciel", "logiciel malveillant", "infecté", "infected", "cheval de troie", "trojan", "piratage", "piraté", "hacked", "compromis", "compromised"],
    &["antivirus", "anti-virus", "defender", "edr", "sécurité", "security", "protection"],
    &["chiffrement", "chiffré", "encryption", "encrypted", "bitlocker", "clé de récupération", "recovery key", "crypté", "cryptage"],
    &["ticket", "demande", "request", "requête", "incident", "signaler", "signalement", "report", "déclarer", "ouvrir un ticket", "open a ticket"],
    &["support", "helpdesk", "help desk", "service desk", "servicedesk", "hotline", "assistance", "dsi", "service informatique", "it", "informatique", "support it", "it support", "tech support"],
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
    &["congé", "congés", "vacances", "leave", "holiday", "holidays", "vacation", "time off", "pto", "cp", "congés payés", "paid leave", "jours de congé", "days off", "day off", "repos", "annual leave"],
    &["rtt", "jrtt", "réduction du temps de travail", "jour de repos", "récupération", "récup", "comp day", "lieu day", "time in lieu"],
    &["maladie", "malade", "arrêt maladie", "arrêt de travail", "sick", "sick leave", "illness", "ill", "sickness", "certificat médical", "medical certificate", "doctor's note"],
    &["maternité", "paternité", "parental", "congé parental", "maternity", "paternity", "parental leave", "naissance", "birth", "grossesse", "pregnancy", "enceinte", "pregnant", "adoption"],
    &["absence", "absences", "absent", "absentéisme", "away", "off work"],
    &["solde", "compteur", "balance", "remaining", "restant", "combien de jours", "how many days", "acquis", "accrued"],
    &["poser", "demande de congé", "leave request", "poser un congé", "request leave", "time off request"],
    &["salaire", "paie", "paye", "bulletin", "bulletin de paie", "bulletin de salaire", "fiche de paie", "fiche de paye", "payslip", "pay slip", "paystub", "pay stub", "salary", "rémunération", "pay", "payroll", "wage", "wages", "virement de salaire", "paycheck"],
    &["augmentation", "raise", "pay rise", "hausse de salaire", "revalorisation", "salary increase", "augmentation de salaire"],
    &["prime", "bonus", "primes", "gratification", "13e mois", "treizième mois", "intéressement", "participation", "profit sharing", "incentive"],
    &["heures supplémentaires", "heures sup", "overtime", "heures supp", "extra hours"],
    &["impôt", "impôts", "tax", "taxes", "prélèvement à la source", "withholding", "taux d'imposition", "tax rate", "fiscal"],
    &["virement", "bank transfer", "rib", "iban", "coordonnées bancaires", "bank details", "bank account", "compte bancaire", "banque", "bank"],
    &["note de frais", "notes de frais", "frais", "expense", "expenses", "expense report", "expense claim", "remboursement", "rembourser", "reimbursement", "reimburse", "refund", "dépense", "dépenses", "justificatif", "receipt", "reçu", "facture", "invoice"],
    &["déplacement", "voyage", "mission", "business trip", "travel", "trip", "déplacement professionnel", "séminaire"],
    &["train", "billet", "ticket de train", "sncf", "avion", "flight", "plane", "hôtel", "hotel", "hébergement", "accommodation", "réservation de voyage"],
    &["voiture", "véhicule", "car", "vehicle", "voiture de fonction", "company car", "véhicule de service", "pool car", "kilométrique", "indemnités kilométriques", "mileage", "carburant", "fuel", "essence"],
    &["transport", "navigo", "pass transport", "abonnement transport", "public transport", "commute", "trajet", "vélo", "bike", "bicycle", "forfait mobilités"],
    &["parking", "place de parking", "stationnement", "car park", "parking space", "garer", "park"],
    &["mutuelle", "complémentaire santé", "health insurance", "santé", "health", "prévoyance", "assurance", "insurance", "couverture", "coverage", "medical", "médical", "dentaire", "dental"],
    &["médecin du travail", "médecine du travail", "visite médicale", "occupational health", "occupational doctor", "santé au travail"],
    &["retraite", "pension", "retirement", "épargne salariale", "pee", "perco", "pereco", "savings plan", "401k"],
    &["tickets restaurant", "ticket restaurant", "titres restaurant", "titre-restaurant", "carte restaurant", "swile", "meal voucher", "meal vouchers", "lunch voucher", "cantine", "restaurant d'entreprise", "canteen", "cafétéria", "cafeteria"],
    &["arrivée", "embauche", "onboarding", "nouvel arrivant", "nouvelle arrivante", "nouveaux arrivants", "new hire", "new joiner", "new starter", "newcomer", "intégration", "premier jour", "first day", "accueil", "welcome", "recrutement", "hiring", "recruitment", "nouveau collaborateur", "new employee"],
    &["départ", "démission", "quitter", "offboarding", "resign", "resignation", "leaving", "quit", "fin de contrat", "end of contract", "licenciement", "dismissal", "rupture conventionnelle", "préavis", "notice period", "solde de tout compte"],
    &["contrat", "contract", "cdi", "cdd", "permanent contract", "fixed-term", "avenant", "amendment", "période d'essai", "probation", "probation period", "trial period"],
    &["stage", "stagiaire", "intern", "internship", "alternance", "alternant", "apprenti", "apprentice", "apprenticeship", "trainee"],
    &["formation", "training", "cours", "course", "e-learning", "elearning", "apprendre", "learn", "learning", "atelier", "workshop", "certification", "cpf"],
    &["entretien annuel", "évaluation", "entretien individuel", "review", "performance review", "appraisal", "annual review", "objectifs", "objectives", "goals", "feedback", "entretien professionnel"],
    &["manager", "responsable", "chef", "supérieur", "n+1", "boss", "supervisor", "line manager", "hiérarchie", "hiérarchique", "encadrant"],
    &["rh", "ressources humaines", "hr", "human resources", "drh", "service du personnel", "personnel", "gestionnaire rh", "hrbp"],
    &["collègue", "collègues", "colleague", "colleagues", "coworker", "co-worker", "équipe", "team", "teammate", "collaborateur", "collaborateurs", "employé", "employee", "salarié", "staff"],
    &["télétravail", "teletravail", "remote", "remote work", "work from home", "wfh", "home office", "travail à distance", "à la maison", "from home", "domicile", "distanciel"],
    &["horaires", "horaire", "heures", "hours", "working hours", "temps de travail", "planning", "schedule", "shift", "astreinte", "on call", "pointage", "badgeuse", "timesheet", "feuille de temps", "time tracking", "pointer", "clock in"],
    &["attestation", "certificat", "certificate", "attestation employeur", "employment certificate", "proof of employment", "justificatif", "document administratif", "certificat de travail"],
    &["mutation", "mobilité", "mobility", "transfert interne", "internal transfer", "poste interne", "job posting", "offre interne", "internal job", "promotion", "évolution", "career", "carrière"],
    &["handicap", "disability", "rqth", "accessibilité", "accessibility", "aménagement de poste", "accommodation"],
    &["harcèlement", "harassment", "discrimination", "bullying", "signalement", "whistleblowing", "lanceur d'alerte", "éthique", "ethics", "conflit", "conflict"],
    &["cse", "comité d'entreprise", "works council", "représentant du personnel", "délégué", "syndicat", "union", "avantages", "benefits", "perks", "chèques vacances", "chèques cadeaux"],
    &["organigramme", "org chart", "organisation chart", "annuaire", "directory", "trombinoscope", "who's who"],
    &["déménagement", "adresse", "address", "changement d'adresse", "change of address", "domicile", "relocation", "relocate", "moving"],
    &["situation familiale", "mariage", "marriage", "married", "pacs", "divorce", "enfant", "child", "children", "famille", "family"],
    &["décès", "deuil", "bereavement", "funeral", "obsèques", "death"],
    // ---- office, facilities
    &["badge", "carte d'accès", "access card", "badge d'accès", "carte badge", "key card", "keycard", "id card", "carte professionnelle"],
    &["bureau", "office", "open space", "locaux", "premises", "bâtiment", "building", "site", "étage", "floor", "desk", "poste de travail"],
    &["clé", "clef", "clés", "clefs", "key", "keys", "serrure", "lock", "casier", "locker", "armoire", "cabinet"],
    &["chauffage", "climatisation", "clim", "heating", "air conditioning", "ac", "température", "temperature", "froid", "chaud", "cold", "hot"],
    &["lumière", "éclairage", "lampe", "ampoule", "light", "lights", "lighting", "bulb"],
    &["ménage", "nettoyage", "propreté", "cleaning", "cleaner", "dirty", "poubelle", "déchets", "trash", "waste", "recyclage"],
    &["services généraux", "facility", "facilities", "moyens généraux", "logistique", "logistics", "maintenance", "entretien des locaux", "office manager"],
    &["fournitures", "fourniture", "supplies", "office supplies", "stylo", "stylos", "pen", "pens", "cahier", "carnet", "notebook", "papeterie", "stationery"],
    &["colis", "courrier", "parcel", "package", "delivery", "livraison", "mail room", "enveloppe", "envelope", "recommandé"],
    &["visiteur", "visiteurs", "visitor", "visitors", "invité", "guest", "guests", "accueil", "reception", "réception"],
    &["chaise", "fauteuil", "chair", "siège", "seat", "bureau assis-debout", "standing desk", "ergonomie", "ergonomic", "ergonomique"],
    &["café", "machine à café", "coffee", "coffee machine", "cuisine", "kitchen", "frigo", "réfrigérateur", "fridge", "micro-ondes", "microwave", "distributeur", "vending machine"],
    &["toilettes", "wc", "sanitaires", "restroom", "bathroom", "toilet", "toilets", "douche", "shower", "vestiaire"],
    &["incendie", "feu", "fire", "évacuation", "evacuation", "alarme", "alarm", "extincteur", "fire extinguisher", "sécurité incendie"],
    &["accident", "blessé", "blessure", "injury", "injured", "accident du travail", "workplace accident", "premiers secours", "first aid", "secouriste", "infirmerie"],
    &["fuite", "leak", "leaking", "inondation", "flood", "dégât des eaux", "water damage", "plomberie", "plumbing"],
    &["cassé", "abîmé", "dégradé", "détérioré", "damaged", "broken"],
    // ---- more devices, software and places
    &["compte", "account", "profil", "profile", "session"],
    &["mac", "macbook", "imac", "macos", "apple"],
    &["clavier", "keyboard", "touche", "touches", "key", "keys"],
    &["papier", "paper", "feuille", "feuilles", "ramette", "a4"],
    &["micro", "microphone", "mic", "micro-casque"],
    &["caméra", "webcam", "camera", "cam", "vidéo", "video"],
    &["tablette", "tablet", "ipad"],
    &["mémoire", "memory", "ram"],
    &["ip", "adresse ip", "ip address", "dns", "dhcp"],
    &["word", "traitement de texte", "docx", "document word"],
    &["pdf", "acrobat", "adobe reader"],
    &["crm", "salesforce", "hubspot", "dynamics"],
    &["erp", "sap", "oracle", "sage"],
    &["exporter", "export", "extraire", "extract", "extraction"],
    &["ascenseur", "elevator", "lift", "escalier", "stairs"],
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
