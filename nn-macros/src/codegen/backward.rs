//! The backward pass over a batch: layers in reverse, each reading its
//! activations and records from the trace, with the gradients flowing
//! back through the trace's two ping-pong buffers.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{act, aux, Compute};
use crate::codegen::plan::Plan;

/// The body of the generated `__nn_backward`.
pub fn body(computes: &[Compute], plan: &Plan) -> TokenStream {
    let k_count = computes.len();
    let gbuf = |p: usize| format_ident!("__nn_g{}", p);
    let steps = computes.iter().enumerate().rev().map(|(k, c)| {
        let (f, l, i, o) = (c.field, c.path(), c.in_len, c.out_len);
        let (a_in, a_out, x) = (act(k), act(k + 1), aux(k));
        let dy = if k + 1 == k_count {
            quote!(&trace.__nn_d_out)
        } else {
            let (g, m) = (gbuf((k + 1) % 2), plan.gradient[(k + 1) % 2]);
            quote!(__nn::rows::<T, #o, #m, __NN_B>(&trace.#g))
        };
        let (g, m) = (gbuf(k % 2), plan.gradient[k % 2]);
        let dx_some = quote!(::core::option::Option::Some(__nn::rows_mut::<T, #i, #m, __NN_B>(&mut trace.#g)));
        // The network's input gradient only when asked for.
        let dx = if k == 0 {
            quote!(if want_input { #dx_some } else { ::core::option::Option::None })
        } else {
            dx_some
        };
        quote!(#l::backward_with(&self.#f, &trace.#a_in, &trace.#a_out, &trace.#x, #dy, #dx, &mut grads.#f, &trace.__nn_sides);)
    });
    quote!( #(#steps)* )
}
