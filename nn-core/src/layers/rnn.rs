//! Elman recurrent (tanh) layer over sequences: [`Rnn`] (documented on the type)
//! and its per-sample record [`RnnAux`].
//!
//! The type holds the parameters and implements the step's math (a
//! recurrent `Cell`); the loop over the runtime length, backpropagation
//! through time and the batched GEMM path are the engine in
//! `recurrent.rs`, shared by every recurrent layer.

use super::recurrent::{self, Cell, Parts, PartsMut};
use crate::{Float, Layer, Zeroable};

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
/// Initialisation: PyTorch's, whatever scheme [`Layer::init`] is given:
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
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rnn<
    T,
    const L: usize,
    const F: usize,
    const H: usize,
    const I: usize,
    const O: usize,
    const SEQ: bool = false,
    const STATE: bool = false,
> {
    /// Input weights, `[H][F]`.
    pub weight_ih: [[T; F]; H],
    /// Recurrent weights, `[H][H]`.
    pub weight_hh: [[T; H]; H],
    /// Input bias, `[H]`.
    pub bias_ih: [T; H],
    /// Recurrent bias, `[H]`.
    pub bias_hh: [T; H],
    /// Initial hidden state (learned with `STATE`; else fixed, zero unless set).
    pub h0: [T; H],
}

// SAFETY: float arrays only.
#[allow(unsafe_code)]
unsafe impl<
        T: Float,
        const L: usize,
        const F: usize,
        const H: usize,
        const I: usize,
        const O: usize,
        const SEQ: bool,
        const STATE: bool,
    > Zeroable for Rnn<T, L, F, H, I, O, SEQ, STATE>
{
}

/// What [`Rnn`] records per sample for backpropagation through time.
/// Entries at steps `>= len` are unspecified.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RnnAux<T, const L: usize, const H: usize> {
    /// Hidden state after each step.
    pub h: [[T; H]; L],
}

// SAFETY: an array of floats (`T: Float` is `f32` or `f64`, for which
// all-zero bytes are 0.0); no pointers.
#[allow(unsafe_code)]
unsafe impl<T: Float, const L: usize, const H: usize> Zeroable for RnnAux<T, L, H> {}

impl<T: Float, const L: usize, const H: usize> RnnAux<T, L, H> {
    /// An all-zero record.
    pub const ZEROED: Self = Self {
        h: [[T::ZERO; H]; L],
    };
}

impl<
        T: Float,
        const L: usize,
        const F: usize,
        const H: usize,
        const I: usize,
        const O: usize,
        const SEQ: bool,
        const STATE: bool,
    > Rnn<T, L, F, H, I, O, SEQ, STATE>
{
    super::recurrent::gemm_methods!(L, F, H, H, I, O, RnnAux<T, L, H>);
}

/// The Elman step for the sequence engine: one gate row per hidden unit
/// (`G = H`), fused; the record is the hidden state itself.
impl<
        T: Float,
        const L: usize,
        const F: usize,
        const H: usize,
        const I: usize,
        const O: usize,
        const SEQ: bool,
        const STATE: bool,
    > Cell<T, L, F, H, H> for Rnn<T, L, F, H, I, O, SEQ, STATE>
{
    type Aux = RnnAux<T, L, H>;
    const CHECK: () = {
        assert!(L > 0 && F > 0 && H > 0, "rnn: sizes must be positive");
        assert!(I == L * F, "rnn: I must be L F");
        assert!(
            O == if SEQ { L * H } else { H },
            "rnn: O must be H (last state) or L H (SEQ)"
        );
    };
    const SEQ: bool = SEQ;
    const STATE: bool = STATE;
    const FUSED: usize = H;
    const HAS_C: bool = false;
    const DIRECT: bool = false;

    #[inline(always)]
    fn parts(&self) -> Parts<'_, T, F, H, H> {
        Parts {
            weight_ih: &self.weight_ih,
            weight_hh: &self.weight_hh,
            bias_ih: &self.bias_ih,
            bias_hh: &self.bias_hh,
            h0: &self.h0,
            c0: None,
        }
    }

    #[inline(always)]
    fn parts_mut(&mut self) -> PartsMut<'_, T, F, H, H> {
        PartsMut {
            weight_ih: &mut self.weight_ih,
            weight_hh: &mut self.weight_hh,
            bias_ih: &mut self.bias_ih,
            bias_hh: &mut self.bias_hh,
            h0: &mut self.h0,
            c0: None,
        }
    }

    /// `h = tanh(a)`; the gates record `h` too.
    #[inline(always)]
    fn cell(a: &mut [T; H], _hn: &[T; H], h: &mut [T; H], _c: &mut [T; H]) {
        for (h, a) in h.iter_mut().zip(a.iter_mut()) {
            *h = a.tanh_vec();
            *a = *h;
        }
    }

    #[inline(always)]
    fn record(a: &mut Self::Aux, t: usize, _gates: &[T; H], _hn: &[T; H], h: &[T; H], _c: &[T; H]) {
        a.h[t] = *h;
    }

    #[inline(always)]
    fn h_at(a: &Self::Aux, t: usize) -> &[T; H] {
        &a.h[t]
    }

    /// Never called: the cell has no second state (`HAS_C` is false).
    #[inline(always)]
    fn c_at(a: &Self::Aux, t: usize) -> &[T; H] {
        &a.h[t]
    }

    /// `da = dh (1 - h_t^2)`.
    #[inline(always)]
    fn cell_backward(
        a: &Self::Aux,
        t: usize,
        _h_prev: &[T; H],
        _c_prev: &[T; H],
        dh: &[T; H],
        _dc: &mut [T; H],
        da: &mut [T; H],
        _dah: &mut [T; H],
        _dh_prev: &mut [T; H],
    ) {
        for ((da, dh), h) in da.iter_mut().zip(dh).zip(&a.h[t]) {
            *da = *dh * (T::ONE - *h * *h);
        }
    }
}

