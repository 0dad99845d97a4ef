//! Static word embeddings: the "meaning" half of the matcher.
//!
//! Why static: a transformer costs 10–30 ms a question on this hardware; a
//! table of word vectors distilled from one (see `scripts/distil/`) costs a
//! few microseconds and keeps most of its sense of synonymy across words
//! and languages ("mot de passe" ≈ "password" ≈ "identifiants").
//!
//! Two sources, both given as bytes (the crate does no I/O):
//! - the shipped table ([`Embeddings::shipped`]), distilled from
//!   multilingual-e5-small (MIT) over the 28k most frequent French and
//!   English words, 192 dimensions, int8: the `VGEM` format written by
//!   `scripts/distil/distil.py`;
//! - a standard model2vec directory's `model.safetensors` and
//!   `tokenizer.json` ([`Embeddings::from_model2vec`]), WordPiece tokenizers.
//!
//! A sentence vector is the weighted mean of its words' vectors (frequent
//! words weigh less, as in SIF), L2-normalised.

use crate::normalize;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

/// The shipped table (see the module doc); about 5.6 MB.
pub static SHIPPED_MODEL: &[u8] = include_bytes!("../model/fr-en-e5.vgem");

/// Why a model could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModelError {
    /// The bytes are not of the expected format (wrong file given).
    Format(String),
    /// A well-formed file this loader does not support.
    Unsupported(String),
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelError::Format(m) => write!(f, "not a valid embedding model: {m}"),
            ModelError::Unsupported(m) => write!(f, "unsupported embedding model: {m}"),
        }
    }
}

impl std::error::Error for ModelError {}

fn bad(m: impl Into<String>) -> ModelError {
    ModelError::Format(m.into())
}

/// How words become rows of the table.
enum Vocab {
    /// One row per folded word (the shipped table).
    Words(HashMap<String, u32>),
    /// WordPiece subwords (model2vec): greedy longest match, continuation
    /// pieces prefixed.
    WordPiece {
        vocab: HashMap<String, u32>,
        prefix: String,
        unk: Option<u32>,
        max_chars: usize,
    },
}

/// A static embedding table, int8 with one scale per row.
pub struct Embeddings {
    dim: usize,
    vocab: Vocab,
    /// Per row: weight of the word in a sentence mean.
    weight: Vec<f32>,
    scale: Vec<f32>,
    data: Vec<i8>,
    /// Description for reports ("e5-small distilled, 28658 words x 192").
    pub name: String,
}

impl fmt::Debug for Embeddings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Embeddings({})", self.name)
    }
}

/// SIF constant: a word of frequency `p` weighs `A / (A + p)`.
const SIF_A: f32 = 3e-4;

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.b.len());
        let end = end.ok_or_else(|| bad("file truncated"))?;
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, ModelError> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, ModelError> {
        let s = self.take(4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }
}

impl Embeddings {
    /// The table shipped in the crate, parsed once and shared.
    pub fn shipped() -> Arc<Embeddings> {
        static M: OnceLock<Arc<Embeddings>> = OnceLock::new();
        M.get_or_init(|| {
            Arc::new(Embeddings::from_vgem(SHIPPED_MODEL).expect("the shipped model is valid"))
        })
        .clone()
    }

    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Number of rows (words or subwords).
    pub fn len(&self) -> usize {
        self.weight.len()
    }

    pub fn is_empty(&self) -> bool {
        self.weight.is_empty()
    }

    /// Bytes held in memory (approximate).
    pub fn heap_bytes(&self) -> usize {
        let vocab = match &self.vocab {
            Vocab::Words(m) | Vocab::WordPiece { vocab: m, .. } => {
                m.keys().map(|k| k.len() + 40).sum::<usize>()
            }
        };
        self.data.len() + self.weight.len() * 8 + vocab
    }

