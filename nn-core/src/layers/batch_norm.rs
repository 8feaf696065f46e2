//! Batch normalisation (PyTorch's `nn.BatchNorm1d` / `nn.BatchNorm2d`
//! with `affine = True`, `track_running_stats = True`, `momentum = 0.1`,
//! `eps = 1e-5`).
//!
//! The input row is `[C, S]` (flat `[T; N]`, `N = C S`): `C` features
//! after a dense layer (`S = 1`), or `C` channels of `S = H W` positions
//! after a convolution (`[C, H, W]`). Each feature/channel `c` is
//! normalised over the batch and its `S` positions, `n = B S` values:
//!
//! - training: `mu_c = 1/n sum x`, `var_c = 1/n sum (x - mu_c)^2`
//!   (biased), `xhat = (x - mu_c) / sqrt(var_c + eps)`,
//!   `y = gamma_c xhat + beta_c`; then the running statistics move by
//!   `running_mean = 0.9 running_mean + 0.1 mu_c` and
//!   `running_var = 0.9 running_var + 0.1 var_c n / (n - 1)` (unbiased, as
//!   PyTorch; with `n = 1` the biased 0 is used instead of dividing by 0);
//! - inference: `y = gamma_c (x - running_mean_c) / sqrt(running_var_c + eps) + beta_c`.
//!
//! Parameters (numbered tensors): `0` = `gamma` (PyTorch's `weight`,
//! `[C]`, [`TensorKind::Other`], initialised to 1), `1` = `beta`
//! (PyTorch's `bias`, `[C]`, [`TensorKind::Bias`], initialised to 0).
//! Buffers (NOT parameter tensors, so optimizers never touch them):
//! `running_mean` (`[C]`, initialised to 0) and `running_var` (`[C]`,
//! initialised to 1), the layer's [`Layer::buffer`]s. PyTorch's
//! `num_batches_tracked` is not kept (it only matters for
//! `momentum = None`).
//!
//! Backward, the full batch coupling: with `g = dy gamma` and sums over
//! the `n` values of channel `c`,
//!
//! - `dgamma_c += sum dy xhat`, `dbeta_c += sum dy`,
//! - `dx = (gamma_c / sqrt(var_c + eps)) / n (n dy - sum dy - xhat sum dy xhat)`.
//!
//! `Aux` holds the batch mean and `1 / sqrt(var + eps)` of each channel
//! (the same in every sample's record).
//!
//! With `STEPS = true` the row is a sequence `[S, C]` (steps of `C`
//! features, a recurrent layer's `sequences = true` output) and each
//! feature is normalised over the real steps of every sample of the batch,
//! `n = sum_b side_b.steps(S)`, as PyTorch's `BatchNorm1d` on the data of
//! a packed sequence; steps past a sample's length give zero and receive
//! no gradient, and a batch with no real step leaves the running
//! statistics as they are.
//!
//! Because [`Layer::ZEROED`] is all zeros (it doubles as the gradient and
//! as boxed zeroed construction), a zeroed `BatchNorm` has `gamma = 0` and
//! `running_var = 0`: call [`Layer::init`] (as `network!`'s constructors
//! do) or load weights before use.
//!
//! ```
//! use nn_core::{Init, Layer, Rng, TrainCtx};
//! type Bn = nn_core::layers::BatchNorm<f64, 1, 1, 1>;
//! let mut bn = Bn::ZEROED;
//! bn.init(Init::Zeros, &mut Rng::seed(0));
//! let (x, mut y, mut aux) = ([[1.0], [3.0]], [[0.0]; 2], [Bn::ZEROED_AUX; 2]);
//! bn.forward_train(&x, &mut y, &mut aux, &mut TrainCtx::seed(0));
//! bn.update_buffers(&aux); // the running statistics move after the pass
//! assert!((y[0][0] + 1.0).abs() < 1e-5 && (y[1][0] - 1.0).abs() < 1e-5);
//! assert!((bn.running_mean[0] - 0.2).abs() < 1e-15); // 0.1 * 2
//! assert!((bn.running_var[0] - 1.1).abs() < 1e-15); // 0.9 + 0.1 * 2
//! ```

use crate::{Float, Init, Layer, Rng, Side, TensorInfo, TensorKind, TrainCtx, Zeroable};

/// PyTorch's running-statistics momentum.
const MOMENTUM: f64 = 0.1;
/// Added to the variance before the square root.
const EPS: f64 = 1e-5;

