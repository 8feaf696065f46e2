//! The sequence engine shared by [`Rnn`](super::Rnn), [`Lstm`](super::Lstm)
//! and [`Gru`](super::Gru): each layer type is a [`Cell`] (its parameters,
//! the element-wise math of one step forward and backward, and its
//! per-sample record), and the functions here own everything else: the
//! loop over the runtime length, backpropagation through time, the
//! batched GEMM training path, the parameter tensors and PyTorch's
//! initialisation.
//!
//! A step of every cell is
//!
//! ```text
//! a = W_ih x_t + b_ih  (+ W_hh h + b_hh on the fused rows)
//! hn = W_hh h + b_hh   (the other rows: GRU's n gate, which r multiplies)
//! (gates, h, c) = cell(a, hn, h, c)
//! ```
//!
//! with `G` gate rows, of which the first [`Cell::FUSED`] add the
//! recurrent product into the input one (all for the RNN and the LSTM,
//! `2H` for the GRU). Per sample, the projections are two `gemv`s
//! ([`kernels::gemv_acc`]) and the cell runs in the wide-SIMD copy
//! ([`kernels::with_wide_simd`]) with the vectorisable activations; with
//! `std`, every step's input projection comes first and `W_hh` is read
//! in serpentine order, on AVX-512 from a packed copy ([`run_hoisted`],
//! the same bits). With
//! `alloc`, a training batch of full-length sequences takes GEMMs
//! instead (see [`use_gemm`]): per step, one for the input projections
//! and one for the recurrent products of the batch, and in backward one
//! per step for `dh` and one each for the weight gradients and `dx` over
//! the whole batch. The per-step products multiply by `W_ih` and `W_hh`
//! packed once per batch ([`kernels::PackedB`]; on a CPU with AVX-512,
//! `f32`), not at every step.
//!
//! Backward of a step gets from the cell the pre-activation gradients
//! `da: [G]` (input side), the hidden-side ones of the rows past `FUSED`
//! (`dah: [H]`), and a direct part of `dh_{t-1}` (GRU's `dh z`); then
//! `dW_ih += da x_t^T`, `dW_hh += dah' h_{t-1}^T` (with `dah'` = `da` on
//! the fused rows and `dah` on the others), the biases likewise,
//! `dx_t = W_ih^T da` and `dh_{t-1} = direct + W_hh^T dah'`.

use crate::kernels::{self, add_assign, axpy};
use crate::{Float, Rng, TensorInfo, TensorKind};

/// The parameters of a recurrent layer as the engine reads them.
pub(crate) struct Parts<'a, T, const F: usize, const H: usize, const G: usize> {
    pub weight_ih: &'a [[T; F]; G],
    pub weight_hh: &'a [[T; H]; G],
    pub bias_ih: &'a [T; G],
    pub bias_hh: &'a [T; G],
    pub h0: &'a [T; H],
    /// The initial cell state (LSTM only).
    pub c0: Option<&'a [T; H]>,
}

/// The parameters (or their gradients) of a recurrent layer, mutably.
pub(crate) struct PartsMut<'a, T, const F: usize, const H: usize, const G: usize> {
    pub weight_ih: &'a mut [[T; F]; G],
    pub weight_hh: &'a mut [[T; H]; G],
    pub bias_ih: &'a mut [T; G],
    pub bias_hh: &'a mut [T; G],
    pub h0: &'a mut [T; H],
    /// The initial cell state (LSTM only).
    pub c0: Option<&'a mut [T; H]>,
}

/// One recurrent cell: `L` steps at most of `F` features, hidden size
/// `H`, `G` gate rows. Implemented by the layer types, which hold the
/// parameters; the engine functions of this module do the rest.
pub(crate) trait Cell<T: Float, const L: usize, const F: usize, const H: usize, const G: usize>:
    Sized
{
    /// The per-sample record of a training forward.
    type Aux;
    /// The size relations, checked when the engine is instantiated.
    const CHECK: ();
    /// Whether the output is the hidden state of every step.
    const SEQ: bool;
    /// Whether the initial state is learned (parameter tensors).
    const STATE: bool;
    /// Gate rows `0..FUSED` add the recurrent product into the input one;
    /// rows `FUSED..G` (at most `H` of them) keep it apart in `hn`.
    const FUSED: usize;
    /// Whether the cell has a second state `c` (the LSTM).
    const HAS_C: bool;
    /// Whether [`cell_backward`](Self::cell_backward) writes a part of
    /// `dh_{t-1}` itself (the GRU's `dh z`); else it starts at zero.
    #[cfg_attr(
        not(feature = "alloc"),
        allow(dead_code, reason = "read by the GEMM path only")
    )]
    const DIRECT: bool;

    /// The parameters.
    fn parts(&self) -> Parts<'_, T, F, H, G>;
    /// The parameters, mutably (also the gradient's).
    fn parts_mut(&mut self) -> PartsMut<'_, T, F, H, G>;

    /// The element-wise part of a step: turns the pre-activations `a`
    /// (and `hn`, the unfused rows' recurrent side) into the recorded
    /// gate activations and updates `h` (and `c`) in place.
    fn cell(a: &mut [T; G], hn: &[T; H], h: &mut [T; H], c: &mut [T; H]);

    /// Records step `t`: the gate activations, `hn`, `h` and `c` after it.
    fn record(aux: &mut Self::Aux, t: usize, gates: &[T; G], hn: &[T; H], h: &[T; H], c: &[T; H]);
    /// The hidden state after step `t`.
    fn h_at(aux: &Self::Aux, t: usize) -> &[T; H];
    /// The cell state after step `t`; only called with `HAS_C`, so cells
    /// without a second state keep this default.
    #[inline(always)]
    fn c_at(aux: &Self::Aux, t: usize) -> &[T; H] {
        Self::h_at(aux, t)
    }

    /// The element-wise part of backward at step `s.t`, from the gradient
    /// `s.dh` reaching `h_t` and `s.dc` reaching `c_t` from later steps:
    /// writes `s.da`, `s.dah` (the unfused rows' hidden side), the direct
    /// part of `s.dh_prev` (if `DIRECT`), and replaces `s.dc` by the
    /// gradient reaching `c_{t-1}`.
    fn cell_backward(aux: &Self::Aux, s: BackStep<'_, T, H, G>);
}

/// What [`Cell::cell_backward`] reads and writes at one step.
pub(crate) struct BackStep<'a, T, const H: usize, const G: usize> {
    /// The step.
    pub t: usize,
    /// The hidden state before the step.
    pub h_prev: &'a [T; H],
    /// The cell state before the step (zero without `HAS_C`).
    pub c_prev: &'a [T; H],
    /// The gradient reaching `h_t`.
    pub dh: &'a [T; H],
    /// The gradient reaching `c_t`; replaced by the one reaching `c_{t-1}`.
    pub dc: &'a mut [T; H],
    /// The input-side pre-activation gradients.
    pub da: &'a mut [T; G],
    /// The hidden-side pre-activation gradients of the unfused rows.
    pub dah: &'a mut [T; H],
    /// The direct part of the gradient reaching `h_{t-1}` (with `DIRECT`).
    pub dh_prev: &'a mut [T; H],
}

/// Whether a training batch of `batch` full-length sequences goes through
/// GEMMs (with `alloc`): when the recurrent product of one step
/// (`batch x H` by `H x G`) is large enough, by
/// [`kernels::dense_prefers_gemm`].
pub(crate) const fn use_gemm(batch: usize, h: usize, g: usize) -> bool {
    cfg!(feature = "alloc") && kernels::dense_prefers_gemm(batch, h, g)
}

/// Elements [`run`] keeps on the stack: the states `h`, `c` and `hn`, the
/// gate vector `a` and the bias it starts from.
pub(crate) const fn scratch(h: usize, g: usize) -> usize {
    3 * h + 2 * g
}

/// The bias a step starts from: `b_ih + b_hh` on the fused rows, `b_ih`
/// on the others.
#[inline(always)]
fn start_bias<T: Float, const G: usize>(
    bias_ih: &[T; G],
    bias_hh: &[T; G],
    fused: usize,
) -> [T; G] {
    let mut a = *bias_ih;
    for (a, b) in a.iter_mut().zip(bias_hh).take(fused) {
        *a += *b;
    }
    a
}

/// One step on one sample: the projections into `a` and `hn`, then the
/// cell.
#[inline]
fn step<C, T, const L: usize, const F: usize, const H: usize, const G: usize>(
    p: &Parts<'_, T, F, H, G>,
    x: &[T; F],
    a: &mut [T; G],
    hn: &mut [T; H],
    h: &mut [T; H],
    c: &mut [T; H],
) where
    T: Float,
    C: Cell<T, L, F, H, G>,
{
    input_projection(p, x, a, C::FUSED);
    let w_hh = HiddenWeights::Rows(p.weight_hh.as_flattened());
    recurrent_step::<C, T, L, F, H, G>(p, w_hh, a, hn, h, c, false);
}

/// `a = W_ih x + b_ih`, plus `b_hh` on the first `fused` rows: the part
/// of a step that does not depend on `h`.
#[inline(always)]
fn input_projection<T: Float, const F: usize, const H: usize, const G: usize>(
    p: &Parts<'_, T, F, H, G>,
    x: &[T; F],
    a: &mut [T; G],
    fused: usize,
) {
    *a = start_bias(p.bias_ih, p.bias_hh, fused);
    kernels::gemv_acc(p.weight_ih.as_flattened(), F, x, a);
}

