//! What `network!` emits in place of a network whose declaration has
//! errors: a type with the whole generated API (the inherent constants and
//! methods, the [`Network`] impl and a trace), so that the declaration's
//! own error is the only one, however the program uses the network.
//!
//! None of this runs: a program that names a stand-in does not compile.

use core::marker::PhantomData;

use crate::{Float, Network, Params, Rng, Side, Tensor, TensorInfo, TrainCtx, Zeroable};

/// Marks the types without owning them (always `Send`, `Sync`, `Copy`).
type Marker<T, I, O> = PhantomData<fn() -> (T, I, O)>;

/// Stands in for a network with input `I` and output `O` (`[T; 0]` where
/// the declaration leaves them unknown).
pub struct Standin<T, I, O>(Marker<T, I, O>);

/// Stands in for the trace of a [`Standin`].
pub struct StandinTrace<T, I, O, const B: usize>(Marker<T, I, O>);

// SAFETY: zero-sized.
#[allow(unsafe_code)]
unsafe impl<T, I, O> Zeroable for Standin<T, I, O> {}
// SAFETY: zero-sized.
#[allow(unsafe_code)]
unsafe impl<T, I, O, const B: usize> Zeroable for StandinTrace<T, I, O, B> {}

impl<T, I, O, const B: usize> StandinTrace<T, I, O, B> {
    /// As a generated trace's `zeroed`.
    pub const fn zeroed() -> Self {
        Self(PhantomData)
    }
}

const NEVER: &str = "a network with declaration errors does not compile";

impl<T: Float, I: Tensor<T>, O: Tensor<T>> Standin<T, I, O> {
    /// As the generated constant.
    pub const PARAMS: usize = 0;
    /// As the generated constant.
    pub const PARAM_BYTES: usize = 0;
    /// As the generated constant.
    pub const INFERENCE_RAM_BYTES: usize = 0;
    /// As the generated constant.
    pub const INPUT_SHAPE: &'static [usize] = I::SHAPE;
    /// As the generated constant.
    pub const OUTPUT_SHAPE: &'static [usize] = O::SHAPE;
    /// As the generated constant.
    pub const SUMMARY: &'static str = "";

    /// As the generated constructor.
    pub const fn zeroed() -> Self {
        Self(PhantomData)
    }

    /// As the generated constructor.
    pub fn new(_seed: u64) -> Self {
        Self(PhantomData)
    }

    /// As the generated `forward`; takes any input, so that an input shape
    /// the declaration could not give causes no second error.
    pub fn forward<X: ?Sized>(&self, _x: &X) -> O {
        O::ZEROS
    }
}

impl<T: Float, I: Tensor<T>, O: Tensor<T>> Network<T> for Standin<T, I, O> {
    type Input = I;
    type Output = O;
    type Trace<const B: usize> = StandinTrace<T, I, O, B>;

    const INFERENCE_RAM_BYTES: usize = 0;
    const SUMMARY: &'static str = "";

    fn forward_with(&self, _x: &I, _side: Side) -> O {
        O::ZEROS
    }

    fn forward_train_shared<const B: usize>(
        &self,
        _x: &[I; B],
        _sides: &[Side; B],
        _trace: &mut Self::Trace<B>,
        _ctx: &mut TrainCtx,
    ) {
    }

    fn output<const B: usize>(_trace: &Self::Trace<B>) -> &[O; B] {
        unreachable!("{NEVER}")
    }

    fn output_and_grad<const B: usize>(_trace: &mut Self::Trace<B>) -> (&[O; B], &mut [O; B]) {
        unreachable!("{NEVER}")
    }

    fn backward<const B: usize>(&self, _trace: &mut Self::Trace<B>, _grads: &mut Self) {}

    fn backward_input<'t, const B: usize>(
        &self,
        _trace: &'t mut Self::Trace<B>,
        _grads: &mut Self,
    ) -> &'t [I; B] {
        unreachable!("{NEVER}")
    }
}

impl<T: Float, I: Tensor<T>, O: Tensor<T>> Params<T> for Standin<T, I, O> {
    const PARAMS: usize = 0;
    const PARAM_BYTES: usize = 0;
    const TENSORS: usize = 0;
    const ZEROED: Self = Self(PhantomData);

    fn tensor(&self, _i: usize) -> &[T] {
        &[]
    }

    fn tensor_mut(&mut self, _i: usize) -> &mut [T] {
        &mut []
    }

    fn tensor_info(_i: usize) -> Option<TensorInfo> {
        None
    }

    fn init(&mut self, _rng: &mut Rng) {}
}
