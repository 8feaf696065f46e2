//! [`gemv_acc_each`](super::vector::gemv_acc_each) for `f32` on an x86-64
//! CPU with AVX-512: two products `W x_t` and `W x_{t+1}` at a time, each
//! 512-bit vector holding one row's eight [`dot`](super::vector::dot)
//! lanes for `x_t` in its low half and for `x_{t+1}` in its high half.
//!
//! Why: `dot`'s contract (a multiply, then an add, in eight lanes) makes
//! the AVX2 `gemv` two floating-point operations per eight products, so
//! it runs at the two vector ports' rate however the weights are cached
//! (8 products per cycle: W3a's input projections took 11 of its 34 us).
//! Pairing two inputs doubles the products per operation with the same
//! sums in the same order, so the same bits: the row's eight weights are
//! broadcast to both halves by the load itself, and only the input is
//! assembled, once per eight rows.
#![allow(unsafe_code)]

use core::arch::x86_64::*;

/// The rows of `W x_t` done eight at a time.
const ROWS: usize = 8;

/// `ys[t][r] += dot(w[r], xs[t])` for the whole pairs of inputs `t` and
/// the rows `r` up to the last multiple of eight, where `xs` holds inputs
/// of `cols` values and `ys` outputs of `rows`; `cols` is at least 8 and
/// `w` holds `rows * cols` values. Returns the number of inputs done (the
/// caller does the rest, and the remaining rows of these).
///
/// # Safety
/// The CPU must have AVX-512 F, BW, DQ and VL.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
pub(super) unsafe fn gemv_acc_pairs(
    w: &[f32],
    cols: usize,
    rows: usize,
    xs: &[f32],
    ys: &mut [f32],
) -> usize {
    let pairs = (xs.len() / cols).min(ys.len() / rows) / 2;
    assert!(cols >= 8 && w.len() >= rows * cols);
    for p in 0..pairs {
        let x = &xs[2 * p * cols..(2 * p + 2) * cols];
        let y = &mut ys[2 * p * rows..(2 * p + 2) * rows];
        let (y0, y1) = y.split_at_mut(rows);
        let mut r = 0;
        while r + ROWS <= rows {
            let rw = &w[r * cols..(r + ROWS) * cols];
            let mut d = sum_lanes_of_eight_pairs(accumulate(rw, cols, x));
            if !cols.is_multiple_of(8) {
                let (t0, t1) = (tails(rw, cols, &x[..cols]), tails(rw, cols, &x[cols..]));
                // SAFETY: `t0` and `t1` hold eight values each.
                let t = unsafe {
                    _mm512_insertf32x8::<1>(
                        _mm512_castps256_ps512(_mm256_loadu_ps(t0.as_ptr())),
                        _mm256_loadu_ps(t1.as_ptr()),
                    )
                };
                d = _mm512_add_ps(d, t);
            }
            // SAFETY: `y0` and `y1` hold `rows >= r + 8` values each.
            unsafe {
                let (p0, p1) = (y0.as_mut_ptr().add(r), y1.as_mut_ptr().add(r));
                let s0 = _mm256_add_ps(_mm256_loadu_ps(p0), _mm512_castps512_ps256(d));
                let s1 = _mm256_add_ps(_mm256_loadu_ps(p1), _mm512_extractf32x8_ps::<1>(d));
                _mm256_storeu_ps(p0, s0);
                _mm256_storeu_ps(p1, s1);
            }
            r += ROWS;
        }
    }
    2 * pairs
}

/// `y[r] += dot(row r, x)` for the rows of `packed`, groups of sixteen
/// rows in [`pack_row_pairs`](super::vector::pack_row_pairs)'s layout (the
/// last group first with `reverse`); `cols` is a multiple of 8 and `x`
/// holds `cols` values.
///
/// # Safety
/// The CPU must have AVX-512 F, BW, DQ and VL.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
pub(super) unsafe fn gemv_acc_row_pairs(
    packed: &[f32],
    cols: usize,
    x: &[f32],
    y: &mut [f32],
    reverse: bool,
) {
    let group = 2 * ROWS * cols;
    let groups = (packed.len() / group.max(1)).min(y.len() / (2 * ROWS));
    assert!(cols.is_multiple_of(8) && x.len() >= cols);
    let one = |g: usize, y: &mut [f32]| {
        let w = &packed[g * group..(g + 1) * group];
        let mut acc = [_mm512_setzero_ps(); ROWS];
        for c in 0..cols / 8 {
            // SAFETY: `c * 8 + 8 <= cols <= x.len()`, and the group holds
            // `cols / 8` chunks of eight vectors of sixteen.
            unsafe {
                let xv = _mm512_broadcast_f32x8(_mm256_loadu_ps(x.as_ptr().add(c * 8)));
                let wc = w.as_ptr().add(c * 8 * 2 * ROWS);
                for (k, acc) in acc.iter_mut().enumerate() {
                    let wv = _mm512_loadu_ps(wc.add(k * 2 * ROWS));
                    *acc = _mm512_add_ps(*acc, _mm512_mul_ps(wv, xv));
                }
            }
        }
        add_reduced(acc, &mut y[g * 2 * ROWS..(g + 1) * 2 * ROWS]);
    };
    if reverse {
        for g in (0..groups).rev() {
            one(g, y);
        }
    } else {
        for g in 0..groups {
            one(g, y);
        }
    }
}

