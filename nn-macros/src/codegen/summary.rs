//! The Keras-style summary table, in the type's docs and `SUMMARY`.

use crate::diagnostics::grouped;
use crate::ir::Network;
use crate::shapes::show;

/// The Keras-style table.
pub fn summary(net: &Network, params: usize, inference_elems: usize, scratch: bool) -> String {
    let mut rows: Vec<[String; 4]> =
        vec![["input".into(), "Input".into(), show(&net.input), "0".into()]];
    for l in &net.layers {
        rows.push([
            l.name.to_string(),
            l.kind.describe(),
            show(&l.output),
            grouped(l.kind.params(&l.input, &l.output)),
        ]);
    }
    let head = ["Layer", "Kind", "Output shape", "Params"];
    let mut w = head.map(str::len);
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(c.len());
        }
    }
    let line = |cells: [&str; 4]| {
        format!(
            "{:<w0$}  {:<w1$}  {:<w2$}  {:>w3$}\n",
            cells[0],
            cells[1],
            cells[2],
            cells[3],
            w0 = w[0],
            w1 = w[1],
            w2 = w[2],
            w3 = w[3]
        )
    };
    let total_w = w.iter().sum::<usize>() + 6;
    let mut s = format!("Network: {}\n", net.name);
    s += &line(head);
    s += &"=".repeat(total_w);
    s.push('\n');
    for r in &rows {
        s += &line([&r[0], &r[1], &r[2], &r[3]]);
    }
    s += &"=".repeat(total_w);
    s.push('\n');
    s += &format!(
        "Total params: {} ({} bytes as f32)\n",
        grouped(params),
        grouped(params * 4)
    );
    s += &format!(
        "Inference RAM: {} bytes as f32 (input, output, 2 buffers{})\n",
        grouped(inference_elems * 4),
        if scratch { ", layer scratch" } else { "" }
    );
    s
}
