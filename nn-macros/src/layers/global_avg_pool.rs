//! `GlobalAvgPool`: the mean over all positions of each channel,
//! `[C, H, W]` or `[C, L]` to `[C]`.

use proc_macro2::TokenStream;
use quote::quote;

use super::Args;
use crate::ir::{show, Shape};

pub fn check(args: &mut Args, input: Option<&Shape>, prev: &str) -> syn::Result<Option<Shape>> {
    match input {
        Some(s) if s.len() < 2 => Err(syn::Error::new(
            args.kind_span(),
            format!(
                "`GlobalAvgPool` averages the positions of each channel of a [channels, ..] input, but `{prev}` gives {}",
                show(s)
            ),
        )),
        Some(s) => Ok(Some(vec![s[0]])),
        None => Ok(None),
    }
}

pub fn ty(t: &TokenStream, input: &[usize]) -> TokenStream {
    let c = input[0];
    let s: usize = input[1..].iter().product();
    let i = c * s;
    quote!(::nn::__private::GlobalAvgPool<#t, #c, #s, #i>)
}
