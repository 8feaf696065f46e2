//! An element-wise activation as a layer: `y_i = f(x_i)`,
//! `dx_i = dy_i f'(x_i)`. No parameters; `N` is the flat length.

use core::marker::PhantomData;

use crate::activations::Activation;
use crate::{Float, Layer, Side, Zeroable};

/// Applies the activation `A` to each of `N` elements.
#[derive(Debug, PartialEq)]
pub struct Act<T, A, const N: usize>(PhantomData<fn() -> (T, A)>);

impl<T, A, const N: usize> Clone for Act<T, A, N> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T, A, const N: usize> Copy for Act<T, A, N> {}
impl<T, A, const N: usize> Default for Act<T, A, N> {
    fn default() -> Self {
        Self(PhantomData)
    }
}

// SAFETY: zero-sized.
#[allow(unsafe_code)]
unsafe impl<T, A, const N: usize> Zeroable for Act<T, A, N> {}

impl<T: Float, A: Activation, const N: usize> Layer<T, N, N> for Act<T, A, N> {
    type Aux = ();
    const ZEROED_AUX: () = ();
    const ZEROED: Self = Self(PhantomData);
    const TENSORS: usize = 0;
    const PARAMS: usize = 0;

    #[inline]
    fn forward_with(&self, x: &[T; N], y: &mut [T; N], _side: Side) {
        for (y, x) in y.iter_mut().zip(x) {
            *y = A::f(*x);
        }
    }

    fn backward_with<const B: usize>(
        &self,
        x: &[[T; N]; B],
        y: &[[T; N]; B],
        _aux: &[(); B],
        dy: &[[T; N]; B],
        dx: Option<&mut [[T; N]; B]>,
        _grads: &mut Self,
        _sides: &[Side; B],
    ) {
        let Some(dx) = dx else { return };
        for b in 0..B {
            for i in 0..N {
                dx[b][i] = dy[b][i] * A::df(x[b][i], y[b][i]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activations::*;
    use crate::testing::check_layer_gradients;

    #[test]
    fn finite_differences_for_every_activation() {
        check_layer_gradients::<_, 6, 6, 2>(&mut Act::<f64, Sigmoid, 6>::default(), 1);
        check_layer_gradients::<_, 6, 6, 2>(&mut Act::<f64, Tanh, 6>::default(), 2);
        check_layer_gradients::<_, 6, 6, 2>(&mut Act::<f64, Relu, 6>::default(), 3);
        check_layer_gradients::<_, 6, 6, 2>(
            &mut Act::<f64, LeakyRelu<{ 0.01f64.to_bits() }>, 6>::default(),
            4,
        );
        check_layer_gradients::<_, 6, 6, 2>(&mut Act::<f64, Swish, 6>::default(), 5);
        check_layer_gradients::<_, 6, 6, 2>(
            &mut Act::<f64, Elu<{ 1.0f64.to_bits() }>, 6>::default(),
            6,
        );
        check_layer_gradients::<_, 6, 6, 2>(&mut Act::<f64, Gelu, 6>::default(), 7);
        check_layer_gradients::<_, 6, 6, 2>(&mut Act::<f64, Identity, 6>::default(), 8);
        check_layer_gradients::<_, 6, 6, 2>(&mut Act::<f64, Step, 6>::default(), 9);
    }
}
