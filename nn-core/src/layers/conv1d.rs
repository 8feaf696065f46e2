//! 1-D convolution (cross-correlation, as PyTorch's `nn.Conv1d` with
//! `dilation = 1`, `groups = 1`, zero padding):
//!
//! `y[o, t] = b[o] + sum_{c, k} W[o, c, k] x[c, t S + k - P]`
//!
//! where reads outside `0..L` are zeros.
//!
//! Shapes and layouts (row-major, PyTorch's):
//! - input `x: [C, L]`, the flat row `[T; IN]` with `IN = C L`;
//! - output `y: [OC, OL]`, the flat row `[T; OUT]` with `OUT = OC OL`,
//!   `OL = (L + 2 P - K) / S + 1`;
//! - `weight: [OC, C, K]` (`[[[T; K]; C]; OC]`), `bias: [OC]`.
//!
//! Backward, for a batch (each sum also runs over the samples):
//! - `dW[o, c, k] += sum_t dy[o, t] x[c, t S + k - P]`
//! - `db[o] += sum_t dy[o, t]`
//! - `dx[c, i] = sum dy[o, t] W[o, c, k]` over the `(o, t, k)` with
//!   `t S + k - P = i`.
//!
//! It runs on the kernels of [`Conv2d`](super::Conv2d) with a plane of
//! height 1: the direct kernel for inference and without `alloc`, and
//! im2col + GEMM for training batches where that measured faster.
//! Initialisation: `fan_in = C K`, `fan_out = OC K`; zero bias.
//!
//! ```
//! use nn_core::Layer;
//! // 1 channel of 5 -> 1 channel of 3, kernel 3, stride 2, padding 1.
//! type C = nn_core::layers::Conv1d<f64, 1, 5, 1, 3, 2, 1, 3, 5, 3>;
//! let mut c = C::ZEROED;
//! c.weight = [[[1.0, 10.0, 100.0]]];
//! let mut y = [0.0; 3];
//! c.forward(&[1.0, 2.0, 3.0, 4.0, 5.0], &mut y);
//! assert_eq!(y, [210.0, 432.0, 54.0]);
//! ```

use crate::kernels::{self, Window2d};
use crate::{Float, Init, Layer, Rng, Side, TensorInfo, TensorKind, Zeroable};

/// 1-D convolution from `[C, L]` to `[OC, OL]`.
///
/// Const parameters, in order: input channels `C`, length `L`; output
/// channels `OC`; kernel size `K`; stride `S`; zero padding `P` (each
/// side); output length `OL`; flat lengths `IN = C L` and `OUT = OC OL`;
/// and `BIAS`. The derived sizes are checked at compile time.
#[derive(Clone, Copy, Debug, PartialEq)]
// The weights on a cache line (see the module `layers`).
#[cfg_attr(target_arch = "x86_64", repr(C, align(64)))]
pub struct Conv1d<
    T,
    const C: usize,
    const L: usize,
    const OC: usize,
    const K: usize,
    const S: usize,
    const P: usize,
    const OL: usize,
    const IN: usize,
    const OUT: usize,
    const BIAS: bool = true,
> {
    /// Kernels, `[out channel][in channel][tap]`.
    pub weight: [[[T; K]; C]; OC],
    /// Bias per output channel (kept at zero, and not a parameter tensor,
    /// when `BIAS` is false).
    pub bias: [T; OC],
}

// SAFETY: two float arrays.
#[allow(unsafe_code)]
unsafe impl<
        T: Float,
        const C: usize,
        const L: usize,
        const OC: usize,
        const K: usize,
        const S: usize,
        const P: usize,
        const OL: usize,
        const IN: usize,
        const OUT: usize,
        const BIAS: bool,
    > Zeroable for Conv1d<T, C, L, OC, K, S, P, OL, IN, OUT, BIAS>
{
}

/// The layer from a weight file at compile time (`#[nn(weights = ..)]`).
impl<
        const C: usize,
        const L: usize,
        const OC: usize,
        const K: usize,
        const S: usize,
        const P: usize,
        const OL: usize,
        const IN: usize,
        const OUT: usize,
        const BIAS: bool,
    > Conv1d<f32, C, L, OC, K, S, P, OL, IN, OUT, BIAS>
{
    #[doc(hidden)]
    pub const fn __from_file(file: &[u8], t: &[usize], _b: &[usize]) -> Self {
        let mut l = <Self as Layer<f32, IN, OUT>>::ZEROED;
        crate::weights::fill_f32(l.weight.as_flattened_mut().as_flattened_mut(), file, t[0]);
        if BIAS {
            crate::weights::fill_f32(&mut l.bias, file, t[1]);
        }
        l
    }
}

