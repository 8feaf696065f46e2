//! Inference over many samples on all cores. Each sample's output is
//! computed exactly as on one thread, and the outputs come back in input
//! order, so results are bit-identical whatever the number of threads.

use core::sync::atomic::{AtomicUsize, Ordering};
use std::vec::Vec;

/// Threads for inference over many samples; 0 means every core.
static THREADS: AtomicUsize = AtomicUsize::new(0);

/// Sets the threads that `predict`, `evaluate` and `score` use over many
/// samples: 0 (the default) means every core, 1 one thread. The results
/// are the same bits either way.
pub fn set_threads(threads: usize) {
    THREADS.store(threads, Ordering::Relaxed);
}

/// The threads `predict` would use now (every core resolved).
pub fn threads() -> usize {
    match THREADS.load(Ordering::Relaxed) {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
}

/// Multiply-adds below which a job stays on one thread: spawning a thread
/// costs some tens of microseconds, about this much arithmetic.
const SERIAL_WORK: usize = 1 << 18;

/// `f(i)` for `i` in `0..n`, in order. `work` is about the multiply-adds
/// of one call: a job of less than [`SERIAL_WORK`] in all runs on the
/// calling thread, a larger one in contiguous ranges on [`threads`].
pub(crate) fn map_in_order<O, F>(n: usize, work: usize, f: F) -> Vec<O>
where
    O: Send,
    F: Fn(usize) -> O + Sync,
{
    let workers = threads().min(n);
    if workers <= 1 || n.saturating_mul(work.max(1)) < SERIAL_WORK {
        return (0..n).map(f).collect();
    }
    let per = n.div_ceil(workers);
    let f = &f;
    std::thread::scope(|s| {
        let parts: Vec<_> = (0..n)
            .step_by(per)
            .map(|lo| s.spawn(move || (lo..(lo + per).min(n)).map(f).collect::<Vec<O>>()))
            .collect();
        let mut out = Vec::with_capacity(n);
        for part in parts {
            match part.join() {
                Ok(p) => out.extend(p),
                // A worker's panic is the caller's, as on one thread.
                Err(e) => std::panic::resume_unwind(e),
            }
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every split gives the one-thread result, in order, including
    /// uneven ones and more threads than items.
    #[test]
    fn map_in_order_keeps_order_and_values() {
        let f = |i: usize| (i as f64).sin() * 1e3;
        let want: Vec<f64> = (0..1001).map(f).collect();
        for t in [1, 2, 3, 7, 2000] {
            set_threads(t);
            assert_eq!(map_in_order(1001, 1 << 20, f), want, "{t} threads");
        }
        set_threads(0);
        assert_eq!(map_in_order(0, 1 << 20, f), Vec::<f64>::new());
        assert_eq!(map_in_order(3, 1, f), want[..3]);
    }
}
