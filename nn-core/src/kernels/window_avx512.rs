//! AVX-512 copies of the direct convolution's AVX2 kernels
//! (`window.rs`), for windows without column padding: sixteen output
//! columns per register, or, for rows of 8 to 15 columns, eight columns
//! of two output rows. The forward keeps the AVX2 kernel's order of sums
//! in every lane (the bias, then channel, window row, window column; a
//! window row that reads padding for one of the two rows is a masked add
//! for its lanes), so its bits are the portable kernel's; the weight
//! gradient sums in its own order with fused multiply-adds (equal to
//! rounding, as the AVX2 one is). LeNet's second convolution has 8-column
//! outputs, which half of a register would waste. The backward also has
//! kernels of its own, without the AVX2 kernel's horizontal sum per
//! weight per sample: the weight gradient by output channel (16 to a
//! register) with the input gradient from the same transposed output
//! gradients, and the spatial weight gradient of layers with fewer
//! channels, summed over the batch.
#![allow(unsafe_code)]

use core::arch::x86_64::*;

use super::window::Window2d;

/// Lanes of a register.
const LANES: usize = 16;

/// Columns of an output row in a register of two rows.
const HALF: usize = 8;

/// Whether the AVX-512 forward takes the window (the AVX2 kernel takes it
/// too, `avx2::fits`): contiguous input columns (stride 1), no column
/// padding, and either a register of columns or two rows of at least
/// eight.
pub(super) const fn fits(g: &Window2d) -> bool {
    g.sw == 1 && g.pw == 0 && (g.ow >= LANES || (g.ow >= HALF && g.oh >= 2))
}

/// Whether the AVX-512 weight gradient takes the window (stride 1, no
/// column padding).
pub(super) const fn fits_weight_grads(g: &Window2d) -> bool {
    g.sw == 1 && g.pw == 0
}

/// The AVX2 kernel's `channels` for output channels `o0..o0 + K` (their
/// weights `wp` packed as `[c, kh, kw, K]`); `g` [`fits`].
///
/// # Safety
/// The CPU must have AVX-512 F, BW, DQ and VL.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
#[allow(clippy::too_many_arguments, reason = "the AVX2 block's operands")]
pub(super) unsafe fn block<const K: usize>(
    g: &Window2d,
    c: usize,
    o0: usize,
    x: &[f32],
    wp: &[f32],
    bias: Option<&[f32]>,
    y: &mut [f32],
) {
    match (!pairs_rows(g), g.kw) {
        (true, 5) => channels::<K, 5, false>(g, c, o0, x, wp, bias, y),
        (true, 3) => channels::<K, 3, false>(g, c, o0, x, wp, bias, y),
        (true, _) => channels::<K, 0, false>(g, c, o0, x, wp, bias, y),
        (false, 5) => channels::<K, 5, true>(g, c, o0, x, wp, bias, y),
        (false, 3) => channels::<K, 3, true>(g, c, o0, x, wp, bias, y),
        (false, _) => channels::<K, 0, true>(g, c, o0, x, wp, bias, y),
    }
}

/// Whether [`block`] puts two output rows of eight columns in a register:
/// rows of fewer than sixteen columns, or where pairs compute fewer
/// outputs (24 columns are three registers of two rows, not two of one
/// row per row: LeNet's first convolution).
const fn pairs_rows(g: &Window2d) -> bool {
    let single = g.ow.div_ceil(LANES) * LANES * g.oh;
    let paired = g.ow.div_ceil(HALF) * HALF * g.oh.div_ceil(2) * 2;
    g.ow < LANES || (g.oh >= 2 && paired < single)
}

/// The window rows `lo..hi` that read input rows for the output row whose
/// window starts at input row `top - ph` (the others read padding).
#[inline(always)]
const fn inside(g: &Window2d, top: usize) -> (usize, usize) {
    let hi = (g.h + g.ph).saturating_sub(top);
    let hi = if hi < g.kh { hi } else { g.kh };
    let lo = g.ph.saturating_sub(top);
    (if lo < hi { lo } else { hi }, hi)
}

