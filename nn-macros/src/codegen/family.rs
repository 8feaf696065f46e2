//! The family type of a declaration with choices: a unit struct with the
//! members' names and a `for_each` that visits their types in order.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Attribute, Ident, Visibility};

use crate::shapes::Shape;

/// What the family type is made of.
pub struct Family<'a> {
    pub attrs: &'a [Attribute],
    pub vis: &'a Visibility,
    pub name: &'a Ident,
    pub krate: TokenStream,
    /// Each member's type name and choices.
    pub members: Vec<(Ident, String)>,
    /// The members' shared shapes.
    pub input: Option<&'a Shape>,
    pub output: Option<&'a Shape>,
    /// False when a member failed its check: `for_each` then visits
    /// nothing, so the declaration's error is the only one.
    pub checked: bool,
}

pub fn family(f: &Family) -> TokenStream {
    let Family {
        vis, name, krate, ..
    } = f;
    let (kept, cfgs) = super::kept_attrs(f.attrs);
    let tensor = super::tensor_type;
    // After an error the methods take any visitor, so that their use
    // adds no error to the declaration's.
    let (generics, i, o) = if f.checked {
        (quote!(T: #krate::Float), tensor(f.input), tensor(f.output))
    } else {
        let generics = quote!(T: #krate::Float, I: #krate::Tensor<T>, O: #krate::Tensor<T>);
        (generics, quote!(I), quote!(O))
    };
    let count = f.members.len();
    let members = f.members.iter().enumerate().map(|(index, (ty, choices))| {
        let ty = ty.to_string();
        quote! {
            #krate::family::Member { index: #index, name: #ty, choices: #choices }
        }
    });
    let visits = f
        .members
        .iter()
        .enumerate()
        .filter(|_| f.checked)
        .map(|(index, (ty, _))| quote!(visitor.visit::<#ty<T>>(Self::MEMBERS[#index]);));
    let arms =
        f.members.iter().enumerate().map(
            |(index, (ty, _))| quote!(#index => visitor.visit::<#ty<T>>(Self::MEMBERS[#index]),),
        );
    let visit_body = if f.checked {
        quote! {
            match index {
                #(#arms)*
                _ => return ::core::option::Option::None,
            }
            Self::MEMBERS.get(index).copied()
        }
    } else {
        quote! {
            let _ = (index, visitor);
            ::core::option::Option::None
        }
    };
    let list = f
        .members
        .iter()
        .map(|(ty, choices)| format!(" - [`{ty}`]: {choices}"));
    quote! {
        #(#kept)*
        #[doc = ""]
        #[doc = " A family of networks, one type per choice:"]
        #(#[doc = #list])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
        #vis struct #name;

        #(#cfgs)*
        impl #name {
            /// The members, in declaration order (the last choice varies
            /// fastest).
            #vis const MEMBERS: [#krate::family::Member; #count] = [#(#members),*];

            /// Hands each member's type to `visitor`, in declaration order.
            #vis fn for_each<#generics, V: #krate::family::VisitMembers<T, #i, #o>>(
                visitor: &mut V,
            ) {
                let _ = &visitor;
                #(#visits)*
            }

            /// Hands member `index`'s type to `visitor` (a search trial's
            /// choice of architecture); `None` past the last member.
            #vis fn visit<#generics, V: #krate::family::VisitMembers<T, #i, #o>>(
                index: usize,
                visitor: &mut V,
            ) -> ::core::option::Option<#krate::family::Member> {
                #visit_body
            }
        }
    }
}
