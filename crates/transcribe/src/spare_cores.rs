//! Spare cores for whisper (#14: "every idle core when the queue is short"). The worker's
//! share is half the cores by default, because it shares the machine with the API, decoding
//! and recording, and whisper's threads wait for each other at every step: a thread that has to
//! share its core with another busy process holds all the others up. When the rest of the
//! machine has been idle, the next piece also gets the idle cores. On 2 cores (1 configured):
//! the 88-second clip in 9.3–10.0 s instead of 11.7 (2 threads throughout: 9.1; the first piece
//! runs before anything is measured); with the other core kept busy it stays on 1 thread (13.5
//! s; 2 threads throughout would take 17.0).
//!
//! Measured on Linux from `/proc`: the CPU time of the whole machine since the last piece, less
//! whisper's own (the calling thread's time, as whisper splits each step evenly over its
//! threads). Elsewhere, or when `/proc` cannot be read, the configured share stays.

use std::time::Instant;

/// The busy-time meter; one per worker, so the idle time between jobs counts too.
#[derive(Debug)]
pub struct SpareCores {
    cores: usize,
    ticks_per_sec: f64,
    last: Option<Sample>,
    /// Since the last answer: seconds, and CPU seconds of everything but whisper.
    secs: f64,
    others: f64,
}

#[derive(Debug, Clone, Copy)]
struct Sample {
    at: Instant,
    /// Busy ticks of all CPUs together.
    busy: u64,
    /// Ticks of the calling thread, and which thread that was.
    thread: u64,
    tid: u64,
    /// Whisper threads running from this sample on (0: none).
    threads: usize,
}

/// A core counts as idle when the rest of the machine left at least this much of it.
const IDLE_SHARE: f64 = 0.8;
/// whisper.cpp gains little past 8 threads.
const MAX_THREADS: usize = 8;
/// A shorter window says too little (the kernel counts in ticks of 10 ms).
const MIN_WINDOW_SECS: f64 = 0.2;

impl SpareCores {
    pub fn new() -> Self {
        Self {
            cores: std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
            ticks_per_sec: clock_ticks(),
            // From now on: a worker's first piece sees how busy the machine was while it
            // waited for the job.
            last: sample(),
            secs: 0.0,
            others: 0.0,
        }
    }

    /// Threads for the next piece: `base`, and each core the rest of the machine left idle
    /// since the last answer (none before anything was measured). Call it, and
    /// [`Self::piece_done`] after the piece, from the thread that runs whisper.
    pub fn threads(&mut self, base: usize) -> usize {
        let Some(now) = sample() else {
            return base;
        };
        self.take(now);
        let threads = if self.secs >= MIN_WINDOW_SECS {
            spare_threads(self.cores, base, self.others / self.secs)
        } else {
            base
        };
        (self.secs, self.others) = (0.0, 0.0);
        self.last = Some(Sample { threads, ..now });
        threads
    }

    /// The piece is transcribed: whisper's threads are not running from now on.
    pub fn piece_done(&mut self) {
        if let Some(now) = sample() {
            self.take(now);
            self.last = Some(now);
        }
    }

    /// Adds the window from the last sample to `now`.
    fn take(&mut self, now: Sample) {
        let Some(prev) = self.last else {
            return;
        };
        let all = now.busy.saturating_sub(prev.busy) as f64 / self.ticks_per_sec;
        // Whisper's own CPU time: its threads share each step evenly, so `threads` times the
        // calling thread's (which is one of them).
        let own = if prev.threads > 0 && prev.tid == now.tid {
            prev.threads as f64 * now.thread.saturating_sub(prev.thread) as f64 / self.ticks_per_sec
        } else {
            0.0
        };
        self.secs += now.at.duration_since(prev.at).as_secs_f64();
        self.others += (all - own).max(0.0);
    }
}

impl Default for SpareCores {
    fn default() -> Self {
        Self::new()
    }
}