/// [`block`] with the window width `KW` (0: known at run time only) and,
/// when `PAIR`, two output rows of eight columns per register. The last
/// strip of a row (and with `PAIR` the last pair of rows) overlaps the one
/// before when the size is not a multiple: it recomputes, with the same
/// bits, outputs already written.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
#[inline]
fn channels<const K: usize, const KW: usize, const PAIR: bool>(
    g: &Window2d,
    c: usize,
    o0: usize,
    x: &[f32],
    wp: &[f32],
    bias: Option<&[f32]>,
    y: &mut [f32],
) {
    let (hw, ohw, kk) = (g.in_plane(), g.out_plane(), g.window());
    assert!(fits(g) && g.is_consistent() && (KW == 0 || KW == g.kw));
    assert!(wp.len() >= K * c * kk && x.len() >= c * hw && y.len() >= (o0 + K) * ohw);
    assert!(bias.is_none_or(|b| b.len() >= o0 + K));
    let kw = if KW == 0 { g.kw } else { KW };
    let (rows, width) = if PAIR { (2, HALF) } else { (1, LANES) };
    let mut oy0 = 0;
    while oy0 < g.oh {
        // Rows `a` and `b` of the register (the same row without `PAIR`).
        let a = if PAIR { oy0.min(g.oh - 2) } else { oy0 };
        let b = a + rows - 1;
        let (ta, tb) = (a * g.sh, b * g.sh);
        let ((la, ha), (lb, hb)) = (inside(g, ta), inside(g, tb));
        let mut ox0 = 0;
        while ox0 < g.ow {
            let ox = ox0.min(g.ow - width);
            let mut acc: [__m512; K] =
                core::array::from_fn(|k| _mm512_set1_ps(bias.map_or(0.0, |b| b[o0 + k])));
            for ci in 0..c {
                for ki in la.min(lb)..ha.max(hb) {
                    let (in_a, in_b) = ((la..ha).contains(&ki), (lb..hb).contains(&ki));
                    if !(in_a || in_b) {
                        continue;
                    }
                    // A row that reads padding loads the other's row (its
                    // lanes are masked out of the sums).
                    let ra = if in_a { ta + ki - g.ph } else { tb + ki - g.ph };
                    let rb = if in_b { tb + ki - g.ph } else { ra };
                    let mask: __mmask16 =
                        if in_a { 0x00ff } else { 0 } | if in_b { 0xff00 } else { 0 };
                    // SAFETY: `ra, rb < h` (inside rows), and `ox + kj +
                    // width <= ow + kw - 1 = w` (stride 1, no column
                    // padding): every load lies in channel `ci`'s rows,
                    // within `x` (asserted above); `(ci, ki, kj, k)` indexes
                    // the packed weights below `K * c * kk`.
                    unsafe {
                        let pa = x.as_ptr().add(ci * hw + ra * g.w + ox);
                        let pb = x.as_ptr().add(ci * hw + rb * g.w + ox);
                        let wrow = wp.as_ptr().add((ci * g.kh + ki) * kw * K);
                        for kj in 0..kw {
                            let xv = if PAIR {
                                let lo = _mm512_castps256_ps512(_mm256_loadu_ps(pa.add(kj)));
                                _mm512_insertf32x8::<1>(lo, _mm256_loadu_ps(pb.add(kj)))
                            } else {
                                _mm512_loadu_ps(pa.add(kj))
                            };
                            for (k, acc) in acc.iter_mut().enumerate() {
                                let w = _mm512_set1_ps(*wrow.add(kj * K + k));
                                let p = _mm512_mul_ps(w, xv);
                                *acc = if PAIR {
                                    _mm512_mask_add_ps(*acc, mask, *acc, p)
                                } else {
                                    _mm512_add_ps(*acc, p)
                                };
                            }
                        }
                    }
                }
            }
            for (k, acc) in acc.iter().enumerate() {
                let at = (o0 + k) * ohw + ox;
                let (ya, yb) = (at + a * g.ow, at + b * g.ow);
                // SAFETY: `ox + width <= ow` and `a, b < oh`: within channel
                // `o0 + k`'s plane, below `(o0 + K) * ohw` (asserted above).
                unsafe {
                    if PAIR {
                        _mm256_storeu_ps(y.as_mut_ptr().add(ya), _mm512_castps512_ps256(*acc));
                        let high = _mm512_extractf32x8_ps::<1>(*acc);
                        _mm256_storeu_ps(y.as_mut_ptr().add(yb), high);
                    } else {
                        _mm512_storeu_ps(y.as_mut_ptr().add(ya), *acc);
                    }
                }
            }
            ox0 += width;
        }
        oy0 += rows;
    }
}

