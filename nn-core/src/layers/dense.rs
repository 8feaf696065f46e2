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

use crate::kernels::{self, add_assign, axpy};
use crate::{Float, Init, Layer, Rng, Side, TensorInfo, TensorKind, Zeroable};

/// Dense layer with `I` inputs, `O` outputs and a bias when `BIAS`.
#[derive(Clone, Copy, Debug, PartialEq)]
// The weights on a cache line (see the module `layers`).
#[cfg_attr(target_arch = "x86_64", repr(C, align(64)))]
pub struct Dense<T, const I: usize, const O: usize, const BIAS: bool = true> {
    /// Weights, `[out][in]`.
    pub weight: [[T; I]; O],
    /// Bias (kept at zero, and not reported as a parameter, when `BIAS` is false).
    pub bias: [T; O],
}

// SAFETY: two float arrays.
#[allow(unsafe_code)]
unsafe impl<T: Float, const I: usize, const O: usize, const BIAS: bool> Zeroable
    for Dense<T, I, O, BIAS>
{
}

impl<T: Float, const I: usize, const O: usize, const BIAS: bool> Dense<T, I, O, BIAS> {
    /// [`Layer::init`](crate::Layer::init) in a `const fn`, to the bit
    /// (what a network's `new_const` calls).
    pub const fn init_const(&mut self, init: Init, rng: &mut Rng) {
        init.fill_const(self.weight.as_flattened_mut(), I, O, rng);
        self.bias = [T::ZERO; O];
    }

    const CHECK: () = assert!(I > 0 && O > 0, "dense sizes must be positive");

    /// Whether a training batch of `batch` samples goes through GEMM
    /// (`matrixmultiply`, with `alloc`) rather than the per-sample direct
    /// kernels: from 4 samples and `DENSE_GEMM_MIN_MACS` multiply-adds per
    /// batch (see [`kernels::dense_prefers_gemm`]).
    #[cfg_attr(
        not(feature = "alloc"),
        allow(dead_code, reason = "only the GEMM path asks")
    )]
    pub(crate) const fn use_gemm(batch: usize) -> bool {
        cfg!(feature = "alloc") && kernels::dense_prefers_gemm(batch, I, O)
    }

    /// Training forward of a batch by the direct kernel (one `forward` per sample).
    pub(crate) fn forward_batch_direct<const B: usize>(
        &self,
        x: &[[T; I]; B],
        y: &mut [[T; O]; B],
    ) {
        for (x, y) in x.iter().zip(y.iter_mut()) {
            self.forward(x, y);
        }
    }

    /// Training forward of a batch by one GEMM: `Y = X W^T + b`.
    #[cfg(feature = "alloc")]
    pub(crate) fn forward_batch_gemm<const B: usize>(&self, x: &[[T; I]; B], y: &mut [[T; O]; B]) {
        let () = Self::CHECK;
        for y in y.iter_mut() {
            *y = self.bias;
        }
        kernels::gemm(
            B,
            I,
            O,
            T::ONE,
            x.as_flattened(),
            false,
            self.weight.as_flattened(),
            true,
            T::ONE,
            y.as_flattened_mut(),
        );
    }

    /// Backward of a batch by the direct kernels (see [`Layer::backward`]).
    pub(crate) fn backward_direct<const B: usize>(
        &self,
        x: &[[T; I]; B],
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

    /// Backward of a batch by two GEMMs: `dW += dY^T X`, `dX = dY W`.
    #[cfg(feature = "alloc")]
    pub(crate) fn backward_gemm<const B: usize>(
        &self,
        x: &[[T; I]; B],
        dy: &[[T; O]; B],
        dx: Option<&mut [[T; I]; B]>,
        grads: &mut Self,
    ) {
        let () = Self::CHECK;
        kernels::gemm(
            O,
            B,
            I,
            T::ONE,
            dy.as_flattened(),
            true,
            x.as_flattened(),
            false,
            T::ONE,
            grads.weight.as_flattened_mut(),
        );
        if BIAS {
            for dy in dy {
                add_assign(&mut grads.bias, dy);
            }
        }
        if let Some(dx) = dx {
            kernels::gemm(
                B,
                O,
                I,
                T::ONE,
                dy.as_flattened(),
                false,
                self.weight.as_flattened(),
                false,
                T::ZERO,
                dx.as_flattened_mut(),
            );
        }
    }
}

