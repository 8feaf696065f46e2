//! Work on all cores: inference over many samples, and the shards of a
//! data-parallel training step, on threads kept between calls. Each
//! sample's output is computed exactly as on one thread, and the outputs
//! come back in input order, so results are bit-identical whatever the
//! number of threads.

use core::any::Any;
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::boxed::Box;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, TryLockError};
use std::vec::Vec;

/// Threads for inference over many samples; 0 means every core.
static THREADS: AtomicUsize = AtomicUsize::new(0);

/// Sets the threads that `predict`, `evaluate` and `score` use over many
/// samples, and that [`DataParallel`](super::DataParallel) training steps
/// split their shards over: 0 (the default) means every core, 1 one
/// thread. The results are the same bits either way.
pub fn set_threads(threads: usize) {
    THREADS.store(threads, Ordering::Relaxed);
}

/// The threads `predict` and `DataParallel` would use now (every core
/// resolved).
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
    let parts: Vec<Mutex<Vec<O>>> = (0..workers).map(|_| Mutex::new(Vec::new())).collect();
    broadcast(workers, &|w| {
        let part: Vec<O> = (w * per..((w + 1) * per).min(n)).map(&f).collect();
        *lock(&parts[w]) = part;
    });
    let mut out = Vec::with_capacity(n);
    for part in parts {
        out.extend(part.into_inner().unwrap_or_else(PoisonError::into_inner));
    }
    out
}

/// A mutex's value, also after a panic elsewhere (the values here are
/// written whole or not at all).
pub(crate) fn lock<X>(m: &Mutex<X>) -> MutexGuard<'_, X> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs `f(0)` on the calling thread and `f(1)` to `f(n - 1)` on threads
/// kept for the purpose, and returns when all are done; a panic in any of
/// them is the caller's. Spawning a thread costs some tens of
/// microseconds here, as much as a small training step, so the threads
/// wait for work between steps. A call made while the threads are busy
/// (from another thread, or from inside `f`) spawns scoped threads
/// instead.
pub(crate) fn broadcast(n: usize, f: &(dyn Fn(usize) + Sync)) {
    if n <= 1 {
        f(0);
        return;
    }
    let mut pool = match POOL.try_lock() {
        Ok(pool) => pool,
        Err(TryLockError::Poisoned(p)) => p.into_inner(),
        Err(TryLockError::WouldBlock) => {
            std::thread::scope(|s| {
                for i in 1..n {
                    s.spawn(move || f(i));
                }
                f(0);
            });
            return;
        }
    };
    while pool.len() + 1 < n {
        let slot = Arc::new(Slot::default());
        let mine = Arc::clone(&slot);
        std::thread::Builder::new()
            .name(std::format!("nn-worker-{}", pool.len() + 1))
            .spawn(move || loop {
                mine.take().run();
            })
            .expect("the system lets nn start a worker thread");
        pool.push(slot);
    }
    let done = Arc::new(Countdown::new(n - 1));
    #[allow(unsafe_code, reason = "the pool's one lifetime erasure")]
    // SAFETY: the workers use `f` only inside `Job::run`, which counts
    // down after its last use of it; this function waits for the count to
    // reach zero before it returns or unwinds (`f(0)` runs under
    // `catch_unwind`), so `f` outlives every use.
    let f: &'static (dyn Fn(usize) + Sync) = unsafe { core::mem::transmute(f) };
    for (i, worker) in (1..n).zip(pool.iter()) {
        worker.post(Job {
            f,
            index: i,
            done: Arc::clone(&done),
        });
    }
    let own = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(0)));
    let panic = done.wait();
    drop(pool);
    if let Err(p) = own {
        std::panic::resume_unwind(p);
    }
    if let Some(p) = panic {
        std::panic::resume_unwind(p);
    }
}

/// The kept threads, one job slot each.
static POOL: Mutex<Vec<Arc<Slot>>> = Mutex::new(Vec::new());

/// Where a kept thread finds its next job.
#[derive(Default)]
struct Slot {
    job: Mutex<Option<Job>>,
    posted: AtomicBool,
    wake: Condvar,
}

