//! Optimizers on `network!` networks: the first five updates of every
//! optimizer against a scalar transcription of its documented formula on
//! the flat parameter vector (all tensors, biases included), optimizer
//! state on the heap for networks larger than the stack, gradient
//! accumulation, schedules driving an optimizer, and XOR learned with Adam.

use nn::prelude::*;
use nn::schedule::{accumulate_gradients, micro_batches};
use nn::step::{forward_backward, train_step, StepBuffers};

nn::network! {
    /// 3 -> 2 -> 2: four parameter tensors of different sizes (14 parameters).
    struct Two {
        input: [3],
        hidden: Dense(2),
        act: Tanh,
        out: Dense(2),
    }
}

const P: usize = 14;

fn flat(net: &Two<f64>) -> [f64; P] {
    let mut out = [0.0; P];
    let mut k = 0;
    for i in 0..<Two<f64> as Params<f64>>::TENSORS {
        for v in net.tensor(i) {
            out[k] = *v;
            k += 1;
        }
    }
    assert_eq!(k, P);
    out
}

fn from_flat(p: &[f64; P]) -> Two<f64> {
    let mut net = Two::<f64>::zeroed();
    let mut k = 0;
    for i in 0..<Two<f64> as Params<f64>>::TENSORS {
        for v in net.tensor_mut(i) {
            *v = p[k];
            k += 1;
        }
    }
    net
}

/// The gradient fed to the optimizers: that of
/// `sum_i (i + 1) (p_i - 0.1 i)^2 / 4 + p_i^4 / 8`.
fn grad_at(p: &[f64; P]) -> [f64; P] {
    let mut g = [0.0; P];
    for i in 0..P {
        g[i] = 0.5 * (i + 1) as f64 * (p[i] - 0.1 * i as f64) + 0.5 * p[i].powi(3);
    }
    g
}

/// Five updates of `opt` on a seeded `Two<f64>` against `reference`
/// (scalar code on the flat vector, given the 1-based step), to 1e-12.
fn check<O: Optimizer<f64, Two<f64>>>(
    name: &str,
    opt: &mut O,
    mut reference: impl FnMut(&mut [f64; P], &[f64; P], i32),
) {
    let mut net = Two::<f64>::new(3);
    let mut p = flat(&net);
    for t in 1..=5 {
        let grads = from_flat(&grad_at(&flat(&net)));
        opt.step(&mut net, &grads);
        let g = grad_at(&p);
        reference(&mut p, &g, t);
        let got = flat(&net);
        for k in 0..P {
            assert!(
                (got[k] - p[k]).abs() <= 1e-12 * p[k].abs().max(1.0),
                "{name}, step {t}, parameter {k}: {} vs reference {}",
                got[k],
                p[k]
            );
        }
    }
}

#[test]
fn sgd_and_momentum_variants_match_their_formulas() {
    check(
        "sgd",
        &mut Sgd::new(0.1).with_weight_decay(0.01),
        |p, g, _| {
            for i in 0..P {
                p[i] -= 0.1 * (g[i] + 0.01 * p[i]);
            }
        },
    );
    let mut b = [0.0; P];
    check("momentum", &mut Momentum::new(0.05, 0.9), |p, g, _| {
        for i in 0..P {
            b[i] = 0.9 * b[i] + g[i];
            p[i] -= 0.05 * b[i];
        }
    });
    let mut b = [0.0; P];
    check("nesterov", &mut Nesterov::new(0.05, 0.9), |p, g, _| {
        for i in 0..P {
            b[i] = 0.9 * b[i] + g[i];
            p[i] -= 0.05 * (g[i] + 0.9 * b[i]);
        }
    });
}

