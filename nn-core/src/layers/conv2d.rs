//! 2-D convolution (cross-correlation, as PyTorch's `nn.Conv2d` with
//! `dilation = 1`, `groups = 1`, zero padding):
//!
//! `y[o, oy, ox] = b[o] + sum_{c, ki, kj} W[o, c, ki, kj] x[c, oy SH + ki - PH, ox SW + kj - PW]`
//!
//! where reads outside the `H x W` plane are zeros.
//!
//! Shapes and layouts (row-major, PyTorch's, so weights exchange as is):
//! - input `x: [C, H, W]`, the flat row `[T; IN]` with `IN = C H W`;
//! - output `y: [OC, OH, OW]`, the flat row `[T; OUT]` with
//!   `OUT = OC OH OW`, `OH = (H + 2 PH - KH) / SH + 1`,
//!   `OW = (W + 2 PW - KW) / SW + 1`;
//! - `weight: [OC, C, KH, KW]` (`[[[[T; KW]; KH]; C]; OC]`), `bias: [OC]`.
//!
//! Backward, for a batch (each sum also runs over the samples `b`):
//! - `dW[o, c, ki, kj] += sum_{oy, ox} dy[o, oy, ox] x[c, oy SH + ki - PH, ox SW + kj - PW]`
//! - `db[o] += sum_{oy, ox} dy[o, oy, ox]`
//! - `dx[c, iy, ix] = sum dy[o, oy, ox] W[o, c, ki, kj]` over the
//!   `(o, oy, ox, ki, kj)` with `oy SH + ki - PH = iy`, `ox SW + kj - PW = ix`
//!   (the transposed convolution of `dy`).
//!
//! Two kernels compute this. The direct one ([`kernels::conv2d_forward`])
//! allocates nothing and is always used for inference and without the
//! `alloc` feature (its AVX2 copy for `f32` with `std` packs the weights
//! in an 18 KiB stack buffer; only its backward keeps two buffers per
//! thread). With `alloc`, a training batch may
//! instead go through im2col and a GEMM per sample (`matrixmultiply`),
//! chosen at run time by [`Conv2d::use_im2col`] for the shapes and CPUs
//! where it measured faster. Both agree to rounding (tested to 1e-12 in
//! `f64`).
//!
//! Initialisation: `init.fill` on the weight with `fan_in = C KH KW`,
//! `fan_out = OC KH KW` (as PyTorch computes fans for convolutions); the
//! bias starts at zero.
//!
//! ```
//! use nn_core::Layer;
//! // 1 channel 3x3 -> 1 channel 2x2, 2x2 kernel, stride 1, no padding.
//! type C = nn_core::layers::Conv2d<f64, 1, 3, 3, 1, 2, 2, 1, 1, 0, 0, 2, 2, 9, 4>;
//! let mut c = C::ZEROED;
//! c.weight = [[[[1.0, 0.0], [0.0, 1.0]]]];
//! c.bias = [0.5];
//! let mut y = [0.0; 4];
//! c.forward(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0], &mut y);
//! assert_eq!(y, [6.5, 8.5, 12.5, 14.5]);
//! ```

use crate::kernels::{self, Window2d};
use crate::{Float, Init, Layer, Rng, Side, TensorInfo, TensorKind, Zeroable};

/// 2-D convolution from `[C, H, W]` to `[OC, OH, OW]`.
///
/// Const parameters, in order: input channels `C`, height `H`, width `W`;
/// output channels `OC`; kernel `KH x KW`; stride `SH, SW`; zero padding
/// `PH, PW` (each side); output size `OH, OW`; flat lengths
/// `IN = C H W` and `OUT = OC OH OW`; and `BIAS`. The derived sizes are
/// checked at compile time.
#[derive(Clone, Copy, Debug, PartialEq)]
// The weights on a cache line (see the module `layers`).
#[cfg_attr(target_arch = "x86_64", repr(C, align(64)))]
pub struct Conv2d<
    T,
    const C: usize,
    const H: usize,
    const W: usize,
    const OC: usize,
    const KH: usize,
    const KW: usize,
    const SH: usize,
    const SW: usize,
    const PH: usize,
    const PW: usize,
    const OH: usize,
    const OW: usize,
    const IN: usize,
    const OUT: usize,
    const BIAS: bool = true,
