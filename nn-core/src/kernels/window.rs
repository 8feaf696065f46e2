//! Sliding windows over planes ([`Window2d`], shared by convolution and
//! pooling) and the convolution kernels on them: direct, and im2col +
//! GEMM for training batches.

#[cfg(feature = "alloc")]
use super::gemm::gemm;
use super::vector::{axpy, dot};
use crate::Float;

/// Geometry of a window sliding over one `h x w` plane (convolution and
/// pooling), with PyTorch's arithmetic: the window `kh x kw` moves by
/// `(sh, sw)` over the plane padded by `(ph, pw)` zeros on each side, and
/// `oh = (h + 2 ph - kh) / sh + 1`, `ow = (w + 2 pw - kw) / sw + 1`.
///
/// Output `(oy, ox)` with window offset `(ki, kj)` reads input
/// `(oy sh + ki - ph, ox sw + kj - pw)`, or a padding zero outside the
/// plane. A 1-D window is the case `h = kh = sh = oh = 1`, `ph = 0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window2d {
    /// Input height.
    pub h: usize,
    /// Input width.
    pub w: usize,
    /// Window height.
    pub kh: usize,
    /// Window width.
    pub kw: usize,
    /// Vertical stride.
    pub sh: usize,
    /// Horizontal stride.
    pub sw: usize,
    /// Zero rows added above and below.
    pub ph: usize,
    /// Zero columns added left and right.
    pub pw: usize,
    /// Output height.
    pub oh: usize,
    /// Output width.
    pub ow: usize,
}

/// The output positions `lo..hi` (within `0..out`) whose input index
/// `o * stride + k - pad` falls inside `0..len`.
#[inline(always)]
pub const fn valid_outputs(
    k: usize,
    pad: usize,
    stride: usize,
    len: usize,
    out: usize,
) -> (usize, usize) {
    // A stride of 0 is refused at compile time; said again here so that
    // the divisions below have no division-by-zero panic path.
    let stride = if stride == 0 { 1 } else { stride };
    let lo = if pad > k {
        (pad - k).div_ceil(stride)
    } else {
        0
    };
    let hi = if len + pad > k {
        let last = (len + pad - k - 1) / stride + 1;
        if last < out {
            last
        } else {
            out
        }
    } else {
        0
    };
    if hi < lo {
        (lo, lo)
    } else {
        (lo, hi)
    }
}

impl Window2d {
    /// `h * w`.
    pub const fn in_plane(&self) -> usize {
        self.h * self.w
    }
    /// `oh * ow`.
    pub const fn out_plane(&self) -> usize {
        self.oh * self.ow
    }
    /// `kh * kw`.
    pub const fn window(&self) -> usize {
        self.kh * self.kw
    }
    /// Output rows reading an input row (not padding) at window row `ki`.
    #[inline(always)]
    pub const fn rows(&self, ki: usize) -> (usize, usize) {
        valid_outputs(ki, self.ph, self.sh, self.h, self.oh)
    }
    /// Output columns reading an input column at window column `kj`.
    #[inline(always)]
    pub const fn cols(&self, kj: usize) -> (usize, usize) {
        valid_outputs(kj, self.pw, self.sw, self.w, self.ow)
    }
    /// Whether the output sizes follow from the others (and nothing is 0).
    pub const fn is_consistent(&self) -> bool {
        self.h > 0
            && self.w > 0
            && self.kh > 0
            && self.kw > 0
            && self.sh > 0
            && self.sw > 0
            && self.h + 2 * self.ph >= self.kh
            && self.w + 2 * self.pw >= self.kw
            && self.oh == (self.h + 2 * self.ph - self.kh) / self.sh + 1
            && self.ow == (self.w + 2 * self.pw - self.kw) / self.sw + 1
    }
}

/// `y[t] += alpha * x[t * stride]` for every `t` of `y`; a plain
/// (vectorisable) axpy when `stride == 1`.
#[inline(always)]
fn axpy_strided<T: Float>(y: &mut [T], alpha: T, x: &[T], stride: usize) {
    if stride == 1 {
        axpy(y, alpha, x.get(..y.len()).unwrap_or(x));
    } else {
        for (y, x) in y.iter_mut().zip(x.iter().step_by(stride.max(1))) {
            *y += alpha * *x;
        }
    }
}

/// `x[t * stride] += alpha * y[t]` for every `t` of `y`.
#[inline(always)]
fn axpy_scatter<T: Float>(x: &mut [T], alpha: T, y: &[T], stride: usize) {
    if stride == 1 {
        axpy(&mut x[..y.len()], alpha, y);
    } else {
        for (x, y) in x.iter_mut().step_by(stride).zip(y) {
            *x += alpha * *y;
        }
    }
}

/// `sum_t y[t] x[t * stride]`.
#[inline(always)]
fn dot_strided<T: Float>(y: &[T], x: &[T], stride: usize) -> T {
    if stride == 1 {
        dot(y, &x[..y.len()])
    } else {
        let mut s = T::ZERO;
        for (y, x) in y.iter().zip(x.iter().step_by(stride)) {
            s += *y * *x;
        }
        s
    }
}

/// Direct 2-D convolution of one sample (cross-correlation, as PyTorch):
/// `y[o, oy, ox] = bias[o] + sum_{c, ki, kj} w[o, c, ki, kj] x[c, oy sh + ki - ph, ox sw + kj - pw]`.
///
/// `x` is `[c, h, w]`, `wt` is `[oc, c, kh, kw]`, `bias` is `[oc]`, `y`
/// (overwritten) is `[oc, oh, ow]`, all flat row-major. For each weight
/// the innermost loop runs along an output row (contiguous; a plain axpy
/// when `sw == 1`). Padding is skipped, never materialised.
#[inline]
pub fn conv2d_forward<T: Float>(
    g: &Window2d,
    c: usize,
    oc: usize,
    x: &[T],
    wt: &[T],
    bias: Option<&[T]>,
    y: &mut [T],
) {
    if !forward_vectorised(g, c, oc, x, wt, bias, y) {
        conv2d_forward_portable(g, c, oc, x, wt, bias, y);
    }
}

/// [`conv2d_forward`] of every sample of `x: [n, c, h, w]` into
/// `y: [n, oc, oh, ow]` (a training batch): the vectorised kernel packs
/// the weights once for the batch.
#[inline]
pub fn conv2d_forward_batch<T: Float>(
    g: &Window2d,
    c: usize,
    oc: usize,
    x: &[T],
    wt: &[T],
    bias: Option<&[T]>,
    y: &mut [T],
) {
    if forward_vectorised(g, c, oc, x, wt, bias, y) {
        return;
    }
    let (in_len, out_len) = ((c * g.in_plane()).max(1), (oc * g.out_plane()).max(1));
    for (x, y) in x.chunks_exact(in_len).zip(y.chunks_exact_mut(out_len)) {
        conv2d_forward_portable(g, c, oc, x, wt, bias, y);
    }
}

