//! Character n-gram vectors (3 to 5 characters of the folded words, word
//! boundaries marked), TF-IDF weighted and L2-normalised, as sorted sparse
//! lists of hashed grams.
//!
//! Why: they survive what word matching loses — typos, inflections the
//! stemmer misses, compounds ("motdepasse"), product names cut differently —
//! and the experiment showed them carrying most of a learned
//! matcher's gain on real users' questions.

use std::collections::HashMap;

/// A sparse vector: (gram hash, weight), sorted by hash.
pub type Sparse = Vec<(u32, f32)>;

fn fnv(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c9dc5;
    for &b in bytes {
        h ^= b as u32;
        h = h.wrapping_mul(0x01000193);
    }
    h
}

/// The hashed grams of folded words, with their counts, sorted.
pub fn grams(words: &[String]) -> Vec<(u32, u32)> {
    let mut out: Vec<u32> = Vec::with_capacity(words.len() * 12);
    for w in words {
        let padded: Vec<u8> = std::iter::once(b' ')
            .chain(w.bytes())
            .chain(std::iter::once(b' '))
            .collect();
        let n = padded.len();
        for len in 3..=5 {
            if n < len {
                break;
            }
            for s in 0..=n - len {
                out.push(fnv(&padded[s..s + len]));
            }
        }
    }
    out.sort_unstable();
    let mut counted: Vec<(u32, u32)> = Vec::with_capacity(out.len());
    for g in out {
        match counted.last_mut() {
            Some((h, c)) if *h == g => *c += 1,
            _ => counted.push((g, 1)),
        }
    }
    counted
}

/// Inverse document frequencies of the grams of a base.
pub struct Idf {
    idf: HashMap<u32, f32>,
    unknown: f32,
}

impl Idf {
    /// `docs`: the gram lists of each document (an item's texts together).
    pub fn build<'a>(docs: impl Iterator<Item = &'a [(u32, u32)]>) -> Idf {
        let mut df: HashMap<u32, u32> = HashMap::new();
        let mut n = 0u32;
        for d in docs {
            n += 1;
            for &(g, _) in d {
                *df.entry(g).or_insert(0) += 1;
            }
        }
        let nf = n.max(1) as f32;
        let idf = df
            .into_iter()
            .map(|(g, d)| (g, (1.0 + nf / d as f32).ln()))
            .collect();
        Idf {
            idf,
            unknown: (1.0 + nf).ln(),
        }
    }

    /// TF-IDF vector (sublinear tf), L2-normalised. Grams unknown to the
    /// base count in the norm (they lower every similarity) but are dropped.
    pub fn vector(&self, grams: &[(u32, u32)]) -> Sparse {
        self.vector_known(grams).0
    }

    /// [`Idf::vector`] and the share of the vector's squared mass made of
    /// grams the base knows (low for a question about something else).
    pub fn vector_known(&self, grams: &[(u32, u32)]) -> (Sparse, f32) {
        let mut known = 0f32;
        let mut norm = 0f32;
        let mut v: Sparse = Vec::with_capacity(grams.len());
        for &(g, c) in grams {
            let tf = 1.0 + (c as f32).ln();
            match self.idf.get(&g) {
                Some(&i) => {
                    let w = tf * i;
                    norm += w * w;
                    known += w * w;
                    v.push((g, w));
                }
                None => norm += (tf * self.unknown).powi(2),
            }
        }
        let n = norm.sqrt();
        if n > 0.0 {
            for x in v.iter_mut() {
                x.1 /= n;
            }
        }
        (v, if norm > 0.0 { known / norm } else { 0.0 })
    }
}

/// Dot product of two sorted sparse vectors.
pub fn dot(a: &[(u32, f32)], b: &[(u32, f32)]) -> f32 {
    let (mut i, mut j, mut s) = (0, 0, 0f32);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    s
}

/// A sparse vector as an open-addressing table, for dot products of one
/// question with many texts (a probe per gram of the text).
pub struct Probe {
    keys: Vec<u32>,
    vals: Vec<f32>,
    mask: usize,
}

const EMPTY: u32 = 0;

impl Probe {
    pub fn new(v: &[(u32, f32)]) -> Probe {
        let size = (v.len() * 4).next_power_of_two().max(64);
        let mut p = Probe {
            keys: vec![EMPTY; size],
            vals: vec![0.0; size],
            mask: size - 1,
        };
        for &(g, w) in v {
            // 0 marks an empty slot: the (rare) gram hashing to 0 is dropped
            if g == EMPTY {
                continue;
            }
            let mut i = (g.wrapping_mul(0x9E37_79B1) >> 7) as usize & p.mask;
            while p.keys[i] != EMPTY {
                i = (i + 1) & p.mask;
            }
            p.keys[i] = g;
            p.vals[i] = w;
        }
        p
    }

    /// Dot product with a sparse vector.
    pub fn dot(&self, b: &[(u32, f32)]) -> f32 {
        let mut s = 0f32;
        for &(g, w) in b {
            let mut i = (g.wrapping_mul(0x9E37_79B1) >> 7) as usize & self.mask;
            loop {
                let k = self.keys[i];
                if k == g {
                    s += w * self.vals[i];
                    break;
                }
                if k == EMPTY {
                    break;
                }
                i = (i + 1) & self.mask;
            }
        }
        s
    }
}

/// Normalised sum of sparse vectors (a centroid).
pub fn centroid(vs: &[&Sparse]) -> Sparse {
    let mut m: Vec<(u32, f32)> = vs.iter().flat_map(|v| v.iter().copied()).collect();
    m.sort_unstable_by_key(|x| x.0);
    let mut out: Sparse = Vec::with_capacity(m.len());
    for (g, w) in m {
        match out.last_mut() {
            Some((h, x)) if *h == g => *x += w,
            _ => out.push((g, w)),
        }
    }
    let n = out.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
    if n > 0.0 {
        for x in out.iter_mut() {
            x.1 /= n;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::words;

    #[test]
    fn typos_stay_close() {
        let docs = [
            grams(&words("imprimante en panne")),
            grams(&words("congés payés")),
        ];
        let idf = Idf::build(docs.iter().map(|d| d.as_slice()));
        let v = |t: &str| idf.vector(&grams(&words(t)));
        assert!(dot(&v("imprimante"), &v("imprimente")) > 0.4);
        assert!(dot(&v("imprimante"), &v("conges")) < 0.05);
    }
}
