//! Vector kernels on slices: the dot product in eight lanes, `gemv`,
//! `axpy` and `+=`, written so LLVM vectorises them without fast-math
//! (independent lanes instead of one serial accumulator).

use super::simd::with_wide_simd;
use crate::Float;

/// Lanes of the dot-product accumulator: eight independent partial sums
/// (one AVX register of f32) that the compiler can keep in vector lanes.
const LANES: usize = 8;

/// `sum_i a[i] * b[i]`, summed in eight interleaved lanes.
///
/// Lane `l` accumulates the products `l, l + 8, l + 16, ...`; the lanes
/// are then reduced pairwise (`0 + 4, 1 + 5, 2 + 6, 3 + 7`, then
/// `0 + 2, 1 + 3`, then `0 + 1`) and the `n % 8` trailing products,
/// summed serially, are added last. The order of the sums is part of the
/// contract: results are bit-identical to it on every target.
///
/// Two spellings of that order, one per kind of target, because each
/// compiler back end keeps a different one in registers: on x86 the lanes
/// are an array, which the loop vectoriser turns into one vector register
/// (3.5% faster than scalar locals on the peer benchmark's LSTM, W3a); on
/// other targets eight scalar locals, because an array accumulator stayed
/// in memory on a Cortex-M4F at opt-level `"s"` (a load and a store per
/// multiply-add, three times the instructions).
#[inline(always)]
pub fn dot<T: Float>(a: &[T], b: &[T]) -> T {
    #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
    return dot_array_lanes(a, b);
    #[cfg(not(any(target_arch = "x86", target_arch = "x86_64")))]
    return dot_scalar_lanes(a, b);
}

/// [`dot`] with the lanes in an array (the x86 spelling).
#[inline(always)]
#[cfg_attr(
    not(any(test, target_arch = "x86", target_arch = "x86_64")),
    allow(dead_code, reason = "the other targets' spelling")
)]
fn dot_array_lanes<T: Float>(a: &[T], b: &[T]) -> T {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let (ac, ar) = a.as_chunks::<LANES>();
    let (bc, br) = b.as_chunks::<LANES>();
    let mut acc = [T::ZERO; LANES];
    for (x, y) in ac.iter().zip(bc) {
        for l in 0..LANES {
            acc[l] += x[l] * y[l];
        }
    }
    let mut tail = T::ZERO;
    for (x, y) in ar.iter().zip(br) {
        tail += *x * *y;
    }
    // Pairwise reduction of the lanes.
    let mut width = LANES / 2;
    while width > 0 {
        for l in 0..width {
            acc[l] += acc[l + width];
        }
        width /= 2;
    }
    acc[0] + tail
}

/// [`dot`] with the lanes in eight scalar locals (the other targets').
#[inline(always)]
#[cfg_attr(
    all(not(test), any(target_arch = "x86", target_arch = "x86_64")),
    allow(dead_code, reason = "the other targets' spelling")
)]
fn dot_scalar_lanes<T: Float>(a: &[T], b: &[T]) -> T {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let (ac, ar) = a.as_chunks::<LANES>();
    let (bc, br) = b.as_chunks::<LANES>();
    let [mut s0, mut s1, mut s2, mut s3] = [T::ZERO; 4];
    let [mut s4, mut s5, mut s6, mut s7] = [T::ZERO; 4];
    for (x, y) in ac.iter().zip(bc) {
        s0 += x[0] * y[0];
        s1 += x[1] * y[1];
        s2 += x[2] * y[2];
        s3 += x[3] * y[3];
        s4 += x[4] * y[4];
        s5 += x[5] * y[5];
        s6 += x[6] * y[6];
        s7 += x[7] * y[7];
    }
    let mut tail = T::ZERO;
    for (x, y) in ar.iter().zip(br) {
        tail += *x * *y;
    }
    // Pairwise reduction of the lanes.
    let (s0, s1, s2, s3) = (s0 + s4, s1 + s5, s2 + s6, s3 + s7);
    let (s0, s1) = (s0 + s2, s1 + s3);
    (s0 + s1) + tail
}

/// `y[r] += dot(w[r * cols..(r + 1) * cols], x)` for every row `r` of the
/// row-major matrix `w` (PyTorch's `[out][in]` layout), i.e. `y += W x`.
///
/// Not inlined, and on run-time sizes: inlined into a caller with small
/// constant sizes, LLVM unrolls every row's dot product completely and the
/// SLP vectoriser then builds vectors out of scalar loads, several times
/// slower than the loop vectoriser's code for the same dot product here.
#[inline(never)]
pub fn gemv_acc<T: Float>(w: &[T], cols: usize, x: &[T], y: &mut [T]) {
    let x = &x[..cols];
    with_wide_simd(
        #[inline(always)]
        || {
            for (row, y) in w.chunks_exact(cols).zip(y) {
                *y += dot(row, x);
            }
        },
    );
}

/// `y[i] += alpha * x[i]`.
#[inline(always)]
pub fn axpy<T: Float>(y: &mut [T], alpha: T, x: &[T]) {
    for (y, x) in y.iter_mut().zip(x) {
        *y += alpha * *x;
    }
}

