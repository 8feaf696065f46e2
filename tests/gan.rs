//! `adversarial::gan_step` moves each network down its own loss: with the
//! other network's rate at 0 and plain SGD, a step changes the weights by
//! `-lr` times the finite-difference gradient of the discriminator's
//! cross-entropy, or of the generator's non-saturating loss through the
//! discriminator's input gradient, packing 2 samples to a judgement.

use nn::adversarial::{gan_step, GanBuffers};
use nn::prelude::*;
use nn::testing::central_difference;

nn::network! {
    #[derive(Clone, Debug, PartialEq)]
    struct Gen {
        input: [3],
        h: Dense(4),
        a: Tanh,
        out: Dense(2),
    }
}

nn::network! {
    /// Two generated points side by side.
    #[derive(Clone, Debug, PartialEq)]
    struct Disc {
        input: [4],
        h: Dense(5),
        a: Tanh,
        out: Dense(1),
    }
}

const BD: usize = 3;
const BG: usize = 6;

fn batches() -> ([[f64; 3]; BG], [[f64; 4]; BD]) {
    let mut rng = Rng::seed(4);
    (
        core::array::from_fn(|_| core::array::from_fn(|_| rng.normal())),
        core::array::from_fn(|_| core::array::from_fn(|_| rng.normal())),
    )
}

fn packed(g: &Gen<f64>, z: &[[f64; 3]; BG]) -> [[f64; 4]; BD] {
    core::array::from_fn(|b| {
        let (p, q) = (g.forward(&z[2 * b]), g.forward(&z[2 * b + 1]));
        [p[0], p[1], q[0], q[1]]
    })
}

fn softplus(x: f64) -> f64 {
    x.max(0.0) + (-x.abs()).exp().ln_1p()
}

/// The discriminator's loss: half the mean BCE on real (target 1) plus
/// half on fake (target 0).
fn d_loss(g: &Gen<f64>, d: &Disc<f64>, z: &[[f64; 3]; BG], real: &[[f64; 4]; BD]) -> f64 {
    let fake = packed(g, z);
    let r: f64 = real.iter().map(|x| softplus(-d.forward(x)[0])).sum();
    let f: f64 = fake.iter().map(|x| softplus(d.forward(x)[0])).sum();
    0.5 * (r + f) / BD as f64
}

/// The generator's non-saturating loss, `-log sigmoid(D(G(z)))`.
fn g_loss(g: &Gen<f64>, d: &Disc<f64>, z: &[[f64; 3]; BG]) -> f64 {
    packed(g, z)
        .iter()
        .map(|x| softplus(-d.forward(x)[0]))
        .sum::<f64>()
        / BD as f64
}

fn step(g: &mut Gen<f64>, d: &mut Disc<f64>, g_lr: f64, d_lr: f64) -> nn::adversarial::GanLosses {
    let (z, real) = batches();
    let (mut gg, mut dg) = (Gen::<f64>::zeroed_boxed(), Disc::<f64>::zeroed_boxed());
    let (mut gt, mut dt) = (
        Gen::<f64>::new_trace::<BG>(),
        Disc::<f64>::new_trace::<BD>(),
    );
    let mut packed = [[0.0; 4]; BD];
    gan_step(
        g,
        d,
        GanBuffers {
            g_grads: &mut gg,
            d_grads: &mut dg,
            g_trace: &mut gt,
            d_trace: &mut dt,
            packed: &mut packed,
        },
        &mut Sgd::new(g_lr),
        &mut Sgd::new(d_lr),
        &z,
        &real,
        &mut TrainCtx::seed(0),
    )
    .unwrap()
}

#[test]
fn the_discriminator_steps_down_its_cross_entropy() {
    let (g, d) = (Gen::<f64>::new(1), Disc::<f64>::new(2));
    let (z, real) = batches();
    let (mut g2, mut d2) = (g.clone(), d.clone());
    let losses = step(&mut g2, &mut d2, 0.0, 0.1);
    assert!((losses.discriminator - d_loss(&g, &d, &z, &real)).abs() < 1e-12);
    assert_eq!(g2, g, "the generator's rate is 0");
    for t in 0..Disc::<f64>::TENSORS {
        for k in 0..d.tensor(t).len() {
            let num = central_difference(
                |e| {
                    let mut dd = d.clone();
                    dd.tensor_mut(t)[k] += e;
                    d_loss(&g, &dd, &z, &real)
                },
                1e-6,
            );
            let moved = d2.tensor(t)[k] - d.tensor(t)[k];
            assert!(
                (moved + 0.1 * num).abs() < 1e-8,
                "tensor {t}[{k}]: {moved} against {}",
                -0.1 * num
            );
        }
    }
}

#[test]
fn the_generator_steps_down_its_loss_through_the_discriminator() {
    let (g, d) = (Gen::<f64>::new(1), Disc::<f64>::new(2));
    let (z, _) = batches();
    let (mut g2, mut d2) = (g.clone(), d.clone());
    let losses = step(&mut g2, &mut d2, 0.1, 0.0);
    assert!((losses.generator - g_loss(&g, &d, &z)).abs() < 1e-12);
    assert_eq!(d2, d, "the discriminator's rate is 0");
    let mut moved_any = false;
    for t in 0..Gen::<f64>::TENSORS {
        for k in 0..g.tensor(t).len() {
            let num = central_difference(
                |e| {
                    let mut gd = g.clone();
                    gd.tensor_mut(t)[k] += e;
                    g_loss(&gd, &d, &z)
                },
                1e-6,
            );
            let moved = g2.tensor(t)[k] - g.tensor(t)[k];
            moved_any |= moved.abs() > 1e-6;
            assert!(
                (moved + 0.1 * num).abs() < 1e-8,
                "tensor {t}[{k}]: {moved} against {}",
                -0.1 * num
            );
        }
    }
    assert!(moved_any);
}

#[test]
fn the_pair_is_one_value_for_an_optimizer_and_a_weight_file() {
    let pair = (Gen::<f32>::new(1), Disc::<f32>::new(2));
    let bytes = nn::weights::to_bytes(&pair).unwrap();
    let mut back = (Gen::<f32>::zeroed(), Disc::<f32>::zeroed());
    nn::weights::read(&mut back, &bytes).unwrap();
    assert_eq!(back, pair);
    let _ = Adam::<(Gen<f32>, Disc<f32>)>::boxed(1e-3);
}
