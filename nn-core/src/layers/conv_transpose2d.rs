//! The transposed 2-d convolution (PyTorch's `ConvTranspose2d`, the
//! "deconvolution" of a generator): each input position scatters its
//! kernel-weighted value over a window of the output, so the output
//! grows with the stride.

use crate::{Float, Init, Layer, Rng, Side, TensorInfo, TensorKind, TrainCtx};

/// Transposed 2-D convolution from `[C, H, W]` to `[OC, OH, OW]` with
/// `OH = (H - 1) SH - 2 PH + KH` (and the same for the width): PyTorch's
/// `ConvTranspose2d(C, OC, (KH, KW), stride=(SH, SW), padding=(PH, PW))`
/// without `output_padding`, its weight layout `[C, OC, KH, KW]`:
///
/// ```text
/// y[o][i SH - PH + a][j SW - PW + b] += x[c][i][j] w[c][o][a][b]   (+ bias[o])
/// ```
///
/// over every input position and kernel tap whose target is inside the
/// output. It is the gradient of a `Conv2d` with the same geometry with
/// respect to its input. Const parameters, in order: `C, H, W, OC, KH, KW,
/// SH, SW, PH, PW, OH, OW, IN = C H W, OUT = OC OH OW, BIAS`; the derived
/// sizes are checked at compile time. Initialisation: the scheme given
/// (fans `C KH KW` in, `OC KH KW` out), bias zero.
#[derive(Clone, Copy, Debug, PartialEq)]
// The weights on a cache line (see the module `layers`).
#[cfg_attr(target_arch = "x86_64", repr(C, align(64)))]
pub struct ConvTranspose2d<
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
    /// Kernels, `[in channel][out channel][row][column]` (PyTorch's).
    pub weight: [[[[T; KW]; KH]; OC]; C],
    /// Bias per output channel (zero, and no parameter tensor, without
    /// `BIAS`).
    pub bias: [T; OC],
}

