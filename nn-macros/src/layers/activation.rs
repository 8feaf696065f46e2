//! Element-wise activations: the output shape is the input shape.
//! `LeakyRelu(alpha)` (default 0.01) and `Elu(alpha)` (default 1.0) carry
//! their constant as the bit pattern of an `f64` in the type.

use proc_macro2::TokenStream;
use quote::quote;

use super::args::number;
use super::{Args, Entry, Kind, LayerKind};
use crate::shapes::{len, Shape, ANY};

/// An element-wise activation and its constant, if any.
pub struct ActKind {
    /// The nn-core type name (`Relu`, `LeakyRelu`, ...).
    pub name: &'static str,
    pub alpha: Option<f64>,
}

pub const ENTRY: Entry = Entry {
    names: &[
        "Step",
        "Sigmoid",
        "Tanh",
        "Relu",
        "LeakyRelu",
        "Swish",
        "Silu",
        "Elu",
        "Gelu",
        "Identity",
    ],
    reads: ANY,
    he_init: &["Relu", "LeakyRelu", "Elu", "Gelu", "Swish", "Silu"],
    transparent: false,
    check: |cx| match check(cx.kind, &mut cx.args, cx.input) {
        Some(r) => r.map(|(a, s)| (Box::new(a) as Kind, s)),
        None => unreachable!("the registry lists only activation names here"),
    },
};

/// `None` if `name` is not an activation.
fn check(
    name: &str,
    args: &mut Args,
    input: Option<&Shape>,
) -> Option<syn::Result<(ActKind, Option<Shape>)>> {
    let written = name;
    let (name, default_alpha): (&'static str, Option<f64>) = match written {
        "Step" => ("Step", None),
        "Sigmoid" => ("Sigmoid", None),
        "Tanh" => ("Tanh", None),
        "Relu" => ("Relu", None),
        "LeakyRelu" => ("LeakyRelu", Some(0.01)),
        "Swish" | "Silu" => ("Swish", None),
        "Elu" => ("Elu", Some(1.0)),
        "Gelu" => ("Gelu", None),
        "Identity" => ("Identity", None),
        _ => return None,
    };
    let alpha = match default_alpha {
        None => Ok(None),
        Some(d) => match (args.positional(0), args.named("alpha")) {
            (None, None) => Ok(Some(d)),
            (Some(v), None) | (None, Some(v)) => {
                number(v, &format!("the alpha of `{written}`")).map(Some)
            }
            (Some(_), Some(v)) => Err(syn::Error::new(
                v.span(),
                format!(
                    "the alpha of `{written}` is given twice; write `{written}(a)` or `{written}(alpha = a)`"
                ),
            )),
        },
    };
    Some(alpha.map(|alpha| (ActKind { name, alpha }, input.cloned())))
}

impl LayerKind for ActKind {
    fn ty(
        &self,
        p: &TokenStream,
        t: &TokenStream,
        input: &[usize],
        _output: &[usize],
    ) -> TokenStream {
        let n = len(input);
        let marker = syn::Ident::new(self.name, proc_macro2::Span::call_site());
        let a = match self.alpha {
            Some(alpha) => {
                let bits = alpha.to_bits();
                quote!(#p::activations::#marker<#bits>)
            }
            None => quote!(#p::activations::#marker),
        };
        quote!(#p::Act<#t, #a, #n>)
    }

    fn describe(&self) -> String {
        match self.alpha {
            Some(a) => format!("{}({a})", self.name),
            None => self.name.to_string(),
        }
    }
}