/// `W_hh` as a step reads it.
#[derive(Clone, Copy)]
enum HiddenWeights<'a, T> {
    /// As stored, row-major.
    Rows(&'a [T]),
    /// Packed by [`kernels::pack_row_pairs`] (where
    /// [`kernels::row_pairs_pay`], for the fused rows and the others).
    Pairs(&'a [T]),
}

impl<T: Float> HiddenWeights<'_, T> {
    /// `y += W x` for the rows `r0..r0 + y.len()`, of `cols` columns; with
    /// `reverse`, a block of rows at a time from the last (the same sums).
    #[inline(always)]
    fn gemv_acc(self, r0: usize, cols: usize, x: &[T], y: &mut [T], reverse: bool) {
        let (w, rows) = match self {
            Self::Rows(w) | Self::Pairs(w) => (&w[r0 * cols..], y.len()),
        };
        let w = &w[..rows * cols];
        match self {
            Self::Pairs(_) => kernels::gemv_acc_row_pairs(w, cols, x, y, reverse),
            Self::Rows(_) if reverse => {
                let blocks = y
                    .chunks_mut(SERPENTINE_ROWS)
                    .zip(w.chunks(SERPENTINE_ROWS * cols));
                for (y, w) in blocks.rev() {
                    kernels::gemv_acc(w, cols, x, y);
                }
            }
            Self::Rows(_) => kernels::gemv_acc(w, cols, x, y),
        }
    }
}

/// The block of rows that [`HiddenWeights::Rows`] reverses the order of.
const SERPENTINE_ROWS: usize = 32;

/// The rest of a step, with `a` holding its [`input_projection`]: the
/// recurrent products into `a` and `hn`, then the cell. With `reverse`
/// the products take `W_hh`'s rows from the last block down, so that a
/// step starts on the rows the step before ended on, still in L1; every
/// row's sum is the same either way.
#[inline(always)]
fn recurrent_step<C, T, const L: usize, const F: usize, const H: usize, const G: usize>(
    p: &Parts<'_, T, F, H, G>,
    w_hh: HiddenWeights<'_, T>,
    a: &mut [T; G],
    hn: &mut [T; H],
    h: &mut [T; H],
    c: &mut [T; H],
    reverse: bool,
) where
    T: Float,
    C: Cell<T, L, F, H, G>,
{
    let fused = |a: &mut [T], h: &[T; H]| w_hh.gemv_acc(0, H, h, a, reverse);
    let unfused = |hn: &mut [T; H], h: &[T; H]| {
        let nb = &p.bias_hh[C::FUSED..];
        hn[..nb.len()].copy_from_slice(nb);
        w_hh.gemv_acc(C::FUSED, H, h, &mut hn[..nb.len()], reverse);
    };
    // `W_hh`'s fused rows come first in memory, so in reverse the
    // unfused ones do.
    if C::FUSED < G && reverse {
        unfused(hn, h);
    }
    fused(&mut a[..C::FUSED], h);
    if C::FUSED < G && !reverse {
        unfused(hn, h);
    }
    activate::<C, T, L, F, H, G>(a, hn, h, c);
}

/// [`recurrent_step`] on `W_hh` as stored, packing it into `out` on the
/// way (see [`kernels::gemv_acc_packing_row_pairs`]); returns the packed
/// copy. All of `W_hh`'s rows at once, so the fused rows' sums and the
/// others' are gathered in one vector and then put in place.
#[inline(always)]
fn packing_step<'a, C, T, const L: usize, const F: usize, const H: usize, const G: usize>(
    p: &Parts<'_, T, F, H, G>,
    out: &'a mut [core::mem::MaybeUninit<T>],
    a: &mut [T; G],
    hn: &mut [T; H],
    h: &mut [T; H],
    c: &mut [T; H],
) -> &'a [T]
where
    T: Float,
    C: Cell<T, L, F, H, G>,
{
    let mut sums = *a;
    sums[C::FUSED..].copy_from_slice(&p.bias_hh[C::FUSED..]);
    let w_hh = p.weight_hh.as_flattened();
    let packed = kernels::gemv_acc_packing_row_pairs(w_hh, H, h, &mut sums, out);
    a[..C::FUSED].copy_from_slice(&sums[..C::FUSED]);
    hn[..G - C::FUSED].copy_from_slice(&sums[C::FUSED..]);
    activate::<C, T, L, F, H, G>(a, hn, h, c);
    packed
}

/// The cell of a step, in the widest vectors the CPU has.
#[inline(always)]
fn activate<C, T, const L: usize, const F: usize, const H: usize, const G: usize>(
    a: &mut [T; G],
    hn: &mut [T; H],
    h: &mut [T; H],
    c: &mut [T; H],
) where
    T: Float,
    C: Cell<T, L, F, H, G>,
{
    kernels::with_wide_simd(
        #[inline(always)]
        || C::cell(a, hn, h, c),
    );
}

/// Whether [`run`] takes [`run_hoisted`]: with `std` (a host's stack),
/// when the projections of all `L` steps and a copy of `W_hh` fit in
/// [`HOISTED_BYTES`].
const fn hoists<T>(l: usize, h: usize, g: usize) -> bool {
    cfg!(feature = "std") && (l + h) * g * core::mem::size_of::<T>() <= HOISTED_BYTES
}

/// The most [`run_hoisted`] keeps on the stack (W3a's LSTM: 96 KiB).
const HOISTED_BYTES: usize = 128 * 1024;

/// Runs the first `min(len, L)` steps on one sample, writing `y` and, if
/// given, the record for backward. Output: `h` after the last step run
/// (the initial state if none), or with `SEQ` the rows `[L, H]`, zero at
/// positions `>= len`.
#[inline]
pub(crate) fn run<
    C,
    T,
    const L: usize,
    const F: usize,
    const H: usize,
    const G: usize,
    const I: usize,
    const O: usize,
>(
    cell: &C,
    x: &[T; I],
    y: &mut [T; O],
    len: usize,
    aux: Option<&mut C::Aux>,
) where
    T: Float,
    C: Cell<T, L, F, H, G>,
{
    let () = C::CHECK;
    if hoists::<T>(L, H, G) {
        run_hoisted::<C, T, L, F, H, G, I, O>(cell, x, y, len, aux);
    } else {
        run_plain::<C, T, L, F, H, G, I, O>(cell, x, y, len, aux);
    }
}

/// [`run`] one step after the other.
#[inline]
fn run_plain<
    C,
    T,
    const L: usize,
    const F: usize,
    const H: usize,
    const G: usize,
    const I: usize,
    const O: usize,
>(
    cell: &C,
    x: &[T; I],
    y: &mut [T; O],
    len: usize,
    mut aux: Option<&mut C::Aux>,
) where
    T: Float,
    C: Cell<T, L, F, H, G>,
{
    let p = cell.parts();
    let n = len.min(L);
    let xs = x.as_chunks::<F>().0;
    let mut h = *p.h0;
    let mut c = p.c0.copied().unwrap_or([T::ZERO; H]);
    let mut a = [T::ZERO; G];
    let mut hn = [T::ZERO; H];
    for (t, x) in xs.iter().enumerate().take(n) {
        step::<C, T, L, F, H, G>(&p, x, &mut a, &mut hn, &mut h, &mut c);
        after_step::<C, T, L, F, H, G, O>(y, aux.as_deref_mut(), t, &a, &hn, &h, &c);
    }
    finish::<C, T, L, F, H, G, O>(y, n, &h);
}

/// [`run`] with the input projections of every step first, while `W_ih`
/// stays in L1, so that the steps then read only `W_hh`, in serpentine
/// order (see [`recurrent_step`]). The same sums in the same order, so
/// the same bits as the plain loop; only with [`hoists`], as its buffer
/// holds `L` gate vectors.
#[inline(never)]
fn run_hoisted<
    C,
    T,
    const L: usize,
    const F: usize,
    const H: usize,
    const G: usize,
    const I: usize,
    const O: usize,
>(
    cell: &C,
    x: &[T; I],
    y: &mut [T; O],
    len: usize,
    mut aux: Option<&mut C::Aux>,
) where
    T: Float,
    C: Cell<T, L, F, H, G>,
{
    let p = cell.parts();
    let n = len.min(L);
    let xs = x.as_chunks::<F>().0;
    let bias = start_bias(p.bias_ih, p.bias_hh, C::FUSED);
    let mut projections = [bias; L];
    kernels::gemv_acc_each(
        p.weight_ih.as_flattened(),
        F,
        G,
        xs[..n].as_flattened(),
        projections[..n].as_flattened_mut(),
    );
    // The AVX-512 kernel on a copy of `W_hh` packed in pairs of rows saves
    // more than the copy costs, which the first step writes as it reads.
    // Aligned, because the kernel's 64-byte loads straddle two cache lines
    // otherwise (slower than no copy); never zeroed, as the pack writes it all.
    #[repr(C, align(64))]
    struct Aligned<A>(A);
    let mut packed = Aligned([[core::mem::MaybeUninit::<T>::uninit(); H]; G]);
    let mut h = *p.h0;
    let mut c = p.c0.copied().unwrap_or([T::ZERO; H]);
    let mut hn = [T::ZERO; H];
    let mut steps = projections.iter_mut().enumerate().take(n);
    let mut w_hh = HiddenWeights::Rows(p.weight_hh.as_flattened());
    let mut next = steps.next();
    if n > 1
        && kernels::row_pairs_pay::<T>(C::FUSED, H)
        && kernels::row_pairs_pay::<T>(G - C::FUSED, H)
    {
        if let Some((t, a)) = next {
            let out = packed.0.as_flattened_mut();
            let w = packing_step::<C, T, L, F, H, G>(&p, out, a, &mut hn, &mut h, &mut c);
            w_hh = HiddenWeights::Pairs(w);
            after_step::<C, T, L, F, H, G, O>(y, aux.as_deref_mut(), t, a, &hn, &h, &c);
            next = steps.next();
        }
    }
    while let Some((t, a)) = next {
        recurrent_step::<C, T, L, F, H, G>(&p, w_hh, a, &mut hn, &mut h, &mut c, t % 2 == 1);
        after_step::<C, T, L, F, H, G, O>(y, aux.as_deref_mut(), t, a, &hn, &h, &c);
        next = steps.next();
    }
    finish::<C, T, L, F, H, G, O>(y, n, &h);
}

