//! The child-sum Tree-LSTM (Tai, Socher and Manning, 2015): a tree of at
//! most `N` nodes, each with at most `K` children, embedded bottom-up into
//! the root's hidden state.
//!
//! The structure rides in the input, so that data sets, shuffling and
//! batching carry it unchanged: each node is a row of `W = F + K` values,
//! its `F` features and then `K` child slots, each the child's index plus
//! one, or 0 for none ([`encode_tree`] writes the rows). The side input
//! gives the number of real nodes `n` (`Side::len(n)`; the whole capacity
//! `N` by default); nodes come children first and the root is node
//! `n - 1`. A slot is read rounded to the nearest integer, and a child
//! that is not an earlier node (`0 <= child < node`) is ignored, so any
//! input is a valid forest and the slots get zero gradient.

use crate::{Float, Init, Layer, Rng, Side, TensorInfo, TensorKind, TrainCtx};

/// A child-sum Tree-LSTM layer. For node `j` with children `C(j)`, with
/// `h~ = sum_{k in C(j)} h_k`:
///
/// ```text
/// i = sigmoid(W_i x_j + U_i h~ + b_i)
/// o = sigmoid(W_o x_j + U_o h~ + b_o)
/// u =    tanh(W_u x_j + U_u h~ + b_u)
/// f_k = sigmoid(W_f x_j + U_f h_k + b_f)        for each child k
/// c_j = i u + sum_k f_k c_k
/// h_j = o tanh(c_j)
/// ```
///
/// Output: `h` of the root (node `n - 1`; zero for `n = 0`).
///
/// Signature: `TreeLstm<T, N, F, K, H, G, W, I>` with nodes `N`, features
/// per node `F`, children per node `K`, hidden size `H`, `G = 4 H`, row
/// width `W = F + K` and `I = N W`; the output is `[H]`. Tensors:
/// `weight_ih: [4H, F]` (`W` of the gates `i, o, u, f`, stacked in that
/// order), `weight_hh: [4H, H]` (`U`, the same order; `U_f` applies to
/// each child's `h`, the others to `h~`) and `bias: [4H]`. Initialisation
/// as PyTorch's LSTM: every parameter `U(-1/sqrt(H), 1/sqrt(H))`.
///
/// Inference keeps `h` and `c` of every node on the stack (`2 N H`
/// values); training keeps every node's gates, states and child sum in the
/// record [`TreeLstmAux`]. Neither allocates.
#[derive(Clone, Copy, Debug, PartialEq)]
// The weights on a cache line (see the module `layers`).
#[cfg_attr(target_arch = "x86_64", repr(C, align(64)))]
pub struct TreeLstm<
    T,
    const N: usize,
    const F: usize,
    const K: usize,
    const H: usize,
    const G: usize,
    const W: usize,
    const I: usize,
> {
    /// Input weights of the gates `i, o, u, f`: `[4H, F]`.
    pub weight_ih: [[T; F]; G],
    /// Hidden weights of the gates `i, o, u, f`: `[4H, H]`.
    pub weight_hh: [[T; H]; G],
    /// Biases of the gates `i, o, u, f`.
    pub bias: [T; G],
}

/// What a training forward keeps of one tree for backward.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TreeLstmAux<T, const N: usize, const K: usize, const H: usize, const G: usize> {
    /// Per node: the gates `i, o, u` (the `f` block unused).
    pub gates: [[T; G]; N],
    /// Per node and child slot: the forget gate of that child.
    pub forget: [[[T; H]; K]; N],
    /// Per node: the cell state.
    pub c: [[T; H]; N],
    /// Per node: the hidden state.
    pub h: [[T; H]; N],
    /// Per node: the sum of its children's hidden states.
    pub child_sum: [[T; H]; N],
}

// SAFETY: float arrays only; all-zero is a valid layer and record.
#[allow(unsafe_code)]
unsafe impl<
        T: Float,
        const N: usize,
        const F: usize,
        const K: usize,
        const H: usize,
        const G: usize,
        const W: usize,
        const I: usize,
    > crate::Zeroable for TreeLstm<T, N, F, K, H, G, W, I>
{
}

// SAFETY: as above.
#[allow(unsafe_code)]
unsafe impl<T: Float, const N: usize, const K: usize, const H: usize, const G: usize>
    crate::Zeroable for TreeLstmAux<T, N, K, H, G>
{
}

