//! `Conv2d(out_channels, kernel = k | (kh, kw), stride = s | (sh, sw),
//! padding = p | (ph, pw) | same, bias = true, init = ..)` on `[C, H, W]`.
//! Output `[out_channels, OH, OW]` with `OH = (H + 2 ph - kh) / sh + 1`.

use proc_macro2::TokenStream;
use quote::quote;

use super::args::{boolean, pair, positive_int, show_pad, show_pair};
use super::init::{self, InitScheme};
use super::{Args, Entry, Kind, LayerKind};
use crate::diagnostics::Errors;
use crate::parse::Value;
use crate::shapes::{show, Layout, Shape};

/// A checked 2-d convolution.
pub struct Conv2d {
    pub out_channels: usize,
    pub kernel: (usize, usize),
    pub stride: (usize, usize),
    pub padding: (usize, usize),
    pub bias: bool,
    pub init: InitScheme,
}

/// Reads `padding = p | (ph, pw) | same | valid` for a kernel.
pub(super) fn padding(
    v: Option<&Value>,
    kernel: Option<(usize, usize)>,
    stride: (usize, usize),
    fails: &mut Errors,
) -> (usize, usize) {
    match v {
        None => (0, 0),
        Some(Value::Ident(id)) if id == "valid" => (0, 0),
        Some(Value::Ident(id)) if id == "same" => match kernel {
            Some((kh, kw)) if kh % 2 == 1 && kw % 2 == 1 && stride == (1, 1) => {
                ((kh - 1) / 2, (kw - 1) / 2)
            }
            Some(k) => {
                fails.push(syn::Error::new(
                    id.span(),
                    format!(
                        "`padding = same` needs an odd kernel and stride 1, found kernel {} and stride {}; give the padding as a number",
                        show_pair(k),
                        show_pair(stride)
                    ),
                ));
                (0, 0)
            }
            None => (0, 0),
        },
        Some(other) => fails.ok(pair(other, "the padding", true)).unwrap_or((0, 0)),
    }
}

/// A convolution in the summary: `Conv2d(16, k3x3, s2x2, p1x1)`, the
/// stride and padding only when not 1 and 0.
pub(super) fn describe_window(
    kind: &str,
    out_channels: usize,
    kernel: (usize, usize),
    stride: (usize, usize),
    padding: (usize, usize),
) -> String {
    let mut s = format!("{kind}({out_channels}, k{}", show_pair(kernel));
    if stride != (1, 1) {
        s += &format!(", s{}", show_pair(stride));
    }
    if padding != (0, 0) {
        s += &format!(", p{}", show_pair(padding));
    }
    s + ")"
}

/// The number of output channels of a convolution: a positive integer.
pub(super) fn channels(v: &Value, kind: &str) -> syn::Result<usize> {
    match v {
        Value::Int(0, span) => Err(syn::Error::new(
            *span,
            format!("`{kind}` needs at least 1 output channel, found 0; write e.g. `{kind}(16, kernel = 3)`"),
        )),
        other => positive_int(other, "the number of output channels"),
    }
}

/// The output length of a window of `k` with stride `s` over `n` padded
/// by `p` on both sides; `None` when the window does not fit.
pub(super) fn out_len(n: usize, k: usize, s: usize, p: usize) -> Option<usize> {
    let padded = n.saturating_add(p.saturating_mul(2));
    (padded >= k && s > 0).then(|| (padded - k) / s + 1)
}

/// The padding (per side) that lets a window of `k` fit `n` padded by `p`.
pub(super) fn padding_to_fit(n: usize, k: usize, p: usize) -> usize {
    let padded = n.saturating_add(p.saturating_mul(2));
    if k > padded {
        p + (k - padded).div_ceil(2)
    } else {
        p
    }
}

/// "the 4x4 input" or "the 2x2 output of `conv`": what a window layer
/// sees, named after the layer that gives it.
pub(super) fn what_it_sees(size: &str, prev: &str) -> String {
    if prev == "input" {
        format!("the {size} input")
    } else {
        format!("the {size} output of `{prev}`")
    }
}

/// The fix for a layer that needs `want` (`"[channels, height, width]"`)
/// but receives a flat `[n]` from `prev`.
pub(super) fn flat_input_hint(prev: &str, want: &str, example: &str) -> String {
    if prev == "input" {
        format!("declare the input as {want}, as in `input: {example}`")
    } else {
        "move it before the layers that flatten (`Flatten`, `Dense`, `GlobalAvgPool`)".into()
    }
}

pub const ENTRY: Entry = Entry {
    names: &["Conv2d"],
    reads: &[Layout::Image],
    he_init: &[],
    transparent: false,
    check: |cx| {
        check(&mut cx.args, cx.input, cx.prev, cx.next).map(|(c, s)| (Box::new(c) as Kind, s))
    },
};