/// The layer from a weight file at compile time (`#[nn(weights = ..)]`).
impl<const I: usize, const O: usize, const BIAS: bool> Dense<f32, I, O, BIAS> {
    #[doc(hidden)]
    pub const fn __from_file(file: &[u8], t: &[usize], _b: &[usize]) -> Self {
        let mut l = <Self as Layer<f32, I, O>>::ZEROED;
        crate::weights::fill_f32(l.weight.as_flattened_mut(), file, t[0]);
        if BIAS {
            crate::weights::fill_f32(&mut l.bias, file, t[1]);
        }
        l
    }
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
    fn forward_with(&self, x: &[T; I], y: &mut [T; O], _side: Side) {
        let () = Self::CHECK;
        *y = self.bias;
        kernels::gemv_acc(self.weight.as_flattened(), I, x, y);
    }

    fn forward_train_with<const B: usize>(
        &self,
        x: &[[T; I]; B],
        y: &mut [[T; O]; B],
        _aux: &mut [(); B],
        _sides: &[Side; B],
        _ctx: &mut crate::TrainCtx,
    ) {
        #[cfg(feature = "alloc")]
        if Self::use_gemm(B) {
            return self.forward_batch_gemm(x, y);
        }
        self.forward_batch_direct(x, y);
    }

    fn backward_with<const B: usize>(
        &self,
        x: &[[T; I]; B],
        _y: &[[T; O]; B],
        _aux: &[(); B],
        dy: &[[T; O]; B],
        dx: Option<&mut [[T; I]; B]>,
        grads: &mut Self,
        _sides: &[Side; B],
    ) {
        #[cfg(feature = "alloc")]
        if Self::use_gemm(B) {
            return self.backward_gemm(x, dy, dx, grads);
        }
        self.backward_direct(x, dy, dx, grads);
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

    /// The GEMM path (batches, with `alloc`) and the direct path agree on
    /// random data, forward and backward, in f32 and f64.
    #[cfg(feature = "alloc")]
    #[test]
    fn gemm_path_matches_direct_path() {
        fn check<T: Float, const I: usize, const O: usize, const B: usize>(tol: f64) {
            let mut rng = Rng::seed(I as u64 * 31 + O as u64);
            let mut d = Dense::<T, I, O>::ZEROED;
            d.init(Init::XavierNormal, &mut rng);
            d.bias.iter_mut().for_each(|b| *b = T::cast(rng.normal()));
            let mut x = [[T::ZERO; I]; B];
            let mut dy = [[T::ZERO; O]; B];
            x.as_flattened_mut()
                .iter_mut()
                .for_each(|v| *v = T::cast(rng.normal()));
            dy.as_flattened_mut()
                .iter_mut()
                .for_each(|v| *v = T::cast(rng.normal()));
            let (mut y1, mut y2) = ([[T::ZERO; O]; B], [[T::ZERO; O]; B]);
            d.forward_batch_direct(&x, &mut y1);
            d.forward_batch_gemm(&x, &mut y2);
            let close = |a: &[T], b: &[T]| {
                for (a, b) in a.iter().zip(b) {
                    let (a, b) = (a.as_f64(), b.as_f64());
                    assert!(
                        (a - b).abs() <= tol * (1.0 + a.abs().max(b.abs())),
                        "{a} vs {b}"
                    );
                }
            };
            close(y1.as_flattened(), y2.as_flattened());
            let (mut g1, mut g2) = (Dense::<T, I, O>::ZEROED, Dense::<T, I, O>::ZEROED);
            // Accumulates into what is already there.
            g1.weight[0][0] = T::ONE;
            g2.weight[0][0] = T::ONE;
            let (mut dx1, mut dx2) = ([[T::ZERO; I]; B], [[T::nan(); I]; B]);
            d.backward_direct(&x, &dy, Some(&mut dx1), &mut g1);
            d.backward_gemm(&x, &dy, Some(&mut dx2), &mut g2);
            close(dx1.as_flattened(), dx2.as_flattened());
            close(g1.weight.as_flattened(), g2.weight.as_flattened());
            close(&g1.bias, &g2.bias);
        }
        check::<f64, 37, 13, 9>(1e-12);
        check::<f32, 784, 128, 32>(1e-5);
        check::<f32, 64, 10, 5>(1e-5);
        assert!(Dense::<f32, 784, 128>::use_gemm(32));
        assert!(!Dense::<f32, 2, 2>::use_gemm(32));
        assert!(!Dense::<f32, 784, 128>::use_gemm(1));
    }

    #[test]
    fn finite_differences() {
        let mut d = Dense::<f64, 5, 4>::ZEROED;
        d.init(Init::XavierNormal, &mut Rng::seed(1));
        d.bias = [0.3, -0.1, 0.2, 0.05];
        check_layer_gradients::<_, 5, 4, 3>(&mut d, 11);
    }
}