/// Output channels whose weight gradients [`weight_grads`] keeps in
/// registers at once (four channels of five window columns, their four
/// output-gradient vectors and an input vector: 25 of the 32 registers).
const SPATIAL_CHANNELS: usize = 4;

std::thread_local! {
    /// [`weight_grads`]' running sums, a register per weight, kept per
    /// thread (a training step allocates nothing once each thread has
    /// seen the largest layer).
    static SPATIAL_SUMS: core::cell::RefCell<alloc::vec::Vec<f32>> =
        const { core::cell::RefCell::new(alloc::vec::Vec::new()) };
}

/// The weight gradient of every sample of `x` (`[n, c, h, w]`) and `dy`
/// (`[n, oc, oh, ow]`) added into `gw` (`gw[k, ci, ki, kj] += sum_{s, oy,
/// ox} dy[s, k, oy, ox] x[s, ci, oy sh + ki - ph, ox + kj]`), sixteen
/// output columns to a register, for layers with fewer output channels
/// than [`weight_grads_by_channel`] takes. Up to four channels and up to
/// five window columns sum at once, so that each output-gradient vector
/// feeds a multiply-add per window column and each input vector one per
/// channel; each weight's register of sums carries over the samples (in
/// L1, while a sample's planes stay there too) and ends in one horizontal
/// sum per batch, not per sample. A row whose last strip holds at most
/// eight columns shares that register with the next row's. Sums in
/// another order than the other kernels: equal to rounding. `g`
/// [`fits_weight_grads`].
///
/// # Safety
/// The CPU must have AVX-512 F, BW, DQ and VL.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
pub(super) unsafe fn weight_grads(
    g: &Window2d,
    c: usize,
    oc: usize,
    x: &[f32],
    dy: &[f32],
    gw: &mut [f32],
) {
    let (in_len, out_len, weights) = (c * g.in_plane(), oc * g.out_plane(), oc * c * g.window());
    assert!(fits_weight_grads(g) && g.is_consistent() && in_len > 0 && out_len > 0);
    assert!(gw.len() >= weights);
    // Groups of equal size: six channels are two groups of three.
    let per = oc.div_ceil(oc.div_ceil(SPATIAL_CHANNELS));
    SPATIAL_SUMS.with_borrow_mut(|sums| {
        sums.clear();
        sums.resize(weights * LANES, 0.0);
        for (xs, ds) in x.chunks_exact(in_len).zip(dy.chunks_exact(out_len)) {
            let mut o = 0;
            while o < oc {
                let k = per.min(oc - o);
                // SAFETY: as this function's contract.
                unsafe {
                    match (k, g.kw.is_multiple_of(5), g.kw.is_multiple_of(3)) {
                        (4, true, _) => spatial::<4, 5>(g, c, oc, o, xs, ds, sums),
                        (4, _, true) => spatial::<4, 3>(g, c, oc, o, xs, ds, sums),
                        (4, _, _) => spatial::<4, 1>(g, c, oc, o, xs, ds, sums),
                        (3, true, _) => spatial::<3, 5>(g, c, oc, o, xs, ds, sums),
                        (3, _, true) => spatial::<3, 3>(g, c, oc, o, xs, ds, sums),
                        (3, _, _) => spatial::<3, 1>(g, c, oc, o, xs, ds, sums),
                        (2, true, _) => spatial::<2, 5>(g, c, oc, o, xs, ds, sums),
                        (2, _, true) => spatial::<2, 3>(g, c, oc, o, xs, ds, sums),
                        (2, _, _) => spatial::<2, 1>(g, c, oc, o, xs, ds, sums),
                        (_, true, _) => spatial::<1, 5>(g, c, oc, o, xs, ds, sums),
                        (_, _, true) => spatial::<1, 3>(g, c, oc, o, xs, ds, sums),
                        (_, _, _) => spatial::<1, 1>(g, c, oc, o, xs, ds, sums),
                    }
                }
                o += k;
            }
        }
        for (gw, sum) in gw.iter_mut().zip(sums.chunks_exact(LANES)) {
            // SAFETY: `sum` holds sixteen values.
            *gw += _mm512_reduce_add_ps(unsafe { _mm512_loadu_ps(sum.as_ptr()) });
        }
    });
}

