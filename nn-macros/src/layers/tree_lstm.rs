//! `TreeLstm(hidden, children = K)`: the child-sum Tree-LSTM on a tree
//! given as rows `[nodes, features + K]`, each node's features then its
//! `K` child slots (nn-core's `layers/tree_lstm.rs` says how a tree is
//! written). Gives the root's hidden state `[hidden]`.

use proc_macro2::TokenStream;
use quote::quote;

use super::args::positive_int;
use super::{Entry, Kind, LayerKind};
use crate::diagnostics::Errors;
use crate::shapes::{len, show, Layout};

pub const ENTRY: Entry = Entry {
    names: &["TreeLstm"],
    reads: &[Layout::Sequence, Layout::Declared],
    he_init: &[],
    transparent: false,
    check: |cx| {
        let mut errors = Errors::default();
        let hidden_arg = cx.args.positional(0).or_else(|| cx.args.named("hidden"));
        let children_arg = cx.args.named("children");
        let hidden = match hidden_arg {
            None => {
                errors.at(
                    cx.args.kind_span(),
                    "`TreeLstm` needs its hidden size and the most children a node has, as in `TreeLstm(64, children = 4)`",
                );
                None
            }
            Some(v) => errors.ok(positive_int(v, "the hidden size of `TreeLstm`")),
        };
        let children = match children_arg {
            None => {
                if hidden.is_some() {
                    errors.at(
                        cx.args.kind_span(),
                        "`TreeLstm` needs the most children a node has, as in `TreeLstm(64, children = 4)`: each node's row ends in that many child slots",
                    );
                }
                None
            }
            Some(v) => errors.ok(positive_int(v, "`children`")),
        };
        let mut out = None;
        match cx.input {
            Some(s) if s.len() != 2 => errors.at(
                cx.args.kind_span(),
                format!(
                    "`TreeLstm` reads a tree as rows [nodes, features + children], but `{}` gives {}; declare the input as one row per node, as in `input: [16, 12]` for 16 nodes of 8 features and 4 child slots",
                    cx.prev,
                    show(s)
                ),
            ),
            Some(s) => {
                if let (Some(h), Some(k)) = (hidden, children) {
                    if s[1] <= k {
                        errors.at(
                            cx.args.kind_span(),
                            format!(
                                "each node's row of {} values must hold its features and {k} child slots, so it needs more than {k}; widen the input rows or lower `children`",
                                s[1]
                            ),
                        );
                    } else {
                        out = Some(vec![h]);
                    }
                }
            }
            None => {}
        }
        errors.into_result(())?;
        let layer = TreeLstm {
            hidden: hidden.unwrap_or(1),
            children: children.unwrap_or(1),
        };
        Ok((Box::new(layer) as Kind, out))
    },
};

/// A checked Tree-LSTM.
pub struct TreeLstm {
    hidden: usize,
    children: usize,
}

impl LayerKind for TreeLstm {
    /// `TreeLstm<T, N, F, K, H, G, W, I>`.
    fn ty(
        &self,
        p: &TokenStream,
        t: &TokenStream,
        input: &[usize],
        _output: &[usize],
    ) -> TokenStream {
        let (n, w) = (input[0], input[1]);
        let (k, h) = (self.children, self.hidden);
        let (f, g, i) = (w - k, 4 * h, len(input));
        quote!(#p::TreeLstm<#t, #n, #f, #k, #h, #g, #w, #i>)
    }

    fn params(&self, input: &[usize], _output: &[usize]) -> usize {
        let f = input
            .get(1)
            .copied()
            .unwrap_or(1)
            .saturating_sub(self.children);
        let g = self.hidden.saturating_mul(4);
        g.saturating_mul(f.saturating_add(self.hidden).saturating_add(1))
    }

    fn has_params(&self) -> bool {
        true
    }

    fn const_init(&self) -> Result<(), &'static str> {
        Ok(())
    }

    fn tensors(&self, input: &[usize], _output: &[usize]) -> Vec<(&'static str, Vec<usize>)> {
        let (f, h) = (input[1] - self.children, self.hidden);
        vec![
            ("weight_ih", vec![4 * h, f]),
            ("weight_hh", vec![4 * h, h]),
            ("bias", vec![4 * h]),
        ]
    }

    /// `h` and `c` of every node, one node's gates, forget gates and child
    /// sum (nn-core's `SCRATCH`).
    fn scratch(&self, input: &[usize], _output: &[usize]) -> usize {
        let (n, h, k) = (input[0], self.hidden, self.children);
        2 * n * h + 4 * h + k * h + h
    }

    fn gives(&self, _input: Layout, _output: &[usize]) -> Layout {
        Layout::Flat
    }

    fn describe(&self) -> String {
        format!("TreeLstm({}, children = {})", self.hidden, self.children)
    }
}
