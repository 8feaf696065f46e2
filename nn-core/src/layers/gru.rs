//! Gated recurrent unit layer over sequences: [`Gru`] (documented on the type)
//! and its per-sample record [`GruAux`].
//!
//! The type holds the parameters and implements the step's math (a
//! recurrent `Cell`); the loop over the runtime length, backpropagation
//! through time and the batched GEMM path are the engine in
//! `recurrent.rs`, shared by every recurrent layer.

use super::recurrent::BackStep;
use crate::kernels::sigmoid_vec;

super::recurrent::recurrent_layer! {
    /// Gated recurrent unit over a sequence, with exact backpropagation
    /// through time. Equations, gate order and tensor layouts are PyTorch's
    /// (`nn.GRU`, one layer, unidirectional, `batch_first`), so weights can be
    /// exchanged as they are:
    ///
    /// ```text
    /// r = sigmoid(W_ir x_t + b_ir + W_hr h + b_hr)
    /// z = sigmoid(W_iz x_t + b_iz + W_hz h + b_hz)
    /// n =    tanh(W_in x_t + b_in + r * (W_hn h + b_hn))
    /// h' = (1 - z) * n + z * h
    /// ```
    ///
    /// Signature (const parameters in this order):
    /// `Gru<T, L, F, H, G, I, O, SEQ = false, STATE = false>` with the
    /// maximum sequence length `L`, features per step `F`, hidden size `H`,
    /// `G = 3 H`, `I = L F`, and `O = H` (last hidden state) or `O = L H`
    /// (`SEQ = true`: the hidden state at every step). The derived sizes are
    /// checked at compile time.
    ///
    /// Tensors: `weight_ih: [3H, F]`, `weight_hh: [3H, H]`, `bias_ih: [3H]`,
    /// `bias_hh: [3H]`, the rows stacked as gates `r, z, n` (PyTorch's
    /// `weight_ih_l0` ...), then with `STATE = true` the learned initial state
    /// `h0: [H]` (kind `Other`, zero after `init`). With `STATE = false` the
    /// field is no parameter tensor (not trained, not in weight files, as
    /// `Dense`'s bias without `BIAS`) and the initial state is whatever it
    /// holds: zero, unless set by hand (a given state). Unidirectional only
    /// (no `bidirectional`).
    ///
    /// Input `x: [L, F]` row-major; runtime length `len` (`forward_with` and
    /// friends; larger than `L` means `L`, the plain methods mean `L`). Only
    /// the first `len` steps run. Output: `h` after step `len - 1` (the
    /// initial `h0` if `len = 0`), or with `SEQ` the rows `[L, H]` with the
    /// rows at positions `>= len` zero. Inputs past `len` change nothing and
    /// get exactly zero gradient.
    ///
    /// Backward, per sample, from the last step down, with `dh` the gradient
    /// reaching `h_t` and `hn = W_hn h_{t-1} + b_hn`:
    /// `dn = dh (1 - z)`, `dz = dh (h_{t-1} - n)`, `dr = dn (1 - n^2) hn`,
    /// through the activations to the input-side pre-activations
    /// `dgi = [dr', dz', dn']: [3H]` and the hidden-side ones
    /// `dgh = [dr', dz', dn' r]`; `dW_ih += dgi x_t^T`, `db_ih += dgi`,
    /// `dW_hh += dgh h_{t-1}^T`, `db_hh += dgh`, `dx_t = W_ih^T dgi`,
    /// `dh_{t-1} = dh z + W_hh^T dgh`; finally `dh0 += dh_{-1}` when `STATE`.
    /// The per-sample record [`GruAux`] keeps the gate activations, `hn` and
    /// the hidden states of every step.
    ///
    /// Initialisation: PyTorch's, whatever scheme [`Layer::init`](crate::Layer::init) is given:
    /// every weight and bias `U(-1/sqrt(H), 1/sqrt(H))`; `h0 = 0`.
    ///
    /// Inference (`forward`, `forward_with`) allocates nothing: the state and
    /// the gates of one step live on the stack.
    /// With `alloc`, a training batch of full-length sequences goes through
    /// GEMMs. In `f32` the sigmoid and tanh are
    /// vectorisable branch-free polynomials (within a few ulp of
    /// libm's); in `f64` the usual functions.
    ///
    /// ```
    /// use nn_core::Layer;
    /// // Two steps of one feature, one hidden unit, last state.
    /// type Cell = nn_core::layers::Gru<f64, 2, 1, 1, 3, 2, 1>;
    /// let mut gru = Cell::ZEROED;
    /// gru.weight_ih = [[0.0], [0.0], [1.0]]; // n = tanh(x_t)
    /// let mut y = [0.0];
    /// // z = 1/2: h1 = tanh(0.5) / 2, h2 = (tanh(-1) + h1) / 2.
    /// gru.forward(&[0.5, -1.0], &mut y);
    /// assert!((y[0] - ((-1.0f64).tanh() + 0.5f64.tanh() / 2.0) / 2.0).abs() < 1e-15);
    /// gru.forward_with(&[0.5, -1.0], &mut y, nn_core::Side::len(1));
    /// assert!((y[0] - 0.5f64.tanh() / 2.0).abs() < 1e-15);
    /// ```
    pub struct Gru<G = 3 H> {
        gate_rows: "r, z, n",
        initial: [h0],
    }

    /// What [`Gru`] records per sample for backpropagation through time.
    /// Entries at steps `>= len` are unspecified.
    pub struct GruAux {
        /// Gate activations of each step, `r, z` after the sigmoid and `n`
        /// after the tanh, in the order `r, z, n`.
        pub gates: [[T; G]; L],
        /// `W_hn h_{t-1} + b_hn` of each step (what `r` multiplies).
        pub hn: [[T; H]; L],
        /// Hidden state after each step.
        pub h: [[T; H]; L],
    }

    /// The GRU's step for the sequence engine: the rows of `r` and `z` fused,
    /// those of `n` apart (`r` multiplies `W_hn h + b_hn`).
    impl Cell {
        name: "gru",
        const FUSED: usize = 2 * H;
        const HAS_C: bool = false;
        const DIRECT: bool = true;

        /// Turns the pre-activations into the activations `r, z, n` and
        /// updates `h`.
        #[inline(always)]
        fn cell(gates: &mut [T; G], hn: &[T; H], h: &mut [T; H], _c: &mut [T; H]) {
            for j in 0..H {
                let r = sigmoid_vec(gates[j]);
                let z = sigmoid_vec(gates[H + j]);
                let n = (gates[2 * H + j] + r * hn[j]).tanh_vec();
                gates[j] = r;
                gates[H + j] = z;
                gates[2 * H + j] = n;
                h[j] = (T::ONE - z) * n + z * h[j];
            }
        }

        #[inline(always)]
        fn record(a: &mut Self::Aux, t: usize, g: &[T; G], hn: &[T; H], h: &[T; H], _c: &[T; H]) {
            a.gates[t] = *g;
            a.hn[t] = *hn;
            a.h[t] = *h;
        }

        /// `dn = dh (1 - z)`, `dz = dh (h_{t-1} - n)`, `dr = dn (1 - n^2) hn`
        /// through the activations; the hidden side of `n` is `dn' r`, and
        /// `dh z` reaches `h_{t-1}` directly.
        #[inline(always)]
        fn cell_backward(a: &Self::Aux, s: BackStep<'_, T, H, G>) {
            let BackStep { t, h_prev, dh, da, dah, dh_prev, .. } = s;
            let (gates, hn) = (&a.gates[t], &a.hn[t]);
            for j in 0..H {
                let (r, z, nv) = (gates[j], gates[H + j], gates[2 * H + j]);
                let dan = dh[j] * (T::ONE - z) * (T::ONE - nv * nv);
                let daz = dh[j] * (h_prev[j] - nv) * z * (T::ONE - z);
                let dar = dan * hn[j] * r * (T::ONE - r);
                da[j] = dar;
                da[H + j] = daz;
                da[2 * H + j] = dan;
                dah[j] = dan * r;
                dh_prev[j] = dh[j] * z;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_close, check_layer_gradients, check_layer_gradients_with};
    use crate::Layer;
    use crate::Side;
    use crate::{Init, Rng};

    #[test]
    fn golden_one_step() {
        // Reference (python3, plain math, PyTorch's equations) with the
        // same formulas for the weights:
        //   gi = W_ih x + b_ih, gh = W_hh h0 + b_hh,
        //   r = sig(gi_r + gh_r), z = sig(gi_z + gh_z),
        //   n = tanh(gi_n + r gh_n), h = (1 - z) n + z h0.
        let mut m = Gru::<f64, 1, 2, 2, 6, 2, 2, false, true>::ZEROED;
        for r in 0..6 {
            for c in 0..2 {
                m.weight_ih[r][c] = ((r * 2 + c) % 7) as f64 * 0.1 - 0.3;
                m.weight_hh[r][c] = ((r * 2 + c) % 5) as f64 * 0.15 - 0.3;
            }
            m.bias_ih[r] = (r % 3) as f64 * 0.2 - 0.2;
            m.bias_hh[r] = (r % 4) as f64 * 0.1 - 0.15;
        }
        m.h0 = [0.3, -0.2];
        let mut y = [0.0; 2];
        m.forward(&[0.5, -1.0], &mut y);
        assert_close(&y, &[0.13901028876176433, -0.09756252635425522], 1e-14);
    }

    #[test]
    fn finite_differences_full_length() {
        let mut m = Gru::<f64, 3, 2, 3, 9, 6, 3>::ZEROED;
        m.init(Init::Zeros, &mut Rng::seed(1));
        check_layer_gradients::<_, 6, 3, 2>(&mut m, 11);
        let mut s = Gru::<f64, 3, 2, 3, 9, 6, 9, true, true>::ZEROED;
        s.init(Init::Zeros, &mut Rng::seed(2));
        s.h0 = [0.2, -0.5, 0.1];
        check_layer_gradients::<_, 6, 9, 2>(&mut s, 12);
    }

    #[test]
    fn finite_differences_with_lengths() {
        let lens = [4, 2, 0, 1, 9];
        let mut m = Gru::<f64, 4, 2, 3, 9, 8, 3>::ZEROED;
        m.init(Init::Zeros, &mut Rng::seed(4));
        check_layer_gradients_with::<_, 8, 3, 5>(&mut m, 21, &Side::of_lengths(&lens));
        let mut m = Gru::<f64, 4, 2, 3, 9, 8, 3, false, true>::ZEROED;
        m.init(Init::Zeros, &mut Rng::seed(5));
        m.h0 = [0.2, -0.5, 0.1];
        check_layer_gradients_with::<_, 8, 3, 5>(&mut m, 22, &Side::of_lengths(&lens));
        let mut s = Gru::<f64, 4, 2, 3, 9, 8, 12, true, true>::ZEROED;
        s.init(Init::Zeros, &mut Rng::seed(6));
        s.h0 = [0.2, -0.5, 0.1];
        check_layer_gradients_with::<_, 8, 12, 5>(&mut s, 23, &Side::of_lengths(&lens));
        let mut s = Gru::<f64, 4, 2, 3, 9, 8, 12, true>::ZEROED;
        s.init(Init::Zeros, &mut Rng::seed(7));
        check_layer_gradients_with::<_, 8, 12, 5>(&mut s, 24, &Side::of_lengths(&lens));
    }
}
