/// Digit classifier: 64 pixels, one hidden layer, 10 logits.
/**

# Architecture

```text
Network: Digits
Layer   Kind   Output shape  Params
===================================
input   Input  [64]               0
hidden  Dense  [64]           4,160
act     Relu   [64]               0
logits  Dense  [10]             650
===================================
Total params: 4,810 (19,240 bytes as f32)
Inference RAM: 808 bytes as f32 (input, output, 2 buffers)
```
*/
pub struct Digits<T = f32> {
    ///`hidden`: Dense [64] -> [64].
    pub hidden: ::nn::__private::Dense<T, 64usize, 64usize, true>,
    ///`act`: Relu [64] -> [64].
    pub act: ::nn::__private::Act<T, ::nn::__private::activations::Relu, 64usize>,
    ///`logits`: Dense [64] -> [10].
    pub logits: ::nn::__private::Dense<T, 64usize, 10usize, true>,
}
const _: () = {
    use ::nn::__private as __nn;
    ///Training trace of [`Digits`] for a batch of `B` samples: every activation, the per-layer records backward needs, and the gradient buffers. It is `<Digits<T> as Network<T>>::Trace<B>`; build it with `Digits::new_trace::<B>()` (boxed) or `zeroed()` (e.g. in a `static`).
    pub struct DigitsTrace<T: ::nn::__private::Float, const __NN_B: usize> {
        __nn_a0: [[T; 64usize]; __NN_B],
        __nn_a1: [[T; 64usize]; __NN_B],
        __nn_a2: [[T; 64usize]; __NN_B],
        __nn_a3: [[T; 10usize]; __NN_B],
        __nn_aux0: [<::nn::__private::Dense<
            T,
            64usize,
            64usize,
            true,
        > as ::nn::__private::Layer<T, 64usize, 64usize>>::Aux; __NN_B],
        __nn_aux1: [<::nn::__private::Act<
            T,
            ::nn::__private::activations::Relu,
            64usize,
        > as ::nn::__private::Layer<T, 64usize, 64usize>>::Aux; __NN_B],
        __nn_aux2: [<::nn::__private::Dense<
            T,
            64usize,
            10usize,
            true,
        > as ::nn::__private::Layer<T, 64usize, 10usize>>::Aux; __NN_B],
        __nn_d_out: [[T; 10usize]; __NN_B],
        __nn_lens: [usize; __NN_B],
        __nn_g0: [[T; 64usize]; __NN_B],
        __nn_g1: [[T; 64usize]; __NN_B],
    }
    unsafe impl<T: __nn::Float> __nn::Zeroable for Digits<T>
    where
        ::nn::__private::Dense<T, 64usize, 64usize, true>: __nn::Zeroable,
        ::nn::__private::Act<
            T,
            ::nn::__private::activations::Relu,
            64usize,
        >: __nn::Zeroable,
        ::nn::__private::Dense<T, 64usize, 10usize, true>: __nn::Zeroable,
    {}
    unsafe impl<T: __nn::Float, const __NN_B: usize> __nn::Zeroable
    for DigitsTrace<T, __NN_B>
    where
        [<::nn::__private::Dense<
            T,
            64usize,
            64usize,
            true,
        > as __nn::Layer<T, 64usize, 64usize>>::Aux; __NN_B]: __nn::Zeroable,
        [<::nn::__private::Act<
            T,
            ::nn::__private::activations::Relu,
            64usize,
        > as __nn::Layer<T, 64usize, 64usize>>::Aux; __NN_B]: __nn::Zeroable,
        [<::nn::__private::Dense<
            T,
            64usize,
            10usize,
            true,
        > as __nn::Layer<T, 64usize, 10usize>>::Aux; __NN_B]: __nn::Zeroable,
    {}
    impl<T: __nn::Float, const __NN_B: usize> DigitsTrace<T, __NN_B> {
        /// A trace full of zeros (usable in a `static`).
        pub const fn zeroed() -> Self {
            Self {
                __nn_a0: [[<T as __nn::Float>::ZERO; 64usize]; __NN_B],
                __nn_a1: [[<T as __nn::Float>::ZERO; 64usize]; __NN_B],
                __nn_a2: [[<T as __nn::Float>::ZERO; 64usize]; __NN_B],
                __nn_a3: [[<T as __nn::Float>::ZERO; 10usize]; __NN_B],
                __nn_aux0: [<::nn::__private::Dense<
                    T,
                    64usize,
                    64usize,
                    true,
                > as __nn::Layer<T, 64usize, 64usize>>::ZEROED_AUX; __NN_B],
                __nn_aux1: [<::nn::__private::Act<
                    T,
                    ::nn::__private::activations::Relu,
                    64usize,
                > as __nn::Layer<T, 64usize, 64usize>>::ZEROED_AUX; __NN_B],
                __nn_aux2: [<::nn::__private::Dense<
                    T,
                    64usize,
                    10usize,
                    true,
                > as __nn::Layer<T, 64usize, 10usize>>::ZEROED_AUX; __NN_B],
                __nn_d_out: [[<T as __nn::Float>::ZERO; 10usize]; __NN_B],
                __nn_lens: [0; __NN_B],
                __nn_g0: [[<T as __nn::Float>::ZERO; 64usize]; __NN_B],
                __nn_g1: [[<T as __nn::Float>::ZERO; 64usize]; __NN_B],
            }
        }
    }
    impl<T: __nn::Float> Digits<T> {
        /// Number of learned parameters.
        pub const PARAMS: usize = 4810usize;
        /// Bytes of the parameters.
        pub const PARAM_BYTES: usize = 4810usize * ::core::mem::size_of::<T>();
        /// Bytes an inference pass needs besides the parameters (input,
        /// output and two activation buffers).
        pub const INFERENCE_RAM_BYTES: usize = 202usize * ::core::mem::size_of::<T>();
        /// The input shape, outermost first.
        pub const INPUT_SHAPE: &'static [usize] = &[64usize];
        /// The output shape, outermost first.
        pub const OUTPUT_SHAPE: &'static [usize] = &[10usize];
        /// The architecture as a table (also in this type's docs).
        pub const SUMMARY: &'static str = "Network: Digits\nLayer   Kind   Output shape  Params\n===================================\ninput   Input  [64]               0\nhidden  Dense  [64]           4,160\nact     Relu   [64]               0\nlogits  Dense  [10]             650\n===================================\nTotal params: 4,810 (19,240 bytes as f32)\nInference RAM: 808 bytes as f32 (input, output, 2 buffers)\n";
    }
    impl<T> Digits<T> {
        /// Every parameter zero; usable in a `static`.
        pub const fn zeroed() -> Self
        where
            T: __nn::Float,
        {
            Self {
                hidden: <::nn::__private::Dense<
                    T,
                    64usize,
                    64usize,
                    true,
                > as __nn::Layer<T, 64usize, 64usize>>::ZEROED,
                act: <::nn::__private::Act<
                    T,
                    ::nn::__private::activations::Relu,
                    64usize,
                > as __nn::Layer<T, 64usize, 64usize>>::ZEROED,
                logits: <::nn::__private::Dense<
                    T,
                    64usize,
                    10usize,
                    true,
                > as __nn::Layer<T, 64usize, 10usize>>::ZEROED,
            }
        }
        /// A network initialised from `seed` (He for layers feeding a
        /// ReLU-family activation, Xavier otherwise). Built on the stack:
        /// use `new_boxed` for large networks.
        pub fn new(seed: u64) -> Self
        where
            T: __nn::Float,
        {
            let mut net = Self::zeroed();
            __nn::Network::<T>::init(&mut net, &mut __nn::Rng::seed(seed));
            net
        }
        /// Inference on one sample; allocates nothing.
        pub fn forward(&self, x: &[T; 64usize]) -> [T; 10usize]
        where
            T: __nn::Float,
        {
            <Self as __nn::Network<T>>::forward(self, x)
        }
        fn __nn_backward<const __NN_B: usize>(
            &self,
            trace: &mut DigitsTrace<T, __NN_B>,
            grads: &mut Self,
            want_input: bool,
        )
        where
            T: __nn::Float,
        {
            <::nn::__private::Dense<
                T,
                64usize,
                10usize,
                true,
            > as __nn::Layer<
                T,
                64usize,
                10usize,
            >>::backward(
                &self.logits,
                &trace.__nn_a2,
                &trace.__nn_a3,
                &trace.__nn_aux2,
                &trace.__nn_d_out,
                ::core::option::Option::Some(
                    __nn::rows_mut::<T, 64usize, 64usize, __NN_B>(&mut trace.__nn_g0),
                ),
                &mut grads.logits,
            );
            <::nn::__private::Act<
                T,
                ::nn::__private::activations::Relu,
                64usize,
            > as __nn::Layer<
                T,
                64usize,
                64usize,
            >>::backward(
                &self.act,
                &trace.__nn_a1,
                &trace.__nn_a2,
                &trace.__nn_aux1,
                __nn::rows::<T, 64usize, 64usize, __NN_B>(&trace.__nn_g0),
                ::core::option::Option::Some(
                    __nn::rows_mut::<T, 64usize, 64usize, __NN_B>(&mut trace.__nn_g1),
                ),
                &mut grads.act,
            );
            <::nn::__private::Dense<
                T,
                64usize,
                64usize,
                true,
            > as __nn::Layer<
                T,
                64usize,
                64usize,
            >>::backward(
                &self.hidden,
                &trace.__nn_a0,
                &trace.__nn_a1,
                &trace.__nn_aux0,
                __nn::rows::<T, 64usize, 64usize, __NN_B>(&trace.__nn_g1),
                if want_input {
                    ::core::option::Option::Some(
                        __nn::rows_mut::<T, 64usize, 64usize, __NN_B>(&mut trace.__nn_g0),
                    )
                } else {
                    ::core::option::Option::None
                },
                &mut grads.hidden,
            );
        }
    }
    impl<T: __nn::Float> __nn::Network<T> for Digits<T> {
        type Input = [T; 64usize];
        type Output = [T; 10usize];
        type Trace<const __NN_B: usize> = DigitsTrace<T, __NN_B>;
        const PARAMS: usize = 0
            + <::nn::__private::Dense<
                T,
                64usize,
                64usize,
                true,
            > as __nn::Layer<T, 64usize, 64usize>>::PARAMS
            + <::nn::__private::Dense<
                T,
                64usize,
                10usize,
                true,
            > as __nn::Layer<T, 64usize, 10usize>>::PARAMS;
        const PARAM_BYTES: usize = Self::PARAMS * ::core::mem::size_of::<T>();
        const INFERENCE_RAM_BYTES: usize = 202usize * ::core::mem::size_of::<T>();
        const SUMMARY: &'static str = "Network: Digits\nLayer   Kind   Output shape  Params\n===================================\ninput   Input  [64]               0\nhidden  Dense  [64]           4,160\nact     Relu   [64]               0\nlogits  Dense  [10]             650\n===================================\nTotal params: 4,810 (19,240 bytes as f32)\nInference RAM: 808 bytes as f32 (input, output, 2 buffers)\n";
        const ZEROED: Self = Self::zeroed();
        #[inline]
        fn forward(&self, x: &[T; 64usize]) -> [T; 10usize] {
            self.forward_len(x, usize::MAX)
        }
        #[inline]
        #[allow(unused_variables, reason = "only recurrent layers read `len`")]
        fn forward_len(&self, x: &[T; 64usize], len: usize) -> [T; 10usize] {
            let __nn_x: &[T; 64usize] = __nn::as_row::<T, [T; 64usize], 64usize>(x);
            let mut __nn_b0 = [<T as __nn::Float>::ZERO; 64usize];
            let mut __nn_b1 = [<T as __nn::Float>::ZERO; 64usize];
            let mut __nn_out = <[T; 10usize] as __nn::Tensor<T>>::ZEROS;
            {
                let __nn_y: &mut [T; 10usize] = __nn::as_row_mut::<
                    T,
                    [T; 10usize],
                    10usize,
                >(&mut __nn_out);
                <::nn::__private::Dense<
                    T,
                    64usize,
                    64usize,
                    true,
                > as __nn::Layer<
                    T,
                    64usize,
                    64usize,
                >>::forward(
                    &self.hidden,
                    __nn_x,
                    __nn::prefix_mut::<T, 64usize, 64usize>(&mut __nn_b1),
                );
                <::nn::__private::Act<
                    T,
                    ::nn::__private::activations::Relu,
                    64usize,
                > as __nn::Layer<
                    T,
                    64usize,
                    64usize,
                >>::forward(
                    &self.act,
                    __nn::prefix::<T, 64usize, 64usize>(&__nn_b1),
                    __nn::prefix_mut::<T, 64usize, 64usize>(&mut __nn_b0),
                );
                <::nn::__private::Dense<
                    T,
                    64usize,
                    10usize,
                    true,
                > as __nn::Layer<
                    T,
                    64usize,
                    10usize,
                >>::forward(
                    &self.logits,
                    __nn::prefix::<T, 64usize, 64usize>(&__nn_b0),
                    __nn_y,
                );
            }
            let _ = (&mut __nn_b0, &mut __nn_b1);
            __nn_out
        }
        fn forward_train_len<const __NN_B: usize>(
            &mut self,
            x: &[[T; 64usize]; __NN_B],
            lens: &[usize; __NN_B],
            trace: &mut DigitsTrace<T, __NN_B>,
            ctx: &mut __nn::TrainCtx,
        ) {
            trace.__nn_lens = *lens;
            trace
                .__nn_a0
                .as_flattened_mut()
                .copy_from_slice(<[T; 64usize] as __nn::Tensor<T>>::slice_flat(x));
            <::nn::__private::Dense<
                T,
                64usize,
                64usize,
                true,
            > as __nn::Layer<
                T,
                64usize,
                64usize,
            >>::forward_train(
                &mut self.hidden,
                &trace.__nn_a0,
                &mut trace.__nn_a1,
                &mut trace.__nn_aux0,
                ctx,
            );
            <::nn::__private::Act<
                T,
                ::nn::__private::activations::Relu,
                64usize,
            > as __nn::Layer<
                T,
                64usize,
                64usize,
            >>::forward_train(
                &mut self.act,
                &trace.__nn_a1,
                &mut trace.__nn_a2,
                &mut trace.__nn_aux1,
                ctx,
            );
            <::nn::__private::Dense<
                T,
                64usize,
                10usize,
                true,
            > as __nn::Layer<
                T,
                64usize,
                10usize,
            >>::forward_train(
                &mut self.logits,
                &trace.__nn_a2,
                &mut trace.__nn_a3,
                &mut trace.__nn_aux2,
                ctx,
            );
        }
        fn output<const __NN_B: usize>(
            trace: &DigitsTrace<T, __NN_B>,
        ) -> &[[T; 10usize]; __NN_B] {
            __nn::batch_view::<T, [T; 10usize], __NN_B>(trace.__nn_a3.as_flattened())
        }
        fn output_and_grad<const __NN_B: usize>(
            trace: &mut DigitsTrace<T, __NN_B>,
        ) -> (&[[T; 10usize]; __NN_B], &mut [[T; 10usize]; __NN_B]) {
            (
                __nn::batch_view::<
                    T,
                    [T; 10usize],
                    __NN_B,
                >(trace.__nn_a3.as_flattened()),
                __nn::batch_view_mut::<
                    T,
                    [T; 10usize],
                    __NN_B,
                >(trace.__nn_d_out.as_flattened_mut()),
            )
        }
        fn backward<const __NN_B: usize>(
            &self,
            trace: &mut DigitsTrace<T, __NN_B>,
            grads: &mut Self,
        ) {
            self.__nn_backward(trace, grads, false);
        }
        fn backward_input<'__nn_t, const __NN_B: usize>(
            &self,
            trace: &'__nn_t mut DigitsTrace<T, __NN_B>,
            grads: &mut Self,
        ) -> &'__nn_t [[T; 64usize]; __NN_B] {
            self.__nn_backward(trace, grads, true);
            __nn::batch_view::<T, [T; 64usize], __NN_B>(trace.__nn_g0.as_flattened())
        }
        const TENSORS: usize = 0
            + <::nn::__private::Dense<
                T,
                64usize,
                64usize,
                true,
            > as __nn::Layer<T, 64usize, 64usize>>::TENSORS
            + <::nn::__private::Dense<
                T,
                64usize,
                10usize,
                true,
            > as __nn::Layer<T, 64usize, 10usize>>::TENSORS;
        #[allow(
            unused_mut,
            unused_variables,
            reason = "networks without parameters or buffers"
        )]
        fn tensor(&self, i: usize) -> &[T] {
            let mut __nn_i = i;
            if __nn_i
                < <::nn::__private::Dense<
                    T,
                    64usize,
                    64usize,
                    true,
                > as __nn::Layer<T, 64usize, 64usize>>::TENSORS
            {
                return <::nn::__private::Dense<
                    T,
                    64usize,
                    64usize,
                    true,
                > as __nn::Layer<T, 64usize, 64usize>>::tensor(&self.hidden, __nn_i);
            }
            __nn_i
                -= <::nn::__private::Dense<
                    T,
                    64usize,
                    64usize,
                    true,
                > as __nn::Layer<T, 64usize, 64usize>>::TENSORS;
            if __nn_i
                < <::nn::__private::Dense<
                    T,
                    64usize,
                    10usize,
                    true,
                > as __nn::Layer<T, 64usize, 10usize>>::TENSORS
            {
                return <::nn::__private::Dense<
                    T,
                    64usize,
                    10usize,
                    true,
                > as __nn::Layer<T, 64usize, 10usize>>::tensor(&self.logits, __nn_i);
            }
            __nn_i
                -= <::nn::__private::Dense<
                    T,
                    64usize,
                    10usize,
                    true,
                > as __nn::Layer<T, 64usize, 10usize>>::TENSORS;
            &[]
        }
        #[allow(
            unused_mut,
            unused_variables,
            reason = "networks without parameters or buffers"
        )]
        fn tensor_mut(&mut self, i: usize) -> &mut [T] {
            let mut __nn_i = i;
            if __nn_i
                < <::nn::__private::Dense<
                    T,
                    64usize,
                    64usize,
                    true,
                > as __nn::Layer<T, 64usize, 64usize>>::TENSORS
            {
                return <::nn::__private::Dense<
                    T,
                    64usize,
                    64usize,
                    true,
                > as __nn::Layer<
                    T,
                    64usize,
                    64usize,
                >>::tensor_mut(&mut self.hidden, __nn_i);
            }
            __nn_i
                -= <::nn::__private::Dense<
                    T,
                    64usize,
                    64usize,
                    true,
                > as __nn::Layer<T, 64usize, 64usize>>::TENSORS;
            if __nn_i
                < <::nn::__private::Dense<
                    T,
                    64usize,
                    10usize,
                    true,
                > as __nn::Layer<T, 64usize, 10usize>>::TENSORS
            {
                return <::nn::__private::Dense<
                    T,
                    64usize,
                    10usize,
                    true,
                > as __nn::Layer<
                    T,
                    64usize,
                    10usize,
                >>::tensor_mut(&mut self.logits, __nn_i);
            }
            __nn_i
                -= <::nn::__private::Dense<
                    T,
                    64usize,
                    10usize,
                    true,
                > as __nn::Layer<T, 64usize, 10usize>>::TENSORS;
            &mut []
        }
        #[allow(
            unused_mut,
            unused_variables,
            reason = "networks without parameters or buffers"
        )]
        fn tensor_info(i: usize) -> ::core::option::Option<__nn::TensorInfo> {
            let mut __nn_i = i;
            if __nn_i
                < <::nn::__private::Dense<
                    T,
                    64usize,
                    64usize,
                    true,
                > as __nn::Layer<T, 64usize, 64usize>>::TENSORS
            {
                return <::nn::__private::Dense<
                    T,
                    64usize,
                    64usize,
                    true,
                > as __nn::Layer<T, 64usize, 64usize>>::tensor_info(__nn_i)
                    .map(|mut __nn_info| {
                        __nn_info.layer = "hidden";
                        __nn_info
                    });
            }
            __nn_i
                -= <::nn::__private::Dense<
                    T,
                    64usize,
                    64usize,
                    true,
                > as __nn::Layer<T, 64usize, 64usize>>::TENSORS;
            if __nn_i
                < <::nn::__private::Dense<
                    T,
                    64usize,
                    10usize,
                    true,
                > as __nn::Layer<T, 64usize, 10usize>>::TENSORS
            {
                return <::nn::__private::Dense<
                    T,
                    64usize,
                    10usize,
                    true,
                > as __nn::Layer<T, 64usize, 10usize>>::tensor_info(__nn_i)
                    .map(|mut __nn_info| {
                        __nn_info.layer = "logits";
                        __nn_info
                    });
            }
            __nn_i
                -= <::nn::__private::Dense<
                    T,
                    64usize,
                    10usize,
                    true,
                > as __nn::Layer<T, 64usize, 10usize>>::TENSORS;
            ::core::option::Option::None
        }
        #[allow(
            unused_mut,
            unused_variables,
            reason = "networks without parameters or buffers"
        )]
        fn init(&mut self, rng: &mut __nn::Rng) {
            <::nn::__private::Dense<
                T,
                64usize,
                64usize,
                true,
            > as __nn::Layer<
                T,
                64usize,
                64usize,
            >>::init(&mut self.hidden, __nn::Init::HeUniform, rng);
            <::nn::__private::Dense<
                T,
                64usize,
                10usize,
                true,
            > as __nn::Layer<
                T,
                64usize,
                10usize,
            >>::init(&mut self.logits, __nn::Init::XavierUniform, rng);
        }
    }
    const _: () = ::core::assert!(
        < Digits < f32 > as __nn::Network < f32 >> ::PARAMS == 4810usize,
        "nn-core's parameter count of `Digits` differs from the macro's"
    );
};
