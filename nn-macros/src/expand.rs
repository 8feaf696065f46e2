//! `network!` from tokens to tokens: parse, check, generate. On any error
//! the errors are emitted together with a stand-in of the same name that
//! carries the whole generated API, so a mistake in the declaration is the
//! only error, however the program uses the network.

use proc_macro2::TokenStream;
use quote::quote;
use syn::parse::{ParseStream, Parser};
use syn::{Attribute, Ident, Token, Visibility};

use crate::shapes::Shape;
use crate::{check, codegen, family, parse};

pub fn network(input: TokenStream) -> TokenStream {
    let decl: parse::NetworkDecl = match syn::parse2(input.clone()) {
        Ok(d) => d,
        Err(e) => {
            let errors = e.into_compile_error();
            let standin = recover_head(input).map(|(vis, name)| {
                let head = Head {
                    attrs: Vec::new(),
                    vis,
                    name,
                    options: parse::Options::default(),
                };
                standin(&head, None, None)
            });
            return quote!( #errors #standin );
        }
    };
    let head = Head {
        attrs: decl.attrs.clone(),
        vis: decl.vis.clone(),
        name: decl.name.clone(),
        options: decl.options.clone(),
    };
    match family::members(&decl) {
        Ok(None) => {}
        Ok(Some(members)) => return expand_family(&head, members),
        Err(e) => {
            // A family whose members cannot be made: the family type
            // without members, so that code using it adds no error.
            let errors = e.into_compile_error();
            let empty = family_type(&head, Vec::new(), None, None, false);
            return quote!( #errors #empty );
        }
    }
    match check::check(decl) {
        Ok(net) => codegen::network(&net),
        Err(failed) => {
            let errors = failed.error.into_compile_error();
            let standin = standin(&head, failed.input.as_ref(), failed.output.as_ref());
            quote!( #errors #standin )
        }
    }
}

/// Every member of a family, checked and written (a stand-in for one that
/// fails), and the family type. Only the first failing member's errors
/// are emitted: a mistake shared by all members is one error, not one per
/// member.
fn expand_family(head: &Head, members: Vec<family::Member>) -> TokenStream {
    let mut items = Vec::new();
    let mut errors = head.options.weights.as_ref().map(|w| {
        syn::Error::new(
            w.span(),
            "a weight file holds one network, not a family; declare the trained member on its own, without `|` choices, to give it `#[nn(weights = ..)]`",
        )
        .into_compile_error()
    });
    let (mut input, mut output): (Option<Shape>, Option<Shape>) = (None, None);
    let mut names = Vec::new();
    for member in members {
        let mut decl = member.decl;
        decl.options.weights = None;
        let doc = format!(
            " Member `{}` of the family [`{}`].",
            member.choices, head.name
        );
        decl.attrs.push(syn::parse_quote!(#[doc = ""]));
        decl.attrs.push(syn::parse_quote!(#[doc = #doc]));
        names.push((decl.name.clone(), member.choices));
        let member_head = Head {
            attrs: decl.attrs.clone(),
            vis: decl.vis.clone(),
            name: decl.name.clone(),
            options: decl.options.clone(),
        };
        match check::check(decl) {
            Ok(net) => {
                let out: Shape = net.layers.last().map_or(&net.input, |l| &l.output).clone();
                if let Some(first) = &output {
                    if *first != out && errors.is_none() {
                        let span = net.layers.last().map_or(net.input_span, |l| l.span);
                        let msg = format!(
                            "the members of a family share their output, but `{}` gives {} where the first gives {}; keep the choices out of the layers that set the output's shape",
                            net.name,
                            crate::shapes::show(&out),
                            crate::shapes::show(first),
                        );
                        errors = Some(syn::Error::new(span, msg).into_compile_error());
                    }
                } else {
                    output = Some(out);
                }
                input.get_or_insert_with(|| net.input.clone());
                items.push(codegen::network(&net));
            }
            Err(failed) => {
                if errors.is_none() {
                    errors = Some(failed.error.into_compile_error());
                }
                items.push(standin(
                    &member_head,
                    failed.input.as_ref(),
                    failed.output.as_ref(),
                ));
            }
        }
    }
    let checked = errors.is_none();
    let family = family_type(head, names, input.as_ref(), output.as_ref(), checked);
    quote!( #errors #(#items)* #family )
}

/// The family type of `head`'s declaration over its `members`.
fn family_type(
    head: &Head,
    members: Vec<(Ident, String)>,
    input: Option<&Shape>,
    output: Option<&Shape>,
    checked: bool,
) -> TokenStream {
    codegen::family::family(&codegen::family::Family {
        attrs: &head.attrs,
        vis: &head.vis,
        name: &head.name,
        krate: check::crate_path(&head.options),
        members,
        input,
        output,
        checked,
    })
}

/// What the stand-in keeps of the declaration.
struct Head {
    attrs: Vec<Attribute>,
    vis: Visibility,
    name: Ident,
    options: parse::Options,
}

/// `type Name<T = f32> = Standin<T, Input, Output>`, with `[T; 0]` for a
/// shape the declaration leaves unknown, and the trace under its chosen
/// name.
fn standin(head: &Head, input: Option<&Shape>, output: Option<&Shape>) -> TokenStream {
    let Head { vis, name, .. } = head;
    let krate = check::crate_path(&head.options);
    let (kept, cfgs) = codegen::kept_attrs(&head.attrs);
    let (i, o) = (codegen::tensor_type(input), codegen::tensor_type(output));
    let trace = head.options.trace.as_ref().map(|trace| {
        quote! {
            #(#cfgs)*
            #vis type #trace<T, const B: usize> = #krate::__private::StandinTrace<T, #i, #o, B>;
        }
    });
    quote! {
        #(#kept)*
        #vis type #name<T = f32> = #krate::__private::Standin<T, #i, #o>;
        #trace
    }
}

/// The visibility and name of a declaration that failed to parse, read
/// from its leading `#[..] pub struct Name` (a keyword is no name).
fn recover_head(input: TokenStream) -> Option<(Visibility, Ident)> {
    let head = |input: ParseStream| {
        input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        input.parse::<Token![struct]>()?;
        let name: Ident = input.parse()?;
        input.parse::<TokenStream>()?;
        Ok((vis, name))
    };
    head.parse2(input).ok()
}
