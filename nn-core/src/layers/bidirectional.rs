//! A bidirectional recurrent layer: [`Bidirectional`] (documented on the
//! type) and its per-sample record [`BidirectionalAux`].

use crate::{Float, Init, Layer, Rng, Side, TensorInfo, TrainCtx, Zeroable};

/// Two recurrent cells of the same kind over one sequence: `fwd` reads the
/// first `len` steps in order, `rev` reads them in reverse, and their
/// outputs are concatenated, as PyTorch's `bidirectional = True`:
///
/// - last state (`SEQ = false`): `[h_fwd after step len-1, h_rev after
///   step 0]`, `O = 2 H`;
/// - sequences (`SEQ = true`): at each step `t < len` the row
///   `[h_fwd(t), h_rev(t)]`, where `h_rev(t)` has read steps `len-1 .. t`;
///   rows `>= len` are zero; `O = 2 L H`.
///
/// The reversal is over the runtime length, so padding never reaches the
/// reverse cell first. Signature: `Bidirectional<C, L, F, H, I, CO, O, SEQ>`
/// with the cell type `C` (an [`Rnn`](super::Rnn), [`Lstm`](super::Lstm) or
/// [`Gru`](super::Gru) with the same `SEQ`), its output length `CO`
/// (`H` or `L H`), `I = L F`; sizes are checked at compile time.
///
/// Tensors: the forward cell's, then the reverse cell's, named with
/// PyTorch's `_reverse` suffix (`weight_ih_reverse`, ...).
///
/// Backward runs each cell's exact backpropagation through time on its own
/// part of the output gradient and adds the two input gradients, the
/// reverse one un-reversed.
///
/// ```
/// use nn_core::layers::{Bidirectional, Rnn};
/// use nn_core::Layer;
/// // Three steps of one feature, one hidden unit each way: h' = tanh(x_t + h).
/// type Cell = Rnn<f64, 3, 1, 1, 3, 1>;
/// let mut bi = Bidirectional::<Cell, 3, 1, 1, 3, 1, 2, false>::ZEROED;
/// for cell in [&mut bi.fwd, &mut bi.rev] {
///     cell.weight_ih = [[1.0]];
///     cell.weight_hh = [[1.0]];
/// }
/// let mut y = [0.0; 2];
/// bi.forward_with(&[0.1, 0.2, 9.0], &mut y, nn_core::Side::len(2));
/// let (a, b) = (0.1f64, 0.2f64);
/// assert!((y[0] - (b + a.tanh()).tanh()).abs() < 1e-15); // reads 0.1, 0.2
/// assert!((y[1] - (a + b.tanh()).tanh()).abs() < 1e-15); // reads 0.2, 0.1
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bidirectional<
    C,
    const L: usize,
    const F: usize,
    const H: usize,
    const I: usize,
    const CO: usize,
    const O: usize,
    const SEQ: bool,
> {
    /// The cell reading the steps in order.
    pub fwd: C,
    /// The cell reading the steps in reverse.
    pub rev: C,
}

// SAFETY: two `Zeroable` cells.
#[allow(unsafe_code)]
unsafe impl<
        C: Zeroable,
        const L: usize,
        const F: usize,
        const H: usize,
        const I: usize,
        const CO: usize,
        const O: usize,
        const SEQ: bool,
    > Zeroable for Bidirectional<C, L, F, H, I, CO, O, SEQ>
{
}

/// What [`Bidirectional`] records per sample: each cell's own record and
/// output, and the reversed input the reverse cell read.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BidirectionalAux<T, A, const I: usize, const CO: usize> {
    /// The forward cell's record.
    pub fwd: A,
    /// The reverse cell's record.
    pub rev: A,
    /// The forward cell's output.
    pub y_fwd: [T; CO],
    /// The reverse cell's output (in its own, reversed, step order).
    pub y_rev: [T; CO],
    /// The input with its first `len` steps reversed.
    pub x_rev: [T; I],
}

// SAFETY: float arrays and two `Zeroable` records.
#[allow(unsafe_code)]
unsafe impl<T: Float, A: Zeroable, const I: usize, const CO: usize> Zeroable
    for BidirectionalAux<T, A, I, CO>
{
}