/// What follows step `t` of [`run`]: its record for backward, and with
/// `SEQ` its row of the output.
#[inline(always)]
fn after_step<
    C,
    T,
    const L: usize,
    const F: usize,
    const H: usize,
    const G: usize,
    const O: usize,
>(
    y: &mut [T; O],
    aux: Option<&mut C::Aux>,
    t: usize,
    a: &[T; G],
    hn: &[T; H],
    h: &[T; H],
    c: &[T; H],
) where
    T: Float,
    C: Cell<T, L, F, H, G>,
{
    if let Some(aux) = aux {
        C::record(aux, t, a, hn, h, c);
    }
    if C::SEQ {
        y[t * H..(t + 1) * H].copy_from_slice(h);
    }
}

/// Writes the output of [`run`] after `n` steps ending in state `h`.
#[inline(always)]
fn finish<C, T, const L: usize, const F: usize, const H: usize, const G: usize, const O: usize>(
    y: &mut [T; O],
    n: usize,
    h: &[T; H],
) where
    T: Float,
    C: Cell<T, L, F, H, G>,
{
    if C::SEQ {
        y[n * H..].fill(T::ZERO);
    } else {
        y.copy_from_slice(h);
    }
}

/// Training forward of a batch of sequences with runtime lengths: GEMMs
/// when [`use_gemm`] and every sequence is full-length, else [`run`] per
/// sample.
#[inline]
pub(crate) fn forward_train_seq<
    C,
    T,
    const L: usize,
    const F: usize,
    const H: usize,
    const G: usize,
    const I: usize,
    const O: usize,
    const B: usize,
>(
    cell: &C,
    x: &[[T; I]; B],
    y: &mut [[T; O]; B],
    aux: &mut [C::Aux; B],
    lens: &[usize; B],
) where
    T: Float,
    C: Cell<T, L, F, H, G>,
{
    #[cfg(feature = "alloc")]
    if use_gemm(B, H, G) && lens.iter().all(|&n| n >= L) {
        return forward_train_gemm::<C, T, L, F, H, G, I, O, B>(cell, x, y, aux);
    }
    for b in 0..B {
        run::<C, T, L, F, H, G, I, O>(cell, &x[b], &mut y[b], lens[b], Some(&mut aux[b]));
    }
}

/// Backward of a batch of sequences with runtime lengths (see
/// [`Layer::backward`](crate::Layer::backward)): GEMMs when [`use_gemm`]
/// and every sequence is full-length, else per sample.
#[allow(
    clippy::too_many_arguments,
    reason = "the backward contract plus lengths"
)]
#[inline]
pub(crate) fn backward_seq<
    C,
    T,
    const L: usize,
    const F: usize,
    const H: usize,
    const G: usize,
    const I: usize,
    const O: usize,
    const B: usize,
>(
    cell: &C,
    x: &[[T; I]; B],
    aux: &[C::Aux; B],
    dy: &[[T; O]; B],
    mut dx: Option<&mut [[T; I]; B]>,
    grads: &mut C,
    lens: &[usize; B],
) where
    T: Float,
    C: Cell<T, L, F, H, G>,
{
    let () = C::CHECK;
    #[cfg(feature = "alloc")]
    if use_gemm(B, H, G) && lens.iter().all(|&n| n >= L) {
        return backward_gemm::<C, T, L, F, H, G, I, O, B>(cell, x, aux, dy, dx, grads);
    }
    let p = cell.parts();
    let g = grads.parts_mut();
    let (gw_ih, gw_hh, gb_ih, gb_hh) = (g.weight_ih, g.weight_hh, g.bias_ih, g.bias_hh);
    let (gh0, mut gc0) = (g.h0, g.c0);
    let zero = [T::ZERO; H];
    let fused = C::FUSED;
    let mut da = [T::ZERO; G];
    let mut dah = [T::ZERO; H];
    for b in 0..B {
        let n = lens[b].min(L);
        let xs = x[b].as_chunks::<F>().0;
        let dys = dy[b].as_chunks::<H>().0;
        let a = &aux[b];
        let mut dxb = dx.as_deref_mut().map(|dx| &mut dx[b]);
        if let Some(dxb) = dxb.as_deref_mut() {
            dxb[n * F..].fill(T::ZERO);
        }
        // Gradients reaching h_t and c_t from later steps (and, for the
        // last state, from the output).
        let mut dh = [T::ZERO; H];
        if !C::SEQ {
            dh.copy_from_slice(&dy[b][..H]);
        }
        let mut dc = [T::ZERO; H];
        for t in (0..n).rev() {
            if C::SEQ {
                add_assign(&mut dh, &dys[t]);
            }
            let h_prev = if t == 0 { p.h0 } else { C::h_at(a, t - 1) };
            let c_prev = if !C::HAS_C {
                &zero
            } else if t == 0 {
                p.c0.unwrap_or(&zero)
            } else {
                C::c_at(a, t - 1)
            };
            let mut dh_prev = [T::ZERO; H];
            let s = BackStep {
                t,
                h_prev,
                c_prev,
                dh: &dh,
                dc: &mut dc,
                da: &mut da,
                dah: &mut dah,
                dh_prev: &mut dh_prev,
            };
            C::cell_backward(a, s);
            // The hidden-side gradient of gate row k.
            let dgh = |k: usize| if k < fused { da[k] } else { dah[k - fused] };
            for (k, (gi, gh)) in gw_ih.iter_mut().zip(gw_hh.iter_mut()).enumerate() {
                axpy(gi, da[k], &xs[t]);
                axpy(gh, dgh(k), h_prev);
            }
            add_assign(gb_ih, &da);
            add_assign(&mut gb_hh[..fused], &da[..fused]);
            add_assign(&mut gb_hh[fused..], &dah);
            if let Some(dxb) = dxb.as_deref_mut() {
                let row = &mut dxb.as_chunks_mut::<F>().0[t];
                *row = [T::ZERO; F];
                for (w, d) in p.weight_ih.iter().zip(&da) {
                    axpy(row, *d, w);
                }
            }
            for (k, w) in p.weight_hh.iter().enumerate() {
                axpy(&mut dh_prev, dgh(k), w);
            }
            dh = dh_prev;
        }
        if C::STATE {
            add_assign(gh0, &dh);
            if let Some(gc0) = gc0.as_deref_mut() {
                add_assign(gc0, &dc);
            }
        }
    }
}

/// Training forward of a batch of full-length sequences by GEMMs: per
/// step, one for the input projections of the whole batch and one for the
/// recurrent products of its fused rows (and one for the other rows).
#[cfg(feature = "alloc")]
pub(crate) fn forward_train_gemm<
    C,
    T,
    const L: usize,
    const F: usize,
    const H: usize,
    const G: usize,
    const I: usize,
    const O: usize,
    const B: usize,
>(
    cell: &C,
    x: &[[T; I]; B],
    y: &mut [[T; O]; B],
    aux: &mut [C::Aux; B],
) where
    T: Float,
    C: Cell<T, L, F, H, G>,
{
    let () = C::CHECK;
    let p = cell.parts();
    let fused = C::FUSED;
    let split = fused < G;
    let bias = start_bias(p.bias_ih, p.bias_hh, fused);
    // One step's pre-activations of the batch (they stay in L1 from the
    // products to the cells).
    let mut pre = alloc::vec![bias; B];
    let mut hs = alloc::vec![*p.h0; B];
    let mut cs = alloc::vec![p.c0.copied().unwrap_or([T::ZERO; H]); B];
    let mut hn = alloc::vec![[T::ZERO; H]; if split { B } else { 0 }];
    let (wf, wn) = p.weight_hh.as_flattened().split_at(fused * H);
    // `W_ih^T` and `W_hh^T`, packed once for the L steps.
    let wi_t = kernels::PackedB::new(F, G, p.weight_ih.as_flattened(), F, true);
    let wf_t = kernels::PackedB::new(H, fused, wf, H, true);
    let wn_t = kernels::PackedB::new(H, G - fused, wn, H, true);
    for t in 0..L {
        // The biases, the step's input projections (its inputs are rows
        // `I = L F` apart) ...
        if t > 0 {
            pre.fill(bias);
        }
        kernels::gemm_packed(
            B,
            T::ONE,
            &x.as_flattened()[t * F..],
            I,
            false,
            &wi_t,
            T::ONE,
            pre.as_flattened_mut(),
            G,
        );
        // ... plus the recurrent products of the batch ...
        kernels::gemm_packed(
            B,
            T::ONE,
            hs.as_flattened(),
            H,
            false,
            &wf_t,
            T::ONE,
            pre.as_flattened_mut(),
            G,
        );
        // ... and those of the unfused rows apart.
        if split {
            for hn in hn.iter_mut() {
                hn[..G - fused].copy_from_slice(&p.bias_hh[fused..]);
            }
            kernels::gemm_packed(
                B,
                T::ONE,
                hs.as_flattened(),
                H,
                false,
                &wn_t,
                T::ONE,
                hn.as_flattened_mut(),
                H,
            );
        }
        kernels::with_wide_simd(
            #[inline(always)]
            || {
                let zero = [T::ZERO; H];
                for b in 0..B {
                    let hnb = if split { &hn[b] } else { &zero };
                    let (a, h, c) = (&mut pre[b], &mut hs[b], &mut cs[b]);
                    C::cell(a, hnb, h, c);
                    C::record(&mut aux[b], t, a, hnb, h, c);
                    if C::SEQ {
                        y[b][t * H..(t + 1) * H].copy_from_slice(h);
                    }
                }
            },
        );
    }
    if !C::SEQ {
        for (y, h) in y.iter_mut().zip(&hs) {
            y.copy_from_slice(h);
        }
    }
}