/// [`weight_grads`] of one sample (`xs`, `ds`) for output channels `o0..o0
/// + K`, `J` window columns at a time (`J` divides the window's width: 1
/// always does), added into `sums` (a register per weight of `gw`).
///
/// # Safety
/// The CPU must have AVX-512 F, BW, DQ and VL.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
#[allow(
    clippy::too_many_arguments,
    reason = "the backward's operands and the block"
)]
unsafe fn spatial<const K: usize, const J: usize>(
    g: &Window2d,
    c: usize,
    oc: usize,
    o0: usize,
    xs: &[f32],
    ds: &[f32],
    sums: &mut [f32],
) {
    let (hw, ohw, kk) = (g.in_plane(), g.out_plane(), g.window());
    let ck = c * kk;
    assert!(xs.len() >= c * hw && ds.len() >= oc * ohw && sums.len() >= oc * ck * LANES);
    assert!(g.kw.is_multiple_of(J) && o0 + K <= oc);
    let (strips, rest) = (g.ow / LANES, g.ow % LANES);
    let paired = rest > 0 && rest <= HALF;
    let tail: __mmask16 = ((1u32 << rest) - 1) as u16;
    let half: __mmask8 = ((1u32 << rest.min(HALF)) - 1) as u8;
    let (xstep, dstep) = (g.sh * g.w, g.ow);
    for ci in 0..c {
        for ki in 0..g.kh {
            let (ylo, yhi) = g.rows(ki);
            for kj0 in (0..g.kw).step_by(J) {
                let at =
                    |k: usize, j: usize| ((o0 + k) * ck + ci * kk + ki * g.kw + kj0 + j) * LANES;
                // SAFETY: `at(k, j) + 16 <= oc ck 16 <= sums.len()`.
                let mut acc: [[__m512; J]; K] = core::array::from_fn(|k| {
                    core::array::from_fn(|j| unsafe {
                        _mm512_loadu_ps(sums.as_ptr().add(at(k, j)))
                    })
                });
                let mut oy = ylo;
                while oy < yhi {
                    let two = paired && oy + 1 < yhi;
                    // SAFETY: output row `oy' < yhi` reads input row `oy' sh
                    // + ki - ph < h` (`Window2d::rows`) from column `col +
                    // kj0 + j`, and `col + kj0 + j + 16 <= ow + kw - 1 = w`
                    // for a full strip (stride 1, no column padding; masked
                    // loads read only their `rest` lanes): every load lies in
                    // channel `ci`'s row of `xs`, or in row `oy'` of channel
                    // `o0 + k < oc` of `ds` (asserted above).
                    unsafe {
                        let row = |oy: usize| {
                            let xp = xs.as_ptr().add(ci * hw + (oy * g.sh + ki - g.ph) * g.w);
                            (xp.add(kj0), ds.as_ptr().add(o0 * ohw + oy * g.ow))
                        };
                        for t in oy..oy + 1 + usize::from(two) {
                            let (xp, dp) = row(t);
                            for s in 0..strips {
                                let at = s * LANES;
                                let load = |p: *const f32| _mm512_loadu_ps(p);
                                step(&mut acc, xp.add(at), dp.add(at), ohw, load, load);
                            }
                        }
                        let (xp, dp) = row(oy);
                        let (xp, dp) = (xp.add(strips * LANES), dp.add(strips * LANES));
                        if paired {
                            let second = if two { half } else { 0 };
                            let lx =
                                |p: *const f32| two_rows(half, p, second, p.wrapping_add(xstep));
                            let ld =
                                |p: *const f32| two_rows(half, p, second, p.wrapping_add(dstep));
                            step(&mut acc, xp, dp, ohw, lx, ld);
                        } else if rest > 0 {
                            let load = |p: *const f32| _mm512_maskz_loadu_ps(tail, p);
                            step(&mut acc, xp, dp, ohw, load, load);
                        }
                    }
                    oy += 1 + usize::from(two);
                }
                for (k, acc) in acc.iter().enumerate() {
                    for (j, acc) in acc.iter().enumerate() {
                        // SAFETY: as the loads above.
                        unsafe { _mm512_storeu_ps(sums.as_mut_ptr().add(at(k, j)), *acc) };
                    }
                }
            }
        }
    }
}

