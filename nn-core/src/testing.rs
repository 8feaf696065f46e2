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

    let h = 1e-6;
    let mut worst = 0.0f64;
    for k in 0..I * B {
        let mut xp = x;
        xp.as_flattened_mut()[k] += h;
        let mut xm = x;
        xm.as_flattened_mut()[k] -= h;
        let num = (objective(layer, &xp) - objective(layer, &xm)) / (2.0 * h);
        let e = relative_error(dx.as_flattened()[k], num);
        assert!(e <= 1e-6, "input element {k}: analytic {} numeric {num}", dx.as_flattened()[k]);
        worst = worst.max(e);
    }
    for t in 0..L::TENSORS {
        for k in 0..layer.tensor(t).len() {
            let orig = layer.tensor(t)[k];
            layer.tensor_mut(t)[k] = orig + h;
            let fp = objective(layer, &x);
            layer.tensor_mut(t)[k] = orig - h;
            let fm = objective(layer, &x);
            layer.tensor_mut(t)[k] = orig;
            let num = (fp - fm) / (2.0 * h);
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

#[cfg(feature = "alloc")]
mod network_checks {
    use crate::{Network, Rng, Tensor, TrainCtx};

    /// Largest relative error between backward and central differences of
    /// `L = sum_b <r_b, output_b>` over every parameter and every input
    /// element of a whole network, for the batch `x` (random `r`).
    ///
    /// Returns the worst error; callers assert on it (1e-6 in our tests).
    pub fn network_gradient_error<N, const B: usize>(
        net: &mut N,
        x: &[N::Input; B],
        seed: u64,
    ) -> f64
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

        let h = 1e-6;
        let mut worst = 0.0f64;
        let n_in = <N::Input as Tensor<f64>>::LEN * B;
        for k in 0..n_in {
            let mut xp = *x;
            <N::Input as Tensor<f64>>::slice_flat_mut(&mut xp)[k] += h;
            let mut xm = *x;
            <N::Input as Tensor<f64>>::slice_flat_mut(&mut xm)[k] -= h;
            let num = (objective(net, &xp) - objective(net, &xm)) / (2.0 * h);
            let ana = <N::Input as Tensor<f64>>::slice_flat(&dx)[k];
            worst = worst.max(super::relative_error(ana, num));
        }
        for i in 0..N::TENSORS {
            for k in 0..net.tensor(i).len() {
                let orig = net.tensor(i)[k];
                net.tensor_mut(i)[k] = orig + h;
                let fp = objective(net, x);
                net.tensor_mut(i)[k] = orig - h;
                let fm = objective(net, x);
                net.tensor_mut(i)[k] = orig;
                let num = (fp - fm) / (2.0 * h);
                worst = worst.max(super::relative_error(grads.tensor(i)[k], num));
            }
        }
        worst
    }
}
