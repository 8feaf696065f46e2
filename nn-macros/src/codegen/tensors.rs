//! Network-wide numbering of parameter tensors and buffers: index `i` is
//! dispatched to the layer it falls in.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::Ident;

use super::Compute;

/// Each layer in turn owns its next `count` indices (`TENSORS` or
/// `BUFFERS`); `hit(layer path, field, field name)` is returned for the
/// layer-local index `__nn_i`.
pub fn numbered(
    layers: &[&Compute],
    count: &str,
    hit: impl Fn(&TokenStream, &Ident, &str) -> TokenStream,
) -> TokenStream {
    let count = Ident::new(count, Span::call_site());
    let steps = layers.iter().map(|c| {
        let l = c.path();
        let call = hit(&l, c.field, &c.layer.file_name);
        quote!(
            if __nn_i < #l::#count { return #call; }
            __nn_i -= #l::#count;
        )
    });
    quote!( let mut __nn_i = i; #(#steps)* )
}

/// `+ L1::COUNT + L2::COUNT ...` over `layers`.
pub fn sum(layers: &[&Compute], count: &str) -> TokenStream {
    let count = Ident::new(count, Span::call_site());
    let terms = layers.iter().map(|c| {
        let l = c.path();
        quote!( + #l::#count )
    });
    quote!( #(#terms)* )
}

/// The `Network` items that number the tensors (and the buffers, for
/// networks that have any).
pub fn items(computes: &[Compute]) -> TokenStream {
    let params: Vec<&Compute> = computes
        .iter()
        .filter(|c| c.layer.kind.has_params())
        .collect();
    let tensor = numbered(
        &params,
        "TENSORS",
        |l, f, _| quote!(#l::tensor(&self.#f, __nn_i)),
    );
    let tensor_mut = numbered(
        &params,
        "TENSORS",
        |l, f, _| quote!(#l::tensor_mut(&mut self.#f, __nn_i)),
    );
    let info = numbered(&params, "TENSORS", |l, _, name| {
        quote!(#l::tensor_info(__nn_i).map(|mut __nn_info| {
            __nn_info.layer = #name;
            __nn_info
        }))
    });
    let tensors = sum(&params, "TENSORS");
    let init = params.iter().map(|c| {
        let (f, l, init) = (c.field, c.path(), c.layer.kind.init());
        quote!( #l::init(&mut self.#f, #init, rng); )
    });
    let allow = quote!(#[allow(unused_mut, unused_variables, reason = "networks without parameters or buffers")]);
    let buffers = buffer_items(computes, &allow);
    quote! {
        const TENSORS: usize = 0 #tensors;
        #allow
        fn tensor(&self, i: usize) -> &[T] { #tensor &[] }
        #allow
        fn tensor_mut(&mut self, i: usize) -> &mut [T] { #tensor_mut &mut [] }
        #allow
        fn tensor_info(i: usize) -> ::core::option::Option<__nn::TensorInfo> {
            #info
            ::core::option::Option::None
        }
        #allow
        fn init(&mut self, rng: &mut __nn::Rng) { #(#init)* }
        #buffers
    }
}

/// Batch norm's running statistics; nothing for networks without them
/// (the trait's defaults say there are none).
fn buffer_items(computes: &[Compute], allow: &TokenStream) -> TokenStream {
    let layers: Vec<&Compute> = computes
        .iter()
        .filter(|c| c.layer.kind.has_buffers())
        .collect();
    if layers.is_empty() {
        return quote!();
    }
    let buffer = numbered(
        &layers,
        "BUFFERS",
        |l, f, _| quote!(#l::buffer(&self.#f, __nn_i)),
    );
    let buffer_mut = numbered(
        &layers,
        "BUFFERS",
        |l, f, _| quote!(#l::buffer_mut(&mut self.#f, __nn_i)),
    );
    let name = numbered(
        &layers,
        "BUFFERS",
        |l, _, name| quote!(#l::buffer_name(__nn_i).map(|__nn_n| (#name, __nn_n))),
    );
    let count = sum(&layers, "BUFFERS");
    quote! {
        const BUFFERS: usize = 0 #count;
        #allow
        fn buffer(&self, i: usize) -> &[T] { #buffer &[] }
        #allow
        fn buffer_mut(&mut self, i: usize) -> &mut [T] { #buffer_mut &mut [] }
        #allow
        fn buffer_name(i: usize) -> ::core::option::Option<(&'static str, &'static str)> {
            #name
            ::core::option::Option::None
        }
    }
}
