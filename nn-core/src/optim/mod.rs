//! Optimizers update a network from its gradient, tensor by tensor, over
//! the numbered parameter tensors of [`Params`]; state
//! (moments) is stored in values of the network type itself, so an
//! optimizer is fixed-size storage shaped like the parameters and needs
//! no allocator.
//!
//! | optimizer | state | PyTorch equivalent (defaults) |
//! |---|---|---|
//! | [`Sgd`] | none | `SGD(lr, weight_decay=0)` |
//! | [`Momentum`] | 1 network | `SGD(lr, momentum, dampening=0, weight_decay=0)` |
//! | [`Nesterov`] | 1 network | `SGD(lr, momentum, nesterov=True)` |
//! | [`Adam`] | 2 networks | `Adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)` |
//! | [`AdamW`] | 2 networks | `AdamW(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2)` |
//! | [`RmsProp`] | 1 network | `RMSprop(lr=1e-2, alpha=0.99, eps=1e-8)` |
//! | [`Adagrad`] | 1 network | `Adagrad(lr=1e-2, lr_decay=0, eps=1e-10)` |
//!
//! Weight decay, where an optimizer has it, follows PyTorch: it applies to
//! every parameter tensor (biases included). To decay weights only, leave
//! it at zero and use [`regularize::l2_penalty`](crate::regularize::l2_penalty)
//! on the gradients before the step.
//!
//! Stateful optimizers have a `const fn new` (usable in a `static`; the
//! state is built in place, so for large networks prefer the boxed
//! constructor) and, with the `alloc` feature, `boxed`, which builds the
//! state directly on the heap. Hyper-parameters are public fields; set
//! them after `boxed`, or with the `with_*` builders on a value.
//!
//! Scalar coefficients (`1 - beta^t`, step sizes) are computed in `f64`
//! and the element-wise update in `T`.

mod adagrad;
mod adam;
mod adamw;
mod momentum;
mod nesterov;
mod rmsprop;
mod sgd;

pub use adagrad::Adagrad;
pub use adam::Adam;
pub use adamw::AdamW;
pub use momentum::Momentum;
pub use nesterov::Nesterov;
pub use rmsprop::RmsProp;
pub use sgd::Sgd;

use crate::{Float, Params};

/// Updates parameters from gradients.
pub trait Optimizer<T: Float, N: Params<T>> {
    /// One update of `net` from the (already averaged) gradient `grads`.
    fn step(&mut self, net: &mut N, grads: &N);
    /// The current learning rate.
    fn learning_rate(&self) -> f64;
    /// Sets the learning rate (schedules call this between steps).
    fn set_learning_rate(&mut self, lr: f64);
    /// Forgets the state (moments, step count), as a freshly built
    /// optimizer with the same hyper-parameters. Nothing for stateless ones.
    fn reset(&mut self) {}

    /// The next step taken apart, for an optimizer whose update is the
    /// same rule for every parameter (all of nn's are): this advances the
    /// step count, as [`step`](Self::step) would, and lends the rule, its
    /// scalars and the state, so that a data-parallel step
    /// ([`DataParallel`](crate::train::DataParallel)) can update
    /// stretches of every tensor on several threads. `None` (the default)
    /// keeps the update whole, on one thread.
    fn element_step(&mut self) -> Option<ElementStep<'_, T, N>> {
        None
    }

    /// Writes the whole state into a checkpoint: hyper-parameters,
    /// moments, step count (entries named `optimizer.`...). The default
    /// writes the learning rate only; optimizers with more state override
    /// both this and [`load_state`](Self::load_state).
    fn save_state(&self, w: &mut crate::weights::StateWriter<'_>) {
        w.f64(&["optimizer", "lr"], self.learning_rate());
    }

    /// Reads back what [`save_state`](Self::save_state) wrote.
    fn load_state(
        &mut self,
        r: &mut crate::weights::StateReader<'_>,
    ) -> Result<(), crate::weights::WeightsError> {
        let mut lr = self.learning_rate();
        r.f64(&["optimizer", "lr"], &mut lr)?;
        self.set_learning_rate(lr);
        Ok(())
    }
}

