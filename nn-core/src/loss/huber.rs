//! Huber loss over the output elements, with `d_i = y_i - t_i`:
//!
//! ```text
//! l_i = 0.5 d_i^2                      if |d_i| <  delta
//!     = delta (|d_i| - 0.5 delta)      otherwise
//! L   = (1/n) sum_i l_i
//! dL/dy_i = clamp(d_i, -delta, delta) / n
//! ```
//!
//! Quadratic near zero, linear (so robust to outliers) beyond `delta`.
//!
//! PyTorch: `nn.HuberLoss(delta=1.0)` (default `delta = 1.0`,
//! `reduction="mean"`). With `delta = 1` it equals `nn.SmoothL1Loss`
//! (`beta = 1`); for other values `SmoothL1Loss(beta) = Huber(beta) / beta`.

use super::Loss;
use crate::{Float, Tensor};

/// Huber loss with threshold `delta` (PyTorch default 1.0).
#[derive(Clone, Copy, Debug)]
pub struct Huber {
    /// Where the loss turns from quadratic to linear; positive.
    pub delta: f64,
}

impl Huber {
    /// Huber loss with threshold `delta`.
    pub const fn new(delta: f64) -> Self {
        Self { delta }
    }
}

impl Default for Huber {
    /// `delta = 1.0`, as PyTorch.
    fn default() -> Self {
        Self { delta: 1.0 }
    }
}

impl<T: Float, O: Tensor<T>> Loss<T, O> for Huber {
    type Target = O;
    fn check_target(&self, target: &O) -> Result<(), super::TargetError> {
        super::finite_target(target)
    }
    fn loss_grad(&self, out: &O, target: &O, grad: &mut O) -> T {
        let n = T::cast(O::LEN as f64);
        let delta = T::cast(self.delta);
        let half = T::cast(0.5);
        let mut sum = T::ZERO;
        for ((g, y), t) in grad
            .flat_mut()
            .iter_mut()
            .zip(out.flat())
            .zip(target.flat())
        {
            let d = *y - *t;
            let a = d.abs();
            if a < delta {
                sum += half * d * d;
                *g = d / n;
            } else {
                sum += delta * (a - half * delta);
                *g = if d > T::ZERO { delta / n } else { -delta / n };
            }
        }
        sum / n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_close, central_difference, relative_error, FD_STEP};

    const Y: [f64; 4] = [1.0, -2.0, 0.5, 3.0];
    const T: [f64; 4] = [0.0, 1.0, 0.5, 2.5];

    #[test]
    fn golden_values() {
        // python3, with e = abs(y - t):
        // sum(0.5*e*e if e < d else d*(e - 0.5*d)) / 4
        for (delta, want) in [(1.0, 0.78125), (2.0, 1.15625), (0.5, 0.46875)] {
            let l = Huber::new(delta).loss(&Y, &T);
            assert!((l - want).abs() < 1e-15, "delta {delta}: {l} vs {want}");
        }
        assert_eq!(Huber::default().delta, 1.0);
        let mut g = [0.0; 4];
        Huber::default().loss_grad(&Y, &T, &mut g);
        // d = [1, -3, 0, 0.5]: clamp to [-1, 1], divide by 4.
        assert_close(&g, &[0.25, -0.25, 0.0, 0.125], 1e-15);
    }

    #[test]
    fn finite_differences() {
        // Points off both the kink of |d| = delta and d = 0.
        let y = [1.3f64, -2.0, 0.4, 3.1, -0.2];
        let t = [0.0f64, 1.0, 0.5, 2.5, 0.6];
        for delta in [1.0, 0.35, 4.0] {
            let h = Huber::new(delta);
            let mut g = [0.0; 5];
            h.loss_grad(&y, &t, &mut g);
            for k in 0..5 {
                let num = central_difference(
                    |d| {
                        let mut yd = y;
                        yd[k] += d;
                        h.loss(&yd, &t)
                    },
                    FD_STEP,
                );
                assert!(relative_error(g[k], num) < 1e-6, "delta {delta} k {k}");
            }
        }
    }

    #[test]
    fn large_values_are_finite_and_exact() {
        let mut g = [0.0f32; 2];
        let l = Huber::default().loss_grad(&[1000.0f32, -1000.0], &[0.0, 0.0], &mut g);
        assert_eq!(l, 999.5);
        assert_eq!(g, [0.5, -0.5]);
    }
}
