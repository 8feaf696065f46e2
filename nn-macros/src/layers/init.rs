//! Weight initialisation schemes by their DSL names (`init = he_normal`),
//! mirroring `nn_core::Init`, and the default: He for weights feeding a
//! ReLU-family activation, Xavier otherwise.

use proc_macro2::TokenStream;
use quote::quote;

use super::relu_family;
use crate::diagnostics::closest;
use crate::parse::Value;

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

    /// Uniform or zero: computable in a `const fn`; a normal draw needs
    /// `log` and `cos`, which no `const fn` has.
    pub fn const_init(self) -> Result<(), &'static str> {
        match self {
            InitScheme::XavierUniform | InitScheme::HeUniform | InitScheme::Zeros => Ok(()),
            InitScheme::XavierNormal | InitScheme::HeNormal | InitScheme::LecunNormal => {
                Err("its `init` is a normal distribution")
            }
        }
    }

    pub fn tokens(self) -> TokenStream {
        match self {
            InitScheme::XavierUniform => quote!(__nn::Init::XavierUniform),
            InitScheme::XavierNormal => quote!(__nn::Init::XavierNormal),
            InitScheme::HeUniform => quote!(__nn::Init::HeUniform),
            InitScheme::HeNormal => quote!(__nn::Init::HeNormal),
            InitScheme::LecunNormal => quote!(__nn::Init::LecunNormal),
            InitScheme::Zeros => quote!(__nn::Init::Zeros),
        }
    }
}

/// The scheme named by `init = ..`, or the default for a layer followed by
/// the kind `next`.
pub fn from_arg(arg: Option<&Value>, next: Option<&str>) -> syn::Result<InitScheme> {
    let default = if next.is_some_and(relu_family) {
        InitScheme::HeUniform
    } else {
        InitScheme::XavierUniform
    };
    match arg {
        None => Ok(default),
        Some(Value::Ident(id)) => InitScheme::from_name(&id.to_string()).ok_or_else(|| {
            let hint = match closest(&id.to_string(), INIT_NAMES) {
                Some(c) => format!("did you mean `{c}`?"),
                None => format!("expected one of {}", INIT_NAMES.join(", ")),
            };
            syn::Error::new(id.span(), format!("unknown initialisation `{id}`; {hint}"))
        }),
        Some(other) => Err(syn::Error::new(
            other.span(),
            format!(
                "`init` names a scheme such as `he_normal`, found {}",
                other.describe()
            ),
        )),
    }
}
