//! The capsule networks' margin loss (Sabour et al. 2017) on the output
//! capsules `[classes, dim]`: each capsule's length is its class's
//! probability,
//! `L = sum_k T_k max(0, m+ - |v_k|)^2 + lambda (1 - T_k) max(0, |v_k| - m-)^2`
//! with `T_k = 1` for the target class only.

use super::Loss;
use crate::{Float, Tensor};

/// The margin loss with the paper's `m+ = 0.9`, `m- = 0.1`, `lambda = 0.5`
/// by [`Default`]; the target is a class index (the row of the output).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MarginLoss {
    /// The length a present class's capsule should reach.
    pub m_plus: f64,
    /// The length an absent class's capsule should stay below.
    pub m_minus: f64,
    /// The weight of the absent classes' terms.
    pub lambda: f64,
}

impl Default for MarginLoss {
    fn default() -> Self {
        Self {
            m_plus: 0.9,
            m_minus: 0.1,
            lambda: 0.5,
        }
    }
}

/// The capsules of an output `[classes, dim]`: its rows.
fn classes<T: Float, O: Tensor<T>>() -> usize {
    O::SHAPE.first().copied().unwrap_or(1).max(1)
}

impl<T: Float, O: Tensor<T>> Loss<T, O> for MarginLoss {
    type Target = usize;

    fn loss_grad(&self, out: &O, target: &usize, grad: &mut O) -> T {
        let k = classes::<T, O>();
        let g = grad.flat_mut();
        if *target >= k {
            g.fill(T::ZERO);
            return T::nan();
        }
        let dim = O::LEN / k;
        let (mp, mm, lambda) = (
            T::cast(self.m_plus),
            T::cast(self.m_minus),
            T::cast(self.lambda),
        );
        let mut total = T::ZERO;
        for (c, (v, g)) in out.flat().chunks(dim).zip(g.chunks_mut(dim)).enumerate() {
            let len = v.iter().map(|x| *x * *x).sum::<T>().sqrt();
            // dL/d|v|, then d|v|/dv = v / |v|.
            let dlen = if c == *target {
                let gap = (mp - len).max(T::ZERO);
                total += gap * gap;
                -T::cast(2.0) * gap
            } else {
                let gap = (len - mm).max(T::ZERO);
                total += lambda * gap * gap;
                T::cast(2.0) * lambda * gap
            };
            let inv = if len > T::ZERO { dlen / len } else { T::ZERO };
            for (g, x) in g.iter_mut().zip(v) {
                *g = inv * *x;
            }
        }
        total
    }

    fn check_target(&self, target: &usize) -> Result<(), super::TargetError> {
        let k = classes::<T, O>();
        if *target < k {
            Ok(())
        } else {
            Err(super::TargetError::ClassOutOfRange {
                class: *target,
                classes: k,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::central_difference;

    #[test]
    fn golden_values_and_finite_differences() {
        // Two capsules of 2: class 0 has length 0.5, class 1 length 0.3.
        let v = [[0.3f64, 0.4], [0.0, 0.3]];
        let mut g = [[0.0; 2]; 2];
        let l = MarginLoss::default().loss_grad(&v, &0, &mut g);
        let want = (0.9f64 - 0.5).powi(2) + 0.5 * (0.3f64 - 0.1).powi(2);
        assert!((l - want).abs() < 1e-12, "{l} against {want}");
        for c in 0..2 {
            for d in 0..2 {
                let num = central_difference(
                    |e| {
                        let mut w = v;
                        w[c][d] += e;
                        MarginLoss::default().loss_grad(&w, &0, &mut [[0.0; 2]; 2])
                    },
                    1e-6,
                );
                assert!((g[c][d] - num).abs() < 1e-8, "{c},{d}: {} {num}", g[c][d]);
            }
        }
        // A class out of range is refused, by the check and by the loss.
        assert!(Loss::<f64, [[f64; 2]; 2]>::check_target(&MarginLoss::default(), &2).is_err());
        assert!(MarginLoss::default().loss_grad(&v, &2, &mut g).is_nan());
    }
}
