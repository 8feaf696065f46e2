//! Gradient accumulation: several micro-batches of a compiled size `B`
//! per optimizer step, for a larger effective batch in the same memory:
//!
//! ```text
//! k   = ceil(batch / B)                    (micro_batches)
//! acc = sum_j (1/k) grad_j                 (accumulate_gradients, weight 1/k)
//! p   <- optimizer step with acc
//! ```
//!
//! Because each micro-batch gradient is already the mean over its `B`
//! samples, weighting each by `1/k` gives exactly the mean gradient over
//! the `k B` samples, the same as one batch of `k B` (up to rounding).
//!
//! PyTorch: calling `loss.backward()` on `k` micro-batches with the loss
//! divided by `k` before one `optimizer.step()`.
//!
//! ```ignore
//! let k = micro_batches(256, 32);
//! acc.zero();
//! for j in 0..k {
//!     forward_backward(&mut net, &mut grads, &mut trace, &loss, &xs[j], &ts[j], &mut ctx)?;
//!     accumulate_gradients(&mut acc, &grads, 1.0 / k as f64);
//! }
//! optimizer.step(&mut net, &acc);
//! ```

use crate::{Float, Params};

/// How many micro-batches of `micro_batch` samples make up `batch_size`,
/// rounded up (at least 1; `micro_batch = 0` counts as 1).
pub fn micro_batches(batch_size: usize, micro_batch: usize) -> usize {
    batch_size.div_ceil(micro_batch.max(1)).max(1)
}

/// `acc <- acc + weight * grads`, over every parameter tensor.
pub fn accumulate_gradients<T: Float, N: Params<T>>(acc: &mut N, grads: &N, weight: f64) {
    let w = T::cast(weight);
    for i in 0..N::TENSORS {
        for (a, g) in acc.tensor_mut(i).iter_mut().zip(grads.tensor(i)) {
            *a += w * *g;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Network;

    #[test]
    fn counts() {
        assert_eq!(micro_batches(256, 32), 8);
        assert_eq!(micro_batches(100, 32), 4);
        assert_eq!(micro_batches(1, 32), 1);
        assert_eq!(micro_batches(0, 32), 1);
        assert_eq!(micro_batches(5, 0), 5);
    }

    #[cfg(feature = "alloc")]
    #[test]
    fn two_micro_batches_equal_one_batch() {
        use crate::loss::Mse;
        use crate::optim::tiny::{Tiny, P0};
        use crate::step::forward_backward;
        use crate::TrainCtx;

        let mut net = Tiny::<f64>::from_flat(P0);
        let xs = [
            [0.3, -1.0, 2.0],
            [1.5, 0.2, -0.4],
            [-0.7, 0.9, 0.1],
            [2.0, 2.0, -1.0],
        ];
        let ts = [[1.0], [-0.5], [0.25], [3.0]];
        let mut ctx = TrainCtx::seed(0);

        let mut full = Tiny::<f64>::ZEROED;
        let mut trace4 = Tiny::<f64>::new_trace::<4>();
        let l4 =
            forward_backward(&mut net, &mut full, &mut trace4, &Mse, &xs, &ts, &mut ctx).unwrap();

        let k = micro_batches(4, 2);
        assert_eq!(k, 2);
        let (mut acc, mut grads) = (Tiny::<f64>::ZEROED, Tiny::<f64>::ZEROED);
        let mut trace2 = Tiny::<f64>::new_trace::<2>();
        let mut l2 = 0.0;
        for j in 0..k {
            let x: [[f64; 3]; 2] = [xs[2 * j], xs[2 * j + 1]];
            let t: [[f64; 1]; 2] = [ts[2 * j], ts[2 * j + 1]];
            l2 += forward_backward(&mut net, &mut grads, &mut trace2, &Mse, &x, &t, &mut ctx)
                .unwrap()
                / k as f64;
            accumulate_gradients(&mut acc, &grads, 1.0 / k as f64);
        }
        assert!((l2 - l4).abs() < 1e-14);
        crate::testing::assert_close(&acc.flat(), &full.flat(), 1e-14);
        assert_ne!(acc.flat(), [0.0; 5]);
    }
}
