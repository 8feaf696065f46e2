/**

# Architecture

```text
Network: Lenet
Layer  Kind               Output shape  Params
==============================================
input  Input              [1, 8, 8]          0
conv   Conv2d(4, k3, p1)  [4, 8, 8]         40
norm   BatchNorm          [4, 8, 8]          8
act    Relu               [4, 8, 8]          0
pool   MaxPool2d(2)       [4, 4, 4]          0
flat   Flatten            [64]               0
out    Dense              [10]             650
==============================================
Total params: 698 (2,792 bytes as f32)
Inference RAM: 2,344 bytes as f32 (input, output, 2 buffers)
```
*/
pub struct Lenet<T = f32> {
    ///`conv`: Conv2d(4, k3, p1) [1, 8, 8] -> [4, 8, 8].
    pub conv: ::nn::__private::Conv2d<
        T,
        1usize,
        8usize,
        8usize,
        4usize,
        3usize,
        3usize,
        1usize,
        1usize,
        1usize,
        1usize,
        8usize,
        8usize,
        64usize,
        256usize,
        true,
    >,
    ///`norm`: BatchNorm [4, 8, 8] -> [4, 8, 8].
    pub norm: ::nn::__private::BatchNorm<T, 4usize, 64usize, 256usize>,
    ///`act`: Relu [4, 8, 8] -> [4, 8, 8].
    pub act: ::nn::__private::Act<T, ::nn::__private::activations::Relu, 256usize>,
    ///`pool`: MaxPool2d(2) [4, 8, 8] -> [4, 4, 4].
    pub pool: ::nn::__private::MaxPool2d<
        T,
        4usize,
        8usize,
        8usize,
        2usize,
        2usize,
        2usize,
        2usize,
        4usize,
        4usize,
        256usize,
        64usize,
    >,
    ///`out`: Dense [64] -> [10].
    pub out: ::nn::__private::Dense<T, 64usize, 10usize, true>,
}
const _: () = {
    use ::nn::__private as __nn;
    ///Training trace of [`Lenet`] for a batch of `B` samples: every activation, the per-layer records backward needs, and the gradient buffers. It is `<Lenet<T> as Network<T>>::Trace<B>`; build it with `Lenet::new_trace::<B>()` (boxed) or `zeroed()` (e.g. in a `static`).
    pub struct LenetTrace<T: ::nn::__private::Float, const __NN_B: usize> {
        __nn_a0: [[T; 64usize]; __NN_B],
        __nn_a1: [[T; 256usize]; __NN_B],
        __nn_a2: [[T; 256usize]; __NN_B],
        __nn_a3: [[T; 256usize]; __NN_B],
        __nn_a4: [[T; 64usize]; __NN_B],
        __nn_a5: [[T; 10usize]; __NN_B],
        __nn_aux0: [<::nn::__private::Conv2d<
            T,
            1usize,
            8usize,
            8usize,
            4usize,
            3usize,
            3usize,
            1usize,
            1usize,
            1usize,
            1usize,
            8usize,
            8usize,
            64usize,
            256usize,
            true,
        > as ::nn::__private::Layer<T, 64usize, 256usize>>::Aux; __NN_B],
        __nn_aux1: [<::nn::__private::BatchNorm<
            T,
            4usize,
            64usize,
            256usize,
        > as ::nn::__private::Layer<T, 256usize, 256usize>>::Aux; __NN_B],
        __nn_aux2: [<::nn::__private::Act<
            T,
            ::nn::__private::activations::Relu,
            256usize,
        > as ::nn::__private::Layer<T, 256usize, 256usize>>::Aux; __NN_B],
        __nn_aux3: [<::nn::__private::MaxPool2d<
            T,
            4usize,
            8usize,
            8usize,
            2usize,
            2usize,
            2usize,
            2usize,
            4usize,
            4usize,
            256usize,
            64usize,
        > as ::nn::__private::Layer<T, 256usize, 64usize>>::Aux; __NN_B],
        __nn_aux4: [<::nn::__private::Dense<
            T,
            64usize,
            10usize,
            true,
        > as ::nn::__private::Layer<T, 64usize, 10usize>>::Aux; __NN_B],
        __nn_d_out: [[T; 10usize]; __NN_B],
        __nn_lens: [usize; __NN_B],
        __nn_g0: [[T; 256usize]; __NN_B],
        __nn_g1: [[T; 256usize]; __NN_B],
    }
    unsafe impl<T: __nn::Float> __nn::Zeroable for Lenet<T>
    where
        ::nn::__private::Conv2d<
            T,
            1usize,
            8usize,
            8usize,
            4usize,
            3usize,
            3usize,
            1usize,
            1usize,
            1usize,
            1usize,
            8usize,
            8usize,
            64usize,
            256usize,
            true,
        >: __nn::Zeroable,
        ::nn::__private::BatchNorm<T, 4usize, 64usize, 256usize>: __nn::Zeroable,
        ::nn::__private::Act<
            T,
            ::nn::__private::activations::Relu,
            256usize,
        >: __nn::Zeroable,
        ::nn::__private::MaxPool2d<
            T,
            4usize,
            8usize,
            8usize,
            2usize,
            2usize,
            2usize,
            2usize,
            4usize,
            4usize,
            256usize,
            64usize,
        >: __nn::Zeroable,
        ::nn::__private::Dense<T, 64usize, 10usize, true>: __nn::Zeroable,
    {}
    unsafe impl<T: __nn::Float, const __NN_B: usize> __nn::Zeroable
    for LenetTrace<T, __NN_B>
    where
        [<::nn::__private::Conv2d<
            T,
            1usize,
            8usize,
            8usize,
            4usize,
            3usize,
            3usize,
            1usize,
            1usize,
            1usize,
            1usize,
            8usize,
            8usize,
            64usize,
            256usize,
            true,
        > as __nn::Layer<T, 64usize, 256usize>>::Aux; __NN_B]: __nn::Zeroable,
        [<::nn::__private::BatchNorm<
            T,
            4usize,
            64usize,
            256usize,
        > as __nn::Layer<T, 256usize, 256usize>>::Aux; __NN_B]: __nn::Zeroable,
        [<::nn::__private::Act<
            T,
            ::nn::__private::activations::Relu,
            256usize,
        > as __nn::Layer<T, 256usize, 256usize>>::Aux; __NN_B]: __nn::Zeroable,
        [<::nn::__private::MaxPool2d<
            T,
            4usize,
            8usize,
            8usize,
            2usize,
            2usize,
            2usize,
            2usize,
            4usize,
            4usize,
            256usize,
            64usize,
        > as __nn::Layer<T, 256usize, 64usize>>::Aux; __NN_B]: __nn::Zeroable,
        [<::nn::__private::Dense<
            T,
            64usize,
            10usize,
            true,
        > as __nn::Layer<T, 64usize, 10usize>>::Aux; __NN_B]: __nn::Zeroable,
    {}
    impl<T: __nn::Float, const __NN_B: usize> LenetTrace<T, __NN_B> {
        /// A trace full of zeros (usable in a `static`).
        pub const fn zeroed() -> Self {
            Self {
                __nn_a0: [[<T as __nn::Float>::ZERO; 64usize]; __NN_B],
                __nn_a1: [[<T as __nn::Float>::ZERO; 256usize]; __NN_B],
                __nn_a2: [[<T as __nn::Float>::ZERO; 256usize]; __NN_B],
                __nn_a3: [[<T as __nn::Float>::ZERO; 256usize]; __NN_B],
                __nn_a4: [[<T as __nn::Float>::ZERO; 64usize]; __NN_B],
                __nn_a5: [[<T as __nn::Float>::ZERO; 10usize]; __NN_B],
                __nn_aux0: [<::nn::__private::Conv2d<
                    T,
                    1usize,
                    8usize,
                    8usize,
                    4usize,
                    3usize,
                    3usize,
                    1usize,
                    1usize,
                    1usize,
                    1usize,
                    8usize,
                    8usize,
                    64usize,
                    256usize,
                    true,
                > as __nn::Layer<T, 64usize, 256usize>>::ZEROED_AUX; __NN_B],
                __nn_aux1: [<::nn::__private::BatchNorm<
                    T,
                    4usize,
                    64usize,
                    256usize,
                > as __nn::Layer<T, 256usize, 256usize>>::ZEROED_AUX; __NN_B],
                __nn_aux2: [<::nn::__private::Act<
                    T,
                    ::nn::__private::activations::Relu,
                    256usize,
                > as __nn::Layer<T, 256usize, 256usize>>::ZEROED_AUX; __NN_B],
                __nn_aux3: [<::nn::__private::MaxPool2d<
                    T,
                    4usize,
                    8usize,
                    8usize,
                    2usize,
                    2usize,
                    2usize,
                    2usize,
                    4usize,
                    4usize,
                    256usize,
                    64usize,
                > as __nn::Layer<T, 256usize, 64usize>>::ZEROED_AUX; __NN_B],
                __nn_aux4: [<::nn::__private::Dense<
                    T,
                    64usize,
                    10usize,
                    true,
                > as __nn::Layer<T, 64usize, 10usize>>::ZEROED_AUX; __NN_B],
                __nn_d_out: [[<T as __nn::Float>::ZERO; 10usize]; __NN_B],
                __nn_lens: [0; __NN_B],
                __nn_g0: [[<T as __nn::Float>::ZERO; 256usize]; __NN_B],
                __nn_g1: [[<T as __nn::Float>::ZERO; 256usize]; __NN_B],
            }
        }
    }
    impl<T: __nn::Float> Lenet<T> {
        /// Number of learned parameters.
        pub const PARAMS: usize = 698usize;
        /// Bytes of the parameters.
        pub const PARAM_BYTES: usize = 698usize * ::core::mem::size_of::<T>();
        /// Bytes an inference pass needs besides the parameters (input,
        /// output and two activation buffers).
        pub const INFERENCE_RAM_BYTES: usize = 586usize * ::core::mem::size_of::<T>();
        /// The input shape, outermost first.
        pub const INPUT_SHAPE: &'static [usize] = &[1usize, 8usize, 8usize];
        /// The output shape, outermost first.
        pub const OUTPUT_SHAPE: &'static [usize] = &[10usize];
        /// The architecture as a table (also in this type's docs).
        pub const SUMMARY: &'static str = "Network: Lenet\nLayer  Kind               Output shape  Params\n==============================================\ninput  Input              [1, 8, 8]          0\nconv   Conv2d(4, k3, p1)  [4, 8, 8]         40\nnorm   BatchNorm          [4, 8, 8]          8\nact    Relu               [4, 8, 8]          0\npool   MaxPool2d(2)       [4, 4, 4]          0\nflat   Flatten            [64]               0\nout    Dense              [10]             650\n==============================================\nTotal params: 698 (2,792 bytes as f32)\nInference RAM: 2,344 bytes as f32 (input, output, 2 buffers)\n";
    }
    impl<T> Lenet<T> {
        /// Every parameter zero; usable in a `static`.
        pub const fn zeroed() -> Self
        where
            T: __nn::Float,
        {
            Self {
                conv: <::nn::__private::Conv2d<
                    T,
                    1usize,
                    8usize,
                    8usize,
                    4usize,
                    3usize,
                    3usize,
                    1usize,
                    1usize,
                    1usize,
                    1usize,
                    8usize,
                    8usize,
                    64usize,
                    256usize,
                    true,
                > as __nn::Layer<T, 64usize, 256usize>>::ZEROED,
                norm: <::nn::__private::BatchNorm<
                    T,
                    4usize,
                    64usize,
                    256usize,
                > as __nn::Layer<T, 256usize, 256usize>>::ZEROED,
                act: <::nn::__private::Act<
                    T,
                    ::nn::__private::activations::Relu,
                    256usize,
                > as __nn::Layer<T, 256usize, 256usize>>::ZEROED,
                pool: <::nn::__private::MaxPool2d<
                    T,
                    4usize,
                    8usize,
                    8usize,
                    2usize,
                    2usize,
                    2usize,
                    2usize,
                    4usize,
                    4usize,
                    256usize,
                    64usize,
                > as __nn::Layer<T, 256usize, 64usize>>::ZEROED,
                out: <::nn::__private::Dense<
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
        pub fn forward(&self, x: &[[[T; 8usize]; 8usize]; 1usize]) -> [T; 10usize]
        where
            T: __nn::Float,
        {
            <Self as __nn::Network<T>>::forward(self, x)
        }
        fn __nn_backward<const __NN_B: usize>(
            &self,
            trace: &mut LenetTrace<T, __NN_B>,
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
                &self.out,
                &trace.__nn_a4,
                &trace.__nn_a5,
                &trace.__nn_aux4,
                &trace.__nn_d_out,
                ::core::option::Option::Some(
                    __nn::rows_mut::<T, 64usize, 256usize, __NN_B>(&mut trace.__nn_g0),
                ),
                &mut grads.out,
            );
            <::nn::__private::MaxPool2d<
                T,
                4usize,
                8usize,
                8usize,
                2usize,
                2usize,
                2usize,
                2usize,
                4usize,
                4usize,
                256usize,
                64usize,
            > as __nn::Layer<
                T,
                256usize,
                64usize,
            >>::backward(
                &self.pool,
                &trace.__nn_a3,
                &trace.__nn_a4,
                &trace.__nn_aux3,
                __nn::rows::<T, 64usize, 256usize, __NN_B>(&trace.__nn_g0),
                ::core::option::Option::Some(
                    __nn::rows_mut::<T, 256usize, 256usize, __NN_B>(&mut trace.__nn_g1),
                ),
                &mut grads.pool,
            );
            <::nn::__private::Act<
                T,
                ::nn::__private::activations::Relu,
                256usize,
            > as __nn::Layer<
                T,
                256usize,
                256usize,
            >>::backward(
                &self.act,
                &trace.__nn_a2,
                &trace.__nn_a3,
                &trace.__nn_aux2,
                __nn::rows::<T, 256usize, 256usize, __NN_B>(&trace.__nn_g1),
                ::core::option::Option::Some(
                    __nn::rows_mut::<T, 256usize, 256usize, __NN_B>(&mut trace.__nn_g0),
                ),
                &mut grads.act,
            );
            <::nn::__private::BatchNorm<
                T,
                4usize,
                64usize,
                256usize,
            > as __nn::Layer<
                T,
                256usize,
                256usize,
            >>::backward(
                &self.norm,
                &trace.__nn_a1,
                &trace.__nn_a2,
                &trace.__nn_aux1,
                __nn::rows::<T, 256usize, 256usize, __NN_B>(&trace.__nn_g0),
                ::core::option::Option::Some(
                    __nn::rows_mut::<T, 256usize, 256usize, __NN_B>(&mut trace.__nn_g1),
                ),
                &mut grads.norm,
            );
            <::nn::__private::Conv2d<
                T,
                1usize,
                8usize,
                8usize,
                4usize,
                3usize,
                3usize,
                1usize,
                1usize,
                1usize,
                1usize,
                8usize,
                8usize,
                64usize,
                256usize,
                true,
            > as __nn::Layer<
                T,
                64usize,
                256usize,
            >>::backward(
                &self.conv,
                &trace.__nn_a0,
                &trace.__nn_a1,
                &trace.__nn_aux0,
                __nn::rows::<T, 256usize, 256usize, __NN_B>(&trace.__nn_g1),
                if want_input {
                    ::core::option::Option::Some(
                        __nn::rows_mut::<
                            T,
                            64usize,
                            256usize,
                            __NN_B,
                        >(&mut trace.__nn_g0),
                    )
                } else {
                    ::core::option::Option::None
                },
                &mut grads.conv,
            );
        }
    }
    impl<T: __nn::Float> __nn::Network<T> for Lenet<T> {
        type Input = [[[T; 8usize]; 8usize]; 1usize];
        type Output = [T; 10usize];
        type Trace<const __NN_B: usize> = LenetTrace<T, __NN_B>;
        const PARAMS: usize = 0
            + <::nn::__private::Conv2d<
                T,
                1usize,
                8usize,
                8usize,
                4usize,
                3usize,
                3usize,
                1usize,
                1usize,
                1usize,
                1usize,
                8usize,
                8usize,
                64usize,
                256usize,
                true,
            > as __nn::Layer<T, 64usize, 256usize>>::PARAMS
            + <::nn::__private::BatchNorm<
                T,
                4usize,
                64usize,
                256usize,
            > as __nn::Layer<T, 256usize, 256usize>>::PARAMS
            + <::nn::__private::Dense<
                T,
                64usize,
                10usize,
                true,
            > as __nn::Layer<T, 64usize, 10usize>>::PARAMS;
        const PARAM_BYTES: usize = Self::PARAMS * ::core::mem::size_of::<T>();
        const INFERENCE_RAM_BYTES: usize = 586usize * ::core::mem::size_of::<T>();
        const SUMMARY: &'static str = "Network: Lenet\nLayer  Kind               Output shape  Params\n==============================================\ninput  Input              [1, 8, 8]          0\nconv   Conv2d(4, k3, p1)  [4, 8, 8]         40\nnorm   BatchNorm          [4, 8, 8]          8\nact    Relu               [4, 8, 8]          0\npool   MaxPool2d(2)       [4, 4, 4]          0\nflat   Flatten            [64]               0\nout    Dense              [10]             650\n==============================================\nTotal params: 698 (2,792 bytes as f32)\nInference RAM: 2,344 bytes as f32 (input, output, 2 buffers)\n";
        const ZEROED: Self = Self::zeroed();
        #[inline]
        fn forward(&self, x: &[[[T; 8usize]; 8usize]; 1usize]) -> [T; 10usize] {
            self.forward_len(x, usize::MAX)
        }
        #[inline]
        #[allow(unused_variables, reason = "only recurrent layers read `len`")]
        fn forward_len(
            &self,
            x: &[[[T; 8usize]; 8usize]; 1usize],
            len: usize,
        ) -> [T; 10usize] {
            let __nn_x: &[T; 64usize] = __nn::as_row::<
                T,
                [[[T; 8usize]; 8usize]; 1usize],
                64usize,
            >(x);
            let mut __nn_b0 = [<T as __nn::Float>::ZERO; 256usize];
            let mut __nn_b1 = [<T as __nn::Float>::ZERO; 256usize];
            let mut __nn_out = <[T; 10usize] as __nn::Tensor<T>>::ZEROS;
            {
                let __nn_y: &mut [T; 10usize] = __nn::as_row_mut::<
                    T,
                    [T; 10usize],
                    10usize,
                >(&mut __nn_out);
                <::nn::__private::Conv2d<
                    T,
                    1usize,
                    8usize,
                    8usize,
                    4usize,
                    3usize,
                    3usize,
                    1usize,
                    1usize,
                    1usize,
                    1usize,
                    8usize,
                    8usize,
                    64usize,
                    256usize,
                    true,
                > as __nn::Layer<
                    T,
                    64usize,
                    256usize,
                >>::forward(
                    &self.conv,
                    __nn_x,
                    __nn::prefix_mut::<T, 256usize, 256usize>(&mut __nn_b1),
                );
                <::nn::__private::BatchNorm<
                    T,
                    4usize,
                    64usize,
                    256usize,
                > as __nn::Layer<
                    T,
                    256usize,
                    256usize,
                >>::forward(
                    &self.norm,
                    __nn::prefix::<T, 256usize, 256usize>(&__nn_b1),
                    __nn::prefix_mut::<T, 256usize, 256usize>(&mut __nn_b0),
                );
                <::nn::__private::Act<
                    T,
                    ::nn::__private::activations::Relu,
                    256usize,
                > as __nn::Layer<
                    T,
                    256usize,
                    256usize,
                >>::forward(
                    &self.act,
                    __nn::prefix::<T, 256usize, 256usize>(&__nn_b0),
                    __nn::prefix_mut::<T, 256usize, 256usize>(&mut __nn_b1),
                );
                <::nn::__private::MaxPool2d<
                    T,
                    4usize,
                    8usize,
                    8usize,
                    2usize,
                    2usize,
                    2usize,
                    2usize,
                    4usize,
                    4usize,
                    256usize,
                    64usize,
                > as __nn::Layer<
                    T,
                    256usize,
                    64usize,
                >>::forward(
                    &self.pool,
                    __nn::prefix::<T, 256usize, 256usize>(&__nn_b1),
                    __nn::prefix_mut::<T, 64usize, 256usize>(&mut __nn_b0),
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
                    &self.out,
                    __nn::prefix::<T, 64usize, 256usize>(&__nn_b0),
                    __nn_y,
                );
            }
            let _ = (&mut __nn_b0, &mut __nn_b1);
            __nn_out
        }
        fn forward_train_len<const __NN_B: usize>(
            &mut self,
            x: &[[[[T; 8usize]; 8usize]; 1usize]; __NN_B],
            lens: &[usize; __NN_B],
            trace: &mut LenetTrace<T, __NN_B>,
            ctx: &mut __nn::TrainCtx,
        ) {
            trace.__nn_lens = *lens;
            trace
                .__nn_a0
                .as_flattened_mut()
                .copy_from_slice(
                    <[[[T; 8usize]; 8usize]; 1usize] as __nn::Tensor<T>>::slice_flat(x),
                );
            <::nn::__private::Conv2d<
                T,
                1usize,
                8usize,
                8usize,
                4usize,
                3usize,
                3usize,
                1usize,
                1usize,
                1usize,
                1usize,
                8usize,
                8usize,
                64usize,
                256usize,
                true,
            > as __nn::Layer<
                T,
                64usize,
                256usize,
            >>::forward_train(
                &mut self.conv,
                &trace.__nn_a0,
                &mut trace.__nn_a1,
                &mut trace.__nn_aux0,
                ctx,
            );
            <::nn::__private::BatchNorm<
                T,
                4usize,
                64usize,
                256usize,
            > as __nn::Layer<
                T,
                256usize,
                256usize,
            >>::forward_train(
                &mut self.norm,
                &trace.__nn_a1,
                &mut trace.__nn_a2,
                &mut trace.__nn_aux1,
                ctx,
            );
            <::nn::__private::Act<
                T,
                ::nn::__private::activations::Relu,
                256usize,
            > as __nn::Layer<
                T,
                256usize,
                256usize,
            >>::forward_train(
                &mut self.act,
                &trace.__nn_a2,
                &mut trace.__nn_a3,
                &mut trace.__nn_aux2,
                ctx,
            );
            <::nn::__private::MaxPool2d<
                T,
                4usize,
                8usize,
                8usize,
                2usize,
                2usize,
                2usize,
                2usize,
                4usize,
                4usize,
                256usize,
                64usize,
            > as __nn::Layer<
                T,
                256usize,
                64usize,
            >>::forward_train(
                &mut self.pool,
                &trace.__nn_a3,
                &mut trace.__nn_a4,
                &mut trace.__nn_aux3,
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
                &mut self.out,
                &trace.__nn_a4,
                &mut trace.__nn_a5,
                &mut trace.__nn_aux4,
                ctx,
            );
        }
        fn output<const __NN_B: usize>(
            trace: &LenetTrace<T, __NN_B>,
        ) -> &[[T; 10usize]; __NN_B] {
            __nn::batch_view::<T, [T; 10usize], __NN_B>(trace.__nn_a5.as_flattened())
        }
        fn output_and_grad<const __NN_B: usize>(
            trace: &mut LenetTrace<T, __NN_B>,
        ) -> (&[[T; 10usize]; __NN_B], &mut [[T; 10usize]; __NN_B]) {
            (
                __nn::batch_view::<
                    T,
                    [T; 10usize],
                    __NN_B,
                >(trace.__nn_a5.as_flattened()),
                __nn::batch_view_mut::<
                    T,
                    [T; 10usize],
                    __NN_B,
                >(trace.__nn_d_out.as_flattened_mut()),
            )
        }
        fn backward<const __NN_B: usize>(
            &self,
            trace: &mut LenetTrace<T, __NN_B>,
            grads: &mut Self,
        ) {
            self.__nn_backward(trace, grads, false);
        }
        fn backward_input<'__nn_t, const __NN_B: usize>(
            &self,
            trace: &'__nn_t mut LenetTrace<T, __NN_B>,
            grads: &mut Self,
        ) -> &'__nn_t [[[[T; 8usize]; 8usize]; 1usize]; __NN_B] {
            self.__nn_backward(trace, grads, true);
            __nn::batch_view::<
                T,
                [[[T; 8usize]; 8usize]; 1usize],
                __NN_B,
            >(trace.__nn_g0.as_flattened())
        }
        const TENSORS: usize = 0
            + <::nn::__private::Conv2d<
                T,
                1usize,
                8usize,
                8usize,
                4usize,
                3usize,
                3usize,
                1usize,
                1usize,
                1usize,
                1usize,
                8usize,
                8usize,
                64usize,
                256usize,
                true,
            > as __nn::Layer<T, 64usize, 256usize>>::TENSORS
            + <::nn::__private::BatchNorm<
                T,
                4usize,
                64usize,
                256usize,
            > as __nn::Layer<T, 256usize, 256usize>>::TENSORS
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
                < <::nn::__private::Conv2d<
                    T,
                    1usize,
                    8usize,
                    8usize,
                    4usize,
                    3usize,
                    3usize,
                    1usize,
                    1usize,
                    1usize,
                    1usize,
                    8usize,
                    8usize,
                    64usize,
                    256usize,
                    true,
                > as __nn::Layer<T, 64usize, 256usize>>::TENSORS
            {
                return <::nn::__private::Conv2d<
                    T,
                    1usize,
                    8usize,
                    8usize,
                    4usize,
                    3usize,
                    3usize,
                    1usize,
                    1usize,
                    1usize,
                    1usize,
                    8usize,
                    8usize,
                    64usize,
                    256usize,
                    true,
                > as __nn::Layer<T, 64usize, 256usize>>::tensor(&self.conv, __nn_i);
            }
            __nn_i
                -= <::nn::__private::Conv2d<
                    T,
                    1usize,
                    8usize,
                    8usize,
                    4usize,
                    3usize,
                    3usize,
                    1usize,
                    1usize,
                    1usize,
                    1usize,
                    8usize,
                    8usize,
                    64usize,
                    256usize,
                    true,
                > as __nn::Layer<T, 64usize, 256usize>>::TENSORS;
            if __nn_i
                < <::nn::__private::BatchNorm<
                    T,
                    4usize,
                    64usize,
                    256usize,
                > as __nn::Layer<T, 256usize, 256usize>>::TENSORS
            {
                return <::nn::__private::BatchNorm<
                    T,
                    4usize,
                    64usize,
                    256usize,
                > as __nn::Layer<T, 256usize, 256usize>>::tensor(&self.norm, __nn_i);
            }
            __nn_i
                -= <::nn::__private::BatchNorm<
                    T,
                    4usize,
                    64usize,
                    256usize,
                > as __nn::Layer<T, 256usize, 256usize>>::TENSORS;
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
                > as __nn::Layer<T, 64usize, 10usize>>::tensor(&self.out, __nn_i);
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
                < <::nn::__private::Conv2d<
                    T,
                    1usize,
                    8usize,
                    8usize,
                    4usize,
                    3usize,
                    3usize,
                    1usize,
                    1usize,
                    1usize,
                    1usize,
                    8usize,
                    8usize,
                    64usize,
                    256usize,
                    true,
                > as __nn::Layer<T, 64usize, 256usize>>::TENSORS
            {
                return <::nn::__private::Conv2d<
                    T,
                    1usize,
                    8usize,
                    8usize,
                    4usize,
                    3usize,
                    3usize,
                    1usize,
                    1usize,
                    1usize,
                    1usize,
                    8usize,
                    8usize,
                    64usize,
                    256usize,
                    true,
                > as __nn::Layer<
                    T,
                    64usize,
                    256usize,
                >>::tensor_mut(&mut self.conv, __nn_i);
            }
            __nn_i
                -= <::nn::__private::Conv2d<
                    T,
                    1usize,
                    8usize,
                    8usize,
                    4usize,
                    3usize,
                    3usize,
                    1usize,
                    1usize,
                    1usize,
                    1usize,
                    8usize,
                    8usize,
                    64usize,
                    256usize,
                    true,
                > as __nn::Layer<T, 64usize, 256usize>>::TENSORS;
            if __nn_i
                < <::nn::__private::BatchNorm<
                    T,
                    4usize,
                    64usize,
                    256usize,
                > as __nn::Layer<T, 256usize, 256usize>>::TENSORS
            {
                return <::nn::__private::BatchNorm<
                    T,
                    4usize,
                    64usize,
                    256usize,
                > as __nn::Layer<
                    T,
                    256usize,
                    256usize,
                >>::tensor_mut(&mut self.norm, __nn_i);
            }
            __nn_i
                -= <::nn::__private::BatchNorm<
                    T,
                    4usize,
                    64usize,
                    256usize,
                > as __nn::Layer<T, 256usize, 256usize>>::TENSORS;
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
                >>::tensor_mut(&mut self.out, __nn_i);
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
                < <::nn::__private::Conv2d<
                    T,
                    1usize,
                    8usize,
                    8usize,
                    4usize,
                    3usize,
                    3usize,
                    1usize,
                    1usize,
                    1usize,
                    1usize,
                    8usize,
                    8usize,
                    64usize,
                    256usize,
                    true,
                > as __nn::Layer<T, 64usize, 256usize>>::TENSORS
            {
                return <::nn::__private::Conv2d<
                    T,
                    1usize,
                    8usize,
                    8usize,
                    4usize,
                    3usize,
                    3usize,
                    1usize,
                    1usize,
                    1usize,
                    1usize,
                    8usize,
                    8usize,
                    64usize,
                    256usize,
                    true,
                > as __nn::Layer<T, 64usize, 256usize>>::tensor_info(__nn_i)
                    .map(|mut __nn_info| {
                        __nn_info.layer = "conv";
                        __nn_info
                    });
            }
            __nn_i
                -= <::nn::__private::Conv2d<
                    T,
                    1usize,
                    8usize,
                    8usize,
                    4usize,
                    3usize,
                    3usize,
                    1usize,
                    1usize,
                    1usize,
                    1usize,
                    8usize,
                    8usize,
                    64usize,
                    256usize,
                    true,
                > as __nn::Layer<T, 64usize, 256usize>>::TENSORS;
            if __nn_i
                < <::nn::__private::BatchNorm<
                    T,
                    4usize,
                    64usize,
                    256usize,
                > as __nn::Layer<T, 256usize, 256usize>>::TENSORS
            {
                return <::nn::__private::BatchNorm<
                    T,
                    4usize,
                    64usize,
                    256usize,
                > as __nn::Layer<T, 256usize, 256usize>>::tensor_info(__nn_i)
                    .map(|mut __nn_info| {
                        __nn_info.layer = "norm";
                        __nn_info
                    });
            }
            __nn_i
                -= <::nn::__private::BatchNorm<
                    T,
                    4usize,
                    64usize,
                    256usize,
                > as __nn::Layer<T, 256usize, 256usize>>::TENSORS;
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
                        __nn_info.layer = "out";
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
            <::nn::__private::Conv2d<
                T,
                1usize,
                8usize,
                8usize,
                4usize,
                3usize,
                3usize,
                1usize,
                1usize,
                1usize,
                1usize,
                8usize,
                8usize,
                64usize,
                256usize,
                true,
            > as __nn::Layer<
                T,
                64usize,
                256usize,
            >>::init(&mut self.conv, __nn::Init::HeUniform, rng);
            <::nn::__private::BatchNorm<
                T,
                4usize,
                64usize,
                256usize,
            > as __nn::Layer<
                T,
                256usize,
                256usize,
            >>::init(&mut self.norm, __nn::Init::Zeros, rng);
            <::nn::__private::Dense<
                T,
                64usize,
                10usize,
                true,
            > as __nn::Layer<
                T,
                64usize,
                10usize,
            >>::init(&mut self.out, __nn::Init::XavierUniform, rng);
        }
        const BUFFERS: usize = 0
            + <::nn::__private::BatchNorm<
                T,
                4usize,
                64usize,
                256usize,
            > as __nn::Layer<T, 256usize, 256usize>>::BUFFERS;
        #[allow(
            unused_mut,
            unused_variables,
            reason = "networks without parameters or buffers"
        )]
        fn buffer(&self, i: usize) -> &[T] {
            let mut __nn_i = i;
            if __nn_i
                < <::nn::__private::BatchNorm<
                    T,
                    4usize,
                    64usize,
                    256usize,
                > as __nn::Layer<T, 256usize, 256usize>>::BUFFERS
            {
                return <::nn::__private::BatchNorm<
                    T,
                    4usize,
                    64usize,
                    256usize,
                > as __nn::Layer<T, 256usize, 256usize>>::buffer(&self.norm, __nn_i);
            }
            __nn_i
                -= <::nn::__private::BatchNorm<
                    T,
                    4usize,
                    64usize,
                    256usize,
                > as __nn::Layer<T, 256usize, 256usize>>::BUFFERS;
            &[]
        }
        #[allow(
            unused_mut,
            unused_variables,
            reason = "networks without parameters or buffers"
        )]
        fn buffer_mut(&mut self, i: usize) -> &mut [T] {
            let mut __nn_i = i;
            if __nn_i
                < <::nn::__private::BatchNorm<
                    T,
                    4usize,
                    64usize,
                    256usize,
                > as __nn::Layer<T, 256usize, 256usize>>::BUFFERS
            {
                return <::nn::__private::BatchNorm<
                    T,
                    4usize,
                    64usize,
                    256usize,
                > as __nn::Layer<
                    T,
                    256usize,
                    256usize,
                >>::buffer_mut(&mut self.norm, __nn_i);
            }
            __nn_i
                -= <::nn::__private::BatchNorm<
                    T,
                    4usize,
                    64usize,
                    256usize,
                > as __nn::Layer<T, 256usize, 256usize>>::BUFFERS;
            &mut []
        }
        #[allow(
            unused_mut,
            unused_variables,
            reason = "networks without parameters or buffers"
        )]
        fn buffer_name(
            i: usize,
        ) -> ::core::option::Option<(&'static str, &'static str)> {
            let mut __nn_i = i;
            if __nn_i
                < <::nn::__private::BatchNorm<
                    T,
                    4usize,
                    64usize,
                    256usize,
                > as __nn::Layer<T, 256usize, 256usize>>::BUFFERS
            {
                return <::nn::__private::BatchNorm<
                    T,
                    4usize,
                    64usize,
                    256usize,
                > as __nn::Layer<T, 256usize, 256usize>>::buffer_name(__nn_i)
                    .map(|__nn_n| ("norm", __nn_n));
            }
            __nn_i
                -= <::nn::__private::BatchNorm<
                    T,
                    4usize,
                    64usize,
                    256usize,
                > as __nn::Layer<T, 256usize, 256usize>>::BUFFERS;
            ::core::option::Option::None
        }
    }
    const _: () = ::core::assert!(
        < Lenet < f32 > as __nn::Network < f32 >> ::PARAMS == 698usize,
        "nn-core's parameter count of `Lenet` differs from the macro's"
    );
};
