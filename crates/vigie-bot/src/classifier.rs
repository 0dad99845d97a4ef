//! A per-bot linear classifier for small bases: softmax regression over
//! hashed character n-grams, word unigrams and bigrams, and the sentence
//! vector, trained on the base's titles and formulations.
//!
//! Why: a nearest-neighbour over texts weighs every word of a formulation
//! alike; a classifier learns which words tell an item from the others
//! ("alarm" vs "remind", "vpn" vs "wifi"). The experiment found such
//! a model carrying most of a learned matcher's gain. Its cost grows with
//! items × texts, so it is trained for bases up to [`MAX_CLASSES`] items;
//! larger bases rely on the fused re-ranker alone.

use crate::chargram::{self, Idf};
use crate::embed::Embeddings;

/// Bases with more items get no classifier (build time and memory).
pub const MAX_CLASSES: usize = 300;
/// Hashed sparse features (a power of two).
const BUCKETS: usize = 1 << 14;
const SALT_WORD: u32 = 0x5bd1_e995;
const SALT_BIGRAM: u32 = 0x1b87_3593;

pub(crate) struct Classifier {
    k: usize,
    dense: usize,
    /// Feature-major weights: (BUCKETS + dense + 1 bias) rows of k.
    w: Vec<f32>,
}

/// The features of a text: sparse (bucket, value) and the dense vector.
pub(crate) struct Features {
    sparse: Vec<(u32, f32)>,
    dense: Vec<f32>,
}

fn hash(s: &str, salt: u32) -> u32 {
    let mut h: u32 = 0x811c9dc5 ^ salt;
    for b in s.bytes() {
        h ^= b as u32;
        h = h.wrapping_mul(0x01000193);
    }
    h
}

pub(crate) fn features(words: &[String], idf: &Idf, emb: &Embeddings) -> Features {
    let mut sparse: Vec<(u32, f32)> = Vec::new();
    let grams = idf.vector(&chargram::grams(words));
    for (g, v) in grams {
        sparse.push((g & (BUCKETS as u32 - 1), v));
    }
    let mut ws: Vec<u32> = words
        .iter()
        .map(|w| hash(w, SALT_WORD))
        .chain(
            words
                .windows(2)
                .map(|p| hash(&p[0], SALT_BIGRAM) ^ hash(&p[1], SALT_WORD)),
        )
        .collect();
    ws.sort_unstable();
    ws.dedup();
    let wn = 1.0 / (ws.len().max(1) as f32).sqrt();
    for h in ws {
        sparse.push((h & (BUCKETS as u32 - 1), wn));
    }
    Features {
        sparse,
        dense: emb.sentence(words, |_| 1.0),
    }
}

impl Classifier {
    fn scores(&self, f: &Features, out: &mut [f32]) {
        let k = self.k;
        let bias = &self.w[(BUCKETS + self.dense) * k..];
        out.copy_from_slice(bias);
        for &(b, v) in &f.sparse {
            let row = &self.w[b as usize * k..(b as usize + 1) * k];
            for (o, w) in out.iter_mut().zip(row) {
                *o += v * w;
            }
        }
        for (j, &v) in f.dense.iter().enumerate() {
            if v == 0.0 {
                continue;
            }
            let r = BUCKETS + j;
            let row = &self.w[r * k..(r + 1) * k];
            for (o, w) in out.iter_mut().zip(row) {
                *o += v * w;
            }
        }
    }

    /// Class probabilities (softmax).
    pub fn probs(&self, f: &Features) -> Vec<f32> {
        let mut s = vec![0f32; self.k];
        self.scores(f, &mut s);
        softmax(&mut s);
        s
    }

    /// Train on (features, class) examples; deterministic (fixed order
    /// permutation, fixed epochs).
    pub fn train(k: usize, dense: usize, examples: &[(Features, u32)]) -> Classifier {
        let mut c = Classifier {
            k,
            dense,
            w: vec![0f32; (BUCKETS + dense + 1) * k],
        };
        let n = examples.len();
        if n == 0 || k < 2 {
            return c;
        }
        // a fixed permutation per epoch (LCG)
        let mut order: Vec<usize> = (0..n).collect();
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let epochs = 25;
        let mut s = vec![0f32; k];
        for e in 0..epochs {
            for i in (1..n).rev() {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let j = (state >> 33) as usize % (i + 1);
                order.swap(i, j);
            }
            let lr = 0.5 / (1.0 + e as f32 * 0.2);
            for &i in &order {
                let (f, y) = &examples[i];
                c.scores(f, &mut s);
                softmax(&mut s);
                s[*y as usize] -= 1.0;
                // gradient step on the rows this example touches
                for &(b, v) in &f.sparse {
                    let row = &mut c.w[b as usize * k..(b as usize + 1) * k];
                    for (w, g) in row.iter_mut().zip(&s) {
                        *w -= lr * g * v;
                    }
                }
                for (j, &v) in f.dense.iter().enumerate() {
                    let r = BUCKETS + j;
                    let row = &mut c.w[r * k..(r + 1) * k];
                    for (w, g) in row.iter_mut().zip(&s) {
                        *w -= lr * g * v;
                    }
                }
                let r = BUCKETS + dense;
                let row = &mut c.w[r * k..(r + 1) * k];
                for (w, g) in row.iter_mut().zip(&s) {
                    *w -= lr * g * 0.1;
                }
            }
        }
        c
    }

    pub fn heap_bytes(&self) -> usize {
        self.w.len() * 4
    }
}

fn softmax(s: &mut [f32]) {
    let m = s.iter().copied().fold(f32::MIN, f32::max);
    let mut sum = 0f32;
    for x in s.iter_mut() {
        *x = (*x - m).exp();
        sum += *x;
    }
    for x in s.iter_mut() {
        *x /= sum;
    }
}
