//! The fix for a layer that receives a layout it does not read: the one
//! place that knows how layouts turn into each other (`Flatten`,
//! `Transpose`, `sequences = true`, a channel dimension on the input).

use super::conv2d::flat_input_hint;
use crate::shapes::{show, Layout};

const RECURRENT: &[&str] = &["Rnn", "Lstm", "Gru"];

/// The message for `kind` receiving `shape` of `layout` from `prev` (a
/// layer of kind `prev_kind`, or the input).
pub fn mismatch(
    kind: &str,
    shape: &[usize],
    layout: Layout,
    prev: &str,
    prev_kind: Option<&str>,
) -> String {
    let gives = format!("`{prev}` gives {}", layout.describe(shape));
    let n: usize = shape.iter().product();
    let from_recurrent = prev_kind.is_some_and(|k| RECURRENT.contains(&k));
    match kind {
        "Rnn" | "Lstm" | "Gru" => {
            let head = format!("`{kind}` reads a sequence [length, features], but {gives}");
            match layout {
                Layout::Flat if from_recurrent => format!(
                    "{head}, only its last state; add `sequences = true` to `{prev}` to pass on every step"
                ),
                Layout::Flat if prev_kind == Some("Flatten") => format!(
                    "{head}; remove `{prev}`: recurrent layers read [length, features] as they are"
                ),
                Layout::Flat if prev == "input" => format!(
                    "{head}; declare the input as steps of features, as in `input: [{n}, 1]`"
                ),
                Layout::Flat => format!(
                    "{head}; put recurrent layers before the layers that flatten (`Dense`, `Flatten`, `GlobalAvgPool`)"
                ),
                Layout::Channels => format!(
                    "{head}; add `steps: Transpose,` before it to read them as {} steps of {} features",
                    shape[1], shape[0]
                ),
                _ => format!("{head}; flatten each step's features into one dimension first"),
            }
        }
        "Conv1d" => {
            let head = format!("`Conv1d` expects a [channels, length] input, but {gives}");
            match layout {
                Layout::Sequence => format!(
                    "{head}; add `channels: Transpose,` before it to read them as {} channels at {} positions",
                    shape[1], shape[0]
                ),
                Layout::Flat => format!("{head}; {}", flat_input_hint(prev, "[channels, length]", "[1, 32]")),
                Layout::Image => format!("{head}; use `Conv2d` for [channels, height, width]"),
                _ => format!("{head}; declare the input with 2 dimensions, as in `input: [1, 32]`"),
            }
        }
        "Conv2d" | "MaxPool2d" | "AvgPool2d" => {
            let head = if kind == "Conv2d" {
                format!("`Conv2d` expects a [channels, height, width] input, but {gives}")
            } else {
                format!("`{kind}` pools over height and width of a [channels, height, width] input, but {gives}")
            };
            let (or_other, other) = if kind == "Conv2d" {
                (", or use `Conv1d` for [channels, length]", "use `Conv1d` for [channels, length]")
            } else {
                (
                    "; a [channels, length] input has no 2-d pooling: use a strided `Conv1d` or `GlobalAvgPool`",
                    "a [channels, length] input has no 2-d pooling: use a strided `Conv1d` or `GlobalAvgPool`",
                )
            };
            match (layout, shape) {
                (Layout::Flat, _) => format!(
                    "{head}; {}",
                    flat_input_hint(prev, "[channels, height, width]", "[1, 8, 8]")
                ),
                (Layout::Declared, [h, w]) => format!(
                    "{head}; for a one-channel image add a channel dimension, `input: [1, {h}, {w}]`{or_other}"
                ),
                (Layout::Channels, _) => format!("{head}; {other}"),
                (Layout::Sequence, _) => format!(
                    "{head}; a recurrent output has no height and width: put `{kind}` before the recurrent layer"
                ),
                _ => format!("{head}; declare the input with 3 dimensions, as in `input: [1, 8, 8]`"),
            }
        }
        "GlobalAvgPool" => {
            let head = format!(
                "`GlobalAvgPool` averages the positions of each channel of a [channels, ..] input, but {gives}"
            );
            match layout {
                Layout::Sequence if from_recurrent => format!(
                    "{head}; to summarise the sequence, remove `sequences = true` from `{prev}` to keep its last state"
                ),
                Layout::Sequence => format!("{head}; it is not a [channels, ..] input"),
                _ => format!("{head}; {}", flat_input_hint(prev, "[channels, height, width]", "[1, 8, 8]")),
            }
        }
        "ConvTranspose2d" | "Upsample" => {
            let head = format!(
                "`{kind}` expects a [channels, height, width] input, but {gives}"
            );
            match layout {
                Layout::Flat if prev == "input" => format!(
                    "{head}; declare noise as an image of one pixel, as in `input: [{n}, 1, 1]`"
                ),
                Layout::Flat => format!(
                    "{head}; start from an image of one pixel (`input: [channels, 1, 1]`) and keep the layers that flatten after it"
                ),
                _ => format!("{head}; declare the input with 3 dimensions, as in `input: [16, 1, 1]`"),
            }
        }
        "Routing" => format!(
            "`Routing` reads capsules [count, dim], but {gives}; make them with a `Conv2d` and `PrimaryCaps(dim)` before it"
        ),
        "PrimaryCaps" => format!(
            "`PrimaryCaps` reads a convolution's [channels, height, width], but {gives}; put a `Conv2d` with capsules x dim channels before it"
        ),
        "TreeLstm" => {
            let head = format!(
                "`TreeLstm` reads a tree as rows [nodes, features + children], but {gives}"
            );
            if prev == "input" {
                format!("{head}; declare the input as one row per node, as in `input: [16, 12]` for 16 nodes of 8 features and 4 child slots")
            } else {
                format!("{head}; put `TreeLstm` first: it reads the tree's rows as they are")
            }
        }
        "Transpose" => format!(
            "`Transpose` swaps the two dimensions of [channels, length] or [steps, features], but `{prev}` gives {}; remove it",
            show(shape)
        ),
        _ => format!("`{kind}` cannot read {}", layout.describe(shape)),
    }
}
