//! `Upsample(s | (sh, sw))` on `[C, H, W]`: nearest-neighbour upsampling,
//! each pixel repeated over an `sh x sw` block, to `[C, sh H, sw W]`.

use proc_macro2::TokenStream;
use quote::quote;

use super::args::{pair, show_pair};
use super::{Entry, Kind, LayerKind};
use crate::diagnostics::Errors;
use crate::shapes::{len, Layout};

pub const ENTRY: Entry = Entry {
    names: &["Upsample"],
    reads: &[Layout::Image],
    he_init: &[],
    transparent: false,
    check: |cx| {
        let mut fails = Errors::default();
        let scale_arg = cx.args.positional(0).or_else(|| cx.args.named("scale"));
        let scale = match scale_arg {
            None => {
                fails.at(
                    cx.args.kind_span(),
                    "`Upsample` needs its scale factor, as in `Upsample(2)` or `Upsample((2, 1))`",
                );
                None
            }
            Some(v) => fails.ok(pair(v, "the scale factor", false)),
        };
        // The kind reads images only, so a known input is `[C, H, W]`.
        let out = match (cx.input, scale) {
            (Some(s), Some((sh, sw))) => {
                Some(vec![s[0], s[1].saturating_mul(sh), s[2].saturating_mul(sw)])
            }
            _ => None,
        };
        fails.into_result(())?;
        Ok((
            Box::new(Upsample {
                scale: scale.unwrap_or((1, 1)),
            }) as Kind,
            out,
        ))
    },
};

/// A checked upsampling.
pub struct Upsample {
    scale: (usize, usize),
}

impl LayerKind for Upsample {
    fn ty(
        &self,
        p: &TokenStream,
        _t: &TokenStream,
        input: &[usize],
        output: &[usize],
    ) -> TokenStream {
        let (c, h, w) = (input[0], input[1], input[2]);
        let (sh, sw) = self.scale;
        let (i, o) = (len(input), len(output));
        quote!(#p::Upsample<#c, #h, #w, #sh, #sw, #i, #o>)
    }

    fn gives(&self, _input: Layout, _output: &[usize]) -> Layout {
        Layout::Image
    }

    fn describe(&self) -> String {
        format!("Upsample({})", show_pair(self.scale))
    }
}
