//! Validation and shape inference: turns the parsed declaration into the
//! checked [`ir::Network`], or reports every mistake at once, each on its
//! own token. A layer that fails (or a field that failed to parse) leaves
//! its output shape unknown, so the layers after it are still checked for
//! their own arguments without a cascade of shape errors.

use std::collections::HashSet;

use proc_macro2::Span;
use syn::Ident;

use crate::diagnostics::{bytes, grouped, Errors};
use crate::ir;
use crate::layers;
use crate::parse::{Field, InputDecl, LayerDecl, NetworkDecl, Options};
use crate::shapes::Layout;
use crate::shapes::{self, Shape};

/// Largest element count of one activation (1 GiB as f32 per sample): a
/// fixed-size array beyond it is not a network rustc can build, and the
/// products of sizes stay far from overflowing.
const MAX_ELEMENTS: u64 = 1 << 28;

/// Largest parameter count of one layer and of the whole network (1 GiB
/// as f32), so a network too big to build is refused here, on its
/// declaration, and not inside nn-core.
const MAX_PARAMS: u64 = 1 << 28;

/// "at most 268,435,456 (1.1 GB as f32)".
fn limit(max: u64) -> String {
    format!(
        "at most {} ({} as f32)",
        grouped(max as usize),
        bytes(max.saturating_mul(4))
    )
}

/// A declaration with mistakes: every error, and the input and output
/// shapes as far as they are known, for the stand-in.
pub struct Failed {
    pub error: syn::Error,
    pub input: Option<Shape>,
    pub output: Option<Shape>,
}

