//! Capsule networks: exact gradients through primary capsules and three
//! routing iterations in a network, and the reconstruction step training
//! both the capsules and the decoder.

use nn::loss::MarginLoss;
use nn::prelude::*;
use nn::step::{train_step_reconstructing, StepBuffers};

nn::network! {
    /// A 6x6 image, a convolution to 2 capsule channels of 4, routed to 3
    /// capsules of 5.
    struct Caps {
        input: [1, 6, 6],
        conv: Conv2d(8, kernel = 3, stride = 2),
        primary: PrimaryCaps(4),
        digits: Routing(3, dim = 5),
    }
}

nn::network! {
    /// The masked capsules back to the image.
    struct Decoder {
        input: [15],
        hidden: Dense(12),
        act: Relu,
        out: Dense(36),
        pixels: Sigmoid,
    }
}

#[test]
fn a_capsule_network_has_exact_gradients_and_says_what_it_is() {
    assert!(Caps::<f32>::SUMMARY.contains("PrimaryCaps(4)"));
    assert!(Caps::<f32>::SUMMARY.contains("Routing(3, dim = 5, iterations = 3)"));
    // 8 channels of 2x2 as 2 capsules of 4 at 4 positions: 8 capsules.
    assert_eq!(Caps::<f32>::PARAMS, (8 * 9 + 8) + 8 * 3 * 5 * 4);
    let mut net = Caps::<f64>::new(2);
    // Routing's default init is small; larger weights exercise routing.
    nn::testing::jitter(&mut net, 0.5, 3);
    let x = nn::testing::random_inputs::<f64, Caps<f64>, 2>(4);
    let report = nn::testing::network_gradient_check_with::<Caps<f64>, 2>(
        &mut net,
        &x,
        &[Side::WHOLE; 2],
        5,
    );
    assert!(report.worst < 1e-6, "{report:?}");
}

#[test]
fn the_reconstruction_step_trains_capsules_and_decoder_together() {
    let mut rng = Rng::seed(1);
    // Three classes: a bright row, column or diagonal.
    let image = |c: usize, rng: &mut Rng| {
        let mut x = [[[0.0f32; 6]; 6]; 1];
        for k in 0..6 {
            let (i, j) = match c {
                0 => (2, k),
                1 => (k, 3),
                _ => (k, k),
            };
            x[0][i][j] = 1.0;
        }
        for v in x.as_flattened_mut().as_flattened_mut() {
            *v += 0.05 * rng.normal() as f32;
        }
        x
    };
    let (mut net, mut dec) = (Caps::<f32>::new_boxed(1), Decoder::<f32>::new_boxed(2));
    let (mut g, mut dg) = (Caps::<f32>::zeroed_boxed(), Decoder::<f32>::zeroed_boxed());
    let (mut t, mut dt) = (
        Caps::<f32>::new_trace::<6>(),
        Decoder::<f32>::new_trace::<6>(),
    );
    let (mut adam, mut dec_adam) = (
        Adam::<Caps<f32>>::boxed(1e-2),
        Adam::<Decoder<f32>>::boxed(1e-2),
    );
    let mut losses = Vec::new();
    for _ in 0..300 {
        let targets = [0, 1, 2, 0, 1, 2];
        let inputs = targets.map(|c| image(c, &mut rng));
        let l = train_step_reconstructing(
            &mut *net,
            &mut *dec,
            StepBuffers {
                grads: &mut g,
                trace: &mut t,
            },
            StepBuffers {
                grads: &mut dg,
                trace: &mut dt,
            },
            &mut *adam,
            &mut *dec_adam,
            (&MarginLoss::default(), 0.05),
            &inputs,
            &targets,
            &mut TrainCtx::seed(0),
        )
        .unwrap();
        losses.push(l);
    }
    assert!(
        losses[299] < losses[0] / 4.0,
        "{} then {}",
        losses[0],
        losses[299]
    );
    // The longest capsule names the class.
    for c in 0..3 {
        let v = net.forward(&image(c, &mut rng));
        let len = |k: usize| v[k].iter().map(|x| x * x).sum::<f32>().sqrt();
        let best = (0..3).max_by(|a, b| len(*a).total_cmp(&len(*b))).unwrap();
        assert_eq!(best, c, "{v:?}");
    }
    // A target past the last class is an error, not a panic.
    let err = train_step_reconstructing(
        &mut *net,
        &mut *dec,
        StepBuffers {
            grads: &mut g,
            trace: &mut t,
        },
        StepBuffers {
            grads: &mut dg,
            trace: &mut dt,
        },
        &mut *adam,
        &mut *dec_adam,
        (&MarginLoss::default(), 0.05),
        &[image(0, &mut rng); 6],
        &[0, 1, 2, 3, 0, 0],
        &mut TrainCtx::seed(0),
    )
    .unwrap_err();
    assert_eq!(err, nn::step::StepError::NonFiniteLoss { sample: 3 });
}