/// Runs the AVX2 forward over every sample of `x` when it applies (`f32`
/// on an x86-64 CPU with AVX2, a window that [`avx2::fits`]; its AVX-512
/// copy where the CPU has that and the window fits it too); whether it
/// did.
#[inline(always)]
fn forward_vectorised<T: Float>(
    g: &Window2d,
    c: usize,
    oc: usize,
    x: &[T],
    wt: &[T],
    bias: Option<&[T]>,
    y: &mut [T],
) -> bool {
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    if avx2::fits(g, c) && std::is_x86_feature_detected!("avx2") {
        use super::simd::{as_f32, as_f32_mut};
        if let (Some(x), Some(wt), Some(y)) = (as_f32(x), as_f32(wt), as_f32_mut(y)) {
            // `T` is `f32`, so the bias casts too.
            let bias = bias.and_then(as_f32);
            let wide = super::window_avx512::fits(g) && super::simd::x86::has_avx512();
            #[allow(unsafe_code)]
            // SAFETY: the CPU has AVX2, and AVX-512 where `wide` (detected
            // above).
            unsafe {
                avx2::conv2d_forward(g, c, oc, x, wt, bias, y, wide)
            };
            return true;
        }
    }
    let _ = (g, c, oc, x, wt, bias, y);
    false
}

/// [`conv2d_forward`] on every target: an axpy along an output row for
/// each weight.
#[inline(always)]
fn conv2d_forward_portable<T: Float>(
    g: &Window2d,
    c: usize,
    oc: usize,
    x: &[T],
    wt: &[T],
    bias: Option<&[T]>,
    y: &mut [T],
) {
    // Slices by `get` and chunks, not by index: the geometry is checked
    // at compile time (`Window2d::is_consistent`), so no `else` here runs,
    // but the optimiser cannot see that and would keep a panic path for
    // each index (the panic-free firmware links only without them).
    let (hw, ohw, kk) = (g.in_plane(), g.out_plane(), g.window());
    let planes = y.chunks_exact_mut(ohw.max(1)).take(oc);
    let kernels = wt.chunks_exact((c * kk).max(1));
    for (o, (yp, wo)) in planes.zip(kernels).enumerate() {
        yp.fill(bias.and_then(|b| b.get(o).copied()).unwrap_or(T::ZERO));
        let channels = x.chunks_exact(hw.max(1)).take(c);
        for (xp, wk) in channels.zip(wo.chunks_exact(kk.max(1))) {
            for ki in 0..g.kh {
                let (ylo, yhi) = g.rows(ki);
                for kj in 0..g.kw {
                    let (xlo, xhi) = g.cols(kj);
                    let Some(&wv) = wk.get(ki * g.kw + kj) else {
                        continue;
                    };
                    if xlo >= xhi {
                        continue;
                    }
                    for oy in ylo..yhi {
                        let iy = oy * g.sh + ki - g.ph;
                        let xrow = xp.get(iy * g.w + xlo * g.sw + kj - g.pw..);
                        let yrow = yp.get_mut(oy * g.ow + xlo..oy * g.ow + xhi);
                        if let (Some(xrow), Some(yrow)) = (xrow, yrow) {
                            axpy_strided(yrow, wv, xrow, g.sw);
                        }
                    }
                }
            }
        }
    }
}

/// [`conv2d_forward`] for `f32` with AVX2, for a horizontal stride of 1
/// and output rows of at least eight: eight output columns of up to eight
/// output channels at a time, in registers, over every weight of their
/// windows. Each output keeps the direct kernel's order of sums (the bias,
/// then channel, window row, window column), so the bits are the same;
/// padding is skipped, not added as zeros. The direct kernel's axpy along
/// an output row ran 7.1 instructions per multiply-add on LeNet (W2a),
/// most of them index bookkeeping; here one load of the input row feeds up
/// to eight independent chains of additions.
#[cfg(all(feature = "std", target_arch = "x86_64"))]
#[allow(unsafe_code)]
mod avx2 {
    use super::super::simd::x86::sum_lanes;
    use super::super::window_avx512::{
        block as wide_block, fits as wide_fits, fits_by_channel as wide_fits_by_channel,
        fits_input_grads_by_channel as wide_fits_input_grads_by_channel,
        fits_weight_grads as wide_fits_weight_grads, weight_grads as wide_weight_grads,
        weight_grads_by_channel as wide_weight_grads_by_channel,
    };
    use super::Window2d;
    use core::arch::x86_64::*;

    /// Output columns per register.
    const LANES: usize = 8;

    /// `f::<K>(args)` for `K = block`, 1 to 8 output channels: a block's
    /// accumulators stay in registers, so its size is a constant.
    macro_rules! for_block {
        ($block:expr, $f:ident($($arg:expr),*)) => {
            match $block {
                8 => $f::<8>($($arg),*),
                7 => $f::<7>($($arg),*),
                6 => $f::<6>($($arg),*),
                5 => $f::<5>($($arg),*),
                4 => $f::<4>($($arg),*),
                3 => $f::<3>($($arg),*),
                2 => $f::<2>($($arg),*),
                _ => $f::<1>($($arg),*),
            }
        };
    }

    /// The most weights per output channel whose packed copy
    /// ([`conv2d_forward`]) fits its stack buffer (18 KiB: 64 channels of
    /// 3x3): inference allocates nothing.
    const MAX_PACKED: usize = 576;

    /// Whether this kernel takes the window over `c` input channels:
    /// contiguous input columns (stride 1), at least one whole register of
    /// output columns, and at most [`MAX_PACKED`] weights per channel.
    pub(super) const fn fits(g: &Window2d, c: usize) -> bool {
        g.sw == 1 && g.ow >= LANES && c * g.window() <= MAX_PACKED
    }

