//! `Dense(units)`, `Dense(in => units)`; options `bias = true|false`,
//! `init = xavier_uniform|xavier_normal|he_uniform|he_normal|lecun_normal|zeros`.

use proc_macro2::TokenStream;
use quote::quote;

use super::args::{boolean, positive_int};
use super::init::{self, InitScheme};
use super::{Args, Entry, Kind, LayerKind};
use crate::diagnostics::Errors;
use crate::parse::Value;
use crate::shapes::{len, show, Layout, Shape, ANY};

/// A checked dense layer.
/// Its number of units is the output shape the check returns.
pub struct Dense {
    pub bias: bool,
    pub init: InitScheme,
}

pub const ENTRY: Entry = Entry {
    names: &["Dense"],
    // Any layout: its own rule says how to flatten what is not flat.
    reads: ANY,
    he_init: &[],
    transparent: false,
    check: |cx| {
        let steps = cx.layout == Some(Layout::Sequence);
        check(&mut cx.args, cx.input, cx.prev, cx.next, steps)
            .map(|(d, s)| (Box::new(d) as Kind, s))
    },
};

fn check(
    args: &mut Args,
    input: Option<&Shape>,
    prev: &str,
    next: Option<&str>,
    steps: bool,
) -> syn::Result<(Dense, Option<Shape>)> {
    let mut errors = Errors::default();

    let units_arg = args.positional(0);
    let bias_arg = args.named("bias");
    let init_arg = args.named("init");

    let mut explicit_in = None;
    let units = match units_arg {
        None => {
            errors.at(
                args.kind_span(),
                "`Dense` needs its number of units, as in `Dense(64)` or `Dense(784 => 64)`",
            );
            None
        }
        Some(Value::Arrow(a, b, _)) => {
            explicit_in = errors
                .ok(positive_int(a, "the input size of `Dense`"))
                .map(|n| (n, a.span()));
            errors.ok(positive_int(b, "the number of units of `Dense`"))
        }
        Some(v) => errors.ok(positive_int(v, "the number of units of `Dense`")),
    };
    let bias = bias_arg
        .and_then(|v| errors.ok(boolean(v, "`bias`")))
        .unwrap_or(true);
    let init = errors
        .ok(init::from_arg(init_arg, next))
        .unwrap_or(InitScheme::XavierUniform);

    if let Some(shape) = input {
        if shape.len() != 1 {
            let alternative = if steps {
                format!(", or remove `sequences = true` from `{prev}` to keep only its last state")
            } else {
                String::new()
            };
            errors.at(
                args.kind_span(),
                format!(
                    "`Dense` expects a 1-d input, but `{prev}` gives {}; add `flat: Flatten,` before it (giving [{}]){alternative}",
                    show(shape),
                    shape.iter().product::<usize>()
                ),
            );
        } else if let Some((n, span)) = explicit_in {
            if n != shape[0] {
                let units = units.map_or("..".to_string(), |u| u.to_string());
                let given = shape[0];
                errors.at(
                    span,
                    format!(
                        "`Dense` is declared with {n} inputs, but `{prev}` gives {given}; write `Dense({given} => {units})`, or `Dense({units})` to infer it"
                    ),
                );
            }
        }
    }

    errors.into_result(())?;
    let units = units.unwrap_or(1);
    Ok((Dense { bias, init }, Some(vec![units])))
}

impl LayerKind for Dense {
    fn ty(
        &self,
        p: &TokenStream,
        t: &TokenStream,
        input: &[usize],
        output: &[usize],
    ) -> TokenStream {
        let (i, o, bias) = (len(input), len(output), self.bias);
        quote!(#p::Dense<#t, #i, #o, #bias>)
    }

    fn params(&self, input: &[usize], output: &[usize]) -> usize {
        let (i, o) = (len(input), len(output));
        i.saturating_mul(o)
            .saturating_add(if self.bias { o } else { 0 })
    }

    fn describe(&self) -> String {
        if self.bias {
            "Dense".into()
        } else {
            "Dense(no bias)".into()
        }
    }

    fn init(&self) -> TokenStream {
        self.init.tokens()
    }

    fn has_params(&self) -> bool {
        true
    }

    fn const_init(&self) -> Result<(), &'static str> {
        self.init.const_init()
    }

    fn tensors(&self, input: &[usize], output: &[usize]) -> Vec<(&'static str, Vec<usize>)> {
        let (i, o) = (len(input), len(output));
        let mut t = vec![("weight", vec![o, i])];
        if self.bias {
            t.push(("bias", vec![o]));
        }
        t
    }

    fn gives(&self, _input: Layout, _output: &[usize]) -> Layout {
        Layout::Flat
    }
}