    /// Read the `VGEM` format of `scripts/distil/distil.py`.
    pub fn from_vgem(bytes: &[u8]) -> Result<Embeddings, ModelError> {
        let mut r = Reader { b: bytes, at: 0 };
        if r.take(4).ok() != Some(b"VGEM".as_slice()) {
            return Err(bad(
                "no VGEM signature (expected a table made by scripts/distil)",
            ));
        }
        let version = r.u32()?;
        if version != 1 {
            return Err(ModelError::Unsupported(format!("VGEM version {version}")));
        }
        let n = r.u32()? as usize;
        let dim = r.u32()? as usize;
        if n == 0 || dim == 0 || dim > 4096 {
            return Err(bad(format!("{n} words of {dim} dimensions")));
        }
        let mut words = HashMap::with_capacity(n);
        let mut weight = Vec::with_capacity(n);
        for i in 0..n {
            let len = r.u8()? as usize;
            let w = std::str::from_utf8(r.take(len)?).map_err(|_| bad("a word is not UTF-8"))?;
            let zipf = r.u8()? as f32 / 10.0;
            let _langs = r.u8()?;
            let p = 10f32.powf(zipf - 9.0);
            weight.push(SIF_A / (SIF_A + p));
            // words that fold alike keep the most frequent one (listed first)
            let folded = normalize::words(w).concat();
            if !folded.is_empty() {
                words.entry(folded).or_insert(i as u32);
            }
        }
        let mut scale = Vec::with_capacity(n);
        for _ in 0..n {
            let s = r.take(4)?;
            scale.push(f32::from_le_bytes([s[0], s[1], s[2], s[3]]));
        }
        let data: Vec<i8> = r.take(n * dim)?.iter().map(|&b| b as i8).collect();
        if r.at != bytes.len() {
            return Err(bad("trailing bytes after the table"));
        }
        Ok(Embeddings {
            dim,
            vocab: Vocab::Words(words),
            weight,
            scale,
            data,
            name: format!("distilled e5-small, {n} words x {dim}"),
        })
    }