/// Backward of a batch of full-length sequences by GEMMs: one per step
/// for the recurrent gradient `dh` of the whole batch, then one each for
/// `dW_ih`, `dW_hh` (two when some rows are unfused) and `dx` over every
/// step and sample at once.
#[cfg(feature = "alloc")]
pub(crate) fn backward_gemm<
    C,
    T,
    const L: usize,
    const F: usize,
    const H: usize,
    const G: usize,
    const I: usize,
    const O: usize,
    const B: usize,
>(
    cell: &C,
    x: &[[T; I]; B],
    aux: &[C::Aux; B],
    dy: &[[T; O]; B],
    dx: Option<&mut [[T; I]; B]>,
    grads: &mut C,
) where
    T: Float,
    C: Cell<T, L, F, H, G>,
{
    let () = C::CHECK;
    let p = cell.parts();
    let fused = C::FUSED;
    let split = fused < G;
    let zero = [T::ZERO; H];
    // Pre-activation gradients, rows (sample, step), and the hidden-side
    // ones of the unfused rows.
    let mut da = alloc::vec![[T::ZERO; G]; B * L];
    let mut dah = alloc::vec![[T::ZERO; H]; if split { B * L } else { 0 }];
    let mut dh = alloc::vec![[T::ZERO; H]; B];
    let mut dc = alloc::vec![[T::ZERO; H]; B];
    let mut dhp = alloc::vec![[T::ZERO; H]; B];
    if !C::SEQ {
        for (dh, dy) in dh.iter_mut().zip(dy) {
            dh.copy_from_slice(&dy[..H]);
        }
    }
    let (wf, wn) = p.weight_hh.as_flattened().split_at(fused * H);
    // `W_hh`, packed once for the L steps.
    let (wf_p, wn_p) = (
        kernels::PackedB::new(fused, H, wf, H, false),
        kernels::PackedB::new(G - fused, H, wn, H, false),
    );
    for t in (0..L).rev() {
        kernels::with_wide_simd(
            #[inline(always)]
            || {
                let mut scratch = [T::ZERO; H];
                for b in 0..B {
                    if C::SEQ {
                        add_assign(&mut dh[b], &dy[b][t * H..(t + 1) * H]);
                    }
                    let a = &aux[b];
                    let h_prev = if t == 0 { p.h0 } else { C::h_at(a, t - 1) };
                    let c_prev = if !C::HAS_C {
                        &zero
                    } else if t == 0 {
                        p.c0.unwrap_or(&zero)
                    } else {
                        C::c_at(a, t - 1)
                    };
                    let dahb = if split {
                        &mut dah[b * L + t]
                    } else {
                        &mut scratch
                    };
                    let s = BackStep {
                        t,
                        h_prev,
                        c_prev,
                        dh: &dh[b],
                        dc: &mut dc[b],
                        da: &mut da[b * L + t],
                        dah: dahb,
                        dh_prev: &mut dhp[b],
                    };
                    C::cell_backward(a, s);
                }
            },
        );
        // dh_{t-1} = direct + W_hh^T dah' for every sample (rows L G apart).
        if C::DIRECT {
            dh.copy_from_slice(&dhp);
        }
        kernels::gemm_packed(
            B,
            T::ONE,
            &da.as_flattened()[t * G..],
            L * G,
            false,
            &wf_p,
            if C::DIRECT { T::ONE } else { T::ZERO },
            dh.as_flattened_mut(),
            H,
        );
        if split {
            kernels::gemm_packed(
                B,
                T::ONE,
                &dah.as_flattened()[t * H..],
                L * H,
                false,
                &wn_p,
                T::ONE,
                dh.as_flattened_mut(),
                H,
            );
        }
    }
    // The hidden state each step read, rows (sample, step).
    let mut h_prev = alloc::vec![[T::ZERO; H]; B * L];
    for (b, a) in aux.iter().enumerate() {
        h_prev[b * L] = *p.h0;
        for t in 1..L {
            h_prev[b * L + t] = *C::h_at(a, t - 1);
        }
    }
    let g = grads.parts_mut();
    let da_flat = da.as_flattened();
    kernels::gemm(
        G,
        B * L,
        F,
        T::ONE,
        da_flat,
        true,
        x.as_flattened(),
        false,
        T::ONE,
        g.weight_ih.as_flattened_mut(),
    );
    let (gwf, gwn) = g.weight_hh.as_flattened_mut().split_at_mut(fused * H);
    kernels::gemm_ld(
        fused,
        B * L,
        H,
        T::ONE,
        da_flat,
        G,
        true,
        h_prev.as_flattened(),
        H,
        false,
        T::ONE,
        gwf,
        H,
    );
    let mut db = [T::ZERO; G];
    for row in &da {
        add_assign(&mut db, row);
    }
    add_assign(g.bias_ih, &db);
    add_assign(&mut g.bias_hh[..fused], &db[..fused]);
    if split {
        kernels::gemm(
            G - fused,
            B * L,
            H,
            T::ONE,
            dah.as_flattened(),
            true,
            h_prev.as_flattened(),
            false,
            T::ONE,
            gwn,
        );
        let mut dbh = [T::ZERO; H];
        for row in &dah {
            add_assign(&mut dbh, row);
        }
        add_assign(&mut g.bias_hh[fused..], &dbh);
    }
    if let Some(dx) = dx {
        kernels::gemm(
            B * L,
            G,
            F,
            T::ONE,
            da_flat,
            false,
            p.weight_ih.as_flattened(),
            false,
            T::ZERO,
            dx.as_flattened_mut(),
        );
    }
    if C::STATE {
        for dh in &dh {
            add_assign(g.h0, dh);
        }
        if let Some(gc0) = g.c0 {
            for dc in &dc {
                add_assign(gc0, dc);
            }
        }
    }
}

/// Number of parameter tensors: `weight_ih, weight_hh, bias_ih, bias_hh`,
/// then with `state` the learned `h0` (and `c0`).
pub(crate) const fn tensors(state: bool, has_c: bool) -> usize {
    4 + if state { 1 + has_c as usize } else { 0 }
}

/// Number of parameters of a layer of `tensors` tensors (see [`tensors`]):
/// the weights and biases, then `H` per initial-state tensor.
pub(crate) const fn params(f: usize, h: usize, g: usize, tensors: usize) -> usize {
    g * f + g * h + 2 * g + (tensors - 4) * h
}

/// Parameter tensor `i` (see [`tensors`]).
pub(crate) fn tensor<C, T, const L: usize, const F: usize, const H: usize, const G: usize>(
    cell: &C,
    i: usize,
) -> &[T]
where
    T: Float,
    C: Cell<T, L, F, H, G>,
{
    let p = cell.parts();
    match (i, C::STATE) {
        (0, _) => p.weight_ih.as_flattened(),
        (1, _) => p.weight_hh.as_flattened(),
        (2, _) => p.bias_ih,
        (3, _) => p.bias_hh,
        (4, true) => p.h0,
        (5, true) => p.c0.map_or(&[][..], |c| &c[..]),
        _ => &[],
    }
}

/// Parameter tensor `i`, mutably.
pub(crate) fn tensor_mut<C, T, const L: usize, const F: usize, const H: usize, const G: usize>(
    cell: &mut C,
    i: usize,
) -> &mut [T]
where
    T: Float,
    C: Cell<T, L, F, H, G>,
{
    let p = cell.parts_mut();
    match (i, C::STATE) {
        (0, _) => p.weight_ih.as_flattened_mut(),
        (1, _) => p.weight_hh.as_flattened_mut(),
        (2, _) => p.bias_ih,
        (3, _) => p.bias_hh,
        (4, true) => p.h0,
        (5, true) => p.c0.map_or(&mut [][..], |c| &mut c[..]),
        _ => &mut [],
    }
}

/// Description of parameter tensor `i`, with PyTorch's names.
pub(crate) fn tensor_info<C, T, const L: usize, const F: usize, const H: usize, const G: usize>(
    i: usize,
) -> Option<TensorInfo>
where
    T: Float,
    C: Cell<T, L, F, H, G>,
{
    let info = |name, shape, kind, fan_in| TensorInfo {
        layer: "",
        name,
        shape,
        kind,
        fan_in,
        fan_out: G,
    };
    match (i, C::STATE) {
        (0, _) => Some(info("weight_ih", &[G, F], TensorKind::Weight, F)),
        (1, _) => Some(info("weight_hh", &[G, H], TensorKind::Weight, H)),
        (2, _) => Some(info("bias_ih", &[G], TensorKind::Bias, F)),
        (3, _) => Some(info("bias_hh", &[G], TensorKind::Bias, H)),
        (4, true) => Some(info("h0", &[H], TensorKind::Other, H)),
        (5, true) if C::HAS_C => Some(info("c0", &[H], TensorKind::Other, H)),
        _ => None,
    }
}

/// PyTorch's initialisation: every weight and bias
/// `U(-1/sqrt(H), 1/sqrt(H))`, drawn in the order `weight_ih`,
/// `weight_hh`, `bias_ih`, `bias_hh`; the initial state zero.
pub(crate) fn init<C, T, const L: usize, const F: usize, const H: usize, const G: usize>(
    cell: &mut C,
    rng: &mut Rng,
) where
    T: Float,
    C: Cell<T, L, F, H, G>,
{
    let p = cell.parts_mut();
    crate::Init::fill_recurrent(p.weight_ih.as_flattened_mut(), H, rng);
    crate::Init::fill_recurrent(p.weight_hh.as_flattened_mut(), H, rng);
    crate::Init::fill_recurrent(p.bias_ih, H, rng);
    crate::Init::fill_recurrent(p.bias_hh, H, rng);
    *p.h0 = [T::ZERO; H];
    if let Some(c0) = p.c0 {
        *c0 = [T::ZERO; H];
    }
}

