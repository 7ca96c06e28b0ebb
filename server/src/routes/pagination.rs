//! Limits and opaque cursors of paginated lists.

use vidmsg_api::PageQuery;

use crate::error::{AppError, AppResult};

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 200;

/// The page size a query asks for, checked.
pub fn limit(q: &PageQuery) -> AppResult<u32> {
    match q.limit {
        None => Ok(DEFAULT_LIMIT),
        Some(l) if (1..=MAX_LIMIT).contains(&l) => Ok(l),
        Some(l) => Err(AppError::BadRequest(format!(
            "limit must be 1-{MAX_LIMIT}, got {l}"
        ))),
    }
}

/// Parses a cursor made of `n` integers joined by `.`.
pub fn parse_cursor<const N: usize>(cursor: Option<&str>) -> AppResult<Option<[i64; N]>> {
    let Some(c) = cursor.filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let bad = || AppError::BadRequest(format!("invalid cursor {c:?}"));
    let nums: Vec<i64> = c
        .split('.')
        .map(|p| p.parse::<i64>().map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    let arr: [i64; N] = nums.try_into().map_err(|_| bad())?;
    Ok(Some(arr))
}

pub fn make_cursor(parts: &[i64]) -> String {
    parts
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        assert_eq!(
            parse_cursor::<2>(Some(&make_cursor(&[5, 7])))
                .ok()
                .flatten(),
            Some([5, 7])
        );
        assert!(parse_cursor::<2>(Some("5")).is_err());
        assert!(parse_cursor::<1>(Some("x")).is_err());
        assert!(matches!(parse_cursor::<1>(None), Ok(None)));
    }
}
