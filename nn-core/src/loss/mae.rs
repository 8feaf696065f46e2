//! Mean absolute error (L1 loss) over the output elements:
//! `L = (1/n) sum_i |y_i - t_i|`, `dL/dy_i = sign(y_i - t_i) / n` with
//! `sign(0) = 0` (the subgradient PyTorch uses at the kink).
//!
//! PyTorch: `nn.L1Loss()` (default `reduction="mean"`, the mean over every
//! element of the batch, which is what the per-sample mean averaged over
//! the batch gives).

use super::Loss;
use crate::{Float, Tensor};

/// Mean absolute error (L1).
#[derive(Clone, Copy, Debug, Default)]
pub struct Mae;

impl<T: Float, O: Tensor<T>> Loss<T, O> for Mae {
    type Target = O;
    fn check_target(&self, target: &O) -> Result<(), super::TargetError> {
        super::finite_target(target)
    }
    fn loss_grad(&self, out: &O, target: &O, grad: &mut O) -> T {
        let n = T::cast(O::LEN as f64);
        let mut sum = T::ZERO;
        for ((g, y), t) in grad
            .flat_mut()
            .iter_mut()
            .zip(out.flat())
            .zip(target.flat())
        {
            let d = *y - *t;
            sum += d.abs();
            *g = if d > T::ZERO {
                T::ONE / n
            } else if d < T::ZERO {
                -T::ONE / n
            } else {
                T::ZERO
            };
        }
        sum / n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_close, central_difference, relative_error, FD_STEP};

    #[test]
    fn golden_and_finite_differences() {
        let y = [1.0f64, -2.0, 0.5, 3.0];
        let t = [0.0f64, 1.0, 0.5, 2.5];
        let mut g = [0.0; 4];
        let l = Mae.loss_grad(&y, &t, &mut g);
        // python3: sum(abs(a - b) for a, b in zip(y, t)) / 4
        assert_eq!(l, 1.125);
        assert_close(&g, &[0.25, -0.25, 0.0, 0.25], 1e-15);
        // Away from the kink (element 2 sits on it).
        for k in [0, 1, 3] {
            let num = central_difference(
                |d| {
                    let mut yd = y;
                    yd[k] += d;
                    Mae.loss(&yd, &t)
                },
                FD_STEP,
            );
            assert!(relative_error(g[k], num) < 1e-6, "{k}: {} vs {num}", g[k]);
        }
    }

    #[test]
    fn large_values_are_exact() {
        let y = [1000.0f32, -1000.0];
        let t = [0.0f32, 0.0];
        let mut g = [0.0f32; 2];
        assert_eq!(Mae.loss_grad(&y, &t, &mut g), 1000.0);
        assert_eq!(g, [0.5, -0.5]);
    }
}