    /// Read a model2vec model: the bytes of its `model.safetensors` (one
    /// 2-D tensor, F32 or F16) and of its `tokenizer.json` (a WordPiece
    /// model).
    pub fn from_model2vec(
        safetensors: &[u8],
        tokenizer_json: &[u8],
    ) -> Result<Embeddings, ModelError> {
        // safetensors: u64 header length, JSON header, raw data
        if safetensors.len() < 8 {
            return Err(bad("model.safetensors: too short"));
        }
        let hlen = u64::from_le_bytes(safetensors[..8].try_into().expect("8 bytes")) as usize;
        let header = safetensors
            .get(8..8usize.saturating_add(hlen))
            .ok_or_else(|| bad("model.safetensors: header longer than the file"))?;
        let header: serde_json::Value = serde_json::from_slice(header)
            .map_err(|e| bad(format!("model.safetensors: header is not JSON ({e})")))?;
        let body = &safetensors[8 + hlen..];
        let obj = header
            .as_object()
            .ok_or_else(|| bad("model.safetensors: header is not an object"))?;
        let tensors: Vec<(&String, &serde_json::Value)> = obj
            .iter()
            .filter(|(k, _)| k.as_str() != "__metadata__")
            .collect();
        let (name, t) = tensors
            .iter()
            .find(|(k, _)| k.as_str() == "embeddings")
            .or_else(|| tensors.first())
            .ok_or_else(|| bad("model.safetensors: no tensor"))?;
        let dtype = t["dtype"].as_str().unwrap_or("");
        let shape = usizes(&t["shape"]);
        let offs = usizes(&t["data_offsets"]);
        if shape.len() != 2 || offs.len() != 2 {
            return Err(bad(format!(
                "model.safetensors: tensor {name} is not a 2-D matrix"
            )));
        }
        let (n, dim) = (shape[0], shape[1]);
        let width = match dtype {
            "F32" => 4,
            "F16" => 2,
            d => {
                return Err(ModelError::Unsupported(format!(
                    "tensor type {d} (F32 or F16 only)"
                )))
            }
        };
        let raw = body
            .get(offs[0]..offs[1])
            .filter(|r| r.len() == n * dim * width)
            .ok_or_else(|| bad("model.safetensors: tensor data out of the file"))?;
        let value = |i: usize| -> f32 {
            let b = &raw[i * width..(i + 1) * width];
            if width == 4 {
                f32::from_le_bytes([b[0], b[1], b[2], b[3]])
            } else {
                f16_to_f32(u16::from_le_bytes([b[0], b[1]]))
            }
        };
        // tokenizer.json
        let tok: serde_json::Value = serde_json::from_slice(tokenizer_json)
            .map_err(|e| bad(format!("tokenizer.json is not JSON ({e})")))?;
        let model = tok.get("model").ok_or_else(|| {
            bad("tokenizer.json: no \"model\" (not a Hugging Face tokenizer file)")
        })?;
        let kind = model["type"].as_str().unwrap_or("");
        if kind != "WordPiece" {
            return Err(ModelError::Unsupported(format!(
                "tokenizer type {kind:?} (WordPiece only)"
            )));
        }
        let vmap = model["vocab"]
            .as_object()
            .ok_or_else(|| bad("tokenizer.json: no vocabulary"))?;
        let mut vocab = HashMap::with_capacity(vmap.len());
        for (k, v) in vmap {
            let id = v
                .as_u64()
                .ok_or_else(|| bad("tokenizer.json: a token id is not a number"))?;
            if id as usize >= n {
                return Err(bad(format!(
                    "tokenizer.json: token {k:?} has id {id}, the matrix has {n} rows"
                )));
            }
            vocab.insert(k.clone(), id as u32);
        }
        let prefix = model["continuing_subword_prefix"]
            .as_str()
            .unwrap_or("##")
            .to_string();
        let unk = model["unk_token"]
            .as_str()
            .and_then(|u| vocab.get(u).copied());
        let max_chars = model["max_input_chars_per_word"].as_u64().unwrap_or(100) as usize;
        let mut scale = Vec::with_capacity(n);
        let mut data = Vec::with_capacity(n * dim);
        for r in 0..n {
            let row: Vec<f32> = (0..dim).map(|j| value(r * dim + j)).collect();
            let m = row.iter().fold(0f32, |a, v| a.max(v.abs()));
            let s = if m > 0.0 && m.is_finite() {
                m / 127.0
            } else {
                1.0
            };
            scale.push(s);
            data.extend(
                row.iter()
                    .map(|v| (v / s).round().clamp(-127.0, 127.0) as i8),
            );
        }
        Ok(Embeddings {
            dim,
            vocab: Vocab::WordPiece {
                vocab,
                prefix,
                unk,
                max_chars,
            },
            weight: vec![1.0; n],
            scale,
            data,
            name: format!("model2vec, {n} tokens x {dim}"),
        })
    }

    fn rows_of(&self, word: &str, out: &mut Vec<u32>) {
        match &self.vocab {
            Vocab::Words(m) => {
                if let Some(&r) = m.get(word) {
                    out.push(r);
                }
            }
            Vocab::WordPiece {
                vocab,
                prefix,
                unk,
                max_chars,
            } => {
                let chars: Vec<(usize, char)> = word.char_indices().collect();
                if chars.len() > *max_chars {
                    out.extend(unk);
                    return;
                }
                let mut start = 0;
                let mark = out.len();
                while start < chars.len() {
                    let mut end = chars.len();
                    let mut found = None;
                    while end > start {
                        let a = chars[start].0;
                        let b = chars.get(end).map_or(word.len(), |c| c.0);
                        let piece = if start == 0 {
                            word[a..b].to_string()
                        } else {
                            format!("{prefix}{}", &word[a..b])
                        };
                        if let Some(&id) = vocab.get(&piece) {
                            found = Some(id);
                            break;
                        }
                        end -= 1;
                    }
                    match found {
                        Some(id) => {
                            out.push(id);
                            start = end;
                        }
                        None => {
                            out.truncate(mark);
                            out.extend(unk);
                            return;
                        }
                    }
                }
            }
        }
    }