/// `base` threads, plus one per core that neither they nor the rest of the machine
/// (`others_busy` cores' worth of CPU time) used; at most every core, and 8.
pub fn spare_threads(cores: usize, base: usize, others_busy: f64) -> usize {
    let free = cores as f64 - base as f64 - others_busy;
    let extra = (free + (1.0 - IDLE_SHARE)).floor().max(0.0) as usize;
    (base + extra).min(cores.min(MAX_THREADS)).max(base)
}

/// `/proc` counts CPU time in USER_HZ ticks, which Linux fixes at 100 a second on the
/// architectures vidmsg builds for (x86-64, arm64).
fn clock_ticks() -> f64 {
    100.0
}

fn sample() -> Option<Sample> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let busy = machine_busy(&stat)?;
    let own = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let (tid, thread) = thread_ticks(&own)?;
    Some(Sample {
        at: Instant::now(),
        busy,
        thread,
        tid,
        threads: 0,
    })
}

/// Busy ticks of all CPUs from `/proc/stat`'s first line (user, nice, system, irq, softirq,
/// steal; not idle or iowait).
fn machine_busy(stat: &str) -> Option<u64> {
    let line = stat.lines().next()?.strip_prefix("cpu ")?;
    let f: Vec<u64> = line
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    Some(f.first()? + f.get(1)? + f.get(2)? + f.get(5)? + f.get(6)? + f.get(7).unwrap_or(&0))
}

/// A thread's id and user + system ticks from its `/proc/…/stat` line (fields 1, 14 and 15;
/// the name in parentheses may hold spaces).
fn thread_ticks(stat: &str) -> Option<(u64, u64)> {
    let tid = stat.split_whitespace().next()?.parse().ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    // After the name: field 3 is f[0], so field 14 is f[11].
    let utime: u64 = f.get(11)?.parse().ok()?;
    let stime: u64 = f.get(12)?.parse().ok()?;
    Some((tid, utime + stime))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_cores_join_and_busy_ones_do_not() {
        // 2 cores, 1 thread configured: the other core idle → 2; a fifth of it busy → still
        // 2; more → 1.
        assert_eq!(spare_threads(2, 1, 0.0), 2);
        assert_eq!(spare_threads(2, 1, 0.15), 2);
        assert_eq!(spare_threads(2, 1, 0.5), 1);
        assert_eq!(spare_threads(2, 1, 3.0), 1);
        // 16 cores, 8 configured: capped at 8.
        assert_eq!(spare_threads(16, 8, 0.0), 8);
        // 8 cores, 4 configured, 2.5 busy elsewhere: 1 idle core joins.
        assert_eq!(spare_threads(8, 4, 2.5), 5);
        // More configured than cores (an operator's choice) is kept.
        assert_eq!(spare_threads(2, 4, 0.0), 4);
    }

    #[test]
    fn proc_lines_are_read() {
        let stat = "cpu  100 5 50 9000 20 3 2 1 0 0\ncpu0 50 2 25 4500 10 1 1 0 0 0\n";
        assert_eq!(machine_busy(stat), Some(100 + 5 + 50 + 3 + 2 + 1));
        let thread = "4242 (tokio-runtime-w ker) R 1 1 1 0 -1 4194560 100 0 0 0 \
                      700 30 0 0 20 0 9 0 1000 100000 100 18446744073709551615";
        assert_eq!(thread_ticks(thread), Some((4242, 730)));
        assert_eq!(machine_busy("intr 1 2 3"), None);
    }

    #[test]
    fn the_first_call_gives_the_configured_share_and_later_ones_measure() {
        let mut m = SpareCores::new();
        assert_eq!(m.threads(1), 1);
        // A window too short to say anything keeps the configured share.
        m.piece_done();
        assert_eq!(m.threads(1), 1);
        // Whatever this machine does meanwhile, the answer stays within bounds.
        std::thread::sleep(std::time::Duration::from_millis(300));
        m.piece_done();
        let t = m.threads(1);
        assert!((1..=m.cores.clamp(1, MAX_THREADS)).contains(&t), "{t}");
    }
}
