//! `Dropout(p)`: inverted dropout with drop probability `p` in `[0, 1]`,
//! active only in training; the shape is unchanged.

use proc_macro2::TokenStream;
use quote::quote;

use super::args::number;
use super::{Args, Entry, Kind, LayerKind};
use crate::shapes::{len, Shape, ANY};

pub const ENTRY: Entry = Entry {
    names: &["Dropout"],
    reads: ANY,
    he_init: &[],
    transparent: true,
    check: |cx| check(&mut cx.args, cx.input).map(|(p, s)| (Box::new(Dropout(p)) as Kind, s)),
};

/// The drop probability.
pub struct Dropout(f64);

fn check(args: &mut Args, input: Option<&Shape>) -> syn::Result<(f64, Option<Shape>)> {
    let v = args.positional(0).or_else(|| args.named("p"));
    let Some(v) = v else {
        return Err(syn::Error::new(
            args.kind_span(),
            "`Dropout` needs its drop probability, as in `Dropout(0.25)`",
        ));
    };
    let p = number(v, "the drop probability")?;
    if !(0.0..=1.0).contains(&p) {
        return Err(syn::Error::new(
            v.span(),
            format!("the drop probability must be between 0 and 1, found {p}"),
        ));
    }
    Ok((p, input.cloned()))
}

impl LayerKind for Dropout {
    fn ty(
        &self,
        p: &TokenStream,
        t: &TokenStream,
        input: &[usize],
        _output: &[usize],
    ) -> TokenStream {
        let (n, bits) = (len(input), self.0.to_bits());
        quote!(#p::Dropout<#t, #n, #bits>)
    }

    fn describe(&self) -> String {
        format!("Dropout({})", self.0)
    }
}
