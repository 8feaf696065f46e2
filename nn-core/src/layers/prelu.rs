//! Parametric ReLU with one learned slope `a` shared by all `N` inputs
//! (PyTorch's `nn.PReLU()` default): `y = x if x > 0 else a x`, `a = 0.25`
//! at initialisation. Backward: `da += sum dy x [x <= 0]`,
//! `dx = dy (1 if x > 0 else a)`.

use core::marker::PhantomData;

use crate::{Float, Init, Layer, Rng, Side, TensorInfo, TensorKind, Zeroable};

/// PReLU over `N` elements with one learned slope.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Prelu<T, const N: usize> {
    /// The slope for negative inputs.
    pub slope: [T; 1],
    _n: PhantomData<[(); N]>,
}

// SAFETY: one float array and a zero-sized marker.
#[allow(unsafe_code)]
unsafe impl<T: Float, const N: usize> Zeroable for Prelu<T, N> {}

/// The layer from a weight file at compile time (`#[nn(weights = ..)]`).
impl<const N: usize> Prelu<f32, N> {
    #[doc(hidden)]
    pub const fn __from_file(file: &[u8], t: &[usize], _b: &[usize]) -> Self {
        let mut l = <Self as Layer<f32, N, N>>::ZEROED;
        crate::weights::fill_f32(&mut l.slope, file, t[0]);
        l
    }
}

impl<T: Float, const N: usize> Prelu<T, N> {
    /// [`Layer::init`](crate::Layer::init) in a `const fn`, to the bit
    /// (what a network's `new_const` calls).
    pub const fn init_const(&mut self, _init: Init, _rng: &mut Rng) {
        self.slope = [crate::float::cast_const(0.25)];
    }
}

impl<T: Float, const N: usize> Layer<T, N, N> for Prelu<T, N> {
    type Aux = ();
    const ZEROED_AUX: () = ();
    const ZEROED: Self = Self {
        slope: [T::ZERO; 1],
        _n: PhantomData,
    };
    const TENSORS: usize = 1;
    const PARAMS: usize = 1;

    fn forward_with(&self, x: &[T; N], y: &mut [T; N], _side: Side) {
        let a = self.slope[0];
        for (y, x) in y.iter_mut().zip(x) {
            *y = if *x > T::ZERO { *x } else { a * *x };
        }
    }

    fn backward_with<const B: usize>(
        &self,
        x: &[[T; N]; B],
        _y: &[[T; N]; B],
        _aux: &[(); B],
        dy: &[[T; N]; B],
        dx: Option<&mut [[T; N]; B]>,
        grads: &mut Self,
        _sides: &[Side; B],
    ) {
        let a = self.slope[0];
        let mut da = T::ZERO;
        for b in 0..B {
            for i in 0..N {
                if x[b][i] <= T::ZERO {
                    da += dy[b][i] * x[b][i];
                }
            }
        }
        grads.slope[0] += da;
        if let Some(dx) = dx {
            for b in 0..B {
                for i in 0..N {
                    dx[b][i] = if x[b][i] > T::ZERO {
                        dy[b][i]
                    } else {
                        a * dy[b][i]
                    };
                }
            }
        }
    }

    fn tensor(&self, i: usize) -> &[T] {
        if i == 0 {
            &self.slope
        } else {
            &[]
        }
    }
    fn tensor_mut(&mut self, i: usize) -> &mut [T] {
        if i == 0 {
            &mut self.slope
        } else {
            &mut []
        }
    }
    fn tensor_info(i: usize) -> Option<TensorInfo> {
        (i == 0).then_some(TensorInfo {
            layer: "",
            name: "slope",
            shape: &[1],
            kind: TensorKind::Other,
            fan_in: 1,
            fan_out: 1,
        })
    }
    fn init(&mut self, init: Init, rng: &mut Rng) {
        self.init_const(init, rng);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_close, check_layer_gradients};

    #[test]
    fn golden_and_finite_differences() {
        let mut p = Prelu::<f64, 3>::ZEROED;
        p.init(Init::Zeros, &mut Rng::seed(0));
        let x = [[-2.0, 1.0, -0.5]];
        let mut y = [[0.0; 3]];
        p.forward(&x[0], &mut y[0]);
        assert_close(&y[0], &[-0.5, 1.0, -0.125], 1e-15);
        let mut g = Prelu::<f64, 3>::ZEROED;
        let mut dx = [[0.0; 3]];
        p.backward(&x, &y, &[(); 1], &[[1.0, 1.0, 2.0]], Some(&mut dx), &mut g);
        assert_close(&g.slope, &[-3.0], 1e-15);
        assert_close(&dx[0], &[0.25, 1.0, 0.5], 1e-15);
        check_layer_gradients::<_, 3, 3, 3>(&mut p, 5);
    }
}
