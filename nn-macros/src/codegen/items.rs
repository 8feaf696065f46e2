//! The items of a network: its struct, its trace, the unsafe `Zeroable`
//! claims, the inherent constants and constructors, and the `Network`
//! impl that ties the passes together.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::Ident;

use super::{act, aux, backward, forward, plan::Plan, tensors, Compute};
use crate::ir::Network;
use crate::shapes::show;

/// The input and output of one sample.
pub struct Io {
    pub input_ty: TokenStream,
    pub output_ty: TokenStream,
    pub output_shape: Vec<usize>,
}

/// The parameter struct, with the user's attributes and the summary in
/// its docs.
pub fn structs(net: &Network, computes: &[Compute], summary: &str) -> TokenStream {
    let (attrs, vis, name) = (&net.attrs, &net.vis, &net.name);
    let doc = format!("\n\n# Architecture\n\n```text\n{summary}```\n");
    let fields = computes.iter().map(|c| {
        let (f, ty) = (c.field, &c.ty);
        let docs = c.layer.attrs.iter().filter(|a| a.path().is_ident("doc"));
        let line = format!(
            "`{}`: {} {} -> {}.",
            f,
            c.layer.kind.describe(),
            show(&c.layer.input),
            show(&c.layer.output)
        );
        quote!( #(#docs)* #[doc = #line] #vis #f: #ty, )
    });
    quote! {
        #(#attrs)*
        #[doc = #doc]
        #vis struct #name<T = f32> {
            #(#fields)*
        }
    }
}