    /// [`super::conv2d_forward`] of every sample of `x` (`[n, c, h, w]`)
    /// into `y` (`[n, oc, oh, ow]`); `g` [`fits`]. `wide`: the blocks of
    /// channels run the AVX-512 copy (`window_avx512::block`, the same
    /// bits), and `g` fits that too.
    ///
    /// # Safety
    /// The CPU must have AVX2, and AVX-512 (F, BW, DQ, VL) when `wide`.
    #[target_feature(enable = "avx2")]
    #[allow(
        clippy::too_many_arguments,
        reason = "the forward's operands and the choice of copy"
    )]
    pub(super) unsafe fn conv2d_forward(
        g: &Window2d,
        c: usize,
        oc: usize,
        x: &[f32],
        wt: &[f32],
        bias: Option<&[f32]>,
        y: &mut [f32],
        wide: bool,
    ) {
        assert!(!wide || wide_fits(g));
        let kk = g.window();
        let (in_len, out_len) = (c * g.in_plane(), oc * g.out_plane());
        assert!(fits(g, c) && g.is_consistent() && in_len > 0 && out_len > 0);
        assert!(wt.len() >= oc * c * kk && bias.is_none_or(|b| b.len() >= oc));
        let ck = c * kk;
        // The weights of a block of channels, weight-major: the block's
        // weights for one input (ci, ki, kj) sit side by side, so the inner
        // loop reads them from one pointer.
        let mut packed = [0.0f32; 8 * MAX_PACKED];
        let mut o = 0;
        while o < oc {
            let block = (oc - o).min(8);
            for (j, p) in packed.chunks_exact_mut(block).take(ck).enumerate() {
                for (k, p) in p.iter_mut().enumerate() {
                    *p = wt[(o + k) * ck + j];
                }
            }
            let wp = &packed[..block * ck];
            for (x, y) in x.chunks_exact(in_len).zip(y.chunks_exact_mut(out_len)) {
                if wide {
                    // SAFETY: the CPU has AVX-512 (this function's contract).
                    unsafe { for_block!(block, wide_block(g, c, o, x, wp, bias, y)) };
                } else {
                    for_block!(block, by_width(g, c, o, x, wp, bias, y));
                }
            }
            o += block;
        }
    }

    /// [`channels`] with the common window widths as constants, so that
    /// the loop over a window row unrolls.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn by_width<const K: usize>(
        g: &Window2d,
        c: usize,
        o0: usize,
        x: &[f32],
        wp: &[f32],
        bias: Option<&[f32]>,
        y: &mut [f32],
    ) {
        match g.kw {
            3 => channels::<K, 3>(g, c, o0, x, wp, bias, y),
            5 => channels::<K, 5>(g, c, o0, x, wp, bias, y),
            _ => channels::<K, 0>(g, c, o0, x, wp, bias, y),
        }
    }

    /// Output channels `o0..o0 + K` (their weights `wp`, packed as
    /// `[c, kh, kw, K]`), for every strip of eight output
    /// columns (the last strip of a row overlaps the one before it when
    /// the row is not a multiple of eight: it recomputes, with the same
    /// bits, columns already written). `KW` is the window's width, or 0
    /// when it is only known at run time.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn channels<const K: usize, const KW: usize>(
        g: &Window2d,
        c: usize,
        o0: usize,
        x: &[f32],
        wp: &[f32],
        bias: Option<&[f32]>,
        y: &mut [f32],
    ) {
        let (hw, ohw, kk) = (g.in_plane(), g.out_plane(), g.window());
        assert!(wp.len() >= K * c * kk && (KW == 0 || KW == g.kw));
        let kw = if KW == 0 { g.kw } else { KW };
        for oy in 0..g.oh {
            let mut ox0 = 0;
            while ox0 < g.ow {
                // The last strip ends at the row's end.
                let ox = ox0.min(g.ow - LANES);
                // The window columns `lo..hi` read eight input columns
                // `ox + kj - pw ..` inside the row; the others are edges.
                let hi = (g.w + g.pw + 1).saturating_sub(ox + LANES).min(kw);
                let lo = g.pw.saturating_sub(ox).min(hi);
                let mut acc: [__m256; K] =
                    core::array::from_fn(|k| _mm256_set1_ps(bias.map_or(0.0, |b| b[o0 + k])));
                // Window rows `ki_lo..ki_hi` read input rows (the others
                // padding, which adds nothing).
                let top = oy * g.sh;
                let ki_hi = (g.h + g.ph).saturating_sub(top).min(g.kh);
                let ki_lo = g.ph.saturating_sub(top).min(ki_hi);
                for ci in 0..c {
                    for ki in ki_lo..ki_hi {
                        let iy = top + ki - g.ph;
                        // SAFETY: `iy < h` (`ki < ki_hi`), so the row lies in
                        // channel `ci`'s plane, within `x` (asserted by the
                        // caller); `ci, ki` index the packed weights below
                        // `K * c * kk` (asserted above).
                        let (xrow, wrow) = unsafe {
                            (
                                x.get_unchecked(ci * hw + iy * g.w..(ci * hw + (iy + 1) * g.w)),
                                wp.get_unchecked((ci * g.kh + ki) * kw * K..),
                            )
                        };
                        // SAFETY: `kj < kw`, so the index lies in `wrow`'s row.
                        let w = |kj: usize, k: usize| unsafe { *wrow.get_unchecked(kj * K + k) };
                        if lo == 0 && hi == kw {
                            for kj in 0..kw {
                                // SAFETY: `ix + 8 <= w` for `kj < hi`.
                                let xv =
                                    unsafe { _mm256_loadu_ps(xrow.as_ptr().add(ox + kj - g.pw)) };
                                for (k, acc) in acc.iter_mut().enumerate() {
                                    let p = _mm256_mul_ps(_mm256_set1_ps(w(kj, k)), xv);
                                    *acc = _mm256_add_ps(*acc, p);
                                }
                            }
                            continue;
                        }
                        // In order of `kj` (the order of the sums).
                        for kj in 0..lo {
                            edge_column(&mut acc, xrow, ox + kj, g.pw, |k| w(kj, k));
                        }
                        for kj in lo..hi {
                            // SAFETY: `ix + 8 <= w` for `kj < hi`: within the row.
                            let xv = unsafe { _mm256_loadu_ps(xrow.as_ptr().add(ox + kj - g.pw)) };
                            for (k, acc) in acc.iter_mut().enumerate() {
                                let p = _mm256_mul_ps(_mm256_set1_ps(w(kj, k)), xv);
                                *acc = _mm256_add_ps(*acc, p);
                            }
                        }
                        for kj in hi..kw {
                            edge_column(&mut acc, xrow, ox + kj, g.pw, |k| w(kj, k));
                        }
                    }
                }
                for (k, acc) in acc.iter().enumerate() {
                    let at = (o0 + k) * ohw + oy * g.ow + ox;
                    let out = &mut y[at..at + LANES];
                    // SAFETY: `out` holds eight values.
                    unsafe { _mm256_storeu_ps(out.as_mut_ptr(), *acc) };
                }
                ox0 += LANES;
            }
        }
    }

    /// Whether [`conv2d_backward`] takes the window from `c` to `oc`
    /// channels: [`fits`], a vertical stride of 1, padding narrower than
    /// the window (so that `dx` is the forward convolution of the
    /// zero-padded `dy` with the flipped weights, which must fit too), and
    /// input rows of at least eight.
    pub(super) const fn fits_backward(g: &Window2d, c: usize, oc: usize) -> bool {
        fits(g, c)
            && g.sh == 1
            && g.ph < g.kh
            && g.pw < g.kw
            && g.w >= LANES
            && oc * g.window() <= MAX_PACKED
    }

    /// [`super::conv2d_backward`] over every sample; `g` [`fits_backward`]. The weight
    /// gradient is a dot product per weight over the output plane, eight
    /// output columns at a time for up to eight output channels; `dx` is
    /// [`conv2d_forward`] of `dy`, zero-padded by `k - 1 - p`, with the
    /// weights transposed and flipped. The sums run in another order than
    /// the portable kernel's (as the GEMM's do): equal to rounding.
    ///
    /// `wide`: the AVX-512 kernels run where the window fits them: the
    /// weight gradient by channel (16 output channels or more, with `dx`
    /// from the same transposed `dy` where input rows fit a register) or
    /// spatially over the batch, with fused multiply-adds; the padded
    /// `dx` through the forward's AVX-512 copy.
    ///
    /// # Safety
    /// The CPU must have AVX2, and AVX-512 (F, BW, DQ, VL) when `wide`.
    #[target_feature(enable = "avx2")]
    #[allow(
        clippy::too_many_arguments,
        reason = "the backward contract on flat slices plus the geometry"
    )]
    pub(super) unsafe fn conv2d_backward(
        g: &Window2d,
        c: usize,
        oc: usize,
        x: &[f32],
        wt: &[f32],
        dy: &[f32],
        gw: &mut [f32],
        gb: Option<&mut [f32]>,
        dx: Option<&mut [f32]>,
        wide: bool,
    ) {
        let (hw, ohw, kk) = (g.in_plane(), g.out_plane(), g.window());
        let (ck, in_len, out_len) = (c * kk, c * hw, oc * ohw);
        assert!(fits_backward(g, c, oc) && g.is_consistent() && in_len > 0 && out_len > 0);
        assert!(wt.len() >= oc * ck && gw.len() >= oc * ck);
        let n = (x.len() / in_len).min(dy.len() / out_len);
        let (x, dy) = (&x[..n * in_len], &dy[..n * out_len]);
        if let Some(gb) = gb {
            for dy in dy.chunks_exact(out_len) {
                for (gb, dyp) in gb.iter_mut().zip(dy.chunks_exact(ohw)) {
                    *gb += sum(dyp);
                }
            }
        }
        let mut dx = dx;
        if wide && wide_fits_by_channel(g, oc) {
            // The input gradient too, where its rows fit registers.
            let dx = match wide_fits_input_grads_by_channel(g, oc) {
                true => dx.take(),
                false => None,
            };
            // SAFETY: the CPU has AVX-512 (this function's contract).
            unsafe { wide_weight_grads_by_channel(g, c, oc, x, wt, dy, gw, dx) };
        } else if wide && wide_fits_weight_grads(g) {
            // SAFETY: as above.
            unsafe { wide_weight_grads(g, c, oc, x, dy, gw) };
        } else {
            let mut o = 0;
            while o < oc {
                let block = (oc - o).min(8);
                let gw = &mut gw[o * ck..(o + block) * ck];
                for (x, dy) in x.chunks_exact(in_len).zip(dy.chunks_exact(out_len)) {
                    let dy = &dy[o * ohw..(o + block) * ohw];
                    for_block!(block, weight_grads(g, c, x, dy, gw));
                }
                o += block;
            }
        }
        let Some(dx) = dx else { return };
        let pw = g.ow + 2 * (g.kw - 1 - g.pw);
        SCRATCH.with_borrow_mut(|(padded, flipped)| {
            padded.clear();
            padded.resize(n * oc * g.oh * pw, 0.0);
            flipped.clear();
            flipped.resize(oc * ck, 0.0);
            // SAFETY: as this function's.
            unsafe { input_grads(g, c, oc, wt, dy, dx, padded, flipped, wide) }
        });
    }

    std::thread_local! {
        /// The zero-padded `dy` and the flipped weights of
        /// [`input_grads`], kept per thread: a training step allocates
        /// nothing once each thread has seen the largest layer.
        static SCRATCH: core::cell::RefCell<(alloc::vec::Vec<f32>, alloc::vec::Vec<f32>)> =
            const { core::cell::RefCell::new((alloc::vec::Vec::new(), alloc::vec::Vec::new())) };
    }

    /// `dx` of [`conv2d_backward`] for the `n` samples of `dy`, in the
    /// zeroed buffers `padded` (`n * oc * oh * (ow + 2 (kw - 1 - pw))`)
    /// and `flipped` (`oc * c * kk`).
    ///
    /// # Safety
    /// The CPU must have AVX2, and AVX-512 (F, BW, DQ, VL) when `wide`.
    #[target_feature(enable = "avx2")]
    #[allow(
        clippy::too_many_arguments,
        reason = "the backward's operands, its two buffers and the choice of copy"
    )]
    unsafe fn input_grads(
        g: &Window2d,
        c: usize,
        oc: usize,
        wt: &[f32],
        dy: &[f32],
        dx: &mut [f32],
        padded: &mut [f32],
        flipped: &mut [f32],
        wide: bool,
    ) {
        let (kk, ck) = (g.window(), c * g.window());
        // `dy` with `kw - 1 - pw` zero columns on each side (its missing
        // rows are the forward kernel's padding, skipped), and `W` as
        // `[c, oc, kh, kw]` flipped in both window axes.
        let (qh, qw) = (g.kh - 1 - g.ph, g.kw - 1 - g.pw);
        let pw = g.ow + 2 * qw;
        assert!(padded.len() >= dy.len() / g.ow * pw && flipped.len() >= oc * ck);
        for (dyr, pr) in dy.chunks_exact(g.ow).zip(padded.chunks_exact_mut(pw)) {
            pr[qw..qw + g.ow].copy_from_slice(dyr);
        }
        for (o, wo) in wt.chunks_exact(ck).take(oc).enumerate() {
            for (ci, wc) in wo.chunks_exact(kk).enumerate() {
                let to = &mut flipped[(ci * oc + o) * kk..(ci * oc + o + 1) * kk];
                for (t, w) in to.iter_mut().zip(wc.iter().rev()) {
                    *t = *w;
                }
            }
        }
        let full = Window2d {
            h: g.oh,
            w: pw,
            kh: g.kh,
            kw: g.kw,
            sh: 1,
            sw: 1,
            ph: qh,
            pw: 0,
            oh: g.h,
            ow: g.w,
        };
        // SAFETY: the CPU has AVX2, and AVX-512 when `wide` (this
        // function's contract); `full` fits (`g.w >= 8`) and is consistent
        // (`oh + 2 qh - kh + 1 = h`, and so for the columns).
        let wide = wide && wide_fits(&full);
        unsafe { conv2d_forward(&full, oc, c, padded, flipped, None, dx, wide) };
    }

    /// `sum(v)`, in eight lanes.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn sum(v: &[f32]) -> f32 {
        let (chunks, tail) = v.as_chunks::<LANES>();
        let mut acc = _mm256_setzero_ps();
        for ch in chunks {
            // SAFETY: a chunk holds eight values.
            acc = _mm256_add_ps(acc, unsafe { _mm256_loadu_ps(ch.as_ptr()) });
        }
        sum_lanes(acc) + tail.iter().sum::<f32>()
    }

    /// `gw[k, ci, ki, kj] += sum_{oy, ox} dy[k, oy, ox] x[ci, oy sh + ki - ph, ox + kj - pw]`
    /// for the `K` output channels of `dy` and `gw`: per weight, `K`
    /// chains over the output plane, eight columns at a time (the last
    /// `< 8` columns of a row by masked loads).
    #[target_feature(enable = "avx2")]
    #[inline]
    fn weight_grads<const K: usize>(g: &Window2d, c: usize, x: &[f32], dy: &[f32], gw: &mut [f32]) {
        let (hw, ohw, kk) = (g.in_plane(), g.out_plane(), g.window());
        let ck = c * kk;
        assert!(x.len() >= c * hw && dy.len() >= K * ohw && gw.len() >= K * ck);
        for ci in 0..c {
            for ki in 0..g.kh {
                let (ylo, yhi) = g.rows(ki);
                for kj in 0..g.kw {
                    let (xlo, xhi) = g.cols(kj);
                    let n = xhi.saturating_sub(xlo);
                    if n == 0 || ylo >= yhi {
                        continue;
                    }
                    let (strips, rest) = (n / LANES, n % LANES);
                    // The first `rest` lanes of a register.
                    let mask = _mm256_cmpgt_epi32(
                        _mm256_set1_epi32(rest as i32),
                        _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
                    );
                    let mut acc = [_mm256_setzero_ps(); K];
                    // Output row `oy` reads input row `oy sh + ki - ph` from
                    // column `xlo + kj - pw` (inside the row, as `Window2d::
                    // cols` says); the rows `ylo..yhi` are inside the plane.
                    let x0 = ci * hw + (ylo * g.sh + ki - g.ph) * g.w + xlo + kj - g.pw;
                    let d0 = ylo * g.ow + xlo;
                    // SAFETY: for every `oy` in `ylo..yhi` and `j < n`, input
                    // `x0 + (oy - ylo) sh w + j` is `x[ci, iy, ix]` with `iy < h`
                    // and `ix < w`, below `c * hw` (asserted above), and
                    // `d0 + (oy - ylo) ow + j + k ohw` is `dy[k, oy, xlo + j]`,
                    // below `K * ohw`; the masked loads read only `j < n`.
                    unsafe {
                        let (xp, dp) = (x.as_ptr(), dy.as_ptr());
                        for r in 0..yhi - ylo {
                            let xr = xp.add(x0 + r * g.sh * g.w);
                            let dr = dp.add(d0 + r * g.ow);
                            for s in 0..strips {
                                let xv = _mm256_loadu_ps(xr.add(s * LANES));
                                for (k, acc) in acc.iter_mut().enumerate() {
                                    let dv = _mm256_loadu_ps(dr.add(k * ohw + s * LANES));
                                    *acc = _mm256_add_ps(*acc, _mm256_mul_ps(dv, xv));
                                }
                            }
                            if rest > 0 {
                                let xv = _mm256_maskload_ps(xr.add(strips * LANES), mask);
                                for (k, acc) in acc.iter_mut().enumerate() {
                                    let d = dr.add(k * ohw + strips * LANES);
                                    let dv = _mm256_maskload_ps(d, mask);
                                    *acc = _mm256_add_ps(*acc, _mm256_mul_ps(dv, xv));
                                }
                            }
                        }
                    }
                    let at = ci * kk + ki * g.kw + kj;
                    for (k, acc) in acc.iter().enumerate() {
                        gw[k * ck + at] += sum_lanes(*acc);
                    }
                }
            }
        }
    }

    /// The multiply-adds of one window column whose input columns
    /// `first - pw ..` run into the padding; `w(k)` is channel `k`'s weight.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn edge_column<const K: usize>(
        acc: &mut [__m256; K],
        xrow: &[f32],
        first: usize,
        pw: usize,
        w: impl Fn(usize) -> f32,
    ) {
        let (xv, keep) = edge(xrow, first, pw);
        for (k, acc) in acc.iter_mut().enumerate() {
            let p = _mm256_mul_ps(_mm256_set1_ps(w(k)), xv);
            let sum = _mm256_add_ps(*acc, p);
            *acc = _mm256_blendv_ps(sum, *acc, keep);
        }
    }

    /// The input of a strip whose columns `first - pw ..` run into the
    /// padding, and the lanes that read padding: those keep their sums (a
    /// blend, not an added zero, so the bits are the direct kernel's).
    #[target_feature(enable = "avx2")]
    #[inline(never)]
    #[cold]
    fn edge(xrow: &[f32], first: usize, pw: usize) -> (__m256, __m256) {
        let mut xs = [0.0f32; LANES];
        let mut keep = [-1i32; LANES];
        for l in 0..LANES {
            if let Some(v) = (first + l).checked_sub(pw).and_then(|ix| xrow.get(ix)) {
                xs[l] = *v;
                keep[l] = 0;
            }
        }
        // SAFETY: both arrays hold eight values.
        unsafe {
            (
                _mm256_loadu_ps(xs.as_ptr()),
                _mm256_castsi256_ps(_mm256_loadu_si256(keep.as_ptr().cast())),
            )
        }
    }
}