/// Batch normalisation of `C` features/channels of `S` positions each.
///
/// Const parameters, in order: channels `C`, positions per channel `S`
/// (1 after a dense layer, `H W` after a 2-D convolution, `L` after a
/// 1-D one), and the flat length `N = C S` (checked at compile time).
/// `STEPS`: the row is a sequence `[S, C]` read up to each sample's
/// length, instead of `[C, S]`.
#[derive(Clone, Copy, Debug, PartialEq)]
// The weights on a cache line (see the module `layers`).
#[cfg_attr(target_arch = "x86_64", repr(C, align(64)))]
pub struct BatchNorm<T, const C: usize, const S: usize, const N: usize, const STEPS: bool = false> {
    /// Scale per channel (PyTorch's `weight`), tensor 0.
    pub gamma: [T; C],
    /// Shift per channel (PyTorch's `bias`), tensor 1.
    pub beta: [T; C],
    /// Running mean per channel, used in inference; a buffer, not a
    /// parameter.
    pub running_mean: [T; C],
    /// Running (unbiased) variance per channel, used in inference; a
    /// buffer, not a parameter.
    pub running_var: [T; C],
}

// SAFETY: four float arrays.
#[allow(unsafe_code)]
unsafe impl<T: Float, const C: usize, const S: usize, const N: usize, const STEPS: bool> Zeroable
    for BatchNorm<T, C, S, N, STEPS>
{
}

impl<T: Float, const C: usize, const S: usize, const N: usize, const STEPS: bool>
    BatchNorm<T, C, S, N, STEPS>
{
    /// [`Layer::init`](crate::Layer::init) in a `const fn`, to the bit
    /// (what a network's `new_const` calls).
    pub const fn init_const(&mut self, _init: Init, _rng: &mut Rng) {
        self.gamma = [T::ONE; C];
        self.beta = [T::ZERO; C];
        self.running_mean = [T::ZERO; C];
        self.running_var = [T::ONE; C];
    }

    const CHECK: () = {
        assert!(C > 0 && S > 0, "batch_norm: sizes must be positive");
        assert!(N == C * S, "batch_norm: N differs from C * S");
    };

    /// Where position `s` of channel `c` sits in the row.
    #[inline(always)]
    fn at(c: usize, s: usize) -> usize {
        if STEPS {
            s * C + c
        } else {
            c * S + s
        }
    }

    /// The positions of a sample that count: its real steps, or all (none
    /// for a padding slot).
    #[inline(always)]
    fn positions(side: Side) -> usize {
        if STEPS || side.is_padding() {
            side.steps(S)
        } else {
            S
        }
    }
}

/// The layer from a weight file at compile time (`#[nn(weights = ..)]`):
/// `weight` and `bias`, and the running statistics from the buffers.
impl<const C: usize, const S: usize, const N: usize, const STEPS: bool>
    BatchNorm<f32, C, S, N, STEPS>
{
    #[doc(hidden)]
    pub const fn __from_file(file: &[u8], t: &[usize], b: &[usize]) -> Self {
        let mut l = <Self as Layer<f32, N, N>>::ZEROED;
        crate::weights::fill_f32(&mut l.gamma, file, t[0]);
        crate::weights::fill_f32(&mut l.beta, file, t[1]);
        crate::weights::fill_f32(&mut l.running_mean, file, b[0]);
        crate::weights::fill_f32(&mut l.running_var, file, b[1]);
        l
    }
}

