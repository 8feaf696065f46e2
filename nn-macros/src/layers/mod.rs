//! The layer kinds of the DSL. Each file holds one kind's argument rules,
//! shape rule and the nn-core type it generates, mirroring
//! `nn-core/src/layers/`.

mod activation;
mod args;
mod conv1d;
mod conv2d;
mod dense;
mod dropout;
mod flatten;
mod global_avg_pool;
mod init;
mod norm;
mod pool2d;
mod prelu;
mod recurrent;
mod softmax;

pub use activation::ActKind;
pub use args::Args;
pub use dense::Dense;

use proc_macro2::TokenStream;

use crate::diagnostics::closest;
use crate::ir::{len, Shape};
use crate::parse::LayerDecl;

/// A checked layer kind with its options.
pub enum Kind {
    Dense(Dense),
    Conv2d(conv2d::Conv2d),
    Conv1d(conv1d::Conv1d),
    Pool2d(pool2d::Pool2d),
    GlobalAvgPool,
    Dropout(f64),
    BatchNorm,
    /// Normalised in `rows` independent rows (the steps of a sequence).
    LayerNorm {
        rows: usize,
    },
    Flatten,
    Activation(ActKind),
    Softmax,
    Prelu,
    Recurrent(recurrent::Recurrent),
}

