//! `Softmax` over a 1-d input.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Args, Entry, Kind, LayerKind};
use crate::shapes::{len, show, Shape, ANY};

pub const ENTRY: Entry = Entry {
    names: &["Softmax"],
    // Any layout: its own rule says how to flatten what is not flat.
    reads: ANY,
    he_init: &[],
    transparent: false,
    check: |cx| check(&mut cx.args, cx.input, cx.prev).map(|s| (Box::new(Softmax) as Kind, s)),
};

pub struct Softmax;

fn check(args: &mut Args, input: Option<&Shape>, prev: &str) -> syn::Result<Option<Shape>> {
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

impl LayerKind for Softmax {
    fn ty(
        &self,
        p: &TokenStream,
        t: &TokenStream,
        input: &[usize],
        _output: &[usize],
    ) -> TokenStream {
        let n = len(input);
        quote!(#p::Softmax<#t, #n>)
    }

    fn describe(&self) -> String {
        "Softmax".into()
    }
}