#[test]
fn adaptive_optimizers_match_their_formulas() {
    let (mut m, mut v) = ([0.0; P], [0.0; P]);
    check(
        "adam",
        &mut Adam::new(0.01).with_weight_decay(0.1),
        |p, g, t| {
            for i in 0..P {
                let g = g[i] + 0.1 * p[i];
                m[i] = 0.9 * m[i] + 0.1 * g;
                v[i] = 0.999 * v[i] + 0.001 * g * g;
                let (mh, vh) = (
                    m[i] / (1.0 - 0.9f64.powi(t)),
                    v[i] / (1.0 - 0.999f64.powi(t)),
                );
                p[i] -= 0.01 * mh / (vh.sqrt() + 1e-8);
            }
        },
    );
    let (mut m, mut v) = ([0.0; P], [0.0; P]);
    check("adamw", &mut AdamW::new(0.01), |p, g, t| {
        for i in 0..P {
            p[i] *= 1.0 - 0.01 * 0.01;
            m[i] = 0.9 * m[i] + 0.1 * g[i];
            v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
            let (mh, vh) = (
                m[i] / (1.0 - 0.9f64.powi(t)),
                v[i] / (1.0 - 0.999f64.powi(t)),
            );
            p[i] -= 0.01 * mh / (vh.sqrt() + 1e-8);
        }
    });
    let mut v = [0.0; P];
    check("rmsprop", &mut RmsProp::new(0.01), |p, g, _| {
        for i in 0..P {
            v[i] = 0.99 * v[i] + 0.01 * g[i] * g[i];
            p[i] -= 0.01 * g[i] / (v[i].sqrt() + 1e-8);
        }
    });
    let mut s = [0.0; P];
    check(
        "adagrad",
        &mut Adagrad::new(0.1).with_lr_decay(0.5),
        |p, g, t| {
            let lr = 0.1 / (1.0 + (t - 1) as f64 * 0.5);
            for i in 0..P {
                s[i] += g[i] * g[i];
                p[i] -= lr * g[i] / (s[i].sqrt() + 1e-10);
            }
        },
    );
}

nn::network! {
    /// 784 -> 2048 -> 10: 1.6 million parameters, 6.5 MB per copy in f32.
    struct Wide {
        input: [784],
        h: Dense(2048),
        a: Relu,
        out: Dense(10),
    }
}

#[test]
fn boxed_optimizer_state_never_touches_the_stack() {
    // Adam's state is two copies (13 MB); the test thread's stack is 2 MiB.
    assert!(core::mem::size_of::<Adam<Wide<f32>>>() > 8 << 20);
    let mut net = Wide::<f32>::new_boxed(1);
    let mut grads = Wide::<f32>::zeroed_boxed();
    grads.out.bias[3] = 1.0;
    let mut adam = Adam::<Wide<f32>>::boxed(1e-3);
    let mut rms = RmsProp::<Wide<f32>>::boxed(1e-2);
    let mut mom = Momentum::<Wide<f32>>::boxed(0.1, 0.9);
    let before = net.out.bias[3];
    adam.step(&mut net, &grads);
    rms.step(&mut net, &grads);
    mom.step(&mut net, &grads);
    assert!(net.out.bias[3] < before);
    assert_eq!(adam.moments().0.out.bias[3], 0.1);
}

/// An optimizer can live in a `static` (a microcontroller's RAM image).
static STATIC_ADAM: Adam<Two<f32>> = Adam::new(1e-3);

#[test]
fn optimizers_build_in_const_context() {
    assert_eq!(STATIC_ADAM.steps(), 0);
    const M: Nesterov<Two<f32>> = Nesterov::new(0.1, 0.9);
    assert_eq!(M.velocity().out.bias, [0.0; 2]);
}