    /// Is this folded word in the table (as a whole word or in pieces)?
    pub fn knows(&self, word: &str) -> bool {
        let mut v = Vec::new();
        self.rows_of(word, &mut v);
        !v.is_empty()
    }

    /// The sentence vector of folded words, L2-normalised; zero when no
    /// word is known. `extra_weight` multiplies each word's weight (e.g.
    /// to lower function words).
    pub fn sentence(&self, words: &[String], extra_weight: impl Fn(&str) -> f32) -> Vec<f32> {
        let mut v = vec![0f32; self.dim];
        let mut rows = Vec::new();
        for w in words {
            rows.clear();
            self.rows_of(w, &mut rows);
            if rows.is_empty() {
                continue;
            }
            let ew = extra_weight(w) / rows.len() as f32;
            for &r in &rows {
                let r = r as usize;
                let k = self.weight[r] * self.scale[r] * ew;
                let row = &self.data[r * self.dim..(r + 1) * self.dim];
                for (a, &q) in v.iter_mut().zip(row) {
                    *a += k * q as f32;
                }
            }
        }
        normalise(&mut v);
        v
    }
}

/// L2-normalise in place (a zero vector stays zero).
pub fn normalise(v: &mut [f32]) {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if n > 0.0 {
        for x in v.iter_mut() {
            *x /= n;
        }
    }
}

/// Dot product, eight lanes at a time (lets the compiler vectorise).
#[inline]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    let tail: f32 = ra.iter().zip(rb).map(|(x, y)| x * y).sum();
    acc.iter().sum::<f32>() + tail
}

/// Dot product of int8 values with floats, eight lanes at a time.
#[inline]
pub fn dot_i8(a: &[i8], b: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] as f32 * y[k];
        }
    }
    let tail: f32 = ra.iter().zip(rb).map(|(x, y)| *x as f32 * y).sum();
    acc.iter().sum::<f32>() + tail
}

fn f16_to_f32(h: u16) -> f32 {
    let s = ((h >> 15) & 1) as u32;
    let e = ((h >> 10) & 0x1f) as u32;
    let m = (h & 0x3ff) as u32;
    let bits = if e == 0 {
        if m == 0 {
            s << 31
        } else {
            // subnormal
            let mut e2 = 127 - 15 + 1;
            let mut m2 = m;
            while m2 & 0x400 == 0 {
                m2 <<= 1;
                e2 -= 1;
            }
            (s << 31) | (e2 << 23) | ((m2 & 0x3ff) << 13)
        }
    } else if e == 31 {
        (s << 31) | (0xff << 23) | (m << 13)
    } else {
        (s << 31) | ((e + 127 - 15) << 23) | (m << 13)
    };
    f32::from_bits(bits)
}