/// Whether [`conv2d_forward`] and [`conv2d_backward`] run their
/// vectorised copies (AVX2, `f32`) for this window and beat im2col + GEMM
/// on training batches. Measured by the `im2col_vs_direct` test (batch 32,
/// forward plus backward with `dx`): with at most 16 output channels and
/// 160 weights per output channel the direct kernels were faster on every
/// shape tried but one (both LeNet convolutions: 1.8x and 1.1x; 1 to 16
/// channels 5x5 on 28x28 was 8% slower, from its `dx`, which a first
/// layer does not compute), and the GEMM from 32 output channels (1.3x to
/// 17x).
#[cfg_attr(
    not(all(feature = "std", target_arch = "x86_64")),
    allow(
        clippy::extra_unused_type_parameters,
        reason = "only the x86-64 copy has a kernel for f32"
    )
)]
pub fn direct_is_vectorised<T: Float>(g: &Window2d, c: usize, oc: usize) -> bool {
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    {
        avx2::fits_backward(g, c, oc)
            && core::any::TypeId::of::<T>() == core::any::TypeId::of::<f32>()
            && oc <= 16
            && c * g.window() <= 160
            && std::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(all(feature = "std", target_arch = "x86_64")))]
    {
        let _ = (g, c, oc);
        false
    }
}

