//! The `network!` procedural macro of the `nn` crate.
//!
//! Stages: [`parse`] reads the declaration keeping every span, [`check`]
//! validates it and infers every shape into an [`ir`] network, and
//! [`codegen`] writes the Rust. Each layer kind keeps its argument rules,
//! shape rule and generated type together in one file under `layers/`, so
//! adding a kind touches one file plus the registry in `layers/mod.rs`.
#![forbid(unsafe_code)]

extern crate proc_macro;

mod check;
mod codegen;
mod diagnostics;
mod expand;
#[cfg(test)]
mod fuzz_tests;
mod ir;
mod layers;
mod parse;

/// Declares a network; see the `nn` crate documentation.
#[proc_macro]
pub fn network(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    expand::network(input.into()).into()
}