impl Slot {
    fn post(&self, job: Job) {
        *lock(&self.job) = Some(job);
        self.posted.store(true, Ordering::Release);
        self.wake.notify_one();
    }

    /// The next job: spinning a while first (a new step follows soon),
    /// then asleep.
    fn take(&self) -> Job {
        spin_until(|| self.posted.load(Ordering::Acquire));
        let mut job = lock(&self.job);
        loop {
            if let Some(next) = job.take() {
                self.posted.store(false, Ordering::Relaxed);
                return next;
            }
            job = self.wake.wait(job).unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// `f(index)` for a kept thread, and the count to report to.
struct Job {
    f: &'static (dyn Fn(usize) + Sync),
    index: usize,
    done: Arc<Countdown>,
}

impl Job {
    fn run(self) {
        let result =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (self.f)(self.index)));
        self.done.count_down(result.err());
    }
}

/// Jobs still running, and the first panic among them.
struct Countdown {
    left: AtomicUsize,
    panic: Mutex<Option<Box<dyn Any + Send>>>,
    sleeping: Mutex<()>,
    zero: Condvar,
}

impl Countdown {
    fn new(n: usize) -> Self {
        Self {
            left: AtomicUsize::new(n),
            panic: Mutex::new(None),
            sleeping: Mutex::new(()),
            zero: Condvar::new(),
        }
    }

    fn count_down(&self, panic: Option<Box<dyn Any + Send>>) {
        if let Some(p) = panic {
            lock(&self.panic).get_or_insert(p);
        }
        if self.left.fetch_sub(1, Ordering::AcqRel) == 1 {
            // Under the lock, so a waiter between its check and its sleep
            // cannot miss the wake-up.
            let _sleeping = lock(&self.sleeping);
            self.zero.notify_all();
        }
    }

    /// Waits for every job (spinning first: waking a sleeping thread
    /// takes tens of microseconds here); the first panic, if any.
    fn wait(&self) -> Option<Box<dyn Any + Send>> {
        let done = || self.left.load(Ordering::Acquire) == 0;
        if !spin_until(done) {
            let mut sleeping = lock(&self.sleeping);
            while !done() {
                sleeping = self
                    .zero
                    .wait(sleeping)
                    .unwrap_or_else(PoisonError::into_inner);
            }
        }
        lock(&self.panic).take()
    }
}

/// How long a thread spins for a result or a job before it sleeps: about
/// one small training step, so that consecutive steps never sleep.
const SPIN: std::time::Duration = std::time::Duration::from_micros(300);

/// Spins until `ready()` or [`SPIN`] has passed; whether it became ready.
fn spin_until(mut ready: impl FnMut() -> bool) -> bool {
    let start = std::time::Instant::now();
    loop {
        for _ in 0..64 {
            if ready() {
                return true;
            }
            core::hint::spin_loop();
        }
        if start.elapsed() > SPIN {
            return ready();
        }
    }
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

    /// Every index runs once; a panic on a kept thread reaches the caller
    /// and leaves the pool working; a call from inside a job (the pool is
    /// busy) runs on scoped threads instead of waiting for itself.
    #[test]
    fn broadcast_runs_each_index_once_and_survives_panics_and_nesting() {
        use core::sync::atomic::AtomicUsize;
        let runs: [AtomicUsize; 4] = core::array::from_fn(|_| AtomicUsize::new(0));
        broadcast(4, &|i| {
            runs[i].fetch_add(1, Ordering::Relaxed);
        });
        assert!(runs.iter().all(|r| r.load(Ordering::Relaxed) == 1));

        let caught =
            std::panic::catch_unwind(|| broadcast(3, &|i| assert_ne!(i, 2, "job 2 fails")));
        assert!(caught.is_err(), "the worker's panic reached the caller");

        let inner = AtomicUsize::new(0);
        broadcast(2, &|_| {
            broadcast(3, &|_| {
                inner.fetch_add(1, Ordering::Relaxed);
            })
        });
        assert_eq!(inner.load(Ordering::Relaxed), 6);
    }
}