/// How many scalars an [`ElementStep`] carries (Adam's nine).
pub const STEP_SCALARS: usize = 9;

/// The update of one stretch of one tensor: this step's scalars, the
/// parameters, their gradient, and the same stretch of each state network
/// (empty where the optimizer has fewer than two).
pub type ElementRule<T> = fn(&[T; STEP_SCALARS], &mut [T], &[T], [&mut [T]; 2]);

/// One step of an element-wise optimizer, apart from the optimizer (see
/// [`Optimizer::element_step`]). The optimizer's own `step` is
/// [`run`](Self::run), the rule over whole tensors; the rule touches each
/// element alone, so any split of the tensors gives the same bits.
pub struct ElementStep<'a, T, N> {
    /// The update of one stretch.
    pub rule: ElementRule<T>,
    /// This step's scalars (learning rate, bias corrections), as `rule`
    /// reads them.
    pub scalars: [T; STEP_SCALARS],
    /// The optimizer's state networks (moments); `None` past the ones it
    /// has.
    pub state: [Option<&'a mut N>; 2],
}

impl<T: Float, N: Params<T>> ElementStep<'_, T, N> {
    /// The update of `net` from `grads`, tensor by tensor.
    pub fn run(self, net: &mut N, grads: &N) {
        let Self {
            rule,
            scalars,
            state: [mut a, mut b],
        } = self;
        for i in 0..N::TENSORS {
            let a = a.as_deref_mut().map_or(&mut [][..], |s| s.tensor_mut(i));
            let b = b.as_deref_mut().map_or(&mut [][..], |s| s.tensor_mut(i));
            rule(&scalars, net.tensor_mut(i), grads.tensor(i), [a, b]);
        }
    }
}

/// `scalars` first, zeros after: an [`ElementStep`]'s scalars.
pub(crate) fn step_scalars<T: Float>(scalars: &[T]) -> [T; STEP_SCALARS] {
    let mut all = [T::ZERO; STEP_SCALARS];
    all[..scalars.len()].copy_from_slice(scalars);
    all
}

/// `save_state` and `load_state` of an [`Optimizer`] from its fields:
/// `f64` hyper-parameters, network-shaped state (`N`), `u64` counters.
macro_rules! state_methods {
    (floats: [$($f:ident),*], nets: [$($n:ident),*], counts: [$($c:ident),*]) => {
        fn save_state(&self, w: &mut $crate::weights::StateWriter<'_>) {
            $(w.f64(&["optimizer", stringify!($f)], self.$f);)*
            $(w.params::<T, N>(concat!("optimizer.", stringify!($n)), &self.$n);)*
            $(w.u64s(&["optimizer", stringify!($c)], &[self.$c]);)*
        }

        fn load_state(
            &mut self,
            r: &mut $crate::weights::StateReader<'_>,
        ) -> Result<(), $crate::weights::WeightsError> {
            $(r.f64(&["optimizer", stringify!($f)], &mut self.$f)?;)*
            $(r.params::<T, N>(concat!("optimizer.", stringify!($n)), &mut self.$n)?;)*
            $({
                let mut c = [self.$c];
                r.u64s(&["optimizer", stringify!($c)], &mut c)?;
                self.$c = c[0];
            })*
            Ok(())
        }
    };
}
pub(crate) use state_methods;

/// `x^n` for the bias corrections, without std.
#[inline]
pub(crate) fn powu(x: f64, n: u64) -> f64 {
    libm::pow(x, n as f64)
}

/// `x^n` in `f32` by squaring (the `single-precision` feature).
pub(crate) fn powu_f32(x: f32, n: u64) -> f32 {
    let (mut base, mut n, mut acc) = (x, n, 1.0f32);
    while n > 0 {
        if n & 1 == 1 {
            acc *= base;
        }
        base *= base;
        n >>= 1;
    }
    acc
}