/// Backward of [`conv2d_forward`] for the samples of `x: [n, c, h, w]` and
/// `dy: [n, oc, oh, ow]`: adds
/// `dW[o, c, ki, kj] += sum_{oy, ox} dy[o, oy, ox] x[c, iy, ix]` and
/// `db[o] += sum dy[o]` over the samples, and overwrites each sample's
/// `dx[c, iy, ix] = sum dy[o, oy, ox] w[o, c, ki, kj]` over the outputs
/// that read `(iy, ix)`. Returns whether it ran the AVX2 kernel.
#[inline]
#[allow(
    clippy::too_many_arguments,
    reason = "the backward contract on flat slices plus the geometry"
)]
pub fn conv2d_backward<T: Float>(
    g: &Window2d,
    c: usize,
    oc: usize,
    x: &[T],
    wt: &[T],
    dy: &[T],
    gw: &mut [T],
    gb: Option<&mut [T]>,
    dx: Option<&mut [T]>,
) -> bool {
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    if avx2::fits_backward(g, c, oc) && std::is_x86_feature_detected!("avx2") {
        use super::simd::{as_f32, as_f32_mut};
        if let (Some(x), Some(wt), Some(dy), Some(gw)) =
            (as_f32(x), as_f32(wt), as_f32(dy), as_f32_mut(gw))
        {
            // `T` is `f32`, so the optional gradients cast too.
            let (gb, dx) = (gb.and_then(as_f32_mut), dx.and_then(as_f32_mut));
            let wide = super::simd::x86::has_avx512();
            #[allow(unsafe_code)]
            // SAFETY: the CPU has AVX2, and AVX-512 where `wide` (detected
            // above).
            unsafe {
                avx2::conv2d_backward(g, c, oc, x, wt, dy, gw, gb, dx, wide)
            };
            return true;
        }
    }
    let (in_len, out_len) = ((c * g.in_plane()).max(1), (oc * g.out_plane()).max(1));
    let (mut gb, mut dx) = (gb, dx.map(|dx| dx.chunks_exact_mut(in_len)));
    for (x, dy) in x.chunks_exact(in_len).zip(dy.chunks_exact(out_len)) {
        let dx = dx.as_mut().and_then(Iterator::next);
        conv2d_backward_portable(g, c, oc, x, wt, dy, gw, gb.as_deref_mut(), dx);
    }
    false
}

