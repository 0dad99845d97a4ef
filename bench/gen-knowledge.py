#!/usr/bin/env python3
"""A synthetic knowledge file of N items (default 10,000) for the deploy bench: fr/en
mix, 4 formulations, a Markdown answer and 2 tags each, Zipf-distributed helpdesk words
and generated words. Deterministic (seeded). Usage: bench/gen-knowledge.py [N] > file.json"""
import json, random, sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
rng = random.Random(16)
fr = ("imprimante mot passe ordinateur portable écran clavier souris réseau wifi connexion messagerie outlook "
      "teams réunion caméra micro badge congés paie bulletin télétravail vpn compte session bloqué oublié erreur "
      "installer logiciel mise jour lent panne démarre papier bourrage toner scanner partage dossier fichier "
      "accès droits téléphone mobile frais remboursement formation mutuelle parking salle arrivée départ").split()
en = ("printer password computer laptop screen keyboard mouse network wifi connection mail outlook teams meeting "
      "camera microphone badge leave payroll payslip remote vpn account session locked forgot error install "
      "software update slow broken start paper jam toner scanner share folder file access rights phone mobile "
      "expenses refund training insurance parking room arrival departure").split()
syl = "ka lo mi ra te vu zo pi ne su da fo".split()

def word(pool):
    if rng.random() < 0.3:
        return "".join(rng.choice(syl) for _ in range(3))
    i = min(int((len(pool) + 1) ** rng.random()) - 1, len(pool) - 1)
    return pool[i]

def phrase(pool, k):
    return " ".join(word(pool) for _ in range(k))

items = []
for i in range(n):
    lang = "fr" if i % 3 else "en"
    pool = fr if lang == "fr" else en
    # an item is about a few words; its formulations paraphrase them (some dropped, one
    # or two others added, reordered)
    core = [word(pool) for _ in range(4)]
    def paraphrase():
        kept = [w for w in core if rng.random() < 0.75] or core[:2]
        kept += [word(pool) for _ in range(rng.randint(1, 2))]
        rng.shuffle(kept)
        return " ".join(kept)
    items.append({
        "id": f"item-{i}",
        "title": " ".join(core).capitalize(),
        "lang": lang,
        "formulations": [paraphrase() for _ in range(4)],
        "answer": f"**{phrase(pool, 3)}**: {phrase(pool, 12)}. See https://help.example.com/{i}",
        "tags": [word(pool), word(pool)],
    })
json.dump({"knowledge": items}, sys.stdout, ensure_ascii=False)