impl<
        T: Float,
        const C: usize,
        const L: usize,
        const OC: usize,
        const K: usize,
        const S: usize,
        const P: usize,
        const OL: usize,
        const IN: usize,
        const OUT: usize,
        const BIAS: bool,
    > Conv1d<T, C, L, OC, K, S, P, OL, IN, OUT, BIAS>
{
    /// [`Layer::init`](crate::Layer::init) in a `const fn`, to the bit
    /// (what a network's `new_const` calls).
    pub const fn init_const(&mut self, init: Init, rng: &mut Rng) {
        let w = self.weight.as_flattened_mut().as_flattened_mut();
        init.fill_const(w, C * K, OC * K, rng);
        self.bias = [T::ZERO; OC];
    }

    /// The sliding window, as a 2-D window of height 1.
    pub(crate) const GEOMETRY: Window2d = Window2d {
        h: 1,
        w: L,
        kh: 1,
        kw: K,
        sh: 1,
        sw: S,
        ph: 0,
        pw: P,
        oh: 1,
        ow: OL,
    };

    const CHECK: () = {
        assert!(C > 0 && OC > 0, "conv1d: channel counts must be positive");
        assert!(K > 0, "conv1d: kernel size must be positive");
        assert!(S > 0, "conv1d: stride must be positive");
        assert!(
            L + 2 * P >= K,
            "conv1d: kernel longer than the padded input"
        );
        assert!(
            Self::GEOMETRY.is_consistent(),
            "conv1d: OL differs from (L + 2P - K) / S + 1"
        );
        assert!(IN == C * L, "conv1d: IN differs from C * L");
        assert!(OUT == OC * OL, "conv1d: OUT differs from OC * OL");
    };

    fn weight_flat(&self) -> &[T] {
        self.weight.as_flattened().as_flattened()
    }

    fn bias_opt(&self) -> Option<&[T]> {
        BIAS.then_some(&self.bias[..])
    }

    /// Whether a training batch goes through im2col and GEMM (see
    /// [`Conv2d::use_im2col`](super::Conv2d::use_im2col)).
    #[doc(hidden)]
    pub fn use_im2col(batch: usize) -> bool {
        cfg!(feature = "alloc")
            && batch > 0
            && kernels::conv_prefers_im2col::<T>(&Self::GEOMETRY, C, OC)
    }

    /// Training forward of a batch by the direct kernel.
    pub(crate) fn forward_batch_direct<const B: usize>(
        &self,
        x: &[[T; IN]; B],
        y: &mut [[T; OUT]; B],
    ) {
        let () = Self::CHECK;
        kernels::conv2d_forward_batch(
            &Self::GEOMETRY,
            C,
            OC,
            x.as_flattened(),
            self.weight_flat(),
            self.bias_opt(),
            y.as_flattened_mut(),
        );
    }

    /// Training forward of a batch by im2col + GEMM.
    #[cfg(feature = "alloc")]
    pub(crate) fn forward_batch_im2col<const B: usize>(
        &self,
        x: &[[T; IN]; B],
        y: &mut [[T; OUT]; B],
    ) {
        let () = Self::CHECK;
        kernels::conv2d_forward_im2col(
            &Self::GEOMETRY,
            C,
            OC,
            x.as_flattened(),
            self.weight_flat(),
            self.bias_opt(),
            y.as_flattened_mut(),
        );
    }

    /// Backward of a batch by the direct kernel (see [`Layer::backward`]).
    pub(crate) fn backward_direct<const B: usize>(
        &self,
        x: &[[T; IN]; B],
        dy: &[[T; OUT]; B],
        dx: Option<&mut [[T; IN]; B]>,
        grads: &mut Self,
    ) {
        let () = Self::CHECK;
        let gw = grads.weight.as_flattened_mut().as_flattened_mut();
        kernels::conv2d_backward(
            &Self::GEOMETRY,
            C,
            OC,
            x.as_flattened(),
            self.weight_flat(),
            dy.as_flattened(),
            gw,
            BIAS.then_some(&mut grads.bias[..]),
            dx.map(|dx| dx.as_flattened_mut()),
        );
    }

    /// Backward of a batch by im2col + GEMM (see [`Layer::backward`]).
    #[cfg(feature = "alloc")]
    pub(crate) fn backward_im2col<const B: usize>(
        &self,
        x: &[[T; IN]; B],
        dy: &[[T; OUT]; B],
        dx: Option<&mut [[T; IN]; B]>,
        grads: &mut Self,
    ) {
        let () = Self::CHECK;
        kernels::conv2d_backward_im2col(
            &Self::GEOMETRY,
            C,
            OC,
            x.as_flattened(),
            self.weight_flat(),
            dy.as_flattened(),
            grads.weight.as_flattened_mut().as_flattened_mut(),
            BIAS.then_some(&mut grads.bias[..]),
            dx.map(|dx| dx.as_flattened_mut()),
        );
    }
}

