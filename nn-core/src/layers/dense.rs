//! Fully connected layer: `y = W x + b`.
//!
//! Shapes: `x: [T; I]`, `W: [[T; I]; O]` (PyTorch's `Linear` layout, one
//! row per output), `b: [T; O]`, `y: [T; O]`. Backward for a batch:
//! `dW += sum_b dy_b x_b^T`, `db += sum_b dy_b`, `dx_b = W^T dy_b`.
//!
//! DSL: `Dense(units)`, `Dense(in => units)`, options `bias = false`,
//! `init = he_normal`.
//!
//! ```
//! use nn_core::Layer;
//! let mut d = nn_core::layers::Dense::<f64, 2, 1>::ZEROED;
//! d.weight = [[2.0, -1.0]];
//! d.bias = [0.5];
//! let mut y = [0.0];
//! d.forward(&[1.0, 3.0], &mut y);
//! assert_eq!(y, [-0.5]);
//! ```

use crate::kernels::{add_assign, axpy, dot};
use crate::{Float, Init, Layer, Rng, TensorInfo, TensorKind, Zeroable};

/// Dense layer with `I` inputs, `O` outputs and a bias when `BIAS`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dense<T, const I: usize, const O: usize, const BIAS: bool = true> {
    /// Weights, `[out][in]`.
    pub weight: [[T; I]; O],
    /// Bias (kept at zero, and not reported as a parameter, when `BIAS` is false).
    pub bias: [T; O],
}

// SAFETY: two float arrays.
unsafe impl<T: Float, const I: usize, const O: usize, const BIAS: bool> Zeroable
    for Dense<T, I, O, BIAS>
{
}

impl<T: Float, const I: usize, const O: usize, const BIAS: bool> Dense<T, I, O, BIAS> {
    const CHECK: () = assert!(I > 0 && O > 0, "dense sizes must be positive");
}

impl<T: Float, const I: usize, const O: usize, const BIAS: bool> Layer<T, I, O>
    for Dense<T, I, O, BIAS>
{
    type Aux = ();
    const ZEROED_AUX: () = ();
    const ZEROED: Self = Self {
        weight: [[T::ZERO; I]; O],
        bias: [T::ZERO; O],
    };
    const TENSORS: usize = if BIAS { 2 } else { 1 };
    const PARAMS: usize = I * O + if BIAS { O } else { 0 };

    #[inline]
    fn forward(&self, x: &[T; I], y: &mut [T; O]) {
        let () = Self::CHECK;
        for ((y, w), b) in y.iter_mut().zip(&self.weight).zip(&self.bias) {
            *y = *b + dot(w, x);
        }
    }

    fn backward<const B: usize>(
        &self,
        x: &[[T; I]; B],
        _y: &[[T; O]; B],
        _aux: &[(); B],
        dy: &[[T; O]; B],
        dx: Option<&mut [[T; I]; B]>,
        grads: &mut Self,
    ) {
        for (o, gw) in grads.weight.iter_mut().enumerate() {
            for (dy, x) in dy.iter().zip(x) {
                axpy(gw, dy[o], x);
            }
        }
        if BIAS {
            for dy in dy {
                add_assign(&mut grads.bias, dy);
            }
        }
        if let Some(dx) = dx {
            for (dx, dy) in dx.iter_mut().zip(dy) {
                *dx = [T::ZERO; I];
                for (w, g) in self.weight.iter().zip(dy) {
                    axpy(dx, *g, w);
                }
            }
        }
    }

    fn tensor(&self, i: usize) -> &[T] {
        match i {
            0 => self.weight.as_flattened(),
            1 if BIAS => &self.bias,
            _ => &[],
        }
    }

    fn tensor_mut(&mut self, i: usize) -> &mut [T] {
        match i {
            0 => self.weight.as_flattened_mut(),
            1 if BIAS => &mut self.bias,
            _ => &mut [],
        }
    }

    fn tensor_info(i: usize) -> Option<TensorInfo> {
        match i {
            0 => Some(TensorInfo {
                layer: "",
                name: "weight",
                shape: &[O, I],
                kind: TensorKind::Weight,
                fan_in: I,
                fan_out: O,
            }),
            1 if BIAS => Some(TensorInfo {
                layer: "",
                name: "bias",
                shape: &[O],
                kind: TensorKind::Bias,
                fan_in: I,
                fan_out: O,
            }),
            _ => None,
        }
    }

    fn init(&mut self, init: Init, rng: &mut Rng) {
        init.fill(self.weight.as_flattened_mut(), I, O, rng);
        self.bias = [T::ZERO; O];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_close, check_layer_gradients};

    #[test]
    fn golden_forward_and_gradients() {
        let mut d = Dense::<f64, 3, 2>::ZEROED;
        d.weight = [[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]];
        d.bias = [0.1, -0.2];
        let x = [[1.0, -1.0, 2.0]];
        let mut y = [[0.0; 2]];
        d.forward(&x[0], &mut y[0]);
        assert_close(&y[0], &[5.1, -1.7], 1e-12);
        let dy = [[1.0, 2.0]];
        let mut dx = [[0.0; 3]];
        let mut g = Dense::<f64, 3, 2>::ZEROED;
        d.backward(&x, &y, &[(); 1], &dy, Some(&mut dx), &mut g);
        assert_close(&dx[0], &[-1.0, 3.0, 3.0], 1e-12);
        assert_close(
            g.weight.as_flattened(),
            &[1.0, -1.0, 2.0, 2.0, -2.0, 4.0],
            1e-12,
        );
        assert_close(&g.bias, &[1.0, 2.0], 1e-12);
    }

    #[test]
    fn no_bias_means_no_bias_tensor() {
        let d = Dense::<f32, 3, 2, false>::ZEROED;
        assert_eq!(<Dense<f32, 3, 2, false> as Layer<f32, 3, 2>>::PARAMS, 6);
        assert!(d.tensor(1).is_empty());
    }

    #[test]
    fn finite_differences() {
        let mut d = Dense::<f64, 5, 4>::ZEROED;
        d.init(Init::XavierNormal, &mut Rng::seed(1));
        d.bias = [0.3, -0.1, 0.2, 0.05];
        check_layer_gradients::<_, 5, 4, 3>(&mut d, 11);
    }
}
