//! Layer normalisation over the `D` features of each of `R` rows of a
//! sample (PyTorch's `nn.LayerNorm(normalized_shape)` with
//! `elementwise_affine = True`, `eps = 1e-5`). `network!` uses one row of
//! the whole sample (`R = 1`, `normalized_shape` = e.g. `[C, H, W]`) except
//! on the sequence output of a recurrent layer, `[steps, hidden]`, where
//! each step is a row (`nn.LayerNorm(hidden)` in an RNN stack), so padding
//! steps never enter the statistics of real ones.
//!
//! Per row: `mu = 1/D sum_i x_i`, `var = 1/D sum_i (x_i - mu)^2` (biased),
//! `xhat_i = (x_i - mu) / sqrt(var + eps)`, `y_i = gamma_i xhat_i + beta_i`.
//!
//! Training and inference compute the same thing (no running statistics).
//!
//! Read with a runtime length (after a recurrent layer's sequence), rows
//! past it give exactly zero and receive no gradient, as PyTorch leaves
//! the padding of a packed sequence.
//!
//! Parameters, shared by the rows: `0` = `gamma` (PyTorch's `weight`,
//! `[D]` in the row-major order of the normalised shape,
//! [`TensorKind::Other`], initialised to 1), `1` = `beta` (PyTorch's
//! `bias`, `[D]`, [`TensorKind::Bias`], initialised to 0). A zeroed layer
//! has `gamma = 0`: call [`Layer::init`] or load weights before use.
//!
//! Backward per row, with `g_i = dy_i gamma_i` and `rs = 1 / sqrt(var + eps)`:
//!
//! - `dgamma_i += dy_i xhat_i`, `dbeta_i += dy_i`,
//! - `dx_i = rs (g_i - mean(g) - xhat_i mean(g xhat))`.
//!
//! `Aux` holds `[mu, rs]` of each row of the sample.
//!
//! ```
//! use nn_core::{Init, Layer, Rng};
//! // One row of two features.
//! let mut ln = nn_core::layers::LayerNorm::<f64, 1, 2, 2>::ZEROED;
//! ln.init(Init::Zeros, &mut Rng::seed(0));
//! let mut y = [0.0; 2];
//! ln.forward(&[1.0, 3.0], &mut y);
//! assert!((y[0] + 1.0).abs() < 1e-5 && (y[1] - 1.0).abs() < 1e-5);
//! // Two rows (steps) of two features, normalised each on its own.
//! let mut ln = nn_core::layers::LayerNorm::<f64, 2, 2, 4>::ZEROED;
//! ln.init(Init::Zeros, &mut Rng::seed(0));
//! let mut y = [0.0; 4];
//! ln.forward(&[1.0, 3.0, 10.0, 20.0], &mut y);
//! assert!((y[2] + 1.0).abs() < 1e-5 && (y[3] - 1.0).abs() < 1e-5);
//! ```

use crate::{Float, Init, Layer, Rng, Side, TensorInfo, TensorKind, TrainCtx, Zeroable};

/// Added to the variance before the square root.
const EPS: f64 = 1e-5;

/// Layer normalisation of `R` rows of `D` features with a learned scale
/// and shift per feature.
///
/// Const parameters: rows `R`, features per row `D`, and the flat length
/// `N = R D` of a sample (checked at compile time).
#[derive(Clone, Copy, Debug, PartialEq)]
// The weights on a cache line (see the module `layers`).
#[cfg_attr(target_arch = "x86_64", repr(C, align(64)))]
pub struct LayerNorm<T, const R: usize, const D: usize, const N: usize> {
    /// Scale per feature (PyTorch's `weight`), tensor 0.
    pub gamma: [T; D],
    /// Shift per feature (PyTorch's `bias`), tensor 1.
    pub beta: [T; D],
}

// SAFETY: two float arrays.
#[allow(unsafe_code)]
unsafe impl<T: Float, const R: usize, const D: usize, const N: usize> Zeroable
    for LayerNorm<T, R, D, N>
{
}

impl<T: Float, const R: usize, const D: usize, const N: usize> LayerNorm<T, R, D, N> {
    /// [`Layer::init`](crate::Layer::init) in a `const fn`, to the bit
    /// (what a network's `new_const` calls).
    pub const fn init_const(&mut self, _init: Init, _rng: &mut Rng) {
        self.gamma = [T::ONE; D];
        self.beta = [T::ZERO; D];
    }

