//! `Flatten`: `[C, H, W]` (any rank) to `[C * H * W]`, row-major. No code
//! and no memory: activations are already stored as flat rows.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Entry, Kind, LayerKind};
use crate::shapes::{Layout, ANY};

pub const ENTRY: Entry = Entry {
    names: &["Flatten"],
    reads: ANY,
    he_init: &[],
    transparent: true,
    check: |cx| {
        let out = cx.input.map(|s| vec![s.iter().product()]);
        Ok((Box::new(Flatten) as Kind, out))
    },
};

pub struct Flatten;

impl LayerKind for Flatten {
    // Views have no field; codegen never asks for their type.
    fn ty(
        &self,
        _p: &TokenStream,
        _t: &TokenStream,
        _input: &[usize],
        _output: &[usize],
    ) -> TokenStream {
        quote!(())
    }

    fn describe(&self) -> String {
        "Flatten".into()
    }

    fn is_view(&self) -> bool {
        true
    }

    fn gives(&self, _input: Layout, _output: &[usize]) -> Layout {
        Layout::Flat
    }
}