impl<T: Float, const C: usize, const S: usize, const N: usize, const STEPS: bool> Layer<T, N, N>
    for BatchNorm<T, C, S, N, STEPS>
{
    /// `[mean, 1 / sqrt(var + eps), momentum * unbiased var]` of the
    /// batch, per channel; `[0, 0, -1]` when the batch has no real
    /// position (a variance is never negative).
    type Aux = [[T; C]; 3];
    const ZEROED_AUX: [[T; C]; 3] = [[T::ZERO; C]; 3];
    const ZEROED: Self = Self {
        gamma: [T::ZERO; C],
        beta: [T::ZERO; C],
        running_mean: [T::ZERO; C],
        running_var: [T::ZERO; C],
    };
    const TENSORS: usize = 2;
    const PARAMS: usize = 2 * C;

    fn forward_with(&self, x: &[T; N], y: &mut [T; N], side: Side) {
        let () = Self::CHECK;
        let eps = T::cast(EPS);
        if STEPS || side.is_padding() {
            y.fill(T::ZERO);
        }
        for c in 0..C {
            let scale = self.gamma[c] / (self.running_var[c] + eps).sqrt();
            let shift = self.beta[c] - self.running_mean[c] * scale;
            for s in 0..Self::positions(side) {
                let i = Self::at(c, s);
                y[i] = x[i] * scale + shift;
            }
        }
    }

    #[allow(
        clippy::needless_range_loop,
        reason = "c indexes the parameters, statistics and row ranges together"
    )]
    fn forward_train_with<const B: usize>(
        &self,
        x: &[[T; N]; B],
        y: &mut [[T; N]; B],
        aux: &mut [[[T; C]; 3]; B],
        sides: &[Side; B],
        _ctx: &mut TrainCtx,
    ) {
        let () = Self::CHECK;
        let n: usize = sides.iter().map(|s| Self::positions(*s)).sum();
        // What no position writes stays zero: steps past a sequence's
        // length, and padding slots.
        for (y, side) in y.iter_mut().zip(sides) {
            if STEPS || side.is_padding() {
                y.fill(T::ZERO);
            }
        }
        if n == 0 {
            aux.fill([[T::ZERO; C], [T::ZERO; C], [-T::ONE; C]]);
            return;
        }
        let inv_n = T::ONE / T::cast(n as f64);
        let (eps, m) = (T::cast(EPS), T::cast(MOMENTUM));
        let unbias = if n > 1 {
            T::cast(n as f64 / (n - 1) as f64)
        } else {
            T::ONE
        };
        let mut stats = [[T::ZERO; C]; 3];
        for c in 0..C {
            let mut sum = T::ZERO;
            for (x, side) in x.iter().zip(sides) {
                for s in 0..Self::positions(*side) {
                    sum += x[Self::at(c, s)];
                }
            }
            let mean = sum * inv_n;
            // Two passes: the centred sum of squares has no cancellation.
            let mut ss = T::ZERO;
            for (x, side) in x.iter().zip(sides) {
                for s in 0..Self::positions(*side) {
                    let v = x[Self::at(c, s)];
                    ss += (v - mean) * (v - mean);
                }
            }
            let var = ss * inv_n;
            let inv_std = T::ONE / (var + eps).sqrt();
            stats[0][c] = mean;
            stats[1][c] = inv_std;
            let scale = self.gamma[c] * inv_std;
            let shift = self.beta[c] - mean * scale;
            for ((x, y), side) in x.iter().zip(y.iter_mut()).zip(sides) {
                for s in 0..Self::positions(*side) {
                    let i = Self::at(c, s);
                    y[i] = x[i] * scale + shift;
                }
            }
            // Grouped as PyTorch's update, `m * var * unbias`.
            stats[2][c] = m * var * unbias;
        }
        aux.fill(stats);
    }

    /// The running statistics move by the batch's (PyTorch's momentum
    /// update); a batch without real positions (a variance of -1) moves
    /// nothing.
    fn update_buffers<const B: usize>(&mut self, aux: &[[[T; C]; 3]; B]) {
        let Some([mean, _, m_var]) = aux.first() else {
            return;
        };
        let m = T::cast(MOMENTUM);
        for c in 0..C {
            if m_var[c] < T::ZERO {
                continue;
            }
            self.running_mean[c] = (T::ONE - m) * self.running_mean[c] + m * mean[c];
            self.running_var[c] = (T::ONE - m) * self.running_var[c] + m_var[c];
        }
    }

    #[allow(
        clippy::needless_range_loop,
        reason = "c indexes the parameters, statistics and row ranges together"
    )]
    fn backward_with<const B: usize>(
        &self,
        x: &[[T; N]; B],
        _y: &[[T; N]; B],
        aux: &[[[T; C]; 3]; B],
        dy: &[[T; N]; B],
        mut dx: Option<&mut [[T; N]; B]>,
        grads: &mut Self,
        sides: &[Side; B],
    ) {
        let () = Self::CHECK;
        let Some(stats) = aux.first() else { return };
        let count: usize = sides.iter().map(|s| Self::positions(*s)).sum();
        if let Some(dx) = dx.as_deref_mut() {
            for (dx, side) in dx.iter_mut().zip(sides) {
                if STEPS || side.is_padding() {
                    dx.fill(T::ZERO);
                }
            }
        }
        if count == 0 {
            return;
        }
        let n = T::cast(count as f64);
        for c in 0..C {
            let (mean, inv_std) = (stats[0][c], stats[1][c]);
            let (mut sum_dy, mut sum_dy_xhat) = (T::ZERO, T::ZERO);
            for ((x, dy), side) in x.iter().zip(dy).zip(sides) {
                for s in 0..Self::positions(*side) {
                    let i = Self::at(c, s);
                    sum_dy += dy[i];
                    sum_dy_xhat += dy[i] * (x[i] - mean) * inv_std;
                }
            }
            grads.gamma[c] += sum_dy_xhat;
            grads.beta[c] += sum_dy;
            if let Some(dx) = dx.as_deref_mut() {
                let k = self.gamma[c] * inv_std;
                let (mean_dy, mean_dy_xhat) = (sum_dy / n, sum_dy_xhat / n);
                for (((dx, x), dy), side) in dx.iter_mut().zip(x).zip(dy).zip(sides) {
                    for s in 0..Self::positions(*side) {
                        let i = Self::at(c, s);
                        let xhat = (x[i] - mean) * inv_std;
                        dx[i] = k * (dy[i] - mean_dy - xhat * mean_dy_xhat);
                    }
                }
            }
        }
    }

    fn tensor(&self, i: usize) -> &[T] {
        match i {
            0 => &self.gamma,
            1 => &self.beta,
            _ => &[],
        }
    }

    fn tensor_mut(&mut self, i: usize) -> &mut [T] {
        match i {
            0 => &mut self.gamma,
            1 => &mut self.beta,
            _ => &mut [],
        }
    }

    fn tensor_info(i: usize) -> Option<TensorInfo> {
        match i {
            0 => Some(TensorInfo {
                layer: "",
                name: "weight",
                shape: &[C],
                kind: TensorKind::Other,
                fan_in: 1,
                fan_out: 1,
            }),
            1 => Some(TensorInfo {
                layer: "",
                name: "bias",
                shape: &[C],
                kind: TensorKind::Bias,
                fan_in: 1,
                fan_out: 1,
            }),
            _ => None,
        }
    }

    /// `running_mean`, `running_var`.
    const BUFFERS: usize = 2;

    fn buffer(&self, i: usize) -> &[T] {
        match i {
            0 => &self.running_mean,
            1 => &self.running_var,
            _ => &[],
        }
    }

    fn buffer_mut(&mut self, i: usize) -> &mut [T] {
        match i {
            0 => &mut self.running_mean,
            1 => &mut self.running_var,
            _ => &mut [],
        }
    }

    fn buffer_name(i: usize) -> Option<&'static str> {
        match i {
            0 => Some("running_mean"),
            1 => Some("running_var"),
            _ => None,
        }
    }

    /// `gamma = 1`, `beta = 0`, `running_mean = 0`, `running_var = 1`
    /// (the scheme is ignored, as in PyTorch).
    fn init(&mut self, init: Init, rng: &mut Rng) {
        self.init_const(init, rng);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_close, check_layer_gradients, check_layer_gradients_with};
    extern crate std;

    #[test]
    fn golden_training_step_and_running_stats() {
        // Two features (S = 1), batch of 4; values from python3 plain loops.
        // Feature 0: x = [1, 2, 3, 6]: mean 3, biased var 3.5, unbiased 14/3.
        // Feature 1: x = [0, 0, 1, -1]: mean 0, biased var 0.5, unbiased 2/3.
        type Bn = BatchNorm<f64, 2, 1, 2>;
        let mut bn = Bn::ZEROED;
        bn.init(Init::Zeros, &mut Rng::seed(0));
        bn.gamma = [2.0, 0.5];
        bn.beta = [0.1, -1.0];
        let x = [[1.0, 0.0], [2.0, 0.0], [3.0, 1.0], [6.0, -1.0]];
        let mut y = [[0.0; 2]; 4];
        let mut aux = [Bn::ZEROED_AUX; 4];
        bn.forward_train(&x, &mut y, &mut aux, &mut TrainCtx::seed(0));
        bn.update_buffers(&aux);
        let (s0, s1) = ((3.5f64 + 1e-5).sqrt(), (0.5f64 + 1e-5).sqrt());
        let want = [
            [-4.0 / s0 + 0.1, -1.0],
            [-2.0 / s0 + 0.1, -1.0],
            [0.1, 0.5 / s1 - 1.0],
            [2.0 * 3.0 / s0 + 0.1, -0.5 / s1 - 1.0],
        ];
        assert_close(y.as_flattened(), want.as_flattened(), 1e-14);
        assert_close(&y[0], &[-2.038086880891747, -1.0], 1e-14);
        assert_close(&y[3], &[3.3071303213376204, -1.7070997102248], 1e-14);
        assert_close(&bn.running_mean, &[0.3, 0.0], 1e-15);
        assert_close(
            &bn.running_var,
            &[0.9 + 0.1 * 14.0 / 3.0, 0.9 + 0.1 * 2.0 / 3.0],
            1e-15,
        );
        assert_close(&aux[3][0], &[3.0, 0.0], 0.0);
        assert_close(&aux[3][1], &[1.0 / s0, 1.0 / s1], 1e-15);

        // Inference uses the running statistics.
        let mut yi = [0.0; 2];
        bn.forward(&[3.0, 1.0], &mut yi);
        let rv = bn.running_var;
        assert_close(
            &yi,
            &[
                2.0 * (3.0 - 0.3) / (rv[0] + 1e-5).sqrt() + 0.1,
                0.5 * 1.0 / (rv[1] + 1e-5).sqrt() - 1.0,
            ],
            1e-14,
        );

        // Backward with dy = [1, 0], [0, 0], [0, 0], [0, 1]: by the
        // formula, dbeta = [1, 1], dgamma = [xhat00, xhat31].
        let dy = [[1.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 1.0]];
        let mut g = Bn::ZEROED;
        let mut dx = [[0.0; 2]; 4];
        bn.backward(&x, &y, &aux, &dy, Some(&mut dx), &mut g);
        assert_close(&g.beta, &[1.0, 1.0], 1e-15);
        assert_close(&g.gamma, &[-2.0 / s0, -1.0 / s1], 1e-14);
        // dx for feature 0: (gamma/s0)/4 (4 dy - 1 - xhat * xhat_0).
        let xh0 = [-2.0 / s0, -1.0 / s0, 0.0, 3.0 / s0];
        for b in 0..4 {
            let want = 2.0 / s0 / 4.0 * (4.0 * dy[b][0] - 1.0 - xh0[b] * xh0[0]);
            assert!((dx[b][0] - want).abs() < 1e-14, "{b}: {} {want}", dx[b][0]);
        }
    }

    #[test]
    fn channels_of_a_convolution() {
        // C = 2 channels of S = 3 positions, batch 2: channel 0 takes
        // x[b][0..3], channel 1 x[b][3..6].
        type Bn = BatchNorm<f64, 2, 3, 6>;
        let mut bn = Bn::ZEROED;
        bn.init(Init::Zeros, &mut Rng::seed(0));
        let x = [
            [1.0, 2.0, 3.0, 10.0, 10.0, 10.0],
            [4.0, 5.0, 6.0, 10.0, 10.0, 16.0],
        ];
        let mut y = [[0.0; 6]; 2];
        let mut aux = [Bn::ZEROED_AUX; 2];
        bn.forward_train(&x, &mut y, &mut aux, &mut TrainCtx::seed(0));
        bn.update_buffers(&aux);
        // Channel 0: 1..6, mean 3.5, var 35/12. Channel 1: five 10s and a
        // 16: mean 11, var 5.
        assert_close(&aux[0][0], &[3.5, 11.0], 1e-15);
        let s0 = (35.0f64 / 12.0 + 1e-5).sqrt();
        let s1 = (5.0f64 + 1e-5).sqrt();
        assert_close(&y[1][..3], &[0.5 / s0, 1.5 / s0, 2.5 / s0], 1e-14);
        assert_close(&y[1][3..], &[-1.0 / s1, -1.0 / s1, 5.0 / s1], 1e-14);
        assert_close(&bn.running_mean, &[0.35, 1.1], 1e-15);
        assert_close(&bn.running_var, &[0.9 + 0.1 * 3.5, 0.9 + 0.1 * 6.0], 1e-15);
    }

    #[test]
    fn zeroed_is_all_zero_and_buffers_are_not_tensors() {
        type Bn = BatchNorm<f32, 3, 4, 12>;
        let bn = Bn::ZEROED;
        assert_eq!(bn.running_var, [0.0; 3]);
        assert_eq!(<Bn as Layer<f32, 12, 12>>::TENSORS, 2);
        assert_eq!(<Bn as Layer<f32, 12, 12>>::PARAMS, 6);
        assert_eq!(<Bn as Layer<f32, 12, 12>>::BUFFERS, 2);
        assert_eq!(
            <Bn as Layer<f32, 12, 12>>::buffer_name(1),
            Some("running_var")
        );
        let mut bn = bn;
        bn.init(Init::HeNormal, &mut Rng::seed(1));
        assert_eq!(bn.buffer(1), &[1.0; 3]);
        assert_eq!(bn.tensor(0), &[1.0; 3]);
        assert_eq!(
            <Bn as Layer<f32, 12, 12>>::tensor_info(0).map(|i| (i.name, i.kind)),
            Some(("weight", TensorKind::Other))
        );
    }

    /// PyTorch's `BatchNorm1d` on the data of a packed sequence: each
    /// feature over the real steps of every sample, the rest zero.
    #[test]
    fn sequences_normalise_each_feature_over_the_real_steps() {
        type Seq = BatchNorm<f64, 2, 4, 8, true>;
        let mut bn = Seq::ZEROED;
        bn.init(Init::Zeros, &mut Rng::seed(0));
        bn.gamma = [1.5, 0.5];
        bn.beta = [0.25, -1.0];
        let mut rng = Rng::seed(3);
        let x: [[f64; 8]; 3] = core::array::from_fn(|_| core::array::from_fn(|_| rng.normal()));
        let lens = [4, 2, 0];
        let sides = Side::of_lengths(&lens);
        let (mut y, mut aux) = ([[9.0; 8]; 3], [Seq::ZEROED_AUX; 3]);
        bn.forward_train_with(&x, &mut y, &mut aux, &sides, &mut TrainCtx::seed(0));
        bn.update_buffers(&aux);
        for c in 0..2 {
            // The packed data of feature c: steps 0..4 of sample 0, 0..2 of sample 1.
            let packed: std::vec::Vec<f64> = (0..4)
                .map(|s| x[0][s * 2 + c])
                .chain((0..2).map(|s| x[1][s * 2 + c]))
                .collect();
            let n = packed.len() as f64;
            let mean = packed.iter().sum::<f64>() / n;
            let var = packed.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
            for (b, len) in lens.iter().enumerate() {
                for s in 0..4 {
                    let want = if s < *len {
                        bn.gamma[c] * (x[b][s * 2 + c] - mean) / (var + EPS).sqrt() + bn.beta[c]
                    } else {
                        0.0
                    };
                    assert!((y[b][s * 2 + c] - want).abs() < 1e-12, "b {b} s {s} c {c}");
                }
            }
            assert!((bn.running_mean[c] - 0.1 * mean).abs() < 1e-12);
            assert!((bn.running_var[c] - (0.9 + 0.1 * var * n / (n - 1.0))).abs() < 1e-12);
        }
        // Inference leaves the padding zero too.
        let mut yi = [9.0; 8];
        bn.forward_with(&x[1], &mut yi, Side::len(2));
        assert_eq!(&yi[4..], &[0.0; 4]);
        // Gradients by finite differences, shorter and zero lengths included.
        check_layer_gradients_with::<_, 8, 8, 3>(&mut bn, 5, &sides);
        check_layer_gradients_with::<_, 8, 8, 2>(&mut bn, 6, &Side::of_lengths(&[3, 1]));
        // A batch without real steps moves nothing.
        let before = bn;
        bn.forward_train_with(
            &x,
            &mut y,
            &mut aux,
            &Side::of_lengths(&[0, 0, 0]),
            &mut TrainCtx::seed(0),
        );
        bn.update_buffers(&aux);
        assert_eq!(bn, before);
        assert_eq!(y, [[0.0; 8]; 3]);
    }

    #[test]
    fn finite_differences() {
        type Bn = BatchNorm<f64, 3, 1, 3>;
        let mut bn = Bn::ZEROED;
        bn.init(Init::Zeros, &mut Rng::seed(0));
        bn.gamma = [1.5, -0.7, 0.3];
        bn.beta = [0.2, 0.0, -0.4];
        check_layer_gradients::<_, 3, 3, 4>(&mut bn, 1);
        type Bc = BatchNorm<f64, 2, 4, 8>;
        let mut bc = Bc::ZEROED;
        bc.init(Init::Zeros, &mut Rng::seed(0));
        bc.gamma = [0.8, 1.3];
        bc.beta = [0.1, 0.2];
        check_layer_gradients::<_, 8, 8, 3>(&mut bc, 2);
        check_layer_gradients::<_, 8, 8, 2>(&mut bc, 3);
    }
}
