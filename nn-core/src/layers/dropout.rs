//! Inverted dropout (PyTorch's `nn.Dropout(p)`): in training each element
//! is zeroed with probability `p` and the survivors are scaled by
//! `1 / (1 - p)`, so the expected output equals the input; in inference
//! it is the identity.
//!
//! Training: `y = m * x` with `m_i = 1/(1 - p)` with probability `1 - p`,
//! else `0`, drawn from `ctx.rng` for every element of every sample
//! (`m_i` kept iff a uniform draw in `[0, 1)` is `>= p`). `p = 0` keeps
//! everything (no draws), `p = 1` zeroes everything (no division by
//! zero). The mask `m` is the per-sample `Aux` (`[T; N]`).
//!
//! Backward: `dx = m * dy`. No parameters.
//!
//! `P` is the bit pattern of the `f64` probability, as for
//! [`LeakyRelu`](crate::activations::LeakyRelu):
//! `Dropout<f32, 64, { 0.5f64.to_bits() }>`.
//!
//! ```
//! use nn_core::{Layer, TrainCtx};
//! type D = nn_core::layers::Dropout<f64, 4, { 0.5f64.to_bits() }>;
//! let mut d = D::ZEROED;
//! let x = [[1.0, 2.0, 3.0, 4.0]];
//! let mut y = [[0.0; 4]];
//! d.forward(&x[0], &mut y[0]);
//! assert_eq!(y, x); // inference: identity
//! let mut mask = [D::ZEROED_AUX];
//! d.forward_train(&x, &mut y, &mut mask, &mut TrainCtx::seed(1));
//! for i in 0..4 {
//!     assert!(y[0][i] == 0.0 || y[0][i] == 2.0 * x[0][i]);
//! }
//! ```

use core::marker::PhantomData;

use crate::{Float, Layer, Side, TrainCtx, Zeroable};

/// Dropout of `N` elements with probability `f64::from_bits(P)`.
///
/// Const parameters, in order: the flat length `N`, and `P`, the bit
/// pattern of the drop probability as an `f64` in `[0, 1]` (checked at
/// compile time).
#[derive(Debug, PartialEq)]
pub struct Dropout<T, const N: usize, const P: u64>(PhantomData<fn() -> T>);

impl<T, const N: usize, const P: u64> Clone for Dropout<T, N, P> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T, const N: usize, const P: u64> Copy for Dropout<T, N, P> {}
impl<T, const N: usize, const P: u64> Default for Dropout<T, N, P> {
    fn default() -> Self {
        Self(PhantomData)
    }
}

// SAFETY: zero-sized.
#[allow(unsafe_code)]
unsafe impl<T, const N: usize, const P: u64> Zeroable for Dropout<T, N, P> {}

impl<T, const N: usize, const P: u64> Dropout<T, N, P> {
    /// The drop probability.
    pub const P: f64 = f64::from_bits(P);

    const CHECK: () = assert!(
        Self::P >= 0.0 && Self::P <= 1.0,
        "dropout: the probability must be in [0, 1]"
    );
}

impl<T: Float, const N: usize, const P: u64> Layer<T, N, N> for Dropout<T, N, P> {
    /// The mask: `0` or `1 / (1 - p)` per element.
    type Aux = [T; N];
    const ZEROED_AUX: [T; N] = [T::ZERO; N];
    const ZEROED: Self = Self(PhantomData);
    const TENSORS: usize = 0;
    const PARAMS: usize = 0;

    #[inline]
    fn forward_with(&self, x: &[T; N], y: &mut [T; N], _side: Side) {
        let () = Self::CHECK;
        *y = *x;
    }

    fn forward_train_with<const B: usize>(
        &self,
        x: &[[T; N]; B],
        y: &mut [[T; N]; B],
        aux: &mut [[T; N]; B],
        _sides: &[Side; B],
        ctx: &mut TrainCtx,
    ) {
        let () = Self::CHECK;
        let p = Self::P;
        if p == 0.0 {
            *y = *x;
            aux.as_flattened_mut().fill(T::ONE);
            return;
        }
        if p >= 1.0 {
            y.as_flattened_mut().fill(T::ZERO);
            aux.as_flattened_mut().fill(T::ZERO);
            return;
        }
        let scale = T::cast(1.0 / (1.0 - p));
        for ((x, y), m) in x.iter().zip(y.iter_mut()).zip(aux.iter_mut()) {
            for ((x, y), m) in x.iter().zip(y.iter_mut()).zip(m.iter_mut()) {
                let keep = if crate::float::single_precision::<T>() {
                    ctx.rng.uniform_f32() >= p as f32
                } else {
                    ctx.rng.uniform() >= p
                };
                *m = if keep { scale } else { T::ZERO };
                *y = *x * *m;
            }
        }
    }

