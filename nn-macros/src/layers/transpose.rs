//! `Transpose`: `[R, C]` to `[C, R]`, turning a convolution's channels
//! `[channels, length]` into a sequence `[steps, features]` for a
//! recurrent layer, or the other way round.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Entry, Kind, LayerKind};
use crate::shapes::{show, Layout};

pub const ENTRY: Entry = Entry {
    names: &["Transpose"],
    reads: &[Layout::Channels, Layout::Sequence, Layout::Declared],
    he_init: &[],
    transparent: true,
    check: |cx| {
        cx.args
            .no_args_because("it swaps the two dimensions of its input");
        let out = match cx.input.map(Vec::as_slice) {
            Some([r, c]) => Some(vec![*c, *r]),
            Some(other) => {
                return Err(syn::Error::new(
                    cx.args.kind_span(),
                    format!(
                        "`Transpose` swaps the two dimensions of a 2-d input, but `{}` gives {}",
                        cx.prev,
                        show(other)
                    ),
                ))
            }
            None => None,
        };
        Ok((Box::new(Transpose) as Kind, out))
    },
};

pub struct Transpose;

impl LayerKind for Transpose {
    fn ty(
        &self,
        p: &TokenStream,
        t: &TokenStream,
        input: &[usize],
        _output: &[usize],
    ) -> TokenStream {
        let (r, c) = (input[0], input[1]);
        let n = r * c;
        quote!(#p::Transpose<#t, #r, #c, #n>)
    }

    fn describe(&self) -> String {
        "Transpose".into()
    }

    fn gives(&self, input: Layout, _output: &[usize]) -> Layout {
        match input {
            Layout::Channels => Layout::Sequence,
            Layout::Sequence => Layout::Channels,
            other => other,
        }
    }
}