#[cfg(test)]
mod powu_tests {
    /// `powu_f32` by squaring is `powf` to a few ulp.
    #[test]
    fn powu_f32_is_pow() {
        for x in [0.9f32, 0.999, 1.01, 0.5] {
            for n in [0u64, 1, 2, 3, 7, 100, 1000] {
                let (got, want) = (super::powu_f32(x, n), libm::powf(x, n as f32));
                assert!(
                    (got - want).abs() <= 1e-5 * want.abs().max(1e-30),
                    "{x}^{n}: {got} against {want}"
                );
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tiny {
    //! A hand-written three-tensor network (`y = s (w . x + b)`) and a
    //! harness that runs an optimizer on it against a scalar reference.

    use super::Optimizer;
    use crate::{Float, Network, Params, Rng, Side, TensorInfo, TensorKind, TrainCtx, Zeroable};

    /// `w` (weight, 3), `b` (bias, 1), `s` (other, 1).
    #[derive(Clone, Copy, Debug, PartialEq)]
    pub struct Tiny<T> {
        pub w: [T; 3],
        pub b: [T; 1],
        pub s: [T; 1],
    }

    // SAFETY: three float arrays.
    #[allow(unsafe_code)]
    unsafe impl<T: Float> Zeroable for Tiny<T> {}

    pub struct TinyTrace<T, const B: usize> {
        x: [[T; 3]; B],
        u: [[T; 1]; B],
        y: [[T; 1]; B],
        dy: [[T; 1]; B],
        dx: [[T; 3]; B],
    }

    // SAFETY: float arrays only.
    #[allow(unsafe_code)]
    unsafe impl<T: Float, const B: usize> Zeroable for TinyTrace<T, B> {}

    impl<T: Float> Tiny<T> {
        pub fn from_flat(p: [f64; 5]) -> Self {
            let c = T::cast;
            Self {
                w: [c(p[0]), c(p[1]), c(p[2])],
                b: [c(p[3])],
                s: [c(p[4])],
            }
        }
        pub fn flat(&self) -> [f64; 5] {
            let mut out = [0.0; 5];
            let all = self.w.iter().chain(&self.b).chain(&self.s);
            for (o, v) in out.iter_mut().zip(all) {
                *o = v.as_f64();
            }
            out
        }
    }

    impl<T: Float> Network<T> for Tiny<T> {
        type Input = [T; 3];
        type Output = [T; 1];
        type Trace<const B: usize> = TinyTrace<T, B>;
        const INFERENCE_RAM_BYTES: usize = 4 * core::mem::size_of::<T>();
        const SUMMARY: &'static str = "tiny";

        fn forward_with(&self, x: &[T; 3], _side: Side) -> [T; 1] {
            let u = self.w.iter().zip(x).map(|(w, x)| *w * *x).sum::<T>() + self.b[0];
            [self.s[0] * u]
        }

        fn forward_train_shared<const B: usize>(
            &self,
            x: &[[T; 3]; B],
            _sides: &[Side; B],
            trace: &mut TinyTrace<T, B>,
            _ctx: &mut TrainCtx,
        ) {
            trace.x = *x;
            for b in 0..B {
                let u = self.w.iter().zip(&x[b]).map(|(w, x)| *w * *x).sum::<T>() + self.b[0];
                trace.u[b] = [u];
                trace.y[b] = [self.s[0] * u];
            }
        }

        fn output<const B: usize>(trace: &TinyTrace<T, B>) -> &[[T; 1]; B] {
            &trace.y
        }

        fn output_and_grad<const B: usize>(
            trace: &mut TinyTrace<T, B>,
        ) -> (&[[T; 1]; B], &mut [[T; 1]; B]) {
            (&trace.y, &mut trace.dy)
        }

        fn backward<const B: usize>(&self, trace: &mut TinyTrace<T, B>, grads: &mut Self) {
            self.backward_input(trace, grads);
        }

        fn backward_input<'t, const B: usize>(
            &self,
            trace: &'t mut TinyTrace<T, B>,
            grads: &mut Self,
        ) -> &'t [[T; 3]; B] {
            for b in 0..B {
                let d = trace.dy[b][0];
                let ds = d * self.s[0];
                for k in 0..3 {
                    grads.w[k] += ds * trace.x[b][k];
                    trace.dx[b][k] = ds * self.w[k];
                }
                grads.b[0] += ds;
                grads.s[0] += d * trace.u[b][0];
            }
            &trace.dx
        }
    }

    impl<T: Float> Params<T> for Tiny<T> {
        const PARAMS: usize = 5;
        const PARAM_BYTES: usize = 5 * core::mem::size_of::<T>();
        const TENSORS: usize = 3;
        const ZEROED: Self = Self {
            w: [T::ZERO; 3],
            b: [T::ZERO; 1],
            s: [T::ZERO; 1],
        };

        fn tensor(&self, i: usize) -> &[T] {
            match i {
                0 => &self.w,
                1 => &self.b,
                2 => &self.s,
                _ => &[],
            }
        }

        fn tensor_mut(&mut self, i: usize) -> &mut [T] {
            match i {
                0 => &mut self.w,
                1 => &mut self.b,
                2 => &mut self.s,
                _ => &mut [],
            }
        }

        fn tensor_info(i: usize) -> Option<TensorInfo> {
            let (name, shape, kind): (_, &'static [usize], _) = match i {
                0 => ("weight", &[1, 3], TensorKind::Weight),
                1 => ("bias", &[1], TensorKind::Bias),
                2 => ("scale", &[1], TensorKind::Other),
                _ => return None,
            };
            Some(TensorInfo {
                layer: "tiny",
                name,
                shape,
                kind,
                fan_in: 3,
                fan_out: 1,
            })
        }

        fn init(&mut self, rng: &mut Rng) {
            for i in 0..3 {
                for p in self.tensor_mut(i) {
                    *p = T::cast(rng.normal());
                }
            }
        }
    }

    /// Starting parameters of the optimizer tests.
    pub const P0: [f64; 5] = [0.5, -1.2, 2.0, 0.3, -0.7];

    /// The gradient the tests feed the optimizers at parameters `p`: the
    /// gradient of `sum_i c_i (p_i - a_i)^2 / 2 + p_i^4 / 8`, so every
    /// step sees a new gradient that depends on the last update.
    pub fn grad_at(p: &[f64; 5]) -> [f64; 5] {
        const C: [f64; 5] = [1.0, 3.0, 0.5, 2.0, 0.25];
        const A: [f64; 5] = [1.0, 0.5, -1.0, 0.0, 2.0];
        let mut g = [0.0; 5];
        for i in 0..5 {
            g[i] = C[i] * (p[i] - A[i]) + 0.5 * p[i] * p[i] * p[i];
        }
        g
    }

    /// Runs `steps` updates of `opt` on `Tiny<f64>` from [`P0`] with
    /// [`grad_at`], and `reference` (scalar code on the flat vector, given
    /// the 1-based step number) alongside; asserts agreement to 1e-12
    /// after every step.
    pub fn check<O: Optimizer<f64, Tiny<f64>>>(
        opt: &mut O,
        steps: u64,
        mut reference: impl FnMut(&mut [f64; 5], &[f64; 5], u64),
    ) {
        let mut net = Tiny::<f64>::from_flat(P0);
        let mut p = P0;
        for t in 1..=steps {
            let grads = Tiny::<f64>::from_flat(grad_at(&net.flat()));
            opt.step(&mut net, &grads);
            let g = grad_at(&p);
            reference(&mut p, &g, t);
            let got = net.flat();
            for k in 0..5 {
                assert!(
                    (got[k] - p[k]).abs() <= 1e-12 * p[k].abs().max(1.0),
                    "step {t}, parameter {k}: optimizer {} vs reference {}",
                    got[k],
                    p[k]
                );
            }
            assert_ne!(got, P0, "step {t} moved nothing");
        }
    }

    #[cfg(feature = "alloc")]
    #[test]
    fn tiny_network_gradients_match_finite_differences() {
        let mut net = Tiny::<f64>::from_flat(P0);
        let x = [[0.3, -1.0, 2.0], [1.5, 0.2, -0.4]];
        let r = crate::testing::network_gradient_check(&mut net, &x, 5);
        assert!(r.worst < 1e-6, "{r:?}");
    }
}
