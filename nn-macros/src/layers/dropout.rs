//! `Dropout(p)`: inverted dropout with drop probability `p` in `[0, 1]`,
//! active only in training; the shape is unchanged.

use proc_macro2::TokenStream;
use quote::quote;

use super::args::number;
use super::Args;
use crate::ir::Shape;

pub fn check(args: &mut Args, input: Option<&Shape>) -> syn::Result<(f64, Option<Shape>)> {
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

pub fn ty(p: &TokenStream, t: &TokenStream, n: usize, rate: f64) -> TokenStream {
    let bits = rate.to_bits();
    quote!(#p::Dropout<#t, #n, #bits>)
}