/// Every kind name the DSL accepts, for "did you mean" hints.
pub const KIND_NAMES: &[&str] = &[
    "Dense",
    "Conv2d",
    "Conv1d",
    "MaxPool2d",
    "AvgPool2d",
    "GlobalAvgPool",
    "Dropout",
    "BatchNorm",
    "LayerNorm",
    "Flatten",
    "Softmax",
    "Prelu",
    "Rnn",
    "Lstm",
    "Gru",
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
///
/// A layer whose only mistakes are in its options still gives its output
/// shape, so the network's output stays known to the stand-in that
/// `network!` emits on errors.
pub fn check(
    decl: &LayerDecl,
    input: Option<&Shape>,
    prev: &str,
    next: Option<&str>,
    steps: bool,
) -> Checked {
    let kind_name = decl.kind.to_string();
    let mut args = Args::new(&decl.kind, decl.args.as_ref());
    let result = match kind_name.as_str() {
        "Dense" => {
            dense::check(&mut args, input, prev, next, steps).map(|(k, s)| (Kind::Dense(k), s))
        }
        "Conv2d" => conv2d::check(&mut args, input, prev, next).map(|(k, s)| (Kind::Conv2d(k), s)),
        "Conv1d" => conv1d::check(&mut args, input, prev, next).map(|(k, s)| (Kind::Conv1d(k), s)),
        "MaxPool2d" | "AvgPool2d" => {
            pool2d::check(kind_name == "MaxPool2d", &mut args, input, prev)
                .map(|(k, s)| (Kind::Pool2d(k), s))
        }
        "GlobalAvgPool" => {
            global_avg_pool::check(&mut args, input, prev).map(|s| (Kind::GlobalAvgPool, s))
        }
        "Dropout" => dropout::check(&mut args, input).map(|(p, s)| (Kind::Dropout(p), s)),
        "BatchNorm" => norm::check(true, &mut args, input).map(|s| (Kind::BatchNorm, s)),
        "LayerNorm" => norm::check(false, &mut args, input).map(|s| {
            let rows = match (&s, steps) {
                (Some(shape), true) => shape[0],
                _ => 1,
            };
            (Kind::LayerNorm { rows }, s)
        }),
        "Flatten" => flatten::check(&mut args, input).map(|s| (Kind::Flatten, s)),
        "Softmax" => softmax::check(&mut args, input, prev).map(|s| (Kind::Softmax, s)),
        "Prelu" => prelu::check(&mut args, input).map(|s| (Kind::Prelu, s)),
        "Rnn" | "Lstm" | "Gru" => {
            let cell = recurrent::Cell::from_name(&kind_name).unwrap_or(recurrent::Cell::Rnn);
            recurrent::check(cell, &mut args, input, prev).map(|(k, s)| (Kind::Recurrent(k), s))
        }
        other => match activation::check(other, &mut args, input) {
            Some(r) => r.map(|(k, s)| (Kind::Activation(k), s)),
            None => {
                let hint = match closest(other, KIND_NAMES) {
                    Some(c) => format!("did you mean `{c}`?"),
                    None => format!("known kinds: {}", KIND_NAMES.join(", ")),
                };
                return Checked {
                    kind: None,
                    output: None,
                    error: Some(syn::Error::new(
                        decl.kind.span(),
                        format!("unknown layer kind `{other}`; {hint}"),
                    )),
                };
            }
        },
    };
    let leftover = args.finish();
    match (result, leftover) {
        (Ok((kind, output)), None) => Checked {
            kind: Some(kind),
            output,
            error: None,
        },
        (Ok((_, output)), Some(e)) => Checked {
            kind: None,
            output,
            error: Some(e),
        },
        (Err(mut e), more) => {
            if let Some(more) = more {
                e.combine(more);
            }
            Checked {
                kind: None,
                output: None,
                error: Some(e),
            }
        }
    }
}

/// What checking one layer found.
pub struct Checked {
    /// The kind, when the layer is free of mistakes.
    pub kind: Option<Kind>,
    /// The output shape, when known (also after mistakes in options).
    pub output: Option<Shape>,
    pub error: Option<syn::Error>,
}

/// True for kinds whose preceding weights get He initialisation.
pub fn relu_family(kind_name: &str) -> bool {
    matches!(
        kind_name,
        "Relu" | "LeakyRelu" | "Prelu" | "Elu" | "Gelu" | "Swish" | "Silu"
    )
}

/// True for kinds that sit between a weight layer and its activation
/// without changing which initialisation suits the weights.
pub fn transparent(kind_name: &str) -> bool {
    matches!(kind_name, "BatchNorm" | "LayerNorm" | "Dropout" | "Flatten")
}

impl Kind {
    /// The nn-core type of the layer's field.
    pub fn ty(
        &self,
        p: &TokenStream,
        t: &TokenStream,
        input: &[usize],
        output: &[usize],
    ) -> TokenStream {
        let (i, o) = (len(input), len(output));
        match self {
            Kind::Dense(d) => d.ty(p, t, i, o),
            Kind::Conv2d(c) => c.ty(p, t, input, output),
            Kind::Conv1d(c) => c.ty(p, t, input, output),
            Kind::Pool2d(pool) => pool.ty(p, t, input, output),
            Kind::GlobalAvgPool => global_avg_pool::ty(p, t, input),
            Kind::Dropout(rate) => dropout::ty(p, t, i, *rate),
            Kind::BatchNorm => norm::batch_norm_ty(p, t, input),
            Kind::LayerNorm { rows } => norm::layer_norm_ty(p, t, *rows, i),
            // Views have no field; codegen never asks for their type.
            Kind::Flatten => quote::quote!(()),
            Kind::Activation(a) => a.ty(p, t, i),
            Kind::Softmax => softmax::ty(p, t, i),
            Kind::Prelu => prelu::ty(p, t, i),
            Kind::Recurrent(r) => r.ty(p, t, input, o),
        }
    }

    /// True for recurrent kinds, which read the runtime sequence length.
    pub fn reads_len(&self) -> bool {
        matches!(self, Kind::Recurrent(_))
    }

    /// A reshape that moves no data (no field, no activation buffer).
    pub fn is_view(&self) -> bool {
        matches!(self, Kind::Flatten)
    }

    /// True if the kind has learned parameters.
    pub fn has_params(&self) -> bool {
        matches!(
            self,
            Kind::Dense(_)
                | Kind::Conv2d(_)
                | Kind::Conv1d(_)
                | Kind::BatchNorm
                | Kind::LayerNorm { .. }
                | Kind::Prelu
                | Kind::Recurrent(_)
        )
    }

    /// True if the kind has buffers (state that is not learned).
    pub fn has_buffers(&self) -> bool {
        matches!(self, Kind::BatchNorm)
    }

    /// Number of learned parameters.
    pub fn params(&self, input: &[usize], output: &[usize]) -> usize {
        match self {
            Kind::Dense(d) => d.params(len(input), len(output)),
            Kind::Conv2d(c) => c.params(input),
            Kind::Conv1d(c) => c.params(input),
            Kind::BatchNorm => 2 * norm::channels(input).0,
            Kind::LayerNorm { rows } => 2 * len(input) / (*rows).max(1),
            Kind::Prelu => 1,
            Kind::Recurrent(r) => r.params(input),
            _ => 0,
        }
    }

    /// The kind column of the summary.
    pub fn describe(&self) -> String {
        match self {
            Kind::Dense(d) => d.describe(),
            Kind::Conv2d(c) => c.describe(),
            Kind::Conv1d(c) => c.describe(),
            Kind::Pool2d(p) => p.describe(),
            Kind::GlobalAvgPool => "GlobalAvgPool".into(),
            Kind::Dropout(p) => format!("Dropout({p})"),
            Kind::BatchNorm => "BatchNorm".into(),
            Kind::LayerNorm { rows: 1 } => "LayerNorm".into(),
            Kind::LayerNorm { .. } => "LayerNorm(per step)".into(),
            Kind::Flatten => "Flatten".into(),
            Kind::Activation(a) => a.describe(),
            Kind::Softmax => "Softmax".into(),
            Kind::Prelu => "Prelu".into(),
            Kind::Recurrent(r) => r.describe(),
        }
    }

    /// The weight initialisation, as an `Init` expression.
    pub fn init(&self) -> TokenStream {
        match self {
            Kind::Dense(d) => d.init.tokens(),
            Kind::Conv2d(c) => c.init.tokens(),
            Kind::Conv1d(c) => c.init.tokens(),
            _ => quote::quote!(__nn::Init::Zeros),
        }
    }
}
