//! Gradient checks: `backward` against fourth-order central finite
//! differences, per layer and for a whole network, and the helpers they
//! use (see the module above).

use crate::{Float, Layer, Rng, Side, TrainCtx};

/// Relative error with a floor, so gradients near zero are compared
/// absolutely: `|a - b| / max(|a|, |b|, 1e-4)`.
pub fn relative_error(a: f64, b: f64) -> f64 {
    (a - b).abs() / a.abs().max(b.abs()).max(1e-4)
}

/// Step of the finite differences.
pub const FD_STEP: f64 = 1e-4;

/// Fourth-order central difference of `f` at 0 with step `h`:
/// `(8 (f(h) - f(-h)) - (f(2h) - f(-2h))) / 12h`. Its truncation error is
/// O(h^4), so with `h = 1e-4` rounding (about 1e-11 here) dominates, and a
/// 1e-6 relative bound holds through deep networks.
pub fn central_difference(mut f: impl FnMut(f64) -> f64, h: f64) -> f64 {
    let d1 = f(h) - f(-h);
    let d2 = f(2.0 * h) - f(-2.0 * h);
    (8.0 * d1 - d2) / (12.0 * h)
}

/// Asserts `|a_i - b_i| <= tol * max(1, |b_i|)` element-wise.
#[track_caller]
pub fn assert_close<T: Float>(a: &[T], b: &[T], tol: f64) {
    assert_eq!(a.len(), b.len(), "lengths differ");
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        let (x, y) = (x.as_f64(), y.as_f64());
        assert!(
            (x - y).abs() <= tol * y.abs().max(1.0),
            "element {i}: {x} vs {y} (tol {tol})"
        );
    }
}

/// Largest relative error between the analytic gradient of one layer and
/// central differences of `L = sum_b <r_b, y_b>` with random `x`, `r`, over
/// every input element and every parameter, on whole samples. Panics (for
/// tests) above 1e-6.
pub fn check_layer_gradients<L, const I: usize, const O: usize, const B: usize>(
    layer: &mut L,
    seed: u64,
) -> f64
where
    L: Layer<f64, I, O>,
{
    check_layer_gradients_with(layer, seed, &[Side::WHOLE; B])
}

/// [`check_layer_gradients`] with each sample's side input (a recurrent
/// layer at runtime sequence lengths): the largest relative error between the analytic
/// gradient and central differences of `L = sum_b <r_b, y_b>` with random
/// `x`, `r` (inputs past each length are random too), over every input
/// element and every parameter. Panics (for tests) above 1e-6.
pub fn check_layer_gradients_with<L, const I: usize, const O: usize, const B: usize>(
    layer: &mut L,
    seed: u64,
    sides: &[Side; B],
) -> f64
where
    L: Layer<f64, I, O>,
{
    let mut rng = Rng::seed(seed);
    let mut x = [[0.0; I]; B];
    x.as_flattened_mut()
        .iter_mut()
        .for_each(|v| *v = rng.normal());
    check_layer_gradients_at(layer, &x, rng.next_u64(), sides)
}