/// The training trace for a batch of `__NN_B`: every activation, each
/// layer's records for backward, and the gradient buffers.
pub fn trace(
    net: &Network,
    trace: &Ident,
    computes: &[Compute],
    plan: &Plan,
    private: &TokenStream,
) -> TokenStream {
    let name = &net.name;
    let (vis, cfgs) = match net.trace {
        Some(_) => {
            let vis = &net.vis;
            (quote!(#vis), net.cfgs.clone())
        }
        None => (quote!(pub), Vec::new()),
    };
    let acts = plan.sizes.iter().enumerate().map(|(k, s)| {
        let a = act(k);
        quote!( #a: [[T; #s]; __NN_B], )
    });
    let auxes = computes.iter().enumerate().map(|(k, c)| {
        let (x, ty, i, o) = (aux(k), &c.ty, c.in_len, c.out_len);
        quote!( #x: [<#ty as #private::Layer<T, #i, #o>>::Aux; __NN_B], )
    });
    let (out, [g0, g1]) = (plan.output(), plan.gradient);
    let doc = format!(
        "Training trace of [`{name}`] for a batch of `B` samples: every activation, the \
         per-layer records backward needs, and the gradient buffers. It is \
         `<{name}<T> as Network<T>>::Trace<B>`; build it with `{name}::new_trace::<B>()` \
         (boxed) or `zeroed()` (e.g. in a `static`)."
    );
    quote! {
        #(#cfgs)*
        #[doc = #doc]
        #vis struct #trace<T: #private::Float, const __NN_B: usize> {
            #(#acts)*
            #(#auxes)*
            __nn_d_out: [[T; #out]; __NN_B],
            __nn_sides: [#private::Side; __NN_B],
            __nn_g0: [[T; #g0]; __NN_B],
            __nn_g1: [[T; #g1]; __NN_B],
        }
    }
}

/// Everything that sits in the `const _` block besides the trace.
pub fn impls(
    net: &Network,
    trace: &Ident,
    computes: &[Compute],
    plan: &Plan,
    io: &Io,
    params: usize,
    summary: &str,
) -> TokenStream {
    let name = &net.name;
    let Io {
        input_ty,
        output_ty,
        output_shape,
    } = io;
    let field_tys = computes.iter().map(|c| &c.ty);
    let aux_tys = computes.iter().map(|c| {
        let (ty, i, o) = (&c.ty, c.in_len, c.out_len);
        quote!( [<#ty as __nn::Layer<T, #i, #o>>::Aux; __NN_B] )
    });
    let zero_acts = plan.sizes.iter().enumerate().map(|(k, s)| {
        let a = act(k);
        quote!( #a: [[<T as __nn::Float>::ZERO; #s]; __NN_B], )
    });
    let zero_aux = computes.iter().enumerate().map(|(k, c)| {
        let (x, l) = (aux(k), c.path());
        quote!( #x: [#l::ZEROED_AUX; __NN_B], )
    });
    let zeroed_fields = computes.iter().map(|c| {
        let (f, l) = (c.field, c.path());
        quote!( #f: #l::ZEROED, )
    });
    let new_const = new_const(computes);
    let (out, [g0, g1]) = (plan.output(), plan.gradient);
    let ram = super::inference_elems(computes, plan);
    // nn-core's count, which the block checks against the macro's.
    let plan_elems = plan.inference_elems();
    let scratches = computes.iter().map(|c| {
        let l = c.path();
        quote!(#l::SCRATCH)
    });
    let input_shape = &net.input;
    let last = super::act(plan.layers());
    // rustc's "method defined here" note then shows the declared input shape.
    let forward = Ident::new("forward", Span::call_site().located_at(net.input_span));
    let inference = forward::inference(computes, plan, input_ty, output_ty);
    let training = forward::training(computes);
    let buffer_updates = forward::buffer_updates(computes);
    let backward = backward::body(computes, plan);
    let tensors = tensors::items(computes);
    // nn-core's own count, which the block checks against the macro's.
    let with_params: Vec<&Compute> = computes
        .iter()
        .filter(|c| c.layer.kind.has_params())
        .collect();
    let params_sum = tensors::sum(&with_params, "PARAMS");
    quote! {
        // SAFETY: every field is a `Zeroable` layer, as the where-clause
        // makes the compiler check.
        unsafe impl<T: __nn::Float> __nn::Zeroable for #name<T>
        where #(#field_tys: __nn::Zeroable,)*
        {}

        // SAFETY: float arrays and arrays of `Zeroable` records, as checked.
        unsafe impl<T: __nn::Float, const __NN_B: usize> __nn::Zeroable for #trace<T, __NN_B>
        where #(#aux_tys: __nn::Zeroable,)*
        {}

        impl<T: __nn::Float, const __NN_B: usize> #trace<T, __NN_B> {
            /// A trace full of zeros (a `static` of it is in `.bss`).
            pub const fn zeroed() -> Self {
                Self {
                    #(#zero_acts)*
                    #(#zero_aux)*
                    __nn_d_out: [[<T as __nn::Float>::ZERO; #out]; __NN_B],
                    __nn_sides: [__nn::Side::len(0); __NN_B],
                    __nn_g0: [[<T as __nn::Float>::ZERO; #g0]; __NN_B],
                    __nn_g1: [[<T as __nn::Float>::ZERO; #g1]; __NN_B],
                }
            }
        }

        impl<T: __nn::Float> #name<T> {
            /// Number of learned parameters.
            pub const PARAMS: usize = #params;
            /// Bytes of the parameters.
            pub const PARAM_BYTES: usize = #params * ::core::mem::size_of::<T>();
            /// Bytes an inference pass needs besides the parameters: input,
            /// output, two activation buffers and the largest layer scratch
            /// (a recurrent layer's state and gates).
            pub const INFERENCE_RAM_BYTES: usize = #ram * ::core::mem::size_of::<T>();
            /// The input shape, outermost first.
            pub const INPUT_SHAPE: &'static [usize] = &[#(#input_shape),*];
            /// The output shape, outermost first.
            pub const OUTPUT_SHAPE: &'static [usize] = &[#(#output_shape),*];
            /// The architecture as a table (also in this type's docs).
            pub const SUMMARY: &'static str = #summary;
        }

        // Unbounded, with the bound on each method: `Net::<i32>::new(0)`
        // is then one error in `Float`'s words, not a second one about
        // an impl whose bounds do not hold.
        impl<T> #name<T> {
            /// Every parameter zero; usable in a `static`.
            pub const fn zeroed() -> Self where T: __nn::Float {
                Self { #(#zeroed_fields)* }
            }

            /// A network initialised from `seed` (He for layers feeding a
            /// ReLU-family activation, Xavier otherwise). Built on the stack:
            /// use `new_boxed` for large networks.
            pub fn new(seed: u64) -> Self where T: __nn::Float {
                let mut net = Self::zeroed();
                __nn::Params::<T>::init(&mut net, &mut __nn::Rng::seed(seed));
                net
            }

            #new_const

            /// Inference on one sample; allocates nothing.
            pub fn #forward(&self, x: &#input_ty) -> #output_ty where T: __nn::Float {
                <Self as __nn::Network<T>>::forward(self, x)
            }

            fn __nn_backward<const __NN_B: usize>(&self, trace: &mut #trace<T, __NN_B>, grads: &mut Self, want_input: bool) where T: __nn::Float {
                #backward
            }
        }

        impl<T: __nn::Float> __nn::Network<T> for #name<T> {
            type Input = #input_ty;
            type Output = #output_ty;
            type Trace<const __NN_B: usize> = #trace<T, __NN_B>;

            const INFERENCE_RAM_BYTES: usize =
                (#plan_elems + __nn::largest(&[#(#scratches),*])) * ::core::mem::size_of::<T>();
            const SUMMARY: &'static str = #summary;

            #[inline]
            fn forward_with(&self, x: &#input_ty, side: __nn::Side) -> #output_ty {
                #inference
            }

            fn forward_train_shared<const __NN_B: usize>(
                &self,
                x: &[#input_ty; __NN_B],
                sides: &[__nn::Side; __NN_B],
                trace: &mut #trace<T, __NN_B>,
                ctx: &mut __nn::TrainCtx,
            ) {
                trace.__nn_sides = *sides;
                trace.__nn_a0.as_flattened_mut().copy_from_slice(<#input_ty as __nn::Tensor<T>>::slice_flat(x));
                #training
            }

            #buffer_updates

            fn output<const __NN_B: usize>(trace: &#trace<T, __NN_B>) -> &[#output_ty; __NN_B] {
                __nn::batch_view::<T, #output_ty, __NN_B>(trace.#last.as_flattened())
            }

            fn output_and_grad<const __NN_B: usize>(
                trace: &mut #trace<T, __NN_B>,
            ) -> (&[#output_ty; __NN_B], &mut [#output_ty; __NN_B]) {
                (
                    __nn::batch_view::<T, #output_ty, __NN_B>(trace.#last.as_flattened()),
                    __nn::batch_view_mut::<T, #output_ty, __NN_B>(trace.__nn_d_out.as_flattened_mut()),
                )
            }

            fn backward<const __NN_B: usize>(&self, trace: &mut #trace<T, __NN_B>, grads: &mut Self) {
                self.__nn_backward(trace, grads, false);
            }

            fn backward_input<'__nn_t, const __NN_B: usize>(
                &self,
                trace: &'__nn_t mut #trace<T, __NN_B>,
                grads: &mut Self,
            ) -> &'__nn_t [#input_ty; __NN_B] {
                self.__nn_backward(trace, grads, true);
                __nn::batch_view::<T, #input_ty, __NN_B>(trace.__nn_g0.as_flattened())
            }
        }

        impl<T: __nn::Float> __nn::Params<T> for #name<T> {
            const PARAMS: usize = 0 #params_sum;
            const PARAM_BYTES: usize = Self::PARAMS * ::core::mem::size_of::<T>();
            const ZEROED: Self = Self::zeroed();
            #tensors
        }
    }
}

/// `new_const(seed)`: `new(seed)` in a `const fn`, layer by layer through
/// nn-core's `init_const`, when every layer's initialisation can run
/// there (uniform or constant, no bidirectional or routing layer);
/// otherwise a `new_const` whose call is one compile error naming the
/// layer.
fn new_const(computes: &[Compute]) -> TokenStream {
    let blocker = computes
        .iter()
        .find_map(|c| c.layer.kind.const_init().err().map(|why| (c, why)));
    if let Some((c, why)) = blocker {
        // Declared anyway, so that calling it is one error, on the layer,
        // that says why; raised only when it is called (the assertion
        // depends on `T`).
        let message = format!(
            "`new_const` cannot initialise layer `{}` ({}) in a `const fn`: {why}; build the network with `new` at run time, or give the layer a uniform `init`",
            c.field,
            c.layer.kind.describe()
        );
        let assert = quote_spanned! {c.field.span()=>
            const { ::core::assert!(::core::mem::size_of::<T>() == 0, #message) }
        };
        return quote! {
            /// Not available for this network: calling it is a compile
            /// error that names the layer (see the `network!` reference).
            pub const fn new_const(_seed: u64) -> Self where T: __nn::Float {
                #assert;
                Self::zeroed()
            }
        };
    }
    let inits: Vec<TokenStream> = computes
        .iter()
        .filter(|c| c.layer.kind.has_params())
        .map(|c| {
            let (f, init) = (c.field, c.layer.kind.init());
            quote!( net.#f.init_const(#init, &mut rng); )
        })
        .collect();
    let body = if inits.is_empty() {
        quote!( let _ = seed; Self::zeroed() )
    } else {
        quote!( let (mut rng, mut net) = (__nn::Rng::seed(seed), Self::zeroed()); #(#inits)* net )
    };
    quote! {
        /// [`new(seed)`](Self::new) at compile time, to the bit (for a `static`).
        pub const fn new_const(seed: u64) -> Self where T: __nn::Float { #body }
    }
}