/// [`conv2d_backward`] of one sample on every target.
#[inline(always)]
#[allow(
    clippy::too_many_arguments,
    reason = "the backward contract on flat slices plus the geometry"
)]
fn conv2d_backward_portable<T: Float>(
    g: &Window2d,
    c: usize,
    oc: usize,
    x: &[T],
    wt: &[T],
    dy: &[T],
    gw: &mut [T],
    gb: Option<&mut [T]>,
    mut dx: Option<&mut [T]>,
) {
    let (hw, ohw, kk) = (g.in_plane(), g.out_plane(), g.window());
    if let Some(gb) = gb {
        for (o, gb) in gb.iter_mut().enumerate().take(oc) {
            *gb += dy[o * ohw..(o + 1) * ohw].iter().copied().sum::<T>();
        }
    }
    if let Some(dx) = dx.as_deref_mut() {
        dx[..c * hw].fill(T::ZERO);
    }
    for o in 0..oc {
        let dyp = &dy[o * ohw..(o + 1) * ohw];
        for ci in 0..c {
            let xp = &x[ci * hw..(ci + 1) * hw];
            let base = (o * c + ci) * kk;
            for ki in 0..g.kh {
                let (ylo, yhi) = g.rows(ki);
                for kj in 0..g.kw {
                    let (xlo, xhi) = g.cols(kj);
                    if xlo >= xhi {
                        continue;
                    }
                    let off = xlo * g.sw + kj - g.pw;
                    let mut acc = T::ZERO;
                    for oy in ylo..yhi {
                        let iy = oy * g.sh + ki - g.ph;
                        let dyrow = &dyp[oy * g.ow + xlo..oy * g.ow + xhi];
                        acc += dot_strided(dyrow, &xp[iy * g.w + off..(iy + 1) * g.w], g.sw);
                    }
                    gw[base + ki * g.kw + kj] += acc;
                    if let Some(dx) = dx.as_deref_mut() {
                        let wv = wt[base + ki * g.kw + kj];
                        let dxp = &mut dx[ci * hw..(ci + 1) * hw];
                        for oy in ylo..yhi {
                            let iy = oy * g.sh + ki - g.ph;
                            let dyrow = &dyp[oy * g.ow + xlo..oy * g.ow + xhi];
                            axpy_scatter(&mut dxp[iy * g.w + off..(iy + 1) * g.w], wv, dyrow, g.sw);
                        }
                    }
                }
            }
        }
    }
}

/// Unfolds one sample `x: [c, h, w]` into `cols: [c kh kw, oh ow]`
/// (row `(ci, ki, kj)`, column `(oy, ox)`), zeros where the window reads
/// padding, so that the convolution is the product `W[oc, c kh kw] cols`.
#[cfg(feature = "alloc")]
#[inline]
pub fn im2col<T: Float>(g: &Window2d, c: usize, x: &[T], cols: &mut [T]) {
    let (hw, ohw) = (g.in_plane(), g.out_plane());
    for ci in 0..c {
        let xp = &x[ci * hw..(ci + 1) * hw];
        for ki in 0..g.kh {
            let (ylo, yhi) = g.rows(ki);
            for kj in 0..g.kw {
                let r = (ci * g.kh + ki) * g.kw + kj;
                let row = &mut cols[r * ohw..(r + 1) * ohw];
                let (xlo, xhi) = g.cols(kj);
                if xlo >= xhi || ylo >= yhi {
                    row.fill(T::ZERO);
                    continue;
                }
                row[..ylo * g.ow].fill(T::ZERO);
                row[yhi * g.ow..].fill(T::ZERO);
                let off = xlo * g.sw + kj - g.pw;
                for oy in ylo..yhi {
                    let iy = oy * g.sh + ki - g.ph;
                    let xrow = &xp[iy * g.w + off..(iy + 1) * g.w];
                    let out = &mut row[oy * g.ow..(oy + 1) * g.ow];
                    out[..xlo].fill(T::ZERO);
                    out[xhi..].fill(T::ZERO);
                    let out = &mut out[xlo..xhi];
                    if g.sw == 1 {
                        out.copy_from_slice(&xrow[..out.len()]);
                    } else {
                        for (o, x) in out.iter_mut().zip(xrow.iter().step_by(g.sw)) {
                            *o = *x;
                        }
                    }
                }
            }
        }
    }
}

/// The adjoint of [`im2col`]: overwrites `dx: [c, h, w]` with the sums of
/// the entries of `dcols: [c kh kw, oh ow]` that read each input element.
#[cfg(feature = "alloc")]
#[inline]
pub fn col2im<T: Float>(g: &Window2d, c: usize, dcols: &[T], dx: &mut [T]) {
    let (hw, ohw) = (g.in_plane(), g.out_plane());
    dx[..c * hw].fill(T::ZERO);
    for ci in 0..c {
        let dxp = &mut dx[ci * hw..(ci + 1) * hw];
        for ki in 0..g.kh {
            let (ylo, yhi) = g.rows(ki);
            for kj in 0..g.kw {
                let (xlo, xhi) = g.cols(kj);
                if xlo >= xhi {
                    continue;
                }
                let r = (ci * g.kh + ki) * g.kw + kj;
                let row = &dcols[r * ohw..(r + 1) * ohw];
                let off = xlo * g.sw + kj - g.pw;
                for oy in ylo..yhi {
                    let iy = oy * g.sh + ki - g.ph;
                    let src = &row[oy * g.ow + xlo..oy * g.ow + xhi];
                    axpy_scatter(&mut dxp[iy * g.w + off..(iy + 1) * g.w], T::ONE, src, g.sw);
                }
            }
        }
    }
}

/// Whether the window is the identity unfolding (1x1, stride 1, no
/// padding), where `cols` is `x` itself.
#[cfg(feature = "alloc")]
const fn is_pointwise(g: &Window2d) -> bool {
    g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.ph == 0 && g.pw == 0
}

