//! `ConvTranspose2d(out_channels, kernel = k | (kh, kw), stride = s |
//! (sh, sw), padding = p | (ph, pw), bias = true, init = ..)` on
//! `[C, H, W]`: PyTorch's transposed convolution (no `output_padding`),
//! output `[out_channels, OH, OW]` with `OH = (H - 1) sh - 2 ph + kh`.

use proc_macro2::TokenStream;
use quote::quote;

use super::args::{boolean, pair, show_pad, show_pair};
use super::conv2d::{channels, describe_window};
use super::init::{self, InitScheme};
use super::{Entry, Kind, LayerKind};
use crate::diagnostics::Errors;
use crate::shapes::Layout;

pub const ENTRY: Entry = Entry {
    names: &["ConvTranspose2d"],
    reads: &[Layout::Image],
    he_init: &[],
    transparent: false,
    check: |cx| {
        let mut fails = Errors::default();
        let args = &mut cx.args;
        let out_arg = args.positional(0);
        let kernel_arg = args.named("kernel").or_else(|| args.positional(1));
        let stride_arg = args.named("stride");
        let padding_arg = args.named("padding");
        let bias_arg = args.named("bias");
        let init_arg = args.named("init");
        let out_channels = match out_arg {
            None => {
                fails.at(
                    args.kind_span(),
                    "`ConvTranspose2d` needs its number of output channels and a kernel, as in `ConvTranspose2d(16, kernel = 4, stride = 2, padding = 1)`",
                );
                None
            }
            Some(v) => fails.ok(channels(v, "ConvTranspose2d")),
        };
        let kernel = match kernel_arg {
            None if out_arg.is_some() => {
                fails.at(
                    args.kind_span(),
                    "`ConvTranspose2d` needs a kernel size, as in `ConvTranspose2d(16, kernel = 4, stride = 2, padding = 1)`",
                );
                None
            }
            None => None,
            Some(v) => fails.ok(pair(v, "the kernel size", false)),
        };
        let stride = stride_arg
            .and_then(|v| fails.ok(pair(v, "the stride", false)))
            .unwrap_or((1, 1));
        let padding = padding_arg
            .and_then(|v| fails.ok(pair(v, "the padding", true)))
            .unwrap_or((0, 0));
        let bias = bias_arg
            .and_then(|v| fails.ok(boolean(v, "`bias`")))
            .unwrap_or(true);
        let init = fails
            .ok(init::from_arg(init_arg, cx.next))
            .unwrap_or(InitScheme::XavierUniform);
        let mut out_shape = None;
        // The kind reads images only, so a known input is `[C, H, W]`.
        if let (Some(s), Some(oc), Some((kh, kw))) = (cx.input, out_channels, kernel) {
            let grow = |n: usize, k: usize, st: usize, p: usize| {
                (n - 1)
                    .saturating_mul(st)
                    .saturating_add(k)
                    .checked_sub(2 * p)
                    .filter(|o| *o > 0)
            };
            match (
                grow(s[1], kh, stride.0, padding.0),
                grow(s[2], kw, stride.1, padding.1),
            ) {
                (Some(oh), Some(ow)) => out_shape = Some(vec![oc, oh, ow]),
                _ => fails.at(
                    padding_arg.map_or(args.kind_span(), |v| v.span()),
                    format!(
                        "padding {} leaves no output: (size - 1) x stride {} + kernel {} must exceed twice the padding for the {}x{} input; lower the padding",
                        show_pad(padding),
                        show_pair(stride),
                        show_pair((kh, kw)),
                        s[1],
                        s[2]
                    ),
                ),
            }
        }
        fails.into_result(())?;
        let layer = ConvTranspose2d {
            out_channels: out_channels.unwrap_or(1),
            kernel: kernel.unwrap_or((1, 1)),
            stride,
            padding,
            bias,
            init,
        };
        Ok((Box::new(layer) as Kind, out_shape))
    },
};

/// A checked transposed convolution.
pub struct ConvTranspose2d {
    out_channels: usize,
    kernel: (usize, usize),
    stride: (usize, usize),
    padding: (usize, usize),
    bias: bool,
    init: InitScheme,
}

impl LayerKind for ConvTranspose2d {
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
        let (i, o, bias) = (c * h * w, oc * oh * ow, self.bias);
        quote!(#p::ConvTranspose2d<#t, #c, #h, #w, #oc, #kh, #kw, #sh, #sw, #ph, #pw, #oh, #ow, #i, #o, #bias>)
    }

    fn params(&self, input: &[usize], _output: &[usize]) -> usize {
        let c = input.first().copied().unwrap_or(1);
        c.saturating_mul(self.out_channels)
            .saturating_mul(self.kernel.0)
            .saturating_mul(self.kernel.1)
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

    /// PyTorch's layout: `[C, OC, KH, KW]`.
    fn tensors(&self, input: &[usize], _output: &[usize]) -> Vec<(&'static str, Vec<usize>)> {
        let oc = self.out_channels;
        let mut t = vec![("weight", vec![input[0], oc, self.kernel.0, self.kernel.1])];
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
            "ConvTranspose2d",
            self.out_channels,
            self.kernel,
            self.stride,
            self.padding,
        )
    }
}
