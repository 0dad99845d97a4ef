//! Typo tolerance: a symmetric-delete (SymSpell-style) index over the
//! vocabulary's surface words.
//!
//! Why: scanning the whole vocabulary with an edit distance for every unknown
//! query word is too slow at 10,000 items. Instead every vocabulary word is
//! stored under the hashes of its 1-deletions (and 2-deletions for long
//! words); a query word generates its own deletions, and the few words that
//! share one are verified with the optimal-string-alignment distance
//! (Damerau-Levenshtein with adjacent transpositions). Distance ≤ 1 is allowed
//! for words of 4-7 letters and ≤ 2 from 8 letters on; shorter words are
//! never corrected (too many false friends).

/// Smallest word length that is corrected.
pub const MIN_LEN: usize = 4;
/// From this length on, two edits are allowed.
pub const LONG_LEN: usize = 8;

#[derive(Debug, Default)]
pub struct Fuzzy {
    /// (surface word, term id, frequency used to break ties)
    words: Vec<(String, u32, u32)>,
    /// (hash of a deletion variant, word index), sorted
    keys: Vec<(u64, u32)>,
    /// Where the keys whose hash begins with each `bits`-bit prefix start
    /// (`dir[p]..dir[p + 1]`): a lookup reads one short run instead of
    /// binary-searching the whole table (a long word has up to ~100
    /// variants, each a dozen cache misses deep in a large base's table).
    dir: Vec<u32>,
    bits: u32,
}

fn hash_skip(chars: &[char], a: usize, b: usize) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, &c) in chars.iter().enumerate() {
        if i == a || i == b {
            continue;
        }
        h = (h ^ c as u64).wrapping_mul(0x0100_0000_01b3);
    }
    h ^= chars.len() as u64 - (a != usize::MAX) as u64 - (b != usize::MAX) as u64;
    // mix the high bits (the directory is indexed by them)
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

fn variants(chars: &[char], two: bool, out: &mut Vec<u64>) {
    const N: usize = usize::MAX;
    out.push(hash_skip(chars, N, N));
    for i in 0..chars.len() {
        out.push(hash_skip(chars, i, N));
        if two {
            for j in i + 1..chars.len() {
                out.push(hash_skip(chars, i, j));
            }
        }
    }
}

impl Fuzzy {
    /// Build from (surface word, term id, frequency) triples; words shorter
    /// than [`MIN_LEN`] are ignored.
    pub fn build(words: Vec<(String, u32, u32)>) -> Fuzzy {
        let mut keys = Vec::new();
        let mut buf = Vec::new();
        for (wi, (w, _, _)) in words.iter().enumerate() {
            let chars: Vec<char> = w.chars().collect();
            if chars.len() < MIN_LEN {
                continue;
            }
            buf.clear();
            variants(&chars, chars.len() >= LONG_LEN - 2, &mut buf);
            keys.extend(buf.iter().map(|&h| (h, wi as u32)));
        }
        keys.sort_unstable();
        keys.dedup();
        // about one key per directory slot
        let bits = (usize::BITS - keys.len().max(1).leading_zeros()).clamp(1, 24);
        let mut dir = Vec::with_capacity((1 << bits) + 1);
        let mut at = 0usize;
        for p in 0..(1u64 << bits) {
            while at < keys.len() && keys[at].0 >> (64 - bits) < p {
                at += 1;
            }
            dir.push(at as u32);
        }
        dir.push(keys.len() as u32);
        Fuzzy {
            words,
            keys,
            dir,
            bits,
        }
    }

    /// The keys with hash `h`.
    fn run(&self, h: u64) -> impl Iterator<Item = u32> + '_ {
        let p = (h >> (64 - self.bits)) as usize;
        self.keys[self.dir[p] as usize..self.dir[p + 1] as usize]
            .iter()
            .filter(move |k| k.0 == h)
            .map(|k| k.1)
    }

    /// Closest vocabulary words to `word`: (term id, distance), all at the
    /// minimal distance found, most frequent first, at most 3.
    pub fn lookup(&self, word: &str) -> Vec<(u32, u32)> {
        let chars: Vec<char> = word.chars().collect();
        if chars.len() < MIN_LEN || self.keys.is_empty() {
            return Vec::new();
        }
        let max = if chars.len() >= LONG_LEN { 2 } else { 1 };
        let mut hashes = Vec::new();
        variants(&chars, max == 2, &mut hashes);
        let mut cands: Vec<u32> = Vec::new();
        for h in hashes {
            cands.extend(self.run(h));
        }
        cands.sort_unstable();
        cands.dedup();
        let mut best: Vec<(u32, u32, u32)> = Vec::new(); // (dist, term, freq)
        for wi in cands {
            let (w, term, freq) = &self.words[wi as usize];
            let wl = w.chars().count();
            if wl < MIN_LEN || wl.abs_diff(chars.len()) > max as usize {
                continue;
            }
            let d = strsim::osa_distance(word, w) as u32;
            if d == 0 || d > max {
                continue;
            }
            best.push((d, *term, *freq));
        }
        best.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.2.cmp(&a.2)));
        let min = best.first().map(|b| b.0).unwrap_or(0);
        let mut out: Vec<(u32, u32)> = Vec::new();
        for (d, t, _) in best {
            if d == min && out.len() < 3 && !out.iter().any(|o| o.0 == t) {
                out.push((t, d));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fz() -> Fuzzy {
        let words = [
            "imprimante",
            "outlook",
            "passe",
            "reseau",
            "password",
            "base",
        ];
        Fuzzy::build(
            words
                .iter()
                .enumerate()
                .map(|(i, w)| (w.to_string(), i as u32, 1))
                .collect(),
        )
    }

    #[test]
    fn corrects_typos() {
        let f = fz();
        assert_eq!(f.lookup("imprimente"), vec![(0, 1)]);
        assert_eq!(f.lookup("outlok"), vec![(1, 1)]);
        assert_eq!(f.lookup("resaeu"), vec![(3, 1)]); // transposition
        assert_eq!(f.lookup("pasword"), vec![(4, 1)]);
        assert_eq!(f.lookup("imprmente"), vec![(0, 2)]);
    }

    #[test]
    fn leaves_far_or_short_words() {
        let f = fz();
        assert!(f.lookup("voiture").is_empty());
        assert!(f.lookup("pas").is_empty());
        assert!(f.lookup("outlk").is_empty()); // 5 letters: one edit only
    }
}
