//! 2-D average pooling (PyTorch's `nn.AvgPool2d` without padding,
//! `ceil_mode = false`):
//!
//! `y[c, oy, ox] = 1/(KH KW) sum_{ki < KH, kj < KW} x[c, oy SH + ki, ox SW + kj]`
//!
//! Shapes: input `[C, H, W]` (flat `[T; IN]`, `IN = C H W`), output
//! `[C, OH, OW]` (flat `[T; OUT]`, `OUT = C OH OW`) with
//! `OH = (H - KH) / SH + 1`, `OW = (W - KW) / SW + 1`; rows and columns
//! past the last full window are dropped. No parameters.
//!
//! Backward: `dx[c, iy, ix] = 1/(KH KW) sum dy[c, oy, ox]` over the
//! windows that contain `(iy, ix)`.
//!
//! ```
//! use nn_core::Layer;
//! type P = nn_core::layers::AvgPool2d<f32, 1, 2, 4, 2, 2, 2, 2, 1, 2, 8, 2>;
//! let mut y = [0.0; 2];
//! P::ZEROED.forward(&[1.0, 5.0, -1.0, -2.0, 3.0, 3.0, -3.0, -4.0], &mut y);
//! assert_eq!(y, [3.0, -2.5]);
//! ```

use core::marker::PhantomData;

use crate::kernels::{axpy, Window2d};
use crate::{Float, Layer, Side, Zeroable};

