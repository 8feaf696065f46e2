//! `BatchNorm`: per feature of a 1-d input, per channel of `[C, ..]`, per
//! feature over the real steps of a sequence `[L, F]`. Momentum 0.1 and
//! epsilon 1e-5, PyTorch's defaults.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Entry, Kind, LayerKind};
use crate::shapes::{Layout, ANY};

pub const ENTRY: Entry = Entry {
    names: &["BatchNorm"],
    reads: ANY,
    he_init: &[],
    transparent: true,
    check: |cx| {
        cx.args
            .no_args_because("momentum 0.1 and eps 1e-5 are fixed, PyTorch's defaults");
        let steps = cx.layout == Some(Layout::Sequence);
        Ok((Box::new(BatchNorm { steps }) as Kind, cx.input.cloned()))
    },
};

/// Channels and positions per channel of a batch-norm input: `[N]` is N
/// features at one position; `[C, H, W]` is C channels at H*W positions.
fn channels(input: &[usize]) -> (usize, usize) {
    match input {
        [n] => (*n, 1),
        [c, rest @ ..] => (*c, rest.iter().product()),
        [] => (1, 1),
    }
}

/// `steps`: after a recurrent sequence, per feature over the real steps.
pub struct BatchNorm {
    steps: bool,
}

impl BatchNorm {
    /// Channels (features) and positions (steps) per channel.
    fn sizes(&self, input: &[usize]) -> (usize, usize) {
        match (self.steps, input) {
            (true, [l, f]) => (*f, *l),
            _ => channels(input),
        }
    }
}

impl LayerKind for BatchNorm {
    fn ty(
        &self,
        p: &TokenStream,
        t: &TokenStream,
        input: &[usize],
        _output: &[usize],
    ) -> TokenStream {
        let (c, s) = self.sizes(input);
        let (n, steps) = (c * s, self.steps);
        quote!(#p::BatchNorm<#t, #c, #s, #n, #steps>)
    }

    fn describe(&self) -> String {
        if self.steps {
            "BatchNorm(per feature)".into()
        } else {
            "BatchNorm".into()
        }
    }

    fn params(&self, input: &[usize], _output: &[usize]) -> usize {
        2 * self.sizes(input).0
    }

    fn has_params(&self) -> bool {
        true
    }

    fn const_init(&self) -> Result<(), &'static str> {
        Ok(())
    }

    fn has_buffers(&self) -> bool {
        true
    }

    fn tensors(&self, input: &[usize], _output: &[usize]) -> Vec<(&'static str, Vec<usize>)> {
        let c = self.sizes(input).0;
        vec![("weight", vec![c]), ("bias", vec![c])]
    }

    fn buffers(&self, input: &[usize], _output: &[usize]) -> Vec<(&'static str, usize)> {
        let c = self.sizes(input).0;
        vec![("running_mean", c), ("running_var", c)]
    }
}