/// Writes a tree into the rows a [`TreeLstm`] reads: node `j`'s features
/// then its children's indices plus one (0 for an empty slot). `children`
/// lists each node's children (earlier nodes; children first, the root
/// last). Returns `None` when a node has more than `K = W - F` children,
/// there are more than `N` nodes, a child is not an earlier node, or a
/// feature row is not `F` long.
pub fn encode_tree<T: Float, const N: usize, const W: usize>(
    features: &[&[T]],
    children: &[&[usize]],
    f: usize,
) -> Option<[[T; W]; N]> {
    let k = W.checked_sub(f)?;
    if features.len() > N || children.len() != features.len() {
        return None;
    }
    let mut rows = [[T::ZERO; W]; N];
    for (j, (x, kids)) in features.iter().zip(children).enumerate() {
        if x.len() != f || kids.len() > k || kids.iter().any(|&c| c >= j) {
            return None;
        }
        rows[j][..f].copy_from_slice(x);
        for (slot, &c) in rows[j][f..].iter_mut().zip(kids.iter()) {
            *slot = T::cast((c + 1) as f64);
        }
    }
    Some(rows)
}

#[inline(always)]
fn sigmoid<T: Float>(z: T) -> T {
    T::ONE / (T::ONE + (-z).exp())
}

impl<
        T: Float,
        const N: usize,
        const F: usize,
        const K: usize,
        const H: usize,
        const G: usize,
        const W: usize,
        const I: usize,
    > TreeLstm<T, N, F, K, H, G, W, I>
{
    /// [`Layer::init`](crate::Layer::init) in a `const fn`, to the bit
    /// (what a network's `new_const` calls).
    pub const fn init_const(&mut self, _init: Init, rng: &mut Rng) {
        Init::fill_recurrent_const(self.weight_ih.as_flattened_mut(), H, rng);
        Init::fill_recurrent_const(self.weight_hh.as_flattened_mut(), H, rng);
        Init::fill_recurrent_const(&mut self.bias, H, rng);
    }

    const CHECK: () = {
        assert!(N > 0 && H > 0, "tree_lstm: sizes must be positive");
        assert!(G == 4 * H, "tree_lstm: G differs from 4 H");
        assert!(W == F + K, "tree_lstm: W differs from F + K");
        assert!(I == N * W, "tree_lstm: I differs from N W");
    };

    /// The node's row in the flat input.
    #[inline(always)]
    fn row(x: &[T; I], j: usize) -> &[T] {
        &x[j * W..(j + 1) * W]
    }

    /// The child in slot `s` of node `j`, if it is an earlier node (below
    /// `N` too, which `j < N` implies, but said so that the optimiser
    /// drops the bounds checks of the nodes' state).
    #[inline(always)]
    fn child(row: &[T], s: usize, j: usize) -> Option<usize> {
        let v = libm::round(row.get(F + s)?.as_f64());
        (v >= 1.0 && v <= j as f64)
            .then(|| v as usize - 1)
            .filter(|&k| k < N)
    }

    /// The real nodes of a sample.
    #[inline(always)]
    fn nodes(side: Side) -> usize {
        side.steps(N)
    }

    /// One node forward: fills its gates, forget gates, `c`, `h` and child
    /// sum from the earlier nodes' `c` and `h`.
    #[allow(
        clippy::too_many_arguments,
        reason = "one node's inputs and everything it writes"
    )]
    fn node(
        &self,
        row: &[T],
        j: usize,
        c_all: &[[T; H]; N],
        h_all: &[[T; H]; N],
        gates: &mut [T; G],
        forget: &mut [[T; H]; K],
        child_sum: &mut [T; H],
    ) -> ([T; H], [T; H]) {
        child_sum.fill(T::ZERO);
        for s in 0..K {
            if let Some(k) = Self::child(row, s, j) {
                for (a, b) in child_sum.iter_mut().zip(&h_all[k]) {
                    *a += *b;
                }
            }
        }
        let x = &row[..F];
        for (g, z) in gates.iter_mut().enumerate() {
            let mut acc = self.bias[g];
            for (w, v) in self.weight_ih[g].iter().zip(x) {
                acc += *w * *v;
            }
            if g < 3 * H {
                for (u, v) in self.weight_hh[g].iter().zip(child_sum.iter()) {
                    acc += *u * *v;
                }
            }
            *z = acc;
        }
        let (mut c, mut h) = ([T::ZERO; H], [T::ZERO; H]);
        for q in 0..H {
            let (i, o, u) = (
                sigmoid(gates[q]),
                sigmoid(gates[H + q]),
                gates[2 * H + q].tanh(),
            );
            gates[q] = i;
            gates[H + q] = o;
            gates[2 * H + q] = u;
            c[q] = i * u;
        }
        for (s, f_s) in forget.iter_mut().enumerate() {
            f_s.fill(T::ZERO);
            let Some(k) = Self::child(row, s, j) else {
                continue;
            };
            for q in 0..H {
                let g = 3 * H + q;
                let mut z = gates[g];
                for (u, v) in self.weight_hh[g].iter().zip(&h_all[k]) {
                    z += *u * *v;
                }
                let f = sigmoid(z);
                f_s[q] = f;
                c[q] += f * c_all[k][q];
            }
        }
        for q in 0..H {
            h[q] = gates[H + q] * c[q].tanh();
        }
        (c, h)
    }
}

