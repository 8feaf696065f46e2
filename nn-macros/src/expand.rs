//! `network!` from tokens to tokens: parse, check, generate. On any error
//! the errors are emitted together with a stand-in of the same name that
//! carries the whole generated API, so a mistake in the declaration is the
//! only error, however the program uses the network.

use proc_macro2::TokenStream;
use quote::quote;
use syn::parse::{ParseStream, Parser};
use syn::{Attribute, Ident, Token, Visibility};

use crate::shapes::Shape;
use crate::{check, codegen, parse};

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
    match check::check(decl) {
        Ok(net) => codegen::network(&net),
        Err(failed) => {
            let errors = failed.error.into_compile_error();
            let standin = standin(&head, failed.input.as_ref(), failed.output.as_ref());
            quote!( #errors #standin )
        }
    }
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
    let kept = head
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg") || a.path().is_ident("doc"));
    let cfgs: Vec<&Attribute> = head
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .collect();
    let tensor = |shape: Option<&Shape>| match shape {
        Some(s) => s
            .iter()
            .rev()
            .fold(quote!(T), |inner, d| quote!([#inner; #d])),
        None => quote!([T; 0]),
    };
    let (i, o) = (tensor(input), tensor(output));
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