/// One register of output positions into [`spatial`]'s sums: the `K`
/// channels' output gradients at `dp` (one plane, `ohw`, apart) times
/// the `J` inputs at `xp` shifted by a column each, loaded by `ld` and
/// `lx`.
///
/// # Safety
/// The CPU must have AVX-512 F; the loads must be readable.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
#[inline]
unsafe fn step<const K: usize, const J: usize>(
    acc: &mut [[__m512; J]; K],
    xp: *const f32,
    dp: *const f32,
    ohw: usize,
    lx: impl Fn(*const f32) -> __m512,
    ld: impl Fn(*const f32) -> __m512,
) {
    // SAFETY: the loads are readable (this function's contract).
    let d: [__m512; K] = core::array::from_fn(|k| ld(unsafe { dp.add(k * ohw) }));
    for j in 0..J {
        // SAFETY: as above.
        let xv = lx(unsafe { xp.add(j) });
        for (acc, d) in acc.iter_mut().zip(&d) {
            acc[j] = _mm512_fmadd_ps(*d, xv, acc[j]);
        }
    }
}

/// The lanes `first` of `a` in the low half and `second` of `b` in the
/// high half, zeros elsewhere.
///
/// # Safety
/// The lanes the masks select must be readable.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
#[inline]
unsafe fn two_rows(first: __mmask8, a: *const f32, second: __mmask8, b: *const f32) -> __m512 {
    // SAFETY: masked loads read only the selected lanes (this function's
    // contract).
    unsafe {
        let lo = _mm512_castps256_ps512(_mm256_maskz_loadu_ps(first, a));
        _mm512_insertf32x8::<1>(lo, _mm256_maskz_loadu_ps(second, b))
    }
}

/// Whether [`weight_grads_by_channel`] takes the window to `oc` channels:
/// [`fits_weight_grads`], and a register of output channels.
pub(super) const fn fits_by_channel(g: &Window2d, oc: usize) -> bool {
    fits_weight_grads(g) && oc >= LANES
}

/// Whether [`weight_grads_by_channel`] also takes the input gradient
/// (`input_rows`): a window of 3 or 5 columns and input rows of at most
/// sixteen columns (a register of sums per input column).
pub(super) const fn fits_input_grads_by_channel(g: &Window2d, oc: usize) -> bool {
    fits_by_channel(g, oc) && g.sh == 1 && (g.kw == 3 || g.kw == 5) && g.w <= LANES
}

std::thread_local! {
    /// [`weight_grads_by_channel`]'s transposed weight gradient, output
    /// gradient and weights, kept per thread (a training step allocates
    /// nothing once each thread has seen the largest layer).
    static BY_CHANNEL: core::cell::RefCell<[alloc::vec::Vec<f32>; 3]> =
        const { core::cell::RefCell::new([const { alloc::vec::Vec::new() }; 3]) };
}

