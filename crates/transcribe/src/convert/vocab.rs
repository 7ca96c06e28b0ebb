//! The vocabulary: CTranslate2's tokens (GPT-2 byte-level BPE, written as printable characters)
//! back to the bytes whisper.cpp expects.

use std::collections::HashMap;
use std::path::Path;

use super::{ConvertError, Result};

/// GPT-2's reversible byte ↔ printable-character map, inverted: char → byte.
pub(super) fn unicode_to_byte() -> HashMap<char, u8> {
    let mut bs: Vec<u32> = (u32::from(b'!')..=u32::from(b'~'))
        .chain(0xA1..=0xAC)
        .chain(0xAE..=0xFF)
        .collect();
    let mut cs = bs.clone();
    let mut n = 0;
    for b in 0..256u32 {
        if !bs.contains(&b) {
            bs.push(b);
            cs.push(256 + n);
            n += 1;
        }
    }
    bs.iter()
        .zip(&cs)
        .filter_map(|(&b, &c)| Some((char::from_u32(c)?, u8::try_from(b).ok()?)))
        .collect()
}

pub(super) fn token_bytes(token: &str, map: &HashMap<char, u8>) -> Vec<u8> {
    let mut out = Vec::with_capacity(token.len());
    for ch in token.chars() {
        match map.get(&ch) {
            Some(b) => out.push(*b),
            None => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out
}

/// Reads the vocabulary beside model.bin: `vocabulary.txt` (one token a line) or
/// `vocabulary.json` (a JSON array).
pub(super) fn read_vocabulary(dir: &Path) -> Result<Vec<String>> {
    let txt = dir.join("vocabulary.txt");
    if txt.exists() {
        let text = std::fs::read_to_string(txt)?;
        return Ok(text.split('\n').map(str::to_string).collect());
    }
    let json = dir.join("vocabulary.json");
    let text = std::fs::read_to_string(&json).map_err(|_| {
        ConvertError::Format(format!(
            "no vocabulary.txt or vocabulary.json in {}",
            dir.display()
        ))
    })?;
    serde_json::from_str(&text).map_err(|e| {
        ConvertError::Format(format!("vocabulary.json is not an array of strings: {e}"))
    })
}
