//! Long short-term memory layer over sequences: [`Lstm`] (documented on the type)
//! and its per-sample record [`LstmAux`].
//!
//! The type holds the parameters and implements the step's math (a
//! recurrent `Cell`); the loop over the runtime length, backpropagation
//! through time and the batched GEMM path are the engine in
//! `recurrent.rs`, shared by every recurrent layer.

use super::recurrent::BackStep;
use crate::kernels::sigmoid_vec;

super::recurrent::recurrent_layer! {
    /// Long short-term memory over a sequence, with exact backpropagation
    /// through time. Equations, gate order and tensor layouts are PyTorch's
    /// (`nn.LSTM`, one layer, unidirectional, `batch_first`), so weights can be
    /// exchanged as they are:
    ///
    /// ```text
    /// i = sigmoid(W_ii x_t + b_ii + W_hi h + b_hi)
    /// f = sigmoid(W_if x_t + b_if + W_hf h + b_hf)
    /// g =    tanh(W_ig x_t + b_ig + W_hg h + b_hg)
    /// o = sigmoid(W_io x_t + b_io + W_ho h + b_ho)
    /// c' = f * c + i * g
    /// h' = o * tanh(c')
    /// ```
    ///
    /// Signature (const parameters in this order):
    /// `Lstm<T, L, F, H, G, I, O, SEQ = false, STATE = false>` with the
    /// maximum sequence length `L`, features per step `F`, hidden size `H`,
    /// `G = 4 H`, `I = L F`, and `O = H` (last hidden state) or `O = L H`
    /// (`SEQ = true`: the hidden state at every step). The derived sizes are
    /// checked at compile time.
    ///
    /// Tensors: `weight_ih: [4H, F]`, `weight_hh: [4H, H]`, `bias_ih: [4H]`,
    /// `bias_hh: [4H]`, the rows stacked as gates `i, f, g, o` (PyTorch's
    /// `weight_ih_l0` ...), then with `STATE = true` the learned initial state
    /// `h0: [H]` and `c0: [H]` (kind `Other`, zero after `init`). With
    /// `STATE = false` the fields are no parameter tensors (not trained, not
    /// in weight files, as `Dense`'s bias without `BIAS`) and the initial
    /// state is whatever they hold: zero, unless set by hand (a given state).
    /// Unidirectional only (no `bidirectional`).
    ///
    /// Input `x: [L, F]` row-major; runtime length `len` (`forward_with` and
    /// friends; larger than `L` means `L`, the plain methods mean `L`). Only
    /// the first `len` steps run. Output: `h` after step `len - 1` (the
    /// initial `h0` if `len = 0`), or with `SEQ` the rows `[L, H]` with the
    /// rows at positions `>= len` zero. Inputs past `len` change nothing and
    /// get exactly zero gradient.
    ///
    /// Backward, per sample, from the last step down, with `dh` the gradient
    /// reaching `h_t` (from the output, plus from step `t + 1`) and `dc` the
    /// one reaching `c_t` from step `t + 1`:
    /// `dc += dh o (1 - tanh^2 c_t)`, `do = dh tanh c_t`, `di = dc g`,
    /// `df = dc c_{t-1}`, `dg = dc i`, then through the activations to the
    /// pre-activations `da: [4H]`; `dW_ih += da x_t^T`, `dW_hh += da h_{t-1}^T`,
    /// `db_ih += da`, `db_hh += da`, `dx_t = W_ih^T da`,
    /// `dh_{t-1} = W_hh^T da`, `dc_{t-1} = dc f`; finally `dh0 += dh_{-1}`,
    /// `dc0 += dc_{-1}` when `STATE`. The per-sample record [`LstmAux`] keeps
    /// the gate activations, cell states and hidden states of every step.
    ///
    /// Initialisation: PyTorch's, whatever scheme [`Layer::init`](crate::Layer::init) is given:
    /// every weight and bias `U(-1/sqrt(H), 1/sqrt(H))`; `h0 = c0 = 0`.
    ///
    /// Inference (`forward`, `forward_with`) allocates nothing: the state and
    /// the gates of one step live on the stack. With `alloc`, a training batch
    /// of full-length sequences goes through GEMMs.
    /// In `f32` the sigmoid and tanh are vectorisable
    /// branch-free polynomials (within a few ulp of
    /// libm's); in `f64` the usual functions.
    ///
    /// ```
    /// use nn_core::Layer;
    /// // Two steps of one feature, one hidden unit, last state.
    /// type Cell = nn_core::layers::Lstm<f64, 2, 1, 1, 4, 2, 1>;
    /// let mut lstm = Cell::ZEROED;
    /// lstm.weight_ih = [[0.0], [0.0], [1.0], [0.0]]; // g = tanh(x_t)
    /// let mut y = [0.0];
    /// lstm.forward(&[0.5, 0.0], &mut y);
    /// // i = f = o = 1/2; c1 = tanh(0.5) / 2; c2 = c1 / 2; h2 = tanh(c2) / 2.
    /// let c2 = 0.5f64.tanh() / 4.0;
    /// assert!((y[0] - c2.tanh() / 2.0).abs() < 1e-15);
    /// // Only the first step: h1 = tanh(c1) / 2.
    /// lstm.forward_with(&[0.5, 0.0], &mut y, nn_core::Side::len(1));
    /// assert!((y[0] - (0.5f64.tanh() / 2.0).tanh() / 2.0).abs() < 1e-15);
    /// ```
    pub struct Lstm<G = 4 H> {
        gate_rows: "i, f, g, o",
        initial: [h0, c0],
    }

    /// What [`Lstm`] records per sample for backpropagation through time.
    /// Entries at steps `>= len` are unspecified.
    pub struct LstmAux {
        /// Gate activations of each step: `i, f, o` after the sigmoid and `g`
        /// after the tanh, in the order `i, f, g, o`.
        pub gates: [[T; G]; L],
        /// Cell state after each step.
        pub c: [[T; H]; L],
        /// Hidden state after each step.
        pub h: [[T; H]; L],
    }

    /// The LSTM's step for the sequence engine: all `4H` rows fused, the cell
    /// state `c` as second state.
    impl Cell {
        name: "lstm",
        const FUSED: usize = G;
        const HAS_C: bool = true;
        const DIRECT: bool = false;

        /// Turns the pre-activations into the activations `i, f, g, o` and
        /// updates `c`, `h`.
        #[inline(always)]
        fn cell(gates: &mut [T; G], _hn: &[T; H], h: &mut [T; H], c: &mut [T; H]) {
            for j in 0..H {
                let i = sigmoid_vec(gates[j]);
                let f = sigmoid_vec(gates[H + j]);
                let g = gates[2 * H + j].tanh_vec();
                let o = sigmoid_vec(gates[3 * H + j]);
                gates[j] = i;
                gates[H + j] = f;
                gates[2 * H + j] = g;
                gates[3 * H + j] = o;
                c[j] = f * c[j] + i * g;
                h[j] = o * c[j].tanh_vec();
            }
        }

        #[inline(always)]
        fn record(a: &mut Self::Aux, t: usize, g: &[T; G], _hn: &[T; H], h: &[T; H], c: &[T; H]) {
            a.gates[t] = *g;
            a.c[t] = *c;
            a.h[t] = *h;
        }

        #[inline(always)]
        fn c_at(a: &Self::Aux, t: usize) -> &[T; H] {
            &a.c[t]
        }

        /// From the gradient `dh` reaching `h_t` and `dc` reaching `c_t` from
        /// later steps, writes the pre-activation gradients `da` and replaces
        /// `dc` by the gradient reaching `c_{t-1}`.
        #[inline(always)]
        fn cell_backward(a: &Self::Aux, s: BackStep<'_, T, H, G>) {
            let BackStep { t, c_prev, dh, dc, da, .. } = s;
            let (gates, c) = (&a.gates[t], &a.c[t]);
            for j in 0..H {
                let (i, f) = (gates[j], gates[H + j]);
                let (g, o) = (gates[2 * H + j], gates[3 * H + j]);
                let tc = c[j].tanh_vec();
                let dcj = dc[j] + dh[j] * o * (T::ONE - tc * tc);
                da[j] = dcj * g * i * (T::ONE - i);
                da[H + j] = dcj * c_prev[j] * f * (T::ONE - f);
                da[2 * H + j] = dcj * i * (T::ONE - g * g);
                da[3 * H + j] = dh[j] * tc * o * (T::ONE - o);
                dc[j] = dcj * f;
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
    use crate::{Init, Rng, TrainCtx};

    /// Fixed small weights, the same formulas as the Python reference.
    fn fixed<const L: usize, const I: usize, const O: usize, const SEQ: bool, const STATE: bool>(
    ) -> Lstm<f64, L, 2, 2, 8, I, O, SEQ, STATE> {
        let mut m = Lstm::ZEROED;
        for r in 0..8 {
            for c in 0..2 {
                m.weight_ih[r][c] = ((r * 2 + c) % 7) as f64 * 0.1 - 0.3;
                m.weight_hh[r][c] = ((r * 2 + c) % 5) as f64 * 0.15 - 0.3;
            }
            m.bias_ih[r] = (r % 3) as f64 * 0.2 - 0.2;
            m.bias_hh[r] = (r % 4) as f64 * 0.1 - 0.15;
        }
        m.h0 = [0.3, -0.2];
        m.c0 = [0.5, -0.4];
        m
    }

    #[test]
    fn golden_one_step() {
        // Reference (python3, plain math, PyTorch's equations):
        //   a = W_ih x + b_ih + W_hh h0 + b_hh; i, f, g, o = a[0:2], a[2:4], ...
        //   c = sig(f) c0 + sig(i) tanh(g); h = sig(o) tanh(c)
        let m = fixed::<1, 2, 2, false, true>();
        let x = [0.5, -1.0];
        let mut y = [0.0; 2];
        m.forward(&x, &mut y);
        assert_close(&y, &[0.08556507727857746, -0.13803906776413669], 1e-14);
        // The cell state, through the training record.
        let mut ys = [[0.0; 2]; 1];
        let mut aux = [LstmAux::ZEROED; 1];
        m.forward_train(&[x], &mut ys, &mut aux, &mut TrainCtx::seed(0));
        assert_eq!(ys[0], y);
        assert_close(
            &aux[0].c[0],
            &[0.2138886544057889, -0.2398071164868006],
            1e-14,
        );
    }

    #[test]
    fn finite_differences_full_length() {
        let mut m = Lstm::<f64, 3, 2, 3, 12, 6, 3>::ZEROED;
        m.init(Init::Zeros, &mut Rng::seed(1));
        check_layer_gradients::<_, 6, 3, 2>(&mut m, 11);
        let mut s = Lstm::<f64, 3, 2, 3, 12, 6, 9, true, true>::ZEROED;
        s.init(Init::Zeros, &mut Rng::seed(2));
        s.h0 = [0.2, -0.5, 0.1];
        s.c0 = [-0.3, 0.4, 0.8];
        check_layer_gradients::<_, 6, 9, 2>(&mut s, 12);
    }

    #[test]
    fn finite_differences_with_lengths() {
        let lens = [4, 2, 0, 1, 9];
        let mut m = Lstm::<f64, 4, 2, 3, 12, 8, 3>::ZEROED;
        m.init(Init::Zeros, &mut Rng::seed(4));
        check_layer_gradients_with::<_, 8, 3, 5>(&mut m, 21, &Side::of_lengths(&lens));
        let mut m = Lstm::<f64, 4, 2, 3, 12, 8, 3, false, true>::ZEROED;
        m.init(Init::Zeros, &mut Rng::seed(5));
        m.h0 = [0.2, -0.5, 0.1];
        m.c0 = [-0.3, 0.4, 0.8];
        check_layer_gradients_with::<_, 8, 3, 5>(&mut m, 22, &Side::of_lengths(&lens));
        let mut s = Lstm::<f64, 4, 2, 3, 12, 8, 12, true, true>::ZEROED;
        s.init(Init::Zeros, &mut Rng::seed(6));
        s.h0 = [0.2, -0.5, 0.1];
        s.c0 = [-0.3, 0.4, 0.8];
        check_layer_gradients_with::<_, 8, 12, 5>(&mut s, 23, &Side::of_lengths(&lens));
        let mut s = Lstm::<f64, 4, 2, 3, 12, 8, 12, true>::ZEROED;
        s.init(Init::Zeros, &mut Rng::seed(7));
        check_layer_gradients_with::<_, 8, 12, 5>(&mut s, 24, &Side::of_lengths(&lens));
    }
}
