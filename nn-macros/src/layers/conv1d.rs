//! `Conv1d(out_channels, kernel = k, stride = s, padding = p | same,
//! bias = true, init = ..)` on `[C, L]`; output `[out_channels, OL]`.

use proc_macro2::TokenStream;
use quote::quote;

use super::args::{boolean, positive_int};
use super::conv2d::{channels, flat_input_hint, out_len, padding, padding_to_fit, what_it_sees};
use super::init::{self, InitScheme};
use super::{Args, Entry, Kind, LayerKind};
use crate::diagnostics::Errors;
use crate::parse::Value;
use crate::shapes::{show, Layout, Shape};

/// A checked 1-d convolution.
pub struct Conv1d {
    pub out_channels: usize,
    pub kernel: usize,
    pub stride: usize,
    pub padding: usize,
    pub bias: bool,
    pub init: InitScheme,
}

pub const ENTRY: Entry = Entry {
    names: &["Conv1d"],
    reads: &[Layout::Channels, Layout::Declared],
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
) -> syn::Result<(Conv1d, Option<Shape>)> {
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
                    "`Conv1d` needs its number of output channels as the first argument, as in `Conv1d(16, kernel = 3)`"
                } else {
                    "`Conv1d` needs its number of output channels and a kernel, as in `Conv1d(16, kernel = 3)`"
                },
            ));
            None
        }
        Some(v) => fails.ok(channels(v, "Conv1d")),
    };
    let kernel = match kernel_arg {
        None if out_arg.is_some() => {
            fails.push(syn::Error::new(
                args.kind_span(),
                "`Conv1d` needs a kernel size, as in `Conv1d(16, kernel = 3)`",
            ));
            None
        }
        None => None,
        Some(v) => fails.ok(positive_int(v, "the kernel size")),
    };
    let stride = stride_arg
        .and_then(|v| fails.ok(positive_int(v, "the stride")))
        .unwrap_or(1);
    let pad = padding(
        padding_arg,
        kernel.map(|k| (k, k)),
        (stride, stride),
        &mut fails,
    )
    .0;
    let bias = bias_arg
        .and_then(|v| fails.ok(boolean(v, "`bias`")))
        .unwrap_or(true);
    let init = fails
        .ok(init::from_arg(init_arg, next))
        .unwrap_or(InitScheme::XavierUniform);

    let mut out_shape = None;
    match input {
        Some(s) if s.len() != 2 => fails.push(syn::Error::new(
            args.kind_span(),
            format!(
                "`Conv1d` expects a [channels, length] input, but `{prev}` gives {}; {}",
                show(s),
                match s.len() {
                    1 => flat_input_hint(prev, "[channels, length]", "[1, 32]"),
                    3 => "use `Conv2d` for [channels, height, width]".into(),
                    _ => "declare the input with 2 dimensions, as in `input: [1, 32]`".into(),
                }
            ),
        )),
        Some(s) => {
            if let (Some(oc), Some(k)) = (out_channels, kernel) {
                match out_len(s[1], k, stride, pad) {
                    Some(ol) => out_shape = Some(vec![oc, ol]),
                    None => fails.push(syn::Error::new(
                        kernel_arg.map_or(args.kind_span(), Value::span),
                        format!(
                            "kernel {k} does not fit {} (padding {pad}); the output would be empty; use a kernel of at most {} or `padding = {}`",
                            what_it_sees(&format!("length-{}", s[1]), prev),
                            s[1].saturating_add(2 * pad),
                            padding_to_fit(s[1], k, pad),
                        ),
                    )),
                }
            }
        }
        None => {}
    }
    fails.into_result(())?;
    let conv = Conv1d {
        out_channels: out_channels.unwrap_or(1),
        kernel: kernel.unwrap_or(1),
        stride,
        padding: pad,
        bias,
        init,
    };
    Ok((conv, out_shape))
}

impl LayerKind for Conv1d {
    fn ty(
        &self,
        p: &TokenStream,
        t: &TokenStream,
        input: &[usize],
        output: &[usize],
    ) -> TokenStream {
        let (c, l) = (input[0], input[1]);
        let (oc, ol) = (output[0], output[1]);
        let (k, s, pad) = (self.kernel, self.stride, self.padding);
        let (i, o) = (c * l, oc * ol);
        let bias = self.bias;
        quote!(#p::Conv1d<#t, #c, #l, #oc, #k, #s, #pad, #ol, #i, #o, #bias>)
    }

    fn params(&self, input: &[usize], _output: &[usize]) -> usize {
        let c = input.first().copied().unwrap_or(1);
        self.out_channels
            .saturating_mul(c.saturating_mul(self.kernel))
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
        let mut t = vec![("weight", vec![oc, input[0], self.kernel])];
        if self.bias {
            t.push(("bias", vec![oc]));
        }
        t
    }

    fn gives(&self, _input: Layout, _output: &[usize]) -> Layout {
        Layout::Channels
    }

    fn describe(&self) -> String {
        let mut s = format!("Conv1d({}, k{}", self.out_channels, self.kernel);
        if self.stride != 1 {
            s += &format!(", s{}", self.stride);
        }
        if self.padding != 0 {
            s += &format!(", p{}", self.padding);
        }
        s + ")"
    }
}
