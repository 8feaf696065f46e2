//! Global average pooling (PyTorch's `nn.AdaptiveAvgPool2d(1)` followed
//! by a flatten): the mean of each channel's plane,
//!
//! `y[c] = 1/(H W) sum_{i < H, j < W} x[c, i, j]`.
//!
//! Shapes: input `[C, H, W]` (flat `[T; IN]`, `IN = C H W`; after a
//! [`Conv1d`](super::Conv1d), `[C, L]` is `H = 1, W = L`), output `[C]`.
//! No parameters.
//!
//! Backward: `dx[c, i, j] = dy[c] / (H W)`.
//!
//! ```
//! use nn_core::Layer;
//! type G = nn_core::layers::GlobalAvgPool<f32, 2, 1, 3, 6>;
//! let mut y = [0.0; 2];
//! G::ZEROED.forward(&[1.0, 2.0, 3.0, -3.0, 0.0, 0.0], &mut y);
//! assert_eq!(y, [2.0, -1.0]);
//! ```

use core::marker::PhantomData;

use crate::{Float, Layer, Side, Zeroable};

/// Mean over each channel, `[C, H, W]` to `[C]`.
///
/// Const parameters, in order: channels `C`, height `H`, width `W`, and
/// the flat input length `IN = C H W` (checked at compile time). The
/// output length is `C`.
#[derive(Debug, PartialEq)]
pub struct GlobalAvgPool<T, const C: usize, const H: usize, const W: usize, const IN: usize>(
    PhantomData<fn() -> T>,
);

impl<T, const C: usize, const H: usize, const W: usize, const IN: usize> Clone
    for GlobalAvgPool<T, C, H, W, IN>
{
    fn clone(&self) -> Self {
        *self
    }
}
impl<T, const C: usize, const H: usize, const W: usize, const IN: usize> Copy
    for GlobalAvgPool<T, C, H, W, IN>
{
}
impl<T, const C: usize, const H: usize, const W: usize, const IN: usize> Default
    for GlobalAvgPool<T, C, H, W, IN>
{
    fn default() -> Self {
        Self(PhantomData)
    }
}

// SAFETY: zero-sized.
#[allow(unsafe_code)]
unsafe impl<T, const C: usize, const H: usize, const W: usize, const IN: usize> Zeroable
    for GlobalAvgPool<T, C, H, W, IN>
{
}

impl<T: Float, const C: usize, const H: usize, const W: usize, const IN: usize>
    GlobalAvgPool<T, C, H, W, IN>
{
    const CHECK: () = {
        assert!(
            C > 0 && H > 0 && W > 0,
            "global_avg_pool: sizes must be positive"
        );
        assert!(
            IN == C * H * W,
            "global_avg_pool: IN differs from C * H * W"
        );
    };

    fn scale() -> T {
        T::ONE / T::cast((H * W) as f64)
    }
}

impl<T: Float, const C: usize, const H: usize, const W: usize, const IN: usize> Layer<T, IN, C>
    for GlobalAvgPool<T, C, H, W, IN>
{
    type Aux = ();
    const ZEROED_AUX: () = ();
    const ZEROED: Self = Self(PhantomData);
    const TENSORS: usize = 0;
    const PARAMS: usize = 0;
    /// Eight accumulators.
    const SCRATCH: usize = 8;

    fn forward_with(&self, x: &[T; IN], y: &mut [T; C], _side: Side) {
        let () = Self::CHECK;
        let s = Self::scale();
        for (y, xp) in y.iter_mut().zip(x.chunks_exact(H * W)) {
            // Same lanes as `dot`, so the sum vectorises.
            let mut acc = [T::ZERO; 8];
            let (chunks, tail) = xp.as_chunks::<8>();
            for ch in chunks {
                for l in 0..8 {
                    acc[l] += ch[l];
                }
            }
            let sum = acc.iter().copied().sum::<T>() + tail.iter().copied().sum::<T>();
            *y = sum * s;
        }
    }

    fn backward_with<const B: usize>(
        &self,
        _x: &[[T; IN]; B],
        _y: &[[T; C]; B],
        _aux: &[(); B],
        dy: &[[T; C]; B],
        dx: Option<&mut [[T; IN]; B]>,
        _grads: &mut Self,
        _sides: &[Side; B],
    ) {
        let () = Self::CHECK;
        let Some(dx) = dx else { return };
        let s = Self::scale();
        for (dx, dy) in dx.iter_mut().zip(dy) {
            for (dxp, g) in dx.chunks_exact_mut(H * W).zip(dy) {
                dxp.fill(*g * s);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_close, check_layer_gradients};

    #[test]
    fn golden_and_finite_differences() {
        type G = GlobalAvgPool<f64, 2, 3, 4, 24>;
        let x: [f64; 24] = core::array::from_fn(|i| i as f64);
        let mut y = [0.0; 2];
        G::ZEROED.forward(&x, &mut y);
        // Means of 0..12 and 12..24.
        assert_close(&y, &[5.5, 17.5], 1e-15);
        let mut dx = [[0.0; 24]];
        G::ZEROED.backward(
            &[x],
            &[y],
            &[(); 1],
            &[[12.0, -24.0]],
            Some(&mut dx),
            &mut G::default(),
        );
        assert!(dx[0][..12].iter().all(|v| *v == 1.0));
        assert!(dx[0][12..].iter().all(|v| *v == -2.0));
        check_layer_gradients::<_, 24, 2, 3>(&mut G::default(), 5);
        type L = GlobalAvgPool<f64, 3, 5, 7, 105>;
        check_layer_gradients::<_, 105, 3, 2>(&mut L::default(), 6);
    }
}