impl<
        T: Float,
        const C: usize,
        const L: usize,
        const OC: usize,
        const K: usize,
        const S: usize,
        const P: usize,
        const OL: usize,
        const IN: usize,
        const OUT: usize,
        const BIAS: bool,
    > Layer<T, IN, OUT> for Conv1d<T, C, L, OC, K, S, P, OL, IN, OUT, BIAS>
{
    type Aux = ();
    const ZEROED_AUX: () = ();
    const ZEROED: Self = Self {
        weight: [[[T::ZERO; K]; C]; OC],
        bias: [T::ZERO; OC],
    };
    const TENSORS: usize = if BIAS { 2 } else { 1 };
    const PARAMS: usize = OC * C * K + if BIAS { OC } else { 0 };

    #[inline]
    fn forward_with(&self, x: &[T; IN], y: &mut [T; OUT], _side: Side) {
        let () = Self::CHECK;
        kernels::conv2d_forward(
            &Self::GEOMETRY,
            C,
            OC,
            x,
            self.weight_flat(),
            self.bias_opt(),
            y,
        );
    }

    fn forward_train_with<const B: usize>(
        &self,
        x: &[[T; IN]; B],
        y: &mut [[T; OUT]; B],
        _aux: &mut [(); B],
        _sides: &[Side; B],
        _ctx: &mut crate::TrainCtx,
    ) {
        #[cfg(feature = "alloc")]
        if Self::use_im2col(B) {
            return self.forward_batch_im2col(x, y);
        }
        self.forward_batch_direct(x, y);
    }

    fn backward_with<const B: usize>(
        &self,
        x: &[[T; IN]; B],
        _y: &[[T; OUT]; B],
        _aux: &[(); B],
        dy: &[[T; OUT]; B],
        dx: Option<&mut [[T; IN]; B]>,
        grads: &mut Self,
        _sides: &[Side; B],
    ) {
        #[cfg(feature = "alloc")]
        if Self::use_im2col(B) {
            return self.backward_im2col(x, dy, dx, grads);
        }
        self.backward_direct(x, dy, dx, grads);
    }

    fn tensor(&self, i: usize) -> &[T] {
        match i {
            0 => self.weight_flat(),
            1 if BIAS => &self.bias,
            _ => &[],
        }
    }

    fn tensor_mut(&mut self, i: usize) -> &mut [T] {
        match i {
            0 => self.weight.as_flattened_mut().as_flattened_mut(),
            1 if BIAS => &mut self.bias,
            _ => &mut [],
        }
    }

    fn tensor_info(i: usize) -> Option<TensorInfo> {
        match i {
            0 => Some(TensorInfo {
                layer: "",
                name: "weight",
                shape: &[OC, C, K],
                kind: TensorKind::Weight,
                fan_in: C * K,
                fan_out: OC * K,
            }),
            1 if BIAS => Some(TensorInfo {
                layer: "",
                name: "bias",
                shape: &[OC],
                kind: TensorKind::Bias,
                fan_in: C * K,
                fan_out: OC * K,
            }),
            _ => None,
        }
    }

    fn init(&mut self, init: Init, rng: &mut Rng) {
        init.fill(
            self.weight.as_flattened_mut().as_flattened_mut(),
            C * K,
            OC * K,
            rng,
        );
        self.bias = [T::ZERO; OC];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_close, check_layer_gradients};

    #[test]
    fn golden_two_channels_padded() {
        // x = [[1, 2, 3, 4], [0, -1, 1, 2]], kernel 2, stride 1, padding 1:
        // OL = 5, y[o, t] = b[o] + sum_c w[o, c, 0] x[c, t-1] + w[o, c, 1] x[c, t].
        // o0: w = [[1, 2], [3, -1]], b = 0.5: channel 0 gives
        //     [2, 5, 8, 11, 4], channel 1 [0, 1, -4, 1, 6], so
        //     [2.5, 6.5, 4.5, 12.5, 10.5].
        // o1: w = [[0, 1], [1, 0]], b = 0: x[0, t] + x[1, t-1] = [1, 2, 2, 5, 2].
        // (Checked with python3 plain loops.)
        type L = Conv1d<f64, 2, 4, 2, 2, 1, 1, 5, 8, 10>;
        let mut c = L::ZEROED;
        c.weight = [[[1.0, 2.0], [3.0, -1.0]], [[0.0, 1.0], [1.0, 0.0]]];
        c.bias = [0.5, 0.0];
        let mut y = [0.0; 10];
        c.forward(&[1.0, 2.0, 3.0, 4.0, 0.0, -1.0, 1.0, 2.0], &mut y);
        assert_close(
            &y,
            &[2.5, 6.5, 4.5, 12.5, 10.5, 1.0, 2.0, 2.0, 5.0, 2.0],
            1e-15,
        );
        assert_eq!(
            <L as Layer<f64, 8, 10>>::tensor_info(0).unwrap().shape,
            &[2, 2, 2]
        );
    }

    #[test]
    fn finite_differences() {
        type L = Conv1d<f64, 2, 7, 3, 3, 2, 1, 4, 14, 12>;
        let mut c = L::ZEROED;
        c.init(Init::XavierNormal, &mut Rng::seed(1));
        c.bias = [0.1, 0.2, -0.3];
        check_layer_gradients::<_, 14, 12, 3>(&mut c, 3);
        // im2col path (with `alloc`), no bias.
        type G = Conv1d<f64, 4, 16, 4, 5, 1, 2, 16, 64, 64, false>;
        assert_eq!(G::use_im2col(2), cfg!(feature = "alloc"));
        let mut g = G::ZEROED;
        g.init(Init::HeNormal, &mut Rng::seed(2));
        check_layer_gradients::<_, 64, 64, 2>(&mut g, 4);
    }

    #[cfg(feature = "alloc")]
    #[test]
    fn direct_and_im2col_agree_to_1e_12() {
        type G = Conv1d<f64, 3, 11, 5, 4, 3, 2, 4, 33, 20>;
        let mut c = G::ZEROED;
        let mut rng = Rng::seed(5);
        c.init(Init::HeNormal, &mut rng);
        c.bias = core::array::from_fn(|_| rng.normal());
        let mut x = [[0.0; 33]; 2];
        let mut dy = [[0.0; 20]; 2];
        x.as_flattened_mut()
            .iter_mut()
            .for_each(|v| *v = rng.normal());
        dy.as_flattened_mut()
            .iter_mut()
            .for_each(|v| *v = rng.normal());
        let (mut y1, mut y2) = ([[0.0; 20]; 2], [[0.0; 20]; 2]);
        c.forward_batch_direct(&x, &mut y1);
        c.forward_batch_im2col(&x, &mut y2);
        assert_close(y1.as_flattened(), y2.as_flattened(), 1e-12);
        let (mut g1, mut g2) = (G::ZEROED, G::ZEROED);
        let (mut dx1, mut dx2) = ([[0.0; 33]; 2], [[0.0; 33]; 2]);
        c.backward_direct(&x, &dy, Some(&mut dx1), &mut g1);
        c.backward_im2col(&x, &dy, Some(&mut dx2), &mut g2);
        assert_close(dx1.as_flattened(), dx2.as_flattened(), 1e-12);
        assert_close(g1.tensor(0), g2.tensor(0), 1e-12);
        assert_close(&g1.bias, &g2.bias, 1e-12);
    }
}
