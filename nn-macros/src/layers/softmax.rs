//! `Softmax` over a 1-d input.

use proc_macro2::TokenStream;
use quote::quote;

use super::Args;
use crate::ir::{show, Shape};

pub fn check(args: &mut Args, input: Option<&Shape>, prev: &str) -> syn::Result<Option<Shape>> {
    match input {
        Some(s) if s.len() != 1 => Err(syn::Error::new(
            args.kind_span(),
            format!(
                "`Softmax` expects a 1-d input, but `{prev}` gives {}; add `flat: Flatten,` before it (giving [{}])",
                show(s),
                s.iter().product::<usize>()
            ),
        )),
        other => Ok(other.cloned()),
    }
}

pub fn ty(p: &TokenStream, t: &TokenStream, n: usize) -> TokenStream {
    quote!(#p::Softmax<#t, #n>)
}
