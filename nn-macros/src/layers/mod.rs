//! The layer kinds of the DSL, in one registry. Each kind is one file that
//! mirrors its nn-core file: a rules function with the signature
//! [`CheckFn`] (arguments and shape rule) and a type implementing
//! [`LayerKind`] (what codegen needs: the nn-core type, parameter count,
//! summary text, initialisation), plus one [`Entry`] row in [`REGISTRY`]
//! with its DSL names and the layouts it reads.

mod activation;
mod args;
mod batch_norm;
mod capsules;
mod conv1d;
mod conv2d;
mod conv_transpose2d;
mod dense;
mod dropout;
mod flatten;
mod global_avg_pool;
mod init;
mod layer_norm;
mod layouts;
mod pool2d;
mod prelu;
mod recurrent;
mod softmax;
mod transpose;
mod tree_lstm;
mod upsample;

pub use args::Args;

use proc_macro2::TokenStream;
use quote::quote;

use crate::diagnostics::closest;
use crate::parse::LayerDecl;
use crate::shapes::{Layout, Shape};

/// The registry: one row per kind. Adding a kind is its file here, its
/// nn-core file, `mod` above and a row below.
pub const REGISTRY: &[Entry] = &[
    dense::ENTRY,
    conv2d::ENTRY,
    conv_transpose2d::ENTRY,
    upsample::ENTRY,
    conv1d::ENTRY,
    pool2d::ENTRY,
    global_avg_pool::ENTRY,
    dropout::ENTRY,
    batch_norm::ENTRY,
    layer_norm::ENTRY,
    flatten::ENTRY,
    transpose::ENTRY,
    softmax::ENTRY,
    prelu::ENTRY,
    recurrent::ENTRY,
    tree_lstm::ENTRY,
    capsules::PRIMARY,
    capsules::ROUTING,
    activation::ENTRY,
];

/// One kind's row.
pub struct Entry {
    /// The names it is written with in the DSL.
    pub names: &'static [&'static str],
    /// The layouts it reads; any other is an error with the fix, given by
    /// `layouts::mismatch` before the kind's rules run.
    pub reads: &'static [Layout],
    /// The names among `names` whose preceding weights get He
    /// initialisation (the ReLU family).
    pub he_init: &'static [&'static str],
    /// Sits between a weight layer and its activation without changing
    /// which initialisation suits the weights.
    pub transparent: bool,
    pub check: CheckFn,
}

/// The rules of a kind: from its arguments and input, the checked kind and
/// its output shape (`None` when unknown).
pub type CheckFn = fn(&mut Cx) -> syn::Result<(Kind, Option<Shape>)>;

/// What a kind's rules see.
pub struct Cx<'a> {
    /// The kind name as written (`Relu`, `MaxPool2d`).
    pub kind: &'a str,
    pub args: Args<'a>,
    /// The input shape and layout, `None` when an earlier mistake left it
    /// unknown.
    pub input: Option<&'a Shape>,
    pub layout: Option<Layout>,
    /// The name of the layer that feeds this one (`input` for the first).
    pub prev: &'a str,
    /// The kind of the next layer that decides the initialisation.
    pub next: Option<&'a str>,
}

/// What codegen needs of a checked kind.
pub trait LayerKind {
    /// The nn-core type of the layer's field, under the private path `p`.
    fn ty(
        &self,
        p: &TokenStream,
        t: &TokenStream,
        input: &[usize],
        output: &[usize],
    ) -> TokenStream;
    /// The kind column of the summary.
    fn describe(&self) -> String;
    /// Number of learned parameters.
    fn params(&self, _input: &[usize], _output: &[usize]) -> usize {
        0
    }
    /// The weight initialisation, as an `Init` expression.
    fn init(&self) -> TokenStream {
        quote!(__nn::Init::Zeros)
    }
    /// A reshape that moves no data (no field, no activation buffer).
    fn is_view(&self) -> bool {
        false
    }
    fn has_params(&self) -> bool {
        false
    }
    /// Whether its initialisation can run in a `const fn` (nn-core's
    /// `init_const`, for `new_const`), or why not: it can for kinds
    /// without parameters and for those with a uniform or constant
    /// initialisation that have `init_const`.
    fn const_init(&self) -> Result<(), &'static str> {
        if self.has_params() {
            Err("its weights are drawn from a normal distribution")
        } else {
            Ok(())
        }
    }
    /// The parameter tensors, name and shape, in the order of nn-core's
    /// `tensor_info` (what `#[nn(weights = ..)]` checks a file against;
    /// `tests/flash.rs` checks the two agree).
    fn tensors(&self, _input: &[usize], _output: &[usize]) -> Vec<(&'static str, Vec<usize>)> {
        Vec::new()
    }
    /// The buffers, name and length, in nn-core's order.
    fn buffers(&self, _input: &[usize], _output: &[usize]) -> Vec<(&'static str, usize)> {
        Vec::new()
    }
    /// Elements of `T` its inference keeps on the stack besides its input
    /// and output (nn-core's `Layer::SCRATCH`, checked against it).
    fn scratch(&self, _input: &[usize], _output: &[usize]) -> usize {
        0
    }
    /// Has buffers (state that is not learned).
    fn has_buffers(&self) -> bool {
        false
    }
    /// The layout of the output, given the input's.
    fn gives(&self, input: Layout, output: &[usize]) -> Layout {
        let _ = output;
        input
    }
}