/// The weight gradient of every sample of `x` (`[n, c, h, w]`) and `dy`
/// (`[n, oc, oh, ow]`) added into `gw`, sixteen output channels to a
/// register: for each weight position `(ci, ki, kj)`, the sum over output
/// positions of `dy[.., oy, ox]` (the channels, transposed once per
/// sample) times the broadcast input `x[ci, iy, ix]`, with no horizontal
/// sums (the spatial kernel ends every weight of every sample with one
/// per channel, which on LeNet's second convolution cost as much as its
/// multiply-adds). With `dx` (`[n, c, h, w]`, overwritten; `g`
/// [`fits_input_grads_by_channel`]), the input gradient from the same
/// transposed output gradients (`input_rows`). Sums in another order
/// than the other kernels: equal to rounding. `g` [`fits_by_channel`].
///
/// # Safety
/// The CPU must have AVX-512 F, BW, DQ and VL.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
#[allow(clippy::too_many_arguments, reason = "the backward's operands")]
pub(super) unsafe fn weight_grads_by_channel(
    g: &Window2d,
    c: usize,
    oc: usize,
    x: &[f32],
    wt: &[f32],
    dy: &[f32],
    gw: &mut [f32],
    mut dx: Option<&mut [f32]>,
) {
    let (hw, ohw, kk) = (g.in_plane(), g.out_plane(), g.window());
    let (ck, in_len, out_len) = (c * kk, c * hw, oc * ohw);
    assert!(fits_by_channel(g, oc) && g.is_consistent() && in_len > 0 && out_len > 0);
    assert!(gw.len() >= oc * ck && wt.len() >= oc * ck && i32::try_from(LANES * ohw).is_ok());
    assert!(dx.is_none() || fits_input_grads_by_channel(g, oc));
    let n = (x.len() / in_len).min(dy.len() / out_len);
    if let Some(dx) = &dx {
        assert!(dx.len() >= n * in_len);
    }
    BY_CHANNEL.with_borrow_mut(|[gwt, dyt, wtt]| {
        gwt.resize(ck * LANES, 0.0);
        dyt.resize(ohw * LANES, 0.0);
        wtt.resize(ck * LANES, 0.0);
        // Channel `k` of a register reads `dy` `k` planes on.
        let planes = _mm512_mullo_epi32(
            _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
            _mm512_set1_epi32(ohw as i32),
        );
        let mut o = 0;
        while o < oc {
            let lanes = (oc - o).min(LANES);
            let mask: __mmask16 = ((1u32 << lanes) - 1) as u16;
            gwt.fill(0.0);
            if dx.is_some() {
                // The block's weights, transposed: zeros in the lanes past
                // its channels.
                for (at, t) in wtt.chunks_exact_mut(LANES).enumerate() {
                    for (k, t) in t.iter_mut().enumerate() {
                        *t = if k < lanes {
                            wt[(o + k) * ck + at]
                        } else {
                            0.0
                        };
                    }
                }
            }
            let samples = x.chunks_exact(in_len).zip(dy.chunks_exact(out_len)).take(n);
            for (s, (xs, dys)) in samples.enumerate() {
                let dys = &dys[o * ohw..(o + lanes) * ohw];
                for (p, t) in dyt.chunks_exact_mut(LANES).enumerate() {
                    // SAFETY: lane `k < lanes` reads `dys[k ohw + p]`, inside
                    // `dys`; the other lanes are masked out, and `t` holds
                    // sixteen values.
                    unsafe {
                        let base = dys.as_ptr().add(p);
                        let v =
                            _mm512_mask_i32gather_ps::<4>(_mm512_setzero_ps(), mask, planes, base);
                        _mm512_storeu_ps(t.as_mut_ptr(), v);
                    }
                }
                // SAFETY: as `by_rows`'s and `input_rows`' contracts, from
                // the geometry.
                unsafe {
                    match g.kw {
                        5 => by_rows::<5>(g, c, xs, dyt, gwt),
                        3 => by_rows::<3>(g, c, xs, dyt, gwt),
                        _ => by_rows::<1>(g, c, xs, dyt, gwt),
                    }
                    if let Some(dx) = dx.as_deref_mut() {
                        let dx = &mut dx[s * in_len..(s + 1) * in_len];
                        match g.kw {
                            5 => input_rows::<5>(g, c, wtt, dyt, dx, o > 0),
                            _ => input_rows::<3>(g, c, wtt, dyt, dx, o > 0),
                        }
                    }
                }
            }
            for (at, sums) in gwt.chunks_exact(LANES).enumerate().take(ck) {
                for (k, s) in sums.iter().enumerate().take(lanes) {
                    gw[(o + k) * ck + at] += *s;
                }
            }
            o += lanes;
        }
    });
}

