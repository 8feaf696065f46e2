//! 2-D max pooling (PyTorch's `nn.MaxPool2d` without padding, dilation 1,
//! `ceil_mode = false`):
//!
//! `y[c, oy, ox] = max_{ki < KH, kj < KW} x[c, oy SH + ki, ox SW + kj]`
//!
//! Shapes: input `[C, H, W]` (flat `[T; IN]`, `IN = C H W`), output
//! `[C, OH, OW]` (flat `[T; OUT]`, `OUT = C OH OW`) with
//! `OH = (H - KH) / SH + 1`, `OW = (W - KW) / SW + 1`; rows and columns
//! past the last full window are dropped. No parameters.
//!
//! Ties go to the first maximum in row-major window order, as in PyTorch;
//! a NaN in a window wins (and propagates).
//!
//! Backward: each output's gradient goes to its argmax,
//! `dx[c, iy, ix] = sum dy[c, oy, ox]` over the outputs whose argmax is
//! `(iy, ix)` (overlapping windows, `S < K`, can route several). The
//! argmax is recomputed from `x` in backward, so `Aux` is empty.
//!
//! ```
//! use nn_core::Layer;
//! type P = nn_core::layers::MaxPool2d<f32, 1, 2, 4, 2, 2, 2, 2, 1, 2, 8, 2>;
//! let mut y = [0.0; 2];
//! P::ZEROED.forward(&[1.0, 5.0, -1.0, -2.0, 3.0, 2.0, -3.0, -4.0], &mut y);
//! assert_eq!(y, [5.0, -1.0]);
//! ```

use core::marker::PhantomData;

use crate::kernels::Window2d;
use crate::{Float, Layer, Side, Zeroable};

/// Max pooling from `[C, H, W]` to `[C, OH, OW]`.
///
/// Const parameters, in order: channels `C`, height `H`, width `W`;
/// window `KH x KW`; stride `SH, SW` (PyTorch's default stride is the
/// window); output size `OH, OW`; flat lengths `IN = C H W`,
/// `OUT = C OH OW`. The derived sizes are checked at compile time.
#[derive(Debug, PartialEq)]
pub struct MaxPool2d<
    T,
    const C: usize,
    const H: usize,
    const W: usize,
    const KH: usize,
    const KW: usize,
    const SH: usize,
    const SW: usize,
    const OH: usize,
    const OW: usize,
    const IN: usize,
    const OUT: usize,
>(PhantomData<fn() -> T>);

impl<
        T,
        const C: usize,
        const H: usize,
        const W: usize,
        const KH: usize,
        const KW: usize,
        const SH: usize,
        const SW: usize,
        const OH: usize,
        const OW: usize,
        const IN: usize,
        const OUT: usize,
    > Clone for MaxPool2d<T, C, H, W, KH, KW, SH, SW, OH, OW, IN, OUT>
{
    fn clone(&self) -> Self {
        *self
    }
}
impl<
        T,
        const C: usize,
        const H: usize,
        const W: usize,
        const KH: usize,
        const KW: usize,
        const SH: usize,
        const SW: usize,
        const OH: usize,
        const OW: usize,
        const IN: usize,
        const OUT: usize,
    > Copy for MaxPool2d<T, C, H, W, KH, KW, SH, SW, OH, OW, IN, OUT>
{
}
impl<
        T,
        const C: usize,
        const H: usize,
        const W: usize,
        const KH: usize,
        const KW: usize,
        const SH: usize,
        const SW: usize,
        const OH: usize,
        const OW: usize,
        const IN: usize,
        const OUT: usize,
    > Default for MaxPool2d<T, C, H, W, KH, KW, SH, SW, OH, OW, IN, OUT>
{
    fn default() -> Self {
        Self(PhantomData)
    }
}

// SAFETY: zero-sized.
#[allow(unsafe_code)]
unsafe impl<
        T,
        const C: usize,
        const H: usize,
        const W: usize,
        const KH: usize,
        const KW: usize,
        const SH: usize,
        const SW: usize,
        const OH: usize,
        const OW: usize,
        const IN: usize,
        const OUT: usize,
    > Zeroable for MaxPool2d<T, C, H, W, KH, KW, SH, SW, OH, OW, IN, OUT>
{
}

/// Whether `v` replaces the running maximum `m`: strictly greater, or the
/// first NaN. Written with non-short-circuit `|` and `&` so that callers
/// compile to selects, not branches (whose outcome on real data is
/// random, so mispredicted).
#[inline(always)]
fn beats<T: Float>(v: T, m: T) -> bool {
    (v > m) | (v.is_nan() & !m.is_nan())
}

