//! Writes the Rust for a checked network, in stages by what they emit:
//! [`plan`] sizes every buffer (data, unit-tested), [`items`] writes the
//! struct, its trace, constants and constructors, [`forward`] and
//! [`backward`] the passes, [`tensors`] the numbering of parameter
//! tensors and buffers, [`summary`] the table, and [`budget`] the checks
//! of `#[nn(budget(..))]`.
//!
//! Only the network's struct (and a trace the user named) is emitted at
//! the call site; everything else sits in one `const _: () = { .. };`
//! block, as serde_derive does, so generated names can collide neither
//! with the user's items nor with a second declaration, and paths go
//! through one short alias (`__nn`) of the crate the user names.

mod backward;
mod budget;
pub mod family;
mod flash;
mod forward;
mod items;
mod plan;
mod summary;
mod tensors;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::Ident;

use crate::ir::{self, Network};
use crate::shapes::len;

/// The tensor type of `shape` over `T` (`[[T; W]; H]`), or `[T; 0]` for
/// a shape a failed check left unknown (stand-ins and families).
pub fn tensor_type(shape: Option<&crate::shapes::Shape>) -> TokenStream {
    match shape {
        Some(s) => s
            .iter()
            .rev()
            .fold(quote!(T), |inner, d| quote!([#inner; #d])),
        None => quote!([T; 0]),
    }
}

/// Of a declaration's attributes, those an item standing for it keeps
/// (`cfg` and `doc`), and its `cfg`s alone, for the items beside it.
pub fn kept_attrs(attrs: &[syn::Attribute]) -> (Vec<&syn::Attribute>, Vec<&syn::Attribute>) {
    let is = |a: &syn::Attribute, n: &str| a.path().is_ident(n);
    (
        attrs
            .iter()
            .filter(|a| is(a, "cfg") || is(a, "doc"))
            .collect(),
        attrs.iter().filter(|a| is(a, "cfg")).collect(),
    )
}

/// One layer that computes something (not a view).
struct Compute<'a> {
    layer: &'a ir::Layer,
    field: &'a Ident,
    /// The field's type (full paths: it is also written outside the block).
    ty: TokenStream,
    in_len: usize,
    out_len: usize,
}

impl Compute<'_> {
    /// `<Ty as Layer<T, I, O>>`, the path of the layer's trait items.
    fn path(&self) -> TokenStream {
        let (ty, i, o) = (&self.ty, self.in_len, self.out_len);
        quote!(<#ty as __nn::Layer<T, #i, #o>>)
    }
}

/// The trace's field for activation `k`.
fn act(k: usize) -> Ident {
    format_ident!("__nn_a{}", k)
}

/// The trace's field for layer `k`'s records.
fn aux(k: usize) -> Ident {
    format_ident!("__nn_aux{}", k)
}

/// Elements an inference pass holds besides the parameters: input,
/// output, the two buffers and the largest layer scratch (layers run one
/// after the other).
fn inference_elems(computes: &[Compute], plan: &plan::Plan) -> usize {
    let scratch = computes
        .iter()
        .map(|c| c.layer.kind.scratch(&c.layer.input, &c.layer.output))
        .max()
        .unwrap_or(0);
    plan.inference_elems() + scratch
}

/// `[[[T; W]; H]; C]` for shape `[C, H, W]`.
fn nested(shape: &[usize]) -> TokenStream {
    shape
        .iter()
        .rev()
        .fold(quote!(T), |inner, d| quote!([#inner; #d]))
}

pub fn network(net: &Network) -> TokenStream {
    let t = quote!(T);
    let krate = &net.krate;
    let private = quote!(#krate::__private);
    let computes: Vec<Compute> = net
        .layers
        .iter()
        .filter(|l| !l.kind.is_view())
        .map(|l| Compute {
            layer: l,
            field: &l.name,
            ty: l.kind.ty(&private, &t, &l.input, &l.output),
            in_len: len(&l.input),
            out_len: len(&l.output),
        })
        .collect();
    let mut sizes = vec![len(&net.input)];
    sizes.extend(computes.iter().map(|c| c.out_len));
    let plan = plan::Plan::new(sizes);
    let output_shape = net
        .layers
        .last()
        .map_or(net.input.clone(), |l| l.output.clone());
    let io = items::Io {
        input_ty: nested(&net.input),
        output_ty: nested(&output_shape),
        output_shape,
    };
    let params: usize = computes
        .iter()
        .map(|c| c.layer.kind.params(&c.layer.input, &c.layer.output))
        .sum();
    let ram = inference_elems(&computes, &plan);
    let summary = summary::summary(net, params, ram, ram > plan.inference_elems());

    let name = &net.name;
    let cfgs = &net.cfgs;
    let structs = items::structs(net, &computes, &summary);
    let trace_name = net
        .trace
        .clone()
        .unwrap_or_else(|| format_ident!("{}Trace", name));
    // A trace the user named is theirs, next to the struct.
    let (trace_outside, trace_inside) = match net.trace {
        Some(_) => (
            items::trace(net, &trace_name, &computes, &plan, &private),
            quote!(),
        ),
        None => (
            quote!(),
            items::trace(net, &trace_name, &computes, &plan, &private),
        ),
    };
    let impls = items::impls(net, &trace_name, &computes, &plan, &io, params, &summary);
    let check_msg = format!("nn-core's parameter count of `{name}` differs from the macro's");
    let ram_msg = format!("nn-core's inference RAM of `{name}` differs from the macro's");
    let ram_bytes = 4 * ram;
    let trained = flash::trained(net, &private);
    let budget = budget::check(net, params, ram);
    let param_check = quote!(
        const _: () =
            ::core::assert!(<#name<f32> as __nn::Params<f32>>::PARAMS == #params, #check_msg);
        const _: () = ::core::assert!(<#name<f32> as __nn::Network<f32>>::INFERENCE_RAM_BYTES == #ram_bytes, #ram_msg);
    );
    quote! {
        #structs
        #trace_outside
        #(#cfgs)*
        const _: () = {
            use #private as __nn;
            #trace_inside
            #impls
            #param_check
            #trained
            #budget
        };
    }
}