/// `y[i] += x[i]`.
#[inline(always)]
pub fn add_assign<T: Float>(y: &mut [T], x: &[T]) {
    for (y, x) in y.iter_mut().zip(x) {
        *y += *x;
    }
}

/// True when every element is finite, in one branch-free pass that
/// vectorises: `x - x` is 0 for a finite `x` and NaN for an infinity or a
/// NaN, summed in independent lanes (an early-exit `all(is_finite)` runs
/// one element at a time, and the training step checks every gradient and
/// every updated weight).
#[inline]
#[allow(
    clippy::eq_op,
    reason = "x - x is the test: 0, or NaN when x is not finite"
)]
pub fn all_finite<T: Float>(x: &[T]) -> bool {
    let (chunks, rest) = x.as_chunks::<LANES>();
    let mut acc = [T::ZERO; LANES];
    for c in chunks {
        for l in 0..LANES {
            acc[l] += c[l] - c[l];
        }
    }
    let tail = rest.iter().fold(T::ZERO, |a, v| a + (*v - *v));
    acc.iter().fold(tail, |a, v| a + *v) == T::ZERO
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gemv_acc_adds_a_dot_per_row() {
        fn check<const R: usize, const C: usize>() {
            let mut rng = crate::Rng::seed((R * 1000 + C) as u64);
            let w: [[f32; C]; R] =
                core::array::from_fn(|_| core::array::from_fn(|_| rng.normal() as f32));
            let x: [f32; C] = core::array::from_fn(|_| rng.normal() as f32);
            let mut y: [f32; R] = core::array::from_fn(|r| r as f32);
            gemv_acc(w.as_flattened(), C, &x, &mut y);
            for r in 0..R {
                assert_eq!(y[r], r as f32 + dot(&w[r], &x), "{R}x{C} row {r}");
            }
        }
        check::<1, 1>();
        check::<5, 7>();
        check::<256, 32>();
        check::<11, 37>();
        check::<128, 784>();
    }

    /// The order of the sums, written as plainly as possible: the
    /// reference both spellings of `dot` must match bit for bit.
    fn dot_lanes_reference<T: Float>(a: &[T], b: &[T]) -> T {
        let n = a.len().min(b.len());
        let mut acc = [T::ZERO; LANES];
        let full = n / LANES * LANES;
        for i in 0..full {
            acc[i % LANES] += a[i] * b[i];
        }
        let mut tail = T::ZERO;
        for i in full..n {
            tail += a[i] * b[i];
        }
        let mut width = LANES / 2;
        while width > 0 {
            for l in 0..width {
                acc[l] += acc[l + width];
            }
            width /= 2;
        }
        acc[0] + tail
    }

    #[test]
    fn dot_is_bit_identical_to_the_lane_order() {
        fn check<T: Float + core::fmt::Debug>(seed: u64, bits: impl Fn(T) -> u64) {
            let mut rng = crate::Rng::seed(seed);
            for n in 0..40 {
                for _ in 0..8 {
                    // Mixed magnitudes so that the order of the sums shows.
                    let a: [T; 41] = core::array::from_fn(|i| {
                        T::cast(rng.normal() * if i % 3 == 0 { 1e4 } else { 1e-3 })
                    });
                    let b: [T; 41] = core::array::from_fn(|_| T::cast(rng.normal()));
                    let want = dot_lanes_reference(&a[..n], &b[..n]);
                    for (spelling, got) in [
                        ("dot", dot(&a[..n], &b[..n])),
                        ("array", dot_array_lanes(&a[..n], &b[..n])),
                        ("scalar", dot_scalar_lanes(&a[..n], &b[..n])),
                    ] {
                        assert_eq!(
                            bits(got),
                            bits(want),
                            "{spelling}, n = {n}: {got:?} vs {want:?}"
                        );
                    }
                    // Unequal lengths use the shorter one.
                    assert_eq!(bits(dot(&a[..n], &b[..n + 1])), bits(want));
                }
            }
        }
        check::<f32>(1, |v| v.to_bits() as u64);
        check::<f64>(2, f64::to_bits);
    }

    #[test]
    fn dot_and_axpy_match_plain_loops() {
        let a: [f64; 19] = core::array::from_fn(|i| i as f64 * 0.5 - 3.0);
        let b: [f64; 19] = core::array::from_fn(|i| 1.0 / (i as f64 + 1.0));
        let want: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert!((dot(&a, &b) - want).abs() < 1e-12);
        let mut y = b;
        axpy(&mut y, 2.0, &a);
        for i in 0..19 {
            assert_eq!(y[i], b[i] + 2.0 * a[i]);
        }
    }

    #[test]
    fn all_finite_finds_any_infinity_or_nan_wherever_it_is() {
        let mut x = [1e30f32; 37];
        assert!(super::all_finite(&x) && super::all_finite::<f32>(&[]));
        for bad in [f32::INFINITY, f32::NEG_INFINITY, f32::NAN] {
            for at in [0, 7, 8, 35, 36] {
                let keep = x[at];
                x[at] = bad;
                assert!(!super::all_finite(&x), "{bad} at {at}");
                x[at] = keep;
            }
        }
        assert!(super::all_finite(&[f64::MAX, -f64::MAX, f64::MIN_POSITIVE]));
    }
}