    const CHECK: () = {
        assert!(R > 0 && D > 0, "layer_norm: sizes must be positive");
        assert!(N == R * D, "layer_norm: N must be R D");
    };

    /// `[mean, 1 / sqrt(var + eps)]` of one row.
    #[inline]
    fn stats(x: &[T]) -> [T; 2] {
        let inv_n = T::ONE / T::cast(D as f64);
        let mean = x.iter().copied().sum::<T>() * inv_n;
        let var = x.iter().map(|v| (*v - mean) * (*v - mean)).sum::<T>() * inv_n;
        [mean, T::ONE / (var + T::cast(EPS)).sqrt()]
    }

    #[inline]
    fn apply(&self, x: &[T; N], stats: &[[T; 2]; R], y: &mut [T; N]) {
        for ((x, y), [mean, rs]) in x.chunks_exact(D).zip(y.chunks_exact_mut(D)).zip(stats) {
            for (((y, x), g), b) in y.iter_mut().zip(x).zip(&self.gamma).zip(&self.beta) {
                *y = (*x - *mean) * *rs * *g + *b;
            }
        }
    }

    /// Backward over the first `steps(b)` rows of each sample; the rows
    /// past them get a zero input gradient and add nothing.
    #[allow(
        clippy::too_many_arguments,
        reason = "the backward contract plus the rows"
    )]
    fn backward_rows<const B: usize>(
        &self,
        x: &[[T; N]; B],
        aux: &[[[T; 2]; R]; B],
        dy: &[[T; N]; B],
        mut dx: Option<&mut [[T; N]; B]>,
        grads: &mut Self,
        steps: impl Fn(usize) -> usize,
    ) {
        let () = Self::CHECK;
        let inv_n = T::ONE / T::cast(D as f64);
        for b in 0..B {
            let rows = steps(b).min(R);
            if let Some(dx) = dx.as_deref_mut() {
                dx[b][rows * D..].fill(T::ZERO);
            }
            for (r, &[mean, rs]) in aux[b].iter().enumerate().take(rows) {
                let row = r * D..(r + 1) * D;
                let (x, dy) = (&x[b][row.clone()], &dy[b][row.clone()]);
                let (mut mean_g, mut mean_gx) = (T::ZERO, T::ZERO);
                for i in 0..D {
                    let xhat = (x[i] - mean) * rs;
                    let d = dy[i];
                    grads.gamma[i] += d * xhat;
                    grads.beta[i] += d;
                    let g = d * self.gamma[i];
                    mean_g += g;
                    mean_gx += g * xhat;
                }
                mean_g *= inv_n;
                mean_gx *= inv_n;
                if let Some(dx) = dx.as_deref_mut() {
                    let dx = &mut dx[b][row];
                    for i in 0..D {
                        let xhat = (x[i] - mean) * rs;
                        dx[i] = rs * (dy[i] * self.gamma[i] - mean_g - xhat * mean_gx);
                    }
                }
            }
        }
    }

    #[inline]
    fn all_stats(x: &[T; N]) -> [[T; 2]; R] {
        let mut stats = [[T::ZERO; 2]; R];
        for (s, row) in stats.iter_mut().zip(x.chunks_exact(D)) {
            *s = Self::stats(row);
        }
        stats
    }
}

/// The layer from a weight file at compile time (`#[nn(weights = ..)]`).
impl<const R: usize, const D: usize, const N: usize> LayerNorm<f32, R, D, N> {
    #[doc(hidden)]
    pub const fn __from_file(file: &[u8], t: &[usize], _b: &[usize]) -> Self {
        let mut l = <Self as Layer<f32, N, N>>::ZEROED;
        crate::weights::fill_f32(&mut l.gamma, file, t[0]);
        crate::weights::fill_f32(&mut l.beta, file, t[1]);
        l
    }
}