/// The path generated code names the `nn` crate by.
pub fn crate_path(options: &Options) -> proc_macro2::TokenStream {
    match &options.krate {
        Some(p) => quote::quote!(#p),
        None => quote::quote!(::nn),
    }
}

/// Checks the declaration and infers every shape.
pub fn check(decl: NetworkDecl) -> Result<ir::Network, Failed> {
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
    // `Some(None)`: an `input` is there but failed to parse (already reported).
    let mut input: Option<Option<&InputDecl>> = None;
    let mut seen_layer = false;
    for field in &decl.fields {
        let (key, parsed) = match field {
            Field::Input(i) => (&i.key, Some(i)),
            Field::Broken(Some(n)) if n == "input" => (n, None),
            Field::Layer(_) | Field::Broken(_) => {
                seen_layer = true;
                continue;
            }
        };
        if input.is_some() {
            errors.at(
                key.span(),
                "repeated `input`: a network has one input shape; delete this one",
            );
        } else {
            if seen_layer {
                errors.at(
                    key.span(),
                    "`input` must come before the layers; move it to the top",
                );
            }
            input = Some(parsed);
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
        Some(None) => None,
        Some(Some(i)) => check_input(i, &mut errors),
    };

    /// A layer, or a field that failed to parse and leaves the shape unknown.
    enum Entry<'a> {
        Layer(&'a LayerDecl),
        Broken(Option<&'a Ident>),
    }
    let entries: Vec<Entry> = decl
        .fields
        .iter()
        .filter_map(|f| match f {
            Field::Layer(l) => Some(Entry::Layer(l)),
            Field::Broken(Some(n)) if n == "input" => None,
            Field::Broken(n) => Some(Entry::Broken(n.as_ref())),
            Field::Input(_) => None,
        })
        .collect();
    if entries.is_empty() && input.is_some() && errors.is_empty() {
        errors.at(
            decl.body_span,
            format!(
                "`{}` has no layers; add at least one after `input`, as in `out: Dense(1),`",
                decl.name
            ),
        );
    }

    let mut names: HashSet<String> = HashSet::new();
    // The running shape and what its dimensions mean.
    let mut shape: Option<(Shape, Layout)> = input_shape.clone().map(|s| {
        let layout = Layout::of_input(s.len());
        (s, layout)
    });
    let mut prev = String::from("input");
    let mut prev_kind: Option<String> = None;
    let mut out_layers = Vec::new();
    let mut total_params: u64 = 0;
    for (k, entry) in entries.iter().enumerate() {
        let l = match entry {
            Entry::Layer(l) => *l,
            Entry::Broken(name) => {
                // Its error is reported; only its name still counts.
                if let Some(n) = name {
                    names.insert(n.to_string());
                    prev = n.to_string();
                }
                prev_kind = None;
                shape = None;
                continue;
            }
        };
        let name = l.name.to_string();
        check_name(&l.name, &mut names, &mut errors);
        let mut file_name = name.clone();
        for attr in &l.attrs {
            if attr.path().is_ident("nn") {
                if let Some(renamed) = rename(attr, &name, &mut errors) {
                    file_name = renamed;
                }
            } else if !attr.path().is_ident("doc") {
                errors.push(syn::Error::new_spanned(
                    attr,
                    format!("only doc comments (`///`) and `#[nn(rename = \"..\")]` are allowed on a layer; remove this attribute from `{name}`"),
                ));
            }
        }
        // The next kind that decides the initialisation: norms, dropout and
        // reshapes in between do not change what the weights feed.
        let next = entries[k + 1..]
            .iter()
            .map_while(|e| match e {
                Entry::Layer(n) => Some(n.kind.to_string()),
                Entry::Broken(_) => None,
            })
            .find(|kind| !layers::transparent(kind));
        let checked = layers::check(
            l,
            shape.as_ref().map(|(s, layout)| (s, *layout)),
            &prev,
            prev_kind.as_deref(),
            next.as_deref(),
        );
        if let Some(e) = checked.error {
            errors.push(e);
        }
        let out = checked.output;
        match (checked.kind, &shape, &out) {
            (Some(kind), Some((i, _)), Some((o, _))) => {
                // Sizes are at most 2^32 here, so this cannot overflow.
                let params = kind.params(i, o) as u64;
                if o.contains(&0) {
                    errors.at(
                        l.kind.span(),
                        format!(
                            "`{name}` would output {}, which is not a usable size",
                            shapes::show(o)
                        ),
                    );
                    shape = None;
                } else if shapes::len(o) as u64 > MAX_ELEMENTS {
                    let n = shapes::len(o) as u64;
                    errors.at(
                        l.kind.span(),
                        format!(
                            "`{name}` would output {} ({} elements, {} as f32 per sample); a fixed-size network allows {} per activation; make it smaller",
                            shapes::show(o),
                            grouped(n as usize),
                            bytes(n.saturating_mul(4)),
                            limit(MAX_ELEMENTS)
                        ),
                    );
                    shape = None;
                } else if params > MAX_PARAMS {
                    errors.at(
                        l.kind.span(),
                        format!(
                            "`{name}` would have {} parameters ({} as f32; {} inputs, {} outputs); a fixed-size network allows {}; make it smaller",
                            grouped(params as usize),
                            bytes(params.saturating_mul(4)),
                            shapes::len(i),
                            shapes::len(o),
                            limit(MAX_PARAMS)
                        ),
                    );
                    shape = None;
                } else {
                    total_params = total_params.saturating_add(params);
                    out_layers.push(ir::Layer {
                        attrs: l.attrs.clone(),
                        name: l.name.clone(),
                        file_name: file_name.clone(),
                        kind,
                        input: i.clone(),
                        output: o.clone(),
                        span: l.kind.span(),
                    });
                    shape = out;
                }
            }
            _ => shape = out,
        }
        prev = name;
        prev_kind = Some(l.kind.to_string());
    }
    if total_params > MAX_PARAMS {
        errors.at(
            decl.name.span(),
            format!(
                "`{}` would have {} parameters ({} as f32); a fixed-size network allows {}; make it smaller",
                decl.name,
                grouped(total_params as usize),
                bytes(total_params.saturating_mul(4)),
                limit(MAX_PARAMS)
            ),
        );
    }
    if let Some(last) = out_layers.last() {
        if errors.is_empty() && out_layers.iter().all(|l| l.kind.is_view()) {
            errors.at(
                last.span,
                format!(
                    "`{}` computes nothing: `Flatten` only reshapes; add a layer such as `out: Dense(10),` (or `Identity`)",
                    decl.name
                ),
            );
        }
    }

    if let Some(error) = errors.into_error() {
        // A declared input the checks refused (a 0 in it) still types the
        // stand-in as the user's program expects.
        let declared = match input {
            Some(Some(i))
                if i.dims.iter().fold(1u64, |a, d| a.saturating_mul(d.value)) <= MAX_ELEMENTS =>
            {
                Some(i.dims.iter().map(|d| d.value as usize).collect())
            }
            _ => None,
        };
        return Err(Failed {
            error,
            input: input_shape.or(declared),
            output: shape.map(|(s, _)| s),
        });
    }
    let cfgs = decl
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .cloned()
        .collect();
    Ok(ir::Network {
        attrs: decl.attrs,
        cfgs,
        krate: crate_path(&decl.options),
        trace: decl.options.trace,
        weights: decl.options.weights,
        budget: decl.options.budget,
        vis: decl.vis,
        name: decl.name,
        input: input_shape.unwrap_or_default(),
        input_span: match input {
            Some(Some(i)) => i.bracket_span,
            _ => Span::call_site(),
        },
        layers: out_layers,
    })
}

/// A layer name must be a usable field name, unique and not reserved.
fn check_name(name: &Ident, names: &mut HashSet<String>, errors: &mut Errors) {
    let text = name.to_string();
    if !names.insert(text.clone()) {
        errors.at(
            name.span(),
            format!(
                "duplicate layer name `{text}`; every layer needs its own name, rename this one"
            ),
        );
    }
    if syn::parse_str::<Ident>(&text).is_err() {
        errors.at(
            name.span(),
            format!("`{text}` is a Rust keyword and cannot name a layer; choose another name"),
        );
    } else if text.starts_with("__nn") {
        errors.at(
            name.span(),
            "names starting with `__nn` are reserved for generated code; choose another name",
        );
    }
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
            errors.at(
                d.span,
                "an input dimension of 0 leaves nothing to compute; use at least 1",
            );
            ok = false;
        }
        total = total.saturating_mul(d.value.max(1));
    }
    if total > MAX_ELEMENTS {
        errors.at(
            i.bracket_span,
            format!(
                "the input would have {} elements ({} as f32 per sample); a fixed-size network allows {}; make it smaller",
                grouped(total as usize),
                bytes(total.saturating_mul(4)),
                limit(MAX_ELEMENTS)
            ),
        );
        ok = false;
    }
    ok.then(|| i.dims.iter().map(|d| d.value as usize).collect())
}

/// The name a layer's tensors take in weight files, from
/// `#[nn(rename = "features.0")]` (PyTorch's `features.0.weight`).
fn rename(attr: &syn::Attribute, layer: &str, errors: &mut Errors) -> Option<String> {
    let mut out = None;
    let r = attr.parse_nested_meta(|meta| {
        if meta.path.is_ident("rename") {
            let lit: syn::LitStr = meta.value()?.parse()?;
            let v = lit.value();
            if v.is_empty() || v.starts_with('.') || v.ends_with('.') || v.contains(char::is_whitespace) {
                return Err(syn::Error::new(
                    lit.span(),
                    format!("`rename` needs a tensor-name prefix such as \"features.0\", not {v:?}"),
                ));
            }
            out = Some(v);
            Ok(())
        } else {
            Err(meta.error(format!(
                "unknown `nn` option on a layer; the option is `rename = \"..\"` (the name of `{layer}`'s tensors in weight files, as PyTorch's `features.0`)"
            )))
        }
    });
    if let Err(e) = r {
        errors.push(e);
    }
    out
}
