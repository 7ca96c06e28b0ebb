//! Throttles that keep one client from wearing the server down: failed bearer-token checks per
//! client address, wrong passwords (and unusable invites) per address and per name, and open
//! event streams per user. Both answer 429 with a message that says
//! what to do (and `Retry-After` where waiting helps).

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use vidmsg_api::{ErrorBody, Id};

/// Window over which failed sign-ins are counted.
pub const AUTH_FAILURE_WINDOW: Duration = Duration::from_secs(60);
/// Event streams one user may hold open at once (windows, devices).
pub const MAX_EVENT_STREAMS_PER_USER: usize = 8;
/// A name may take this many times an address's wrong passwords per window: enough that one
/// address guessing cannot lock the name's owner out, few enough to slow guessing from many.
pub const NAME_FAILURES_FACTOR: u32 = 5;
/// Addresses remembered at most; the oldest window goes first when full.
const MAX_TRACKED_ADDRESSES: usize = 10_000;

/// The server's throttles, shared by every request.
#[derive(Debug)]
pub struct Throttle {
    pub auth: FailedAuthLimiter,
    /// Wrong passwords and unusable invite codes per client address.
    pub sign_in_by_address: FailedAuthLimiter,
    /// Wrong passwords per account name (existing or not).
    pub sign_in_by_name: FailedAuthLimiter<String>,
    streams: Mutex<HashMap<Id, usize>>,
    max_streams: usize,
}

impl Throttle {
    /// `auth_failures_per_minute`: failed token checks (and, separately, wrong passwords) one
    /// address may make per minute; a name takes [`NAME_FAILURES_FACTOR`] times as many wrong
    /// passwords (0: no limit).
    pub fn new(auth_failures_per_minute: u32) -> Arc<Self> {
        Arc::new(Self {
            auth: FailedAuthLimiter::new(auth_failures_per_minute, AUTH_FAILURE_WINDOW),
            sign_in_by_address: FailedAuthLimiter::new(
                auth_failures_per_minute,
                AUTH_FAILURE_WINDOW,
            ),
            sign_in_by_name: FailedAuthLimiter::new(
                auth_failures_per_minute.saturating_mul(NAME_FAILURES_FACTOR),
                AUTH_FAILURE_WINDOW,
            ),
            streams: Mutex::new(HashMap::new()),
            max_streams: MAX_EVENT_STREAMS_PER_USER,
        })
    }

    /// Counts a new event stream of `user`; `None` when the user already has the most allowed.
    /// The stream is uncounted when the guard drops (the client went away or the stream ended).
    pub fn open_stream(self: &Arc<Self>, user: Id) -> Option<StreamGuard> {
        let mut open = lock(&self.streams);
        let n = open.entry(user).or_insert(0);
        if *n >= self.max_streams {
            return None;
        }
        *n += 1;
        Some(StreamGuard {
            throttle: Arc::clone(self),
            user,
        })
    }

    pub fn max_streams(&self) -> usize {
        self.max_streams
    }
}

/// One open event stream, counted until dropped.
#[derive(Debug)]
pub struct StreamGuard {
    throttle: Arc<Throttle>,
    user: Id,
}

impl Drop for StreamGuard {
    fn drop(&mut self) {
        let mut open = lock(&self.throttle.streams);
        if let Some(n) = open.get_mut(&self.user) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.user);
            }
        }
    }
}

/// Counts failures per key (a client address by default, or an account name) in fixed windows.
#[derive(Debug)]
pub struct FailedAuthLimiter<K = IpAddr> {
    limit: u32,
    window: Duration,
    entries: Mutex<HashMap<K, Window>>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    failures: u32,
}

impl<K: Eq + Hash + Clone> FailedAuthLimiter<K> {
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// How long `ip` must wait, if it used up its failed attempts in the current window.
    pub fn blocked(&self, ip: K) -> Option<Duration> {
        if self.limit == 0 {
            return None;
        }
        let now = Instant::now();
        let entries = lock(&self.entries);
        let w = entries.get(&ip)?;
        let elapsed = now.saturating_duration_since(w.started);
        (w.failures >= self.limit && elapsed < self.window).then(|| self.window - elapsed)
    }

