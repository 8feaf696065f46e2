//! The element-wise passes that follow a data-parallel step's shards, the
//! sum of their gradients and the optimizer's update, on several threads:
//! every tensor is cut into one stretch per thread, and each thread sums,
//! updates and checks its stretches while they are in its cache. Each
//! element is summed in shard order and updated by the same rule whatever
//! the cut, so the bits do not depend on the number of threads.

use core::ops::Range;
use core::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::vec::Vec;

use super::parallel::{broadcast, lock, threads};
use crate::kernels::{add_assign, all_finite};
use crate::optim::ElementStep;
use crate::step::StepError;
use crate::{Float, Params};

/// Elements below which a pass stays on the calling thread: waking
/// another costs a few microseconds, the time of some 16k additions.
const PER_THREAD: usize = 1 << 14;

/// Stretches start on multiples of this many elements (a cache line of
/// `f32`), so that no line is written by two threads.
const ALIGN: usize = 16;

/// The threads a pass over `N`'s parameters uses.
fn workers<T: Float, N: Params<T>>() -> usize {
    threads().clamp(1, (N::PARAMS / PER_THREAD).max(1))
}

/// Stretch `w` of `workers` of a tensor of `len` elements.
fn stretch(len: usize, workers: usize, w: usize) -> Range<usize> {
    let start = |w: usize| match w {
        w if w >= workers => len,
        w => (len * w / workers) / ALIGN * ALIGN,
    };
    start(w)..start(w + 1)
}

/// `tensors` cut into stretches: for each worker, `(tensor, start,
/// stretch)` for every tensor in order.
fn cut<T>(tensors: Vec<&mut [T]>, workers: usize) -> Vec<Vec<(usize, usize, &mut [T])>> {
    let mut parts: Vec<Vec<_>> = (0..workers)
        .map(|_| Vec::with_capacity(tensors.len()))
        .collect();
    for (i, mut rest) in tensors.into_iter().enumerate() {
        let len = rest.len();
        for (w, part) in parts.iter_mut().enumerate() {
            let r = stretch(len, workers, w);
            let (head, tail) = core::mem::take(&mut rest).split_at_mut(r.len());
            part.push((i, r.start, head));
            rest = tail;
        }
    }
    parts
}

/// Every parameter tensor of `net` at once, as disjoint slices, in order;
/// `None` if `net`'s [`Params::tensor_mut`] hands out slices that overlap
/// or lie outside `net` (no impl in nn does; the callers then work on one
/// thread).
#[allow(unsafe_code, reason = "disjoint tensors lent at once, checked")]
fn tensors_mut<T: Float, N: Params<T>>(net: &mut N) -> Option<Vec<&mut [T]>> {
    let base: *mut N = net;
    let size = core::mem::size_of::<N>();
    let mut spans: Vec<(usize, usize)> = Vec::with_capacity(N::TENSORS);
    for i in 0..N::TENSORS {
        // SAFETY: `base` is `net`, borrowed mutably by this function; the
        // reference lives for this call only.
        let t = unsafe { &mut *base }.tensor_mut(i);
        let offset = (t.as_ptr() as usize).wrapping_sub(base as usize);
        spans.push((offset, t.len()));
    }
    let bytes = |&(offset, len): &(usize, usize)| offset..offset + len * size_of::<T>();
    let mut sorted: Vec<Range<usize>> = spans.iter().filter(|s| s.1 > 0).map(bytes).collect();
    sorted.sort_by_key(|r| r.start);
    let inside = sorted.iter().all(|r| r.start <= r.end && r.end <= size);
    let disjoint = sorted.windows(2).all(|w| w[0].end <= w[1].start);
    if !(inside && disjoint) {
        return None;
    }
    let tensors = spans.into_iter().map(|(offset, len)| match len {
        0 => &mut [][..],
        // SAFETY: the span is a `[T]` that `tensor_mut` handed out inside
        // `*net` (checked above), so it is aligned and initialised; the
        // spans do not overlap (checked above), and they borrow `net`
        // mutably for as long as `net` was lent.
        len => unsafe {
            let start = base.cast::<u8>().add(offset).cast::<T>();
            core::slice::from_raw_parts_mut(start, len)
        },
    });
    Some(tensors.collect())
}

/// Elements in a block of [`in_blocks`] (4 KiB of `f32`).
const BLOCK: usize = 1024;

/// Blocks ahead that [`in_blocks`] asks for.
const AHEAD: usize = 4;