/// The whole numbers of a JSON array (a safetensors header's `shape`, `data_offsets`);
/// empty when it is not an array.
fn usizes(v: &serde_json::Value) -> Vec<usize> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_u64())
                .map(|v| v as usize)
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(t: &str) -> Vec<String> {
        normalize::words(t)
    }

    #[test]
    fn shipped_model_loads_and_means_something() {
        let m = Embeddings::shipped();
        assert!(m.len() > 20_000, "{}", m.len());
        assert!(m.knows("password") && m.knows("mot") && m.knows("imprimante"));
        let s = |a: &str, b: &str| {
            dot(
                &m.sentence(&words(a), |_| 1.0),
                &m.sentence(&words(b), |_| 1.0),
            )
        };
        // a word is closer to its translation and synonyms than to an unrelated word
        assert!(s("password", "mot de passe") > s("password", "imprimante"));
        assert!(s("printer", "imprimante") > s("printer", "vacances"));
        assert!(s("holiday", "vacances") > s("holiday", "printer"));
    }

    #[test]
    fn wrong_files_give_clear_errors() {
        assert!(matches!(
            Embeddings::from_vgem(b"PK\x03\x04zip"),
            Err(ModelError::Format(_))
        ));
        let mut truncated = SHIPPED_MODEL[..1000].to_vec();
        truncated.truncate(1000);
        let e = Embeddings::from_vgem(&truncated).unwrap_err();
        assert!(e.to_string().contains("truncated"), "{e}");
        let e = Embeddings::from_model2vec(b"{}", b"{}").unwrap_err();
        assert!(e.to_string().contains("safetensors"), "{e}");
        let e = Embeddings::from_model2vec(&tiny_safetensors(), b"not json").unwrap_err();
        assert!(e.to_string().contains("tokenizer.json"), "{e}");
        let bpe = br#"{"model": {"type": "BPE", "vocab": {}}}"#;
        let e = Embeddings::from_model2vec(&tiny_safetensors(), bpe).unwrap_err();
        assert!(matches!(e, ModelError::Unsupported(_)), "{e}");
        // a tokenizer whose ids do not fit the matrix
        let big = br#"{"model": {"type": "WordPiece", "vocab": {"a": 99}}}"#;
        let e = Embeddings::from_model2vec(&tiny_safetensors(), big).unwrap_err();
        assert!(e.to_string().contains("rows"), "{e}");
    }

    /// A 4 x 3 F32 model2vec matrix.
    fn tiny_safetensors() -> Vec<u8> {
        let rows: [[f32; 3]; 4] = [
            [0.0, 0.0, 1.0],
            [1.0, 0.0, 0.0],
            [0.9, 0.1, 0.0],
            [0.0, 1.0, 0.0],
        ];
        let data: Vec<u8> = rows
            .iter()
            .flatten()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let header = format!(
            r#"{{"embeddings":{{"dtype":"F32","shape":[4,3],"data_offsets":[0,{}]}}}}"#,
            data.len()
        );
        let mut b = (header.len() as u64).to_le_bytes().to_vec();
        b.extend(header.as_bytes());
        b.extend(data);
        b
    }

    #[test]
    fn model2vec_wordpiece_loads() {
        let tok = br###"{"model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
            "vocab": {"[UNK]": 0, "print": 1, "##er": 2, "car": 3}}}"###;
        let m = Embeddings::from_model2vec(&tiny_safetensors(), tok).unwrap();
        assert_eq!((m.len(), m.dim()), (4, 3));
        let printer = m.sentence(&words("printer"), |_| 1.0);
        let print = m.sentence(&words("print"), |_| 1.0);
        let car = m.sentence(&words("car"), |_| 1.0);
        assert!(dot(&printer, &print) > 0.9);
        assert!(dot(&printer, &car) < 0.2);
        // an unknown word maps to the unknown token
        assert!(m.knows("zzz"));
        // F16 too
        let h: Vec<u8> = [0x3c00u16, 0, 0, 0, 0x3c00, 0]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let header = r#"{"embeddings":{"dtype":"F16","shape":[2,3],"data_offsets":[0,12]}}"#;
        let mut b = (header.len() as u64).to_le_bytes().to_vec();
        b.extend(header.as_bytes());
        b.extend(h);
        let tok2 = br#"{"model": {"type": "WordPiece", "vocab": {"a": 0, "b": 1}}}"#;
        let m = Embeddings::from_model2vec(&b, tok2).unwrap();
        assert!((dot(&m.sentence(&words("a"), |_| 1.0), &[1.0, 0.0, 0.0]) - 1.0).abs() < 1e-3);
    }
}
