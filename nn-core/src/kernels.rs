//! Fixed-size vector kernels written so LLVM vectorises them without
//! fast-math: independent lanes instead of one serial accumulator.

use crate::Float;

/// Lanes of the dot-product accumulator: eight independent partial sums
/// (one AVX register of f32) that the compiler can keep in vector lanes.
const LANES: usize = 8;

/// `sum_i a[i] * b[i]`, summed in eight interleaved lanes.
///
/// Lane `l` accumulates the products `l, l + 8, l + 16, ...`; the lanes
/// are then reduced pairwise (`0 + 4, 1 + 5, 2 + 6, 3 + 7`, then
/// `0 + 2, 1 + 3`, then `0 + 1`) and the `n % 8` trailing products,
/// summed serially, are added last. The lanes are eight scalar locals
/// rather than an array: an array accumulator stayed in memory on a
/// Cortex-M4F at opt-level `"s"` (a load and a store per multiply-add),
/// while scalars stay in registers at every opt-level and still
/// vectorise on x86-64. The order of the sums is part of the contract:
/// results are bit-identical to it.
#[inline(always)]
pub fn dot<T: Float>(a: &[T], b: &[T]) -> T {
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

pub use crate::zeroable::with_wide_simd;
#[cfg(feature = "alloc")]
pub use crate::zeroable::{gemm, gemm_ld};

/// `e^x` in `f32` without a library call or a branch, so that a loop of
/// it vectorises (Cephes' `expf`: `x = n ln 2 + r` with `|r| <= ln 2 / 2`,
/// a degree-7 polynomial for `e^r`, and `2^n` built in the exponent bits).
/// Within 2 ulp of the exact value for `x` in `[-87.3, 88]`; below, the
/// result is `e^-87.3` (about `1.2e-38`; no subnormals), above, `e^88`
/// (about `1.65e38`); NaN gives NaN.
#[inline(always)]
pub fn exp_f32(x: f32) -> f32 {
    const LO: f32 = -87.336_54;
    const HI: f32 = 88.0;
    // Selects rather than `max`/`min`, which would turn NaN into a bound.
    let x = if x < LO { LO } else { x };
    let x = if x > HI { HI } else { x };
    // n = round(x / ln 2), by the 1.5 * 2^23 trick (the sum's low mantissa
    // bits are n; no rounding instruction needed on SSE2).
    const MAGIC: f32 = 12_582_912.0;
    let t = x * core::f32::consts::LOG2_E + MAGIC;
    let n = t - MAGIC;
    let r = x - n * 0.693_359_4 - n * -2.121_944_4e-4;
    let p = 1.987_569_1e-4_f32;
    let p = p * r + 1.398_199_9e-3;
    let p = p * r + 8.333_452e-3;
    let p = p * r + 4.166_579_6e-2;
    let p = p * r + 1.666_666_5e-1;
    let p = p * r + 5e-1;
    let p = p * (r * r) + r + 1.0;
    // 2^n from its exponent bits: n is in [-126, 127] after the clamp.
    let ni = (t.to_bits() as i32).wrapping_sub(0x4B40_0000);
    let scale = f32::from_bits((ni.wrapping_add(127) as u32) << 23);
    p * scale
}

/// `tanh x` in `f32` without a library call or a branch (both formulas
/// are computed and one is selected): Cephes' odd polynomial for
/// `|x| < 0.625`, else `1 - 2 / (e^{2|x|} + 1)` with the sign of `x`.
/// Within 3 ulp of the exact value (tested against libm); NaN gives NaN.
#[inline(always)]
pub fn tanh_f32(x: f32) -> f32 {
    let a = x.abs();
    let z = x * x;
    let p = -5.704_988_7e-3_f32;
    let p = p * z + 2.063_909e-2;
    let p = p * z - 5.373_971_6e-2;
    let p = p * z + 1.333_144_2e-1;
    let p = p * z - 3.333_328e-1;
    let small = p * z * x + x;
    let large = (1.0 - 2.0 / (exp_f32(2.0 * a) + 1.0)).copysign(x);
    if a < 0.625 {
        small
    } else {
        large
    }
}

/// The logistic function `1 / (1 + e^-x)` through [`Float::exp_vec`], so
/// that a loop of it vectorises for `f32`. Accurate to a few ulp (for
/// `f64` to rounding), and exactly 0 or 1 only where the exact value
/// rounds there.
#[inline(always)]
pub fn sigmoid_vec<T: Float>(x: T) -> T {
    T::ONE / (T::ONE + (-x).exp_vec())
}

/// Multiply-adds per batch from which a dense layer's training batch goes
/// through GEMM (see [`dense_prefers_gemm`]).
pub const DENSE_GEMM_MIN_MACS: usize = 4096;

/// Whether a dense layer with `i` inputs and `o` outputs takes one GEMM
/// per batch of `batch` samples rather than per-sample kernels: from 4
/// samples and [`DENSE_GEMM_MIN_MACS`] multiply-adds per batch. The GEMM
/// was measured faster at the benchmark sizes (W1 at batch 32: 7.6x); this
/// cut-over for small layers is a chosen value, not tuned per size.
pub const fn dense_prefers_gemm(batch: usize, i: usize, o: usize) -> bool {
    batch >= 4 && batch * i * o >= DENSE_GEMM_MIN_MACS
}

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
        axpy(y, alpha, &x[..y.len()]);
    } else {
        for (y, x) in y.iter_mut().zip(x.iter().step_by(stride)) {
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
    let (hw, ohw, kk) = (g.in_plane(), g.out_plane(), g.window());
    for o in 0..oc {
        let yp = &mut y[o * ohw..(o + 1) * ohw];
        yp.fill(bias.map_or(T::ZERO, |b| b[o]));
        for ci in 0..c {
            let xp = &x[ci * hw..(ci + 1) * hw];
            let wk = &wt[(o * c + ci) * kk..(o * c + ci + 1) * kk];
            for ki in 0..g.kh {
                let (ylo, yhi) = g.rows(ki);
                for kj in 0..g.kw {
                    let (xlo, xhi) = g.cols(kj);
                    if xlo >= xhi {
                        continue;
                    }
                    let wv = wk[ki * g.kw + kj];
                    for oy in ylo..yhi {
                        let iy = oy * g.sh + ki - g.ph;
                        let xrow = &xp[iy * g.w..(iy + 1) * g.w];
                        let yrow = &mut yp[oy * g.ow + xlo..oy * g.ow + xhi];
                        axpy_strided(yrow, wv, &xrow[xlo * g.sw + kj - g.pw..], g.sw);
                    }
                }
            }
        }
    }
}

/// Backward of [`conv2d_forward`] for one sample: adds
/// `dW[o, c, ki, kj] += sum_{oy, ox} dy[o, oy, ox] x[c, iy, ix]` and
/// `db[o] += sum dy[o]`, and overwrites `dx[c, iy, ix] = sum dy[o, oy, ox] w[o, c, ki, kj]`
/// over the outputs that read `(iy, ix)`.
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

/// Whether a training batch of a convolution with this window, `c` input
/// and `oc` output channels is faster through im2col + GEMM than through
/// the direct kernel: with at least 4 output channels (the GEMM's row
/// blocking needs them) and 1024 multiply-adds per sample.
///
/// Measured on x86-64 (2 cores, f32, batch 32): the GEMM path is 1.3-2x
/// faster from about 1300 multiply-adds with 4 output channels, 3-15x
/// faster for 16-64 channels; with 2-3 output channels the direct kernel
/// is as fast or faster at every size tried.
pub const fn conv_prefers_im2col(g: &Window2d, c: usize, oc: usize) -> bool {
    oc >= 4 && c * g.window() * oc * g.out_plane() >= 1024
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

    /// Distance in units in the last place between two finite f32.
    fn ulps(a: f32, b: f32) -> u32 {
        let key = |v: f32| {
            let i = v.to_bits() as i32;
            if i < 0 {
                i32::MIN.wrapping_sub(i)
            } else {
                i
            }
        };
        key(a).abs_diff(key(b))
    }

    #[test]
    fn vectorisable_exp_tanh_sigmoid_match_libm() {
        let mut worst = (0u32, 0u32, 0f64);
        let mut x = -87.0f32;
        while x < 88.0 {
            let e = exp_f32(x);
            let want = libm::exp(x as f64);
            worst.0 = worst.0.max(ulps(e, want as f32));
            let t = tanh_f32(x / 8.0);
            let want_t = libm::tanh((x / 8.0) as f64) as f32;
            worst.1 = worst.1.max(ulps(t, want_t));
            let s = sigmoid_vec(x / 4.0);
            let want_s = 1.0 / (1.0 + libm::exp(-(x / 4.0) as f64));
            worst.2 = worst.2.max(((s as f64 - want_s) / want_s).abs());
            x += 0.000_731;
        }
        assert!(worst.0 <= 2, "exp: {} ulp", worst.0);
        assert!(worst.1 <= 3, "tanh: {} ulp", worst.1);
        assert!(worst.2 <= 4e-7, "sigmoid: relative {}", worst.2);
        // Tiny arguments keep their relative accuracy.
        for x in [1e-30f32, -3e-8, 1e-4, -0.01, 0.624, 0.626] {
            assert!(
                ulps(tanh_f32(x), libm::tanh(x as f64) as f32) <= 3,
                "tanh({x})"
            );
        }
        // Ends and NaN.
        assert!(exp_f32(f32::NAN).is_nan() && tanh_f32(f32::NAN).is_nan());
        assert!(sigmoid_vec(f32::NAN).is_nan());
        assert_eq!(tanh_f32(30.0), 1.0);
        assert_eq!(tanh_f32(-30.0), -1.0);
        assert_eq!(sigmoid_vec(-200.0f32).min(1e-30), sigmoid_vec(-200.0f32));
        assert_eq!(sigmoid_vec(200.0f32), 1.0);
        assert!(exp_f32(-1000.0) > 0.0 && exp_f32(1000.0).is_finite());
        assert_eq!(exp_f32(0.0), 1.0);
        // f64 is num-traits' function (std's with `std`, else libm's).
        assert_eq!(0.3f64.exp_vec(), num_traits::Float::exp(0.3f64));
        assert_eq!(0.3f64.tanh_vec(), num_traits::Float::tanh(0.3f64));
    }

    /// The wide-SIMD copy of vectorised element-wise code gives the same
    /// bits as the baseline one (no FMA contraction in Rust).
    #[test]
    fn wide_simd_dispatch_is_bit_identical() {
        let xs: [f32; 1000] = core::array::from_fn(|i| (i as f32 - 500.0) * 0.037);
        // Inlined into both callers, so the second copy is compiled for
        // AVX2 (where the CPU has it) instead of calling the first.
        #[inline(always)]
        fn run(xs: &[f32; 1000], out: &mut [f32; 3000]) {
            for (k, x) in xs.iter().enumerate() {
                out[k] = exp_f32(*x);
                out[1000 + k] = tanh_f32(*x);
                out[2000 + k] = sigmoid_vec(*x) * *x + 0.5;
            }
        }
        let (mut plain, mut wide) = ([0.0f32; 3000], [0.0f32; 3000]);
        run(&xs, &mut plain);
        with_wide_simd(
            #[inline(always)]
            || run(&xs, &mut wide),
        );
        for (a, b) in plain.iter().zip(&wide) {
            assert_eq!(a.to_bits(), b.to_bits());
        }
    }

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

    /// The old array-accumulator `dot`, kept as the reference for the
    /// order of the sums.
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
                    let (got, want) =
                        (dot(&a[..n], &b[..n]), dot_lanes_reference(&a[..n], &b[..n]));
                    assert_eq!(bits(got), bits(want), "n = {n}: {got:?} vs {want:?}");
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
}
