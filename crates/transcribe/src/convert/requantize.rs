//! An f16 ggml Whisper file (the official download, or one this crate converted) rewritten with
//! its weight matrices in Q8_0: all of them (`Precision::Q8_0`) or the decoder's
//! (`Precision::Q8_0Decoder`). The header, mel filters and vocabulary are copied as they are;
//! only the `ftype` hparam and the chosen tensors change. The same rule as the CTranslate2
//! converter decides which tensors are quantized, so both paths give the same file.

use std::io::Write;
use std::path::Path;

use super::bytes::Reader;
use super::numbers::{Q8_BLOCK, f16_to_f32, quantize_q8_0};
use super::{
    ConvertError, ConvertReport, GGML_TYPE_F16, GGML_TYPE_F32, GGML_TYPE_Q8_0, Precision, Result,
};

const MAGIC: u32 = 0x6767_6d6c;
/// n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer, n_text_ctx, n_text_state,
/// n_text_head, n_text_layer, n_mels, ftype.
const N_HPARAMS: usize = 11;
const FTYPE: usize = 10;

/// A count or a size: non-negative and at most `max`.
fn count(r: &mut Reader, what: &str, max: usize) -> Result<usize> {
    let v = r.i32()?;
    usize::try_from(v)
        .ok()
        .filter(|n| *n <= max)
        .ok_or_else(|| ConvertError::Format(format!("{what} is {v}")))
}