// SAFETY: float arrays only; all-zero is a valid layer.
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
    > crate::Zeroable
    for ConvTranspose2d<T, C, H, W, OC, KH, KW, SH, SW, PH, PW, OH, OW, IN, OUT, BIAS>
{
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
    > ConvTranspose2d<T, C, H, W, OC, KH, KW, SH, SW, PH, PW, OH, OW, IN, OUT, BIAS>
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

    const CHECK: () = {
        assert!(C > 0 && OC > 0 && KH > 0 && KW > 0 && SH > 0 && SW > 0);
        assert!(IN == C * H * W, "conv_transpose2d: IN differs from C H W");
        assert!(
            OUT == OC * OH * OW,
            "conv_transpose2d: OUT differs from OC OH OW"
        );
        assert!(
            (H - 1) * SH + KH == OH + 2 * PH,
            "conv_transpose2d: OH differs"
        );
        assert!(
            (W - 1) * SW + KW == OW + 2 * PW,
            "conv_transpose2d: OW differs"
        );
    };

    /// Calls `f(x_at, y_row_start, a, b, xx)` for every input pixel
    /// `x_at`, kernel tap `(a, b)` and output column `xx` whose target
    /// lies inside the output, for input channel `c` and output channel
    /// `o`: the target is `y[y_row_start + xx]`.
    #[inline(always)]
    fn taps(c: usize, o: usize, mut f: impl FnMut(usize, usize, usize, usize, usize)) {
        for i in 0..H {
            for a in 0..KH {
                let Some(yy) = (i * SH + a).checked_sub(PH).filter(|y| *y < OH) else {
                    continue;
                };
                let row = (o * OH + yy) * OW;
                for j in 0..W {
                    let at = (c * H + i) * W + j;
                    for b in 0..KW {
                        if let Some(xx) = (j * SW + b).checked_sub(PW).filter(|x| *x < OW) {
                            f(at, row, a, b, xx);
                        }
                    }
                }
            }
        }
    }
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
    > ConvTranspose2d<f32, C, H, W, OC, KH, KW, SH, SW, PH, PW, OH, OW, IN, OUT, BIAS>
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
    > Layer<T, IN, OUT>
    for ConvTranspose2d<T, C, H, W, OC, KH, KW, SH, SW, PH, PW, OH, OW, IN, OUT, BIAS>
{
    type Aux = ();
    const ZEROED: Self = Self {
        weight: [[[[T::ZERO; KW]; KH]; OC]; C],
        bias: [T::ZERO; OC],
    };
    const ZEROED_AUX: () = ();
    const TENSORS: usize = if BIAS { 2 } else { 1 };
    const PARAMS: usize = C * OC * KH * KW + if BIAS { OC } else { 0 };

    fn forward_with(&self, x: &[T; IN], y: &mut [T; OUT], _side: Side) {
        let () = Self::CHECK;
        for o in 0..OC {
            y[o * OH * OW..(o + 1) * OH * OW].fill(if BIAS { self.bias[o] } else { T::ZERO });
        }
        for c in 0..C {
            for o in 0..OC {
                let w = &self.weight[c][o];
                Self::taps(c, o, |at, row, a, b, xx| y[row + xx] += x[at] * w[a][b]);
            }
        }
    }

    fn forward_train_with<const B: usize>(
        &self,
        x: &[[T; IN]; B],
        y: &mut [[T; OUT]; B],
        _aux: &mut [(); B],
        sides: &[Side; B],
        _ctx: &mut TrainCtx,
    ) {
        for ((x, y), side) in x.iter().zip(y.iter_mut()).zip(sides) {
            self.forward_with(x, y, *side);
        }
    }

    fn backward_with<const B: usize>(
        &self,
        x: &[[T; IN]; B],
        _y: &[[T; OUT]; B],
        _aux: &[(); B],
        dy: &[[T; OUT]; B],
        mut dx: Option<&mut [[T; IN]; B]>,
        grads: &mut Self,
        sides: &[Side; B],
    ) {
        let () = Self::CHECK;
        for b in 0..B {
            if let Some(dx) = dx.as_deref_mut() {
                dx[b].fill(T::ZERO);
            }
            if sides[b].is_padding() {
                continue;
            }
            let (x, dy) = (&x[b], &dy[b]);
            if BIAS {
                for o in 0..OC {
                    grads.bias[o] += dy[o * OH * OW..(o + 1) * OH * OW]
                        .iter()
                        .copied()
                        .sum::<T>();
                }
            }
            let mut dxb = dx.as_deref_mut().map(|dx| &mut dx[b]);
            for c in 0..C {
                for o in 0..OC {
                    let (w, gw) = (&self.weight[c][o], &mut grads.weight[c][o]);
                    match dxb.as_deref_mut() {
                        Some(dx) => Self::taps(c, o, |at, row, a, k, xx| {
                            let g = dy[row + xx];
                            gw[a][k] += x[at] * g;
                            dx[at] += w[a][k] * g;
                        }),
                        None => Self::taps(c, o, |at, row, a, k, xx| {
                            gw[a][k] += x[at] * dy[row + xx];
                        }),
                    }
                }
            }
        }
    }

    fn tensor(&self, i: usize) -> &[T] {
        match i {
            0 => self.weight.as_flattened().as_flattened().as_flattened(),
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
        let (name, shape, kind): (_, &'static [usize], _) = match i {
            0 => ("weight", &[C, OC, KH, KW], TensorKind::Weight),
            1 if BIAS => ("bias", &[OC], TensorKind::Bias),
            _ => return None,
        };
        Some(TensorInfo {
            layer: "",
            name,
            shape,
            kind,
            fan_in: C * KH * KW,
            fan_out: OC * KH * KW,
        })
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
    use crate::testing::check_layer_gradients;

    /// `[2, 3, 3]` to `[3, 5, 5]`: kernel 3, stride 2, padding 1.
    type Up = ConvTranspose2d<f64, 2, 3, 3, 3, 3, 3, 2, 2, 1, 1, 5, 5, 18, 75>;

    #[test]
    fn gradients_are_exact() {
        let mut l = <Up as Layer<f64, 18, 75>>::ZEROED;
        l.init(Init::XavierUniform, &mut Rng::seed(1));
        l.bias = [0.1, -0.2, 0.3];
        let worst = check_layer_gradients::<_, 18, 75, 2>(&mut l, 3);
        assert!(worst < 1e-6, "{worst}");
        // No padding, a kernel wider than the stride, no bias.
        type Wide = ConvTranspose2d<f64, 1, 2, 3, 2, 2, 3, 1, 2, 0, 0, 3, 7, 6, 42, false>;
        let mut w = <Wide as Layer<f64, 6, 42>>::ZEROED;
        w.init(Init::XavierUniform, &mut Rng::seed(2));
        let worst = check_layer_gradients::<_, 6, 42, 2>(&mut w, 4);
        assert!(worst < 1e-6, "{worst}");
    }

    #[test]
    fn one_input_pixel_stamps_the_kernel_and_matches_pytorch_sizes() {
        // One channel 2x2 to 1 channel, kernel 2, stride 2: each pixel
        // becomes its own 2x2 block (PyTorch: (2 - 1) * 2 + 2 = 4).
        type Stamp = ConvTranspose2d<f64, 1, 2, 2, 1, 2, 2, 2, 2, 0, 0, 4, 4, 4, 16>;
        let mut l = <Stamp as Layer<f64, 4, 16>>::ZEROED;
        l.weight = [[[[1.0, 2.0], [3.0, 4.0]]]];
        let mut y = [0.0; 16];
        l.forward(&[1.0, 0.0, 0.0, 10.0], &mut y);
        assert_eq!(
            y,
            [
                1.0, 2.0, 0.0, 0.0, //
                3.0, 4.0, 0.0, 0.0, //
                0.0, 0.0, 10.0, 20.0, //
                0.0, 0.0, 30.0, 40.0,
            ]
        );
        // Overlapping windows add: stride 1, kernel 2, 1x2 input.
        type Overlap = ConvTranspose2d<f64, 1, 1, 2, 1, 1, 2, 1, 1, 0, 0, 1, 3, 2, 3>;
        let mut l = <Overlap as Layer<f64, 2, 3>>::ZEROED;
        l.weight = [[[[1.0, 1.0]]]];
        let mut y = [0.0; 3];
        l.forward(&[2.0, 5.0], &mut y);
        assert_eq!(y, [2.0, 7.0, 5.0]);
    }
}
