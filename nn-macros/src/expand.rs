//! `network!` from tokens to tokens: parse, check, generate. On any error
//! the errors are emitted together with a stub type of the same name, so
//! a mistake in the declaration does not cascade into errors at every use.

use proc_macro2::TokenStream;
use quote::quote;

use crate::{check, codegen, parse};

pub fn network(input: TokenStream) -> TokenStream {
    let decl: parse::NetworkDecl = match syn::parse2(input) {
        Ok(d) => d,
        Err(e) => return e.into_compile_error(),
    };
    let stub = fallback(&decl);
    match check::check(decl) {
        Ok(net) => codegen::network(&net),
        Err(e) => {
            let errors = e.into_compile_error();
            quote!( #errors #stub )
        }
    }
}

/// A placeholder with the declared name, generics and constructors, so the
/// rest of the crate type-checks while the declaration is being fixed.
fn fallback(decl: &parse::NetworkDecl) -> TokenStream {
    let vis = &decl.vis;
    let name = &decl.name;
    quote! {
        #vis struct #name<T = f32>(::core::marker::PhantomData<T>);
        #[allow(dead_code, reason = "a placeholder while the declaration has errors")]
        impl<T> #name<T> {
            /// Placeholder while the declaration has errors.
            pub const fn zeroed() -> Self { Self(::core::marker::PhantomData) }
            /// Placeholder while the declaration has errors.
            pub fn new(_seed: u64) -> Self { Self(::core::marker::PhantomData) }
        }
    }
}
