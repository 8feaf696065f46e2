//! `Rnn(hidden)`, `Lstm(hidden)`, `Gru(hidden)` on a sequence
//! `[length, features]`; options `sequences = true|false` (return the
//! hidden state of every step, `[length, hidden]`, so layers stack; the
//! default is the last state, `[hidden]`) and `initial = zero|learned`
//! (the initial state: fixed, zero unless set by hand through the layer's
//! `h0`/`c0` fields, or learned as parameters) and `bidirectional = true`
//! (a second cell reads the steps in reverse; outputs are concatenated, so
//! the hidden size doubles: `[2 hidden]` or `[length, 2 hidden]`).
//!
//! The three kinds share their arguments and shape rule and differ only in
//! the number of gates, so they live in one file; each maps to its own
//! nn-core type (`layers/rnn.rs`, `lstm.rs`, `gru.rs`).

use proc_macro2::TokenStream;
use quote::quote;

use super::args::{boolean, positive_int};
use super::{Args, Entry, Kind, LayerKind};
use crate::diagnostics::Errors;
use crate::parse::Value;
use crate::shapes::{len, show, Layout, Shape};

/// Which recurrent cell.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    Rnn,
    Lstm,
    Gru,
}

pub const ENTRY: Entry = Entry {
    names: &["Rnn", "Lstm", "Gru"],
    reads: &[Layout::Sequence, Layout::Declared],
    he_init: &[],
    transparent: false,
    check: |cx| {
        let cell = match cx.kind {
            "Lstm" => Cell::Lstm,
            "Gru" => Cell::Gru,
            _ => Cell::Rnn,
        };
        check(cell, &mut cx.args, cx.input, cx.prev).map(|(r, s)| (Box::new(r) as Kind, s))
    },
};

impl Cell {
    fn name(self) -> &'static str {
        match self {
            Cell::Rnn => "Rnn",
            Cell::Lstm => "Lstm",
            Cell::Gru => "Gru",
        }
    }

    /// Gate blocks stacked in the weights (PyTorch's layouts).
    fn gates(self) -> usize {
        match self {
            Cell::Rnn => 1,
            Cell::Lstm => 4,
            Cell::Gru => 3,
        }
    }

    /// State vectors of size `hidden` (the LSTM also carries a cell state).
    fn states(self) -> usize {
        match self {
            Cell::Lstm => 2,
            Cell::Rnn | Cell::Gru => 1,
        }
    }
}

/// A checked recurrent layer.
pub struct Recurrent {
    pub cell: Cell,
    pub hidden: usize,
    pub sequences: bool,
    pub learned_state: bool,
    pub bidirectional: bool,
}

fn check(
    cell: Cell,
    args: &mut Args,
    input: Option<&Shape>,
    prev: &str,
) -> syn::Result<(Recurrent, Option<Shape>)> {
    let name = cell.name();
    let mut errors = Errors::default();

    let hidden_arg = args.positional(0).or_else(|| args.named("hidden"));
    let sequences_arg = args.named("sequences");
    let initial_arg = args.named("initial");
    let bidirectional_arg = args.named("bidirectional");

    let hidden = match hidden_arg {
        None => {
            errors.at(
                args.kind_span(),
                format!("`{name}` needs its hidden size, as in `{name}(64)`"),
            );
            None
        }
        Some(v) => errors.ok(positive_int(v, &format!("the hidden size of `{name}`"))),
    };
    let sequences = sequences_arg
        .and_then(|v| errors.ok(boolean(v, "`sequences`")))
        .unwrap_or(false);
    let bidirectional = bidirectional_arg
        .and_then(|v| errors.ok(boolean(v, "`bidirectional`")))
        .unwrap_or(false);
    let learned_state = match initial_arg {
        None => false,
        Some(Value::Ident(id)) if id == "zero" => false,
        Some(Value::Ident(id)) if id == "learned" => true,
        Some(other) => {
            errors.at(
                other.span(),
                format!(
                    "`initial` is `zero` (a fixed state, zero unless set by hand) or `learned`, found {}",
                    other.describe()
                ),
            );
            false
        }
    };

    let mut out = None;
    match input {
        Some(s) if s.len() != 2 => errors.at(
            args.kind_span(),
            format!(
                "`{name}` reads a sequence [length, features], but `{prev}` gives {}; {}",
                show(s),
                if s.len() == 1 {
                    format!(
                        "declare the input as steps of features, as in `input: [{}, 1]`",
                        s[0]
                    )
                } else {
                    "flatten each step's features into one dimension first".to_string()
                }
            ),
        ),
        Some(s) => {
            if let Some(h) = hidden {
                let width = if bidirectional { 2 * h } else { h };
                out = Some(if sequences {
                    vec![s[0], width]
                } else {
                    vec![width]
                });
            }
        }
        None => {}
    }

    errors.into_result(())?;
    let layer = Recurrent {
        cell,
        hidden: hidden.unwrap_or(1),
        sequences,
        learned_state,
        bidirectional,
    };
    Ok((layer, out))
}

