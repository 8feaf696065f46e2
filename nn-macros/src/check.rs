//! Validation and shape inference: turns the parsed declaration into the
//! checked [`ir::Network`], or reports every mistake at once, each on its
//! own token. A layer that fails leaves its output shape unknown, so the
//! layers after it are still checked for their own arguments without a
//! cascade of shape errors.

use std::collections::HashMap;

use proc_macro2::Span;

use crate::ir::{self, Shape};
use crate::layers;
use crate::parse::{Field, InputDecl, NetworkDecl};

/// Largest element count of one activation; beyond it sizes stop being
/// meaningful for fixed-size arrays (and products could overflow).
const MAX_ELEMENTS: u64 = 1 << 32;

/// Errors gathered over the whole declaration.
#[derive(Default)]
pub struct Errors(Option<syn::Error>);

impl Errors {
    pub fn push(&mut self, e: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(e),
            None => self.0 = Some(e),
        }
    }
    pub fn at(&mut self, span: Span, msg: impl std::fmt::Display) {
        self.push(syn::Error::new(span, msg));
    }
    pub fn into_result<T>(self, ok: T) -> syn::Result<T> {
        match self.0 {
            Some(e) => Err(e),
            None => Ok(ok),
        }
    }
}

/// Checks the declaration and infers every shape.
pub fn check(decl: NetworkDecl) -> syn::Result<ir::Network> {
    let mut errors = Errors::default();
    for e in decl.errors {
        errors.push(e);
    }

    if decl.name == "T" {
        errors.at(
            decl.name.span(),
            "`T` is the name of the network's float parameter; choose another name",
        );
    }
    let mut input: Option<&InputDecl> = None;
    let mut seen_layer = false;
    for field in &decl.fields {
        match field {
            Field::Input(i) => {
                if input.is_some() {
                    errors.at(
                        i.key.span(),
                        "repeated `input`: a network has one input shape; delete this one",
                    );
                } else {
                    if seen_layer {
                        errors.at(
                            i.key.span(),
                            "`input` must come before the layers; move it to the top",
                        );
                    }
                    input = Some(i);
                }
            }
            Field::Layer(_) => seen_layer = true,
        }
    }

    let input_shape = match input {
        None => {
            errors.at(
                decl.name.span(),
                format!(
                    "`{}` has no `input`; declare the input shape first, as in `input: [64],`",
                    decl.name
                ),
            );
            None
        }
        Some(i) => check_input(i, &mut errors),
    };

    let mut names: HashMap<String, ()> = HashMap::new();
    let mut shape: Option<Shape> = input_shape.clone();
    let mut prev = String::from("input");
    let mut out_layers = Vec::new();
    let decls: Vec<_> = decl
        .fields
        .iter()
        .filter_map(|f| match f {
            Field::Layer(l) => Some(l),
            Field::Input(_) => None,
        })
        .collect();
    if decls.is_empty() && input.is_some() && errors.0.is_none() {
        errors.at(
            decl.body_span,
            "the network has no layers; add at least one after `input`, as in `out: Dense(1),`",
        );
    }
    for (k, l) in decls.iter().enumerate() {
        let name = l.name.to_string();
        if names.insert(name.clone(), ()).is_some() {
            errors.at(
                l.name.span(),
                format!("duplicate layer name `{name}`; every layer needs its own name"),
            );
        }
        if name.starts_with("__nn") {
            errors.at(l.name.span(), "names starting with `__nn` are reserved for generated code");
        }
        let next = decls.get(k + 1).map(|n| n.kind.to_string());
        match layers::check(l, shape.as_ref(), &prev, next.as_deref()) {
            Ok((kind, out)) => {
                if let (Some(i), Some(o)) = (&shape, &out) {
                    if o.iter().any(|&d| d == 0) || ir::len(o) as u64 > MAX_ELEMENTS {
                        errors.at(
                            l.kind.span(),
                            format!(
                                "`{name}` would output {}, which is not a usable size",
                                ir::show(o)
                            ),
                        );
                        shape = None;
                    } else {
                        out_layers.push(ir::Layer {
                            attrs: l.attrs.clone(),
                            name: l.name.clone(),
                            kind,
                            input: i.clone(),
                            output: o.clone(),
                            span: l.kind.span(),
                        });
                        shape = out;
                    }
                } else {
                    shape = out;
                }
            }
            Err(e) => {
                errors.push(e);
                shape = None;
            }
        }
        prev = name;
    }

    errors.into_result(())?;
    Ok(ir::Network {
        attrs: decl.attrs,
        vis: decl.vis,
        name: decl.name,
        input: input_shape.unwrap_or_default(),
        layers: out_layers,
    })
}

fn check_input(i: &InputDecl, errors: &mut Errors) -> Option<Shape> {
    if i.dims.is_empty() {
        errors.at(
            i.bracket_span,
            "the input shape is empty; give its size, as in `input: [64]` or `input: [1, 8, 8]`",
        );
        return None;
    }
    if i.dims.len() > 4 {
        errors.at(
            i.bracket_span,
            format!(
                "input shapes have at most 4 dimensions, found {}",
                i.dims.len()
            ),
        );
        return None;
    }
    let mut ok = true;
    let mut total: u64 = 1;
    for d in &i.dims {
        if d.value == 0 {
            errors.at(d.span, "an input dimension of 0 leaves nothing to compute; use at least 1");
            ok = false;
        }
        total = total.saturating_mul(d.value.max(1));
    }
    if total > MAX_ELEMENTS {
        errors.at(i.bracket_span, "the input has more than 2^32 elements");
        ok = false;
    }
    ok.then(|| i.dims.iter().map(|d| d.value as usize).collect())
}

/// Levenshtein distance, case-insensitive, for "did you mean" hints.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut prev = row[0];
        row[0] = i;
        for j in 1..=b.len() {
            let cur = row[j];
            row[j] = (row[j] + 1)
                .min(row[j - 1] + 1)
                .min(prev + usize::from(a[i - 1] != b[j - 1]));
            prev = cur;
        }
    }
    row[b.len()]
}

/// The closest candidate, if close enough to be a plausible typo.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (distance(word, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}