/// [`check_layer_gradients_with`] at given inputs `x` (for inputs with
/// structure, such as a tree's child slots), random `r`.
pub fn check_layer_gradients_at<L, const I: usize, const O: usize, const B: usize>(
    layer: &mut L,
    x: &[[f64; I]; B],
    seed: u64,
    sides: &[Side; B],
) -> f64
where
    L: Layer<f64, I, O>,
{
    let mut rng = Rng::seed(seed);
    let x = *x;
    let mut r = [[0.0; O]; B];
    r.as_flattened_mut()
        .iter_mut()
        .for_each(|v| *v = rng.normal());
    let ctx_seed = rng.next_u64();

    let objective = |layer: &mut L, x: &[[f64; I]; B]| -> f64 {
        let mut y = [[0.0; O]; B];
        let mut aux = [L::ZEROED_AUX; B];
        layer.forward_train_with(x, &mut y, &mut aux, sides, &mut TrainCtx::seed(ctx_seed));
        y.as_flattened()
            .iter()
            .zip(r.as_flattened())
            .map(|(y, r)| y * r)
            .sum()
    };

    let mut y = [[0.0; O]; B];
    let mut aux = [L::ZEROED_AUX; B];
    layer.forward_train_with(&x, &mut y, &mut aux, sides, &mut TrainCtx::seed(ctx_seed));
    let mut grads = L::ZEROED;
    let mut dx = [[0.0; I]; B];
    layer.backward_with(&x, &y, &aux, &r, Some(&mut dx), &mut grads, sides);

    let mut worst = 0.0f64;
    for k in 0..I * B {
        let num = central_difference(
            |d| {
                let mut xd = x;
                xd.as_flattened_mut()[k] += d;
                objective(layer, &xd)
            },
            FD_STEP,
        );
        let e = relative_error(dx.as_flattened()[k], num);
        assert!(
            e <= 1e-6,
            "input element {k}: analytic {} numeric {num}",
            dx.as_flattened()[k]
        );
        worst = worst.max(e);
    }
    for t in 0..L::TENSORS {
        for k in 0..layer.tensor(t).len() {
            let orig = layer.tensor(t)[k];
            let num = central_difference(
                |d| {
                    layer.tensor_mut(t)[k] = orig + d;
                    objective(layer, &x)
                },
                FD_STEP,
            );
            layer.tensor_mut(t)[k] = orig;
            let ana = grads.tensor(t)[k];
            let e = relative_error(ana, num);
            assert!(
                e <= 1e-6,
                "tensor {t} element {k}: analytic {ana} numeric {num}"
            );
            worst = worst.max(e);
        }
    }
    worst
}

#[cfg(test)]
pub(crate) use stack::Stack;

/// A test-only composition of two layers, to check stacked recurrent
/// layers (`A` then `C`) with the same gradient checks as one layer.
#[cfg(test)]
mod stack {
    use crate::{Float, Layer, Side, TensorInfo, TrainCtx, Zeroable};

    /// `A: [T; I] -> [T; M]` followed by `C: [T; M] -> [T; O]`; both see
    /// the same sequence lengths. Tensors: those of `A`, then those of `C`.
    #[derive(Clone, Copy, Debug)]
    pub(crate) struct Stack<A, C, const M: usize> {
        pub a: A,
        pub c: C,
    }

    // SAFETY: two `Zeroable` fields.
    #[allow(unsafe_code)]
    unsafe impl<A: Zeroable, C: Zeroable, const M: usize> Zeroable for Stack<A, C, M> {}

    /// The records of both layers and the activation between them.
    #[derive(Clone, Copy, Debug)]
    pub(crate) struct StackAux<X, Y, T, const M: usize> {
        a: X,
        mid: [T; M],
        c: Y,
    }

    // SAFETY: three `Zeroable` fields.
    #[allow(unsafe_code)]
    unsafe impl<X: Zeroable, Y: Zeroable, T: Zeroable, const M: usize> Zeroable
        for StackAux<X, Y, T, M>
    {
    }

