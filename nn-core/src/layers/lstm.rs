//! Long short-term memory layer over sequences: [`Lstm`] (documented on the type)
//! and its per-sample record [`LstmAux`].
//!
//! The type holds the parameters and implements the step's math (a
//! recurrent `Cell`); the loop over the runtime length, backpropagation
//! through time and the batched GEMM path are the engine in
//! `recurrent.rs`, shared by every recurrent layer.

use super::recurrent::{self, Cell, Parts, PartsMut};
use crate::kernels::sigmoid_vec;
use crate::{Float, Layer, Zeroable};

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
/// Initialisation: PyTorch's, whatever scheme [`Layer::init`] is given:
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
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Lstm<
    T,
    const L: usize,
    const F: usize,
    const H: usize,
    const G: usize,
    const I: usize,
    const O: usize,
    const SEQ: bool = false,
    const STATE: bool = false,
> {
    /// Input weights, `[4H][F]`, gate rows `i, f, g, o`.
    pub weight_ih: [[T; F]; G],
    /// Recurrent weights, `[4H][H]`, gate rows `i, f, g, o`.
    pub weight_hh: [[T; H]; G],
    /// Input bias, `[4H]`.
    pub bias_ih: [T; G],
    /// Recurrent bias, `[4H]`.
    pub bias_hh: [T; G],
    /// Initial hidden state (learned with `STATE`; else fixed, zero unless set).
    pub h0: [T; H],
    /// Initial cell state (learned with `STATE`; else fixed, zero unless set).
    pub c0: [T; H],
}

// SAFETY: float arrays only.
#[allow(unsafe_code)]
unsafe impl<
        T: Float,
        const L: usize,
        const F: usize,
        const H: usize,
        const G: usize,
        const I: usize,
        const O: usize,
        const SEQ: bool,
        const STATE: bool,
    > Zeroable for Lstm<T, L, F, H, G, I, O, SEQ, STATE>
{
}

/// What [`Lstm`] records per sample for backpropagation through time.
/// Entries at steps `>= len` are unspecified.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LstmAux<T, const L: usize, const H: usize, const G: usize> {
    /// Gate activations of each step: `i, f, o` after the sigmoid and `g`
    /// after the tanh, in the order `i, f, g, o`.
    pub gates: [[T; G]; L],
    /// Cell state after each step.
    pub c: [[T; H]; L],
    /// Hidden state after each step.
    pub h: [[T; H]; L],
}

// SAFETY: three arrays of floats (`T: Float` is `f32` or `f64`, for which
// all-zero bytes are 0.0); no padding invariants, no pointers.
#[allow(unsafe_code)]
unsafe impl<T: Float, const L: usize, const H: usize, const G: usize> Zeroable
    for LstmAux<T, L, H, G>
{
}

impl<T: Float, const L: usize, const H: usize, const G: usize> LstmAux<T, L, H, G> {
    /// An all-zero record.
    pub const ZEROED: Self = Self {
        gates: [[T::ZERO; G]; L],
        c: [[T::ZERO; H]; L],
        h: [[T::ZERO; H]; L],
    };
}

impl<
        T: Float,
        const L: usize,
        const F: usize,
        const H: usize,
        const G: usize,
        const I: usize,
        const O: usize,
        const SEQ: bool,
        const STATE: bool,
    > Lstm<T, L, F, H, G, I, O, SEQ, STATE>
{
    super::recurrent::gemm_methods!(L, F, H, G, I, O, LstmAux<T, L, H, G>);
}

