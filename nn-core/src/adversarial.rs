//! Generative adversarial training of two networks with two optimizers
//! (Goodfellow et al. 2014), with the non-saturating generator loss and
//! optional packing (PacGAN, Lin et al. 2018): the discriminator judges
//! `P` samples at once, its input `P` outputs of the generator side by
//! side, which penalises a generator that collapses onto few modes.
//!
//! One [`gan_step`]:
//! 1. the generator `G` makes `BG` samples from the noise;
//! 2. the discriminator `D` (one logit) is pushed towards 1 on the `BD`
//!    real inputs and towards 0 on the `BD` packed fakes, by binary
//!    cross-entropy on logits (the mean of the two batch means), and its
//!    optimizer steps;
//! 3. the updated `D` judges the fakes again; the generator's loss is
//!    `-log sigmoid(D(G(z)))` (non-saturating), whose gradient reaches
//!    `G`'s outputs through `D`'s input gradient (`backward_input`); `G`'s
//!    optimizer steps. `D`'s parameter gradient of this pass is discarded.
//!
//! `BG = P BD` with `P = |D input| / |G output|` (checked at compile time).
//! The pair `(G, D)` is one [`Params`](crate::Params) value: one
//! optimizer state or weight file can hold both.

use crate::loss::{BceWithLogits, Loss};
use crate::optim::Optimizer;
use crate::step::{check_learning_rate, finite_gradient, update, StepError};
use crate::{Float, Network, Tensor, TrainCtx};

/// The buffers of a [`gan_step`]: both networks' gradients and traces and
/// the packed fakes.
pub struct GanBuffers<'a, T: Float, G: Network<T>, D: Network<T>, const BG: usize, const BD: usize>
{
    /// The generator's gradient.
    pub g_grads: &'a mut G,
    /// The discriminator's gradient.
    pub d_grads: &'a mut D,
    /// The generator's activations for `BG` samples.
    pub g_trace: &'a mut G::Trace<BG>,
    /// The discriminator's activations for `BD` inputs.
    pub d_trace: &'a mut D::Trace<BD>,
    /// The fakes, packed `P` to a discriminator input.
    pub packed: &'a mut [D::Input; BD],
}

/// What one [`gan_step`] measured, before its updates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GanLosses {
    /// The discriminator's loss: the mean of its cross-entropies on the
    /// real and on the fake batch.
    pub discriminator: f64,
    /// The generator's non-saturating loss, `-log sigmoid(D(G(z)))`
    /// averaged (by the discriminator after its update).
    pub generator: f64,
    /// The mean probability the discriminator gave the real batch.
    pub real_score: f64,
}

/// One adversarial step; see the [module](self). Refuses to update a
/// network whose loss, gradient or learning rate is not usable, as
/// `train_step` does (the discriminator's update may have happened when
/// the generator's is refused).
#[allow(
    clippy::too_many_arguments,
    reason = "two networks, their optimizers, the noise and the real batch"
)]
pub fn gan_step<T, G, D, OG, OD, const BG: usize, const BD: usize>(
    g: &mut G,
    d: &mut D,
    buffers: GanBuffers<'_, T, G, D, BG, BD>,
    g_optimizer: &mut OG,
    d_optimizer: &mut OD,
    noise: &[G::Input; BG],
    real: &[D::Input; BD],
    ctx: &mut TrainCtx,
) -> Result<GanLosses, StepError>
where
    T: Float,
    G: Network<T>,
    D: Network<T, Output = [T; 1]>,
    OG: Optimizer<T, G>,
    OD: Optimizer<T, D>,
{
    let pack = const {
        let (o, i) = (<G::Output as Tensor<T>>::LEN, <D::Input as Tensor<T>>::LEN);
        assert!(
            o > 0 && i % o == 0,
            "gan_step: D's input is not whole G outputs"
        );
        assert!(
            BG == BD * (i / o),
            "gan_step: BG must be BD times the packing"
        );
        assert!(BD > 0, "gan_step: BD must be at least 1");
        i / o
    };
    check_learning_rate(g_optimizer)?;
    check_learning_rate(d_optimizer)?;
    let GanBuffers {
        g_grads,
        d_grads,
        g_trace,
        d_trace,
        packed,
    } = buffers;
    let width = <G::Output as Tensor<T>>::LEN;
    let inv = T::ONE / T::cast(BD as f64);

    // 1. The fakes, packed.
    g.forward_train(noise, g_trace, ctx);
    for (b, slot) in packed.iter_mut().enumerate() {
        let flat = slot.flat_mut();
        for p in 0..pack {
            flat[p * width..(p + 1) * width]
                .copy_from_slice(G::output(g_trace)[b * pack + p].flat());
        }
    }

    // 2. The discriminator: real towards 1, fake towards 0.
    d_grads.zero();
    let mut d_loss = T::ZERO;
    let mut real_score = 0.0;
    for (inputs, target) in [(real, T::ONE), (&*packed, T::ZERO)] {
        d.forward_train(inputs, d_trace, ctx);
        let (out, grad) = D::output_and_grad(d_trace);
        for (k, (o, gr)) in out.iter().zip(grad.iter_mut()).enumerate() {
            let l = BceWithLogits.loss_grad(o, &[target], gr);
            if !l.is_finite() {
                return Err(StepError::NonFiniteLoss { sample: k });
            }
            if target == T::ONE {
                real_score += 1.0 / (1.0 + libm::exp(-o[0].as_f64())) / BD as f64;
            }
            d_loss += l * inv * T::cast(0.5);
            gr[0] *= inv * T::cast(0.5);
        }
        d.backward(d_trace, d_grads);
    }
    finite_gradient(d_grads)?;
    update(d, d_grads, d_optimizer)?;

    // 3. The generator, through the updated discriminator.
    d.forward_train(packed, d_trace, ctx);
    let mut g_loss = T::ZERO;
    {
        let (out, grad) = D::output_and_grad(d_trace);
        for (k, (o, gr)) in out.iter().zip(grad.iter_mut()).enumerate() {
            let l = BceWithLogits.loss_grad(o, &[T::ONE], gr);
            if !l.is_finite() {
                return Err(StepError::NonFiniteLoss { sample: k });
            }
            g_loss += l * inv;
            gr[0] *= inv;
        }
    }
    d_grads.zero();
    let dx = d.backward_input(d_trace, d_grads);
    {
        let (_, g_out_grad) = G::output_and_grad(g_trace);
        for (b, dxb) in dx.iter().enumerate() {
            let flat = dxb.flat();
            for p in 0..pack {
                g_out_grad[b * pack + p]
                    .flat_mut()
                    .copy_from_slice(&flat[p * width..(p + 1) * width]);
            }
        }
    }
    g_grads.zero();
    g.backward(g_trace, g_grads);
    finite_gradient(g_grads)?;
    update(g, g_grads, g_optimizer)?;
    Ok(GanLosses {
        discriminator: d_loss.as_f64(),
        generator: g_loss.as_f64(),
        real_score,
    })
}
