/**

# Architecture

```text
Network: Reader
Layer  Kind                   Output shape  Params
==================================================
input  Input                  [6, 2]             0
lstm   Lstm(4, sequences)     [6, 4]           128
gru    Gru(3, bidirectional)  [6]              162
out    Dense                  [2]               14
==================================================
Total params: 304 (1,216 bytes as f32)
Inference RAM: 176 bytes as f32 (input, output, 2 buffers)
```
*/
pub struct Reader<T = f32> {
    ///`lstm`: Lstm(4, sequences) [6, 2] -> [6, 4].
    pub lstm: ::nn::__private::Lstm<
        T,
        6usize,
        2usize,
        4usize,
        16usize,
        12usize,
        24usize,
        true,
        false,
    >,
    ///`gru`: Gru(3, bidirectional) [6, 4] -> [6].
    pub gru: ::nn::__private::Bidirectional<
        ::nn::__private::Gru<
            T,
            6usize,
            4usize,
            3usize,
            9usize,
            24usize,
            3usize,
            false,
            false,
        >,
        6usize,
        4usize,
        3usize,
        24usize,
        3usize,
        6usize,
        false,
    >,
    ///`out`: Dense [6] -> [2].
    pub out: ::nn::__private::Dense<T, 6usize, 2usize, true>,
}
const _: () = {
    use ::nn::__private as __nn;
    ///Training trace of [`Reader`] for a batch of `B` samples: every activation, the per-layer records backward needs, and the gradient buffers. It is `<Reader<T> as Network<T>>::Trace<B>`; build it with `Reader::new_trace::<B>()` (boxed) or `zeroed()` (e.g. in a `static`).
    pub struct ReaderTrace<T: ::nn::__private::Float, const __NN_B: usize> {
        __nn_a0: [[T; 12usize]; __NN_B],
        __nn_a1: [[T; 24usize]; __NN_B],
        __nn_a2: [[T; 6usize]; __NN_B],
        __nn_a3: [[T; 2usize]; __NN_B],
        __nn_aux0: [<::nn::__private::Lstm<
            T,
            6usize,
            2usize,
            4usize,
            16usize,
            12usize,
            24usize,
            true,
            false,
        > as ::nn::__private::Layer<T, 12usize, 24usize>>::Aux; __NN_B],
        __nn_aux1: [<::nn::__private::Bidirectional<
            ::nn::__private::Gru<
                T,
                6usize,
                4usize,
                3usize,
                9usize,
                24usize,
                3usize,
                false,
                false,
            >,
            6usize,
            4usize,
            3usize,
            24usize,
            3usize,
            6usize,
            false,
        > as ::nn::__private::Layer<T, 24usize, 6usize>>::Aux; __NN_B],
        __nn_aux2: [<::nn::__private::Dense<
            T,
            6usize,
            2usize,
            true,
        > as ::nn::__private::Layer<T, 6usize, 2usize>>::Aux; __NN_B],
        __nn_d_out: [[T; 2usize]; __NN_B],
        __nn_lens: [usize; __NN_B],
        __nn_g0: [[T; 12usize]; __NN_B],
        __nn_g1: [[T; 24usize]; __NN_B],
    }
    unsafe impl<T: __nn::Float> __nn::Zeroable for Reader<T>
    where
        ::nn::__private::Lstm<
            T,
            6usize,
            2usize,
            4usize,
            16usize,
            12usize,
            24usize,
            true,
            false,
        >: __nn::Zeroable,
        ::nn::__private::Bidirectional<
            ::nn::__private::Gru<
                T,
                6usize,
                4usize,
                3usize,
                9usize,
                24usize,
                3usize,
                false,
                false,
            >,
            6usize,
            4usize,
            3usize,
            24usize,
            3usize,
            6usize,
            false,
        >: __nn::Zeroable,
        ::nn::__private::Dense<T, 6usize, 2usize, true>: __nn::Zeroable,
    {}
    unsafe impl<T: __nn::Float, const __NN_B: usize> __nn::Zeroable
    for ReaderTrace<T, __NN_B>
    where
        [<::nn::__private::Lstm<
            T,
            6usize,
            2usize,
            4usize,
            16usize,
            12usize,
            24usize,
            true,
            false,
        > as __nn::Layer<T, 12usize, 24usize>>::Aux; __NN_B]: __nn::Zeroable,
        [<::nn::__private::Bidirectional<
            ::nn::__private::Gru<
                T,
                6usize,
                4usize,
                3usize,
                9usize,
                24usize,
                3usize,
                false,
                false,
            >,
            6usize,
            4usize,
            3usize,
            24usize,
            3usize,
            6usize,
            false,
        > as __nn::Layer<T, 24usize, 6usize>>::Aux; __NN_B]: __nn::Zeroable,
        [<::nn::__private::Dense<
            T,
            6usize,
            2usize,
            true,
        > as __nn::Layer<T, 6usize, 2usize>>::Aux; __NN_B]: __nn::Zeroable,
    {}
    impl<T: __nn::Float, const __NN_B: usize> ReaderTrace<T, __NN_B> {
        /// A trace full of zeros (usable in a `static`).
        pub const fn zeroed() -> Self {
            Self {
                __nn_a0: [[<T as __nn::Float>::ZERO; 12usize]; __NN_B],
                __nn_a1: [[<T as __nn::Float>::ZERO; 24usize]; __NN_B],
                __nn_a2: [[<T as __nn::Float>::ZERO; 6usize]; __NN_B],
                __nn_a3: [[<T as __nn::Float>::ZERO; 2usize]; __NN_B],
                __nn_aux0: [<::nn::__private::Lstm<
                    T,
                    6usize,
                    2usize,
                    4usize,
                    16usize,
                    12usize,
                    24usize,
                    true,
                    false,
                > as __nn::Layer<T, 12usize, 24usize>>::ZEROED_AUX; __NN_B],
                __nn_aux1: [<::nn::__private::Bidirectional<
                    ::nn::__private::Gru<
                        T,
                        6usize,
                        4usize,
                        3usize,
                        9usize,
                        24usize,
                        3usize,
                        false,
                        false,
                    >,
                    6usize,
                    4usize,
                    3usize,
                    24usize,
                    3usize,
                    6usize,
                    false,
                > as __nn::Layer<T, 24usize, 6usize>>::ZEROED_AUX; __NN_B],
                __nn_aux2: [<::nn::__private::Dense<
                    T,
                    6usize,
                    2usize,
                    true,
                > as __nn::Layer<T, 6usize, 2usize>>::ZEROED_AUX; __NN_B],
                __nn_d_out: [[<T as __nn::Float>::ZERO; 2usize]; __NN_B],
                __nn_lens: [0; __NN_B],
                __nn_g0: [[<T as __nn::Float>::ZERO; 12usize]; __NN_B],
                __nn_g1: [[<T as __nn::Float>::ZERO; 24usize]; __NN_B],
            }
        }
    }
    impl<T: __nn::Float> Reader<T> {
        /// Number of learned parameters.
        pub const PARAMS: usize = 304usize;
        /// Bytes of the parameters.
        pub const PARAM_BYTES: usize = 304usize * ::core::mem::size_of::<T>();
        /// Bytes an inference pass needs besides the parameters (input,
        /// output and two activation buffers).
        pub const INFERENCE_RAM_BYTES: usize = 44usize * ::core::mem::size_of::<T>();
        /// The input shape, outermost first.
        pub const INPUT_SHAPE: &'static [usize] = &[6usize, 2usize];
        /// The output shape, outermost first.
        pub const OUTPUT_SHAPE: &'static [usize] = &[2usize];
        /// The architecture as a table (also in this type's docs).
        pub const SUMMARY: &'static str = "Network: Reader\nLayer  Kind                   Output shape  Params\n==================================================\ninput  Input                  [6, 2]             0\nlstm   Lstm(4, sequences)     [6, 4]           128\ngru    Gru(3, bidirectional)  [6]              162\nout    Dense                  [2]               14\n==================================================\nTotal params: 304 (1,216 bytes as f32)\nInference RAM: 176 bytes as f32 (input, output, 2 buffers)\n";
    }
    impl<T> Reader<T> {
        /// Every parameter zero; usable in a `static`.
        pub const fn zeroed() -> Self
        where
            T: __nn::Float,
        {
            Self {
                lstm: <::nn::__private::Lstm<
                    T,
                    6usize,
                    2usize,
                    4usize,
                    16usize,
                    12usize,
                    24usize,
                    true,
                    false,
                > as __nn::Layer<T, 12usize, 24usize>>::ZEROED,
                gru: <::nn::__private::Bidirectional<
                    ::nn::__private::Gru<
                        T,
                        6usize,
                        4usize,
                        3usize,
                        9usize,
                        24usize,
                        3usize,
                        false,
                        false,
                    >,
                    6usize,
                    4usize,
                    3usize,
                    24usize,
                    3usize,
                    6usize,
                    false,
                > as __nn::Layer<T, 24usize, 6usize>>::ZEROED,
                out: <::nn::__private::Dense<
                    T,
                    6usize,
                    2usize,
                    true,
                > as __nn::Layer<T, 6usize, 2usize>>::ZEROED,
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
        pub fn forward(&self, x: &[[T; 2usize]; 6usize]) -> [T; 2usize]
        where
            T: __nn::Float,
        {
            <Self as __nn::Network<T>>::forward(self, x)
        }
        fn __nn_backward<const __NN_B: usize>(
            &self,
            trace: &mut ReaderTrace<T, __NN_B>,
            grads: &mut Self,
            want_input: bool,
        )
        where
            T: __nn::Float,
        {
            <::nn::__private::Dense<
                T,
                6usize,
                2usize,
                true,
            > as __nn::Layer<
                T,
                6usize,
                2usize,
            >>::backward(
                &self.out,
                &trace.__nn_a2,
                &trace.__nn_a3,
                &trace.__nn_aux2,
                &trace.__nn_d_out,
                ::core::option::Option::Some(
                    __nn::rows_mut::<T, 6usize, 12usize, __NN_B>(&mut trace.__nn_g0),
                ),
                &mut grads.out,
            );
            <::nn::__private::Bidirectional<
                ::nn::__private::Gru<
                    T,
                    6usize,
                    4usize,
                    3usize,
                    9usize,
                    24usize,
                    3usize,
                    false,
                    false,
                >,
                6usize,
                4usize,
                3usize,
                24usize,
                3usize,
                6usize,
                false,
            > as __nn::Layer<
                T,
                24usize,
                6usize,
            >>::backward_seq(
                &self.gru,
                &trace.__nn_a1,
                &trace.__nn_a2,
                &trace.__nn_aux1,
                __nn::rows::<T, 6usize, 12usize, __NN_B>(&trace.__nn_g0),
                ::core::option::Option::Some(
                    __nn::rows_mut::<T, 24usize, 24usize, __NN_B>(&mut trace.__nn_g1),
                ),
                &mut grads.gru,
                &trace.__nn_lens,
            );
            <::nn::__private::Lstm<
                T,
                6usize,
                2usize,
                4usize,
                16usize,
                12usize,
                24usize,
                true,
                false,
            > as __nn::Layer<
                T,
                12usize,
                24usize,
            >>::backward_seq(
                &self.lstm,
                &trace.__nn_a0,
                &trace.__nn_a1,
                &trace.__nn_aux0,
                __nn::rows::<T, 24usize, 24usize, __NN_B>(&trace.__nn_g1),
                if want_input {
                    ::core::option::Option::Some(
                        __nn::rows_mut::<T, 12usize, 12usize, __NN_B>(&mut trace.__nn_g0),
                    )
                } else {
                    ::core::option::Option::None
                },
                &mut grads.lstm,
                &trace.__nn_lens,
            );
        }
    }
    impl<T: __nn::Float> __nn::Network<T> for Reader<T> {
        type Input = [[T; 2usize]; 6usize];
        type Output = [T; 2usize];
        type Trace<const __NN_B: usize> = ReaderTrace<T, __NN_B>;
        const PARAMS: usize = 0
            + <::nn::__private::Lstm<
                T,
                6usize,
                2usize,
                4usize,
                16usize,
                12usize,
                24usize,
                true,
                false,
            > as __nn::Layer<T, 12usize, 24usize>>::PARAMS
            + <::nn::__private::Bidirectional<
                ::nn::__private::Gru<
                    T,
                    6usize,
                    4usize,
                    3usize,
                    9usize,
                    24usize,
                    3usize,
                    false,
                    false,
                >,
                6usize,
                4usize,
                3usize,
                24usize,
                3usize,
                6usize,
                false,
            > as __nn::Layer<T, 24usize, 6usize>>::PARAMS
            + <::nn::__private::Dense<
                T,
                6usize,
                2usize,
                true,
            > as __nn::Layer<T, 6usize, 2usize>>::PARAMS;
        const PARAM_BYTES: usize = Self::PARAMS * ::core::mem::size_of::<T>();
        const INFERENCE_RAM_BYTES: usize = 44usize * ::core::mem::size_of::<T>();
        const SUMMARY: &'static str = "Network: Reader\nLayer  Kind                   Output shape  Params\n==================================================\ninput  Input                  [6, 2]             0\nlstm   Lstm(4, sequences)     [6, 4]           128\ngru    Gru(3, bidirectional)  [6]              162\nout    Dense                  [2]               14\n==================================================\nTotal params: 304 (1,216 bytes as f32)\nInference RAM: 176 bytes as f32 (input, output, 2 buffers)\n";
        const ZEROED: Self = Self::zeroed();
        #[inline]
        fn forward(&self, x: &[[T; 2usize]; 6usize]) -> [T; 2usize] {
            self.forward_len(x, usize::MAX)
        }
        #[inline]
        #[allow(unused_variables, reason = "only recurrent layers read `len`")]
        fn forward_len(&self, x: &[[T; 2usize]; 6usize], len: usize) -> [T; 2usize] {
            let __nn_x: &[T; 12usize] = __nn::as_row::<
                T,
                [[T; 2usize]; 6usize],
                12usize,
            >(x);
            let mut __nn_b0 = [<T as __nn::Float>::ZERO; 6usize];
            let mut __nn_b1 = [<T as __nn::Float>::ZERO; 24usize];
            let mut __nn_out = <[T; 2usize] as __nn::Tensor<T>>::ZEROS;
            {
                let __nn_y: &mut [T; 2usize] = __nn::as_row_mut::<
                    T,
                    [T; 2usize],
                    2usize,
                >(&mut __nn_out);
                <::nn::__private::Lstm<
                    T,
                    6usize,
                    2usize,
                    4usize,
                    16usize,
                    12usize,
                    24usize,
                    true,
                    false,
                > as __nn::Layer<
                    T,
                    12usize,
                    24usize,
                >>::forward_seq(
                    &self.lstm,
                    __nn_x,
                    __nn::prefix_mut::<T, 24usize, 24usize>(&mut __nn_b1),
                    len,
                );
                <::nn::__private::Bidirectional<
                    ::nn::__private::Gru<
                        T,
                        6usize,
                        4usize,
                        3usize,
                        9usize,
                        24usize,
                        3usize,
                        false,
                        false,
                    >,
                    6usize,
                    4usize,
                    3usize,
                    24usize,
                    3usize,
                    6usize,
                    false,
                > as __nn::Layer<
                    T,
                    24usize,
                    6usize,
                >>::forward_seq(
                    &self.gru,
                    __nn::prefix::<T, 24usize, 24usize>(&__nn_b1),
                    __nn::prefix_mut::<T, 6usize, 6usize>(&mut __nn_b0),
                    len,
                );
                <::nn::__private::Dense<
                    T,
                    6usize,
                    2usize,
                    true,
                > as __nn::Layer<
                    T,
                    6usize,
                    2usize,
                >>::forward(
                    &self.out,
                    __nn::prefix::<T, 6usize, 6usize>(&__nn_b0),
                    __nn_y,
                );
            }
            let _ = (&mut __nn_b0, &mut __nn_b1);
            __nn_out
        }
        fn forward_train_len<const __NN_B: usize>(
            &mut self,
            x: &[[[T; 2usize]; 6usize]; __NN_B],
            lens: &[usize; __NN_B],
            trace: &mut ReaderTrace<T, __NN_B>,
            ctx: &mut __nn::TrainCtx,
        ) {
            trace.__nn_lens = *lens;
            trace
                .__nn_a0
                .as_flattened_mut()
                .copy_from_slice(
                    <[[T; 2usize]; 6usize] as __nn::Tensor<T>>::slice_flat(x),
                );
            <::nn::__private::Lstm<
                T,
                6usize,
                2usize,
                4usize,
                16usize,
                12usize,
                24usize,
                true,
                false,
            > as __nn::Layer<
                T,
                12usize,
                24usize,
            >>::forward_train_seq(
                &mut self.lstm,
                &trace.__nn_a0,
                &mut trace.__nn_a1,
                &mut trace.__nn_aux0,
                &trace.__nn_lens,
                ctx,
            );
            <::nn::__private::Bidirectional<
                ::nn::__private::Gru<
                    T,
                    6usize,
                    4usize,
                    3usize,
                    9usize,
                    24usize,
                    3usize,
                    false,
                    false,
                >,
                6usize,
                4usize,
                3usize,
                24usize,
                3usize,
                6usize,
                false,
            > as __nn::Layer<
                T,
                24usize,
                6usize,
            >>::forward_train_seq(
                &mut self.gru,
                &trace.__nn_a1,
                &mut trace.__nn_a2,
                &mut trace.__nn_aux1,
                &trace.__nn_lens,
                ctx,
            );
            <::nn::__private::Dense<
                T,
                6usize,
                2usize,
                true,
            > as __nn::Layer<
                T,
                6usize,
                2usize,
            >>::forward_train(
                &mut self.out,
                &trace.__nn_a2,
                &mut trace.__nn_a3,
                &mut trace.__nn_aux2,
                ctx,
            );
        }
        fn output<const __NN_B: usize>(
            trace: &ReaderTrace<T, __NN_B>,
        ) -> &[[T; 2usize]; __NN_B] {
            __nn::batch_view::<T, [T; 2usize], __NN_B>(trace.__nn_a3.as_flattened())
        }
        fn output_and_grad<const __NN_B: usize>(
            trace: &mut ReaderTrace<T, __NN_B>,
        ) -> (&[[T; 2usize]; __NN_B], &mut [[T; 2usize]; __NN_B]) {
            (
                __nn::batch_view::<T, [T; 2usize], __NN_B>(trace.__nn_a3.as_flattened()),
                __nn::batch_view_mut::<
                    T,
                    [T; 2usize],
                    __NN_B,
                >(trace.__nn_d_out.as_flattened_mut()),
            )
        }
        fn backward<const __NN_B: usize>(
            &self,
            trace: &mut ReaderTrace<T, __NN_B>,
            grads: &mut Self,
        ) {
            self.__nn_backward(trace, grads, false);
        }
        fn backward_input<'__nn_t, const __NN_B: usize>(
            &self,
            trace: &'__nn_t mut ReaderTrace<T, __NN_B>,
            grads: &mut Self,
        ) -> &'__nn_t [[[T; 2usize]; 6usize]; __NN_B] {
            self.__nn_backward(trace, grads, true);
            __nn::batch_view::<
                T,
                [[T; 2usize]; 6usize],
                __NN_B,
            >(trace.__nn_g0.as_flattened())
        }
        const TENSORS: usize = 0
            + <::nn::__private::Lstm<
                T,
                6usize,
                2usize,
                4usize,
                16usize,
                12usize,
                24usize,
                true,
                false,
            > as __nn::Layer<T, 12usize, 24usize>>::TENSORS
            + <::nn::__private::Bidirectional<
                ::nn::__private::Gru<
                    T,
                    6usize,
                    4usize,
                    3usize,
                    9usize,
                    24usize,
                    3usize,
                    false,
                    false,
                >,
                6usize,
                4usize,
                3usize,
                24usize,
                3usize,
                6usize,
                false,
            > as __nn::Layer<T, 24usize, 6usize>>::TENSORS
            + <::nn::__private::Dense<
                T,
                6usize,
                2usize,
                true,
            > as __nn::Layer<T, 6usize, 2usize>>::TENSORS;
        #[allow(
            unused_mut,
            unused_variables,
            reason = "networks without parameters or buffers"
        )]
        fn tensor(&self, i: usize) -> &[T] {
            let mut __nn_i = i;
            if __nn_i
                < <::nn::__private::Lstm<
                    T,
                    6usize,
                    2usize,
                    4usize,
                    16usize,
                    12usize,
                    24usize,
                    true,
                    false,
                > as __nn::Layer<T, 12usize, 24usize>>::TENSORS
            {
                return <::nn::__private::Lstm<
                    T,
                    6usize,
                    2usize,
                    4usize,
                    16usize,
                    12usize,
                    24usize,
                    true,
                    false,
                > as __nn::Layer<T, 12usize, 24usize>>::tensor(&self.lstm, __nn_i);
            }
            __nn_i
                -= <::nn::__private::Lstm<
                    T,
                    6usize,
                    2usize,
                    4usize,
                    16usize,
                    12usize,
                    24usize,
                    true,
                    false,
                > as __nn::Layer<T, 12usize, 24usize>>::TENSORS;
            if __nn_i
                < <::nn::__private::Bidirectional<
                    ::nn::__private::Gru<
                        T,
                        6usize,
                        4usize,
                        3usize,
                        9usize,
                        24usize,
                        3usize,
                        false,
                        false,
                    >,
                    6usize,
                    4usize,
                    3usize,
                    24usize,
                    3usize,
                    6usize,
                    false,
                > as __nn::Layer<T, 24usize, 6usize>>::TENSORS
            {
                return <::nn::__private::Bidirectional<
                    ::nn::__private::Gru<
                        T,
                        6usize,
                        4usize,
                        3usize,
                        9usize,
                        24usize,
                        3usize,
                        false,
                        false,
                    >,
                    6usize,
                    4usize,
                    3usize,
                    24usize,
                    3usize,
                    6usize,
                    false,
                > as __nn::Layer<T, 24usize, 6usize>>::tensor(&self.gru, __nn_i);
            }
            __nn_i
                -= <::nn::__private::Bidirectional<
                    ::nn::__private::Gru<
                        T,
                        6usize,
                        4usize,
                        3usize,
                        9usize,
                        24usize,
                        3usize,
                        false,
                        false,
                    >,
                    6usize,
                    4usize,
                    3usize,
                    24usize,
                    3usize,
                    6usize,
                    false,
                > as __nn::Layer<T, 24usize, 6usize>>::TENSORS;
            if __nn_i
                < <::nn::__private::Dense<
                    T,
                    6usize,
                    2usize,
                    true,
                > as __nn::Layer<T, 6usize, 2usize>>::TENSORS
            {
                return <::nn::__private::Dense<
                    T,
                    6usize,
                    2usize,
                    true,
                > as __nn::Layer<T, 6usize, 2usize>>::tensor(&self.out, __nn_i);
            }
            __nn_i
                -= <::nn::__private::Dense<
                    T,
                    6usize,
                    2usize,
                    true,
                > as __nn::Layer<T, 6usize, 2usize>>::TENSORS;
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
                < <::nn::__private::Lstm<
                    T,
                    6usize,
                    2usize,
                    4usize,
                    16usize,
                    12usize,
                    24usize,
                    true,
                    false,
                > as __nn::Layer<T, 12usize, 24usize>>::TENSORS
            {
                return <::nn::__private::Lstm<
                    T,
                    6usize,
                    2usize,
                    4usize,
                    16usize,
                    12usize,
                    24usize,
                    true,
                    false,
                > as __nn::Layer<
                    T,
                    12usize,
                    24usize,
                >>::tensor_mut(&mut self.lstm, __nn_i);
            }
            __nn_i
                -= <::nn::__private::Lstm<
                    T,
                    6usize,
                    2usize,
                    4usize,
                    16usize,
                    12usize,
                    24usize,
                    true,
                    false,
                > as __nn::Layer<T, 12usize, 24usize>>::TENSORS;
            if __nn_i
                < <::nn::__private::Bidirectional<
                    ::nn::__private::Gru<
                        T,
                        6usize,
                        4usize,
                        3usize,
                        9usize,
                        24usize,
                        3usize,
                        false,
                        false,
                    >,
                    6usize,
                    4usize,
                    3usize,
                    24usize,
                    3usize,
                    6usize,
                    false,
                > as __nn::Layer<T, 24usize, 6usize>>::TENSORS
            {
                return <::nn::__private::Bidirectional<
                    ::nn::__private::Gru<
                        T,
                        6usize,
                        4usize,
                        3usize,
                        9usize,
                        24usize,
                        3usize,
                        false,
                        false,
                    >,
                    6usize,
                    4usize,
                    3usize,
                    24usize,
                    3usize,
                    6usize,
                    false,
                > as __nn::Layer<T, 24usize, 6usize>>::tensor_mut(&mut self.gru, __nn_i);
            }
            __nn_i
                -= <::nn::__private::Bidirectional<
                    ::nn::__private::Gru<
                        T,
                        6usize,
                        4usize,
                        3usize,
                        9usize,
                        24usize,
                        3usize,
                        false,
                        false,
                    >,
                    6usize,
                    4usize,
                    3usize,
                    24usize,
                    3usize,
                    6usize,
                    false,
                > as __nn::Layer<T, 24usize, 6usize>>::TENSORS;
            if __nn_i
                < <::nn::__private::Dense<
                    T,
                    6usize,
                    2usize,
                    true,
                > as __nn::Layer<T, 6usize, 2usize>>::TENSORS
            {
                return <::nn::__private::Dense<
                    T,
                    6usize,
                    2usize,
                    true,
                > as __nn::Layer<T, 6usize, 2usize>>::tensor_mut(&mut self.out, __nn_i);
            }
            __nn_i
                -= <::nn::__private::Dense<
                    T,
                    6usize,
                    2usize,
                    true,
                > as __nn::Layer<T, 6usize, 2usize>>::TENSORS;
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
                < <::nn::__private::Lstm<
                    T,
                    6usize,
                    2usize,
                    4usize,
                    16usize,
                    12usize,
                    24usize,
                    true,
                    false,
                > as __nn::Layer<T, 12usize, 24usize>>::TENSORS
            {
                return <::nn::__private::Lstm<
                    T,
                    6usize,
                    2usize,
                    4usize,
                    16usize,
                    12usize,
                    24usize,
                    true,
                    false,
                > as __nn::Layer<T, 12usize, 24usize>>::tensor_info(__nn_i)
                    .map(|mut __nn_info| {
                        __nn_info.layer = "lstm";
                        __nn_info
                    });
            }
            __nn_i
                -= <::nn::__private::Lstm<
                    T,
                    6usize,
                    2usize,
                    4usize,
                    16usize,
                    12usize,
                    24usize,
                    true,
                    false,
                > as __nn::Layer<T, 12usize, 24usize>>::TENSORS;
            if __nn_i
                < <::nn::__private::Bidirectional<
                    ::nn::__private::Gru<
                        T,
                        6usize,
                        4usize,
                        3usize,
                        9usize,
                        24usize,
                        3usize,
                        false,
                        false,
                    >,
                    6usize,
                    4usize,
                    3usize,
                    24usize,
                    3usize,
                    6usize,
                    false,
                > as __nn::Layer<T, 24usize, 6usize>>::TENSORS
            {
                return <::nn::__private::Bidirectional<
                    ::nn::__private::Gru<
                        T,
                        6usize,
                        4usize,
                        3usize,
                        9usize,
                        24usize,
                        3usize,
                        false,
                        false,
                    >,
                    6usize,
                    4usize,
                    3usize,
                    24usize,
                    3usize,
                    6usize,
                    false,
                > as __nn::Layer<T, 24usize, 6usize>>::tensor_info(__nn_i)
                    .map(|mut __nn_info| {
                        __nn_info.layer = "gru";
                        __nn_info
                    });
            }
            __nn_i
                -= <::nn::__private::Bidirectional<
                    ::nn::__private::Gru<
                        T,
                        6usize,
                        4usize,
                        3usize,
                        9usize,
                        24usize,
                        3usize,
                        false,
                        false,
                    >,
                    6usize,
                    4usize,
                    3usize,
                    24usize,
                    3usize,
                    6usize,
                    false,
                > as __nn::Layer<T, 24usize, 6usize>>::TENSORS;
            if __nn_i
                < <::nn::__private::Dense<
                    T,
                    6usize,
                    2usize,
                    true,
                > as __nn::Layer<T, 6usize, 2usize>>::TENSORS
            {
                return <::nn::__private::Dense<
                    T,
                    6usize,
                    2usize,
                    true,
                > as __nn::Layer<T, 6usize, 2usize>>::tensor_info(__nn_i)
                    .map(|mut __nn_info| {
                        __nn_info.layer = "out";
                        __nn_info
                    });
            }
            __nn_i
                -= <::nn::__private::Dense<
                    T,
                    6usize,
                    2usize,
                    true,
                > as __nn::Layer<T, 6usize, 2usize>>::TENSORS;
            ::core::option::Option::None
        }
        #[allow(
            unused_mut,
            unused_variables,
            reason = "networks without parameters or buffers"
        )]
        fn init(&mut self, rng: &mut __nn::Rng) {
            <::nn::__private::Lstm<
                T,
                6usize,
                2usize,
                4usize,
                16usize,
                12usize,
                24usize,
                true,
                false,
            > as __nn::Layer<
                T,
                12usize,
                24usize,
            >>::init(&mut self.lstm, __nn::Init::Zeros, rng);
            <::nn::__private::Bidirectional<
                ::nn::__private::Gru<
                    T,
                    6usize,
                    4usize,
                    3usize,
                    9usize,
                    24usize,
                    3usize,
                    false,
                    false,
                >,
                6usize,
                4usize,
                3usize,
                24usize,
                3usize,
                6usize,
                false,
            > as __nn::Layer<
                T,
                24usize,
                6usize,
            >>::init(&mut self.gru, __nn::Init::Zeros, rng);
            <::nn::__private::Dense<
                T,
                6usize,
                2usize,
                true,
            > as __nn::Layer<
                T,
                6usize,
                2usize,
            >>::init(&mut self.out, __nn::Init::XavierUniform, rng);
        }
    }
    const _: () = ::core::assert!(
        < Reader < f32 > as __nn::Network < f32 >> ::PARAMS == 304usize,
        "nn-core's parameter count of `Reader` differs from the macro's"
    );
};