/// The layer from a weight file at compile time (`#[nn(weights = ..)]`).
impl<
        const N: usize,
        const F: usize,
        const K: usize,
        const H: usize,
        const G: usize,
        const W: usize,
        const I: usize,
    > TreeLstm<f32, N, F, K, H, G, W, I>
{
    #[doc(hidden)]
    pub const fn __from_file(file: &[u8], t: &[usize], _b: &[usize]) -> Self {
        let mut l = <Self as Layer<f32, I, H>>::ZEROED;
        crate::weights::fill_f32(l.weight_ih.as_flattened_mut(), file, t[0]);
        crate::weights::fill_f32(l.weight_hh.as_flattened_mut(), file, t[1]);
        crate::weights::fill_f32(&mut l.bias, file, t[2]);
        l
    }
}

impl<
        T: Float,
        const N: usize,
        const F: usize,
        const K: usize,
        const H: usize,
        const G: usize,
        const W: usize,
        const I: usize,
    > Layer<T, I, H> for TreeLstm<T, N, F, K, H, G, W, I>
{
    type Aux = TreeLstmAux<T, N, K, H, G>;
    const ZEROED: Self = Self {
        weight_ih: [[T::ZERO; F]; G],
        weight_hh: [[T::ZERO; H]; G],
        bias: [T::ZERO; G],
    };
    const ZEROED_AUX: Self::Aux = TreeLstmAux {
        gates: [[T::ZERO; G]; N],
        forget: [[[T::ZERO; H]; K]; N],
        c: [[T::ZERO; H]; N],
        h: [[T::ZERO; H]; N],
        child_sum: [[T::ZERO; H]; N],
    };
    const TENSORS: usize = 3;
    const PARAMS: usize = G * F + G * H + G;
    /// `h` and `c` of every node, a node's gates, forget gates and child sum.
    const SCRATCH: usize = 2 * N * H + G + K * H + H;

    fn forward_with(&self, x: &[T; I], y: &mut [T; H], side: Side) {
        let () = Self::CHECK;
        let (mut c_all, mut h_all) = ([[T::ZERO; H]; N], [[T::ZERO; H]; N]);
        let (mut gates, mut forget, mut sum) = ([T::ZERO; G], [[T::ZERO; H]; K], [T::ZERO; H]);
        let n = Self::nodes(side);
        for j in 0..n {
            let row = Self::row(x, j);
            let (c, h) = self.node(row, j, &c_all, &h_all, &mut gates, &mut forget, &mut sum);
            c_all[j] = c;
            h_all[j] = h;
        }
        *y = if n > 0 { h_all[n - 1] } else { [T::ZERO; H] };
    }

    fn forward_train_with<const B: usize>(
        &self,
        x: &[[T; I]; B],
        y: &mut [[T; H]; B],
        aux: &mut [Self::Aux; B],
        sides: &[Side; B],
        _ctx: &mut TrainCtx,
    ) {
        let () = Self::CHECK;
        for (((x, y), a), side) in x.iter().zip(y.iter_mut()).zip(aux.iter_mut()).zip(sides) {
            *a = Self::ZEROED_AUX;
            let n = Self::nodes(*side);
            for j in 0..n {
                let row = Self::row(x, j);
                let (c, h) = self.node(
                    row,
                    j,
                    &a.c,
                    &a.h,
                    &mut a.gates[j],
                    &mut a.forget[j],
                    &mut a.child_sum[j],
                );
                a.c[j] = c;
                a.h[j] = h;
            }
            *y = if n > 0 { a.h[n - 1] } else { [T::ZERO; H] };
        }
    }

    #[allow(
        clippy::needless_range_loop,
        reason = "q, p and k index gates, states and weights together"
    )]
    fn backward_with<const B: usize>(
        &self,
        x: &[[T; I]; B],
        _y: &[[T; H]; B],
        aux: &[Self::Aux; B],
        dy: &[[T; H]; B],
        mut dx: Option<&mut [[T; I]; B]>,
        grads: &mut Self,
        sides: &[Side; B],
    ) {
        let () = Self::CHECK;
        for b in 0..B {
            let (x, a) = (&x[b], &aux[b]);
            let n = Self::nodes(sides[b]);
            if let Some(dx) = dx.as_deref_mut() {
                dx[b].fill(T::ZERO);
            }
            if n == 0 {
                continue;
            }
            // Gradients reaching each node's h and c, from its parents.
            let (mut dh, mut dc) = ([[T::ZERO; H]; N], [[T::ZERO; H]; N]);
            dh[n - 1] = dy[b];
            for j in (0..n).rev() {
                let row = Self::row(x, j);
                let gates = &a.gates[j];
                // Pre-activation gradients of i, o, u (the f block holds
                // the sum over children of the forget gates').
                let mut dz = [T::ZERO; G];
                let mut dcj = dc[j];
                for q in 0..H {
                    let (i, o, u) = (gates[q], gates[H + q], gates[2 * H + q]);
                    let tc = a.c[j][q].tanh();
                    dcj[q] += dh[j][q] * o * (T::ONE - tc * tc);
                    dz[q] = dcj[q] * u * i * (T::ONE - i);
                    dz[H + q] = dh[j][q] * tc * o * (T::ONE - o);
                    dz[2 * H + q] = dcj[q] * i * (T::ONE - u * u);
                }
                for s in 0..K {
                    let Some(k) = Self::child(row, s, j) else {
                        continue;
                    };
                    let f = &a.forget[j][s];
                    let mut dzf = [T::ZERO; H];
                    for q in 0..H {
                        dzf[q] = dcj[q] * a.c[k][q] * f[q] * (T::ONE - f[q]);
                        dc[k][q] += dcj[q] * f[q];
                        dz[3 * H + q] += dzf[q];
                    }
                    for (q, d) in dzf.iter().enumerate() {
                        let g = 3 * H + q;
                        for p in 0..H {
                            grads.weight_hh[g][p] += *d * a.h[k][p];
                            dh[k][p] += *d * self.weight_hh[g][p];
                        }
                    }
                }
                // Through W (every gate) and U of i, o, u (to the child sum).
                let mut d_sum = [T::ZERO; H];
                for g in 0..G {
                    let d = dz[g];
                    grads.bias[g] += d;
                    for (gw, v) in grads.weight_ih[g].iter_mut().zip(&row[..F]) {
                        *gw += d * *v;
                    }
                    if g < 3 * H {
                        for (w, (gw, s)) in grads.weight_hh[g]
                            .iter_mut()
                            .zip(&a.child_sum[j])
                            .enumerate()
                        {
                            *gw += d * *s;
                            d_sum[w] += d * self.weight_hh[g][w];
                        }
                    }
                }
                for s in 0..K {
                    if let Some(k) = Self::child(row, s, j) {
                        for (a, b) in dh[k].iter_mut().zip(&d_sum) {
                            *a += *b;
                        }
                    }
                }
                if let Some(dx) = dx.as_deref_mut() {
                    let dxj = &mut dx[b][j * W..j * W + F];
                    for (g, d) in dz.iter().enumerate() {
                        for (v, w) in dxj.iter_mut().zip(&self.weight_ih[g]) {
                            *v += *d * *w;
                        }
                    }
                }
            }
        }
    }

    fn tensor(&self, i: usize) -> &[T] {
        match i {
            0 => self.weight_ih.as_flattened(),
            1 => self.weight_hh.as_flattened(),
            2 => &self.bias,
            _ => &[],
        }
    }

    fn tensor_mut(&mut self, i: usize) -> &mut [T] {
        match i {
            0 => self.weight_ih.as_flattened_mut(),
            1 => self.weight_hh.as_flattened_mut(),
            2 => &mut self.bias,
            _ => &mut [],
        }
    }

    fn tensor_info(i: usize) -> Option<TensorInfo> {
        let (name, shape, kind, fan_in): (_, &'static [usize], _, _) = match i {
            0 => ("weight_ih", &[G, F], TensorKind::Weight, F),
            1 => ("weight_hh", &[G, H], TensorKind::Weight, H),
            2 => ("bias", &[G], TensorKind::Bias, F),
            _ => return None,
        };
        Some(TensorInfo {
            layer: "",
            name,
            shape,
            kind,
            fan_in,
            fan_out: G,
        })
    }

    fn init(&mut self, _init: Init, rng: &mut Rng) {
        Init::fill_recurrent(self.weight_ih.as_flattened_mut(), H, rng);
        Init::fill_recurrent(self.weight_hh.as_flattened_mut(), H, rng);
        Init::fill_recurrent(&mut self.bias, H, rng);
    }
}
