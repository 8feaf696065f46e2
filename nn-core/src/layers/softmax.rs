//! Softmax over the `N` elements: `y_i = e^(x_i - m) / sum_j e^(x_j - m)`
//! with `m = max x` (no overflow). Backward: `dx = y * (dy - <dy, y>)`.
//!
//! For classification prefer a linear output with the fused
//! [`SoftmaxCrossEntropy`](crate::loss::SoftmaxCrossEntropy) loss, which is
//! stabler than softmax followed by a logarithm.

use core::marker::PhantomData;

use crate::{Float, Layer, Side, Zeroable};

/// Softmax over `N` elements.
#[derive(Debug, PartialEq)]
pub struct Softmax<T, const N: usize>(PhantomData<fn() -> T>);

impl<T, const N: usize> Clone for Softmax<T, N> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T, const N: usize> Copy for Softmax<T, N> {}

// SAFETY: zero-sized.
#[allow(unsafe_code)]
unsafe impl<T, const N: usize> Zeroable for Softmax<T, N> {}

/// Writes `softmax(x)` into `y`.
#[inline]
pub fn softmax<T: Float>(x: &[T], y: &mut [T]) {
    let m = x.iter().copied().fold(T::neg_infinity(), T::max);
    let mut sum = T::ZERO;
    for (y, x) in y.iter_mut().zip(x) {
        *y = (*x - m).exp();
        sum += *y;
    }
    let inv = T::ONE / sum;
    for y in y.iter_mut() {
        *y *= inv;
    }
}

impl<T: Float, const N: usize> Layer<T, N, N> for Softmax<T, N> {
    type Aux = ();
    const ZEROED_AUX: () = ();
    const ZEROED: Self = Self(PhantomData);
    const TENSORS: usize = 0;
    const PARAMS: usize = 0;

    fn forward_with(&self, x: &[T; N], y: &mut [T; N], _side: Side) {
        softmax(x, y);
    }

    fn backward_with<const B: usize>(
        &self,
        _x: &[[T; N]; B],
        y: &[[T; N]; B],
        _aux: &[(); B],
        dy: &[[T; N]; B],
        dx: Option<&mut [[T; N]; B]>,
        _grads: &mut Self,
        _sides: &[Side; B],
    ) {
        let Some(dx) = dx else { return };
        for b in 0..B {
            let inner: T = dy[b].iter().zip(&y[b]).map(|(g, y)| *g * *y).sum();
            for i in 0..N {
                dx[b][i] = y[b][i] * (dy[b][i] - inner);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_close, check_layer_gradients};

    #[test]
    fn golden_and_stable() {
        let s = Softmax::<f64, 3>::ZEROED;
        let mut y = [0.0; 3];
        s.forward(&[1.0, 2.0, 3.0], &mut y);
        assert_close(
            &y,
            &[0.09003057317038046, 0.24472847105479764, 0.6652409557748219],
            1e-14,
        );
        s.forward(&[1000.0, 1000.0, -1000.0], &mut y);
        assert_close(&y, &[0.5, 0.5, 0.0], 0.0);
        let mut s5 = Softmax::<f64, 5>::ZEROED;
        check_layer_gradients::<_, 5, 5, 2>(&mut s5, 3);
    }
}