> {
    /// Kernels, `[out channel][in channel][row][column]`.
    pub weight: [[[[T; KW]; KH]; C]; OC],
    /// Bias per output channel (kept at zero, and not a parameter tensor,
    /// when `BIAS` is false).
    pub bias: [T; OC],
}

// SAFETY: two float arrays.
#[allow(unsafe_code)]
unsafe impl<
        T: Float,
        const C: usize,
        const H: usize,
        const W: usize,
        const OC: usize,
        const KH: usize,
        const KW: usize,
        const SH: usize,
        const SW: usize,
        const PH: usize,
        const PW: usize,
        const OH: usize,
        const OW: usize,
        const IN: usize,
        const OUT: usize,
        const BIAS: bool,
    > Zeroable for Conv2d<T, C, H, W, OC, KH, KW, SH, SW, PH, PW, OH, OW, IN, OUT, BIAS>
{
}

/// The layer from a weight file at compile time (`#[nn(weights = ..)]`).
impl<
        const C: usize,
        const H: usize,
        const W: usize,
        const OC: usize,
        const KH: usize,
        const KW: usize,
        const SH: usize,
        const SW: usize,
        const PH: usize,
        const PW: usize,
        const OH: usize,
        const OW: usize,
        const IN: usize,
        const OUT: usize,
        const BIAS: bool,
    > Conv2d<f32, C, H, W, OC, KH, KW, SH, SW, PH, PW, OH, OW, IN, OUT, BIAS>
{
    #[doc(hidden)]
    pub const fn __from_file(file: &[u8], t: &[usize], _b: &[usize]) -> Self {
        let mut l = <Self as Layer<f32, IN, OUT>>::ZEROED;
        let w = l
            .weight
            .as_flattened_mut()
            .as_flattened_mut()
            .as_flattened_mut();
        crate::weights::fill_f32(w, file, t[0]);
        if BIAS {
            crate::weights::fill_f32(&mut l.bias, file, t[1]);
        }
        l
    }
}

impl<
        T: Float,
        const C: usize,
        const H: usize,
        const W: usize,
        const OC: usize,
        const KH: usize,
        const KW: usize,
        const SH: usize,
        const SW: usize,
        const PH: usize,
        const PW: usize,
        const OH: usize,
        const OW: usize,
        const IN: usize,
        const OUT: usize,
        const BIAS: bool,
    > Conv2d<T, C, H, W, OC, KH, KW, SH, SW, PH, PW, OH, OW, IN, OUT, BIAS>
{
    /// [`Layer::init`](crate::Layer::init) in a `const fn`, to the bit
    /// (what a network's `new_const` calls).
    pub const fn init_const(&mut self, init: Init, rng: &mut Rng) {
        let w = self
            .weight
            .as_flattened_mut()
            .as_flattened_mut()
            .as_flattened_mut();
        init.fill_const(w, C * KH * KW, OC * KH * KW, rng);
        self.bias = [T::ZERO; OC];
    }

    /// The sliding window.
    pub(crate) const GEOMETRY: Window2d = Window2d {
        h: H,
        w: W,
        kh: KH,
        kw: KW,
        sh: SH,
        sw: SW,
        ph: PH,
        pw: PW,
        oh: OH,
        ow: OW,
    };

    const CHECK: () = {
        assert!(C > 0 && OC > 0, "conv2d: channel counts must be positive");
        assert!(KH > 0 && KW > 0, "conv2d: kernel size must be positive");
        assert!(SH > 0 && SW > 0, "conv2d: stride must be positive");
        assert!(
            H + 2 * PH >= KH && W + 2 * PW >= KW,
            "conv2d: kernel larger than the padded input"
        );
        assert!(
            Self::GEOMETRY.is_consistent(),
            "conv2d: OH/OW differ from (H + 2P - K) / S + 1"
        );
        assert!(IN == C * H * W, "conv2d: IN differs from C * H * W");
        assert!(OUT == OC * OH * OW, "conv2d: OUT differs from OC * OH * OW");
    };

    /// The weight as one flat slice `[OC * C * KH * KW]`.
    fn weight_flat(&self) -> &[T] {
        self.weight.as_flattened().as_flattened().as_flattened()
    }

    fn bias_opt(&self) -> Option<&[T]> {
        BIAS.then_some(&self.bias[..])
    }

    /// Whether a training batch of `batch` samples goes through im2col and
    /// GEMM rather than the direct kernel: with `alloc`, when
    /// [`kernels::conv_prefers_im2col`] says it measured faster for this
    /// shape on this CPU (the `im2col_vs_direct` test times both).
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
        let gw = grads
            .weight
            .as_flattened_mut()
            .as_flattened_mut()
            .as_flattened_mut();
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
            grads
                .weight
                .as_flattened_mut()
                .as_flattened_mut()
                .as_flattened_mut(),
            BIAS.then_some(&mut grads.bias[..]),
            dx.map(|dx| dx.as_flattened_mut()),
        );
    }
}