/// The LSTM's step for the sequence engine: all `4H` rows fused, the cell
/// state `c` as second state.
impl<
        T: Float,
        const L: usize,
        const F: usize,
        const H: usize,
        const G: usize,
        const I: usize,
        const O: usize,
        const SEQ: bool,
        const STATE: bool,
    > Cell<T, L, F, H, G> for Lstm<T, L, F, H, G, I, O, SEQ, STATE>
{
    type Aux = LstmAux<T, L, H, G>;
    const CHECK: () = {
        assert!(L > 0 && F > 0 && H > 0, "lstm: sizes must be positive");
        assert!(G == 4 * H, "lstm: G must be 4 H");
        assert!(I == L * F, "lstm: I must be L F");
        assert!(
            O == if SEQ { L * H } else { H },
            "lstm: O must be H (last state) or L H (SEQ)"
        );
    };
    const SEQ: bool = SEQ;
    const STATE: bool = STATE;
    const FUSED: usize = G;
    const HAS_C: bool = true;
    const DIRECT: bool = false;

    #[inline(always)]
    fn parts(&self) -> Parts<'_, T, F, H, G> {
        Parts {
            weight_ih: &self.weight_ih,
            weight_hh: &self.weight_hh,
            bias_ih: &self.bias_ih,
            bias_hh: &self.bias_hh,
            h0: &self.h0,
            c0: Some(&self.c0),
        }
    }

    #[inline(always)]
    fn parts_mut(&mut self) -> PartsMut<'_, T, F, H, G> {
        PartsMut {
            weight_ih: &mut self.weight_ih,
            weight_hh: &mut self.weight_hh,
            bias_ih: &mut self.bias_ih,
            bias_hh: &mut self.bias_hh,
            h0: &mut self.h0,
            c0: Some(&mut self.c0),
        }
    }

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
    fn record(a: &mut Self::Aux, t: usize, gates: &[T; G], _hn: &[T; H], h: &[T; H], c: &[T; H]) {
        a.gates[t] = *gates;
        a.c[t] = *c;
        a.h[t] = *h;
    }

    #[inline(always)]
    fn h_at(a: &Self::Aux, t: usize) -> &[T; H] {
        &a.h[t]
    }

    #[inline(always)]
    fn c_at(a: &Self::Aux, t: usize) -> &[T; H] {
        &a.c[t]
    }

    /// From the gradient `dh` reaching `h_t` and `dc` reaching `c_t` from
    /// later steps, writes the pre-activation gradients `da` and replaces
    /// `dc` by the gradient reaching `c_{t-1}`.
    #[inline(always)]
    fn cell_backward(
        a: &Self::Aux,
        t: usize,
        _h_prev: &[T; H],
        c_prev: &[T; H],
        dh: &[T; H],
        dc: &mut [T; H],
        da: &mut [T; G],
        _dah: &mut [T; H],
        _dh_prev: &mut [T; H],
    ) {
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

impl<
        T: Float,
        const L: usize,
        const F: usize,
        const H: usize,
        const G: usize,
        const I: usize,
        const O: usize,
        const SEQ: bool,
        const STATE: bool,
    > Layer<T, I, O> for Lstm<T, L, F, H, G, I, O, SEQ, STATE>
{
    type Aux = LstmAux<T, L, H, G>;
    const ZEROED_AUX: Self::Aux = LstmAux::ZEROED;
    const ZEROED: Self = Self {
        weight_ih: [[T::ZERO; F]; G],
        weight_hh: [[T::ZERO; H]; G],
        bias_ih: [T::ZERO; G],
        bias_hh: [T::ZERO; G],
        h0: [T::ZERO; H],
        c0: [T::ZERO; H],
    };
    const TENSORS: usize = recurrent::tensors(STATE, true);
    const PARAMS: usize = G * F + G * H + 2 * G + if STATE { 2 * H } else { 0 };
    const SCRATCH: usize = recurrent::scratch(H, G);

    super::recurrent::layer_methods!(L, F, H, G, I, O);
}

#[cfg(test)]
impl<
        T: Float,
        const L: usize,
        const F: usize,
        const H: usize,
        const G: usize,
        const I: usize,
        const O: usize,
        const SEQ: bool,
        const STATE: bool,
    > Lstm<T, L, F, H, G, I, O, SEQ, STATE>
{
    /// Tensor `k` of `weight_ih, weight_hh, bias_ih, bias_hh, h0, c0`,
    /// whether or not `STATE` makes the last two parameters.
    fn tensor_all(&self, k: usize) -> &[T] {
        match k {
            0 => self.weight_ih.as_flattened(),
            1 => self.weight_hh.as_flattened(),
            2 => &self.bias_ih,
            3 => &self.bias_hh,
            4 => &self.h0,
            _ => &self.c0,
        }
    }
    fn tensor_all_mut(&mut self, k: usize) -> &mut [T] {
        match k {
            0 => self.weight_ih.as_flattened_mut(),
            1 => self.weight_hh.as_flattened_mut(),
            2 => &mut self.bias_ih,
            3 => &mut self.bias_hh,
            4 => &mut self.h0,
            _ => &mut self.c0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_close, check_layer_gradients, check_layer_gradients_with, Stack};
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
        let mut m = m;
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

    /// The GEMM path (full-length batches, with `alloc`) and the
    /// per-sample path agree on random data, forward and backward.
    #[cfg(feature = "alloc")]
    fn gemm_vs_direct<
        T: Float,
        const L: usize,
        const F: usize,
        const H: usize,
        const G: usize,
        const I: usize,
        const O: usize,
        const SEQ: bool,
        const STATE: bool,
        const B: usize,
    >(
        tol: f64,
    ) {
        type M<
            T,
            const L: usize,
            const F: usize,
            const H: usize,
            const G: usize,
            const I: usize,
            const O: usize,
            const SEQ: bool,
            const STATE: bool,
        > = Lstm<T, L, F, H, G, I, O, SEQ, STATE>;
        let mut rng = Rng::seed((L * 100 + F * 10 + H) as u64);
        let mut m = M::<T, L, F, H, G, I, O, SEQ, STATE>::ZEROED;
        m.init(Init::Zeros, &mut rng);
        m.h0.iter_mut()
            .chain(&mut m.c0)
            .for_each(|v| *v = T::cast(0.5 * rng.normal()));
        let mut x = [[T::ZERO; I]; B];
        let mut dy = [[T::ZERO; O]; B];
        x.as_flattened_mut()
            .iter_mut()
            .for_each(|v| *v = T::cast(rng.normal()));
        dy.as_flattened_mut()
            .iter_mut()
            .for_each(|v| *v = T::cast(rng.normal()));
        let close = |a: &[T], b: &[T], what: &str| {
            for (k, (a, b)) in a.iter().zip(b).enumerate() {
                let (a, b) = (a.as_f64(), b.as_f64());
                assert!(
                    (a - b).abs() <= tol * (1.0 + a.abs().max(b.abs())),
                    "{what}[{k}]: {a} vs {b}"
                );
            }
        };
        let (mut y1, mut y2) = ([[T::ZERO; O]; B], [[T::nan(); O]; B]);
        let mut aux1 = [LstmAux::ZEROED; B];
        let mut aux2 = [LstmAux::ZEROED; B];
        for b in 0..B {
            m.run(&x[b], &mut y1[b], L, Some(&mut aux1[b]));
        }
        m.forward_train_gemm(&x, &mut y2, &mut aux2);
        close(y1.as_flattened(), y2.as_flattened(), "y");
        for (a1, a2) in aux1.iter().zip(&aux2) {
            close(a1.gates.as_flattened(), a2.gates.as_flattened(), "gates");
            close(a1.c.as_flattened(), a2.c.as_flattened(), "c");
            close(a1.h.as_flattened(), a2.h.as_flattened(), "h");
        }
        let mut g1 = M::<T, L, F, H, G, I, O, SEQ, STATE>::ZEROED;
        let mut g2 = g1;
        // Both accumulate into what is there.
        g1.weight_hh[0][0] = T::ONE;
        g2.weight_hh[0][0] = T::ONE;
        let (mut dx1, mut dx2) = ([[T::ZERO; I]; B], [[T::nan(); I]; B]);
        // The per-sample path: one sample at a time is below the GEMM threshold.
        let direct = |g: &mut M<T, L, F, H, G, I, O, SEQ, STATE>, dx: &mut [[T; I]; B]| {
            for b in 0..B {
                let mut gb = M::<T, L, F, H, G, I, O, SEQ, STATE>::ZEROED;
                let mut dxb = [[T::ZERO; I]; 1];
                m.backward_with(
                    &[x[b]],
                    &[y1[b]],
                    &[aux1[b]],
                    &[dy[b]],
                    Some(&mut dxb),
                    &mut gb,
                    &[Side::WHOLE],
                );
                dx[b] = dxb[0];
                for k in 0..6 {
                    let src = gb.tensor_all(k);
                    for (d, s) in g.tensor_all_mut(k).iter_mut().zip(src) {
                        *d += *s;
                    }
                }
            }
        };
        assert!(!M::<T, L, F, H, G, I, O, SEQ, STATE>::use_gemm(1));
        direct(&mut g1, &mut dx1);
        m.backward_gemm(&x, &aux2, &dy, Some(&mut dx2), &mut g2);
        close(dx1.as_flattened(), dx2.as_flattened(), "dx");
        for k in 0..6 {
            close(g1.tensor_all(k), g2.tensor_all(k), "grad");
        }
    }

    #[cfg(feature = "alloc")]
    #[test]
    fn gemm_path_matches_direct_path() {
        assert!(Lstm::<f32, 32, 32, 64, 256, 1024, 64>::use_gemm(32));
        gemm_vs_direct::<f32, 8, 32, 64, 256, 256, 64, false, false, 8>(1e-5);
        gemm_vs_direct::<f64, 5, 3, 16, 64, 15, 80, true, true, 6>(1e-12);
        gemm_vs_direct::<f64, 4, 2, 16, 64, 8, 16, false, true, 4>(1e-12);
    }

    /// Finite differences through the GEMM path (a shape and batch that
    /// take it), last state and sequence output.
    #[cfg(feature = "alloc")]
    #[test]
    fn finite_differences_gemm_path() {
        type A = Lstm<f64, 3, 2, 16, 64, 6, 16>;
        assert!(A::use_gemm(4));
        let mut m = A::ZEROED;
        m.init(Init::Zeros, &mut Rng::seed(41));
        check_layer_gradients::<_, 6, 16, 4>(&mut m, 42);
        type S = Lstm<f64, 3, 2, 16, 64, 6, 48, true, true>;
        let mut s = S::ZEROED;
        s.init(Init::Zeros, &mut Rng::seed(43));
        s.h0.iter_mut()
            .enumerate()
            .for_each(|(k, v)| *v = 0.05 * k as f64 - 0.3);
        check_layer_gradients::<_, 6, 48, 4>(&mut s, 44);
    }

    #[test]
    fn init_and_tensors_follow_pytorch() {
        type M = Lstm<f32, 5, 3, 4, 16, 15, 4, false, true>;
        let mut m = M::ZEROED;
        m.init(Init::HeNormal, &mut Rng::seed(1));
        assert_eq!(<M as Layer<f32, 15, 4>>::TENSORS, 6);
        let mut total = 0;
        for t in 0..6 {
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
        assert!(m.weight_ih.as_flattened().iter().any(|v| v.abs() > 0.3));
        assert!(<Lstm<f32, 5, 3, 4, 16, 15, 4> as Layer<f32, 15, 4>>::tensor_info(4).is_none());
    }

    #[test]
    fn stacked_sequence_then_last_state() {
        type A = Lstm<f64, 3, 2, 3, 12, 6, 9, true, true>;
        type C = Lstm<f64, 3, 3, 2, 8, 9, 2>;
        let mut st = Stack::<A, C, 9> {
            a: A::ZEROED,
            c: C::ZEROED,
        };
        st.a.init(Init::Zeros, &mut Rng::seed(30));
        st.c.init(Init::Zeros, &mut Rng::seed(31));
        st.a.h0 = [0.1, 0.2, -0.3];
        // By hand: the second layer reads the first one's sequence.
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
