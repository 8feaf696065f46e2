//! Writes the Rust for a checked network: the parameter struct, its
//! training trace, the `Network` impl, inherent conveniences, constants
//! and the summary table.
//!
//! Activation `k` is the input of the `k`-th computing layer (views such
//! as `Flatten` compute nothing and are skipped). Inference keeps
//! intermediate activations in two ping-pong buffers (odd and even `k`);
//! training keeps every activation of the batch in the trace, with two
//! ping-pong buffers for the gradients flowing back.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::Ident;

use crate::ir::{self, len, show, Network};

/// One layer that computes something (not a view).
struct Compute<'a> {
    layer: &'a ir::Layer,
    field: &'a Ident,
    ty: TokenStream,
    in_len: usize,
    out_len: usize,
}

impl Compute<'_> {
    /// `<Ty as Layer<T, I, O>>`, the path of the layer's trait items.
    fn path(&self, t: &TokenStream) -> TokenStream {
        let (ty, i, o) = (&self.ty, self.in_len, self.out_len);
        quote!(<#ty as ::nn::__private::Layer<#t, #i, #o>>)
    }
}

pub fn network(net: &Network) -> TokenStream {
    let t = quote!(T);
    let name = &net.name;
    let vis = &net.vis;
    let attrs = &net.attrs;
    let trace_name = format_ident!("{}Trace", name);

    let computes: Vec<Compute> = net
        .layers
        .iter()
        .filter(|l| !l.kind.is_view())
        .map(|l| {
            let (i, o) = (len(&l.input), len(&l.output));
            Compute {
                layer: l,
                field: &l.name,
                ty: l.kind.ty(&t, &l.input, &l.output),
                in_len: i,
                out_len: o,
            }
        })
        .collect();
    let k_count = computes.len();
    // Flat sizes of activations 0..=K.
    let mut sizes: Vec<usize> = vec![len(&net.input)];
    sizes.extend(computes.iter().map(|c| c.out_len));
    let output_shape = net
        .layers
        .last()
        .map_or(net.input.clone(), |l| l.output.clone());
    let in_len = sizes[0];
    let out_len = sizes[k_count];
    let input_ty = nested(&t, &net.input);
    let output_ty = nested(&t, &output_shape);

    // Inference buffers hold activations 1..K-1 by parity.
    let max_by_parity = |range: std::ops::Range<usize>, parity: usize| {
        range
            .filter(|k| k % 2 == parity)
            .map(|k| sizes[k])
            .max()
            .unwrap_or(0)
    };
    let inf_buf = [max_by_parity(1..k_count, 0), max_by_parity(1..k_count, 1)];
    // Gradient buffers hold d(activation k) for k in 0..K by parity.
    let grad_buf = [max_by_parity(0..k_count, 0), max_by_parity(0..k_count, 1)];
    let inference_elems = in_len + out_len + inf_buf[0] + inf_buf[1];
    let params: usize = computes
        .iter()
        .map(|c| c.layer.kind.params(&c.layer.input, &c.layer.output))
        .sum();

    let summary = summary(net, params, inference_elems);
    let summary_doc = format!("\n\n# Architecture\n\n```text\n{summary}```\n");

    // ---- the parameter struct ----
    let fields = computes.iter().map(|c| {
        let f = c.field;
        let ty = &c.ty;
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
    let field_tys: Vec<&TokenStream> = computes.iter().map(|c| &c.ty).collect();
    let zeroed_fields = computes.iter().map(|c| {
        let (f, ty, i, o) = (c.field, &c.ty, c.in_len, c.out_len);
        quote!( #f: <#ty as ::nn::__private::Layer<#t, #i, #o>>::ZEROED, )
    });

    // ---- the trace ----
    let act = |k: usize| format_ident!("__nn_a{}", k);
    let aux = |k: usize| format_ident!("__nn_aux{}", k);
    let trace_fields = (0..=k_count).map(|k| {
        let (a, s) = (act(k), sizes[k]);
        quote!( #a: [[#t; #s]; __NN_B], )
    });
    let aux_fields = computes.iter().enumerate().map(|(k, c)| {
        let (x, ty, i, o) = (aux(k), &c.ty, c.in_len, c.out_len);
        quote!( #x: [<#ty as ::nn::__private::Layer<#t, #i, #o>>::Aux; __NN_B], )
    });
    let aux_tys: Vec<TokenStream> = computes
        .iter()
        .map(|c| {
            let (ty, i, o) = (&c.ty, c.in_len, c.out_len);
            quote!( [<#ty as ::nn::__private::Layer<#t, #i, #o>>::Aux; __NN_B] )
        })
        .collect();
    let trace_zero_acts = (0..=k_count).map(|k| {
        let (a, s) = (act(k), sizes[k]);
        quote!( #a: [[<#t as ::nn::__private::Float>::ZERO; #s]; __NN_B], )
    });
    let trace_zero_aux = computes.iter().enumerate().map(|(k, c)| {
        let (x, ty, i, o) = (aux(k), &c.ty, c.in_len, c.out_len);
        quote!( #x: [<#ty as ::nn::__private::Layer<#t, #i, #o>>::ZEROED_AUX; __NN_B], )
    });
    let [g0, g1] = grad_buf;

    // ---- inference forward ----
    let buf = |p: usize| format_ident!("__nn_b{}", p);
    let inference_steps = computes.iter().enumerate().map(|(k, c)| {
        let (f, ty, i, o) = (c.field, &c.ty, c.in_len, c.out_len);
        let x = if k == 0 {
            quote!(__nn_x)
        } else {
            let (b, m) = (buf(k % 2), inf_buf[k % 2]);
            quote!(::nn::__private::prefix::<#t, #i, #m>(&#b))
        };
        let y = if k + 1 == k_count {
            quote!(__nn_y)
        } else {
            let (b, m) = (buf((k + 1) % 2), inf_buf[(k + 1) % 2]);
            quote!(::nn::__private::prefix_mut::<#t, #o, #m>(&mut #b))
        };
        if c.layer.kind.reads_len() {
            quote_spanned!(c.layer.span=> <#ty as ::nn::__private::Layer<#t, #i, #o>>::forward_seq(&self.#f, #x, #y, len);)
        } else {
            quote_spanned!(c.layer.span=> <#ty as ::nn::__private::Layer<#t, #i, #o>>::forward(&self.#f, #x, #y);)
        }
    });
    let [ib0, ib1] = inf_buf;

    // ---- training forward ----
    let train_steps = computes.iter().enumerate().map(|(k, c)| {
        let (f, ty, i, o) = (c.field, &c.ty, c.in_len, c.out_len);
        let (a_in, a_out, x) = (act(k), act(k + 1), aux(k));
        if c.layer.kind.reads_len() {
            quote!(
                <#ty as ::nn::__private::Layer<#t, #i, #o>>::forward_train_seq(
                    &mut self.#f, &trace.#a_in, &mut trace.#a_out, &mut trace.#x, &trace.__nn_lens, ctx,
                );
            )
        } else {
            quote!(
                <#ty as ::nn::__private::Layer<#t, #i, #o>>::forward_train(
                    &mut self.#f, &trace.#a_in, &mut trace.#a_out, &mut trace.#x, ctx,
                );
            )
        }
    });
    let last_act = act(k_count);

    // ---- backward ----
    let gbuf = |p: usize| format_ident!("__nn_g{}", p);
    let backward_steps = computes.iter().enumerate().rev().map(|(k, c)| {
        let (f, ty, i, o) = (c.field, &c.ty, c.in_len, c.out_len);
        let (a_in, a_out, x) = (act(k), act(k + 1), aux(k));
        let dy = if k + 1 == k_count {
            quote!(&trace.__nn_d_out)
        } else {
            let (g, m) = (gbuf((k + 1) % 2), grad_buf[(k + 1) % 2]);
            quote!(::nn::__private::rows::<#t, #o, #m, __NN_B>(&trace.#g))
        };
        let (g, m) = (gbuf(k % 2), grad_buf[k % 2]);
        let dx_some = quote!(::core::option::Option::Some(
            ::nn::__private::rows_mut::<#t, #i, #m, __NN_B>(&mut trace.#g)
        ));
        let dx = if k == 0 {
            quote!(if want_input { #dx_some } else { ::core::option::Option::None })
        } else {
            dx_some
        };
        if c.layer.kind.reads_len() {
            quote!(
                <#ty as ::nn::__private::Layer<#t, #i, #o>>::backward_seq(
                    &self.#f, &trace.#a_in, &trace.#a_out, &trace.#x, #dy, #dx, &mut grads.#f, &trace.__nn_lens,
                );
            )
        } else {
            quote!(
                <#ty as ::nn::__private::Layer<#t, #i, #o>>::backward(
                    &self.#f, &trace.#a_in, &trace.#a_out, &trace.#x, #dy, #dx, &mut grads.#f,
                );
            )
        }
    });

    // ---- parameter tensors ----
    let param_layers: Vec<&Compute> = computes
        .iter()
        .filter(|c| c.layer.kind.has_params())
        .collect();
    let tensor_body = numbered(
        &param_layers,
        &t,
        "TENSORS",
        |l, f, _| quote!(#l::tensor(&self.#f, __nn_i)),
    );
    let tensor_mut_body = numbered(
        &param_layers,
        &t,
        "TENSORS",
        |l, f, _| quote!(#l::tensor_mut(&mut self.#f, __nn_i)),
    );
    let info_body = numbered(&param_layers, &t, "TENSORS", |l, _, name| {
        quote!(#l::tensor_info(__nn_i).map(|mut __nn_info| {
            __nn_info.layer = #name;
            __nn_info
        }))
    });
    let tensors_sum = sum(&param_layers, &t, "TENSORS");
    let params_sum = sum(&param_layers, &t, "PARAMS");
    // ---- buffers (batch norm's running statistics) ----
    let buffer_layers: Vec<&Compute> = computes
        .iter()
        .filter(|c| c.layer.kind.has_buffers())
        .collect();
    let buffer_body = numbered(
        &buffer_layers,
        &t,
        "BUFFERS",
        |l, f, _| quote!(#l::buffer(&self.#f, __nn_i)),
    );
    let buffer_mut_body = numbered(
        &buffer_layers,
        &t,
        "BUFFERS",
        |l, f, _| quote!(#l::buffer_mut(&mut self.#f, __nn_i)),
    );
    let buffer_name_body = numbered(
        &buffer_layers,
        &t,
        "BUFFERS",
        |l, _, name| quote!(#l::buffer_name(__nn_i).map(|__nn_n| (#name, __nn_n))),
    );
    let buffers_sum = sum(&buffer_layers, &t, "BUFFERS");
    let buffer_items = if buffer_layers.is_empty() {
        quote!()
    } else {
        quote! {
            const BUFFERS: usize = 0 #buffers_sum;

            #[allow(unused_mut, unused_variables, reason = "networks without parameters or buffers")]
            fn buffer(&self, i: usize) -> &[#t] {
                #buffer_body
                &[]
            }

            #[allow(unused_mut, unused_variables, reason = "networks without parameters or buffers")]
            fn buffer_mut(&mut self, i: usize) -> &mut [#t] {
                #buffer_mut_body
                &mut []
            }

            #[allow(unused_mut, unused_variables, reason = "networks without parameters or buffers")]
            fn buffer_name(i: usize) -> ::core::option::Option<(&'static str, &'static str)> {
                #buffer_name_body
                ::core::option::Option::None
            }
        }
    };

    let init_steps = param_layers.iter().map(|c| {
        let (f, ty, i, o) = (c.field, &c.ty, c.in_len, c.out_len);
        let init = c.layer.kind.init();
        quote!( <#ty as ::nn::__private::Layer<#t, #i, #o>>::init(&mut self.#f, #init, rng); )
    });

    let trace_doc = format!(
        "Training trace of [`{name}`] for a batch of `B` samples: every activation, the \
         per-layer records backward needs, and the gradient buffers. Build it with \
         `{name}::new_trace::<B>()` (boxed) or `{trace_name}::zeroed()` (e.g. in a `static`)."
    );
    let input_shape = &net.input;
    let output_shape_lit = &output_shape;
    let params_check_msg =
        format!("nn-core's parameter count of `{name}` differs from the macro's");
    let check_span = Span::call_site();
    // rustc's "method defined here" note then shows the declared input shape.
    let forward = Ident::new("forward", net.input_span);
    let param_check = quote_spanned!(check_span=>
        const _: () = ::core::assert!(
            <#name<f32> as ::nn::__private::Network<f32>>::PARAMS == #params,
            #params_check_msg
        );
    );

    quote! {
        #(#attrs)*
        #[doc = #summary_doc]
        #vis struct #name<#t: ::nn::__private::Float = f32> {
            #(#fields)*
        }

        #[doc = #trace_doc]
        #vis struct #trace_name<#t: ::nn::__private::Float, const __NN_B: usize> {
            #(#trace_fields)*
            #(#aux_fields)*
            __nn_d_out: [[#t; #out_len]; __NN_B],
            __nn_lens: [usize; __NN_B],
            __nn_g0: [[#t; #g0]; __NN_B],
            __nn_g1: [[#t; #g1]; __NN_B],
        }

        // SAFETY: every field is a float array or a `Zeroable` layer, as the
        // where-clause makes the compiler check.
        unsafe impl<#t: ::nn::__private::Float> ::nn::__private::Zeroable for #name<#t>
        where #(#field_tys: ::nn::__private::Zeroable,)*
        {}

        // SAFETY: float arrays and arrays of `Zeroable` records, as checked below.
        unsafe impl<#t: ::nn::__private::Float, const __NN_B: usize> ::nn::__private::Zeroable for #trace_name<#t, __NN_B>
        where #(#aux_tys: ::nn::__private::Zeroable,)*
        {}

        impl<#t: ::nn::__private::Float, const __NN_B: usize> #trace_name<#t, __NN_B> {
            /// A trace full of zeros (usable in a `static`).
            pub const fn zeroed() -> Self {
                Self {
                    #(#trace_zero_acts)*
                    #(#trace_zero_aux)*
                    __nn_d_out: [[<#t as ::nn::__private::Float>::ZERO; #out_len]; __NN_B],
                    __nn_lens: [0; __NN_B],
                    __nn_g0: [[<#t as ::nn::__private::Float>::ZERO; #g0]; __NN_B],
                    __nn_g1: [[<#t as ::nn::__private::Float>::ZERO; #g1]; __NN_B],
                }
            }
        }

        impl<#t: ::nn::__private::Float> #name<#t> {
            /// Number of learned parameters.
            pub const PARAMS: usize = #params;
            /// Bytes of the parameters.
            pub const PARAM_BYTES: usize = #params * ::core::mem::size_of::<#t>();
            /// Bytes an inference pass needs besides the parameters (input,
            /// output and two activation buffers).
            pub const INFERENCE_RAM_BYTES: usize = #inference_elems * ::core::mem::size_of::<#t>();
            /// The input shape, outermost first.
            pub const INPUT_SHAPE: &'static [usize] = &[#(#input_shape),*];
            /// The output shape, outermost first.
            pub const OUTPUT_SHAPE: &'static [usize] = &[#(#output_shape_lit),*];
            /// The architecture as a table (also in this type's docs).
            pub const SUMMARY: &'static str = #summary;

            /// Every parameter zero; usable in a `static`.
            pub const fn zeroed() -> Self {
                Self { #(#zeroed_fields)* }
            }

            /// A network initialised from `seed` (He for layers feeding a
            /// ReLU-family activation, Xavier otherwise). Built on the stack:
            /// use `new_boxed` for large networks.
            pub fn new(seed: u64) -> Self {
                let mut net = Self::zeroed();
                ::nn::__private::Network::<#t>::init(&mut net, &mut ::nn::__private::Rng::seed(seed));
                net
            }

            /// Inference on one sample; allocates nothing.
            pub fn #forward(&self, x: &#input_ty) -> #output_ty {
                <Self as ::nn::__private::Network<#t>>::forward(self, x)
            }

            fn __nn_backward<const __NN_B: usize>(
                &self,
                trace: &mut #trace_name<#t, __NN_B>,
                grads: &mut Self,
                want_input: bool,
            ) {
                #(#backward_steps)*
            }
        }

        impl<#t: ::nn::__private::Float> ::nn::__private::Network<#t> for #name<#t> {
            type Input = #input_ty;
            type Output = #output_ty;
            type Trace<const __NN_B: usize> = #trace_name<#t, __NN_B>;

            const PARAMS: usize = 0 #params_sum;
            const PARAM_BYTES: usize = Self::PARAMS * ::core::mem::size_of::<#t>();
            const INFERENCE_RAM_BYTES: usize = #inference_elems * ::core::mem::size_of::<#t>();
            const TENSORS: usize = 0 #tensors_sum;
            const SUMMARY: &'static str = #summary;
            const ZEROED: Self = Self::zeroed();

            #[inline]
            fn forward(&self, x: &#input_ty) -> #output_ty {
                self.forward_len(x, usize::MAX)
            }

            #[inline]
            #[allow(unused_variables, reason = "only recurrent layers read `len`")]
            fn forward_len(&self, x: &#input_ty, len: usize) -> #output_ty {
                let __nn_x: &[#t; #in_len] = ::nn::__private::as_row::<#t, #input_ty, #in_len>(x);
                let mut __nn_b0 = [<#t as ::nn::__private::Float>::ZERO; #ib0];
                let mut __nn_b1 = [<#t as ::nn::__private::Float>::ZERO; #ib1];
                let mut __nn_out = <#output_ty as ::nn::__private::Tensor<#t>>::ZEROS;
                {
                    let __nn_y: &mut [#t; #out_len] = ::nn::__private::as_row_mut::<#t, #output_ty, #out_len>(&mut __nn_out);
                    #(#inference_steps)*
                }
                let _ = (&mut __nn_b0, &mut __nn_b1);
                __nn_out
            }

            fn forward_train_len<const __NN_B: usize>(
                &mut self,
                x: &[#input_ty; __NN_B],
                lens: &[usize; __NN_B],
                trace: &mut #trace_name<#t, __NN_B>,
                ctx: &mut ::nn::__private::TrainCtx,
            ) {
                trace.__nn_lens = *lens;
                trace.__nn_a0
                    .as_flattened_mut()
                    .copy_from_slice(<#input_ty as ::nn::__private::Tensor<#t>>::slice_flat(x));
                #(#train_steps)*
            }

            fn output<const __NN_B: usize>(trace: &#trace_name<#t, __NN_B>) -> &[#output_ty; __NN_B] {
                ::nn::__private::batch_view::<#t, #output_ty, __NN_B>(trace.#last_act.as_flattened())
            }

            fn output_and_grad<const __NN_B: usize>(
                trace: &mut #trace_name<#t, __NN_B>,
            ) -> (&[#output_ty; __NN_B], &mut [#output_ty; __NN_B]) {
                (
                    ::nn::__private::batch_view::<#t, #output_ty, __NN_B>(trace.#last_act.as_flattened()),
                    ::nn::__private::batch_view_mut::<#t, #output_ty, __NN_B>(trace.__nn_d_out.as_flattened_mut()),
                )
            }

            fn backward<const __NN_B: usize>(&self, trace: &mut #trace_name<#t, __NN_B>, grads: &mut Self) {
                self.__nn_backward(trace, grads, false);
            }

            fn backward_input<'__nn_t, const __NN_B: usize>(
                &self,
                trace: &'__nn_t mut #trace_name<#t, __NN_B>,
                grads: &mut Self,
            ) -> &'__nn_t [#input_ty; __NN_B] {
                self.__nn_backward(trace, grads, true);
                ::nn::__private::batch_view::<#t, #input_ty, __NN_B>(trace.__nn_g0.as_flattened())
            }

            #[allow(unused_mut, unused_variables, reason = "networks without parameters or buffers")]
            fn tensor(&self, i: usize) -> &[#t] {
                #tensor_body
                &[]
            }

            #[allow(unused_mut, unused_variables, reason = "networks without parameters or buffers")]
            fn tensor_mut(&mut self, i: usize) -> &mut [#t] {
                #tensor_mut_body
                &mut []
            }

            #[allow(unused_mut, unused_variables, reason = "networks without parameters or buffers")]
            fn tensor_info(i: usize) -> ::core::option::Option<::nn::__private::TensorInfo> {
                #info_body
                ::core::option::Option::None
            }

            #[allow(unused_variables, reason = "networks without parameters")]
            fn init(&mut self, rng: &mut ::nn::__private::Rng) {
                #(#init_steps)*
            }

            #buffer_items
        }

        #param_check
    }
}

/// Dispatches a network-wide index `i` (of tensors or buffers) to the
/// layer it falls in: each layer in turn owns its next `count` indices
/// (`TENSORS` or `BUFFERS`), and `hit(layer path, field, field name)` is
/// returned for the layer-local index `__nn_i`.
fn numbered(
    layers: &[&Compute],
    t: &TokenStream,
    count: &str,
    hit: impl Fn(&TokenStream, &Ident, &str) -> TokenStream,
) -> TokenStream {
    let count = Ident::new(count, Span::call_site());
    let steps = layers.iter().map(|c| {
        let l = c.path(t);
        let call = hit(&l, c.field, &c.field.to_string());
        quote!(
            if __nn_i < #l::#count { return #call; }
            __nn_i -= #l::#count;
        )
    });
    quote!( let mut __nn_i = i; #(#steps)* )
}

/// `+ L1::COUNT + L2::COUNT ...` over `layers`.
fn sum(layers: &[&Compute], t: &TokenStream, count: &str) -> TokenStream {
    let count = Ident::new(count, Span::call_site());
    let terms = layers.iter().map(|c| {
        let l = c.path(t);
        quote!( + #l::#count )
    });
    quote!( #(#terms)* )
}

/// `[[[T; W]; H]; C]` for shape `[C, H, W]`.
fn nested(t: &TokenStream, shape: &[usize]) -> TokenStream {
    shape
        .iter()
        .rev()
        .fold(t.clone(), |inner, d| quote!([#inner; #d]))
}

/// Thousands separators: 12,345.
fn grouped(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The Keras-style table.
fn summary(net: &Network, params: usize, inference_elems: usize) -> String {
    let mut rows: Vec<[String; 4]> =
        vec![["input".into(), "Input".into(), show(&net.input), "0".into()]];
    for l in &net.layers {
        rows.push([
            l.name.to_string(),
            l.kind.describe(),
            show(&l.output),
            grouped(l.kind.params(&l.input, &l.output)),
        ]);
    }
    let head = ["Layer", "Kind", "Output shape", "Params"];
    let mut w = head.map(str::len);
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(c.len());
        }
    }
    let line = |cells: [&str; 4]| {
        format!(
            "{:<w0$}  {:<w1$}  {:<w2$}  {:>w3$}\n",
            cells[0],
            cells[1],
            cells[2],
            cells[3],
            w0 = w[0],
            w1 = w[1],
            w2 = w[2],
            w3 = w[3]
        )
    };
    let total_w = w.iter().sum::<usize>() + 6;
    let mut s = format!("Network: {}\n", net.name);
    s += &line(head);
    s += &"=".repeat(total_w);
    s.push('\n');
    for r in &rows {
        s += &line([&r[0], &r[1], &r[2], &r[3]]);
    }
    s += &"=".repeat(total_w);
    s.push('\n');
    s += &format!(
        "Total params: {} ({} bytes as f32)\n",
        grouped(params),
        grouped(params * 4)
    );
    s += &format!(
        "Inference RAM: {} bytes as f32 (input, output, 2 buffers)\n",
        grouped(inference_elems * 4)
    );
    s
}
