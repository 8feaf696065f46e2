//! AVX-512 copies of the direct convolution's AVX2 kernels
//! (`window.rs`), for windows without column padding: sixteen output
//! columns per register, or, for rows of 8 to 15 columns, eight columns
//! of two output rows. The forward keeps the AVX2 kernel's order of sums
//! in every lane (the bias, then channel, window row, window column; a
//! window row that reads padding for one of the two rows is a masked add
//! for its lanes), so its bits are the portable kernel's; the weight
//! gradient sums in its own order with fused multiply-adds (equal to
//! rounding, as the AVX2 one is). LeNet's second convolution has 8-column
//! outputs, which half of a register would waste.
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
    match (g.ow >= LANES, g.kw) {
        (true, 5) => channels::<K, 5, false>(g, c, o0, x, wp, bias, y),
        (true, 3) => channels::<K, 3, false>(g, c, o0, x, wp, bias, y),
        (true, _) => channels::<K, 0, false>(g, c, o0, x, wp, bias, y),
        (false, 5) => channels::<K, 5, true>(g, c, o0, x, wp, bias, y),
        (false, 3) => channels::<K, 3, true>(g, c, o0, x, wp, bias, y),
        (false, _) => channels::<K, 0, true>(g, c, o0, x, wp, bias, y),
    }
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

