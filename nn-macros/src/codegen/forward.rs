//! The forward passes: inference on one sample through the two ping-pong
//! buffers, and training over a batch into the trace.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};

use super::{act, aux, Compute};
use crate::codegen::plan::Plan;

/// The body of `Network::forward_with`.
pub fn inference(
    computes: &[Compute],
    plan: &Plan,
    input_ty: &TokenStream,
    output_ty: &TokenStream,
) -> TokenStream {
    let k_count = computes.len();
    let buf = |p: usize| format_ident!("__nn_b{}", p);
    let steps = computes.iter().enumerate().map(|(k, c)| {
        let (f, l, i, o) = (c.field, c.path(), c.in_len, c.out_len);
        let x = if k == 0 {
            quote!(__nn_x)
        } else {
            let (b, m) = (buf(k % 2), plan.inference[k % 2]);
            quote!(__nn::prefix::<T, #i, #m>(&#b))
        };
        let y = if k + 1 == k_count {
            quote!(__nn_y)
        } else {
            let (b, m) = (buf((k + 1) % 2), plan.inference[(k + 1) % 2]);
            quote!(__nn::prefix_mut::<T, #o, #m>(&mut #b))
        };
        // A type error in the call points at the layer's kind; resolution
        // stays at the call site, so `network!` works from `macro_rules!`.
        let span = Span::call_site().located_at(c.layer.span);
        quote_spanned!(span=> #l::forward_with(&self.#f, #x, #y, side);)
    });
    let [b0, b1] = plan.inference;
    let (n_in, n_out) = (plan.input(), plan.output());
    quote! {
        let __nn_x: &[T; #n_in] = __nn::as_row::<T, #input_ty, #n_in>(x);
        let mut __nn_b0 = [<T as __nn::Float>::ZERO; #b0];
        let mut __nn_b1 = [<T as __nn::Float>::ZERO; #b1];
        let mut __nn_out = <#output_ty as __nn::Tensor<T>>::ZEROS;
        {
            let __nn_y: &mut [T; #n_out] = __nn::as_row_mut::<T, #output_ty, #n_out>(&mut __nn_out);
            #(#steps)*
        }
        let _ = (&mut __nn_b0, &mut __nn_b1);
        __nn_out
    }
}

/// The layer calls of `Network::forward_train_shared`.
pub fn training(computes: &[Compute]) -> TokenStream {
    let steps = computes.iter().enumerate().map(|(k, c)| {
        let (f, l) = (c.field, c.path());
        let (a_in, a_out, x) = (act(k), act(k + 1), aux(k));
        quote!(#l::forward_train_with(&self.#f, &trace.#a_in, &mut trace.#a_out, &mut trace.#x, &trace.__nn_sides, ctx);)
    });
    quote!( #(#steps)* )
}

/// `Network::update_buffers`, for a network with layers that have
/// buffers (the trait's default, which moves nothing, otherwise).
pub fn buffer_updates(computes: &[Compute]) -> TokenStream {
    let steps: Vec<TokenStream> = computes
        .iter()
        .enumerate()
        .filter(|(_, c)| c.layer.kind.has_buffers())
        .map(|(k, c)| {
            let (f, l, x) = (c.field, c.path(), aux(k));
            quote!(#l::update_buffers(&mut self.#f, &trace.#x);)
        })
        .collect();
    if steps.is_empty() {
        return TokenStream::new();
    }
    quote! {
        fn update_buffers<const __NN_B: usize>(&mut self, trace: &Self::Trace<__NN_B>) {
            #(#steps)*
        }
    }
}
