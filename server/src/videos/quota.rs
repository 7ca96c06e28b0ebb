//! Storage is bounded: a part, a video and a user's whole library each have a cap, and a
//! recording has a longest length. Every refusal says the numbers, so a person knows what to do.

use vidmsg_api::UploadedPart;

use crate::config::Limits;
use crate::error::AppError;

/// `1.5 GiB`-style sizes for messages.
pub fn human_bytes(n: i64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} bytes")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

/// Refuses a part bigger than the cap (413).
pub fn check_parts(limits: &Limits, parts: &[UploadedPart]) -> Result<i64, AppError> {
    if let Some(p) = parts.iter().find(|p| p.size > limits.max_part_bytes) {
        return Err(AppError::PayloadTooLarge(format!(
            "part {} holds {} but a part may hold at most {}; send smaller parts",
            p.part_number,
            human_bytes(p.size),
            human_bytes(limits.max_part_bytes)
        )));
    }
    let total = parts.iter().map(|p| p.size).sum::<i64>();
    if total > limits.max_message_bytes {
        return Err(AppError::PayloadTooLarge(format!(
            "the video holds {} but this server takes videos of at most {}; record a shorter \
             message or at a lower quality",
            human_bytes(total),
            human_bytes(limits.max_message_bytes)
        )));
    }
    Ok(total)
}

/// Refuses a video that would take the user past the quota (507).
pub fn check_quota(limits: &Limits, used: i64, adding: i64) -> Result<(), AppError> {
    let Some(quota) = limits.user_quota_bytes else {
        return Ok(());
    };
    if used.saturating_add(adding) > quota {
        return Err(AppError::InsufficientStorage(format!(
            "your videos take {} of your {} quota and this one needs {} more; delete old \
             messages, then finish the upload again (the recorder keeps the recording)",
            human_bytes(used),
            human_bytes(quota),
            human_bytes(adding)
        )));
    }
    Ok(())
}

/// Refuses a recording longer than the server takes (422).
pub fn check_duration(limits: &Limits, duration_ms: Option<i64>) -> Result<(), AppError> {
    match duration_ms {
        Some(d) if d > limits.max_recording_ms => Err(AppError::Unprocessable(format!(
            "the recording is {} s long but this server takes recordings of at most {} s",
            d / 1000,
            limits.max_recording_ms / 1000
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(n: i32, size: i64) -> UploadedPart {
        UploadedPart {
            part_number: n,
            etag: String::new(),
            size,
        }
    }

    #[test]
    fn caps_say_their_numbers() {
        let l = Limits {
            max_part_bytes: 10 << 20,
            max_message_bytes: 15 << 20,
            user_quota_bytes: Some(20 << 20),
            max_recording_ms: 60_000,
        };
        assert_eq!(
            check_parts(&l, &[part(1, 6 << 20), part(2, 1)]).ok(),
            Some((6 << 20) + 1)
        );
        let e = check_parts(&l, &[part(1, 11 << 20)])
            .unwrap_err()
            .to_string();
        assert!(e.contains("11.0 MiB") && e.contains("10.0 MiB"), "{e}");
        assert!(check_parts(&l, &[part(1, 8 << 20), part(2, 8 << 20)]).is_err());
        assert!(check_quota(&l, 15 << 20, 5 << 20).is_ok());
        let e = check_quota(&l, 15 << 20, 6 << 20).unwrap_err().to_string();
        assert!(e.contains("20.0 MiB"), "{e}");
        assert!(check_duration(&l, Some(61_000)).is_err());
        assert!(check_duration(&l, None).is_ok());
    }
}
