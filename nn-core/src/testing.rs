//! Checks for layers and whole networks that users can run on their own
//! models: finite-difference gradient checks and the usual "unit tests for
//! a model" (every parameter moves after one step; a tiny batch can be
//! fitted).

use crate::{Float, Layer, Rng, TrainCtx};

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
/// every input element and every parameter. Panics (for tests) above 1e-6.
pub fn check_layer_gradients<L, const I: usize, const O: usize, const B: usize>(
    layer: &mut L,
    seed: u64,
) -> f64
where
    L: Layer<f64, I, O>,
{
    let mut rng = Rng::seed(seed);
    let mut x = [[0.0; I]; B];
    let mut r = [[0.0; O]; B];
    x.as_flattened_mut().iter_mut().for_each(|v| *v = rng.normal());
    r.as_flattened_mut().iter_mut().for_each(|v| *v = rng.normal());
    let ctx_seed = rng.next_u64();

    let objective = |layer: &mut L, x: &[[f64; I]; B]| -> f64 {
        let mut y = [[0.0; O]; B];
        let mut aux = [L::ZEROED_AUX; B];
        layer.forward_train(x, &mut y, &mut aux, &mut TrainCtx::seed(ctx_seed));
        y.as_flattened()
            .iter()
            .zip(r.as_flattened())
            .map(|(y, r)| y * r)
            .sum()
    };

    let mut y = [[0.0; O]; B];
    let mut aux = [L::ZEROED_AUX; B];
    layer.forward_train(&x, &mut y, &mut aux, &mut TrainCtx::seed(ctx_seed));
    let mut grads = L::ZEROED;
    let mut dx = [[0.0; I]; B];
    layer.backward(&x, &y, &aux, &r, Some(&mut dx), &mut grads);

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
        assert!(e <= 1e-6, "input element {k}: analytic {} numeric {num}", dx.as_flattened()[k]);
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
            assert!(e <= 1e-6, "tensor {t} element {k}: analytic {ana} numeric {num}");
            worst = worst.max(e);
        }
    }
    worst
}

#[cfg(feature = "alloc")]
pub use network_checks::*;

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
    use crate::{Network, Rng, Tensor, TrainCtx};

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
        let mut rng = Rng::seed(seed);
        let mut r = [<N::Output as Tensor<f64>>::ZEROS; B];
        <N::Output as Tensor<f64>>::slice_flat_mut(&mut r)
            .iter_mut()
            .for_each(|v| *v = rng.normal());
        let ctx_seed = rng.next_u64();
        let mut trace = N::new_trace::<B>();

        let mut objective = |net: &mut N, x: &[N::Input; B]| -> f64 {
            net.forward_train(x, &mut trace, &mut TrainCtx::seed(ctx_seed));
            let out = N::output(&trace);
            <N::Output as Tensor<f64>>::slice_flat(out)
                .iter()
                .zip(<N::Output as Tensor<f64>>::slice_flat(&r))
                .map(|(y, r)| y * r)
                .sum()
        };

        let mut grads = N::zeroed_boxed();
        let mut t = N::new_trace::<B>();
        net.forward_train(x, &mut t, &mut TrainCtx::seed(ctx_seed));
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