/// One sample's input gradient from a block of sixteen output channels:
/// `dx[ci, iy, ix] (+)= sum_{ki, kj} sum_k wtt[ci, ki, kj][k] dyt[iy + ph -
/// ki, ix - kj][k]`, added when `add`, else written. Each output
/// position's register of channels meets the `KW` weight registers of its
/// window row and adds into the registers of the `KW` input columns it
/// reaches (one register of sums per input column, the row's columns
/// summed across lanes at its end): no product with padding, as the
/// zero-padded correlation has on LeNet's 12-column rows (a third of its
/// work, and a quarter more for lanes past the row).
///
/// # Safety
/// The CPU must have AVX-512 F, BW, DQ and VL; `g`
/// [`fits_input_grads_by_channel`], `wtt` holds `c kh kw` registers of
/// weights, `dyt` `oh ow` of output gradients and `dx` the sample's `c`
/// planes.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
#[inline]
unsafe fn input_rows<const KW: usize>(
    g: &Window2d,
    c: usize,
    wtt: &[f32],
    dyt: &[f32],
    dx: &mut [f32],
    add: bool,
) {
    let (hw, kk) = (g.in_plane(), g.window());
    assert!(g.kw == KW && g.w <= LANES && g.ow + KW - 1 == g.w && g.sh == 1 && g.pw == 0);
    assert!(wtt.len() >= c * kk * LANES && dyt.len() >= g.out_plane() * LANES);
    assert!(dx.len() >= c * hw);
    let row: __mmask16 = ((1u32 << g.w) - 1) as u16;
    for ci in 0..c {
        for iy in 0..g.h {
            let mut acc = [_mm512_setzero_ps(); LANES];
            for ki in 0..g.kh {
                // Output row `oy` reads input row `oy + ki - ph`.
                let Some(oy) = (iy + g.ph).checked_sub(ki).filter(|&oy| oy < g.oh) else {
                    continue;
                };
                // SAFETY: `(ci, ki, kj) < (c, kh, kw)` indexes `wtt`'s
                // registers, and `ox < ow` `dyt`'s row `oy < oh` (asserted
                // above).
                unsafe {
                    let wrow = wtt.as_ptr().add((ci * kk + ki * KW) * LANES);
                    let w: [__m512; KW] =
                        core::array::from_fn(|kj| _mm512_loadu_ps(wrow.add(kj * LANES)));
                    let drow = dyt.as_ptr().add(oy * g.ow * LANES);
                    // Unrolled to the widest row, so that the registers of
                    // sums are named at compile time (a loop keeps them in
                    // memory).
                    macro_rules! columns {
                        ($($ox:literal)*) => {$(
                            if $ox < LANES + 1 - KW && $ox < g.ow {
                                let d = _mm512_loadu_ps(drow.add($ox * LANES));
                                for (kj, w) in w.iter().enumerate() {
                                    acc[$ox + kj] = _mm512_fmadd_ps(*w, d, acc[$ox + kj]);
                                }
                            }
                        )*};
                    }
                    columns!(0 1 2 3 4 5 6 7 8 9 10 11 12 13);
                }
            }
            let sums = sum_each(acc);
            // SAFETY: the `w` lanes of `row` lie in row `iy < h` of plane
            // `ci < c` of `dx` (asserted above).
            unsafe {
                let at = dx.as_mut_ptr().add(ci * hw + iy * g.w);
                let v = if add {
                    _mm512_add_ps(_mm512_maskz_loadu_ps(row, at), sums)
                } else {
                    sums
                };
                _mm512_mask_storeu_ps(at, row, v);
            }
        }
    }
}