    /// Records a failure of `ip`.
    pub fn record_failure(&self, ip: K) {
        if self.limit == 0 {
            return;
        }
        let now = Instant::now();
        let mut entries = lock(&self.entries);
        let window = self.window;
        if entries.len() >= MAX_TRACKED_ADDRESSES {
            entries.retain(|_, w| now.saturating_duration_since(w.started) < window);
            if entries.len() >= MAX_TRACKED_ADDRESSES
                && let Some(oldest) = entries
                    .iter()
                    .min_by_key(|(_, w)| w.started)
                    .map(|(ip, _)| ip.clone())
            {
                entries.remove(&oldest);
            }
        }
        let w = entries.entry(ip).or_insert(Window {
            started: now,
            failures: 0,
        });
        if now.saturating_duration_since(w.started) >= window {
            *w = Window {
                started: now,
                failures: 0,
            };
        }
        w.failures = w.failures.saturating_add(1);
    }
}

/// A poisoned lock only means another request panicked mid-update of a counter: keep going.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// 429 Too Many Requests, with `Retry-After` (whole seconds, rounded up) when waiting helps.
#[derive(Debug)]
pub struct TooManyRequests {
    pub message: String,
    pub retry_after: Option<Duration>,
}

impl TooManyRequests {
    pub fn retry_after_secs(&self) -> Option<u64> {
        self.retry_after
            .map(|d| d.as_secs() + u64::from(d.subsec_nanos() > 0))
            .map(|s| s.max(1))
    }
}

impl IntoResponse for TooManyRequests {
    fn into_response(self) -> Response {
        let retry = self.retry_after_secs();
        let body = ErrorBody {
            error: "too_many_requests".into(),
            message: self.message,
        };
        let mut resp = (StatusCode::TOO_MANY_REQUESTS, axum::Json(body)).into_response();
        if let Some(s) = retry {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_block_an_address_until_the_window_passes() {
        let l = FailedAuthLimiter::new(3, Duration::from_millis(300));
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        for _ in 0..3 {
            assert!(l.blocked(a).is_none());
            l.record_failure(a);
        }
        assert!(
            l.blocked(a)
                .is_some_and(|d| d <= Duration::from_millis(300))
        );
        assert!(l.blocked(b).is_none(), "another address is not affected");
        std::thread::sleep(Duration::from_millis(350));
        assert!(l.blocked(a).is_none());
        l.record_failure(a);
        assert!(l.blocked(a).is_none(), "a new window starts from zero");
    }

    #[test]
    fn names_are_counted_apart_and_take_more_failures() {
        let t = Throttle::new(2);
        for _ in 0..2 {
            t.sign_in_by_address.record_failure([10, 0, 0, 1].into());
            t.sign_in_by_name.record_failure("alice".to_string());
        }
        assert!(t.sign_in_by_address.blocked([10, 0, 0, 1].into()).is_some());
        assert!(t.sign_in_by_name.blocked("alice".to_string()).is_none());
        for _ in 2..(2 * NAME_FAILURES_FACTOR) {
            t.sign_in_by_name.record_failure("alice".to_string());
        }
        assert!(t.sign_in_by_name.blocked("alice".to_string()).is_some());
        assert!(t.sign_in_by_name.blocked("bob".to_string()).is_none());
        assert!(
            t.auth.blocked([10, 0, 0, 1].into()).is_none(),
            "tokens count apart"
        );
    }

    #[test]
    fn streams_are_counted_until_their_guard_drops() {
        let t = Throttle::new(10);
        let guards: Vec<_> = (0..t.max_streams())
            .map(|_| t.open_stream(7))
            .collect::<Option<_>>()
            .expect("below the cap");
        assert!(t.open_stream(7).is_none());
        assert!(t.open_stream(8).is_some(), "another user has its own count");
        drop(guards);
        assert!(t.open_stream(7).is_some());
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        let r = |ms| TooManyRequests {
            message: String::new(),
            retry_after: Some(Duration::from_millis(ms)),
        };
        assert_eq!(r(1).retry_after_secs(), Some(1));
        assert_eq!(r(1000).retry_after_secs(), Some(1));
        assert_eq!(r(1001).retry_after_secs(), Some(2));
    }
}
