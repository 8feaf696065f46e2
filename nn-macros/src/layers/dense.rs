//! `Dense(units)`, `Dense(in => units)`; options `bias = true|false`,
//! `init = xavier_uniform|xavier_normal|he_uniform|he_normal|lecun_normal|zeros`.

use proc_macro2::TokenStream;
use quote::quote;

use super::args::{boolean, positive_int};
use super::{relu_family, Args};
use crate::check::closest;
use crate::ir::{show, Shape};
use crate::parse::Value;

/// A checked dense layer.
/// Its number of units is the output shape the check returns.
pub struct Dense {
    pub bias: bool,
    pub init: InitScheme,
}

/// Initialisation schemes by their DSL names (mirrors `nn_core::Init`).
#[derive(Clone, Copy)]
pub enum InitScheme {
    XavierUniform,
    XavierNormal,
    HeUniform,
    HeNormal,
    LecunNormal,
    Zeros,
}

const INIT_NAMES: &[&str] = &[
    "xavier_uniform",
    "xavier_normal",
    "he_uniform",
    "he_normal",
    "lecun_normal",
    "zeros",
];

impl InitScheme {
    fn from_name(s: &str) -> Option<Self> {
        Some(match s {
            "xavier_uniform" | "glorot_uniform" => InitScheme::XavierUniform,
            "xavier_normal" | "glorot_normal" => InitScheme::XavierNormal,
            "he_uniform" | "kaiming_uniform" => InitScheme::HeUniform,
            "he_normal" | "kaiming_normal" => InitScheme::HeNormal,
            "lecun_normal" => InitScheme::LecunNormal,
            "zeros" => InitScheme::Zeros,
            _ => return None,
        })
    }

    pub fn tokens(self) -> TokenStream {
        match self {
            InitScheme::XavierUniform => quote!(::nn::__private::Init::XavierUniform),
            InitScheme::XavierNormal => quote!(::nn::__private::Init::XavierNormal),
            InitScheme::HeUniform => quote!(::nn::__private::Init::HeUniform),
            InitScheme::HeNormal => quote!(::nn::__private::Init::HeNormal),
            InitScheme::LecunNormal => quote!(::nn::__private::Init::LecunNormal),
            InitScheme::Zeros => quote!(::nn::__private::Init::Zeros),
        }
    }
}

pub fn check(
    args: &mut Args,
    input: Option<&Shape>,
    prev: &str,
    next: Option<&str>,
) -> syn::Result<(Dense, Option<Shape>)> {
    let mut errors: Option<syn::Error> = None;
    let mut fail = |e: syn::Error| match &mut errors {
        Some(all) => all.combine(e),
        None => errors = Some(e),
    };

    let units_arg = args.positional(0);
    let bias_arg = args.named("bias");
    let init_arg = args.named("init");

    let mut explicit_in = None;
    let units = match units_arg {
        None => {
            fail(syn::Error::new(
                args.kind_span(),
                "`Dense` needs its number of units, as in `Dense(64)` or `Dense(784 => 64)`",
            ));
            None
        }
        Some(Value::Arrow(a, b, _)) => {
            match positive_int(a, "the input size of `Dense`") {
                Ok(n) => explicit_in = Some((n, a.span())),
                Err(e) => fail(e),
            }
            positive_int(b, "the number of units of `Dense`")
                .map_err(&mut fail)
                .ok()
        }
        Some(v) => positive_int(v, "the number of units of `Dense`")
            .map_err(&mut fail)
            .ok(),
    };
    let bias = match bias_arg {
        None => true,
        Some(v) => boolean(v, "`bias`").map_err(&mut fail).unwrap_or(true),
    };
    let default_init = if next.is_some_and(relu_family) {
        InitScheme::HeUniform
    } else {
        InitScheme::XavierUniform
    };
    let init = match init_arg {
        None => default_init,
        Some(Value::Ident(id)) => match InitScheme::from_name(&id.to_string()) {
            Some(s) => s,
            None => {
                let hint = match closest(&id.to_string(), INIT_NAMES) {
                    Some(c) => format!("did you mean `{c}`?"),
                    None => format!("expected one of {}", INIT_NAMES.join(", ")),
                };
                fail(syn::Error::new(
                    id.span(),
                    format!("unknown initialisation `{id}`; {hint}"),
                ));
                default_init
            }
        },
        Some(other) => {
            fail(syn::Error::new(
                other.span(),
                format!(
                    "`init` names a scheme such as `he_normal`, found {}",
                    other.describe()
                ),
            ));
            default_init
        }
    };

    if let Some(shape) = input {
        if shape.len() != 1 {
            fail(syn::Error::new(
                args.kind_span(),
                format!(
                    "`Dense` expects a 1-d input, but `{prev}` gives {}; add `flat: Flatten,` before it (giving [{}])",
                    show(shape),
                    shape.iter().product::<usize>()
                ),
            ));
        } else if let Some((n, span)) = explicit_in {
            if n != shape[0] {
                let units = units.map_or("..".to_string(), |u| u.to_string());
                let given = shape[0];
                fail(syn::Error::new(
                    span,
                    format!(
                        "`Dense` is declared with {n} inputs, but `{prev}` gives {given}; write `Dense({given} => {units})`, or `Dense({units})` to infer it"
                    ),
                ));
            }
        }
    }

    if let Some(e) = errors {
        return Err(e);
    }
    let units = units.unwrap_or(1);
    Ok((Dense { bias, init }, Some(vec![units])))
}

impl Dense {
    pub fn ty(&self, t: &TokenStream, i: usize, o: usize) -> TokenStream {
        let bias = self.bias;
        quote!(::nn::__private::Dense<#t, #i, #o, #bias>)
    }

    pub fn params(&self, i: usize, o: usize) -> usize {
        i.saturating_mul(o)
            .saturating_add(if self.bias { o } else { 0 })
    }

    pub fn describe(&self) -> String {
        if self.bias {
            "Dense".into()
        } else {
            "Dense(no bias)".into()
        }
    }
}
