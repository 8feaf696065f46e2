//! The `network!` procedural macro of the `nn` crate.
//!
//! Stages: `parse` reads the declaration keeping every span, `family`
//! turns a declaration with choices (`Dense(16 | 32)`) into one per
//! member, `check`
//! validates it and infers every shape (with its `shapes::Layout`) into
//! an `ir` network, and `codegen` writes the Rust; `expand` ties
//! them together and emits a stand-in on errors. Leaf modules underneath:
//! `diagnostics` (distances, foreign spellings, sizes in messages) and
//! `shapes`. The kinds live in `layers`, one registry.
//!
//! Adding a layer kind:
//! 1. `nn-core/src/layers/<kind>.rs`: the type implementing `Layer`, and
//!    its `mod` and `pub use` in `nn-core/src/layers/mod.rs` (the
//!    generated code reaches every nn-core layer through one glob).
//! 2. `nn-macros/src/layers/<kind>.rs`: its `ENTRY` (DSL names, the
//!    layouts it reads, initialisation facts, its rules function) and a
//!    type implementing `LayerKind` (nn-core type, parameters, summary).
//! 3. Register it: `mod <kind>;` and `<kind>::ENTRY,` in
//!    `nn-macros/src/layers/mod.rs`.
//! 4. A row in `nn-macros/DSL.md`, finite-difference tests in `tests/`,
//!    and a UI case for each new error.
#![forbid(unsafe_code)]

extern crate proc_macro;

mod check;
mod codegen;
mod diagnostics;
mod expand;
mod family;
#[cfg(test)]
mod fuzz_tests;
mod ir;
mod layers;
mod parse;
mod shapes;
#[cfg(test)]
mod snapshot_tests;

#[doc = include_str!("../DSL.md")]
#[proc_macro]
pub fn network(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    expand::network(input.into()).into()
}
