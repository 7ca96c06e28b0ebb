//! Playback URLs are presigned and short-lived (`video_url_expires_in_s`): a client holding a
//! message for a while asks whether its URL still works before using it, and fetches the message
//! again for a fresh one when not. SigV4 presigned URLs carry their own start and lifetime
//! (`X-Amz-Date`, `X-Amz-Expires`), so no clock of the fetch needs keeping.

/// Unix seconds at which a SigV4 presigned URL stops working; `None` if it carries no expiry.
pub fn expires_at(url: &str) -> Option<i64> {
    let parsed = url::Url::parse(url).ok()?;
    let mut date = None;
    let mut expires = None;
    for (k, v) in parsed.query_pairs() {
        match k.as_ref() {
            "X-Amz-Date" => date = parse_amz_date(&v),
            "X-Amz-Expires" => expires = v.parse::<i64>().ok(),
            _ => {}
        }
    }
    Some(date? + expires?)
}

/// True when the URL expires within `margin_s` of `now_unix` (or already has).
pub fn is_stale(url: &str, now_unix: i64, margin_s: i64) -> bool {
    expires_at(url).is_some_and(|t| t - margin_s <= now_unix)
}

/// Seconds since the Unix epoch now.
pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// `20261125T142000Z` → Unix seconds.
fn parse_amz_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (hh, mm, ss) = (num(9..11)?, num(11..13)?, num(13..15)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    Some(days_from_civil(y, m, d) * 86_400 + hh * 3600 + mm * 60 + ss)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_expiry_of_a_presigned_url() {
        let url = "http://127.0.0.1:9/vidmsg/messages/1/ab/video?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261125T142000Z&X-Amz-Expires=600&X-Amz-Signature=00";
        // 2026-11-25T14:20:00Z = 1795616400
        assert_eq!(expires_at(url), Some(1_795_616_400 + 600));
        assert!(!is_stale(url, 1_795_616_400 + 500, 30));
        assert!(is_stale(url, 1_795_616_400 + 580, 30));
        assert_eq!(expires_at("http://x/plain.mp4"), None);
        assert!(!is_stale("http://x/plain.mp4", i64::MAX, 0));
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }
}