impl<T: Float, const R: usize, const D: usize, const N: usize> Layer<T, N, N>
    for LayerNorm<T, R, D, N>
{
    /// `[mean, 1 / sqrt(var + eps)]` of each row of the sample.
    type Aux = [[T; 2]; R];
    const ZEROED_AUX: [[T; 2]; R] = [[T::ZERO; 2]; R];
    const ZEROED: Self = Self {
        gamma: [T::ZERO; D],
        beta: [T::ZERO; D],
    };
    const TENSORS: usize = 2;
    const PARAMS: usize = 2 * D;

    fn forward_with(&self, x: &[T; N], y: &mut [T; N], side: Side) {
        let () = Self::CHECK;
        self.apply(x, &Self::all_stats(x), y);
        y[side.steps(R) * D..].fill(T::ZERO);
    }

    fn forward_train_with<const B: usize>(
        &self,
        x: &[[T; N]; B],
        y: &mut [[T; N]; B],
        aux: &mut [[[T; 2]; R]; B],
        sides: &[Side; B],
        _ctx: &mut TrainCtx,
    ) {
        let () = Self::CHECK;
        for (((x, y), aux), side) in x.iter().zip(y.iter_mut()).zip(aux.iter_mut()).zip(sides) {
            *aux = Self::all_stats(x);
            self.apply(x, aux, y);
            y[side.steps(R) * D..].fill(T::ZERO);
        }
    }

    fn backward_with<const B: usize>(
        &self,
        x: &[[T; N]; B],
        _y: &[[T; N]; B],
        aux: &[[[T; 2]; R]; B],
        dy: &[[T; N]; B],
        dx: Option<&mut [[T; N]; B]>,
        grads: &mut Self,
        sides: &[Side; B],
    ) {
        self.backward_rows(x, aux, dy, dx, grads, |b| sides[b].steps(R));
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
                shape: &[D],
                kind: TensorKind::Other,
                fan_in: 1,
                fan_out: 1,
            }),
            1 => Some(TensorInfo {
                layer: "",
                name: "bias",
                shape: &[D],
                kind: TensorKind::Bias,
                fan_in: 1,
                fan_out: 1,
            }),
            _ => None,
        }
    }

    /// `gamma = 1`, `beta = 0` (the scheme is ignored, as in PyTorch).
    fn init(&mut self, init: Init, rng: &mut Rng) {
        self.init_const(init, rng);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_close, check_layer_gradients};

    #[test]
    fn golden_forward_and_backward() {
        // x = [1, 2, 4, 9]: mean 4, var (9 + 4 + 0 + 25) / 4 = 9.5.
        let mut ln = LayerNorm::<f64, 1, 4, 4>::ZEROED;
        ln.gamma = [1.0, 2.0, -1.0, 0.5];
        ln.beta = [0.0, 0.1, 0.2, 0.3];
        let x = [[1.0, 2.0, 4.0, 9.0]];
        let mut y = [[0.0; 4]];
        let mut aux = [[[0.0; 2]]];
        ln.forward_train(&x, &mut y, &mut aux, &mut TrainCtx::seed(0));
        let rs = 1.0 / (9.5f64 + 1e-5).sqrt();
        assert_close(&aux[0][0], &[4.0, rs], 1e-15);
        // From python3 plain loops.
        assert_close(
            &y[0],
            &[
                -0.9733280145068077,
                -1.1977706860090769,
                0.2,
                1.1111066787556731,
            ],
            1e-14,
        );
        let mut yi = [0.0; 4];
        ln.forward(&x[0], &mut yi);
        assert_eq!(yi, y[0]);

        // dy = e_0: dgamma = xhat e_0, dbeta = e_0, and dx from the formula
        // with g = [1, 0, 0, 0]: dx_i = rs (g_i - 1/4 - xhat_i xhat_0 / 4).
        let mut g = LayerNorm::<f64, 1, 4, 4>::ZEROED;
        let mut dx = [[0.0; 4]];
        ln.backward(&x, &y, &aux, &[[1.0, 0.0, 0.0, 0.0]], Some(&mut dx), &mut g);
        let xhat = [-3.0 * rs, -2.0 * rs, 0.0, 5.0 * rs];
        assert_close(&g.gamma, &[xhat[0], 0.0, 0.0, 0.0], 1e-15);
        assert_close(&g.beta, &[1.0, 0.0, 0.0, 0.0], 0.0);
        let want: [f64; 4] =
            core::array::from_fn(|i| rs * ((i == 0) as u8 as f64 - 0.25 - xhat[i] * xhat[0] / 4.0));
        assert_close(&dx[0], &want, 1e-14);
        // The input gradient of a normalisation sums to zero.
        assert!(dx[0].iter().sum::<f64>().abs() < 1e-14);
    }

    #[test]
    fn finite_differences() {
        let mut ln = LayerNorm::<f64, 1, 7, 7>::ZEROED;
        let mut rng = Rng::seed(4);
        ln.gamma = core::array::from_fn(|_| 1.0 + 0.5 * rng.normal());
        ln.beta = core::array::from_fn(|_| rng.normal());
        check_layer_gradients::<_, 7, 7, 3>(&mut ln, 5);
        let mut l2 = LayerNorm::<f64, 1, 2, 2>::ZEROED;
        l2.init(Init::Zeros, &mut rng);
        check_layer_gradients::<_, 2, 2, 2>(&mut l2, 6);
        // Three rows of four, sharing gamma and beta.
        let mut rows = LayerNorm::<f64, 3, 4, 12>::ZEROED;
        rows.gamma = core::array::from_fn(|_| 1.0 + 0.5 * rng.normal());
        rows.beta = core::array::from_fn(|_| rng.normal());
        check_layer_gradients::<_, 12, 12, 2>(&mut rows, 7);
    }

    #[test]
    fn rows_past_the_length_are_zero_and_get_no_gradient() {
        let mut ln = LayerNorm::<f64, 3, 2, 6>::ZEROED;
        ln.gamma = [1.5, 0.5];
        ln.beta = [0.25, -0.5];
        let x = [1.0, 2.0, 4.0, -3.0, 7.0, 9.0];
        let (mut full, mut cut) = ([0.0; 6], [0.0; 6]);
        ln.forward(&x, &mut full);
        ln.forward_with(&x, &mut cut, Side::len(2));
        assert_eq!(&cut[..4], &full[..4]);
        // Without the length, the padding row would be beta-shifted.
        assert_eq!(&cut[4..], &[0.0, 0.0]);
        assert!(full[4] != 0.0);
        ln.forward_with(&x, &mut cut, Side::WHOLE);
        assert_eq!(cut, full);
        // Gradients at shorter lengths, including zero, by finite differences.
        let mut rng = Rng::seed(8);
        ln.gamma = core::array::from_fn(|_| 1.0 + 0.5 * rng.normal());
        ln.beta = core::array::from_fn(|_| rng.normal());
        crate::testing::check_layer_gradients_with::<_, 6, 6, 4>(
            &mut ln,
            9,
            &Side::of_lengths(&[3, 2, 1, 0]),
        );
        // Rows past the length give no input gradient and add nothing.
        let dy = [[1.0; 6]; 1];
        let mut aux = [[[0.0; 2]; 3]; 1];
        let mut y = [[0.0; 6]; 1];
        ln.forward_train_with(
            &[x],
            &mut y,
            &mut aux,
            &[Side::len(1)],
            &mut TrainCtx::seed(0),
        );
        let mut dx = [[9.0; 6]; 1];
        let mut g = LayerNorm::<f64, 3, 2, 6>::ZEROED;
        ln.backward_with(&[x], &y, &aux, &dy, Some(&mut dx), &mut g, &[Side::len(1)]);
        assert_eq!(&dx[0][2..], &[0.0; 4]);
        assert_eq!(g.beta, [1.0, 1.0]);
    }

    #[test]
    fn rows_are_normalised_independently() {
        let mut rows = LayerNorm::<f64, 2, 3, 6>::ZEROED;
        rows.gamma = [1.0, 2.0, 0.5];
        rows.beta = [0.1, 0.0, -0.1];
        let mut one = LayerNorm::<f64, 1, 3, 3>::ZEROED;
        one.gamma = rows.gamma;
        one.beta = rows.beta;
        let x = [1.0, 2.0, 4.0, -3.0, 0.0, 30.0];
        let mut y = [0.0; 6];
        rows.forward(&x, &mut y);
        for r in 0..2 {
            let mut y1 = [0.0; 3];
            one.forward(&x[r * 3..r * 3 + 3].try_into().unwrap(), &mut y1);
            assert_eq!(&y[r * 3..r * 3 + 3], &y1);
        }
    }
}