/// A checked kind.
pub type Kind = Box<dyn LayerKind>;

/// Every kind name the DSL accepts, for "did you mean" hints.
pub fn kind_names() -> Vec<&'static str> {
    REGISTRY
        .iter()
        .flat_map(|e| e.names.iter().copied())
        .collect()
}

fn entry(kind: &str) -> Option<&'static Entry> {
    REGISTRY.iter().find(|e| e.names.contains(&kind))
}

/// True for kinds whose preceding weights get He initialisation.
pub fn relu_family(kind: &str) -> bool {
    entry(kind).is_some_and(|e| e.he_init.contains(&kind))
}

/// True for kinds that do not change which initialisation suits the
/// weights before them.
pub fn transparent(kind: &str) -> bool {
    entry(kind).is_some_and(|e| e.transparent)
}

/// What checking one layer found.
pub struct Checked {
    /// The kind, when the layer is free of mistakes.
    pub kind: Option<Kind>,
    /// The output shape and layout, when known (also after mistakes in
    /// options, so the network's output stays known to the stand-in).
    pub output: Option<(Shape, Layout)>,
    pub error: Option<syn::Error>,
}

/// Checks one layer against the shape it receives (`None` when an earlier
/// mistake left it unknown). `prev` names the layer that feeds it and
/// `prev_kind` gives its kind; `next` is the kind after it that decides
/// the default initialisation.
pub fn check(
    decl: &LayerDecl,
    input: Option<(&Shape, Layout)>,
    prev: &str,
    prev_kind: Option<&str>,
    next: Option<&str>,
) -> Checked {
    let kind_name = decl.kind.to_string();
    let Some(entry) = entry(&kind_name) else {
        let names = kind_names();
        let hint = match closest(&kind_name, &names) {
            Some(c) => format!("did you mean `{c}`?"),
            None => format!("known kinds: {}", names.join(", ")),
        };
        return Checked {
            kind: None,
            output: None,
            error: Some(syn::Error::new(
                decl.kind.span(),
                format!("unknown layer kind `{kind_name}`; {hint}"),
            )),
        };
    };
    // A layout the kind does not read is one error with the fix; the
    // kind's rules then see an unknown input and check only their
    // arguments.
    let mut layout_error = None;
    let input = match input {
        Some((shape, layout)) if !entry.reads.contains(&layout) => {
            layout_error = Some(syn::Error::new(
                decl.kind.span(),
                layouts::mismatch(&kind_name, shape, layout, prev, prev_kind),
            ));
            None
        }
        other => other,
    };
    let mut cx = Cx {
        kind: &kind_name,
        args: Args::new(&decl.kind, decl.args.as_ref()),
        input: input.map(|(s, _)| s),
        layout: input.map(|(_, l)| l),
        prev,
        next,
    };
    let result = (entry.check)(&mut cx);
    let mut error = layout_error;
    let mut push = |e: syn::Error| match &mut error {
        Some(all) => all.combine(e),
        None => error = Some(e),
    };
    let leftover = cx.args.finish();
    let (kind, output) = match result {
        Ok((kind, output)) => {
            // After an unknown input, shape-keeping kinds give the
            // accepting `Declared`, so nothing after them is refused for it.
            let output = output.map(|o| {
                let layout = kind.gives(input.map_or(Layout::Declared, |(_, l)| l), &o);
                (o, layout)
            });
            (Some(kind), output)
        }
        Err(e) => {
            push(e);
            (None, None)
        }
    };
    if let Some(e) = leftover {
        push(e);
    }
    Checked {
        kind: if error.is_none() { kind } else { None },
        output,
        error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shapes::ANY;

    #[test]
    fn every_name_is_registered_once() {
        let names = kind_names();
        for n in &names {
            assert_eq!(names.iter().filter(|m| m == &n).count(), 1, "{n} twice");
        }
        assert!(relu_family("Relu") && relu_family("Prelu") && !relu_family("Tanh"));
        assert!(transparent("BatchNorm") && !transparent("Dense"));
        // Every kind reads at least one layout, and `ANY` is all of them.
        assert!(REGISTRY.iter().all(|e| !e.reads.is_empty()));
        assert_eq!(ANY.len(), 5);
    }
}
