//! `GlobalAvgPool`: the mean over all positions of each channel,
//! `[C, H, W]` or `[C, L]` to `[C]`.

use proc_macro2::TokenStream;
use quote::quote;

use super::conv2d::flat_input_hint;
use super::{Args, Entry, Kind, LayerKind};
use crate::shapes::{show, Layout, Shape};

pub const ENTRY: Entry = Entry {
    names: &["GlobalAvgPool"],
    reads: &[
        Layout::Image,
        Layout::Channels,
        Layout::Flat,
        Layout::Declared,
    ],
    he_init: &[],
    transparent: false,
    check: |cx| {
        check(&mut cx.args, cx.input, cx.prev).map(|s| (Box::new(GlobalAvgPool) as Kind, s))
    },
};

pub struct GlobalAvgPool;

fn check(args: &mut Args, input: Option<&Shape>, prev: &str) -> syn::Result<Option<Shape>> {
    match input {
        Some(s) if s.len() < 2 => Err(syn::Error::new(
            args.kind_span(),
            format!(
                "`GlobalAvgPool` averages the positions of each channel of a [channels, ..] input, but `{prev}` gives {}; {}",
                show(s),
                flat_input_hint(prev, "[channels, height, width]", "[1, 8, 8]")
            ),
        )),
        Some(s) => Ok(Some(vec![s[0]])),
        None => Ok(None),
    }
}

impl LayerKind for GlobalAvgPool {
    fn describe(&self) -> String {
        "GlobalAvgPool".into()
    }

    fn gives(&self, _input: Layout, _output: &[usize]) -> Layout {
        Layout::Flat
    }

    /// Eight accumulators.
    fn scratch(&self, _input: &[usize], _output: &[usize]) -> usize {
        8
    }

    fn ty(
        &self,
        p: &TokenStream,
        t: &TokenStream,
        input: &[usize],
        _output: &[usize],
    ) -> TokenStream {
        // `[C, L]` is pooled as `[C, 1, L]`.
        let (c, h, w) = match input {
            [c, h, w] => (*c, *h, *w),
            [c, l] => (*c, 1, *l),
            _ => (input.first().copied().unwrap_or(1), 1, 1),
        };
        let i = c * h * w;
        quote!(#p::GlobalAvgPool<#t, #c, #h, #w, #i>)
    }
}
