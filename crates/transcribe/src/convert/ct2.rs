//! CTranslate2's `model.bin` (format versions 4–6): the spec name, then each variable's name,
//! shape, dtype and bytes, then aliases.

use std::collections::HashMap;

use super::bytes::Reader;
use super::numbers::f16_to_f32;
use super::{ConvertError, Result};

/// One variable of a CTranslate2 model.
#[derive(Debug, Clone)]
pub(super) struct Var {
    pub(super) shape: Vec<usize>,
    pub(super) dtype: u8,
    pub(super) data: Vec<u8>,
}

pub(super) const DT_F32: u8 = 0;
pub(super) const DT_I8: u8 = 1;
pub(super) const DT_I16: u8 = 2;
pub(super) const DT_I32: u8 = 3;
pub(super) const DT_F16: u8 = 4;

/// A CTranslate2 string: a u16 length, then that many bytes ending in a NUL.
fn string(r: &mut Reader) -> Result<String> {
    let n = r.u16()? as usize;
    let b = r.take(n)?;
    let b = b.strip_suffix(&[0]).unwrap_or(b);
    String::from_utf8(b.to_vec()).map_err(|_| ConvertError::Format("non-UTF-8 name".into()))
}

pub(super) fn read_ct2(bytes: &[u8]) -> Result<HashMap<String, Var>> {
    let mut r = Reader::new(bytes);
    let version = r.u32()?;
    if !(4..=6).contains(&version) {
        return Err(ConvertError::Format(format!(
            "unsupported model.bin version {version}"
        )));
    }
    let spec = string(&mut r)?;
    if !spec.contains("Whisper") {
        return Err(ConvertError::Format(format!(
            "spec {spec:?} is not Whisper"
        )));
    }
    let _revision = r.u32()?;
    let n = r.u32()?;
    let mut vars = HashMap::new();
    for _ in 0..n {
        let name = string(&mut r)?;
        let rank = r.u8()?;
        let shape = (0..rank)
            .map(|_| r.u32().map(|d| d as usize))
            .collect::<Result<Vec<_>>>()?;
        let dtype = r.u8()?;
        let nbytes = r.u32()? as usize;
        let data = r.take(nbytes)?.to_vec();
        vars.insert(name, Var { shape, dtype, data });
    }
    let n_alias = r.u32()?;
    for _ in 0..n_alias {
        let alias = string(&mut r)?;
        let target = string(&mut r)?;
        if let Some(v) = vars.get(&target).cloned() {
            vars.insert(alias, v);
        }
    }
    Ok(vars)
}

impl Var {
    pub(super) fn numel(&self) -> usize {
        self.shape.iter().product::<usize>().max(1)
    }

    pub(super) fn to_f32(&self) -> Result<Vec<f32>> {
        match self.dtype {
            DT_F32 => Ok(self
                .data
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect()),
            DT_F16 => Ok(self
                .data
                .chunks_exact(2)
                .map(|c| f16_to_f32(u16::from_le_bytes([c[0], c[1]])))
                .collect()),
            other => Err(ConvertError::Format(format!(
                "tensor dtype {other} is not float (quantized CTranslate2 models are not supported)"
            ))),
        }
    }

    pub(super) fn scalar_int(&self) -> Result<i64> {
        let d = &self.data;
        match (self.dtype, d.len()) {
            (DT_I8, 1..) => Ok(i64::from(d[0] as i8)),
            (DT_I16, 2..) => Ok(i64::from(i16::from_le_bytes([d[0], d[1]]))),
            (DT_I32, 4..) => Ok(i64::from(i32::from_le_bytes([d[0], d[1], d[2], d[3]]))),
            _ => Err(ConvertError::Format(format!(
                "expected an integer scalar, dtype {}",
                self.dtype
            ))),
        }
    }
}