    impl<T, A, C, const I: usize, const M: usize, const O: usize> Layer<T, I, O> for Stack<A, C, M>
    where
        T: Float,
        A: Layer<T, I, M>,
        C: Layer<T, M, O>,
    {
        type Aux = StackAux<A::Aux, C::Aux, T, M>;
        const ZEROED: Self = Self {
            a: A::ZEROED,
            c: C::ZEROED,
        };
        const ZEROED_AUX: Self::Aux = StackAux {
            a: A::ZEROED_AUX,
            mid: [T::ZERO; M],
            c: C::ZEROED_AUX,
        };
        const TENSORS: usize = A::TENSORS + C::TENSORS;
        const PARAMS: usize = A::PARAMS + C::PARAMS;

        fn forward_with(&self, x: &[T; I], y: &mut [T; O], side: Side) {
            let mut mid = [T::ZERO; M];
            self.a.forward_with(x, &mut mid, side);
            self.c.forward_with(&mid, y, side);
        }

        fn forward_train_with<const B: usize>(
            &self,
            x: &[[T; I]; B],
            y: &mut [[T; O]; B],
            aux: &mut [Self::Aux; B],
            sides: &[Side; B],
            ctx: &mut TrainCtx,
        ) {
            let mut mid = [[T::ZERO; M]; B];
            let mut aa = [A::ZEROED_AUX; B];
            let mut ca = [C::ZEROED_AUX; B];
            self.a.forward_train_with(x, &mut mid, &mut aa, sides, ctx);
            self.c.forward_train_with(&mid, y, &mut ca, sides, ctx);
            for b in 0..B {
                aux[b] = StackAux {
                    a: aa[b],
                    mid: mid[b],
                    c: ca[b],
                };
            }
        }

        fn update_buffers<const B: usize>(&mut self, aux: &[Self::Aux; B]) {
            self.a
                .update_buffers(&core::array::from_fn::<_, B, _>(|b| aux[b].a));
            self.c
                .update_buffers(&core::array::from_fn::<_, B, _>(|b| aux[b].c));
        }

        fn backward_with<const B: usize>(
            &self,
            x: &[[T; I]; B],
            y: &[[T; O]; B],
            aux: &[Self::Aux; B],
            dy: &[[T; O]; B],
            dx: Option<&mut [[T; I]; B]>,
            grads: &mut Self,
            sides: &[Side; B],
        ) {
            let mid: [[T; M]; B] = core::array::from_fn(|b| aux[b].mid);
            let aa: [A::Aux; B] = core::array::from_fn(|b| aux[b].a);
            let ca: [C::Aux; B] = core::array::from_fn(|b| aux[b].c);
            let mut dmid = [[T::ZERO; M]; B];
            self.c
                .backward_with(&mid, y, &ca, dy, Some(&mut dmid), &mut grads.c, sides);
            self.a
                .backward_with(x, &mid, &aa, &dmid, dx, &mut grads.a, sides);
        }

        fn tensor(&self, i: usize) -> &[T] {
            if i < A::TENSORS {
                self.a.tensor(i)
            } else {
                self.c.tensor(i - A::TENSORS)
            }
        }

        fn tensor_mut(&mut self, i: usize) -> &mut [T] {
            if i < A::TENSORS {
                self.a.tensor_mut(i)
            } else {
                self.c.tensor_mut(i - A::TENSORS)
            }
        }

        fn tensor_info(i: usize) -> Option<TensorInfo> {
            if i < A::TENSORS {
                A::tensor_info(i)
            } else {
                C::tensor_info(i - A::TENSORS)
            }
        }
    }
}

#[cfg(feature = "alloc")]
pub use network_checks::*;

/// Adds `scale * N(0, 1)` noise to every parameter of `net` (seeded),
/// biases included. Freshly initialised biases are exactly zero, and a
/// dead ReLU then feeds an exact 0 into the next kink (or a max pool sees
/// exact ties), where a finite difference is meaningless.
pub fn jitter<T: Float, N: crate::Params<T>>(net: &mut N, scale: f64, seed: u64) {
    let mut rng = Rng::seed(seed);
    for i in 0..N::TENSORS {
        for p in net.tensor_mut(i) {
            *p += T::cast(scale * rng.normal());
        }
    }
}

/// A batch of `B` inputs of `N` with N(0, 1) elements (seeded).
pub fn random_inputs<T: Float, N: crate::Network<T>, const B: usize>(seed: u64) -> [N::Input; B] {
    use crate::Tensor;
    let mut rng = Rng::seed(seed);
    let mut x = [<N::Input as Tensor<T>>::ZEROS; B];
    for v in <N::Input as Tensor<T>>::slice_flat_mut(&mut x) {
        *v = T::cast(rng.normal());
    }
    x
}

