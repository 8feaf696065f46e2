//! `BatchNorm` (per feature of a 1-d input, per channel of `[C, ..]`) and
//! `LayerNorm` (over all features of a sample, or over each step of a
//! recurrent layer's `[steps, hidden]` sequence output). Momentum 0.1 and epsilon
//! 1e-5, as PyTorch's defaults.

use proc_macro2::TokenStream;
use quote::quote;

use super::Args;
use crate::ir::Shape;

/// Channels and positions per channel of a batch-norm input: `[N]` is N
/// features at one position; `[C, H, W]` is C channels at H*W positions.
pub fn channels(input: &[usize]) -> (usize, usize) {
    match input {
        [n] => (*n, 1),
        [c, rest @ ..] => (*c, rest.iter().product()),
        [] => (1, 1),
    }
}

pub fn check(batch: bool, args: &mut Args, input: Option<&Shape>) -> syn::Result<Option<Shape>> {
    args.no_args_because(if batch {
        "momentum 0.1 and eps 1e-5 are fixed, PyTorch's defaults"
    } else {
        "it normalises the whole sample with eps 1e-5, PyTorch's default"
    });
    Ok(input.cloned())
}

pub fn batch_norm_ty(p: &TokenStream, t: &TokenStream, input: &[usize]) -> TokenStream {
    let (c, s) = channels(input);
    let n = c * s;
    quote!(#p::BatchNorm<#t, #c, #s, #n>)
}

/// `LayerNorm<T, R, D, N>`: `rows` rows of `n / rows` features.
pub fn layer_norm_ty(p: &TokenStream, t: &TokenStream, rows: usize, n: usize) -> TokenStream {
    let rows = rows.max(1);
    let d = n / rows;
    quote!(#p::LayerNorm<#t, #rows, #d, #n>)
}
