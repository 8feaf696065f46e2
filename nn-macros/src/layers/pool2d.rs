//! `MaxPool2d(k, stride)` and `AvgPool2d(k, stride)` on `[C, H, W]`, no
//! padding; `k` and the stride are a number or `(h, w)`, the stride
//! defaults to the kernel (as in PyTorch). Output `[C, (H - kh)/sh + 1, ..]`.

use proc_macro2::TokenStream;
use quote::quote;

use super::args::{pair, show_pair};
use super::conv2d::{flat_input_hint, out_len, what_it_sees};
use super::{Args, Entry, Kind, LayerKind};
use crate::diagnostics::Errors;
use crate::parse::Value;
use crate::shapes::{show, Layout, Shape};

/// A checked 2-d pooling layer.
pub struct Pool2d {
    pub max: bool,
    pub kernel: (usize, usize),
    pub stride: (usize, usize),
}

pub const ENTRY: Entry = Entry {
    names: &["MaxPool2d", "AvgPool2d"],
    reads: &[Layout::Image],
    he_init: &[],
    transparent: false,
    check: |cx| {
        let max = cx.kind == "MaxPool2d";
        check(max, &mut cx.args, cx.input, cx.prev).map(|(p, s)| (Box::new(p) as Kind, s))
    },
};

fn check(
    max: bool,
    args: &mut Args,
    input: Option<&Shape>,
    prev: &str,
) -> syn::Result<(Pool2d, Option<Shape>)> {
    let name = if max { "MaxPool2d" } else { "AvgPool2d" };
    let mut fails = Errors::default();
    let kernel_arg = args.positional(0).or_else(|| args.named("kernel"));
    let stride_arg = args.positional(1).or_else(|| args.named("stride"));
    let kernel = match kernel_arg {
        None => {
            fails.push(syn::Error::new(
                args.kind_span(),
                format!("`{name}` needs a window size, as in `{name}(2)`"),
            ));
            None
        }
        Some(v) => fails.ok(pair(v, "the pooling window", false)),
    };
    let stride = match stride_arg {
        None => kernel,
        Some(v) => fails.ok(pair(v, "the stride", false)),
    };
    let mut out_shape = None;
    match input {
        Some(s) if s.len() != 3 => fails.push(syn::Error::new(
            args.kind_span(),
            format!(
                "`{name}` pools over height and width of a [channels, height, width] input, but `{prev}` gives {}; {}",
                show(s),
                match s.len() {
                    1 => flat_input_hint(prev, "[channels, height, width]", "[1, 8, 8]"),
                    2 => "a [channels, length] sequence has no 2-d pooling; use a strided `Conv1d` or `GlobalAvgPool`".into(),
                    _ => "declare the input with 3 dimensions, as in `input: [1, 8, 8]`".into(),
                }
            ),
        )),
        Some(s) => {
            if let (Some((kh, kw)), Some((sh, sw))) = (kernel, stride) {
                let (h, w) = (s[1], s[2]);
                match (out_len(h, kh, sh, 0), out_len(w, kw, sw, 0)) {
                    (Some(oh), Some(ow)) => out_shape = Some(vec![s[0], oh, ow]),
                    (oh, ow) => fails.push(syn::Error::new(
                        kernel_arg.map_or(args.kind_span(), Value::span),
                        format!(
                            "pooling window {} does not fit {}; the output would be {}x{}; use a window of at most {}, or remove the layer",
                            show_pair((kh, kw)),
                            what_it_sees(&format!("{h}x{w}"), prev),
                            oh.unwrap_or(0),
                            ow.unwrap_or(0),
                            show_pair((h.min(kh), w.min(kw))),
                        ),
                    )),
                }
            }
        }
        None => {}
    }
    fails.into_result(())?;
    let kernel = kernel.unwrap_or((1, 1));
    Ok((
        Pool2d {
            max,
            kernel,
            stride: stride.unwrap_or(kernel),
        },
        out_shape,
    ))
}

impl LayerKind for Pool2d {
    fn ty(
        &self,
        p: &TokenStream,
        t: &TokenStream,
        input: &[usize],
        output: &[usize],
    ) -> TokenStream {
        let (c, h, w) = (input[0], input[1], input[2]);
        let (oh, ow) = (output[1], output[2]);
        let ((kh, kw), (sh, sw)) = (self.kernel, self.stride);
        let (i, o) = (c * h * w, c * oh * ow);
        if self.max {
            quote!(#p::MaxPool2d<#t, #c, #h, #w, #kh, #kw, #sh, #sw, #oh, #ow, #i, #o>)
        } else {
            quote!(#p::AvgPool2d<#t, #c, #h, #w, #kh, #kw, #sh, #sw, #oh, #ow, #i, #o>)
        }
    }

    fn describe(&self) -> String {
        let name = if self.max { "MaxPool2d" } else { "AvgPool2d" };
        if self.stride == self.kernel {
            format!("{name}({})", show_pair(self.kernel))
        } else {
            format!(
                "{name}({}, s{})",
                show_pair(self.kernel),
                show_pair(self.stride)
            )
        }
    }
}