    fn backward_with<const B: usize>(
        &self,
        _x: &[[T; N]; B],
        _y: &[[T; N]; B],
        aux: &[[T; N]; B],
        dy: &[[T; N]; B],
        dx: Option<&mut [[T; N]; B]>,
        _grads: &mut Self,
        _sides: &[Side; B],
    ) {
        let Some(dx) = dx else { return };
        for ((dx, dy), m) in dx
            .as_flattened_mut()
            .iter_mut()
            .zip(dy.as_flattened())
            .zip(aux.as_flattened())
        {
            *dx = *dy * *m;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::check_layer_gradients;

    const P30: u64 = 0.3f64.to_bits();

    #[test]
    fn masks_keep_one_minus_p_on_average_and_inference_is_identity() {
        let d = Dropout::<f64, 100, P30>::ZEROED;
        let x: [[f64; 100]; 4] =
            core::array::from_fn(|b| core::array::from_fn(|i| (b * 100 + i) as f64 + 1.0));
        let mut y = [[0.0; 100]; 4];
        let mut aux = [[0.0; 100]; 4];
        let mut ctx = TrainCtx::seed(42);
        let (mut kept, mut mask_sum, mut total) = (0usize, 0.0, 0usize);
        for _ in 0..250 {
            d.forward_train(&x, &mut y, &mut aux, &mut ctx);
            for b in 0..4 {
                for i in 0..100 {
                    let m = aux[b][i];
                    assert!(m == 0.0 || (m - 1.0 / 0.7).abs() < 1e-15);
                    assert_eq!(y[b][i], x[b][i] * m);
                    kept += (m != 0.0) as usize;
                    mask_sum += m;
                    total += 1;
                }
            }
        }
        // 100_000 Bernoulli(0.7) draws: standard error 0.00145.
        let frac = kept as f64 / total as f64;
        assert!((frac - 0.7).abs() < 0.006, "kept {frac}");
        assert!((mask_sum / total as f64 - 1.0).abs() < 0.009);
        // Different samples and calls get different masks.
        assert_ne!(aux[0], aux[1]);

        let mut yi = [0.0; 100];
        d.forward(&x[2], &mut yi);
        assert_eq!(yi, x[2]);
    }

    #[test]
    fn p_zero_is_identity_and_p_one_is_zero() {
        let x = [[1.0, -2.0, 3.0], [f64::MAX, 0.5, -0.0]];
        let (mut y, mut aux) = ([[7.0; 3]; 2], [[7.0; 3]; 2]);
        let d0 = Dropout::<f64, 3, { 0.0f64.to_bits() }>::ZEROED;
        d0.forward_train(&x, &mut y, &mut aux, &mut TrainCtx::seed(1));
        assert_eq!(y, x);
        let d1 = Dropout::<f64, 3, { 1.0f64.to_bits() }>::ZEROED;
        d1.forward_train(&x, &mut y, &mut aux, &mut TrainCtx::seed(1));
        assert_eq!(y, [[0.0; 3]; 2]);
        let mut dx = [[7.0; 3]; 2];
        d1.backward(
            &x,
            &y,
            &aux,
            &[[1.0; 3]; 2],
            Some(&mut dx),
            &mut Dropout::default(),
        );
        assert_eq!(dx, [[0.0; 3]; 2]);
        assert!(y.as_flattened().iter().all(|v| v.is_finite()));
    }

    #[test]
    fn backward_uses_the_mask_and_finite_differences() {
        let mut d = Dropout::<f64, 6, { 0.5f64.to_bits() }>::ZEROED;
        let x = [[1.0; 6]; 2];
        let (mut y, mut aux) = ([[0.0; 6]; 2], [[0.0; 6]; 2]);
        d.forward_train(&x, &mut y, &mut aux, &mut TrainCtx::seed(3));
        let dy = [[3.0; 6]; 2];
        let mut dx = [[0.0; 6]; 2];
        d.backward(&x, &y, &aux, &dy, Some(&mut dx), &mut Dropout::default());
        for b in 0..2 {
            for i in 0..6 {
                assert_eq!(dx[b][i], 3.0 * aux[b][i]);
                assert!(aux[b][i] == 0.0 || aux[b][i] == 2.0);
            }
        }
        check_layer_gradients::<_, 6, 6, 3>(&mut d, 7);
        check_layer_gradients::<_, 5, 5, 2>(&mut Dropout::<f64, 5, P30>::default(), 8);
    }
}