impl<
        T: Float,
        const C: usize,
        const H: usize,
        const W: usize,
        const KH: usize,
        const KW: usize,
        const SH: usize,
        const SW: usize,
        const OH: usize,
        const OW: usize,
        const IN: usize,
        const OUT: usize,
    > MaxPool2d<T, C, H, W, KH, KW, SH, SW, OH, OW, IN, OUT>
{
    const GEOMETRY: Window2d = Window2d {
        h: H,
        w: W,
        kh: KH,
        kw: KW,
        sh: SH,
        sw: SW,
        ph: 0,
        pw: 0,
        oh: OH,
        ow: OW,
    };

    const CHECK: () = {
        assert!(C > 0, "max_pool2d: channel count must be positive");
        assert!(KH > 0 && KW > 0, "max_pool2d: window must be positive");
        assert!(SH > 0 && SW > 0, "max_pool2d: stride must be positive");
        assert!(
            H >= KH && W >= KW,
            "max_pool2d: window larger than the input"
        );
        assert!(
            Self::GEOMETRY.is_consistent(),
            "max_pool2d: OH/OW differ from (H - K) / S + 1"
        );
        assert!(IN == C * H * W, "max_pool2d: IN differs from C * H * W");
        assert!(
            OUT == C * OH * OW,
            "max_pool2d: OUT differs from C * OH * OW"
        );
    };

    /// Whether the windows tile each row (column stride the window) and
    /// no two share an input (row stride at least the window).
    const TILED: bool = SH >= KH && SW == KW;

    /// One plane's gradient `dxp += dyp` routed to each window's argmax,
    /// found by comparisons one after the other (any stride; windows that
    /// overlap add to the same inputs, in output order).
    fn route_by_argmax(xp: &[T], dyp: &[T], dxp: &mut [T]) {
        for oy in 0..OH {
            for ox in 0..OW {
                dxp[Self::argmax(xp, oy, ox)] += dyp[oy * OW + ox];
            }
        }
    }

    /// [`route_by_argmax`](Self::route_by_argmax) for windows that tile
    /// each row and do not overlap, where each input gets at most one
    /// output's gradient: the argmax is the first input in window order
    /// equal to the output `yp` (the forward's own value; NaN for the first
    /// NaN). Each output's gradient waits in `pending` until its first
    /// match takes it, so the outputs of a row are routed side by side,
    /// not through `argmax`'s chain of dependent selects, and the loop
    /// vectorises. `0 + g` is the `+=` into zero of the argmax route, bit
    /// for bit (a gradient of -0 lands as +0).
    fn route_tiled(xp: &[T], yp: &[T], dyp: &[T], dxp: &mut [T]) {
        let mut pending = [T::ZERO; OW];
        let rows = yp.chunks_exact(OW).zip(dyp.chunks_exact(OW));
        for (oy, (yrow, dyrow)) in rows.enumerate() {
            pending.copy_from_slice(dyrow);
            for ki in 0..KH {
                let row = (oy * SH + ki) * W;
                let xrow = xp[row..row + OW * KW].chunks_exact(KW);
                let dxrow = dxp[row..row + OW * KW].chunks_exact_mut(KW);
                let outs = yrow.iter().zip(pending.iter_mut());
                for ((xw, dxw), (&m, g)) in xrow.zip(dxrow).zip(outs) {
                    for (&v, d) in xw.iter().zip(dxw) {
                        let hit = (v == m) | (v.is_nan() & m.is_nan());
                        *d = T::ZERO + if hit { *g } else { T::ZERO };
                        *g = if hit { T::ZERO } else { *g };
                    }
                }
            }
        }
    }

    /// Flat index in the `[H, W]` plane of the maximum of window `(oy, ox)`.
    #[inline(always)]
    fn argmax(xp: &[T], oy: usize, ox: usize) -> usize {
        let mut best = oy * SH * W + ox * SW;
        let mut m = xp[best];
        for ki in 0..KH {
            let row = (oy * SH + ki) * W + ox * SW;
            for (kj, v) in xp[row..row + KW].iter().enumerate() {
                let take = beats(*v, m);
                m = if take { *v } else { m };
                best = if take { row + kj } else { best };
            }
        }
        best
    }
}