/// `f(block, offset)` over `x` in blocks, all true; each block's cache
/// lines are asked for, to be written, a few blocks before `f` reaches
/// them: a stretch that the other core wrote last then arrives many lines
/// at a time and ready to write, not a line at a time on first use, then
/// again to own it.
fn in_blocks<T>(x: &mut [T], mut f: impl FnMut(&mut [T], usize) -> bool) -> bool {
    let mut ok = true;
    let len = x.len();
    let base = x.as_ptr();
    for (k, block) in x.chunks_mut(BLOCK).enumerate() {
        let ahead = (k + AHEAD) * BLOCK;
        if ahead < len {
            let end = (ahead + BLOCK).min(len);
            for e in (ahead..end).step_by(64 / size_of::<T>().max(1)) {
                prefetch_write(base.wrapping_add(e));
            }
        }
        ok &= f(block, k * BLOCK);
    }
    ok
}

/// Asks for the cache line of `p` to write (a hint: no fault, no effect
/// on the values).
#[inline(always)]
#[allow(unsafe_code, reason = "a prefetch hint")]
fn prefetch_write<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `prefetchw` reads no memory and cannot fault, whatever the
    // address.
    unsafe {
        core::arch::asm!("prefetchw [{0}]", in(reg) p, options(nostack, preserves_flags, readonly));
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// The lowest tensor index any thread reported, if any.
struct FirstBad(AtomicUsize);

impl FirstBad {
    fn new() -> Self {
        Self(AtomicUsize::new(usize::MAX))
    }
    fn report(&self, tensor: usize) {
        self.0.fetch_min(tensor, Ordering::Relaxed);
    }
    fn get(self) -> Option<usize> {
        Some(self.0.into_inner()).filter(|&i| i != usize::MAX)
    }
}

/// `acc += g` for the gradient `g` of each of `others` in order, and a
/// check that the sum is finite (the first tensor that is not is the
/// error).
pub(super) fn sum_finite<T: Float, N: Params<T>>(
    acc: &mut N,
    others: &[&N],
) -> Result<(), StepError> {
    sum_finite_on(acc, others, workers::<T, N>())
}

/// [`sum_finite`] on `workers` threads.
fn sum_finite_on<T: Float, N: Params<T>>(
    acc: &mut N,
    others: &[&N],
    workers: usize,
) -> Result<(), StepError> {
    let bad = FirstBad::new();
    let split = if workers > 1 { tensors_mut(acc) } else { None };
    match split {
        Some(tensors) => {
            let parts: Vec<Mutex<_>> = cut(tensors, workers).into_iter().map(Mutex::new).collect();
            broadcast(workers, &|w| {
                for (i, start, acc) in lock(&parts[w]).iter_mut() {
                    let finite = in_blocks(acc, |acc, at| {
                        let r = *start + at..*start + at + acc.len();
                        for g in others {
                            add_assign(acc, &g.tensor(*i)[r.clone()]);
                        }
                        all_finite(acc)
                    });
                    if !finite {
                        bad.report(*i);
                    }
                }
            });
        }
        None => {
            for i in 0..N::TENSORS {
                let acc = acc.tensor_mut(i);
                for g in others {
                    add_assign(acc, g.tensor(i));
                }
                if !all_finite(acc) {
                    bad.report(i);
                    break;
                }
            }
        }
    }
    match bad.get() {
        Some(tensor) => Err(StepError::NonFiniteGradient { tensor }),
        None => Ok(()),
    }
}

/// One thread's share of an update: a stretch of one tensor's parameters
/// and of each state network's (empty where there is none).
struct Stretch<'a, T> {
    tensor: usize,
    start: usize,
    params: &'a mut [T],
    state: [&'a mut [T]; 2],
}

/// The parameters of `net` and of the state networks `a` and `b`, cut
/// into each worker's stretches; `None` where [`tensors_mut`] is.
fn stretches<'a, T: Float, N: Params<T>>(
    net: &'a mut N,
    [a, b]: [Option<&'a mut N>; 2],
    workers: usize,
) -> Option<Vec<Vec<Stretch<'a, T>>>> {
    let state = |s: Option<&'a mut N>| match s {
        Some(s) => tensors_mut(s),
        None => Some((0..N::TENSORS).map(|_| &mut [][..]).collect()),
    };
    let [params, a, b] = [tensors_mut(net)?, state(a)?, state(b)?].map(|t| cut(t, workers));
    let parts = params.into_iter().zip(a.into_iter().zip(b));
    let parts = parts.map(|(params, (a, b))| {
        let state = a.into_iter().zip(b);
        let part = params.into_iter().zip(state);
        part.map(
            |((tensor, start, params), ((_, _, a), (_, _, b)))| Stretch {
                tensor,
                start,
                params,
                state: [a, b],
            },
        )
        .collect()
    });
    Some(parts.collect())
}

