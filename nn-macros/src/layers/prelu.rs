//! `Prelu`: one learned negative slope shared by all elements.

use proc_macro2::TokenStream;
use quote::quote;

use super::Args;
use crate::ir::Shape;

pub fn check(_args: &mut Args, input: Option<&Shape>) -> syn::Result<Option<Shape>> {
    Ok(input.cloned())
}

pub fn ty(p: &TokenStream, t: &TokenStream, n: usize) -> TokenStream {
    quote!(#p::Prelu<#t, #n>)
}