/// [`gemv_acc_row_pairs`] on the row-major `w` (whole groups of sixteen
/// rows of `cols`, a multiple of 8), in order, writing the packed copy
/// into `out` on the way: the first step of a sequence packs the matrix
/// while it reads it anyway, instead of a pass of its own (which cost a
/// tenth of W3a in L2 traffic). The same vectors, so the same bits.
///
/// # Safety
/// The CPU must have AVX-512 F, BW, DQ and VL.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
pub(super) unsafe fn gemv_acc_rows_packing(
    w: &[f32],
    cols: usize,
    x: &[f32],
    y: &mut [f32],
    out: &mut [core::mem::MaybeUninit<f32>],
) {
    let group = 2 * ROWS * cols;
    let groups = w.len() / group.max(1);
    assert!(cols.is_multiple_of(8) && x.len() >= cols);
    assert!(y.len() >= groups * 2 * ROWS && out.len() >= groups * group);
    for g in 0..groups {
        let w = &w[g * group..(g + 1) * group];
        let o = out[g * group..(g + 1) * group].as_mut_ptr().cast::<f32>();
        let mut acc = [_mm512_setzero_ps(); ROWS];
        // Row by row (two at a time), so that the rows are read in order.
        for (k, acc) in acc.iter_mut().enumerate() {
            for c in 0..cols / 8 {
                // SAFETY: `c * 8 + 8 <= cols <= x.len()`; rows `k` and
                // `k + 8 < 16` of the group hold `cols` values each; the
                // group's slice of `out` holds `cols / 8` chunks of eight
                // vectors of sixteen.
                unsafe {
                    let xv = _mm512_broadcast_f32x8(_mm256_loadu_ps(x.as_ptr().add(c * 8)));
                    let lo = _mm256_loadu_ps(w.as_ptr().add(k * cols + c * 8));
                    let hi = _mm256_loadu_ps(w.as_ptr().add((k + ROWS) * cols + c * 8));
                    let wv = _mm512_insertf32x8::<1>(_mm512_castps256_ps512(lo), hi);
                    _mm512_storeu_ps(o.add((c * ROWS + k) * 2 * ROWS), wv);
                    *acc = _mm512_add_ps(*acc, _mm512_mul_ps(wv, xv));
                }
            }
        }
        add_reduced(acc, &mut y[g * 2 * ROWS..(g + 1) * 2 * ROWS]);
    }
}

/// `y += ` the sixteen sums of [`gemv_acc_row_pairs`]' accumulators.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
#[inline]
fn add_reduced(acc: [__m512; ROWS], y: &mut [f32]) {
    let d = sum_lanes_of_eight_pairs(acc);
    assert!(y.len() >= 2 * ROWS);
    // SAFETY: `y` holds sixteen values (asserted above).
    unsafe {
        _mm512_storeu_ps(
            y.as_mut_ptr(),
            _mm512_add_ps(_mm512_loadu_ps(y.as_ptr()), d),
        )
    };
}

/// The eight lanes of `dot(row k, x_0)` (low half) and `dot(row k, x_1)`
/// (high half) for the eight rows of `rows`, over the whole chunks of
/// eight; `x` holds `x_0` then `x_1`, `cols` values each.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
#[inline]
fn accumulate(rows: &[f32], cols: usize, x: &[f32]) -> [__m512; ROWS] {
    assert!(rows.len() >= ROWS * cols && x.len() >= 2 * cols);
    let mut acc = [_mm512_setzero_ps(); ROWS];
    for c in 0..cols / 8 {
        // SAFETY: `c * 8 + 8 <= cols`: within each row of `rows` and within
        // both inputs of `x`, as asserted above.
        unsafe {
            let lo = _mm256_loadu_ps(x.as_ptr().add(c * 8));
            let hi = _mm256_loadu_ps(x.as_ptr().add(cols + c * 8));
            let xv = _mm512_insertf32x8::<1>(_mm512_castps256_ps512(lo), hi);
            for (k, acc) in acc.iter_mut().enumerate() {
                let wv =
                    _mm512_broadcast_f32x8(_mm256_loadu_ps(rows.as_ptr().add(k * cols + c * 8)));
                *acc = _mm512_add_ps(*acc, _mm512_mul_ps(wv, xv));
            }
        }
    }
    acc
}