/// `state[r]`, or `state` where it is empty (a state the optimizer does
/// not have).
fn part<'a, T>(state: &'a mut [T], r: &Range<usize>) -> &'a mut [T] {
    match state.is_empty() {
        true => state,
        false => &mut state[r.clone()],
    }
}

/// `step` applied to `net` from `grads`, and a check that the weights are
/// finite after it (the first tensor that is not is the error).
pub(super) fn apply_finite<T: Float, N: Params<T>>(
    net: &mut N,
    grads: &N,
    step: ElementStep<'_, T, N>,
) -> Result<(), StepError> {
    apply_finite_on(net, grads, step, workers::<T, N>())
}

/// [`apply_finite`] on `workers` threads.
fn apply_finite_on<T: Float, N: Params<T>>(
    net: &mut N,
    grads: &N,
    step: ElementStep<'_, T, N>,
    workers: usize,
) -> Result<(), StepError> {
    let bad = FirstBad::new();
    let ElementStep {
        rule,
        scalars,
        mut state,
    } = step;
    let split = match workers > 1 {
        true => stretches(
            &mut *net,
            state.each_mut().map(|s| s.as_deref_mut()),
            workers,
        ),
        false => None,
    };
    match split {
        Some(parts) => {
            let parts: Vec<Mutex<_>> = parts.into_iter().map(Mutex::new).collect();
            broadcast(workers, &|w| {
                for s in lock(&parts[w]).iter_mut() {
                    let g = &grads.tensor(s.tensor)[s.start..s.start + s.params.len()];
                    let [a, b] = &mut s.state;
                    let finite = in_blocks(s.params, |p, at| {
                        let r = at..at + p.len();
                        rule(&scalars, p, &g[r.clone()], [part(a, &r), part(b, &r)]);
                        all_finite(p)
                    });
                    if !finite {
                        bad.report(s.tensor);
                    }
                }
            });
        }
        None => {
            let step = ElementStep {
                rule,
                scalars,
                state,
            };
            step.run(net, grads);
            if let Some(i) = (0..N::TENSORS).find(|&i| !all_finite(net.tensor(i))) {
                bad.report(i);
            }
        }
    }
    match bad.get() {
        Some(tensor) => Err(StepError::NonFiniteWeights { tensor }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::{Adam, Optimizer, Sgd};
    use crate::{Rng, TensorInfo, TensorKind, Zeroable};

    /// Three tensors of awkward lengths (one shorter than a stretch's
    /// alignment); `OVERLAP` makes `tensor_mut(1)` hand out tensor 0 again.
    #[derive(Clone, Copy, PartialEq, Debug)]
    struct Three<const OVERLAP: bool> {
        a: [f64; 100],
        b: [f64; 37],
        c: [f64; 5],
    }

    // SAFETY: float arrays.
    #[allow(unsafe_code)]
    unsafe impl<const O: bool> Zeroable for Three<O> {}

    impl<const OVERLAP: bool> Params<f64> for Three<OVERLAP> {
        const PARAMS: usize = 142;
        const PARAM_BYTES: usize = 142 * 8;
        const TENSORS: usize = 3;
        const ZEROED: Self = Self {
            a: [0.0; 100],
            b: [0.0; 37],
            c: [0.0; 5],
        };
        fn tensor(&self, i: usize) -> &[f64] {
            [&self.a[..], &self.b, &self.c][i]
        }
        fn tensor_mut(&mut self, i: usize) -> &mut [f64] {
            match i {
                0 => &mut self.a,
                1 if OVERLAP => &mut self.a[10..20],
                1 => &mut self.b,
                _ => &mut self.c,
            }
        }
        fn tensor_info(i: usize) -> Option<TensorInfo> {
            let shape: &'static [usize] = [&[100][..], &[37], &[5]].get(i)?;
            Some(TensorInfo {
                layer: "three",
                name: "t",
                shape,
                kind: TensorKind::Weight,
                fan_in: shape[0],
                fan_out: 1,
            })
        }
        fn init(&mut self, _: &mut Rng) {}
    }

    fn filled<const O: bool>(seed: u64) -> Three<O> {
        let mut rng = Rng::seed(seed);
        let mut t = Three::<O>::ZEROED;
        for i in 0..3 {
            t.tensor_mut(i).iter_mut().for_each(|v| *v = rng.normal());
        }
        t
    }

    /// The stretches of any length cover it in order, each starting on a
    /// multiple of the alignment.
    #[test]
    fn stretches_cover_each_tensor_once() {
        for len in [0, 1, 15, 16, 17, 100, 1000, 100_003] {
            for workers in 1..6 {
                let mut next = 0;
                for w in 0..workers {
                    let r = stretch(len, workers, w);
                    assert_eq!(r.start, next, "{len} in {workers}, stretch {w}");
                    assert!(r.start.is_multiple_of(ALIGN) || r.start == len);
                    next = r.end;
                }
                assert_eq!(next, len);
            }
        }
    }

    /// Honest tensors come out whole and write through to the network;
    /// overlapping ones are refused.
    #[test]
    fn tensors_mut_refuses_overlapping_tensors() {
        let mut t = filled::<false>(1);
        let want = t;
        let all = tensors_mut(&mut t).expect("disjoint tensors");
        assert_eq!(
            all.iter().map(|t| t.len()).collect::<Vec<_>>(),
            [100, 37, 5]
        );
        assert_eq!(all[1], want.b);
        all.into_iter().for_each(|t| t[0] = 7.0);
        assert_eq!([t.a[0], t.b[0], t.c[0]], [7.0; 3]);
        assert!(tensors_mut(&mut filled::<true>(1)).is_none());
    }

    /// Any number of workers gives the one-worker sum bit for bit, and
    /// names the first tensor that is not finite; so does the fallback
    /// for overlapping tensors.
    #[test]
    fn a_split_sum_is_the_same_bits_and_names_the_first_bad_tensor() {
        let (g1, g2) = (filled::<false>(2), filled::<false>(3));
        let sum = |workers: usize, mut acc: Three<false>| {
            let r = sum_finite_on(&mut acc, &[&g1, &g2], workers);
            (r, acc.a.map(f64::to_bits), acc.b.map(f64::to_bits))
        };
        let one = sum(1, filled(4));
        assert_eq!(one.0, Ok(()));
        assert_eq!(
            one.1[3],
            (filled::<false>(4).a[3] + g1.a[3] + g2.a[3]).to_bits()
        );
        for workers in [2, 3, 7] {
            assert_eq!(sum(workers, filled(4)), one, "{workers} workers");
            let mut bad = filled::<false>(4);
            bad.c[4] = f64::NAN;
            bad.b[36] = f64::INFINITY;
            let err = Err(StepError::NonFiniteGradient { tensor: 1 });
            assert_eq!(sum(workers, bad).0, err, "{workers} workers");
        }
        let mut overlap = filled::<true>(4);
        let g = filled::<true>(2);
        assert_eq!(sum_finite_on(&mut overlap, &[&g], 3), Ok(()));
        assert_eq!(overlap.a[0], filled::<true>(4).a[0] + g.a[0]);
    }

    /// Adam's step split across workers is `Adam::step`, bit for bit; the
    /// first tensor an update makes infinite is named.
    #[test]
    fn a_split_update_is_the_optimizers_step() {
        let grads = filled::<false>(5);
        let mut whole = filled::<false>(6);
        let mut adam = Adam::<Three<false>>::new(0.01).with_weight_decay(0.1);
        for _ in 0..3 {
            adam.step(&mut whole, &grads);
        }
        for workers in [1, 2, 3, 7] {
            let mut net = filled::<false>(6);
            let mut adam = Adam::<Three<false>>::new(0.01).with_weight_decay(0.1);
            for _ in 0..3 {
                let step = adam.element_step().expect("Adam is element-wise");
                assert_eq!(apply_finite_on(&mut net, &grads, step, workers), Ok(()));
            }
            assert_eq!(net, whole, "{workers} workers");
        }
        let (mut net, mut grads) = (filled::<false>(6), grads);
        (net.b[20], grads.b[20]) = (-f64::MAX, f64::MAX);
        (net.c[4], grads.c[4]) = (-f64::MAX, f64::MAX);
        let mut sgd = Sgd::new(1.0);
        let step = Optimizer::<f64, Three<false>>::element_step(&mut sgd);
        let err = Err(StepError::NonFiniteWeights { tensor: 1 });
        assert_eq!(apply_finite_on(&mut net, &grads, step.unwrap(), 3), err);
    }
}
