//! The contract every layer kind fulfils, on flat rows of fixed length.
//!
//! A layer maps `[T; I]` to `[T; O]` for one sample (inference) or a batch
//! `[[T; I]; B]` to `[[T; O]; B]` (training). The network built by
//! `network!` owns the activations between layers; a layer only sees its
//! own input `x`, its output `y`, and a per-sample record `Aux` of whatever
//! else its backward pass needs (a dropout mask, LSTM gates).
//!
//! The gradient of a layer has the shape of its parameters, so it is stored
//! in another value of the layer's own type (`grads: &mut Self`); optimizer
//! moments use the same trick. Parameters are exposed as numbered flat
//! tensors, on which optimizers, clipping and weight files are written once.

use crate::{Float, Init, Rng, Side, Zeroable};

/// What a parameter tensor is, for initialisation, weight decay and files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TensorKind {
    /// A multiplicative weight (decayed by L1/L2 penalties).
    Weight,
    /// An additive bias.
    Bias,
    /// Another learned parameter (a PReLU slope, a norm scale).
    Other,
}

/// Static description of one parameter tensor of a layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TensorInfo {
    /// The layer's field name in the network (empty from a bare layer).
    pub layer: &'static str,
    /// `"weight"`, `"bias"`, ...; generated code prefixes the layer name.
    pub name: &'static str,
    /// Shape, outermost first (a dense weight is `[out, in]`, as in PyTorch).
    pub shape: &'static [usize],
    /// The role of the tensor.
    pub kind: TensorKind,
    /// Inputs feeding one output (for initialisation).
    pub fan_in: usize,
    /// Outputs fed by one input (for initialisation).
    pub fan_out: usize,
}

/// State a training forward pass needs beyond the weights: the generator
/// for stochastic layers.
#[derive(Clone, Debug)]
pub struct TrainCtx {
    /// Random numbers for dropout and the like.
    pub rng: Rng,
}

impl TrainCtx {
    /// A context seeded with `seed`.
    pub fn seed(seed: u64) -> Self {
        Self {
            rng: Rng::seed(seed),
        }
    }
}

/// A layer from `[T; I]` to `[T; O]`.
///
/// `network!` writes the sizes as literals; every implementation re-checks
/// its own size relations with `const { assert!(..) }`.
pub trait Layer<T: Float, const I: usize, const O: usize>: Sized + Zeroable {
    /// Per-sample record written by `forward_train` for `backward`.
    type Aux: Copy + Zeroable;
    /// The layer with every parameter zero (for `const` construction).
    const ZEROED: Self;
    /// An empty record.
    const ZEROED_AUX: Self::Aux;
    /// Number of parameter tensors.
    const TENSORS: usize;
    /// Total number of parameters.
    const PARAMS: usize;
    /// Elements of `T` that inference keeps on the stack besides its input
    /// and output (a recurrent layer's state and gate vectors), for the
    /// network's `INFERENCE_RAM_BYTES`.
    const SCRATCH: usize = 0;

    /// Inference on one sample with its side input (its runtime length,
    /// read by recurrent layers and those after them; plain layers ignore
    /// it).
    fn forward_with(&self, x: &[T; I], y: &mut [T; O], side: Side);

    /// Training forward on a batch with each sample's side input; records
    /// `aux` for backward. It reads the layer only (`&self`), so threads
    /// can share one network; what it changes in the layer's buffers
    /// (batch norm's running statistics) comes after, from the record, in
    /// [`update_buffers`](Self::update_buffers).
    fn forward_train_with<const B: usize>(
        &self,
        x: &[[T; I]; B],
        y: &mut [[T; O]; B],
        aux: &mut [Self::Aux; B],
        sides: &[Side; B],
        ctx: &mut TrainCtx,
    ) {
        let _ = (aux, ctx);
        for ((x, y), side) in x.iter().zip(y.iter_mut()).zip(sides) {
            self.forward_with(x, y, *side);
        }
    }

    /// Moves the buffers by a training forward's record `aux` (batch
    /// norm's running statistics); nothing for layers without buffers.
    fn update_buffers<const B: usize>(&mut self, aux: &[Self::Aux; B]) {
        let _ = aux;
    }

    /// Backward on a batch: adds the parameter gradients into `grads` and,
    /// if `dx` is given, writes (overwrites) the input gradient.
    #[allow(
        clippy::too_many_arguments,
        reason = "the backward contract: activations, record, gradients, sides"
    )]
    fn backward_with<const B: usize>(
        &self,
        x: &[[T; I]; B],
        y: &[[T; O]; B],
        aux: &[Self::Aux; B],
        dy: &[[T; O]; B],
        dx: Option<&mut [[T; I]; B]>,
        grads: &mut Self,
        sides: &[Side; B],
    );

    /// [`forward_with`](Self::forward_with) on the whole sample. Not to be
    /// overridden: layers implement the `_with` methods only.
    fn forward(&self, x: &[T; I], y: &mut [T; O]) {
        self.forward_with(x, y, Side::WHOLE);
    }

    /// [`forward_train_with`](Self::forward_train_with) on whole samples.
    fn forward_train<const B: usize>(
        &self,
        x: &[[T; I]; B],
        y: &mut [[T; O]; B],
        aux: &mut [Self::Aux; B],
        ctx: &mut TrainCtx,
    ) {
        self.forward_train_with(x, y, aux, &[Side::WHOLE; B], ctx);
    }

    /// [`backward_with`](Self::backward_with) on whole samples.
    fn backward<const B: usize>(
        &self,
        x: &[[T; I]; B],
        y: &[[T; O]; B],
        aux: &[Self::Aux; B],
        dy: &[[T; O]; B],
        dx: Option<&mut [[T; I]; B]>,
        grads: &mut Self,
    ) {
        self.backward_with(x, y, aux, dy, dx, grads, &[Side::WHOLE; B]);
    }

    /// Parameter tensor `i` (empty past the last one).
    fn tensor(&self, i: usize) -> &[T] {
        let _ = i;
        &[]
    }
    /// Parameter tensor `i`, mutably.
    fn tensor_mut(&mut self, i: usize) -> &mut [T] {
        let _ = i;
        &mut []
    }
    /// Description of parameter tensor `i`.
    fn tensor_info(i: usize) -> Option<TensorInfo> {
        let _ = i;
        None
    }
    /// Number of buffers: state that is not learned but belongs with the
    /// parameters (batch norm's running statistics). Optimizers never see
    /// them; copies and checkpoints of a network must.
    const BUFFERS: usize = 0;
    /// Buffer `i` as a flat slice (empty past the last).
    fn buffer(&self, i: usize) -> &[T] {
        let _ = i;
        &[]
    }
    /// Buffer `i`, mutably.
    fn buffer_mut(&mut self, i: usize) -> &mut [T] {
        let _ = i;
        &mut []
    }
    /// Name of buffer `i`, as in PyTorch's state dict (`running_mean`).
    fn buffer_name(i: usize) -> Option<&'static str> {
        let _ = i;
        None
    }
    /// Fills the parameters: weights with `init`, the rest with their
    /// usual defaults (zero bias, PReLU slope 0.25).
    fn init(&mut self, init: Init, rng: &mut Rng) {
        let _ = (init, rng);
    }
}
