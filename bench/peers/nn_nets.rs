//! The three peer-benchmark networks in `nn`, shared by the peer harness
//! (`bench/peers/peer_nn_core.rs`, copied next to it by `run.sh`) and the
//! criterion benches (`benches/peers.rs`).
//!
//! - W1: MLP 784-128-64-10, ReLU hidden layers.
//! - W2: LeNet-5-like on `[1, 28, 28]`: conv 6@5x5 ReLU, max-pool 2,
//!   conv 16@5x5 ReLU, max-pool 2, dense 256-120 ReLU -84 ReLU -10.
//! - W3: LSTM (32 features, hidden 64, 32 steps), dense 64 -> 10 on the
//!   last hidden state.
//!
//! All three end in logits for `SoftmaxCrossEntropy`.
#![allow(dead_code)] // each user needs a subset

use nn::layers::{Dense, Lstm, LstmAux};
use nn::{Float, Layer, Network, Rng, TensorInfo, TrainCtx, Zeroable};

nn::network! {
    /// W1: MLP 784-128-64-10.
    pub struct Mlp {
        input: [784],
        l1: Dense(128),
        a1: Relu,
        l2: Dense(64),
        a2: Relu,
        l3: Dense(10),
    }
}

nn::network! {
    /// W2: LeNet-5-like CNN on 1x28x28.
    pub struct LeNet {
        input: [1, 28, 28],
        c1: Conv2d(6, kernel = 5),
        r1: Relu,
        p1: MaxPool2d(2),
        c2: Conv2d(16, kernel = 5),
        r2: Relu,
        p2: MaxPool2d(2),
        flat: Flatten,
        f1: Dense(120),
        r3: Relu,
        f2: Dense(84),
        r4: Relu,
        f3: Dense(10),
    }
}

// ---------------------------------------------------------------------------
// W3, written by hand.
//
// TODO: switch to `network!` once it accepts `Lstm(hidden)` (being added on
// main); the declaration will then be
//
//     nn::network! {
//         pub struct LstmNet {
//             input: [32, 32],
//             lstm: Lstm(64),
//             head: Dense(10),
//         }
//     }
//
// Until then this is what the macro generates for it: the two layers
// composed through the `Layer` trait, with a trace that keeps every
// activation of the batch, the LSTM's per-sample records and the gradient
// buffers.
// ---------------------------------------------------------------------------

/// Time steps.
pub const STEPS: usize = 32;
/// Features per step.
pub const FEATURES: usize = 32;
/// Hidden size.
pub const HIDDEN: usize = 64;
/// Gates (`4 HIDDEN`).
const GATES: usize = 4 * HIDDEN;
/// Flat input length (`STEPS FEATURES`).
const IN: usize = STEPS * FEATURES;
/// Classes.
pub const CLASSES: usize = 10;

/// The LSTM layer of W3 (last hidden state out).
pub type LstmLayer<T> = Lstm<T, STEPS, FEATURES, HIDDEN, GATES, IN, HIDDEN>;
/// The head of W3.
pub type Head<T> = Dense<T, HIDDEN, CLASSES>;

/// W3: LSTM 32x32 -> 64, dense 64 -> 10.
pub struct LstmNet<T: Float = f32> {
    /// `lstm`: Lstm [32, 32] -> [64].
    pub lstm: LstmLayer<T>,
    /// `head`: Dense [64] -> [10].
    pub head: Head<T>,
}

/// Training trace of [`LstmNet`] for a batch of `B`.
pub struct LstmNetTrace<T: Float, const B: usize> {
    a0: [[T; IN]; B],
    a1: [[T; HIDDEN]; B],
    a2: [[T; CLASSES]; B],
    aux0: [LstmAux<T, STEPS, HIDDEN, GATES>; B],
    d_out: [[T; CLASSES]; B],
    lens: [usize; B],
    /// d(input), written only by `backward_input`.
    g0: [[T; IN]; B],
    /// d(lstm output).
    g1: [[T; HIDDEN]; B],
}

// SAFETY: two layers whose types are `Zeroable` (float arrays).
unsafe impl<T: Float> Zeroable for LstmNet<T>
where
    LstmLayer<T>: Zeroable,
    Head<T>: Zeroable,
{
}

// SAFETY: float arrays, a `usize` array and an array of `Zeroable` records
// (all-zero bytes are 0.0 and 0).
unsafe impl<T: Float, const B: usize> Zeroable for LstmNetTrace<T, B> where
    [LstmAux<T, STEPS, HIDDEN, GATES>; B]: Zeroable
{
}

impl<T: Float> LstmNet<T> {
    fn backward_impl<const B: usize>(
        &self,
        trace: &mut LstmNetTrace<T, B>,
        grads: &mut Self,
        want_input: bool,
    ) {
        <Head<T> as Layer<T, HIDDEN, CLASSES>>::backward(
            &self.head,
            &trace.a1,
            &trace.a2,
            &[(); B],
            &trace.d_out,
            Some(&mut trace.g1),
            &mut grads.head,
        );
        <LstmLayer<T> as Layer<T, IN, HIDDEN>>::backward_seq(
            &self.lstm,
            &trace.a0,
            &trace.a1,
            &trace.aux0,
            &trace.g1,
            if want_input {
                Some(&mut trace.g0)
            } else {
                None
            },
            &mut grads.lstm,
            &trace.lens,
        );
    }
}

