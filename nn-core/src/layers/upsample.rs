//! Nearest-neighbour upsampling of an image, each pixel repeated over a
//! block (PyTorch's `nn.Upsample(scale_factor=(SH, SW), mode="nearest")`).

use crate::{Float, Layer, Side, TrainCtx};

/// `[C, H, W]` to `[C, SH H, SW W]`: `y[c][i][j] = x[c][i / SH][j / SW]`.
/// The backward sums each block's gradient into its pixel. Const
/// parameters: `C, H, W, SH, SW, IN = C H W, OUT = C SH H SW W`. No
/// parameters.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Upsample<
    const C: usize,
    const H: usize,
    const W: usize,
    const SH: usize,
    const SW: usize,
    const IN: usize,
    const OUT: usize,
>;

// SAFETY: a unit struct.
#[allow(unsafe_code)]
unsafe impl<
        const C: usize,
        const H: usize,
        const W: usize,
        const SH: usize,
        const SW: usize,
        const IN: usize,
        const OUT: usize,
    > crate::Zeroable for Upsample<C, H, W, SH, SW, IN, OUT>
{
}

impl<
        const C: usize,
        const H: usize,
        const W: usize,
        const SH: usize,
        const SW: usize,
        const IN: usize,
        const OUT: usize,
    > Upsample<C, H, W, SH, SW, IN, OUT>
{
    const CHECK: () = {
        assert!(SH > 0 && SW > 0, "upsample: scales must be positive");
        assert!(IN == C * H * W, "upsample: IN differs from C H W");
        assert!(OUT == C * H * SH * W * SW, "upsample: OUT differs");
    };

    /// The input pixel of output pixel `k`.
    #[inline(always)]
    fn source(k: usize) -> usize {
        let (ow, oh) = (W * SW, H * SH);
        let (c, rest) = (k / (oh * ow), k % (oh * ow));
        let (y, x) = (rest / ow, rest % ow);
        (c * H + y / SH) * W + x / SW
    }
}

impl<
        T: Float,
        const C: usize,
        const H: usize,
        const W: usize,
        const SH: usize,
        const SW: usize,
        const IN: usize,
        const OUT: usize,
    > Layer<T, IN, OUT> for Upsample<C, H, W, SH, SW, IN, OUT>
{
    type Aux = ();
    const ZEROED: Self = Upsample;
    const ZEROED_AUX: () = ();
    const TENSORS: usize = 0;
    const PARAMS: usize = 0;

    fn forward_with(&self, x: &[T; IN], y: &mut [T; OUT], _side: Side) {
        let () = Self::CHECK;
        for (k, v) in y.iter_mut().enumerate() {
            *v = x[Self::source(k)];
        }
    }

    fn forward_train_with<const B: usize>(
        &self,
        x: &[[T; IN]; B],
        y: &mut [[T; OUT]; B],
        _aux: &mut [(); B],
        sides: &[Side; B],
        _ctx: &mut TrainCtx,
    ) {
        for ((x, y), side) in x.iter().zip(y.iter_mut()).zip(sides) {
            Layer::<T, IN, OUT>::forward_with(self, x, y, *side);
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
        let Some(dx) = dx else { return };
        for (dx, dy) in dx.iter_mut().zip(dy) {
            dx.fill(T::ZERO);
            for (k, g) in dy.iter().enumerate() {
                dx[Self::source(k)] += *g;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::check_layer_gradients;

    #[test]
    fn pixels_become_blocks_and_blocks_sum_back() {
        type Up = Upsample<1, 2, 2, 2, 3, 4, 24>;
        let mut y = [0.0f64; 24];
        Layer::<f64, 4, 24>::forward(&Up::default(), &[1.0, 2.0, 3.0, 4.0], &mut y);
        assert_eq!(&y[..6], &[1.0, 1.0, 1.0, 2.0, 2.0, 2.0]);
        assert_eq!(&y[6..12], &y[..6]);
        assert_eq!(&y[12..18], &[3.0, 3.0, 3.0, 4.0, 4.0, 4.0]);
        let worst = check_layer_gradients::<_, 4, 24, 2>(&mut Up::default(), 1);
        assert!(worst < 1e-6, "{worst}");
        type Two = Upsample<2, 1, 2, 2, 2, 4, 16>;
        let worst = check_layer_gradients::<_, 4, 16, 1>(&mut Two::default(), 2);
        assert!(worst < 1e-6, "{worst}");
    }
}
