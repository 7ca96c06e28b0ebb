//! The number formats of the ggml file: IEEE half floats, and Q8_0 blocks (an f16 scale, then
//! 32 int8).

use std::io::Write;

/// Values per Q8_0 block.
pub(super) const Q8_BLOCK: usize = 32;

pub(super) fn f16_to_f32(h: u16) -> f32 {
    let sign = u32::from(h >> 15) << 31;
    let exp = (h >> 10) & 0x1f;
    let frac = u32::from(h & 0x3ff);
    let bits = match exp {
        0 if frac == 0 => sign,
        0 => {
            // Subnormal: normalise.
            let mut e = 127 - 15 + 1;
            let mut f = frac;
            while f & 0x400 == 0 {
                f <<= 1;
                e -= 1;
            }
            sign | ((e as u32) << 23) | ((f & 0x3ff) << 13)
        }
        0x1f => sign | 0x7f80_0000 | (frac << 13),
        _ => sign | ((u32::from(exp) + 127 - 15) << 23) | (frac << 13),
    };
    f32::from_bits(bits)
}

pub(super) fn f32_to_f16(v: f32) -> u16 {
    let x = v.to_bits();
    let sign = ((x >> 16) & 0x8000) as u16;
    let exp = ((x >> 23) & 0xff) as i32;
    let mut frac = x & 0x7f_ffff;
    if exp == 0xff {
        return sign | 0x7c00 | if frac != 0 { 0x200 } else { 0 };
    }
    let e = exp - 127 + 15;
    if e >= 0x1f {
        return sign | 0x7c00;
    }
    if e <= 0 {
        if e < -10 {
            return sign;
        }
        frac |= 0x80_0000;
        let shift = (14 - e) as u32;
        let half = 1u32 << (shift - 1);
        let mut m = frac >> shift;
        let rem = frac & ((1 << shift) - 1);
        if rem > half || (rem == half && (m & 1) == 1) {
            m += 1;
        }
        return sign | m as u16;
    }
    let mut m = frac >> 13;
    let rem = frac & 0x1fff;
    let mut e = e as u32;
    if rem > 0x1000 || (rem == 0x1000 && (m & 1) == 1) {
        m += 1;
        if m == 0x400 {
            m = 0;
            e += 1;
            if e >= 0x1f {
                return sign | 0x7c00;
            }
        }
    }
    sign | ((e as u16) << 10) | m as u16
}

/// ggml Q8_0 blocks of `values` (a multiple of 32 long): f16 scale, then 32 int8.
pub(super) fn quantize_q8_0(values: &[f32], out: &mut impl Write) -> std::io::Result<()> {
    for block in values.chunks(Q8_BLOCK) {
        let amax = block.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        let d = amax / 127.0;
        let id = if d > 0.0 { 1.0 / d } else { 0.0 };
        out.write_all(&f32_to_f16(d).to_le_bytes())?;
        let mut qs = [0u8; Q8_BLOCK];
        for (q, v) in qs.iter_mut().zip(block) {
            *q = ((v * id).round().clamp(-127.0, 127.0) as i8) as u8;
        }
        out.write_all(&qs)?;
    }
    Ok(())
}