/// `dot`'s serial sum of the products past the whole chunks of `x` (one
/// input, at most `cols` values), for each of the eight rows of `rows`.
#[inline(always)]
fn tails(rows: &[f32], cols: usize, x: &[f32]) -> [f32; ROWS] {
    let done = cols / 8 * 8;
    core::array::from_fn(|k| {
        let row = &rows[k * cols + done..(k + 1) * cols];
        let mut tail = 0.0f32;
        for (a, b) in row.iter().zip(&x[done..cols]) {
            tail += *a * *b;
        }
        tail
    })
}

/// `sum_lanes_of_eight` (of `simd::x86`) in each 256-bit half at once: the low half of
/// the result is that of the eight vectors' low halves, the high half
/// that of their high halves (the same shuffles, with the lane-crossing
/// one as a two-source permute within each half).
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
#[inline]
fn sum_lanes_of_eight_pairs(v: [__m512; ROWS]) -> __m512 {
    // `_mm256_permute2f128_ps::<0x20>` and `::<0x31>` in each half.
    let (lo, hi) = (
        _mm512_setr_epi32(0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27),
        _mm512_setr_epi32(4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31),
    );
    let four = |a: __m512, b: __m512| {
        _mm512_add_ps(
            _mm512_permutex2var_ps(a, lo, b),
            _mm512_permutex2var_ps(a, hi, b),
        )
    };
    let [f04, f15, f26, f37] = [
        four(v[0], v[4]),
        four(v[1], v[5]),
        four(v[2], v[6]),
        four(v[3], v[7]),
    ];
    let two = |a: __m512, b: __m512| {
        _mm512_add_ps(
            _mm512_shuffle_ps::<0b01_00_01_00>(a, b),
            _mm512_shuffle_ps::<0b11_10_11_10>(a, b),
        )
    };
    let (t0145, t2367) = (two(f04, f15), two(f26, f37));
    _mm512_add_ps(
        _mm512_shuffle_ps::<0b10_00_10_00>(t0145, t2367),
        _mm512_shuffle_ps::<0b11_01_11_01>(t0145, t2367),
    )
}

/// The reference the pairs must match bit for bit: the AVX2 reduction of
/// each half apart.
#[cfg(test)]
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
fn halves_reduced_apart(v: [__m512; ROWS]) -> [[f32; ROWS]; 2] {
    use super::simd::x86::sum_lanes_of_eight;
    let half = |h: usize| {
        let v = v.map(|v| {
            if h == 0 {
                _mm512_castps512_ps256(v)
            } else {
                _mm512_extractf32x8_ps::<1>(v)
            }
        });
        let mut out = [0.0f32; ROWS];
        // SAFETY: `out` holds eight values.
        unsafe { _mm256_storeu_ps(out.as_mut_ptr(), sum_lanes_of_eight(v)) };
        out
    };
    [half(0), half(1)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(unsafe_code)]
    fn the_paired_reduction_is_the_avx2_one_in_each_half() {
        if !super::super::simd::x86::has_avx512() {
            return;
        }
        let mut rng = crate::Rng::seed(7);
        for _ in 0..50 {
            let vals: [[f32; 16]; ROWS] = core::array::from_fn(|_| {
                core::array::from_fn(|i| {
                    (rng.normal() * if i % 3 == 0 { 1e4 } else { 1e-3 }) as f32
                })
            });
            // SAFETY: the CPU has AVX-512 (checked above); `vals` holds
            // sixteen values per vector.
            let (got, want) = unsafe {
                let v = vals.map(|v| _mm512_loadu_ps(v.as_ptr()));
                let mut got = [0.0f32; 16];
                _mm512_storeu_ps(got.as_mut_ptr(), sum_lanes_of_eight_pairs(v));
                (got, halves_reduced_apart(v))
            };
            assert_eq!(got.map(f32::to_bits)[..8], want[0].map(f32::to_bits));
            assert_eq!(got.map(f32::to_bits)[8..], want[1].map(f32::to_bits));
        }
    }
}
