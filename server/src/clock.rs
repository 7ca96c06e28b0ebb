//! The time notifications are scheduled by. Production reads the system clock; tests hold a
//! [`Clock::manual`] and move it, so "held until quiet hours end" is tested without sleeping.
//! Only notifications (their creation, delivery and the people's local times) read this clock;
//! everything else stamps rows with [`crate::db::now_ms`].

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

#[derive(Debug, Clone, Default)]
pub struct Clock {
    manual: Option<Arc<AtomicI64>>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self::default()
    }

    /// A clock that stands at `start_ms` until [`Clock::set`] or [`Clock::advance`] moves it.
    pub fn manual(start_ms: i64) -> Self {
        Self {
            manual: Some(Arc::new(AtomicI64::new(start_ms))),
        }
    }

    /// Milliseconds since the Unix epoch.
    pub fn now_ms(&self) -> i64 {
        match &self.manual {
            Some(t) => t.load(Ordering::SeqCst),
            None => crate::db::now_ms(),
        }
    }

    /// Moves a manual clock to `ms` (no effect on the system clock).
    pub fn set(&self, ms: i64) {
        if let Some(t) = &self.manual {
            t.store(ms, Ordering::SeqCst);
        }
    }

    /// Moves a manual clock forward by `ms`.
    pub fn advance(&self, ms: i64) {
        if let Some(t) = &self.manual {
            t.fetch_add(ms, Ordering::SeqCst);
        }
    }
}