#[test]
fn accumulated_micro_batches_equal_one_large_batch() {
    let mut net = Two::<f64>::new(5);
    let mut rng = Rng::seed(9);
    let mut xs = [[0.0; 3]; 8];
    let mut ts = [[0.0; 2]; 8];
    for v in xs
        .as_flattened_mut()
        .iter_mut()
        .chain(ts.as_flattened_mut())
    {
        *v = rng.normal();
    }
    let mut ctx = TrainCtx::seed(0);
    let mut full = Two::<f64>::zeroed_boxed();
    let mut trace8 = Two::<f64>::new_trace::<8>();
    let l8 = forward_backward(
        &mut net,
        &mut full,
        &mut trace8,
        &Huber::default(),
        &xs,
        &ts,
        &mut ctx,
    )
    .unwrap();

    let k = micro_batches(8, 2);
    let (mut acc, mut grads) = (Two::<f64>::zeroed_boxed(), Two::<f64>::zeroed_boxed());
    let mut trace2 = Two::<f64>::new_trace::<2>();
    let mut loss = 0.0;
    for j in 0..k {
        let x = [xs[2 * j], xs[2 * j + 1]];
        let t = [ts[2 * j], ts[2 * j + 1]];
        loss += forward_backward(
            &mut net,
            &mut grads,
            &mut trace2,
            &Huber::default(),
            &x,
            &t,
            &mut ctx,
        )
        .unwrap();
        accumulate_gradients(&mut *acc, &grads, 1.0 / k as f64);
    }
    assert!((loss / k as f64 - l8).abs() < 1e-14);
    let (a, f) = (flat(&acc), flat(&full));
    for i in 0..P {
        assert!((a[i] - f[i]).abs() < 1e-14, "{i}: {} vs {}", a[i], f[i]);
    }
}

nn::network! {
    struct Xor {
        input: [2],
        hidden: Dense(4),
        act: Tanh,
        out: Dense(1),
    }
}

const X: [[f32; 2]; 4] = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
const XOR: [[f32; 1]; 4] = [[0.0], [1.0], [1.0], [0.0]];

#[test]
fn adam_with_bce_on_logits_learns_xor_under_a_schedule() {
    let mut net = Xor::<f32>::new(0);
    let mut grads = Xor::<f32>::zeroed();
    let mut trace = Xor::<f32>::new_trace::<4>();
    let mut adam = Adam::new(0.05);
    let schedule = Warmup::new(Cosine::new(0.05, 1000, 1e-3), 20);
    let mut ctx = TrainCtx::seed(1);
    let mut loss = f32::NAN;
    for step in 0..1000 {
        adam.lr = schedule.lr(step);
        let buffers = StepBuffers {
            grads: &mut grads,
            trace: &mut trace,
        };
        loss = train_step(
            &mut net,
            buffers,
            &mut adam,
            &BceWithLogits,
            &X,
            &XOR,
            &mut ctx,
        )
        .unwrap();
    }
    assert!(loss < 0.05, "loss {loss}");
    assert_eq!(adam.steps(), 1000);
    for (x, t) in X.iter().zip(&XOR) {
        let p = net.forward(x)[0] > 0.0;
        assert_eq!(p, t[0] == 1.0, "{x:?}");
    }
}

#[test]
fn sgd_with_penalty_and_clipping_learns_xor_step_by_step() {
    let mut net = Xor::<f64>::new(2);
    let mut grads = Xor::<f64>::zeroed();
    let mut trace = Xor::<f64>::new_trace::<4>();
    let mut opt = Momentum::new(0.2, 0.9);
    let x = X.map(|r| r.map(f64::from));
    let t = XOR.map(|r| r.map(f64::from));
    let mut ctx = TrainCtx::seed(1);
    let mut loss = f64::NAN;
    for _ in 0..2000 {
        loss = forward_backward(
            &mut net,
            &mut grads,
            &mut trace,
            &BceWithLogits,
            &x,
            &t,
            &mut ctx,
        )
        .unwrap();
        loss += l2_penalty(&net, &mut grads, 1e-5);
        let norm = clip_grad_norm(&mut grads, 1.0);
        assert!(norm.is_finite());
        opt.step(&mut net, &grads);
    }
    assert!(loss < 0.05, "loss {loss}");
    for (x, t) in x.iter().zip(&t) {
        assert_eq!(net.forward(x)[0] > 0.0, t[0] == 1.0, "{x:?}");
    }
}