impl<
        T: Float,
        const C: usize,
        const H: usize,
        const W: usize,
        const KH: usize,
        const KW: usize,
        const SH: usize,
        const SW: usize,
        const OH: usize,
        const OW: usize,
        const IN: usize,
        const OUT: usize,
    > Layer<T, IN, OUT> for MaxPool2d<T, C, H, W, KH, KW, SH, SW, OH, OW, IN, OUT>
{
    type Aux = ();
    const ZEROED_AUX: () = ();
    const ZEROED: Self = Self(PhantomData);
    const TENSORS: usize = 0;
    const PARAMS: usize = 0;

    fn forward_with(&self, x: &[T; IN], y: &mut [T; OUT], _side: Side) {
        let () = Self::CHECK;
        // Window offsets outermost, so the inner loop runs along an output
        // row (a vectorisable select when SW = 1).
        for (xp, yp) in x.chunks_exact(H * W).zip(y.chunks_exact_mut(OH * OW)) {
            if Self::TILED {
                // Each output's window, in the same order: the loop over
                // an output row reads its windows' columns side by side
                // (a strided load the compiler vectorises; the loop below
                // reads one column of every window at a time).
                for (oy, yrow) in yp.chunks_exact_mut(OW).enumerate() {
                    for ki in 0..KH {
                        let row = (oy * SH + ki) * W;
                        let windows = xp[row..row + OW * KW].chunks_exact(KW);
                        for (xw, m) in windows.zip(yrow.iter_mut()) {
                            for (kj, &v) in xw.iter().enumerate() {
                                let first = ki == 0 && kj == 0;
                                *m = if first | beats(v, *m) { v } else { *m };
                            }
                        }
                    }
                }
                continue;
            }
            for ki in 0..KH {
                for kj in 0..KW {
                    for oy in 0..OH {
                        let xrow = &xp[(oy * SH + ki) * W + kj..];
                        let yrow = &mut yp[oy * OW..(oy + 1) * OW];
                        let first = ki == 0 && kj == 0;
                        for (ox, m) in yrow.iter_mut().enumerate() {
                            let v = xrow[ox * SW];
                            *m = if first | beats(v, *m) { v } else { *m };
                        }
                    }
                }
            }
        }
    }

    fn backward_with<const B: usize>(
        &self,
        x: &[[T; IN]; B],
        y: &[[T; OUT]; B],
        _aux: &[(); B],
        dy: &[[T; OUT]; B],
        dx: Option<&mut [[T; IN]; B]>,
        _grads: &mut Self,
        _sides: &[Side; B],
    ) {
        let () = Self::CHECK;
        let Some(dx) = dx else { return };
        for b in 0..B {
            dx[b] = [T::ZERO; IN];
            let planes = x[b].chunks_exact(H * W).zip(y[b].chunks_exact(OH * OW));
            let grads = dy[b]
                .chunks_exact(OH * OW)
                .zip(dx[b].chunks_exact_mut(H * W));
            for ((xp, yp), (dyp, dxp)) in planes.zip(grads) {
                if Self::TILED {
                    Self::route_tiled(xp, yp, dyp, dxp);
                } else {
                    Self::route_by_argmax(xp, dyp, dxp);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_close, check_layer_gradients};

    #[test]
    fn golden_forward_and_routing() {
        // One 3x4 plane, 2x2 window, stride 1 (overlapping): OH = 2, OW = 3.
        // x = [[1, 3, 2, 0],
        //      [4, 1, 5, 1],
        //      [0, 6, 1, 2]]
        type P = MaxPool2d<f64, 1, 3, 4, 2, 2, 1, 1, 2, 3, 12, 6>;
        let p = P::ZEROED;
        let x = [[1.0, 3.0, 2.0, 0.0, 4.0, 1.0, 5.0, 1.0, 0.0, 6.0, 1.0, 2.0]];
        let mut y = [[0.0; 6]];
        p.forward(&x[0], &mut y[0]);
        assert_eq!(y[0], [4.0, 5.0, 5.0, 6.0, 6.0, 5.0]);
        // dy = 1..6: 4 at (1,0) gets 1; 5 at (1,2) gets 2 + 3 + 6; 6 at
        // (2,1) gets 4 + 5.
        let dy = [[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]];
        let mut dx = [[f64::NAN; 12]];
        p.backward(&x, &y, &[(); 1], &dy, Some(&mut dx), &mut P::default());
        assert_eq!(
            dx[0],
            [0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 11.0, 0.0, 0.0, 9.0, 0.0, 0.0]
        );
    }

    #[test]
    fn ties_go_to_the_first_and_nan_propagates() {
        type P = MaxPool2d<f64, 2, 2, 2, 2, 2, 2, 2, 1, 1, 8, 2>;
        let x = [[1.0, 7.0, 7.0, 7.0, -1.0, f64::NAN, 2.0, f64::NAN]];
        let mut y = [[0.0; 2]];
        P::ZEROED.forward(&x[0], &mut y[0]);
        assert_eq!(y[0][0], 7.0);
        assert!(y[0][1].is_nan());
        let mut dx = [[0.0; 8]];
        P::ZEROED.backward(
            &x,
            &y,
            &[(); 1],
            &[[1.0, 2.0]],
            Some(&mut dx),
            &mut P::default(),
        );
        assert_eq!(dx[0], [0.0, 1.0, 0.0, 0.0, 0.0, 2.0, 0.0, 0.0]);
    }

    /// Windows that tile the rows route as the chain of comparisons does,
    /// bit for bit, on planes full of ties (zeros of both signs, repeated
    /// values) and NaNs, with gradients of both zeros, and with rows and
    /// columns dropped or rows skipped by the stride.
    #[test]
    fn disjoint_windows_pool_and_route_as_the_argmax() {
        #[rustfmt::skip]
        fn check<
            const H: usize, const W: usize, const KH: usize, const KW: usize, const SH: usize,
            const SW: usize, const OH: usize, const OW: usize, const IN: usize, const OUT: usize,
        >() {
            let () = MaxPool2d::<f64, 1, H, W, KH, KW, SH, SW, OH, OW, IN, OUT>::CHECK;
            assert!(MaxPool2d::<f64, 1, H, W, KH, KW, SH, SW, OH, OW, IN, OUT>::TILED);
            let mut rng = crate::Rng::seed((H * 31 + W) as u64);
            for _ in 0..50 {
                let x: [f64; IN] = core::array::from_fn(|_| match rng.below(8) {
                    0 => 0.0,
                    1 => -0.0,
                    2 => f64::NAN,
                    k => (k as f64 - 5.0) * 0.5,
                });
                let mut y = [0.0; OUT];
                MaxPool2d::<f64, 1, H, W, KH, KW, SH, SW, OH, OW, IN, OUT>::ZEROED.forward(&x, &mut y);
                // The forward's tiled loop is the argmax's value, bit for bit.
                for (i, y) in y.iter().enumerate() {
                    let at = MaxPool2d::<f64, 1, H, W, KH, KW, SH, SW, OH, OW, IN, OUT>::argmax(&x, i / OW, i % OW);
                    assert_eq!(y.to_bits(), x[at].to_bits(), "{x:?}, output {i}");
                }
                let dy: [f64; OUT] = core::array::from_fn(|i| match i % 3 {
                    0 => -0.0,
                    _ => i as f64 + 1.0,
                });
                let (mut got, mut want) = ([0.0; IN], [0.0; IN]);
                MaxPool2d::<f64, 1, H, W, KH, KW, SH, SW, OH, OW, IN, OUT>::route_by_argmax(&x, &dy, &mut want);
                MaxPool2d::<f64, 1, H, W, KH, KW, SH, SW, OH, OW, IN, OUT>::route_tiled(&x, &y, &dy, &mut got);
                assert_eq!(got.map(f64::to_bits), want.map(f64::to_bits), "{x:?}");
            }
        }
        check::<4, 4, 2, 2, 2, 2, 2, 2, 16, 4>();
        check::<7, 9, 2, 2, 2, 2, 3, 4, 63, 12>();
        check::<8, 10, 2, 3, 3, 3, 3, 3, 80, 9>();
        check::<6, 6, 3, 3, 3, 3, 2, 2, 36, 4>();
        check::<5, 7, 1, 1, 1, 1, 5, 7, 35, 35>();
    }

    #[test]
    fn strided_multichannel_and_finite_differences() {
        // 2 channels 5x7, window 3x2, stride 2x3: OH = 2, OW = 2.
        type P = MaxPool2d<f64, 2, 5, 7, 3, 2, 2, 3, 2, 2, 70, 8>;
        let x: [f64; 70] = core::array::from_fn(|i| ((i * 37 % 71) as f64 * 0.7).sin());
        let mut y = [0.0; 8];
        P::ZEROED.forward(&x, &mut y);
        let mut want = [0.0; 8];
        for c in 0..2 {
            for oy in 0..2 {
                for ox in 0..2 {
                    let mut m = f64::NEG_INFINITY;
                    for ki in 0..3 {
                        for kj in 0..2 {
                            m = m.max(x[c * 35 + (oy * 2 + ki) * 7 + ox * 3 + kj]);
                        }
                    }
                    want[c * 4 + oy * 2 + ox] = m;
                }
            }
        }
        assert_close(&y, &want, 0.0);
        check_layer_gradients::<_, 70, 8, 2>(&mut P::default(), 3);
        type Q = MaxPool2d<f64, 3, 4, 4, 2, 2, 2, 2, 2, 2, 48, 12>;
        check_layer_gradients::<_, 48, 12, 3>(&mut Q::default(), 4);
    }
}
