//! The layer kinds of the DSL. Each file holds one kind's argument rules,
//! shape rule and the nn-core type it generates, mirroring
//! `nn-core/src/layers/`.

mod activation;
mod args;
mod dense;
mod flatten;
mod prelu;
mod softmax;

pub use activation::ActKind;
pub use args::Args;
pub use dense::Dense;

use proc_macro2::TokenStream;

use crate::check::closest;
use crate::ir::Shape;
use crate::parse::LayerDecl;

/// A checked layer kind with its options.
pub enum Kind {
    Dense(Dense),
    Flatten,
    Activation(ActKind),
    Softmax,
    Prelu,
}

/// Every kind name the DSL accepts, for "did you mean" hints.
pub const KIND_NAMES: &[&str] = &[
    "Dense",
    "Flatten",
    "Softmax",
    "Prelu",
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
];

/// Checks one layer against the shape it receives (`None` when an earlier
/// mistake left it unknown) and returns its kind and output shape.
///
/// `prev` names the layer that feeds it (for messages); `next` is the kind
/// name of the layer after it (for the default initialisation).
pub fn check(
    decl: &LayerDecl,
    input: Option<&Shape>,
    prev: &str,
    next: Option<&str>,
) -> syn::Result<(Kind, Option<Shape>)> {
    let kind_name = decl.kind.to_string();
    let mut args = Args::new(&decl.kind, decl.args.as_ref());
    let result = match kind_name.as_str() {
        "Dense" => dense::check(&mut args, input, prev, next).map(|(k, s)| (Kind::Dense(k), s)),
        "Flatten" => flatten::check(&mut args, input).map(|s| (Kind::Flatten, s)),
        "Softmax" => softmax::check(&mut args, input, prev).map(|s| (Kind::Softmax, s)),
        "Prelu" => prelu::check(&mut args, input).map(|s| (Kind::Prelu, s)),
        other => match activation::check(other, &mut args, input) {
            Some(r) => r.map(|(k, s)| (Kind::Activation(k), s)),
            None => {
                let hint = match closest(other, KIND_NAMES) {
                    Some(c) => format!("did you mean `{c}`?"),
                    None => format!("known kinds: {}", KIND_NAMES.join(", ")),
                };
                return Err(syn::Error::new(
                    decl.kind.span(),
                    format!("unknown layer kind `{other}`; {hint}"),
                ));
            }
        },
    };
    let leftover = args.finish();
    match (result, leftover) {
        (Ok(r), None) => Ok(r),
        (Ok(_), Some(e)) => Err(e),
        (Err(mut e), Some(more)) => {
            e.combine(more);
            Err(e)
        }
        (Err(e), None) => Err(e),
    }
}

/// True for kinds whose preceding weights get He initialisation.
pub fn relu_family(kind_name: &str) -> bool {
    matches!(
        kind_name,
        "Relu" | "LeakyRelu" | "Prelu" | "Elu" | "Gelu" | "Swish" | "Silu"
    )
}

impl Kind {
    /// The nn-core type of the layer's field.
    pub fn ty(&self, t: &TokenStream, in_len: usize, out_len: usize) -> TokenStream {
        match self {
            Kind::Dense(d) => d.ty(t, in_len, out_len),
            Kind::Flatten => unreachable_view(),
            Kind::Activation(a) => a.ty(t, in_len),
            Kind::Softmax => softmax::ty(t, in_len),
            Kind::Prelu => prelu::ty(t, in_len),
        }
    }

    /// A reshape that moves no data (no field, no activation buffer).
    pub fn is_view(&self) -> bool {
        matches!(self, Kind::Flatten)
    }

    /// True if the kind has learned parameters.
    pub fn has_params(&self) -> bool {
        matches!(self, Kind::Dense(_) | Kind::Prelu)
    }

    /// Number of learned parameters.
    pub fn params(&self, in_len: usize, out_len: usize) -> usize {
        match self {
            Kind::Dense(d) => d.params(in_len, out_len),
            Kind::Prelu => 1,
            _ => 0,
        }
    }

    /// The kind column of the summary.
    pub fn describe(&self) -> String {
        match self {
            Kind::Dense(d) => d.describe(),
            Kind::Flatten => "Flatten".into(),
            Kind::Activation(a) => a.describe(),
            Kind::Softmax => "Softmax".into(),
            Kind::Prelu => "Prelu".into(),
        }
    }

    /// The weight initialisation, as an `Init` expression.
    pub fn init(&self) -> TokenStream {
        match self {
            Kind::Dense(d) => d.init.tokens(),
            _ => quote::quote!(::nn::__private::Init::Zeros),
        }
    }
}

fn unreachable_view() -> TokenStream {
    // Views have no field; codegen never asks for their type.
    quote::quote!(())
}
