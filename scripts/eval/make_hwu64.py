"""Build matcher test sets from HWU64 (CC BY 4.0, ../shared/data/hwu64).

Like the hidden English sets: a knowledge base of 10 formulations per intent
(title: the intent's name), every other utterance a question. Two variants:
- hwu64: all 64 intents in the base;
- hwu64-oos: 16 intents (every fourth by name) left out of the base, their
  utterances kept as questions the bot must refuse.
Questions are shuffled with a fixed seed; the eval tools use the even lines
for tuning and the odd lines as the held-out part.

    python3 scripts/eval/make_hwu64.py ../shared/data/hwu64/hwu64.jsonl data/hwu64
"""
import json, random, sys
from collections import defaultdict

src, out = sys.argv[1], sys.argv[2]
by = defaultdict(list)
for line in open(src):
    r = json.loads(line)
    by[r["intent"]].append(r["text"])
rng = random.Random(16)
intents = sorted(by)
base, questions = {}, []
for it in intents:
    texts = by[it][:]
    rng.shuffle(texts)
    base[it] = texts[:10]
    questions += [(t, it) for t in texts[10:]]
rng.shuffle(questions)
held_out = set(intents[3::4])


def knowledge(names):
    return {"knowledge": [
        {"id": it, "title": it.replace("_", " "), "lang": "en", "formulations": base[it], "answer": ""}
        for it in names]}


def write(name, names, oos):
    json.dump(knowledge(names), open(f"{out}/{name}.knowledge.json", "w"), indent=1)
    with open(f"{out}/{name}.eval.jsonl", "w") as f:
        for t, it in questions:
            f.write(json.dumps({"text": t, "expected": None if it in oos else it}) + "\n")


write("hwu64", intents, set())
write("hwu64-oos", [i for i in intents if i not in held_out], held_out)
print(len(intents), "intents,", len(questions), "questions,", len(held_out), "held out as out of scope")
