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
