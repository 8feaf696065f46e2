//! Elman recurrent (tanh) layer over sequences: [`Rnn`] (documented on the type)
//! and its per-sample record [`RnnAux`].
//!
//! The type holds the parameters and implements the step's math (a
//! recurrent `Cell`); the loop over the runtime length, backpropagation
//! through time and the batched GEMM path are the engine in
//! `recurrent.rs`, shared by every recurrent layer.

use super::recurrent::BackStep;

super::recurrent::recurrent_layer! {
    /// Elman recurrent layer (tanh) over a sequence, with exact
    /// backpropagation through time. Equation and tensor layouts are
    /// PyTorch's (`nn.RNN`, `nonlinearity = "tanh"`, one layer,
    /// unidirectional, `batch_first`), so weights can be exchanged as they are:
    ///
    /// ```text
    /// h' = tanh(W_ih x_t + b_ih + W_hh h + b_hh)
    /// ```
    ///
    /// Signature (const parameters in this order):
    /// `Rnn<T, L, F, H, I, O, SEQ = false, STATE = false>` with the maximum
    /// sequence length `L`, features per step `F`, hidden size `H`, `I = L F`,
    /// and `O = H` (last hidden state) or `O = L H` (`SEQ = true`: the hidden
    /// state at every step). The derived sizes are checked at compile time.
    ///
    /// Tensors: `weight_ih: [H, F]`, `weight_hh: [H, H]`, `bias_ih: [H]`,
    /// `bias_hh: [H]` (PyTorch's `weight_ih_l0` ...), then with
    /// `STATE = true` the learned initial state `h0: [H]` (kind `Other`).
    /// (zero after `init`). With `STATE = false` the field is no parameter
    /// tensor (not trained, not in weight files, as `Dense`'s bias without
    /// `BIAS`) and the initial state is whatever it holds: zero, unless set by
    /// hand (a given state). Unidirectional only (no `bidirectional`).
    ///
    /// Input `x: [L, F]` row-major; runtime length `len` (`forward_with` and
    /// friends; larger than `L` means `L`, the plain methods mean `L`). Only
    /// the first `len` steps run. Output: `h` after step `len - 1` (the
    /// initial `h0` if `len = 0`), or with `SEQ` the rows `[L, H]` with the
    /// rows at positions `>= len` zero. Inputs past `len` change nothing and
    /// get exactly zero gradient.
    ///
    /// Backward, per sample, from the last step down, with `dh` the gradient
    /// reaching `h_t` (from the output, plus from step `t + 1`):
    /// `da = dh (1 - h_t^2)`, `dW_ih += da x_t^T`, `dW_hh += da h_{t-1}^T`,
    /// `db_ih += da`, `db_hh += da`, `dx_t = W_ih^T da`,
    /// `dh_{t-1} = W_hh^T da`; finally `dh0 += dh_{-1}` when `STATE`. The
    /// per-sample record [`RnnAux`] keeps the hidden state of every step.
    ///
    /// Initialisation: PyTorch's, whatever scheme [`Layer::init`](crate::Layer::init) is given:
    /// every weight and bias `U(-1/sqrt(H), 1/sqrt(H))`; `h0 = 0`.
    ///
    /// Inference (`forward`, `forward_with`) allocates nothing: the state of
    /// one step lives on the stack.
    /// With `alloc`, a training batch of full-length sequences goes through
    /// GEMMs. In `f32` the sigmoid and tanh are
    /// vectorisable branch-free polynomials (within a few ulp of
    /// libm's); in `f64` the usual functions.
    ///
    /// ```
    /// use nn_core::Layer;
    /// // Two steps of one feature, one hidden unit, last state.
    /// type Cell = nn_core::layers::Rnn<f64, 2, 1, 1, 2, 1>;
    /// let mut rnn = Cell::ZEROED;
    /// rnn.weight_ih = [[1.0]];
    /// rnn.weight_hh = [[0.5]];
    /// let mut y = [0.0];
    /// rnn.forward(&[0.5, -1.0], &mut y);
    /// assert!((y[0] - (-1.0 + 0.5 * 0.5f64.tanh()).tanh()).abs() < 1e-15);
    /// rnn.forward_with(&[0.5, -1.0], &mut y, nn_core::Side::len(1));
    /// assert!((y[0] - 0.5f64.tanh()).abs() < 1e-15);
    /// ```
    pub struct Rnn<G = H> {
        initial: [h0],
    }

    /// What [`Rnn`] records per sample for backpropagation through time.
    /// Entries at steps `>= len` are unspecified.
    pub struct RnnAux {
        /// Hidden state after each step.
        pub h: [[T; H]; L],
    }

    /// The Elman step for the sequence engine: one gate row per hidden unit
    /// (`G = H`), fused; the record is the hidden state itself.
    impl Cell {
        name: "rnn",
        const FUSED: usize = H;
        const HAS_C: bool = false;
        const DIRECT: bool = false;

        /// `h = tanh(a)`; the gates record `h` too.
        #[inline(always)]
        fn cell(a: &mut [T; H], _hn: &[T; H], h: &mut [T; H], _c: &mut [T; H]) {
            for (h, a) in h.iter_mut().zip(a.iter_mut()) {
                *h = a.tanh_vec();
                *a = *h;
            }
        }

        #[inline(always)]
        fn record(a: &mut Self::Aux, t: usize, _g: &[T; H], _hn: &[T; H], h: &[T; H], _c: &[T; H]) {
            a.h[t] = *h;
        }

        /// `da = dh (1 - h_t^2)`.
        #[inline(always)]
        fn cell_backward(a: &Self::Aux, s: BackStep<'_, T, H, H>) {
            let BackStep { t, dh, da, .. } = s;
            for ((da, dh), h) in da.iter_mut().zip(dh).zip(&a.h[t]) {
                *da = *dh * (T::ONE - *h * *h);
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
    ) -> Rnn<f64, L, 2, 2, I, O, SEQ, STATE> {
        let mut m = Rnn::ZEROED;
        for r in 0..2 {
            for c in 0..2 {
                m.weight_ih[r][c] = ((r * 2 + c) % 7) as f64 * 0.1 - 0.3;
                m.weight_hh[r][c] = ((r * 2 + c) % 5) as f64 * 0.15 - 0.3;
            }
            m.bias_ih[r] = (r % 3) as f64 * 0.2 - 0.2;
            m.bias_hh[r] = (r % 4) as f64 * 0.1 - 0.15;
        }
        m
    }

    #[test]
    fn golden_steps() {
        // Reference (python3, plain math, PyTorch's equation):
        //   h = tanh(W_ih x + b_ih + W_hh h0 + b_hh).
        let mut m = fixed::<1, 2, 2, false, true>();
        m.h0 = [0.3, -0.2];
        let mut y = [0.0; 2];
        m.forward(&[0.5, -1.0], &mut y);
        assert_close(&y, &[-0.34521403413552093, -0.12927258360605837], 1e-14);
        // Two steps from the zero state, as a sequence.
        let m = fixed::<2, 4, 4, true, false>();
        let mut y = [0.0; 4];
        m.forward(&[0.5, -1.0, 0.25, 0.75], &mut y);
        assert_close(&y[2..], &[-0.4403428273197975, -0.08970838493832635], 1e-14);
    }

    #[test]
    fn finite_differences_full_length() {
        let mut m = Rnn::<f64, 3, 2, 3, 6, 3>::ZEROED;
        m.init(Init::Zeros, &mut Rng::seed(1));
        check_layer_gradients::<_, 6, 3, 2>(&mut m, 11);
        let mut s = Rnn::<f64, 3, 2, 3, 6, 9, true, true>::ZEROED;
        s.init(Init::Zeros, &mut Rng::seed(2));
        s.h0 = [0.2, -0.5, 0.1];
        check_layer_gradients::<_, 6, 9, 2>(&mut s, 12);
    }

    #[test]
    fn finite_differences_with_lengths() {
        let lens = [4, 2, 0, 1, 9];
        let mut m = Rnn::<f64, 4, 2, 3, 8, 3>::ZEROED;
        m.init(Init::Zeros, &mut Rng::seed(4));
        check_layer_gradients_with::<_, 8, 3, 5>(&mut m, 21, &Side::of_lengths(&lens));
        let mut m = Rnn::<f64, 4, 2, 3, 8, 3, false, true>::ZEROED;
        m.init(Init::Zeros, &mut Rng::seed(5));
        m.h0 = [0.2, -0.5, 0.1];
        check_layer_gradients_with::<_, 8, 3, 5>(&mut m, 22, &Side::of_lengths(&lens));
        let mut s = Rnn::<f64, 4, 2, 3, 8, 12, true, true>::ZEROED;
        s.init(Init::Zeros, &mut Rng::seed(6));
        s.h0 = [0.2, -0.5, 0.1];
        check_layer_gradients_with::<_, 8, 12, 5>(&mut s, 23, &Side::of_lengths(&lens));
        let mut s = Rnn::<f64, 4, 2, 3, 8, 12, true>::ZEROED;
        s.init(Init::Zeros, &mut Rng::seed(7));
        check_layer_gradients_with::<_, 8, 12, 5>(&mut s, 24, &Side::of_lengths(&lens));
    }

    #[test]
    fn given_state_without_a_state_tensor() {
        // STATE = false: h0 is no tensor and gets no gradient, but a state
        // set by hand is used.
        let mut m = fixed::<2, 4, 2, false, false>();
        m.h0 = [0.3, -0.2];
        let mut y = [0.0; 2];
        m.forward_with(&[0.5, -1.0, 0.0, 0.0], &mut y, Side::len(1));
        assert_close(&y, &[-0.34521403413552093, -0.12927258360605837], 1e-14);
        let mut aux = [RnnAux::ZEROED; 1];
        let mut ys = [[0.0; 2]];
        let x = [[0.5, -1.0, 0.0, 0.0]];
        m.forward_train_with(
            &x,
            &mut ys,
            &mut aux,
            &Side::of_lengths(&[1]),
            &mut TrainCtx::seed(0),
        );
        let mut g = Rnn::ZEROED;
        m.backward_with(
            &x,
            &ys,
            &aux,
            &[[1.0, 1.0]],
            None,
            &mut g,
            &Side::of_lengths(&[1]),
        );
        assert_eq!(g.h0, [0.0; 2]);
        assert!(g.tensor(4).is_empty());
    }
}