/// Writes `src` (an f16 ggml Whisper file) to `out` with the matrices `precision` names in Q8_0.
/// Refuses a file that is already quantized: quantizing twice loses accuracy for nothing.
pub fn requantize_file(src: &Path, out: &Path, precision: Precision) -> Result<ConvertReport> {
    let bytes = std::fs::read(src)?;
    let tmp = out.with_extension("part");
    let written = (|| {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        let report = requantize(&bytes, &mut w, precision)?;
        w.flush()?;
        Ok::<_, ConvertError>(report)
    })();
    let mut report = match written {
        Ok(r) => r,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    std::fs::rename(&tmp, out)?;
    report.bytes = std::fs::metadata(out)?.len();
    Ok(report)
}

fn requantize(bytes: &[u8], w: &mut impl Write, precision: Precision) -> Result<ConvertReport> {
    let mut r = Reader::new(bytes);
    if r.take(4)? != MAGIC.to_le_bytes() {
        return Err(ConvertError::Format("not a ggml Whisper file".into()));
    }
    w.write_all(&MAGIC.to_le_bytes())?;
    let mut hp = [0usize; N_HPARAMS];
    for v in &mut hp {
        *v = count(&mut r, "an hparam", 1 << 24)?;
    }
    if hp[FTYPE] != Precision::F16.ftype() {
        return Err(ConvertError::Format(format!(
            "its weights are not f16 (ftype {}): requantize the f16 file (e.g. the official ggml-NAME.bin) instead",
            hp[FTYPE]
        )));
    }
    hp[FTYPE] = precision.ftype();
    for v in hp {
        w.write_all(&i32::try_from(v).unwrap_or(0).to_le_bytes())?;
    }
    // Mel filters: n_mel, n_fft, then n_mel × n_fft f32.
    let start = r.pos();
    let n_mel = count(&mut r, "n_mel", 1024)?;
    let n_fft = count(&mut r, "n_fft", 4096)?;
    r.take(n_mel * n_fft * 4)?;
    // Vocabulary: a count, then each token's length and bytes.
    let n_tokens = count(&mut r, "the vocabulary size", 1 << 20)?;
    for _ in 0..n_tokens {
        let len = count(&mut r, "a token's length", 1 << 16)?;
        r.take(len)?;
    }
    w.write_all(&bytes[start..r.pos()])?;

    let mut tensors = 0;
    while !r.done() {
        let n_dims = count(&mut r, "a tensor's rank", 4)?;
        let name_len = count(&mut r, "a tensor name's length", 1024)?;
        let ttype = count(&mut r, "a tensor's type", 64)?;
        let mut ne = [1usize; 4];
        for d in ne.iter_mut().take(n_dims) {
            *d = count(&mut r, "a tensor dimension", 1 << 24)?;
        }
        let name = std::str::from_utf8(r.take(name_len)?)
            .map_err(|_| ConvertError::Format("a tensor name is not UTF-8".into()))?
            .to_string();
        let elem: usize = match ttype {
            GGML_TYPE_F32 => 4,
            GGML_TYPE_F16 => 2,
            _ => {
                return Err(ConvertError::Format(format!(
                    "{name} has ggml type {ttype}; only f16 and f32 tensors can be requantized"
                )));
            }
        };
        let size = ne
            .iter()
            .try_fold(elem, |size, d| size.checked_mul(*d))
            .ok_or_else(|| ConvertError::Format(format!("{name}: its size overflows")))?;
        let data = r.take(size)?;
        // ggml order: ne[0] is the row length; the same rule as the converter's.
        let quantize = ttype == GGML_TYPE_F16
            && n_dims == 2
            && ne[0] % Q8_BLOCK == 0
            && precision.quantizes(&name);
        let out_type = if quantize { GGML_TYPE_Q8_0 } else { ttype };
        for v in [n_dims, name_len, out_type]
            .into_iter()
            .chain(ne.iter().take(n_dims).copied())
        {
            w.write_all(&i32::try_from(v).unwrap_or(0).to_le_bytes())?;
        }
        w.write_all(name.as_bytes())?;
        if quantize {
            let values: Vec<f32> = data
                .chunks_exact(2)
                .map(|b| f16_to_f32(u16::from_le_bytes([b[0], b[1]])))
                .collect();
            quantize_q8_0(&values, w)?;
        } else {
            w.write_all(data)?;
        }
        tensors += 1;
    }
    Ok(ConvertReport {
        n_vocab: hp[0],
        n_audio_layer: hp[4],
        n_text_layer: hp[8],
        n_audio_state: hp[2],
        n_mels: hp[9],
        tensors,
        bytes: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::super::numbers::f32_to_f16;
    use super::*;

    fn i32s(b: &mut Vec<u8>, vs: &[usize]) {
        for v in vs {
            b.extend_from_slice(&i32::try_from(*v).unwrap_or(-1).to_le_bytes());
        }
    }

    /// A tiny ggml Whisper file: hparams, a 1×2 mel filter, two tokens, then `tensors`
    /// (name, ggml dims, type, values).
    fn ggml_file(ftype: usize, tensors: &[(&str, &[usize], usize, &[f32])]) -> Vec<u8> {
        let mut b = MAGIC.to_le_bytes().to_vec();
        i32s(&mut b, &[51864, 1500, 384, 6, 4, 448, 384, 6, 4, 80, ftype]);
        i32s(&mut b, &[1, 2]);
        b.extend_from_slice(&0.5f32.to_le_bytes());
        b.extend_from_slice(&0.25f32.to_le_bytes());
        i32s(&mut b, &[2, 2]);
        b.extend_from_slice(b"hi");
        i32s(&mut b, &[1]);
        b.extend_from_slice(b"!");
        for (name, dims, ty, values) in tensors {
            i32s(&mut b, &[dims.len(), name.len(), *ty]);
            i32s(&mut b, dims);
            b.extend_from_slice(name.as_bytes());
            for v in *values {
                if *ty == GGML_TYPE_F16 {
                    b.extend_from_slice(&f32_to_f16(*v).to_le_bytes());
                } else {
                    b.extend_from_slice(&v.to_le_bytes());
                }
            }
        }
        b
    }

    #[test]
    fn the_decoder_matrices_become_q8_0_and_everything_else_is_copied() -> Result<()> {
        let m: Vec<f32> = (0..64).map(|i| (i as f32 - 32.0) / 16.0).collect();
        let short: Vec<f32> = (0..24).map(|i| i as f32).collect();
        let quantized = (
            "decoder.blocks.0.mlp.0.weight",
            &[32usize, 2][..],
            GGML_TYPE_F16,
            &m[..],
        );
        // Kept as they are: cross-attention's key, the encoder, rows not a multiple of 32, 1-D.
        let kept: [(&str, &[usize], usize, &[f32]); 4] = [
            (
                "decoder.blocks.0.cross_attn.key.weight",
                &[32, 2],
                GGML_TYPE_F16,
                &m,
            ),
            ("encoder.blocks.0.mlp.0.weight", &[32, 2], GGML_TYPE_F16, &m),
            (
                "decoder.blocks.0.attn.query.weight",
                &[12, 2],
                GGML_TYPE_F16,
                &short,
            ),
            (
                "decoder.ln.weight",
                &[4],
                GGML_TYPE_F32,
                &[1.0, 2.0, 3.0, 4.0],
            ),
        ];
        let all: Vec<_> = std::iter::once(quantized).chain(kept).collect();
        let src = ggml_file(1, &all);
        let mut out = Vec::new();
        let report = requantize(&src, &mut out, Precision::Q8_0Decoder)?;
        assert_eq!(report.tensors, 5);
        assert_eq!(
            (report.n_vocab, report.n_text_layer, report.n_mels),
            (51864, 4, 80)
        );

        let mut q8 = Vec::new();
        quantize_q8_0(&m, &mut q8)?;
        let expected = ggml_file(Precision::Q8_0Decoder.ftype(), &kept);
        // The quantized tensor comes first in the file: header, then its record, then the rest.
        let head = ggml_file(Precision::Q8_0Decoder.ftype(), &[]);
        assert_eq!(
            &out[..head.len()],
            &head[..],
            "header copied, ftype changed"
        );
        let name = "decoder.blocks.0.mlp.0.weight";
        let mut record = Vec::new();
        i32s(&mut record, &[2, name.len(), GGML_TYPE_Q8_0, 32, 2]);
        record.extend_from_slice(name.as_bytes());
        record.extend_from_slice(&q8);
        assert_eq!(&out[head.len()..head.len() + record.len()], &record[..]);
        assert_eq!(&out[head.len() + record.len()..], &expected[head.len()..]);
        Ok(())
    }

    #[test]
    fn quantized_truncated_and_foreign_files_are_refused() {
        let m = [0.5f32; 32];
        let q8 = ggml_file(2007, &[("decoder.x.weight", &[32, 1], GGML_TYPE_F16, &m)]);
        let err = requantize(&q8, &mut Vec::new(), Precision::Q8_0Decoder).unwrap_err();
        assert!(err.to_string().contains("not f16"), "{err}");

        let good = ggml_file(1, &[("decoder.x.weight", &[32, 1], GGML_TYPE_F16, &m)]);
        for cut in [3, 20, good.len() - 1] {
            let err = requantize(&good[..cut], &mut Vec::new(), Precision::Q8_0).unwrap_err();
            assert!(matches!(err, ConvertError::Format(_)), "{cut}: {err}");
        }
        // Dimensions whose product overflows: an error, not a panic.
        let mut huge = ggml_file(1, &[]);
        i32s(
            &mut huge,
            &[4, 1, GGML_TYPE_F16, 1 << 24, 1 << 24, 1 << 24, 1 << 24],
        );
        huge.push(b'x');
        let err = requantize(&huge, &mut Vec::new(), Precision::Q8_0).unwrap_err();
        assert!(err.to_string().contains("overflows"), "{err}");
        let err = requantize(b"RIFF....", &mut Vec::new(), Precision::Q8_0).unwrap_err();
        assert!(err.to_string().contains("not a ggml"), "{err}");
    }
}