/// The AVX2 kernel's `weight_grads` (`gw[k, ci, ki, kj] += sum_{oy, ox}
/// dy[k, oy, ox] x[ci, oy sh + ki - ph, ox + kj]` for the `K` channels of
/// `dy` and `gw`); `g` [`fits_weight_grads`]. Rows of at most eight
/// columns go two to a register.
///
/// # Safety
/// The CPU must have AVX-512 F, BW, DQ and VL.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
pub(super) unsafe fn weight_grads<const K: usize>(
    g: &Window2d,
    c: usize,
    x: &[f32],
    dy: &[f32],
    gw: &mut [f32],
) {
    let (hw, ohw, kk) = (g.in_plane(), g.out_plane(), g.window());
    let (ck, n) = (c * kk, g.ow);
    assert!(fits_weight_grads(g) && g.is_consistent());
    assert!(x.len() >= c * hw && dy.len() >= K * ohw && gw.len() >= K * ck);
    let pair = n <= HALF;
    let half: __mmask8 = ((1u32 << n.min(HALF)) - 1) as u8;
    let (strips, rest) = (n / LANES, n % LANES);
    let tail: __mmask16 = ((1u32 << rest) - 1) as u16;
    for ci in 0..c {
        for ki in 0..g.kh {
            let (ylo, yhi) = g.rows(ki);
            if ylo >= yhi {
                continue;
            }
            let rows = yhi - ylo;
            for kj in 0..g.kw {
                let mut acc = [_mm512_setzero_ps(); K];
                // Output row `ylo + r` reads input row `(ylo + r) sh + ki -
                // ph` (inside the plane, as `Window2d::rows` says) from
                // column `kj`, and its `n` columns `kj..kj + n` lie in the
                // row (`n + kw - 1 = w`).
                let x0 = ci * hw + (ylo * g.sh + ki - g.ph) * g.w + kj;
                let d0 = ylo * g.ow;
                // SAFETY: every load reads, for `r < rows` and `j < n`,
                // `x[x0 + r sh w + j]` (below `c * hw`) or `dy[k ohw + d0 +
                // r ow + j]` (below `K * ohw`), by the bounds just said; the
                // masked loads read only those lanes.
                unsafe {
                    let (xp, dp) = (x.as_ptr(), dy.as_ptr());
                    if pair {
                        let mut r = 0;
                        while r < rows {
                            let second = if r + 1 < rows { half } else { 0 };
                            let xa = xp.add(x0 + r * g.sh * g.w);
                            let xb = xa.add(g.sh * g.w);
                            let xv = two_rows(half, xa, second, xb);
                            for (k, acc) in acc.iter_mut().enumerate() {
                                let da = dp.add(k * ohw + d0 + r * g.ow);
                                let dv = two_rows(half, da, second, da.add(g.ow));
                                *acc = _mm512_fmadd_ps(dv, xv, *acc);
                            }
                            r += 2;
                        }
                    } else {
                        for r in 0..rows {
                            let xr = xp.add(x0 + r * g.sh * g.w);
                            let dr = dp.add(d0 + r * g.ow);
                            for s in 0..strips {
                                let xv = _mm512_loadu_ps(xr.add(s * LANES));
                                for (k, acc) in acc.iter_mut().enumerate() {
                                    let dv = _mm512_loadu_ps(dr.add(k * ohw + s * LANES));
                                    *acc = _mm512_fmadd_ps(dv, xv, *acc);
                                }
                            }
                            if rest > 0 {
                                let xv = _mm512_maskz_loadu_ps(tail, xr.add(strips * LANES));
                                for (k, acc) in acc.iter_mut().enumerate() {
                                    let d = dr.add(k * ohw + strips * LANES);
                                    let dv = _mm512_maskz_loadu_ps(tail, d);
                                    *acc = _mm512_fmadd_ps(dv, xv, *acc);
                                }
                            }
                        }
                    }
                }
                let at = ci * kk + ki * g.kw + kj;
                for (k, acc) in acc.iter().enumerate() {
                    gw[k * ck + at] += _mm512_reduce_add_ps(*acc);
                }
            }
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

std::thread_local! {
    /// [`weight_grads_by_channel`]'s transposed weight gradient and
    /// output gradient, kept per thread (a training step allocates
    /// nothing once each thread has seen the largest layer).
    static BY_CHANNEL: core::cell::RefCell<(alloc::vec::Vec<f32>, alloc::vec::Vec<f32>)> =
        const { core::cell::RefCell::new((alloc::vec::Vec::new(), alloc::vec::Vec::new())) };
}

/// The weight gradient of every sample of `x` (`[n, c, h, w]`) and `dy`
/// (`[n, oc, oh, ow]`) added into `gw`, sixteen output channels to a
/// register: for each weight position `(ci, ki, kj)`, the sum over output
/// positions of `dy[.., oy, ox]` (the channels, transposed once per
/// sample) times the broadcast input `x[ci, iy, ix]`, with no horizontal
/// sums (the spatial kernel ends every weight of every sample with one
/// per channel, which on LeNet's second convolution cost as much as its
/// multiply-adds). Sums in another order than the other kernels: equal
/// to rounding. `g` [`fits_by_channel`].
///
/// # Safety
/// The CPU must have AVX-512 F, BW, DQ and VL.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
pub(super) unsafe fn weight_grads_by_channel(
    g: &Window2d,
    c: usize,
    oc: usize,
    x: &[f32],
    dy: &[f32],
    gw: &mut [f32],
) {
    let (hw, ohw, kk) = (g.in_plane(), g.out_plane(), g.window());
    let (ck, in_len, out_len) = (c * kk, c * hw, oc * ohw);
    assert!(fits_by_channel(g, oc) && g.is_consistent() && in_len > 0 && out_len > 0);
    assert!(gw.len() >= oc * ck && i32::try_from(LANES * ohw).is_ok());
    let n = (x.len() / in_len).min(dy.len() / out_len);
    BY_CHANNEL.with_borrow_mut(|(gwt, dyt)| {
        gwt.resize(ck * LANES, 0.0);
        dyt.resize(ohw * LANES, 0.0);
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
            for (xs, dys) in x.chunks_exact(in_len).zip(dy.chunks_exact(out_len)).take(n) {
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
                // SAFETY: as `by_rows`'s contract, from the geometry.
                unsafe {
                    match g.kw {
                        5 => by_rows::<5>(g, c, xs, dyt, gwt),
                        3 => by_rows::<3>(g, c, xs, dyt, gwt),
                        _ => by_rows::<1>(g, c, xs, dyt, gwt),
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