/// Batched [`conv2d_forward`] by im2col and one GEMM per sample
/// (`y_b = W cols_b`), on `x: [B, c, h, w]` and `y: [B, oc, oh, ow]`.
#[cfg(feature = "alloc")]
pub fn conv2d_forward_im2col<T: Float>(
    g: &Window2d,
    c: usize,
    oc: usize,
    x: &[T],
    wt: &[T],
    bias: Option<&[T]>,
    y: &mut [T],
) {
    let (in_len, ohw) = (c * g.in_plane(), g.out_plane());
    let (k, out_len) = (c * g.window(), oc * ohw);
    let mut cols = if is_pointwise(g) {
        alloc::vec::Vec::new()
    } else {
        alloc::vec![T::ZERO; k * ohw]
    };
    for (x, y) in x.chunks_exact(in_len).zip(y.chunks_exact_mut(out_len)) {
        let cols: &[T] = if is_pointwise(g) {
            x
        } else {
            im2col(g, c, x, &mut cols);
            &cols
        };
        gemm(oc, k, ohw, T::ONE, wt, false, cols, false, T::ZERO, y);
        if let Some(bias) = bias {
            for (yp, b) in y.chunks_exact_mut(ohw).zip(bias) {
                yp.iter_mut().for_each(|v| *v += *b);
            }
        }
    }
}