impl<T: Float> Network<T> for LstmNet<T> {
    type Input = [[T; FEATURES]; STEPS];
    type Output = [T; CLASSES];
    type Trace<const B: usize> = LstmNetTrace<T, B>;

    const PARAMS: usize = <LstmLayer<T> as Layer<T, IN, HIDDEN>>::PARAMS
        + <Head<T> as Layer<T, HIDDEN, CLASSES>>::PARAMS;
    const PARAM_BYTES: usize = Self::PARAMS * core::mem::size_of::<T>();
    const INFERENCE_RAM_BYTES: usize = (IN + HIDDEN + CLASSES) * core::mem::size_of::<T>();
    const TENSORS: usize = <LstmLayer<T> as Layer<T, IN, HIDDEN>>::TENSORS
        + <Head<T> as Layer<T, HIDDEN, CLASSES>>::TENSORS;
    const SUMMARY: &'static str = "Network: LstmNet (hand-written)\n\
        input  [32, 32]\nlstm   Lstm   [64]\nhead   Dense  [10]\n";
    const ZEROED: Self = Self {
        lstm: <LstmLayer<T> as Layer<T, IN, HIDDEN>>::ZEROED,
        head: <Head<T> as Layer<T, HIDDEN, CLASSES>>::ZEROED,
    };

    #[inline]
    fn forward(&self, x: &Self::Input) -> Self::Output {
        self.forward_len(x, usize::MAX)
    }

    #[inline]
    fn forward_len(&self, x: &Self::Input, len: usize) -> Self::Output {
        let x: &[T; IN] = nn::__private::as_row::<T, Self::Input, IN>(x);
        let mut h = [T::ZERO; HIDDEN];
        let mut y = [T::ZERO; CLASSES];
        self.lstm.forward_seq(x, &mut h, len);
        self.head.forward(&h, &mut y);
        y
    }

    fn forward_train_len<const B: usize>(
        &mut self,
        x: &[Self::Input; B],
        lens: &[usize; B],
        trace: &mut Self::Trace<B>,
        ctx: &mut TrainCtx,
    ) {
        trace.lens = *lens;
        trace
            .a0
            .as_flattened_mut()
            .copy_from_slice(<Self::Input as nn::Tensor<T>>::slice_flat(x));
        <LstmLayer<T> as Layer<T, IN, HIDDEN>>::forward_train_seq(
            &mut self.lstm,
            &trace.a0,
            &mut trace.a1,
            &mut trace.aux0,
            &trace.lens,
            ctx,
        );
        <Head<T> as Layer<T, HIDDEN, CLASSES>>::forward_train(
            &mut self.head,
            &trace.a1,
            &mut trace.a2,
            &mut [(); B],
            ctx,
        );
    }

    fn output<const B: usize>(trace: &Self::Trace<B>) -> &[Self::Output; B] {
        &trace.a2
    }

    fn output_and_grad<const B: usize>(
        trace: &mut Self::Trace<B>,
    ) -> (&[Self::Output; B], &mut [Self::Output; B]) {
        (&trace.a2, &mut trace.d_out)
    }

    fn backward<const B: usize>(&self, trace: &mut Self::Trace<B>, grads: &mut Self) {
        self.backward_impl(trace, grads, false);
    }

    fn backward_input<'t, const B: usize>(
        &self,
        trace: &'t mut Self::Trace<B>,
        grads: &mut Self,
    ) -> &'t [Self::Input; B] {
        self.backward_impl(trace, grads, true);
        nn::__private::batch_view::<T, Self::Input, B>(trace.g0.as_flattened())
    }

    fn tensor(&self, i: usize) -> &[T] {
        let n = <LstmLayer<T> as Layer<T, IN, HIDDEN>>::TENSORS;
        if i < n {
            self.lstm.tensor(i)
        } else {
            self.head.tensor(i - n)
        }
    }

    fn tensor_mut(&mut self, i: usize) -> &mut [T] {
        let n = <LstmLayer<T> as Layer<T, IN, HIDDEN>>::TENSORS;
        if i < n {
            self.lstm.tensor_mut(i)
        } else {
            self.head.tensor_mut(i - n)
        }
    }

    fn tensor_info(i: usize) -> Option<TensorInfo> {
        let n = <LstmLayer<T> as Layer<T, IN, HIDDEN>>::TENSORS;
        let (layer, info) = if i < n {
            (
                "lstm",
                <LstmLayer<T> as Layer<T, IN, HIDDEN>>::tensor_info(i),
            )
        } else {
            (
                "head",
                <Head<T> as Layer<T, HIDDEN, CLASSES>>::tensor_info(i - n),
            )
        };
        info.map(|mut t| {
            t.layer = layer;
            t
        })
    }

    fn init(&mut self, rng: &mut Rng) {
        // As `network!` chooses: the head feeds no activation, so Xavier;
        // the LSTM ignores the scheme (PyTorch's uniform init).
        <LstmLayer<T> as Layer<T, IN, HIDDEN>>::init(&mut self.lstm, nn::Init::XavierUniform, rng);
        <Head<T> as Layer<T, HIDDEN, CLASSES>>::init(&mut self.head, nn::Init::XavierUniform, rng);
    }
}