impl<
        T: Float,
        const L: usize,
        const F: usize,
        const H: usize,
        const I: usize,
        const O: usize,
        const SEQ: bool,
        const STATE: bool,
    > Layer<T, I, O> for Rnn<T, L, F, H, I, O, SEQ, STATE>
{
    type Aux = RnnAux<T, L, H>;
    const ZEROED_AUX: Self::Aux = RnnAux::ZEROED;
    const ZEROED: Self = Self {
        weight_ih: [[T::ZERO; F]; H],
        weight_hh: [[T::ZERO; H]; H],
        bias_ih: [T::ZERO; H],
        bias_hh: [T::ZERO; H],
        h0: [T::ZERO; H],
    };
    const TENSORS: usize = recurrent::tensors(STATE, false);
    const PARAMS: usize = H * F + H * H + 2 * H + if STATE { H } else { 0 };
    const SCRATCH: usize = recurrent::scratch(H, H);

    super::recurrent::layer_methods!(L, F, H, H, I, O);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_close, check_layer_gradients, check_layer_gradients_with, Stack};
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

    #[test]
    fn init_and_tensors_follow_pytorch() {
        type M = Rnn<f32, 5, 3, 4, 15, 4, false, true>;
        let mut m = M::ZEROED;
        m.init(Init::HeNormal, &mut Rng::seed(1));
        assert_eq!(<M as Layer<f32, 15, 4>>::TENSORS, 5);
        let mut total = 0;
        for t in 0..5 {
            let info = <M as Layer<f32, 15, 4>>::tensor_info(t).unwrap();
            assert_eq!(info.shape.iter().product::<usize>(), m.tensor(t).len());
            total += m.tensor(t).len();
            let bound = if t < 4 { 0.5 } else { 0.0 };
            assert!(m.tensor(t).iter().all(|v| v.abs() <= bound), "tensor {t}");
        }
        assert_eq!(total, <M as Layer<f32, 15, 4>>::PARAMS);
        let mut y = [0.0f32; 4];
        m.forward(&[0.5; 15], &mut y);
        assert!(y.iter().all(|v| v.is_finite() && v.abs() < 1.0));
        assert!(<Rnn<f32, 5, 3, 4, 15, 4> as Layer<f32, 15, 4>>::tensor_info(4).is_none());
    }

    #[test]
    fn stacked_sequence_then_last_state() {
        type A = Rnn<f64, 3, 2, 3, 6, 9, true, true>;
        type C = Rnn<f64, 3, 3, 2, 9, 2>;
        let mut st = Stack::<A, C, 9> {
            a: A::ZEROED,
            c: C::ZEROED,
        };
        st.a.init(Init::Zeros, &mut Rng::seed(30));
        st.c.init(Init::Zeros, &mut Rng::seed(31));
        st.a.h0 = [0.1, 0.2, -0.3];
        let x = [0.5, -1.0, 0.25, 0.75, -0.5, 1.5];
        let (mut mid, mut y, mut ys) = ([0.0; 9], [0.0; 2], [0.0; 2]);
        st.a.forward_with(&x, &mut mid, Side::len(2));
        st.c.forward_with(&mid, &mut y, Side::len(2));
        st.forward_with(&x, &mut ys, Side::len(2));
        assert_eq!(y, ys);
        check_layer_gradients_with::<_, 6, 2, 4>(&mut st, 31, &Side::of_lengths(&[3, 2, 0, 1]));
        check_layer_gradients::<_, 6, 2, 2>(&mut st, 32);
    }
}