/// The sum of each register's lanes: lane `i` of the result is the sum
/// of `v[i]`'s, by halving the registers' width in four steps that each
/// add two registers' halves side by side.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
#[inline]
fn sum_each(v: [__m512; LANES]) -> __m512 {
    // Lanes 0-7 hold 8 partial sums of `v[2i]`, lanes 8-15 of `v[2i + 1]`.
    let s: [__m512; 8] = core::array::from_fn(|i| {
        let (a, b) = (v[2 * i], v[2 * i + 1]);
        _mm512_add_ps(
            _mm512_shuffle_f32x4::<0b01_00_01_00>(a, b),
            _mm512_shuffle_f32x4::<0b11_10_11_10>(a, b),
        )
    });
    // Quarter `q` holds 4 partial sums of `v[4j + q]`.
    let t: [__m512; 4] = core::array::from_fn(|j| {
        let (a, b) = (s[2 * j], s[2 * j + 1]);
        _mm512_add_ps(
            _mm512_shuffle_f32x4::<0b10_00_10_00>(a, b),
            _mm512_shuffle_f32x4::<0b11_01_11_01>(a, b),
        )
    });
    // Lanes (0, 1) of quarter `q` hold 2 partial sums of `v[8j + q]`,
    // lanes (2, 3) of `v[8j + 4 + q]`.
    let u: [__m512; 2] = core::array::from_fn(|j| {
        let (a, b) = (t[2 * j], t[2 * j + 1]);
        _mm512_add_ps(
            _mm512_shuffle_ps::<0b01_00_01_00>(a, b),
            _mm512_shuffle_ps::<0b11_10_11_10>(a, b),
        )
    });
    // Lane `m` of quarter `q` holds the sum of `v[4m + q]`.
    let r = _mm512_add_ps(
        _mm512_shuffle_ps::<0b10_00_10_00>(u[0], u[1]),
        _mm512_shuffle_ps::<0b11_01_11_01>(u[0], u[1]),
    );
    // Lane `i` takes the sum of `v[i]`, in lane `4 (i % 4) + i / 4`.
    let from = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
    _mm512_permutexvar_ps(from, r)
}

/// `gwt[(ci, ki, kj)] += sum_{oy, ox} dyt[oy, ox] x[ci, oy sh + ki - ph,
/// ox + kj]` for one sample, `J` window columns at a time (`J` divides
/// the window's width: 1 always does).
///
/// # Safety
/// The CPU must have AVX-512 F, BW, DQ and VL; `g` [`fits_by_channel`],
/// `x` holds the sample's `c` planes, `dyt` its `oh ow` transposed output
/// gradients and `gwt` `c kh kw` registers.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
#[inline]
unsafe fn by_rows<const J: usize>(g: &Window2d, c: usize, x: &[f32], dyt: &[f32], gwt: &mut [f32]) {
    let (hw, kk) = (g.in_plane(), g.window());
    assert!(g.kw.is_multiple_of(J) && x.len() >= c * hw);
    assert!(dyt.len() >= g.out_plane() * LANES && gwt.len() >= c * kk * LANES);
    for ci in 0..c {
        for ki in 0..g.kh {
            let (ylo, yhi) = g.rows(ki);
            for kj0 in (0..g.kw).step_by(J) {
                let mut acc = [_mm512_setzero_ps(); J];
                for oy in ylo..yhi {
                    let iy = oy * g.sh + ki - g.ph;
                    // SAFETY: `iy < h` (`Window2d::rows`), and `ox + kj0 + j
                    // < ow + kw - 1 = w` (stride 1, no column padding): the
                    // input lies in channel `ci`'s row `iy`; `dyt` holds row
                    // `oy < oh`'s `ow` registers.
                    unsafe {
                        let xrow = x.as_ptr().add(ci * hw + iy * g.w + kj0);
                        let drow = dyt.as_ptr().add(oy * g.ow * LANES);
                        for ox in 0..g.ow {
                            let d = _mm512_loadu_ps(drow.add(ox * LANES));
                            for (j, acc) in acc.iter_mut().enumerate() {
                                let xv = _mm512_set1_ps(*xrow.add(ox + j));
                                *acc = _mm512_fmadd_ps(d, xv, *acc);
                            }
                        }
                    }
                }
                for (j, acc) in acc.iter().enumerate() {
                    let at = (ci * kk + ki * g.kw + kj0 + j) * LANES;
                    let sums = &mut gwt[at..at + LANES];
                    // SAFETY: `sums` holds sixteen values.
                    unsafe {
                        let v = _mm512_add_ps(_mm512_loadu_ps(sums.as_ptr()), *acc);
                        _mm512_storeu_ps(sums.as_mut_ptr(), v);
                    }
                }
            }
        }
    }
}
