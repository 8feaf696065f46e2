//! `#[nn(budget(..))]`: the network's memory against its budgets, in f32.
//! Flash and inference RAM are known here (the parameter count and the
//! inference buffers), so a network over its budget is an error on the
//! budget's token with both figures; the training figure depends on
//! nn-core's per-layer records, so it is a constant assertion there.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

use crate::diagnostics::grouped;
use crate::ir::Network;

/// nn-core's `STACK_FRAME_BYTES` (the block asserts the two agree).
const STACK_FRAME_BYTES: usize = 256;

/// The errors and assertions of the network's budgets; nothing without.
pub fn check(net: &Network, params: usize, ram_elems: usize) -> TokenStream {
    let Some(budget) = &net.budget else {
        return TokenStream::new();
    };
    let name = &net.name;
    let mut out = TokenStream::new();
    let over = |size: &crate::parse::Size, what: String| {
        syn::Error::new(size.span, what).into_compile_error()
    };
    if let Some(flash) = &budget.flash {
        let need = 4 * params;
        if need as u64 > flash.bytes {
            out.extend(over(
                flash,
                format!(
                    "`{name}` needs {} B of flash for its {} f32 parameters, over its budget of {} B (`flash = {}`); make the layers smaller or raise the budget",
                    grouped(need),
                    grouped(params),
                    grouped(flash.bytes as usize),
                    flash.written
                ),
            ));
        }
    }
    if let Some(ram) = &budget.ram {
        let buffers = 4 * ram_elems;
        let need = buffers + STACK_FRAME_BYTES;
        if need as u64 > ram.bytes {
            out.extend(over(
                ram,
                format!(
                    "one f32 inference of `{name}` needs about {} B of stack ({} B of input, output, activations and the largest layer's scratch, plus {STACK_FRAME_BYTES} B of call frames: `nn::inference_stack_bytes`), over its budget of {} B (`ram = {}`); make the layers smaller or raise the budget",
                    grouped(need),
                    grouped(buffers),
                    grouped(ram.bytes as usize),
                    ram.written
                ),
            ));
        }
        out.extend(quote!(
            const _: () = ::core::assert!(__nn::STACK_FRAME_BYTES == #STACK_FRAME_BYTES, "nn-macros' call-frame allowance differs from nn-core's");
        ));
    }
    match (&budget.train, &budget.batch) {
        (Some(train), Some(batch)) => {
            let (bytes, b) = (train.bytes as usize, batch.bytes as usize);
            let msg = format!(
                "a training step of `{name}` at batch {b} needs more RAM (its trace and gradients, `nn::training_ram_bytes::<{name}<f32>, f32, {b}>()`) than its budget of {} B (`train = {}`); make the network or the batch smaller or raise the budget",
                grouped(train.bytes as usize),
                train.written
            );
            out.extend(quote_spanned!(train.span=>
                const _: () = ::core::assert!(__nn::training_ram_bytes::<#name<f32>, f32, #b>() <= #bytes, #msg);
            ));
        }
        (Some(train), None) => out.extend(over(
            train,
            "a training budget is for a batch size: write `train = .., batch = 8`".into(),
        )),
        (None, Some(batch)) => out.extend(over(
            batch,
            "`batch` is the batch size of the training budget: add `train = \"32K\"` or remove it"
                .into(),
        )),
        (None, None) => {}
    }
    out
}