/// Batched [`conv2d_backward`] by im2col: per sample
/// `dW += dy_b cols_b^T` and `dx_b = col2im(W^T dy_b)`.
#[cfg(feature = "alloc")]
#[allow(
    clippy::too_many_arguments,
    reason = "the backward contract on flat slices plus the geometry"
)]
pub fn conv2d_backward_im2col<T: Float>(
    g: &Window2d,
    c: usize,
    oc: usize,
    x: &[T],
    wt: &[T],
    dy: &[T],
    gw: &mut [T],
    mut gb: Option<&mut [T]>,
    mut dx: Option<&mut [T]>,
) {
    let (in_len, ohw) = (c * g.in_plane(), g.out_plane());
    let (k, out_len) = (c * g.window(), oc * ohw);
    let pointwise = is_pointwise(g);
    let mut cols = if pointwise {
        alloc::vec::Vec::new()
    } else {
        alloc::vec![T::ZERO; k * ohw]
    };
    let mut dcols = if dx.is_some() && !pointwise {
        alloc::vec![T::ZERO; k * ohw]
    } else {
        alloc::vec::Vec::new()
    };
    for (b, (x, dy)) in x
        .chunks_exact(in_len)
        .zip(dy.chunks_exact(out_len))
        .enumerate()
    {
        let cols: &[T] = if pointwise {
            x
        } else {
            im2col(g, c, x, &mut cols);
            &cols
        };
        gemm(oc, ohw, k, T::ONE, dy, false, cols, true, T::ONE, gw);
        if let Some(gb) = gb.as_deref_mut() {
            for (gb, dyp) in gb.iter_mut().zip(dy.chunks_exact(ohw)) {
                *gb += dyp.iter().copied().sum::<T>();
            }
        }
        if let Some(dx) = dx.as_deref_mut() {
            let dxb = &mut dx[b * in_len..(b + 1) * in_len];
            if pointwise {
                gemm(k, oc, ohw, T::ONE, wt, true, dy, false, T::ZERO, dxb);
            } else {
                gemm(k, oc, ohw, T::ONE, wt, true, dy, false, T::ZERO, &mut dcols);
                col2im(g, c, &dcols, dxb);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::{vec, vec::Vec};

    /// The geometry of a `k x k` window with stride `(sh, sw)` and padding
    /// `p` over an `h x w` plane.
    fn window(h: usize, w: usize, k: usize, sh: usize, sw: usize, p: usize) -> Window2d {
        Window2d {
            h,
            w,
            kh: k,
            kw: k,
            sh,
            sw,
            ph: p,
            pw: p,
            oh: (h + 2 * p - k) / sh + 1,
            ow: (w + 2 * p - k) / sw + 1,
        }
    }

    /// How many of a test's geometries a CPU with AVX2 runs through the
    /// AVX2 kernels (all but the one with a stride of 2 the kernel does not
    /// take), and of those, how many the AVX-512 copies take (no column
    /// padding), so that a test cannot pass by no longer reaching them.
    const AVX2_GEOMETRIES: usize = 10;
    const AVX512_GEOMETRIES: usize = 7;

    /// Asserts, on a CPU with AVX2 (and AVX-512), that `taken` of a test's
    /// geometries went through the AVX2 kernel and `wide` through the
    /// AVX-512 copies.
    fn assert_taken(taken: usize, wide: usize) {
        #[cfg(all(feature = "std", target_arch = "x86_64"))]
        if std::is_x86_feature_detected!("avx2") {
            assert_eq!(taken, AVX2_GEOMETRIES, "geometries through the AVX2 kernel");
            if super::super::simd::x86::has_avx512() {
                assert_eq!(
                    wide, AVX512_GEOMETRIES,
                    "geometries through the AVX-512 copy"
                );
            }
        }
        let _ = (taken, wide);
    }

    /// The geometries of both kernel tests: LeNet's two convolutions,
    /// padding, strides, rows that are not a multiple of eight or sixteen,
    /// row padding without column padding (for the AVX-512 copies' masked
    /// rows; rows of sixteen columns, which the forward's copy does not
    /// pair), an odd number of rows of eight columns (their last pair), and
    /// more output channels than a register holds (the weight gradient by
    /// channel, with a partial register).
    fn geometries(backward: bool) -> [(Window2d, usize, usize); 11] {
        let rows_padded = |h, w, k, sh, ph| Window2d {
            ph,
            pw: 0,
            oh: (h + 2 * ph - k) / sh + 1,
            ow: w - k + 1,
            ..window(h, w, k, sh, 1, 0)
        };
        // The backward kernel takes vertical strides of 1 only.
        let s = |f: usize, b: usize| if backward { b } else { f };
        [
            (window(28, 28, 5, 1, 1, 0), 1, 6),
            (window(12, 12, 5, 1, 1, 0), 6, 16),
            (window(13, 19, 3, 1, 1, 1), 3, 9),
            (window(9, 11, 3, s(2, 1), 1, 2), 2, 17),
            (window(10, 12, 5, s(1, 2), s(2, 1), 2), 2, 3),
            (window(8, s(8, 21), 1, 1, 1, 0), 5, s(1, 2)),
            (window(4, 40, 4, s(3, 1), 1, 3), 1, 8),
            (rows_padded(9, 13, 3, 1, 2), 3, 10),
            (rows_padded(10, 18, 3, s(2, 1), 1), 2, 5),
            (rows_padded(7, 10, 3, 1, 1), 4, 3),
            (rows_padded(7, 10, 3, 1, 1), 3, 21),
        ]
    }

    /// The run-time kernel for the CPU (AVX2 on x86-64 where it fits, its
    /// AVX-512 copy where that fits too) and the portable one give the same
    /// bits, with and without padding, bias, row strides and rows that are
    /// not a multiple of eight; on an AVX-512 CPU, so does the AVX2 copy.
    #[test]
    fn conv2d_forward_kernels_agree_to_the_bit() {
        let mut rng = crate::Rng::seed(7);
        let (mut taken, mut wide) = (0, 0);
        for (g, c, oc) in geometries(false) {
            assert!(g.is_consistent(), "{g:?}");
            // Three samples, for the batch entry point.
            let (in_len, out_len) = (c * g.in_plane(), oc * g.out_plane());
            let x: Vec<f32> = (0..3 * in_len).map(|_| rng.normal() as f32).collect();
            let wt: Vec<f32> = (0..oc * c * g.window())
                .map(|_| rng.normal() as f32)
                .collect();
            let bias: Vec<f32> = (0..oc).map(|_| rng.normal() as f32).collect();
            for bias in [None, Some(&bias[..])] {
                let mut want = vec![f32::NAN; 3 * out_len];
                for (x, y) in x.chunks_exact(in_len).zip(want.chunks_exact_mut(out_len)) {
                    conv2d_forward_portable(&g, c, oc, x, &wt, bias, y);
                }
                let mut one = vec![f32::NAN; out_len];
                conv2d_forward(&g, c, oc, &x[..in_len], &wt, bias, &mut one);
                let mut batch = vec![f32::NAN; 3 * out_len];
                conv2d_forward_batch(&g, c, oc, &x, &wt, bias, &mut batch);
                for (i, (a, b)) in want
                    .iter()
                    .zip(one.iter().chain(&batch[out_len..]))
                    .enumerate()
                {
                    assert_eq!(a.to_bits(), b.to_bits(), "{g:?}, output {i}: {a} vs {b}");
                }
                assert_eq!(batch[..out_len], one[..], "{g:?}");
                #[cfg(all(feature = "std", target_arch = "x86_64"))]
                if avx2::fits(&g, c) && super::super::simd::x86::has_avx512() {
                    let mut narrow = vec![f32::NAN; 3 * out_len];
                    // SAFETY: the CPU has AVX-512, so AVX2 too.
                    #[allow(unsafe_code)]
                    unsafe {
                        avx2::conv2d_forward(&g, c, oc, &x, &wt, bias, &mut narrow, false)
                    };
                    let bits = |v: &[f32]| v.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
                    assert_eq!(bits(&narrow), bits(&want), "{g:?}: the AVX2 copy");
                    wide += usize::from(super::super::window_avx512::fits(&g) && bias.is_none());
                }
                if bias.is_none() {
                    let mut y = vec![f32::NAN; out_len];
                    let avx2 = forward_vectorised(&g, c, oc, &x[..in_len], &wt, bias, &mut y);
                    taken += usize::from(avx2);
                }
            }
        }
        assert_taken(taken, wide);
    }

    /// The run-time backward kernel and the portable one agree to f32
    /// rounding on the weight, bias and input gradients, which accumulate
    /// into / overwrite what is there. They sum up to 1,728 products in
    /// different orders, with cancellation, hence 1e-4 relative to
    /// `1 + |value|`; a wrong index is off by the size of a product.
    #[test]
    fn conv2d_backward_kernels_agree() {
        let mut rng = crate::Rng::seed(8);
        let (mut taken, mut wide, mut by_channel_dx) = (0, 0, 0);
        for (g, c, oc) in geometries(true) {
            assert!(g.is_consistent(), "{g:?}");
            let mut normal =
                |n: usize| -> Vec<f32> { (0..n).map(|_| rng.normal() as f32).collect() };
            // Three samples: the weight and bias gradients sum over them.
            let (in_len, out_len) = (c * g.in_plane(), oc * g.out_plane());
            let (x, wt, dy) = (
                normal(3 * in_len),
                normal(oc * c * g.window()),
                normal(3 * out_len),
            );
            let start = normal(oc * c * g.window() + oc);
            let (gw0, gb0) = start.split_at(oc * c * g.window());
            let (mut gw1, mut gb1, mut dx1) = (gw0.to_vec(), gb0.to_vec(), vec![f32::NAN; x.len()]);
            let samples = x.chunks_exact(in_len).zip(dy.chunks_exact(out_len));
            for ((x, dy), dx) in samples.zip(dx1.chunks_exact_mut(in_len)) {
                conv2d_backward_portable(&g, c, oc, x, &wt, dy, &mut gw1, Some(&mut gb1), Some(dx));
            }
            let close = |what: &str, a: &[f32], b: &[f32]| {
                for (i, (a, b)) in a.iter().zip(b.iter()).enumerate() {
                    assert!(
                        (a - b).abs() <= 1e-4 * (1.0 + a.abs()),
                        "{g:?} {what}[{i}]: {a} vs {b}"
                    );
                }
            };
            let (mut gw2, mut gb2, mut dx2) = (gw0.to_vec(), gb0.to_vec(), vec![f32::NAN; x.len()]);
            let vectorised = conv2d_backward(
                &g,
                c,
                oc,
                &x,
                &wt,
                &dy,
                &mut gw2,
                Some(&mut gb2),
                Some(&mut dx2),
            );
            for (what, a, b) in [("dW", &gw1, &gw2), ("db", &gb1, &gb2), ("dx", &dx1, &dx2)] {
                close(what, a, b);
            }
            // Without bias and input gradients, the weight gradient is the same.
            let mut gw3 = gw0.to_vec();
            assert_eq!(
                conv2d_backward(&g, c, oc, &x, &wt, &dy, &mut gw3, None, None),
                vectorised
            );
            assert_eq!(gw3, gw2);
            taken += usize::from(vectorised);
            #[cfg(all(feature = "std", target_arch = "x86_64"))]
            if vectorised && super::super::simd::x86::has_avx512() {
                let (mut gw4, mut gb4, mut dx4) = (gw0.to_vec(), gb0.to_vec(), vec![0.0; x.len()]);
                // SAFETY: the CPU has AVX-512, so AVX2 too.
                #[allow(unsafe_code)]
                unsafe {
                    avx2::conv2d_backward(
                        &g,
                        c,
                        oc,
                        &x,
                        &wt,
                        &dy,
                        &mut gw4,
                        Some(&mut gb4),
                        Some(&mut dx4),
                        false,
                    )
                };
                for (what, a, b) in [("dW", &gw1, &gw4), ("db", &gb1, &gb4), ("dx", &dx1, &dx4)] {
                    close(&alloc::format!("AVX2 {what}"), a, b);
                }
                if super::super::window_avx512::fits_weight_grads(&g) {
                    assert_ne!(gw4, gw2, "{g:?}: the copies sum in their own orders");
                    wide += 1;
                }
                by_channel_dx += usize::from(
                    super::super::window_avx512::fits_input_grads_by_channel(&g, oc),
                );
            }
        }
        assert_taken(taken, wide);
        // LeNet's second convolution and the one with 21 output channels
        // (a partial second register) take the by-channel input gradient.
        #[cfg(all(feature = "std", target_arch = "x86_64"))]
        if super::super::simd::x86::has_avx512() {
            assert_eq!(by_channel_dx, 2, "geometries through the by-channel dx");
        }
        let _ = by_channel_dx;
    }
}
