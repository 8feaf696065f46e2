//! `Prelu`: one learned negative slope shared by all elements.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Entry, Kind, LayerKind};
use crate::shapes::{len, ANY};

pub const ENTRY: Entry = Entry {
    names: &["Prelu"],
    reads: ANY,
    he_init: &["Prelu"],
    transparent: false,
    check: |cx| Ok((Box::new(Prelu) as Kind, cx.input.cloned())),
};

pub struct Prelu;

impl LayerKind for Prelu {
    fn ty(
        &self,
        p: &TokenStream,
        t: &TokenStream,
        input: &[usize],
        _output: &[usize],
    ) -> TokenStream {
        let n = len(input);
        quote!(#p::Prelu<#t, #n>)
    }

    fn describe(&self) -> String {
        "Prelu".into()
    }

    fn params(&self, _input: &[usize], _output: &[usize]) -> usize {
        1
    }

    fn has_params(&self) -> bool {
        true
    }

    fn const_init(&self) -> Result<(), &'static str> {
        Ok(())
    }

    fn tensors(&self, _input: &[usize], _output: &[usize]) -> Vec<(&'static str, Vec<usize>)> {
        vec![("slope", vec![1])]
    }
}
