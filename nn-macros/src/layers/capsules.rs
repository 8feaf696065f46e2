//! Capsules: `PrimaryCaps(dim)` reads a convolution's `[C dim, H, W]` as
//! `C H W` squashed capsules `[C H W, dim]`; `Routing(classes, dim = d,
//! iterations = 3)` routes `[n, d_in]` capsules by agreement to
//! `[classes, d]` (nn-core's `layers/capsules.rs`). The two kinds of one
//! architecture share this file, as the recurrent kinds do.

use proc_macro2::TokenStream;
use quote::quote;

use super::args::positive_int;
use super::{Entry, Kind, LayerKind};
use crate::diagnostics::Errors;
use crate::shapes::{len, show, Layout};

pub const PRIMARY: Entry = Entry {
    names: &["PrimaryCaps"],
    reads: &[Layout::Image],
    he_init: &[],
    transparent: false,
    check: |cx| {
        let mut fails = Errors::default();
        let dim = match cx.args.positional(0).or_else(|| cx.args.named("dim")) {
            None => {
                fails.at(
                    cx.args.kind_span(),
                    "`PrimaryCaps` needs the capsules' dimension, as in `PrimaryCaps(8)` after a `Conv2d` of 8 x capsule-channels outputs",
                );
                None
            }
            Some(v) => fails.ok(positive_int(v, "the capsules' dimension")),
        };
        let mut out = None;
        // The kind reads images only, so a known input is `[C, H, W]`.
        match (cx.input, dim) {
            (Some(s), Some(d)) if s[0] % d != 0 => fails.at(
                cx.args.kind_span(),
                format!(
                    "`{}` gives {} channels, not a multiple of the capsules' dimension {d}; give the convolution a multiple of {d} channels, such as {}",
                    cx.prev,
                    s[0],
                    s[0].div_ceil(d) * d
                ),
            ),
            (Some(s), Some(d)) => out = Some(vec![s[0] / d * s[1] * s[2], d]),
            _ => {}
        }
        fails.into_result(())?;
        Ok((
            Box::new(Primary {
                dim: dim.unwrap_or(1),
            }) as Kind,
            out,
        ))
    },
};

pub const ROUTING: Entry = Entry {
    names: &["Routing"],
    reads: &[Layout::Sequence, Layout::Declared],
    he_init: &[],
    transparent: false,
    check: |cx| {
        let mut fails = Errors::default();
        let classes = match cx.args.positional(0).or_else(|| cx.args.named("classes")) {
            None => {
                fails.at(
                    cx.args.kind_span(),
                    "`Routing` needs its number of output capsules, as in `Routing(10, dim = 16)`",
                );
                None
            }
            Some(v) => fails.ok(positive_int(v, "the number of output capsules")),
        };
        let dim = match cx.args.named("dim") {
            None => {
                if classes.is_some() {
                    fails.at(
                        cx.args.kind_span(),
                        "`Routing` needs the output capsules' dimension, as in `Routing(10, dim = 16)`",
                    );
                }
                None
            }
            Some(v) => fails.ok(positive_int(v, "`dim`")),
        };
        let iterations = cx
            .args
            .named("iterations")
            .and_then(|v| fails.ok(positive_int(v, "`iterations`")))
            .unwrap_or(3);
        let mut out = None;
        match cx.input {
            Some(s) if s.len() != 2 => fails.at(
                cx.args.kind_span(),
                format!(
                    "`Routing` reads capsules [count, dim], but `{}` gives {}; put `PrimaryCaps` before it",
                    cx.prev,
                    show(s)
                ),
            ),
            Some(_) => {
                if let (Some(k), Some(d)) = (classes, dim) {
                    out = Some(vec![k, d]);
                }
            }
            None => {}
        }
        fails.into_result(())?;
        let layer = Route {
            classes: classes.unwrap_or(1),
            dim: dim.unwrap_or(1),
            iterations,
        };
        Ok((Box::new(layer) as Kind, out))
    },
};

/// A checked `PrimaryCaps`.
pub struct Primary {
    dim: usize,
}

impl LayerKind for Primary {
    /// `PrimaryCaps<C, D, H, W, N, I>`.
    fn ty(
        &self,
        p: &TokenStream,
        _t: &TokenStream,
        input: &[usize],
        output: &[usize],
    ) -> TokenStream {
        let d = self.dim;
        let (c, h, w) = (input[0] / d, input[1], input[2]);
        let (n, i) = (output[0], len(input));
        quote!(#p::PrimaryCaps<#c, #d, #h, #w, #n, #i>)
    }

    fn gives(&self, _input: Layout, _output: &[usize]) -> Layout {
        Layout::Sequence
    }

    fn describe(&self) -> String {
        format!("PrimaryCaps({})", self.dim)
    }
}

/// A checked `Routing`.
pub struct Route {
    classes: usize,
    dim: usize,
    iterations: usize,
}

impl LayerKind for Route {
    /// `Routing<T, NI, DI, NO, DO, R, I, O>`.
    fn ty(
        &self,
        p: &TokenStream,
        t: &TokenStream,
        input: &[usize],
        _output: &[usize],
    ) -> TokenStream {
        let (ni, di) = (input[0], input[1]);
        let (no, dout, r) = (self.classes, self.dim, self.iterations);
        let (i, o) = (ni * di, no * dout);
        quote!(#p::Routing<#t, #ni, #di, #no, #dout, #r, #i, #o>)
    }

    fn params(&self, input: &[usize], _output: &[usize]) -> usize {
        len(input)
            .saturating_mul(self.classes)
            .saturating_mul(self.dim)
    }

    fn has_params(&self) -> bool {
        true
    }

    fn tensors(&self, input: &[usize], _output: &[usize]) -> Vec<(&'static str, Vec<usize>)> {
        vec![("weight", vec![input[0], self.classes, self.dim, input[1]])]
    }

    /// One sample's routing record (`forward` keeps it on the stack).
    fn scratch(&self, input: &[usize], _output: &[usize]) -> usize {
        let (ni, no, d, r) = (input[0], self.classes, self.dim, self.iterations);
        // The record, and the routing logits.
        ni * no * d + r * ni * no + 2 * r * no * d + ni * no
    }

    fn gives(&self, _input: Layout, _output: &[usize]) -> Layout {
        Layout::Sequence
    }

    fn describe(&self) -> String {
        format!(
            "Routing({}, dim = {}, iterations = {})",
            self.classes, self.dim, self.iterations
        )
    }
}