/// A recurrent layer type, written once for every kind: the layer struct
/// (PyTorch's tensors `weight_ih, weight_hh, bias_ih, bias_hh`, then the
/// initial states), the record struct with the kind's fields, `Zeroable`
/// for both, the record's `ZEROED`, the [`Cell`] impl around the kind's
/// math (the size checks, `SEQ`, `STATE`, the parameter parts), the whole
/// [`Layer`](crate::Layer) impl, and the crate-internal GEMM-path methods.
/// A kind file gives only what is its own:
///
/// ```text
/// recurrent_layer! {
///     /// docs of the layer
///     pub struct Gru<G = 3 H> {        // or `Rnn<G = H>`: no `G` parameter
///         gate_rows: "r, z, n",        // (none for `G = H`)
///         initial: [h0],               // or [h0, c0] with a cell state
///     }
///     /// docs of the record
///     pub struct GruAux { /* float arrays only, the hidden states in `h` */ }
///     /// docs of the Cell impl
///     impl Cell {
///         name: "gru",                 // in the size-check messages
///         const FUSED: usize = 2 * H;
///         ...                          // the rest of the Cell impl
///     }
/// }
/// ```
macro_rules! recurrent_layer {
    (
        $(#[$layer_attr:meta])*
        pub struct $Layer:ident<G = $k:literal H> {
            gate_rows: $rows:literal,
            initial: [$h0:ident $(, $c0:ident)?] $(,)?
        }
        $($rest:tt)*
    ) => {
        $crate::layers::recurrent::recurrent_layer! {
            @structs
            [$(#[$layer_attr])*] $Layer [const G: usize,] [G] G $k
            [concat!(stringify!($k), "H")] [concat!(", gate rows `", $rows, "`")]
            [$h0 $(, $c0)?] $($rest)*
        }
    };
    (
        $(#[$layer_attr:meta])*
        pub struct $Layer:ident<G = H> {
            initial: [$h0:ident $(, $c0:ident)?] $(,)?
        }
        $($rest:tt)*
    ) => {
        $crate::layers::recurrent::recurrent_layer! {
            @structs
            [$(#[$layer_attr])*] $Layer [] [] H 1 ["H"] [""] [$h0 $(, $c0)?] $($rest)*
        }
    };
    (
        @structs
        [$($layer_attr:tt)*] $Layer:ident [$($g_param:tt)*] [$($g_arg:ident)?] $g:ident $k:literal
        [$($rows:tt)*] [$($rows_note:tt)*] [$h0:ident $(, $c0:ident)?]
        $(#[$aux_attr:meta])*
        pub struct $Aux:ident { $($aux_fields:tt)* }
        $(#[$cell_attr:meta])*
        impl Cell { name: $name:literal, $($math:tt)* }
    ) => {
        $($layer_attr)*
        #[derive(Clone, Copy, Debug, PartialEq)]
        // The weights on a cache line (see the module `layers`).
        #[cfg_attr(target_arch = "x86_64", repr(C, align(64)))]
        pub struct $Layer<
            T,
            const L: usize,
            const F: usize,
            const H: usize,
            $($g_param)*
            const I: usize,
            const O: usize,
            const SEQ: bool = false,
            const STATE: bool = false,
        > {
            #[doc = concat!("Input weights, `[", $($rows)*, "][F]`", $($rows_note)*, ".")]
            pub weight_ih: [[T; F]; $g],
            #[doc = concat!("Recurrent weights, `[", $($rows)*, "][H]`", $($rows_note)*, ".")]
            pub weight_hh: [[T; H]; $g],
            #[doc = concat!("Input bias, `[", $($rows)*, "]`.")]
            pub bias_ih: [T; $g],
            #[doc = concat!("Recurrent bias, `[", $($rows)*, "]`.")]
            pub bias_hh: [T; $g],
            /// Initial hidden state (learned with `STATE`; else fixed, zero unless set).
            pub $h0: [T; H],
            $(
                /// Initial cell state (learned with `STATE`; else fixed, zero unless set).
                pub $c0: [T; H],
            )?
        }

        $(#[$aux_attr])*
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub struct $Aux<T, const L: usize, const H: usize, $($g_param)*> { $($aux_fields)* }

        $crate::layers::recurrent::recurrent_layer! {
            @impl
            [T: $crate::Float, const L: usize, const F: usize, const H: usize, $($g_param)*
             const I: usize, const O: usize, const SEQ: bool, const STATE: bool]
            [$Layer<T, L, F, H, $($g_arg,)? I, O, SEQ, STATE>]
            [const L: usize, const F: usize, const H: usize, $($g_param)*
             const I: usize, const O: usize, const SEQ: bool, const STATE: bool]
            [$Layer<f32, L, F, H, $($g_arg,)? I, O, SEQ, STATE>]
            [T: $crate::Float, const L: usize, const H: usize, $($g_param)*]
            [$Aux<T, L, H, $($g_arg)?>]
            $g, $k, $name, [$h0 $(, $c0)?], [$(#[$cell_attr])*], $($math)*
        }
    };
    (
        @impl [$($gen:tt)*] [$Self:ty] [$($gen32:tt)*] [$Self32:ty] [$($aux_gen:tt)*] [$Aux:ty]
        $g:ident, $k:literal, $name:literal, [$h0:ident $(, $c0:ident)?],
        [$($attr:tt)*], $($math:tt)*
    ) => {
        // SAFETY: float arrays only (the macro's contract, above).
        #[allow(unsafe_code)]
        unsafe impl<$($gen)*> $crate::Zeroable for $Self {}

        // SAFETY: as above.
        #[allow(unsafe_code)]
        unsafe impl<$($aux_gen)*> $crate::Zeroable for $Aux {}

        impl<$($aux_gen)*> $Aux {
            /// An all-zero record.
            pub const ZEROED: Self = $crate::zeroable::zeroed();
        }

        /// The layer from a weight file at compile time
        /// (`#[nn(weights = ..)]`): the tensors in `tensor_info` order.
        impl<$($gen32)*> $Self32 {
            #[doc(hidden)]
            pub const fn __from_file(file: &[u8], t: &[usize], _b: &[usize]) -> Self {
                use $crate::weights::fill_f32;
                let mut l = <Self as $crate::Layer<f32, I, O>>::ZEROED;
                fill_f32(l.weight_ih.as_flattened_mut(), file, t[0]);
                fill_f32(l.weight_hh.as_flattened_mut(), file, t[1]);
                fill_f32(&mut l.bias_ih, file, t[2]);
                fill_f32(&mut l.bias_hh, file, t[3]);
                if STATE {
                    fill_f32(&mut l.$h0, file, t[4]);
                    $(fill_f32(&mut l.$c0, file, t[5]);)?
                }
                l
            }
        }

        /// Both directions from a weight file at compile time: the forward
        /// cell's tensors, then the reverse one's.
        impl<$($gen32)*, const BO: usize>
            $crate::layers::Bidirectional<$Self32, L, F, H, I, O, BO, SEQ>
        {
            #[doc(hidden)]
            pub const fn __from_file(file: &[u8], t: &[usize], b: &[usize]) -> Self {
                let n = <$Self32 as $crate::Layer<f32, I, O>>::TENSORS;
                let (tf, tr) = t.split_at(n);
                Self {
                    fwd: <$Self32>::__from_file(file, tf, b),
                    rev: <$Self32>::__from_file(file, tr, b),
                }
            }
        }

        $($attr)*
        impl<$($gen)*> $crate::layers::recurrent::Cell<T, L, F, H, $g> for $Self {
            type Aux = $Aux;
            const CHECK: () = {
                assert!(L > 0 && F > 0 && H > 0, concat!($name, ": sizes must be positive"));
                assert!($g == $k * H, concat!($name, ": G must be ", stringify!($k), " H"));
                assert!(I == L * F, concat!($name, ": I must be L F"));
                assert!(
                    O == if SEQ { L * H } else { H },
                    concat!($name, ": O must be H (last state) or L H (SEQ)")
                );
            };
            const SEQ: bool = SEQ;
            const STATE: bool = STATE;

            /// Every record keeps the hidden states in `h`.
            #[inline(always)]
            fn h_at(a: &Self::Aux, t: usize) -> &[T; H] {
                &a.h[t]
            }

            #[inline(always)]
            fn parts(&self) -> $crate::layers::recurrent::Parts<'_, T, F, H, $g> {
                $crate::layers::recurrent::Parts {
                    weight_ih: &self.weight_ih,
                    weight_hh: &self.weight_hh,
                    bias_ih: &self.bias_ih,
                    bias_hh: &self.bias_hh,
                    h0: &self.$h0,
                    // `Some` exactly when the layer names a cell state.
                    c0: None $(.or(Some(&self.$c0)))?,
                }
            }

            #[inline(always)]
            fn parts_mut(&mut self) -> $crate::layers::recurrent::PartsMut<'_, T, F, H, $g> {
                $crate::layers::recurrent::PartsMut {
                    weight_ih: &mut self.weight_ih,
                    weight_hh: &mut self.weight_hh,
                    bias_ih: &mut self.bias_ih,
                    bias_hh: &mut self.bias_hh,
                    h0: &mut self.$h0,
                    c0: None $(.or(Some(&mut self.$c0)))?,
                }
            }

            $($math)*
        }

        impl<$($gen)*> $crate::Layer<T, I, O> for $Self {
            type Aux = $Aux;
            const ZEROED_AUX: Self::Aux = <$Aux>::ZEROED;
            const ZEROED: Self = $crate::zeroable::zeroed();
            const TENSORS: usize = $crate::layers::recurrent::tensors(
                STATE,
                <Self as $crate::layers::recurrent::Cell<T, L, F, H, $g>>::HAS_C,
            );
            const PARAMS: usize = $crate::layers::recurrent::params(
                F,
                H,
                $g,
                Self::TENSORS,
            );
            const SCRATCH: usize = $crate::layers::recurrent::scratch(H, $g);

            /// The first `side.steps(L)` steps of the sequence.
            #[inline]
            fn forward_with(&self, x: &[T; I], y: &mut [T; O], side: $crate::Side) {
                $crate::layers::recurrent::run::<Self, T, L, F, H, $g, I, O>(
                    self,
                    x,
                    y,
                    side.steps(L),
                    None,
                );
            }

            fn forward_train_with<const B: usize>(
                &self,
                x: &[[T; I]; B],
                y: &mut [[T; O]; B],
                aux: &mut [Self::Aux; B],
                sides: &[$crate::Side; B],
                _ctx: &mut $crate::TrainCtx,
            ) {
                let lens = sides.map(|s| s.steps(L));
                $crate::layers::recurrent::forward_train_seq::<Self, T, L, F, H, $g, I, O, B>(
                    self, x, y, aux, &lens,
                );
            }

            fn backward_with<const B: usize>(
                &self,
                x: &[[T; I]; B],
                _y: &[[T; O]; B],
                aux: &[Self::Aux; B],
                dy: &[[T; O]; B],
                dx: Option<&mut [[T; I]; B]>,
                grads: &mut Self,
                sides: &[$crate::Side; B],
            ) {
                let lens = sides.map(|s| s.steps(L));
                $crate::layers::recurrent::backward_seq::<Self, T, L, F, H, $g, I, O, B>(
                    self, x, aux, dy, dx, grads, &lens,
                );
            }

            fn tensor(&self, i: usize) -> &[T] {
                $crate::layers::recurrent::tensor::<Self, T, L, F, H, $g>(self, i)
            }

            fn tensor_mut(&mut self, i: usize) -> &mut [T] {
                $crate::layers::recurrent::tensor_mut::<Self, T, L, F, H, $g>(self, i)
            }

            fn tensor_info(i: usize) -> Option<$crate::TensorInfo> {
                $crate::layers::recurrent::tensor_info::<Self, T, L, F, H, $g>(i)
            }

            /// PyTorch's initialisation, whatever `init` says: every weight
            /// and bias `U(-1/sqrt(H), 1/sqrt(H))`, drawn in the order
            /// `weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`; the initial
            /// state zero.
            fn init(&mut self, _init: $crate::Init, rng: &mut $crate::Rng) {
                $crate::layers::recurrent::init::<Self, T, L, F, H, $g>(self, rng);
            }
        }

        impl<$($gen)*> $Self {
            /// [`Layer::init`]($crate::Layer::init) in a `const fn`, to the
            /// bit (what a network's `new_const` calls).
            pub const fn init_const(&mut self, _init: $crate::Init, rng: &mut $crate::Rng) {
                $crate::Init::fill_recurrent_const(self.weight_ih.as_flattened_mut(), H, rng);
                $crate::Init::fill_recurrent_const(self.weight_hh.as_flattened_mut(), H, rng);
                $crate::Init::fill_recurrent_const(&mut self.bias_ih, H, rng);
                $crate::Init::fill_recurrent_const(&mut self.bias_hh, H, rng);
                self.$h0 = [T::ZERO; H];
                $(self.$c0 = [T::ZERO; H];)?
            }

            /// Whether a training batch of `batch` sequences goes through GEMMs
            /// (with `alloc`, when every sequence has the full length `L`)
            /// rather than the per-sample kernels: when the recurrent product
            /// of one step (`batch x H` by `H x G`) is large enough for a GEMM,
            /// by [`kernels::dense_prefers_gemm`](crate::kernels::dense_prefers_gemm).
            #[allow(
                dead_code,
                reason = "the Layer impl calls the engine directly; tests call these"
            )]
            pub(crate) const fn use_gemm(batch: usize) -> bool {
                $crate::layers::recurrent::use_gemm(batch, H, $g)
            }

            /// Training forward of a batch of full-length sequences by GEMMs:
            /// per step, the input projections and the recurrent products of
            /// the whole batch.
            #[allow(
                dead_code,
                reason = "the Layer impl calls the engine directly; tests call these"
            )]
            #[cfg(feature = "alloc")]
            pub(crate) fn forward_train_gemm<const B: usize>(
                &self,
                x: &[[T; I]; B],
                y: &mut [[T; O]; B],
                aux: &mut [$Aux; B],
            ) {
                $crate::layers::recurrent::forward_train_gemm::<Self, T, L, F, H, $g, I, O, B>(
                    self, x, y, aux,
                );
            }

            /// Backward of a batch of full-length sequences by GEMMs (see
            /// [`Layer::backward`](crate::Layer::backward)): per step one for
            /// the recurrent gradient of the whole batch, then the weight
            /// gradients and `dx` over every step and sample at once.
            #[allow(
                dead_code,
                reason = "the Layer impl calls the engine directly; tests call these"
            )]
            #[cfg(feature = "alloc")]
            pub(crate) fn backward_gemm<const B: usize>(
                &self,
                x: &[[T; I]; B],
                aux: &[$Aux; B],
                dy: &[[T; O]; B],
                dx: Option<&mut [[T; I]; B]>,
                grads: &mut Self,
            ) {
                $crate::layers::recurrent::backward_gemm::<Self, T, L, F, H, $g, I, O, B>(
                    self, x, aux, dy, dx, grads,
                );
            }

            /// Runs the first `min(len, L)` steps on one sample, writing `y`
            /// and, if given, the record for backward.
            #[cfg(test)]
            #[allow(dead_code, reason = "used by the tests of some layers only")]
            fn run(&self, x: &[T; I], y: &mut [T; O], len: usize, aux: Option<&mut $Aux>) {
                $crate::layers::recurrent::run::<Self, T, L, F, H, $g, I, O>(self, x, y, len, aux);
            }
        }
    };
}

pub(crate) use recurrent_layer;

#[cfg(test)]
mod tests {
    use crate::layers::{Gru, Lstm, Rnn};
    use crate::testing::{check_layer_gradients, check_layer_gradients_with, Stack};
    use crate::{Float, Init, Layer, Rng, Side, TrainCtx};

    /// [`super::run_hoisted`] (the inputs' projections first, `W_hh` in
    /// serpentine order) gives the plain loop's bits: outputs and record,
    /// for every cell, at every length, in `f32` (where the AVX-512
    /// kernel pairs the steps) and `f64`.
    fn hoisted_is_plain<
        C,
        T,
        const L: usize,
        const F: usize,
        const H: usize,
        const G: usize,
        const I: usize,
        const O: usize,
    >()
    where
        T: Float,
        C: super::Cell<T, L, F, H, G, Aux = <C as Layer<T, I, O>>::Aux> + Layer<T, I, O>,
        <C as Layer<T, I, O>>::Aux: PartialEq,
    {
        let mut m = C::ZEROED;
        m.init(Init::Zeros, &mut Rng::seed(3));
        let mut rng = Rng::seed(4);
        let x: [T; I] = core::array::from_fn(|_| T::cast(rng.normal()));
        for len in 0..=L + 1 {
            let (mut y0, mut y1) = ([T::ZERO; O], [T::ZERO; O]);
            let (mut a0, mut a1) = (C::ZEROED_AUX, C::ZEROED_AUX);
            super::run_plain::<C, T, L, F, H, G, I, O>(&m, &x, &mut y0, len, Some(&mut a0));
            super::run_hoisted::<C, T, L, F, H, G, I, O>(&m, &x, &mut y1, len, Some(&mut a1));
            let bits = |v: &[T]| {
                v.iter()
                    .map(|v| v.as_f64().to_bits())
                    .collect::<std::vec::Vec<_>>()
            };
            assert_eq!(
                bits(&y0),
                bits(&y1),
                "{} len {len}",
                core::any::type_name::<C>()
            );
            assert!(
                a0 == a1,
                "{} len {len}: the records differ",
                core::any::type_name::<C>()
            );
        }
    }

    #[test]
    fn hoisted_run_is_bit_identical_to_the_plain_one_for_every_cell() {
        // W3a's shape (32 features, hidden 64) over 7 steps, and sizes with
        // tails and partial groups of rows.
        hoisted_is_plain::<
            Lstm<f32, 7, 32, 64, 256, 224, 64, false, false>,
            f32,
            7,
            32,
            64,
            256,
            224,
            64,
        >();
        hoisted_is_plain::<
            Gru<f32, 7, 32, 64, 192, 224, 448, true, true>,
            f32,
            7,
            32,
            64,
            192,
            224,
            448,
        >();
        hoisted_is_plain::<Rnn<f32, 5, 13, 11, 65, 11, false, true>, f32, 5, 13, 11, 11, 65, 11>();
        hoisted_is_plain::<Lstm<f64, 4, 9, 5, 20, 36, 5, false, true>, f64, 4, 9, 5, 20, 36, 5>();
        hoisted_is_plain::<Gru<f32, 3, 8, 40, 120, 24, 40, false, false>, f32, 3, 8, 40, 120, 24, 40>(
        );
    }

    /// A seeded layer whose learned initial state (tensors 4.., if any)
    /// is random too.
    fn seeded<C: Layer<f64, I, O>, const I: usize, const O: usize>(seed: u64) -> C {
        let mut rng = Rng::seed(seed);
        let mut m = C::ZEROED;
        m.init(Init::Zeros, &mut rng);
        for k in 4..C::TENSORS {
            m.tensor_mut(k)
                .iter_mut()
                .for_each(|v| *v = 0.5 * rng.normal());
        }
        m
    }

    /// Whether `y` is the initial hidden state: tensor 4 when learned,
    /// else zero.
    fn is_h0<C: Layer<f64, I, O>, const I: usize, const O: usize>(m: &C, y: &[f64]) -> bool {
        if C::TENSORS > 4 {
            y == m.tensor(4)
        } else {
            y.iter().all(|v| *v == 0.0)
        }
    }

    /// A last-state layer `A` and its sequence-output twin `S` (same
    /// tensors) agree at every runtime length over `l` steps; rows past
    /// the length are zero, and a shorter run is a prefix of the full one.
    fn lengths_and_modes_agree<A, S, const I: usize, const H: usize, const SO: usize>(l: usize)
    where
        A: Layer<f64, I, H>,
        S: Layer<f64, I, SO>,
    {
        assert_eq!((A::TENSORS, SO), (S::TENSORS, l * H));
        let last = seeded::<A, I, H>(3);
        let mut seq = S::ZEROED;
        for k in 0..A::TENSORS {
            seq.tensor_mut(k).copy_from_slice(last.tensor(k));
        }
        let mut rng = Rng::seed(4);
        let x: [f64; I] = core::array::from_fn(|_| rng.normal());
        let (mut full, mut s) = ([0.0; H], [0.0; SO]);
        last.forward(&x, &mut full);
        seq.forward(&x, &mut s);
        assert_eq!(full, s[(l - 1) * H..]);
        let mut yn = [0.0; SO];
        seq.forward_with(&x, &mut yn, Side::len(l));
        for len in [0, 1, 2, l, l + 1, usize::MAX] {
            let (mut y, mut ys) = ([0.0; H], [f64::NAN; SO]);
            last.forward_with(&x, &mut y, Side::len(len));
            seq.forward_with(&x, &mut ys, Side::len(len));
            let n = len.min(l);
            if n == 0 {
                assert!(is_h0(&last, &y));
            } else {
                assert_eq!(y, ys[(n - 1) * H..n * H]);
            }
            assert!(ys[n * H..].iter().all(|v| *v == 0.0));
            assert_eq!(ys[..n * H], yn[..n * H]);
        }
    }

    /// Over `l` steps of `f` features and hidden size `h`: inputs past the
    /// runtime length change nothing (outputs, input and parameter
    /// gradients) and get exactly zero gradient; inference agrees with
    /// training.
    fn steps_past_len_are_inert<C, const I: usize, const O: usize>(l: usize, h: usize)
    where
        C: Layer<f64, I, O> + Copy,
    {
        let (f, seq) = (I / l, O == l * h);
        let m = seeded::<C, I, O>(8);
        let mut rng = Rng::seed(9);
        let x: [[f64; I]; 2] = core::array::from_fn(|_| core::array::from_fn(|_| rng.normal()));
        let mut x2 = x;
        x2[0][2 * f..].iter_mut().for_each(|v| *v = rng.normal());
        x2[1][f..].iter_mut().for_each(|v| *v += 10.0);
        let lens = [2, 1];
        let dy: [[f64; O]; 2] = core::array::from_fn(|_| core::array::from_fn(|_| rng.normal()));
        let run = |x: &[[f64; I]; 2]| {
            let mut y = [[0.0; O]; 2];
            let mut aux = [C::ZEROED_AUX; 2];
            m.forward_train_with(
                x,
                &mut y,
                &mut aux,
                &Side::of_lengths(&lens),
                &mut TrainCtx::seed(0),
            );
            let mut g = C::ZEROED;
            let mut dx = [[f64::NAN; I]; 2];
            m.backward_with(
                x,
                &y,
                &aux,
                &dy,
                Some(&mut dx),
                &mut g,
                &Side::of_lengths(&lens),
            );
            (y, dx, g)
        };
        let (y, dx, g) = run(&x);
        let (y2, dx2, g2) = run(&x2);
        assert_eq!((y, dx), (y2, dx2));
        assert!((0..C::TENSORS).all(|k| g.tensor(k) == g2.tensor(k)));
        assert!(dx[0][2 * f..].iter().all(|v| *v == 0.0));
        assert!(dx[1][f..].iter().all(|v| *v == 0.0));
        assert!(dx[0][..2 * f].iter().all(|v| *v != 0.0));
        if seq {
            assert!(y[0][2 * h..].iter().all(|v| *v == 0.0));
            assert!(y[1][h..].iter().all(|v| *v == 0.0));
        }
        let mut yi = [0.0; O];
        m.forward_with(&x2[0], &mut yi, Side::len(2));
        assert_eq!(yi, y[0]);
    }

    /// At runtime length 0 the output is the initial state (zero rows with
    /// a sequence output), its gradient goes to the learned `h0` only (`c0`
    /// gets zero), and the input and the weights get none.
    fn zero_length_gives_the_initial_state<C, const I: usize, const O: usize>(h: usize)
    where
        C: Layer<f64, I, O>,
    {
        assert!(C::TENSORS > 4, "a learned initial state");
        let seq = O != h;
        let m = seeded::<C, I, O>(10);
        let mut y = [f64::NAN; O];
        m.forward_with(&[1.0; I], &mut y, Side::len(0));
        if seq {
            assert_eq!(y, [0.0; O]);
        } else {
            assert_eq!(y[..], m.tensor(4)[..]);
        }
        let mut aux = [C::ZEROED_AUX; 1];
        let mut ys = [[0.0; O]];
        m.forward_train_with(
            &[[1.0; I]],
            &mut ys,
            &mut aux,
            &Side::of_lengths(&[0]),
            &mut TrainCtx::seed(0),
        );
        assert_eq!(ys[0], y);
        let dy: [f64; O] = core::array::from_fn(|k| k as f64 + 1.0);
        let mut g = C::ZEROED;
        let mut dx = [[1.0; I]];
        m.backward_with(
            &[[1.0; I]],
            &ys,
            &aux,
            &[dy],
            Some(&mut dx),
            &mut g,
            &Side::of_lengths(&[0]),
        );
        if seq {
            assert!(g.tensor(4).iter().all(|v| *v == 0.0));
        } else {
            assert_eq!(g.tensor(4), &dy[..]);
        }
        assert_eq!(dx, [[0.0; I]]);
        for k in (0..4).chain(5..C::TENSORS) {
            assert!(g.tensor(k).iter().all(|v| *v == 0.0), "tensor {k}");
        }
    }

    /// PyTorch's initialisation and tensors for `M` (hidden size 4): each
    /// tensor's info matches it, `PARAMS` is their sum, the weights and
    /// biases are within `1/sqrt(H) = 0.5` (and not all tiny) and the
    /// initial states zero, whatever scheme `init` is given; the twin `N`
    /// without `STATE` has no state tensors.
    fn init_and_tensors<M: Layer<f32, 15, 4>, N: Layer<f32, 15, 4>>(tensors: usize) {
        let mut m = M::ZEROED;
        m.init(Init::HeNormal, &mut Rng::seed(1));
        assert_eq!(M::TENSORS, tensors);
        let mut total = 0;
        for t in 0..tensors {
            let info = M::tensor_info(t).unwrap();
            assert_eq!(info.shape.iter().product::<usize>(), m.tensor(t).len());
            total += m.tensor(t).len();
            let bound = if t < 4 { 0.5 } else { 0.0 };
            assert!(m.tensor(t).iter().all(|v| v.abs() <= bound), "tensor {t}");
        }
        assert_eq!(total, M::PARAMS);
        assert!(m.tensor(0).iter().any(|v| v.abs() > 0.3));
        let mut y = [0.0f32; 4];
        m.forward(&[0.5; 15], &mut y);
        assert!(y.iter().all(|v| v.is_finite() && v.abs() < 1.0));
        assert_eq!(N::TENSORS, 4);
        assert!(N::tensor_info(4).is_none());
    }

    #[test]
    fn init_and_tensors_follow_pytorch_for_every_cell() {
        type R<const STATE: bool> = Rnn<f32, 5, 3, 4, 15, 4, false, STATE>;
        type L<const STATE: bool> = Lstm<f32, 5, 3, 4, 16, 15, 4, false, STATE>;
        type G<const STATE: bool> = Gru<f32, 5, 3, 4, 12, 15, 4, false, STATE>;
        init_and_tensors::<R<true>, R<false>>(5);
        init_and_tensors::<L<true>, L<false>>(6);
        init_and_tensors::<G<true>, G<false>>(5);
    }

    /// A sequence layer `A` (3 steps of 2 features, hidden 3, learned
    /// state) into a last-state layer `C` (hidden 2): the stack equals the
    /// two layers run by hand, and its gradients pass the finite-difference
    /// check at mixed lengths and at full length.
    fn stacked<A: Layer<f64, 6, 9>, C: Layer<f64, 9, 2>>() {
        let mut st = Stack::<A, C, 9> {
            a: A::ZEROED,
            c: C::ZEROED,
        };
        st.a.init(Init::Zeros, &mut Rng::seed(30));
        st.c.init(Init::Zeros, &mut Rng::seed(31));
        st.a.tensor_mut(4).copy_from_slice(&[0.1, 0.2, -0.3]);
        let x = [0.5, -1.0, 0.25, 0.75, -0.5, 1.5];
        let (mut mid, mut y, mut ys) = ([0.0; 9], [0.0; 2], [0.0; 2]);
        st.a.forward_with(&x, &mut mid, Side::len(2));
        st.c.forward_with(&mid, &mut y, Side::len(2));
        st.forward_with(&x, &mut ys, Side::len(2));
        assert_eq!(y, ys);
        check_layer_gradients_with::<_, 6, 2, 4>(&mut st, 31, &Side::of_lengths(&[3, 2, 0, 1]));
        check_layer_gradients::<_, 6, 2, 2>(&mut st, 32);
    }

    #[test]
    fn stacked_sequence_then_last_state_for_every_cell() {
        stacked::<Rnn<f64, 3, 2, 3, 6, 9, true, true>, Rnn<f64, 3, 3, 2, 9, 2>>();
        stacked::<Lstm<f64, 3, 2, 3, 12, 6, 9, true, true>, Lstm<f64, 3, 3, 2, 8, 9, 2>>();
        stacked::<Gru<f64, 3, 2, 3, 9, 6, 9, true, true>, Gru<f64, 3, 3, 2, 6, 9, 2>>();
        // Different kinds in one stack.
        stacked::<Rnn<f64, 3, 2, 3, 6, 9, true, true>, Gru<f64, 3, 3, 2, 6, 9, 2>>();
        stacked::<Gru<f64, 3, 2, 3, 9, 6, 9, true, true>, Lstm<f64, 3, 3, 2, 8, 9, 2>>();
    }

    #[test]
    fn lengths_and_modes_agree_for_every_cell() {
        // Per kind, 3 steps of 2 features with hidden size 2 and a fixed
        // state, and 4 steps of 1 feature with hidden size 3 and a learned
        // one; `O` and `S` pick the last-state layer or its sequence twin.
        type R3<const O: usize, const S: bool> = Rnn<f64, 3, 2, 2, 6, O, S>;
        type R4<const O: usize, const S: bool> = Rnn<f64, 4, 1, 3, 4, O, S, true>;
        type L3<const O: usize, const S: bool> = Lstm<f64, 3, 2, 2, 8, 6, O, S>;
        type L4<const O: usize, const S: bool> = Lstm<f64, 4, 1, 3, 12, 4, O, S, true>;
        type G3<const O: usize, const S: bool> = Gru<f64, 3, 2, 2, 6, 6, O, S>;
        type G4<const O: usize, const S: bool> = Gru<f64, 4, 1, 3, 9, 4, O, S, true>;
        lengths_and_modes_agree::<R3<2, false>, R3<6, true>, 6, 2, 6>(3);
        lengths_and_modes_agree::<R4<3, false>, R4<12, true>, 4, 3, 12>(4);
        lengths_and_modes_agree::<L3<2, false>, L3<6, true>, 6, 2, 6>(3);
        lengths_and_modes_agree::<L4<3, false>, L4<12, true>, 4, 3, 12>(4);
        lengths_and_modes_agree::<G3<2, false>, G3<6, true>, 6, 2, 6>(3);
        lengths_and_modes_agree::<G4<3, false>, G4<12, true>, 4, 3, 12>(4);
    }

    #[test]
    fn steps_past_len_are_inert_for_every_cell() {
        steps_past_len_are_inert::<Rnn<f64, 4, 2, 3, 8, 12, true, true>, 8, 12>(4, 3);
        steps_past_len_are_inert::<Rnn<f64, 4, 2, 3, 8, 3>, 8, 3>(4, 3);
        steps_past_len_are_inert::<Lstm<f64, 4, 2, 3, 12, 8, 12, true, true>, 8, 12>(4, 3);
        steps_past_len_are_inert::<Lstm<f64, 4, 2, 3, 12, 8, 3>, 8, 3>(4, 3);
        steps_past_len_are_inert::<Gru<f64, 4, 2, 3, 9, 8, 12, true, true>, 8, 12>(4, 3);
        steps_past_len_are_inert::<Gru<f64, 4, 2, 3, 9, 8, 3>, 8, 3>(4, 3);
    }

    #[test]
    fn zero_length_gives_the_initial_state_for_every_cell() {
        zero_length_gives_the_initial_state::<Rnn<f64, 3, 2, 3, 6, 3, false, true>, 6, 3>(3);
        zero_length_gives_the_initial_state::<Rnn<f64, 3, 2, 3, 6, 9, true, true>, 6, 9>(3);
        zero_length_gives_the_initial_state::<Lstm<f64, 3, 2, 3, 12, 6, 3, false, true>, 6, 3>(3);
        zero_length_gives_the_initial_state::<Lstm<f64, 3, 2, 3, 12, 6, 9, true, true>, 6, 9>(3);
        zero_length_gives_the_initial_state::<Gru<f64, 3, 2, 3, 9, 6, 3, false, true>, 6, 3>(3);
        zero_length_gives_the_initial_state::<Gru<f64, 3, 2, 3, 9, 6, 9, true, true>, 6, 9>(3);
    }

    /// The GEMM path (a full-length batch of `B`) and the per-sample path
    /// (one sample at a time, below the GEMM threshold) agree on random
    /// data and a random initial state, forward and backward, through the
    /// `Layer` methods alone.
    #[cfg(feature = "alloc")]
    fn gemm_vs_direct<C, T, const I: usize, const O: usize, const B: usize>(
        use_gemm: fn(usize) -> bool,
        tol: f64,
    ) where
        T: Float,
        C: Layer<T, I, O> + Copy,
    {
        assert!(use_gemm(B) && !use_gemm(1));
        let mut rng = Rng::seed((I * 100 + O) as u64);
        let mut m = C::ZEROED;
        m.init(Init::Zeros, &mut rng);
        for k in 4..C::TENSORS {
            m.tensor_mut(k)
                .iter_mut()
                .for_each(|v| *v = T::cast(0.5 * rng.normal()));
        }
        let mut x = [[T::ZERO; I]; B];
        let mut dy = [[T::ZERO; O]; B];
        x.as_flattened_mut()
            .iter_mut()
            .chain(dy.as_flattened_mut())
            .for_each(|v| *v = T::cast(rng.normal()));
        let close = |a: &[T], b: &[T], what: &str| {
            assert_eq!(a.len(), b.len());
            for (k, (a, b)) in a.iter().zip(b).enumerate() {
                let (a, b) = (a.as_f64(), b.as_f64());
                assert!(
                    (a - b).abs() <= tol * (1.0 + a.abs().max(b.abs())),
                    "{what}[{k}]: {a} vs {b}"
                );
            }
        };
        let ctx = &mut TrainCtx::seed(0);
        // Batched.
        let (mut y, mut aux) = ([[T::ZERO; O]; B], [C::ZEROED_AUX; B]);
        m.forward_train(&x, &mut y, &mut aux, ctx);
        let mut g = C::ZEROED;
        g.tensor_mut(1)[0] = T::ONE; // both accumulate into what is there
        let mut dx = [[T::nan(); I]; B];
        m.backward(&x, &y, &aux, &dy, Some(&mut dx), &mut g);
        // One sample at a time.
        let mut g1 = C::ZEROED;
        g1.tensor_mut(1)[0] = T::ONE;
        for b in 0..B {
            let (mut yb, mut auxb) = ([[T::ZERO; O]; 1], [C::ZEROED_AUX; 1]);
            m.forward_train(&[x[b]], &mut yb, &mut auxb, ctx);
            close(&yb[0], &y[b], "y");
            let mut dxb = [[T::nan(); I]; 1];
            m.backward(&[x[b]], &yb, &auxb, &[dy[b]], Some(&mut dxb), &mut g1);
            close(&dxb[0], &dx[b], "dx");
        }
        for k in 0..C::TENSORS {
            close(g1.tensor(k), g.tensor(k), "grad");
        }
    }

    #[cfg(feature = "alloc")]
    #[test]
    fn gemm_path_matches_direct_path_for_every_cell() {
        type L1 = Lstm<f64, 5, 3, 16, 64, 15, 80, true, true>;
        gemm_vs_direct::<L1, f64, 15, 80, 6>(L1::use_gemm, 1e-12);
        type L2 = Lstm<f64, 4, 2, 16, 64, 8, 16, false, true>;
        gemm_vs_direct::<L2, f64, 8, 16, 4>(L2::use_gemm, 1e-12);
        // The benchmark's LSTM.
        assert!(Lstm::<f32, 32, 32, 64, 256, 1024, 64>::use_gemm(32));
        type L3 = Lstm<f32, 8, 32, 64, 256, 256, 64>;
        gemm_vs_direct::<L3, f32, 256, 64, 8>(L3::use_gemm, 1e-5);
        type G1 = Gru<f64, 5, 3, 16, 48, 15, 80, true, true>;
        gemm_vs_direct::<G1, f64, 15, 80, 6>(G1::use_gemm, 1e-12);
        type G2 = Gru<f64, 4, 2, 16, 48, 8, 16, false, false>;
        gemm_vs_direct::<G2, f64, 8, 16, 6>(G2::use_gemm, 1e-12);
        type G3 = Gru<f32, 8, 32, 64, 192, 256, 64>;
        gemm_vs_direct::<G3, f32, 256, 64, 8>(G3::use_gemm, 1e-5);
        type R1 = Rnn<f64, 5, 3, 32, 15, 160, true, true>;
        gemm_vs_direct::<R1, f64, 15, 160, 4>(R1::use_gemm, 1e-12);
        type R2 = Rnn<f64, 4, 2, 32, 8, 32>;
        gemm_vs_direct::<R2, f64, 8, 32, 4>(R2::use_gemm, 1e-12);
    }

    /// Finite differences through the GEMM path (a shape and batch that
    /// take it) of `C`, with a learned initial state set to a ramp if any.
    #[cfg(feature = "alloc")]
    fn finite_differences_gemm<C, const I: usize, const O: usize, const B: usize>(seed: u64)
    where
        C: Layer<f64, I, O>,
    {
        let mut m = C::ZEROED;
        m.init(Init::Zeros, &mut Rng::seed(seed));
        for k in 4..C::TENSORS {
            m.tensor_mut(k)
                .iter_mut()
                .enumerate()
                .for_each(|(j, v)| *v = 0.05 * j as f64 - 0.3);
        }
        check_layer_gradients::<_, I, O, B>(&mut m, seed + 1);
    }

    #[cfg(feature = "alloc")]
    #[test]
    fn finite_differences_gemm_path_for_every_cell() {
        type L1 = Lstm<f64, 3, 2, 16, 64, 6, 16>;
        type L2 = Lstm<f64, 3, 2, 16, 64, 6, 48, true, true>;
        type G1 = Gru<f64, 3, 2, 16, 48, 6, 16>;
        type G2 = Gru<f64, 3, 2, 16, 48, 6, 48, true, true>;
        type R1 = Rnn<f64, 3, 2, 32, 6, 32>;
        type R2 = Rnn<f64, 3, 2, 32, 6, 96, true, true>;
        assert!(L1::use_gemm(4) && G1::use_gemm(6) && R1::use_gemm(4));
        finite_differences_gemm::<L1, 6, 16, 4>(41);
        finite_differences_gemm::<L2, 6, 48, 4>(43);
        finite_differences_gemm::<G1, 6, 16, 6>(51);
        finite_differences_gemm::<G2, 6, 48, 6>(53);
        finite_differences_gemm::<R1, 6, 32, 4>(55);
        finite_differences_gemm::<R2, 6, 96, 4>(57);
    }
}
