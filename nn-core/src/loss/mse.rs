//! Mean squared error over the output elements:
//! `L = (1/n) sum_i (y_i - t_i)^2`, `dL/dy_i = (2/n)(y_i - t_i)`.
//!
//! Convention: no factor 1/2, so the value equals PyTorch's `MSELoss` and
//! Keras' `mean_squared_error` (a batch mean of per-sample means is the
//! mean over all elements).

use super::Loss;
use crate::{Float, Tensor};

/// Mean squared error.
#[derive(Clone, Copy, Debug, Default)]
pub struct Mse;

impl<T: Float, O: Tensor<T>> Loss<T, O> for Mse {
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
            sum += d * d;
            *g = (d + d) / n;
        }
        sum / n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_close, relative_error};

    #[test]
    fn golden_and_finite_differences() {
        let y = [1.0f64, -2.0, 0.5];
        let t = [0.0f64, 1.0, 0.5];
        let mut g = [0.0; 3];
        let l = Mse.loss_grad(&y, &t, &mut g);
        assert!((l - 10.0 / 3.0).abs() < 1e-15);
        assert_close(&g, &[2.0 / 3.0, -2.0, 0.0], 1e-15);
        for k in 0..3 {
            let (mut p, mut m) = (y, y);
            p[k] += 1e-6;
            m[k] -= 1e-6;
            let num = (Mse.loss(&p, &t) - Mse.loss(&m, &t)) / 2e-6;
            assert!(relative_error(g[k], num) < 1e-6);
        }
    }
}