impl<
        T: Float,
        const C: usize,
        const H: usize,
        const W: usize,
        const OC: usize,
        const KH: usize,
        const KW: usize,
        const SH: usize,
        const SW: usize,
        const PH: usize,
        const PW: usize,
        const OH: usize,
        const OW: usize,
        const IN: usize,
        const OUT: usize,
        const BIAS: bool,
    > Layer<T, IN, OUT> for Conv2d<T, C, H, W, OC, KH, KW, SH, SW, PH, PW, OH, OW, IN, OUT, BIAS>
{
    type Aux = ();
    const ZEROED_AUX: () = ();
    const ZEROED: Self = Self {
        weight: [[[[T::ZERO; KW]; KH]; C]; OC],
        bias: [T::ZERO; OC],
    };
    const TENSORS: usize = if BIAS { 2 } else { 1 };
    const PARAMS: usize = OC * C * KH * KW + if BIAS { OC } else { 0 };

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
            0 => self
                .weight
                .as_flattened_mut()
                .as_flattened_mut()
                .as_flattened_mut(),
            1 if BIAS => &mut self.bias,
            _ => &mut [],
        }
    }

    fn tensor_info(i: usize) -> Option<TensorInfo> {
        match i {
            0 => Some(TensorInfo {
                layer: "",
                name: "weight",
                shape: &[OC, C, KH, KW],
                kind: TensorKind::Weight,
                fan_in: C * KH * KW,
                fan_out: OC * KH * KW,
            }),
            1 if BIAS => Some(TensorInfo {
                layer: "",
                name: "bias",
                shape: &[OC],
                kind: TensorKind::Bias,
                fan_in: C * KH * KW,
                fan_out: OC * KH * KW,
            }),
            _ => None,
        }
    }

    fn init(&mut self, init: Init, rng: &mut Rng) {
        let w = self
            .weight
            .as_flattened_mut()
            .as_flattened_mut()
            .as_flattened_mut();
        init.fill(w, C * KH * KW, OC * KH * KW, rng);
        self.bias = [T::ZERO; OC];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_close, check_layer_gradients};

    /// Reference convolution with plain loops and explicit bounds checks.
    #[cfg(feature = "std")]
    #[allow(
        clippy::too_many_arguments,
        reason = "the reference takes every size explicitly"
    )]
    fn naive(
        x: &[f64],
        w: &[f64],
        b: &[f64],
        c: usize,
        h: usize,
        wd: usize,
        oc: usize,
        (kh, kw, sh, sw, ph, pw): (usize, usize, usize, usize, usize, usize),
    ) -> std::vec::Vec<f64> {
        let oh = (h + 2 * ph - kh) / sh + 1;
        let ow = (wd + 2 * pw - kw) / sw + 1;
        let mut y = std::vec![0.0; oc * oh * ow];
        for o in 0..oc {
            for oy in 0..oh {
                for ox in 0..ow {
                    let mut s = b[o];
                    for ci in 0..c {
                        for ki in 0..kh {
                            for kj in 0..kw {
                                let iy = (oy * sh + ki) as isize - ph as isize;
                                let ix = (ox * sw + kj) as isize - pw as isize;
                                if iy < 0 || ix < 0 || iy >= h as isize || ix >= wd as isize {
                                    continue;
                                }
                                s += w[((o * c + ci) * kh + ki) * kw + kj]
                                    * x[(ci * h + iy as usize) * wd + ix as usize];
                            }
                        }
                    }
                    y[(o * oh + oy) * ow + ox] = s;
                }
            }
        }
        y
    }

    #[cfg(feature = "std")]
    fn ramp<const N: usize>(scale: f64, shift: f64) -> [f64; N] {
        core::array::from_fn(|i| (i as f64 * scale + shift).sin())
    }

    #[test]
    fn golden_padded_strided() {
        // x = 1..16 on a 4x4 plane, kernel [[1, 2], [3, 4]] with padding 1
        // and stride 2: outputs at the corners of a 3x3 grid. By hand:
        // y[0,0] = 4*1 = 4; y[0,1] = 3*2 + 4*3 = 18; y[0,2] = 3*4 = 12;
        // y[1,0] = 2*5 + 4*9 = 46; y[1,1] = 6 + 2*7 + 3*10 + 4*11 = 94;
        // y[1,2] = 8 + 3*12 = 44; y[2,0] = 2*13 = 26;
        // y[2,1] = 14 + 2*15 = 44; y[2,2] = 16. Plus bias 1.
        type L = Conv2d<f64, 1, 4, 4, 1, 2, 2, 2, 2, 1, 1, 3, 3, 16, 9>;
        let mut c = L::ZEROED;
        c.weight = [[[[1.0, 2.0], [3.0, 4.0]]]];
        c.bias = [1.0];
        let x: [f64; 16] = core::array::from_fn(|i| i as f64 + 1.0);
        let mut y = [0.0; 9];
        c.forward(&x, &mut y);
        assert_close(
            &y,
            &[5.0, 19.0, 13.0, 47.0, 95.0, 45.0, 27.0, 45.0, 17.0],
            1e-15,
        );
    }

    #[test]
    fn golden_two_channels() {
        // 2 channels 2x3 -> 2 channels 1x2 with a 2x2 kernel, stride 1,
        // values from python3 with plain loops.
        type L = Conv2d<f64, 2, 2, 3, 2, 2, 2, 1, 1, 0, 0, 1, 2, 12, 4>;
        let mut c = L::ZEROED;
        c.weight = [
            [[[1.0, -1.0], [0.5, 2.0]], [[0.0, 1.0], [-2.0, 0.25]]],
            [[[0.5, 0.5], [0.5, 0.5]], [[1.0, 0.0], [0.0, -1.0]]],
        ];
        c.bias = [0.1, -0.2];
        let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, -1.0, 0.5, 2.0, 3.0, -2.0, 1.0];
        let mut y = [0.0; 4];
        c.forward(&x, &mut y);
        // o0: (1-2+2+10) + (0.5-6-0.5) = 5; 5.1.  (2-3+2.5+12) + (2+4+0.25) = 19.75; 19.85.
        // o1: 0.5*(1+2+4+5) + (-1 - -2) = 7; 6.8. 0.5*(2+3+5+6) + (0.5-1) = 7.5; 7.3.
        assert_close(&y, &[5.1, 19.85, 6.8, 7.3], 1e-14);
    }

    #[test]
    #[cfg(feature = "std")]
    fn direct_matches_naive_on_odd_geometries() {
        // stride 2 x 3, padding 2 x 1 (larger than half the kernel), kernel 3 x 2.
        type L = Conv2d<f64, 3, 5, 7, 4, 3, 2, 2, 3, 2, 1, 4, 3, 105, 48>;
        let mut c = L::ZEROED;
        c.init(Init::XavierNormal, &mut Rng::seed(4));
        c.bias = [0.1, -0.3, 0.2, 0.7];
        let x: [f64; 105] = ramp(0.37, 0.1);
        let mut y = [0.0; 48];
        c.forward(&x, &mut y);
        let want = naive(&x, c.tensor(0), &c.bias, 3, 5, 7, 4, (3, 2, 2, 3, 2, 1));
        assert_close(&y, &want, 1e-13);
        // Rows wider than the 16-column tile: full tiles, border tiles and
        // a partial last tile, with stride 1 and 2.
        type Wide = Conv2d<f64, 2, 3, 37, 3, 3, 3, 1, 1, 1, 1, 3, 37, 222, 333>;
        let mut c = Wide::ZEROED;
        c.init(Init::XavierNormal, &mut Rng::seed(5));
        c.bias = [0.1, -0.3, 0.2];
        let x: [f64; 222] = ramp(0.91, 0.3);
        let mut y = [0.0; 333];
        c.forward(&x, &mut y);
        let want = naive(&x, c.tensor(0), &c.bias, 2, 3, 37, 3, (3, 3, 1, 1, 1, 1));
        assert_close(&y, &want, 1e-13);
        type Strided = Conv2d<f64, 2, 3, 75, 2, 2, 4, 1, 2, 0, 2, 2, 38, 450, 152>;
        let mut c = Strided::ZEROED;
        c.init(Init::XavierNormal, &mut Rng::seed(6));
        c.bias = [0.5, -0.5];
        let x: [f64; 450] = ramp(0.53, 0.7);
        let mut y = [0.0; 152];
        c.forward(&x, &mut y);
        let want = naive(&x, c.tensor(0), &c.bias, 2, 3, 75, 2, (2, 4, 1, 2, 0, 2));
        assert_close(&y, &want, 1e-13);
    }

    #[test]
    fn finite_differences() {
        type L = Conv2d<f64, 2, 5, 4, 3, 3, 2, 2, 1, 1, 1, 3, 5, 40, 45>;
        let mut c = L::ZEROED;
        c.init(Init::HeNormal, &mut Rng::seed(1));
        c.bias = [0.2, -0.1, 0.3];
        check_layer_gradients::<_, 40, 45, 2>(&mut c, 7);
        // Without bias, stride 2 both ways, no padding.
        type M = Conv2d<f64, 1, 5, 5, 2, 3, 3, 2, 2, 0, 0, 2, 2, 25, 8, false>;
        let mut m = M::ZEROED;
        m.init(Init::HeNormal, &mut Rng::seed(2));
        assert_eq!(<M as Layer<f64, 25, 8>>::TENSORS, 1);
        check_layer_gradients::<_, 25, 8, 3>(&mut m, 8);
        // A shape that trains through im2col + GEMM when `alloc` is on.
        type G = Conv2d<f64, 4, 4, 4, 4, 3, 3, 1, 1, 1, 1, 4, 4, 64, 64>;
        assert_eq!(G::use_im2col(2), cfg!(feature = "alloc"));
        let mut g = G::ZEROED;
        g.init(Init::HeNormal, &mut Rng::seed(3));
        g.bias = [0.1, 0.2, -0.3, 0.0];
        check_layer_gradients::<_, 64, 64, 2>(&mut g, 9);
    }

    #[test]
    #[cfg(feature = "alloc")]
    fn init_uses_conv_fans() {
        type L = Conv2d<f64, 4, 8, 8, 16, 3, 3, 1, 1, 1, 1, 8, 8, 256, 1024>;
        let info = <L as Layer<f64, 256, 1024>>::tensor_info(0).unwrap();
        assert_eq!((info.fan_in, info.fan_out), (36, 144));
        assert_eq!(info.shape, &[16, 4, 3, 3]);
        assert_eq!(<L as Layer<f64, 256, 1024>>::PARAMS, 16 * 36 + 16);
        let mut c = crate::boxed_zeroed::<L>();
        c.bias = [1.0; 16];
        c.init(Init::HeUniform, &mut Rng::seed(3));
        let w = c.tensor(0);
        let bound = (6.0f64 / 36.0).sqrt();
        assert!(w.iter().all(|v| v.abs() <= bound) && w.iter().any(|v| *v != 0.0));
        assert_eq!(c.bias, [0.0; 16]);
    }

    /// Runs both kernels on the same batch and compares outputs and
    /// gradients (weights, bias, input) to 1e-12.
    #[cfg(feature = "alloc")]
    fn direct_and_im2col_agree<
        const C: usize,
        const H: usize,
        const W: usize,
        const OC: usize,
        const KH: usize,
        const KW: usize,
        const SH: usize,
        const SW: usize,
        const PH: usize,
        const PW: usize,
        const OH: usize,
        const OW: usize,
        const IN: usize,
        const OUT: usize,
        const BIAS: bool,
    >(
        seed: u64,
    ) {
        const B: usize = 3;
        let mut c = crate::boxed_zeroed::<
            Conv2d<f64, C, H, W, OC, KH, KW, SH, SW, PH, PW, OH, OW, IN, OUT, BIAS>,
        >();
        let mut rng = Rng::seed(seed);
        c.init(Init::HeNormal, &mut rng);
        c.bias.iter_mut().for_each(|b| *b = rng.normal());
        let mut x = [[0.0; IN]; B];
        let mut dy = [[0.0; OUT]; B];
        x.as_flattened_mut()
            .iter_mut()
            .for_each(|v| *v = rng.normal());
        dy.as_flattened_mut()
            .iter_mut()
            .for_each(|v| *v = rng.normal());

        let (mut y1, mut y2) = ([[0.0; OUT]; B], [[f64::NAN; OUT]; B]);
        c.forward_batch_direct(&x, &mut y1);
        c.forward_batch_im2col(&x, &mut y2);
        assert_close(y1.as_flattened(), y2.as_flattened(), 1e-12);

        let mut g1 = crate::boxed_zeroed::<
            Conv2d<f64, C, H, W, OC, KH, KW, SH, SW, PH, PW, OH, OW, IN, OUT, BIAS>,
        >();
        let mut g2 = crate::boxed_zeroed::<
            Conv2d<f64, C, H, W, OC, KH, KW, SH, SW, PH, PW, OH, OW, IN, OUT, BIAS>,
        >();
        // Gradients accumulate: start both from the same nonzero values.
        g1.weight
            .as_flattened_mut()
            .as_flattened_mut()
            .as_flattened_mut()
            .fill(0.5);
        g2.weight
            .as_flattened_mut()
            .as_flattened_mut()
            .as_flattened_mut()
            .fill(0.5);
        let (mut dx1, mut dx2) = ([[f64::NAN; IN]; B], [[f64::NAN; IN]; B]);
        c.backward_direct(&x, &dy, Some(&mut dx1), &mut g1);
        c.backward_im2col(&x, &dy, Some(&mut dx2), &mut g2);
        assert_close(dx1.as_flattened(), dx2.as_flattened(), 1e-12);
        assert_close(g1.tensor(0), g2.tensor(0), 1e-12);
        assert_close(&g1.bias, &g2.bias, 1e-12);
        // And without dx.
        let mut g3 = crate::boxed_zeroed::<
            Conv2d<f64, C, H, W, OC, KH, KW, SH, SW, PH, PW, OH, OW, IN, OUT, BIAS>,
        >();
        g3.weight
            .as_flattened_mut()
            .as_flattened_mut()
            .as_flattened_mut()
            .fill(0.5);
        c.backward_im2col(&x, &dy, None, &mut g3);
        assert_close(g1.tensor(0), g3.tensor(0), 1e-12);
    }

    #[test]
    #[cfg(feature = "alloc")]
    fn direct_and_im2col_agree_to_1e_12() {
        direct_and_im2col_agree::<3, 9, 8, 5, 3, 3, 1, 1, 1, 1, 9, 8, 216, 360, true>(1);
        direct_and_im2col_agree::<2, 7, 9, 4, 3, 2, 2, 3, 2, 1, 5, 4, 126, 80, true>(2);
        direct_and_im2col_agree::<4, 5, 5, 3, 1, 1, 1, 1, 0, 0, 5, 5, 100, 75, false>(3);
        direct_and_im2col_agree::<1, 6, 6, 2, 5, 5, 1, 1, 0, 0, 2, 2, 36, 8, true>(4);
        direct_and_im2col_agree::<2, 4, 4, 3, 2, 2, 2, 2, 3, 3, 5, 5, 32, 75, true>(5);
    }

    /// Times both kernels on typical shapes; run with
    /// `cargo test --release -p nn-core im2col_vs_direct -- --ignored --nocapture`.
    #[test]
    #[ignore]
    #[cfg(feature = "std")]
    fn im2col_vs_direct() {
        fn time<F: FnMut()>(mut f: F) -> f64 {
            f();
            let reps = 50;
            let t = std::time::Instant::now();
            for _ in 0..reps {
                f();
            }
            t.elapsed().as_secs_f64() / reps as f64 * 1e6
        }
        fn bench<
            const C: usize,
            const H: usize,
            const OC: usize,
            const K: usize,
            const P: usize,
            const OH: usize,
            const IN: usize,
            const OUT: usize,
        >() {
            const B: usize = 32;
            type F = f32;
            let mut c =
                crate::boxed_zeroed::<Conv2d<F, C, H, H, OC, K, K, 1, 1, P, P, OH, OH, IN, OUT>>();
            c.init(Init::HeNormal, &mut Rng::seed(1));
            let x = crate::vec_zeroed::<[[F; IN]; B]>(1);
            let mut y = crate::vec_zeroed::<[[F; OUT]; B]>(1);
            let mut dx = crate::vec_zeroed::<[[F; IN]; B]>(1);
            let mut g =
                crate::boxed_zeroed::<Conv2d<F, C, H, H, OC, K, K, 1, 1, P, P, OH, OH, IN, OUT>>();
            let fd = time(|| c.forward_batch_direct(&x[0], &mut y[0]));
            let fi = time(|| c.forward_batch_im2col(&x[0], &mut y[0]));
            let bd = time(|| c.backward_direct(&x[0], &y[0], Some(&mut dx[0]), &mut g));
            let bi = time(|| c.backward_im2col(&x[0], &y[0], Some(&mut dx[0]), &mut g));
            std::println!(
                "C={C} {H}x{H} OC={OC} K={K} P={P} B={B} ({} MACs/sample): forward direct {fd:.0} us im2col {fi:.0} us; backward direct {bd:.0} us im2col {bi:.0} us", C * K * K * OUT
            );
        }
        // LeNet's two convolutions (the peer benchmark's W2).
        bench::<1, 28, 6, 5, 0, 24, 784, 3456>();
        bench::<6, 12, 16, 5, 0, 8, 864, 1024>();
        bench::<1, 4, 2, 3, 1, 4, 16, 32>();
        bench::<1, 28, 2, 3, 1, 28, 784, 1568>();
        bench::<1, 28, 3, 3, 1, 28, 784, 2352>();
        bench::<2, 16, 2, 3, 1, 16, 512, 512>();
        bench::<8, 8, 2, 3, 1, 8, 512, 128>();
        bench::<1, 6, 2, 3, 1, 6, 36, 72>();
        bench::<1, 6, 4, 3, 1, 6, 36, 144>();
        bench::<2, 6, 4, 3, 1, 6, 72, 144>();
        bench::<1, 8, 2, 3, 1, 8, 64, 128>();
        bench::<1, 8, 4, 3, 1, 8, 64, 256>();
        bench::<2, 8, 4, 3, 1, 8, 128, 256>();
        bench::<4, 4, 4, 3, 1, 4, 64, 64>();
        bench::<1, 28, 8, 3, 1, 28, 784, 6272>();
        bench::<1, 28, 16, 5, 1, 26, 784, 10816>();
        bench::<4, 16, 8, 3, 1, 16, 1024, 2048>();
        bench::<8, 14, 16, 3, 1, 14, 1568, 3136>();
        bench::<16, 14, 16, 3, 1, 14, 3136, 3136>();
        bench::<16, 8, 32, 3, 1, 8, 1024, 2048>();
        bench::<32, 8, 64, 3, 1, 8, 2048, 4096>();
        bench::<64, 4, 64, 3, 1, 4, 1024, 1024>();
        bench::<3, 32, 16, 3, 1, 32, 3072, 16384>();
    }
}