fn check(
    args: &mut Args,
    input: Option<&Shape>,
    prev: &str,
    next: Option<&str>,
) -> syn::Result<(Conv2d, Option<Shape>)> {
    let mut fails = Errors::default();
    let out_arg = args.positional(0);
    let kernel_arg = args.named("kernel").or_else(|| args.positional(1));
    let stride_arg = args.named("stride");
    let padding_arg = args.named("padding");
    let bias_arg = args.named("bias");
    let init_arg = args.named("init");

    let out_channels = match out_arg {
        None => {
            fails.push(syn::Error::new(
                args.kind_span(),
                if kernel_arg.is_some() {
                    "`Conv2d` needs its number of output channels as the first argument, as in `Conv2d(16, kernel = 3)`"
                } else {
                    "`Conv2d` needs its number of output channels and a kernel, as in `Conv2d(16, kernel = 3)`"
                },
            ));
            None
        }
        Some(v) => fails.ok(channels(v, "Conv2d")),
    };
    let kernel = match kernel_arg {
        None if out_arg.is_some() => {
            fails.push(syn::Error::new(
                args.kind_span(),
                "`Conv2d` needs a kernel size, as in `Conv2d(16, kernel = 3)`",
            ));
            None
        }
        None => None,
        Some(v) => fails.ok(pair(v, "the kernel size", false)),
    };
    let stride = stride_arg
        .and_then(|v| fails.ok(pair(v, "the stride", false)))
        .unwrap_or((1, 1));
    let padding = padding(padding_arg, kernel, stride, &mut fails);
    let bias = bias_arg
        .and_then(|v| fails.ok(boolean(v, "`bias`")))
        .unwrap_or(true);
    let init = fails
        .ok(init::from_arg(init_arg, next))
        .unwrap_or(InitScheme::XavierUniform);

    let mut out_shape = None;
    match input {
        Some(s) if s.len() != 3 => fails.push(syn::Error::new(
            args.kind_span(),
            format!(
                "`Conv2d` expects a [channels, height, width] input, but `{prev}` gives {}; {}",
                show(s),
                match s.len() {
                    1 => flat_input_hint(prev, "[channels, height, width]", "[1, 8, 8]"),
                    2 => "use `Conv1d` for [channels, length]".into(),
                    _ => "declare the input with 3 dimensions, as in `input: [1, 8, 8]`".into(),
                }
            ),
        )),
        Some(s) => {
            if let (Some(oc), Some((kh, kw))) = (out_channels, kernel) {
                let (h, w) = (s[1], s[2]);
                match (
                    out_len(h, kh, stride.0, padding.0),
                    out_len(w, kw, stride.1, padding.1),
                ) {
                    (Some(oh), Some(ow)) => out_shape = Some(vec![oc, oh, ow]),
                    (oh, ow) => {
                        let span = kernel_arg.map_or(args.kind_span(), Value::span);
                        let fit = (
                            h.saturating_add(padding.0.saturating_mul(2)),
                            w.saturating_add(padding.1.saturating_mul(2)),
                        );
                        let pad = (
                            padding_to_fit(h, kh, padding.0),
                            padding_to_fit(w, kw, padding.1),
                        );
                        fails.push(syn::Error::new(
                            span,
                            format!(
                                "kernel {} does not fit {} (padding {}); the output would be {}x{}; use a kernel of at most {} or `padding = {}`",
                                show_pair((kh, kw)),
                                what_it_sees(&format!("{h}x{w}"), prev),
                                show_pad(padding),
                                oh.unwrap_or(0),
                                ow.unwrap_or(0),
                                show_pair(fit),
                                show_pad(pad),
                            ),
                        ));
                    }
                }
            }
        }
        None => {}
    }
    fails.into_result(())?;
    let conv = Conv2d {
        out_channels: out_channels.unwrap_or(1),
        kernel: kernel.unwrap_or((1, 1)),
        stride,
        padding,
        bias,
        init,
    };
    Ok((conv, out_shape))
}

impl LayerKind for Conv2d {
    fn ty(
        &self,
        p: &TokenStream,
        t: &TokenStream,
        input: &[usize],
        output: &[usize],
    ) -> TokenStream {
        let (c, h, w) = (input[0], input[1], input[2]);
        let (oc, oh, ow) = (output[0], output[1], output[2]);
        let ((kh, kw), (sh, sw), (ph, pw)) = (self.kernel, self.stride, self.padding);
        let (i, o) = (c * h * w, oc * oh * ow);
        let bias = self.bias;
        quote!(#p::Conv2d<#t, #c, #h, #w, #oc, #kh, #kw, #sh, #sw, #ph, #pw, #oh, #ow, #i, #o, #bias>)
    }

    fn params(&self, input: &[usize], _output: &[usize]) -> usize {
        let c = input.first().copied().unwrap_or(1);
        let per = c
            .saturating_mul(self.kernel.0)
            .saturating_mul(self.kernel.1);
        self.out_channels
            .saturating_mul(per)
            .saturating_add(if self.bias { self.out_channels } else { 0 })
    }

    fn init(&self) -> TokenStream {
        self.init.tokens()
    }

    fn has_params(&self) -> bool {
        true
    }

    fn const_init(&self) -> Result<(), &'static str> {
        self.init.const_init()
    }

    fn tensors(&self, input: &[usize], _output: &[usize]) -> Vec<(&'static str, Vec<usize>)> {
        let oc = self.out_channels;
        let mut t = vec![("weight", vec![oc, input[0], self.kernel.0, self.kernel.1])];
        if self.bias {
            t.push(("bias", vec![oc]));
        }
        t
    }

    fn gives(&self, _input: Layout, _output: &[usize]) -> Layout {
        Layout::Image
    }

    fn describe(&self) -> String {
        describe_window(
            "Conv2d",
            self.out_channels,
            self.kernel,
            self.stride,
            self.padding,
        )
    }
}
