//! The parameters of a network apart from the network: numbered flat
//! tensors (learned) and buffers (state that is not learned, such as batch
//! norm's running statistics), with zeroing, copying and a finiteness
//! check. Optimizers, regularisation, clipping and weight files take this
//! trait, so they work on one network and equally on a tuple of networks
//! trained together (a generator and its discriminator), whose tensors
//! are numbered one network after the other.

use crate::{Float, Init, Rng, TensorInfo, Zeroable};

/// Numbered parameter tensors and buffers. `network!` implements it for
/// every network; tuples of up to four implement it by concatenation.
/// `Send` and `Sync` (networks are plain arrays): inference over many
/// samples shares one network between threads, and a data-parallel step
/// gives each thread its own copy.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no parameters of `{T}`",
    note = "networks declared with `nn::network!` have them, and so do tuples of such networks"
)]
pub trait Params<T: Float>: Sized + Zeroable + Send + Sync {
    /// Number of learned parameters.
    const PARAMS: usize;
    /// Bytes of the parameters.
    const PARAM_BYTES: usize;
    /// Number of parameter tensors.
    const TENSORS: usize;
    /// Number of buffers: state that is not learned but belongs with the
    /// parameters (batch norm's running statistics), numbered over the
    /// layers in order. Optimizers and gradients never touch them.
    const BUFFERS: usize = 0;

    /// Every parameter zero (biases, weights; usable in a `static`).
    const ZEROED: Self;

    /// Parameter tensor `i` as a flat slice (empty past the last).
    fn tensor(&self, i: usize) -> &[T];
    /// Parameter tensor `i`, mutably.
    fn tensor_mut(&mut self, i: usize) -> &mut [T];
    /// Description of parameter tensor `i`, with its layer's name.
    fn tensor_info(i: usize) -> Option<TensorInfo>;

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

    /// The layer's field name and the buffer's name (`("bn", "running_var")`)
    /// of buffer `i`.
    fn buffer_name(i: usize) -> Option<(&'static str, &'static str)> {
        let _ = i;
        None
    }

    /// Initialises every tensor with its layer's scheme (chosen by the
    /// macro from the following activation, or by `init = ...`).
    fn init(&mut self, rng: &mut Rng);

    /// Sets every parameter to zero (used to clear gradients).
    fn zero(&mut self) {
        for i in 0..Self::TENSORS {
            self.tensor_mut(i).fill(T::ZERO);
        }
    }

    /// Re-initialises every weight tensor with `init` (biases zero).
    fn init_with(&mut self, init: Init, rng: &mut Rng) {
        for i in 0..Self::TENSORS {
            let Some(info) = Self::tensor_info(i) else {
                continue;
            };
            let t = self.tensor_mut(i);
            match info.kind {
                crate::TensorKind::Weight => init.fill(t, info.fan_in, info.fan_out, rng),
                crate::TensorKind::Bias => t.fill(T::ZERO),
                crate::TensorKind::Other => {}
            }
        }
    }

    /// A zeroed network on the heap (gradients, optimizer moments).
    #[cfg(feature = "alloc")]
    fn zeroed_boxed() -> alloc::boxed::Box<Self> {
        crate::zeroable::boxed_zeroed::<Self>()
    }

    /// Copies every parameter from `other` (not the buffers: see
    /// [`copy_state_from`](Self::copy_state_from)).
    fn copy_params_from(&mut self, other: &Self) {
        for i in 0..Self::TENSORS {
            self.tensor_mut(i).copy_from_slice(other.tensor(i));
        }
    }

    /// Copies every parameter and every buffer from `other`: the whole
    /// state that inference depends on (for backups and checkpoints).
    fn copy_state_from(&mut self, other: &Self) {
        self.copy_params_from(other);
        for i in 0..Self::BUFFERS {
            self.buffer_mut(i).copy_from_slice(other.buffer(i));
        }
    }

    /// True when every parameter and every buffer is finite.
    fn all_finite(&self) -> bool {
        use crate::kernels::all_finite;
        (0..Self::TENSORS).all(|i| all_finite(self.tensor(i)))
            && (0..Self::BUFFERS).all(|i| all_finite(self.buffer(i)))
    }
}

/// Tuples number their members' tensors and buffers one after the other:
/// `(G, D)` has `G`'s tensors first, then `D`'s.
macro_rules! tuple_params {
    ($($n:ident $i:tt),+) => {
        impl<T: Float, $($n: Params<T>),+> Params<T> for ($($n,)+) {
            const PARAMS: usize = 0 $(+ <$n as Params<T>>::PARAMS)+;
            const PARAM_BYTES: usize = 0 $(+ <$n as Params<T>>::PARAM_BYTES)+;
            const TENSORS: usize = 0 $(+ <$n as Params<T>>::TENSORS)+;
            const BUFFERS: usize = 0 $(+ <$n as Params<T>>::BUFFERS)+;
            const ZEROED: Self = ($(<$n as Params<T>>::ZEROED,)+);

            fn tensor(&self, mut i: usize) -> &[T] {
                $(
                    if i < <$n as Params<T>>::TENSORS {
                        return self.$i.tensor(i);
                    }
                    i -= <$n as Params<T>>::TENSORS;
                )+
                let _ = i;
                &[]
            }

            fn tensor_mut(&mut self, mut i: usize) -> &mut [T] {
                $(
                    if i < <$n as Params<T>>::TENSORS {
                        return self.$i.tensor_mut(i);
                    }
                    i -= <$n as Params<T>>::TENSORS;
                )+
                let _ = i;
                &mut []
            }

            fn tensor_info(mut i: usize) -> Option<TensorInfo> {
                $(
                    if i < <$n as Params<T>>::TENSORS {
                        return <$n as Params<T>>::tensor_info(i);
                    }
                    i -= <$n as Params<T>>::TENSORS;
                )+
                let _ = i;
                None
            }

            fn buffer(&self, mut i: usize) -> &[T] {
                $(
                    if i < <$n as Params<T>>::BUFFERS {
                        return self.$i.buffer(i);
                    }
                    i -= <$n as Params<T>>::BUFFERS;
                )+
                let _ = i;
                &[]
            }

            fn buffer_mut(&mut self, mut i: usize) -> &mut [T] {
                $(
                    if i < <$n as Params<T>>::BUFFERS {
                        return self.$i.buffer_mut(i);
                    }
                    i -= <$n as Params<T>>::BUFFERS;
                )+
                let _ = i;
                &mut []
            }

            fn buffer_name(mut i: usize) -> Option<(&'static str, &'static str)> {
                $(
                    if i < <$n as Params<T>>::BUFFERS {
                        return <$n as Params<T>>::buffer_name(i);
                    }
                    i -= <$n as Params<T>>::BUFFERS;
                )+
                let _ = i;
                None
            }

            fn init(&mut self, rng: &mut Rng) {
                $( self.$i.init(rng); )+
            }
        }
    };
}

tuple_params!(A 0, B 1);
tuple_params!(A 0, B 1, C 2);
tuple_params!(A 0, B 1, C 2, D 3);
