//! The checked network: every layer with its kind, options and inferred
//! input and output shapes. Built by `check`, read by `codegen`.

use proc_macro2::{Span, TokenStream};
use syn::{Attribute, Ident, Visibility};

use crate::layers::Kind;
use crate::shapes::Shape;

/// A network that passed every check.
pub struct Network {
    /// Outer attributes, for the struct.
    pub attrs: Vec<Attribute>,
    /// The `#[cfg]`s among them, repeated on every other generated item.
    pub cfgs: Vec<Attribute>,
    pub vis: Visibility,
    pub name: Ident,
    /// The path of the `nn` crate (`::nn`, or `#[nn(crate = path)]`).
    pub krate: TokenStream,
    /// The trace's public name, from `#[nn(trace = Name)]`.
    pub trace: Option<Ident>,
    /// The weight file of `#[nn(weights = "..")]`.
    pub weights: Option<syn::LitStr>,
    /// The memory budgets of `#[nn(budget(..))]`.
    pub budget: Option<crate::parse::Budget>,
    pub input: Shape,
    /// Span of the input shape `[..]`, where rustc's notes about the
    /// `forward` method's argument point.
    pub input_span: Span,
    pub layers: Vec<Layer>,
}

/// One layer with its inferred shapes.
pub struct Layer {
    pub attrs: Vec<Attribute>,
    pub name: Ident,
    /// The name of its tensors in weight files (`#[nn(rename = "..")]`,
    /// else the field's).
    pub file_name: String,
    pub kind: Kind,
    pub input: Shape,
    pub output: Shape,
    /// Span of the kind token, for generated items that can fail.
    pub span: Span,
}