/// The worst disagreement found by a gradient check.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct GradientReport {
    /// Largest relative error.
    pub worst: f64,
    /// Where: `None` for the input, `Some(i)` for parameter tensor `i`.
    pub tensor: Option<usize>,
    /// Flat index of the element.
    pub index: usize,
    /// Backward's value there.
    pub analytic: f64,
    /// The central difference there.
    pub numeric: f64,
}

#[cfg(feature = "alloc")]
impl GradientReport {
    fn record(&mut self, tensor: Option<usize>, index: usize, analytic: f64, numeric: f64) {
        let e = relative_error(analytic, numeric);
        if e > self.worst {
            *self = Self {
                worst: e,
                tensor,
                index,
                analytic,
                numeric,
            };
        }
    }
}

#[cfg(feature = "alloc")]
mod network_checks {
    use super::GradientReport;
    use crate::{Network, Rng, Side, Tensor, TrainCtx};

    /// Largest relative error between backward and central differences of
    /// `L = sum_b <r_b, output_b>` over every parameter and every input
    /// element of a whole network, for the batch `x` (random `r`).
    ///
    /// Returns the worst error and where it is; callers assert on
    /// `worst` (1e-6 in our tests).
    pub fn network_gradient_check<N, const B: usize>(
        net: &mut N,
        x: &[N::Input; B],
        seed: u64,
    ) -> GradientReport
    where
        N: Network<f64>,
    {
        network_gradient_check_with(net, x, &[Side::WHOLE; B], seed)
    }

    /// As [`network_gradient_check`], with each sample's side input
    /// (recurrent networks at runtime lengths): the objective and backward
    /// both see it, so steps past a sample's length must get exactly the
    /// zero gradient the central difference finds for them.
    pub fn network_gradient_check_with<N, const B: usize>(
        net: &mut N,
        x: &[N::Input; B],
        sides: &[Side; B],
        seed: u64,
    ) -> GradientReport
    where
        N: Network<f64>,
    {
        let mut rng = Rng::seed(seed);
        let mut r = [<N::Output as Tensor<f64>>::ZEROS; B];
        <N::Output as Tensor<f64>>::slice_flat_mut(&mut r)
            .iter_mut()
            .for_each(|v| *v = rng.normal());
        let ctx_seed = rng.next_u64();
        let mut trace = N::new_trace::<B>();

        let mut objective = |net: &mut N, x: &[N::Input; B]| -> f64 {
            net.forward_train_with(x, sides, &mut trace, &mut TrainCtx::seed(ctx_seed));
            let out = N::output(&trace);
            <N::Output as Tensor<f64>>::slice_flat(out)
                .iter()
                .zip(<N::Output as Tensor<f64>>::slice_flat(&r))
                .map(|(y, r)| y * r)
                .sum()
        };

        let mut grads = N::zeroed_boxed();
        let mut t = N::new_trace::<B>();
        net.forward_train_with(x, sides, &mut t, &mut TrainCtx::seed(ctx_seed));
        N::output_and_grad(&mut t).1.clone_from(&r);
        let dx = *net.backward_input(&mut t, &mut grads);

        let mut report = GradientReport::default();
        let n_in = <N::Input as Tensor<f64>>::LEN * B;
        for k in 0..n_in {
            let num = super::central_difference(
                |d| {
                    let mut xd = *x;
                    <N::Input as Tensor<f64>>::slice_flat_mut(&mut xd)[k] += d;
                    objective(net, &xd)
                },
                super::FD_STEP,
            );
            let ana = <N::Input as Tensor<f64>>::slice_flat(&dx)[k];
            report.record(None, k, ana, num);
        }
        for i in 0..N::TENSORS {
            for k in 0..net.tensor(i).len() {
                let orig = net.tensor(i)[k];
                let num = super::central_difference(
                    |d| {
                        net.tensor_mut(i)[k] = orig + d;
                        objective(net, x)
                    },
                    super::FD_STEP,
                );
                net.tensor_mut(i)[k] = orig;
                report.record(Some(i), k, grads.tensor(i)[k], num);
            }
        }
        report
    }
}