/// Average pooling from `[C, H, W]` to `[C, OH, OW]`.
///
/// Const parameters, in order: channels `C`, height `H`, width `W`;
/// window `KH x KW`; stride `SH, SW` (PyTorch's default stride is the
/// window); output size `OH, OW`; flat lengths `IN = C H W`,
/// `OUT = C OH OW`. The derived sizes are checked at compile time.
#[derive(Debug, PartialEq)]
pub struct AvgPool2d<
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
    > Clone for AvgPool2d<T, C, H, W, KH, KW, SH, SW, OH, OW, IN, OUT>
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
    > Copy for AvgPool2d<T, C, H, W, KH, KW, SH, SW, OH, OW, IN, OUT>
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
    > Default for AvgPool2d<T, C, H, W, KH, KW, SH, SW, OH, OW, IN, OUT>
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
    > Zeroable for AvgPool2d<T, C, H, W, KH, KW, SH, SW, OH, OW, IN, OUT>
{
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
    > AvgPool2d<T, C, H, W, KH, KW, SH, SW, OH, OW, IN, OUT>
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
        assert!(C > 0, "avg_pool2d: channel count must be positive");
        assert!(KH > 0 && KW > 0, "avg_pool2d: window must be positive");
        assert!(SH > 0 && SW > 0, "avg_pool2d: stride must be positive");
        assert!(
            H >= KH && W >= KW,
            "avg_pool2d: window larger than the input"
        );
        assert!(
            Self::GEOMETRY.is_consistent(),
            "avg_pool2d: OH/OW differ from (H - K) / S + 1"
        );
        assert!(IN == C * H * W, "avg_pool2d: IN differs from C * H * W");
        assert!(
            OUT == C * OH * OW,
            "avg_pool2d: OUT differs from C * OH * OW"
        );
    };

    /// `1 / (KH KW)`.
    fn scale() -> T {
        T::ONE / T::cast((KH * KW) as f64)
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
    > Layer<T, IN, OUT> for AvgPool2d<T, C, H, W, KH, KW, SH, SW, OH, OW, IN, OUT>
{
    type Aux = ();
    const ZEROED_AUX: () = ();
    const ZEROED: Self = Self(PhantomData);
    const TENSORS: usize = 0;
    const PARAMS: usize = 0;

    fn forward_with(&self, x: &[T; IN], y: &mut [T; OUT], _side: Side) {
        let () = Self::CHECK;
        let s = Self::scale();
        // Window offsets outermost, so the inner loop runs along an output
        // row (a plain axpy when SW = 1).
        for (xp, yp) in x.chunks_exact(H * W).zip(y.chunks_exact_mut(OH * OW)) {
            yp.fill(T::ZERO);
            for ki in 0..KH {
                for kj in 0..KW {
                    for oy in 0..OH {
                        let xrow = &xp[(oy * SH + ki) * W + kj..];
                        let yrow = &mut yp[oy * OW..(oy + 1) * OW];
                        if SW == 1 {
                            axpy(yrow, s, &xrow[..OW]);
                        } else {
                            for (y, x) in yrow.iter_mut().zip(xrow.iter().step_by(SW)) {
                                *y += s * *x;
                            }
                        }
                    }
                }
            }
        }
    }

    fn backward_with<const B: usize>(
        &self,
        _x: &[[T; IN]; B],
        _y: &[[T; OUT]; B],
        _aux: &[(); B],
        dy: &[[T; OUT]; B],
        dx: Option<&mut [[T; IN]; B]>,
        _grads: &mut Self,
        _sides: &[Side; B],
    ) {
        let () = Self::CHECK;
        let Some(dx) = dx else { return };
        let s = Self::scale();
        for (dx, dy) in dx.iter_mut().zip(dy) {
            for (dxp, dyp) in dx.chunks_exact_mut(H * W).zip(dy.chunks_exact(OH * OW)) {
                dxp.fill(T::ZERO);
                for ki in 0..KH {
                    for kj in 0..KW {
                        for oy in 0..OH {
                            let dxrow = &mut dxp[(oy * SH + ki) * W + kj..];
                            let dyrow = &dyp[oy * OW..(oy + 1) * OW];
                            if SW == 1 {
                                axpy(&mut dxrow[..OW], s, dyrow);
                            } else {
                                for (dx, dy) in dxrow.iter_mut().step_by(SW).zip(dyrow) {
                                    *dx += s * *dy;
                                }
                            }
                        }
                    }
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
    fn golden_forward_and_backward() {
        // One 3x4 plane, 2x2 window, stride 1 (overlapping): OH = 2, OW = 3.
        // x = [[1, 3, 2, 0],
        //      [4, 1, 5, 1],
        //      [0, 6, 1, 2]]
        type P = AvgPool2d<f64, 1, 3, 4, 2, 2, 1, 1, 2, 3, 12, 6>;
        let p = P::ZEROED;
        let x = [[1.0, 3.0, 2.0, 0.0, 4.0, 1.0, 5.0, 1.0, 0.0, 6.0, 1.0, 2.0]];
        let mut y = [[0.0; 6]];
        p.forward(&x[0], &mut y[0]);
        assert_close(&y[0], &[2.25, 2.75, 2.0, 2.75, 3.25, 2.25], 1e-15);
        // dy = 1..6, each spread by 1/4 over its window; e.g. x[1,1] is in
        // windows (0,0), (0,1), (1,0), (1,1): (1 + 2 + 4 + 5) / 4 = 3.
        let dy = [[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]];
        let mut dx = [[f64::NAN; 12]];
        p.backward(&x, &y, &[(); 1], &dy, Some(&mut dx), &mut P::default());
        assert_close(
            &dx[0],
            &[
                0.25, 0.75, 1.25, 0.75, 1.25, 3.0, 4.0, 2.25, 1.0, 2.25, 2.75, 1.5,
            ],
            1e-15,
        );
    }

    #[test]
    fn strided_multichannel_and_finite_differences() {
        // 2 channels 5x7, window 3x2, stride 2x3: OH = 2, OW = 2.
        type P = AvgPool2d<f64, 2, 5, 7, 3, 2, 2, 3, 2, 2, 70, 8>;
        let x: [f64; 70] = core::array::from_fn(|i| ((i * 37 % 71) as f64 * 0.7).sin());
        let mut y = [0.0; 8];
        P::ZEROED.forward(&x, &mut y);
        let mut want = [0.0; 8];
        for c in 0..2 {
            for oy in 0..2 {
                for ox in 0..2 {
                    let mut s = 0.0;
                    for ki in 0..3 {
                        for kj in 0..2 {
                            s += x[c * 35 + (oy * 2 + ki) * 7 + ox * 3 + kj];
                        }
                    }
                    want[c * 4 + oy * 2 + ox] = s / 6.0;
                }
            }
        }
        assert_close(&y, &want, 1e-15);
        check_layer_gradients::<_, 70, 8, 2>(&mut P::default(), 3);
        type Q = AvgPool2d<f64, 3, 4, 4, 2, 2, 1, 1, 3, 3, 48, 27>;
        check_layer_gradients::<_, 48, 27, 3>(&mut Q::default(), 4);
    }
}