/// The reverse cell's tensor names: PyTorch's `_reverse` suffix.
fn reverse_name(name: &'static str) -> &'static str {
    match name {
        "weight_ih" => "weight_ih_reverse",
        "weight_hh" => "weight_hh_reverse",
        "bias_ih" => "bias_ih_reverse",
        "bias_hh" => "bias_hh_reverse",
        "h0" => "h0_reverse",
        "c0" => "c0_reverse",
        other => other,
    }
}

impl<
        C,
        const L: usize,
        const F: usize,
        const H: usize,
        const I: usize,
        const CO: usize,
        const O: usize,
        const SEQ: bool,
    > Bidirectional<C, L, F, H, I, CO, O, SEQ>
{
    const CHECK: () = {
        assert!(
            L > 0 && F > 0 && H > 0,
            "bidirectional: sizes must be positive"
        );
        assert!(I == L * F, "bidirectional: I must be L F");
        assert!(
            CO == if SEQ { L * H } else { H },
            "bidirectional: the cell must output H (last state) or L H (SEQ)"
        );
        assert!(
            O == 2 * CO,
            "bidirectional: O must be twice the cell's output"
        );
    };

    /// `src` with its first `n` steps of `F` in reverse order (the rest zero).
    fn reversed<T: Float>(src: &[T; I], n: usize, dst: &mut [T; I]) {
        dst.fill(T::ZERO);
        // Steps as chunks of a checked slice, not ranges: no bounds
        // check, so no panic path.
        let first = src.get(..n * F).unwrap_or(src);
        let steps = first.chunks_exact(F.max(1)).rev();
        for (d, s) in dst.chunks_exact_mut(F.max(1)).zip(steps) {
            d.copy_from_slice(s);
        }
    }

    /// Concatenates the two cells' outputs into `y`.
    fn join<T: Float>(y_fwd: &[T; CO], y_rev: &[T; CO], n: usize, y: &mut [T; O]) {
        if SEQ {
            y.fill(T::ZERO);
            let fwd = y_fwd.chunks_exact(H.max(1)).take(n);
            let rev = y_rev.get(..n * H).unwrap_or(y_rev);
            let rev = rev.chunks_exact(H.max(1)).rev();
            for (row, (f, r)) in y.chunks_exact_mut(2 * H.max(1)).zip(fwd.zip(rev)) {
                let (a, b) = row.split_at_mut(H.max(1));
                a.copy_from_slice(f);
                b.copy_from_slice(r);
            }
        } else {
            y[..H].copy_from_slice(&y_fwd[..H]);
            y[H..].copy_from_slice(&y_rev[..H]);
        }
    }

    /// Splits the output gradient `dy` into the two cells' parts.
    fn split<T: Float>(dy: &[T; O], n: usize, d_fwd: &mut [T; CO], d_rev: &mut [T; CO]) {
        if SEQ {
            d_fwd.fill(T::ZERO);
            d_rev.fill(T::ZERO);
            for t in 0..n {
                let row = &dy[t * 2 * H..(t + 1) * 2 * H];
                d_fwd[t * H..(t + 1) * H].copy_from_slice(&row[..H]);
                let s = n - 1 - t;
                d_rev[s * H..(s + 1) * H].copy_from_slice(&row[H..]);
            }
        } else {
            d_fwd.copy_from_slice(&dy[..H]);
            d_rev.copy_from_slice(&dy[H..]);
        }
    }
}

impl<
        T: Float,
        C: Layer<T, I, CO> + Copy,
        const L: usize,
        const F: usize,
        const H: usize,
        const I: usize,
        const CO: usize,
        const O: usize,
        const SEQ: bool,
    > Layer<T, I, O> for Bidirectional<C, L, F, H, I, CO, O, SEQ>
{
    type Aux = BidirectionalAux<T, C::Aux, I, CO>;
    const ZEROED_AUX: Self::Aux = BidirectionalAux {
        fwd: C::ZEROED_AUX,
        rev: C::ZEROED_AUX,
        y_fwd: [T::ZERO; CO],
        y_rev: [T::ZERO; CO],
        x_rev: [T::ZERO; I],
    };
    const ZEROED: Self = Self {
        fwd: C::ZEROED,
        rev: C::ZEROED,
    };
    const TENSORS: usize = 2 * C::TENSORS;
    const PARAMS: usize = 2 * C::PARAMS;
    /// Both directions' outputs and the reversed input, and one cell's own.
    const SCRATCH: usize = 2 * CO + I + C::SCRATCH;

    fn forward_with(&self, x: &[T; I], y: &mut [T; O], side: Side) {
        let () = Self::CHECK;
        let n = side.steps(L);
        let (mut y_fwd, mut y_rev, mut x_rev) = ([T::ZERO; CO], [T::ZERO; CO], [T::ZERO; I]);
        self.fwd.forward_with(x, &mut y_fwd, Side::len(n));
        Self::reversed(x, n, &mut x_rev);
        self.rev.forward_with(&x_rev, &mut y_rev, Side::len(n));
        Self::join(&y_fwd, &y_rev, n, y);
    }

    fn forward_train_with<const B: usize>(
        &self,
        x: &[[T; I]; B],
        y: &mut [[T; O]; B],
        aux: &mut [Self::Aux; B],
        sides: &[Side; B],
        ctx: &mut TrainCtx,
    ) {
        let () = Self::CHECK;
        // One sample at a time, so the cells' batch arguments are views
        // into this layer's per-sample record (no batch-sized scratch).
        for b in 0..B {
            let n = sides[b].steps(L);
            let a = &mut aux[b];
            self.fwd.forward_train_with(
                core::array::from_ref(&x[b]),
                core::array::from_mut(&mut a.y_fwd),
                core::array::from_mut(&mut a.fwd),
                &[Side::len(n)],
                ctx,
            );
            Self::reversed(&x[b], n, &mut a.x_rev);
            self.rev.forward_train_with(
                core::array::from_ref(&a.x_rev),
                core::array::from_mut(&mut a.y_rev),
                core::array::from_mut(&mut a.rev),
                &[Side::len(n)],
                ctx,
            );
            Self::join(&a.y_fwd, &a.y_rev, n, &mut y[b]);
        }
    }

    fn backward_with<const B: usize>(
        &self,
        x: &[[T; I]; B],
        _y: &[[T; O]; B],
        aux: &[Self::Aux; B],
        dy: &[[T; O]; B],
        mut dx: Option<&mut [[T; I]; B]>,
        grads: &mut Self,
        sides: &[Side; B],
    ) {
        let () = Self::CHECK;
        let (mut d_fwd, mut d_rev) = ([T::ZERO; CO], [T::ZERO; CO]);
        let mut dx_rev = [T::ZERO; I];
        for b in 0..B {
            let n = sides[b].steps(L);
            let a = &aux[b];
            Self::split(&dy[b], n, &mut d_fwd, &mut d_rev);
            let dxb = dx
                .as_deref_mut()
                .map(|dx| core::array::from_mut(&mut dx[b]));
            let want_dx = dxb.is_some();
            self.fwd.backward_with(
                core::array::from_ref(&x[b]),
                core::array::from_ref(&a.y_fwd),
                core::array::from_ref(&a.fwd),
                core::array::from_ref(&d_fwd),
                dxb,
                &mut grads.fwd,
                &[Side::len(n)],
            );
            self.rev.backward_with(
                core::array::from_ref(&a.x_rev),
                core::array::from_ref(&a.y_rev),
                core::array::from_ref(&a.rev),
                core::array::from_ref(&d_rev),
                want_dx.then(|| core::array::from_mut(&mut dx_rev)),
                &mut grads.rev,
                &[Side::len(n)],
            );
            if let Some(dx) = dx.as_deref_mut() {
                // Step t of the reversed input is step n - 1 - t of x.
                for t in 0..n {
                    let s = n - 1 - t;
                    for k in 0..F {
                        dx[b][s * F + k] += dx_rev[t * F + k];
                    }
                }
            }
        }
    }

    fn tensor(&self, i: usize) -> &[T] {
        if i < C::TENSORS {
            self.fwd.tensor(i)
        } else {
            self.rev.tensor(i - C::TENSORS)
        }
    }

    fn tensor_mut(&mut self, i: usize) -> &mut [T] {
        if i < C::TENSORS {
            self.fwd.tensor_mut(i)
        } else {
            self.rev.tensor_mut(i - C::TENSORS)
        }
    }

    fn tensor_info(i: usize) -> Option<TensorInfo> {
        if i < C::TENSORS {
            C::tensor_info(i)
        } else {
            C::tensor_info(i - C::TENSORS).map(|mut info| {
                info.name = reverse_name(info.name);
                info
            })
        }
    }

    /// Each cell with its own initialisation (PyTorch's for the cells).
    fn init(&mut self, init: Init, rng: &mut Rng) {
        self.fwd.init(init, rng);
        self.rev.init(init, rng);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::{Gru, Lstm, Rnn};
    use crate::testing::{assert_close, check_layer_gradients_with};
    use crate::Side;

    type BiLstm = Bidirectional<Lstm<f64, 4, 2, 3, 12, 8, 3>, 4, 2, 3, 8, 3, 6, false>;
    type BiGruSeq = Bidirectional<Gru<f64, 4, 2, 3, 9, 8, 12, true>, 4, 2, 3, 8, 12, 24, true>;

    fn jittered<Lr: Layer<f64, I, O>, const I: usize, const O: usize>(seed: u64) -> Lr {
        let mut layer = Lr::ZEROED;
        let mut rng = Rng::seed(seed);
        layer.init(Init::XavierUniform, &mut rng);
        for t in 0..Lr::TENSORS {
            for v in layer.tensor_mut(t) {
                *v += 0.2 * rng.normal();
            }
        }
        layer
    }

    #[test]
    fn halves_are_the_two_cells_on_the_sequence_and_its_reverse() {
        let bi: BiGruSeq = jittered(1);
        let mut rng = Rng::seed(2);
        let x: [f64; 8] = core::array::from_fn(|_| rng.normal());
        for n in [4, 3, 1, 0] {
            let mut y = [0.0; 24];
            bi.forward_with(&x, &mut y, Side::len(n));
            let (mut yf, mut yr) = ([0.0; 12], [0.0; 12]);
            bi.fwd.forward_with(&x, &mut yf, Side::len(n));
            let mut xr = [0.0; 8];
            for t in 0..n {
                xr[2 * t..2 * t + 2].copy_from_slice(&x[2 * (n - 1 - t)..2 * (n - t)]);
            }
            bi.rev.forward_with(&xr, &mut yr, Side::len(n));
            for t in 0..4 {
                let row = &y[6 * t..6 * t + 6];
                if t < n {
                    assert_close(&row[..3], &yf[3 * t..3 * t + 3], 0.0);
                    let s = n - 1 - t;
                    assert_close(&row[3..], &yr[3 * s..3 * s + 3], 0.0);
                } else {
                    assert!(row.iter().all(|v| *v == 0.0));
                }
            }
        }
    }

    #[test]
    fn finite_differences_last_state_and_sequences() {
        let mut bi: BiLstm = jittered(3);
        check_layer_gradients_with::<_, 8, 6, 3>(&mut bi, 4, &Side::of_lengths(&[4, 2, 0]));
        let mut bi: BiGruSeq = jittered(5);
        check_layer_gradients_with::<_, 8, 24, 3>(&mut bi, 6, &Side::of_lengths(&[4, 3, 1]));
        type BiRnn = Bidirectional<Rnn<f64, 4, 2, 3, 8, 3, false, true>, 4, 2, 3, 8, 3, 6, false>;
        let mut bi: BiRnn = jittered(7);
        check_layer_gradients_with::<_, 8, 6, 2>(&mut bi, 8, &Side::of_lengths(&[4, 3]));
    }

    #[test]
    fn reverse_tensors_carry_pytorch_names() {
        type Bi = BiLstm;
        let names: std::vec::Vec<&str> = (0..<Bi as Layer<f64, 8, 6>>::TENSORS)
            .map(|i| <Bi as Layer<f64, 8, 6>>::tensor_info(i).unwrap().name)
            .collect();
        assert_eq!(
            names,
            [
                "weight_ih",
                "weight_hh",
                "bias_ih",
                "bias_hh",
                "weight_ih_reverse",
                "weight_hh_reverse",
                "bias_ih_reverse",
                "bias_hh_reverse"
            ]
        );
        assert_eq!(<Bi as Layer<f64, 8, 6>>::PARAMS, 2 * (12 * 2 + 12 * 3 + 24));
    }
}
