//! `BatchNorm`: per feature of a 1-d input, per channel of `[C, ..]`.
//! Momentum 0.1 and epsilon 1e-5, PyTorch's defaults.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Entry, Kind, LayerKind};
use crate::shapes::Layout;

pub const ENTRY: Entry = Entry {
    names: &["BatchNorm"],
    // Not a sequence: it would normalise each step as a channel.
    reads: &[
        Layout::Flat,
        Layout::Image,
        Layout::Channels,
        Layout::Declared,
    ],
    he_init: &[],
    transparent: true,
    check: |cx| {
        cx.args
            .no_args_because("momentum 0.1 and eps 1e-5 are fixed, PyTorch's defaults");
        Ok((Box::new(BatchNorm) as Kind, cx.input.cloned()))
    },
};

/// Channels and positions per channel of a batch-norm input: `[N]` is N
/// features at one position; `[C, H, W]` is C channels at H*W positions.
fn channels(input: &[usize]) -> (usize, usize) {
    match input {
        [n] => (*n, 1),
        [c, rest @ ..] => (*c, rest.iter().product()),
        [] => (1, 1),
    }
}

pub struct BatchNorm;

impl LayerKind for BatchNorm {
    fn ty(
        &self,
        p: &TokenStream,
        t: &TokenStream,
        input: &[usize],
        _output: &[usize],
    ) -> TokenStream {
        let (c, s) = channels(input);
        let n = c * s;
        quote!(#p::BatchNorm<#t, #c, #s, #n>)
    }

    fn describe(&self) -> String {
        "BatchNorm".into()
    }

    fn params(&self, input: &[usize], _output: &[usize]) -> usize {
        2 * channels(input).0
    }

    fn has_params(&self) -> bool {
        true
    }

    fn has_buffers(&self) -> bool {
        true
    }
}
