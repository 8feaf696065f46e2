//! `LayerNorm`: over all features of a sample, or over each step of a
//! recurrent layer's `[steps, hidden]` sequence. Epsilon 1e-5, PyTorch's
//! default.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Entry, Kind, LayerKind};
use crate::shapes::{len, Layout, ANY};

pub const ENTRY: Entry = Entry {
    names: &["LayerNorm"],
    reads: ANY,
    he_init: &[],
    transparent: true,
    check: |cx| {
        cx.args
            .no_args_because("it normalises the whole sample with eps 1e-5, PyTorch's default");
        let rows = match (cx.input, cx.layout) {
            (Some(shape), Some(Layout::Sequence)) => shape[0],
            _ => 1,
        };
        Ok((Box::new(LayerNorm { rows }) as Kind, cx.input.cloned()))
    },
};

/// Normalised in `rows` independent rows (the steps of a sequence).
pub struct LayerNorm {
    rows: usize,
}

impl LayerKind for LayerNorm {
    /// `LayerNorm<T, R, D, N>`: `rows` rows of `n / rows` features.
    fn ty(
        &self,
        p: &TokenStream,
        t: &TokenStream,
        input: &[usize],
        _output: &[usize],
    ) -> TokenStream {
        let (rows, n) = (self.rows.max(1), len(input));
        let d = n / rows;
        quote!(#p::LayerNorm<#t, #rows, #d, #n>)
    }

    fn describe(&self) -> String {
        if self.rows == 1 {
            "LayerNorm".into()
        } else {
            "LayerNorm(per step)".into()
        }
    }

    fn params(&self, input: &[usize], _output: &[usize]) -> usize {
        2 * len(input) / self.rows.max(1)
    }

    fn has_params(&self) -> bool {
        true
    }

    fn const_init(&self) -> Result<(), &'static str> {
        Ok(())
    }

    fn tensors(&self, input: &[usize], _output: &[usize]) -> Vec<(&'static str, Vec<usize>)> {
        let d = len(input) / self.rows.max(1);
        vec![("weight", vec![d]), ("bias", vec![d])]
    }
}