impl LayerKind for Recurrent {
    /// `Lstm<T, L, F, H, G, I, O, SEQ, STATE>` (no `G` for `Rnn`), inside
    /// `Bidirectional<cell, L, F, H, I, CO, O, SEQ>` when bidirectional.
    fn ty(
        &self,
        p: &TokenStream,
        t: &TokenStream,
        input: &[usize],
        output: &[usize],
    ) -> TokenStream {
        let output_len = len(output);
        let (l, f) = (input[0], input[1]);
        let h = self.hidden;
        let g = self.cell.gates() * h;
        let i = l * f;
        let o = output_len;
        // The output of one cell.
        let co = if self.bidirectional { o / 2 } else { o };
        let (seq, state) = (self.sequences, self.learned_state);
        let cell = match self.cell {
            Cell::Rnn => quote!(#p::Rnn<#t, #l, #f, #h, #i, #co, #seq, #state>),
            Cell::Lstm => {
                quote!(#p::Lstm<#t, #l, #f, #h, #g, #i, #co, #seq, #state>)
            }
            Cell::Gru => quote!(#p::Gru<#t, #l, #f, #h, #g, #i, #co, #seq, #state>),
        };
        if self.bidirectional {
            quote!(#p::Bidirectional<#cell, #l, #f, #h, #i, #co, #o, #seq>)
        } else {
            cell
        }
    }

    fn params(&self, input: &[usize], _output: &[usize]) -> usize {
        let f = input.get(1).copied().unwrap_or(1);
        let h = self.hidden;
        let g = self.cell.gates().saturating_mul(h);
        let state = if self.learned_state {
            self.cell.states() * h
        } else {
            0
        };
        let one = g
            .saturating_mul(f.saturating_add(h).saturating_add(2))
            .saturating_add(state);
        if self.bidirectional {
            one.saturating_mul(2)
        } else {
            one
        }
    }

    fn has_params(&self) -> bool {
        true
    }

    fn const_init(&self) -> Result<(), &'static str> {
        if self.bidirectional {
            // nn-core's wrapper is generic over its cells, whose
            // `init_const` a `const fn` cannot reach.
            Err("it is bidirectional")
        } else {
            Ok(())
        }
    }

    /// Per cell `weight_ih [G, F]`, `weight_hh [G, H]`, `bias_ih [G]`,
    /// `bias_hh [G]`, then `h0` (and `c0`) when learned; the reverse
    /// cell's with the `_reverse` suffix.
    fn tensors(&self, input: &[usize], _output: &[usize]) -> Vec<(&'static str, Vec<usize>)> {
        let (f, h) = (input[1], self.hidden);
        let g = self.cell.gates() * h;
        let one = |names: [&'static str; 6]| {
            let mut t = vec![
                (names[0], vec![g, f]),
                (names[1], vec![g, h]),
                (names[2], vec![g]),
                (names[3], vec![g]),
            ];
            if self.learned_state {
                t.push((names[4], vec![h]));
                if self.cell.states() == 2 {
                    t.push((names[5], vec![h]));
                }
            }
            t
        };
        let mut t = one(["weight_ih", "weight_hh", "bias_ih", "bias_hh", "h0", "c0"]);
        if self.bidirectional {
            t.extend(one([
                "weight_ih_reverse",
                "weight_hh_reverse",
                "bias_ih_reverse",
                "bias_hh_reverse",
                "h0_reverse",
                "c0_reverse",
            ]));
        }
        t
    }

    /// The cell's states and gate vectors; bidirectional also keeps both
    /// directions' outputs and the reversed input.
    fn scratch(&self, input: &[usize], output: &[usize]) -> usize {
        let h = self.hidden;
        let cell = 3 * h + 2 * self.cell.gates() * h;
        if self.bidirectional {
            len(output) + len(input) + cell
        } else {
            cell
        }
    }

    /// `[steps, hidden]` with `sequences = true`, else the last state.
    fn gives(&self, _input: Layout, output: &[usize]) -> Layout {
        if output.len() == 2 {
            Layout::Sequence
        } else {
            Layout::Flat
        }
    }

    fn describe(&self) -> String {
        let mut s = format!("{}({}", self.cell.name(), self.hidden);
        if self.bidirectional {
            s += ", bidirectional";
        }
        if self.sequences {
            s += ", sequences";
        }
        if self.learned_state {
            s += ", learned h0";
        }
        s + ")"
    }
}
