//! No-panic fuzzing of the whole expansion (parse, check and, for valid
//! input, codegen): truncations, mutations and random token streams must
//! all come back as tokens (errors included), never as a panic, and always
//! as syntactically valid Rust items.

use std::panic::{catch_unwind, AssertUnwindSafe};

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};

/// Declarations that must expand without errors.
const VALID: &[&str] = &[
    "/// Digit classifier.
    pub struct Digits {
        input: [64],
        hidden: Dense(64),
        act: Relu,
        logits: Dense(10),
    }",
    "#[derive(Clone)]
    struct Conv {
        input: [1, 8, 8],
        flat: Flatten,
        /// The hidden layer.
        h: Dense(64 => 32, bias = false, init = he_normal),
        a: LeakyRelu(0.2),
        o: Dense(10, init = zeros),
        s: Softmax,
    }",
    "struct Acts {
        input: [5],
        d1: Dense(6),
        a1: Sigmoid,
        a2: Tanh,
        a3: Elu(alpha = 0.7),
        a4: Swish,
        a5: Silu,
        a6: Gelu,
        a7: Step,
        a8: Identity,
        a9: Prelu,
        a10: LeakyRelu(-3),
        out: Softmax
    }",
    "pub(crate) struct Tiny { input: [1], out: Dense(1) }",
    "struct Seq {
        input: [8, 3],
        lstm: Lstm(6, sequences = true, bidirectional = true),
        norm: LayerNorm,
        gru: Gru(4, initial = learned),
        out: Dense(2),
    }",
    "struct Deep {
        input: [2, 3, 2],
        flat: Flatten,
        hidden: Dense(12 => 5),
        act: Step,
        logits: Dense(3, bias = true, init = glorot_uniform),
    }",
    "/// A small CNN.
    pub struct Cnn {
        input: [1, 8, 8],
        conv: Conv2d(16, kernel = 3, padding = same),
        bn: BatchNorm,
        act1: Relu,
        pool: MaxPool2d(2),
        avg: AvgPool2d((2, 1), stride = 1),
        flat: Flatten,
        hidden: Dense(64),
        ln: LayerNorm,
        act2: Relu,
        drop: Dropout(0.25),
        logits: Dense(10),
    }",
    "struct Seq {
        input: [2, 16],
        c1: Conv1d(4, kernel = 3, stride = 2, padding = 1, bias = false),
        a: Tanh,
        c2: Conv1d(4, 3, padding = same, init = he_normal),
        g: GlobalAvgPool,
        out: Dense(1),
    }",
    "struct Strided {
        input: [3, 9, 7],
        c: Conv2d(2, kernel = (3, 2), stride = (2, 1), padding = (1, 0)),
        g: GlobalAvgPool,
        d: Dropout(p = 0.5),
        bn: BatchNorm,
        out: Identity,
    }",
    "pub struct Wide {
        input: [4,],
        /// First.
        /// Second line.
        h1: Dense(8, init = kaiming_normal),
        r1: Relu,
        h2: Dense(8 => 8, init = xavier_normal),
        t: Tanh,
        out: Dense(2, bias = false),
    }",
];

/// Expands `tokens`; on a panic, fails the test showing the input.
fn expand(tokens: TokenStream, what: &str) -> String {
    let shown = tokens.to_string();
    let out = match catch_unwind(AssertUnwindSafe(|| crate::expand::network(tokens))) {
        Ok(out) => out,
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            panic!("network! panicked ({msg}) on {what}:\n{shown}");
        }
    };
    if let Err(e) = syn::parse2::<syn::File>(out.clone()) {
        panic!("network! produced invalid Rust ({e}) on {what}:\n{shown}\noutput:\n{out}");
    }
    out.to_string()
}

fn lex(src: &str) -> TokenStream {
    match src.parse() {
        Ok(ts) => ts,
        Err(e) => panic!("a test declaration does not lex: {e}\n{src}"),
    }
}

/// A tiny xorshift64* generator, so the fuzzing is reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const IDENTS: &[&str] = &[
    "struct",
    "pub",
    "crate",
    "input",
    "Dense",
    "Flatten",
    "Relu",
    "LeakyRelu",
    "Softmax",
    "Prelu",
    "Elu",
    "Sigmoid",
    "Identity",
    "Lstm",
    "Gru",
    "sequences",
    "bidirectional",
    "initial",
    "learned",
    "Dence",
    "Conv2d",
    "Conv1d",
    "MaxPool2d",
    "AvgPool2d",
    "GlobalAvgPool",
    "Dropout",
    "BatchNorm",
    "LayerNorm",
    "kernel",
    "stride",
    "padding",
    "same",
    "valid",
    "bias",
    "bais",
    "init",
    "alpha",
    "true",
    "false",
    "he_normal",
    "he_normall",
    "zeros",
    "Net",
    "hidden",
    "out",
    "T",
    "self",
    "type",
    "_",
    "__nn_x",
    "doc",
    "fn",
];

const LITERALS: &[&str] = &[
    "0",
    "1",
    "64",
    "1.5",
    "-3",
    "99999999999999999999",
    "4294967296",
    "65536",
    "1e400",
    "0x10",
    "64usize",
    "1.5f32",
    "\"str\"",
    "'c'",
    "b\"bytes\"",
];

/// One random leaf token (identifier, literal or punctuation).
fn random_leaf(rng: &mut Rng) -> Vec<TokenTree> {
    let span = Span::call_site();
    match rng.below(10) {
        0..=3 => {
            let word = IDENTS[rng.below(IDENTS.len())];
            vec![TokenTree::Ident(Ident::new(word, span))]
        }
        4 => vec![TokenTree::Ident(Ident::new_raw("type", span))],
        5 | 6 => {
            let lit = LITERALS[rng.below(LITERALS.len())];
            match rng.below(3) {
                // A negative number as one token, as `macro_rules!` can pass it.
                0 => vec![TokenTree::Literal(Literal::i64_unsuffixed(-3))],
                1 => vec![TokenTree::Literal(Literal::f64_unsuffixed(-1.5))],
                _ => lex(lit).into_iter().collect(),
            }
        }
        _ => {
            let p = |c, s| TokenTree::Punct(Punct::new(c, s));
            match rng.below(9) {
                0 => vec![p(':', Spacing::Alone)],
                1 => vec![p(',', Spacing::Alone)],
                2 => vec![p('=', Spacing::Alone)],
                3 => vec![p('=', Spacing::Joint), p('>', Spacing::Alone)],
                4 => vec![p('#', Spacing::Alone)],
                5 => vec![p('-', Spacing::Alone)],
                6 => vec![p(':', Spacing::Joint), p(':', Spacing::Alone)],
                7 => vec![p('<', Spacing::Alone)],
                _ => vec![p(';', Spacing::Alone)],
            }
        }
    }
}

/// A random stream of up to `max_len` tokens with groups nested up to `depth`.
fn random_stream(rng: &mut Rng, depth: usize, max_len: usize) -> TokenStream {
    let len = rng.below(max_len + 1);
    let mut out = Vec::new();
    for _ in 0..len {
        if depth > 0 && rng.below(5) == 0 {
            let delim = match rng.below(3) {
                0 => Delimiter::Parenthesis,
                1 => Delimiter::Bracket,
                _ => Delimiter::Brace,
            };
            let inner = random_stream(rng, depth - 1, max_len / 2 + 1);
            out.push(TokenTree::Group(Group::new(delim, inner)));
        } else {
            out.extend(random_leaf(rng));
        }
    }
    out.into_iter().collect()
}

/// A token of the flattened stream: groups become open and close marks.
enum Flat {
    Leaf(TokenTree),
    Open(Delimiter),
    Close,
}

fn flatten(ts: TokenStream, out: &mut Vec<Flat>) {
    for tt in ts {
        match tt {
            TokenTree::Group(g) => {
                out.push(Flat::Open(g.delimiter()));
                flatten(g.stream(), out);
                out.push(Flat::Close);
            }
            leaf => out.push(Flat::Leaf(leaf)),
        }
    }
}

/// Rebuilds a stream from a (possibly cut) flattened one, closing every
/// group still open at the end.
fn unflatten(flat: &[Flat]) -> TokenStream {
    let mut stack: Vec<(Delimiter, Vec<TokenTree>)> = vec![(Delimiter::None, Vec::new())];
    let close = |stack: &mut Vec<(Delimiter, Vec<TokenTree>)>| {
        if stack.len() > 1 {
            if let Some((d, items)) = stack.pop() {
                let g = Group::new(d, items.into_iter().collect());
                if let Some(top) = stack.last_mut() {
                    top.1.push(TokenTree::Group(g));
                }
            }
        }
    };
    for f in flat {
        match f {
            Flat::Leaf(t) => {
                if let Some(top) = stack.last_mut() {
                    top.1.push(t.clone());
                }
            }
            Flat::Open(d) => stack.push((*d, Vec::new())),
            Flat::Close => close(&mut stack),
        }
    }
    while stack.len() > 1 {
        close(&mut stack);
    }
    stack
        .pop()
        .map(|(_, items)| items.into_iter().collect())
        .unwrap_or_default()
}

/// Every variant of `ts` with the content of one group (at any depth)
/// cut to one of its prefixes, everything around it intact.
fn group_truncations(ts: &TokenStream) -> Vec<TokenStream> {
    let toks: Vec<TokenTree> = ts.clone().into_iter().collect();
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if let TokenTree::Group(g) = t {
            let inner: Vec<TokenTree> = g.stream().into_iter().collect();
            let mut contents: Vec<TokenStream> = (0..inner.len())
                .map(|k| inner[..k].iter().cloned().collect())
                .collect();
            contents.extend(group_truncations(&g.stream()));
            for c in contents {
                let mut g2 = Group::new(g.delimiter(), c);
                g2.set_span(g.span());
                let mut v = toks.clone();
                v[i] = TokenTree::Group(g2);
                out.push(v.into_iter().collect());
            }
        }
    }
    out
}

/// Number of token trees in `ts`, counting groups and everything in them.
fn count_nodes(ts: &TokenStream) -> usize {
    ts.clone()
        .into_iter()
        .map(|t| match t {
            TokenTree::Group(g) => 1 + count_nodes(&g.stream()),
            _ => 1,
        })
        .sum()
}

/// `ts` with its `target`-th token tree (pre-order) replaced by `with`
/// (deleted if `with` is empty).
fn replace_node(ts: &TokenStream, target: usize, with: &[TokenTree]) -> TokenStream {
    fn go(ts: &TokenStream, target: usize, next: &mut usize, with: &[TokenTree]) -> TokenStream {
        let mut out = Vec::new();
        for t in ts.clone() {
            let here = *next;
            *next += 1;
            if here == target {
                out.extend(with.iter().cloned());
                if let TokenTree::Group(g) = &t {
                    *next += count_nodes(&g.stream());
                }
                continue;
            }
            match t {
                TokenTree::Group(g) => {
                    let mut g2 = Group::new(g.delimiter(), go(&g.stream(), target, next, with));
                    g2.set_span(g.span());
                    out.push(TokenTree::Group(g2));
                }
                leaf => out.push(leaf),
            }
        }
        out.into_iter().collect()
    }
    go(ts, target, &mut 0, with)
}

#[test]
fn valid_declarations_expand_without_errors() {
    for src in VALID {
        let out = expand(lex(src), "a valid declaration");
        assert!(
            !out.contains("compile_error"),
            "errors for a valid declaration:\n{src}\n{out}"
        );
    }
}

#[test]
fn truncated_declarations_do_not_panic() {
    for src in VALID {
        // Every prefix of the text that still lexes (brackets balanced).
        for (k, _) in src.char_indices() {
            if let Ok(ts) = src[..k].parse::<TokenStream>() {
                expand(ts, "a text prefix of a valid declaration");
            }
        }
        // Every prefix of the flattened token list, open groups closed.
        let mut flat = Vec::new();
        flatten(lex(src), &mut flat);
        for k in 0..=flat.len() {
            expand(
                unflatten(&flat[..k]),
                "a token prefix of a valid declaration",
            );
        }
        // Every prefix inside every group, the rest intact.
        for ts in group_truncations(&lex(src)) {
            expand(ts, "a declaration cut inside a group");
        }
    }
}

#[test]
fn mutated_declarations_do_not_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for src in VALID {
        let ts = lex(src);
        for target in 0..count_nodes(&ts) {
            expand(
                replace_node(&ts, target, &[]),
                "a declaration with one token deleted",
            );
            for _ in 0..6 {
                let with = random_leaf(&mut rng);
                expand(
                    replace_node(&ts, target, &with),
                    "a declaration with one token replaced",
                );
            }
        }
    }
}

#[test]
fn random_token_streams_do_not_panic() {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    for _ in 0..3000 {
        expand(random_stream(&mut rng, 3, 12), "a random token stream");
    }
    // Random bodies inside a well-formed header reach the field parser,
    // and random arguments inside a well-formed layer reach the checks.
    for _ in 0..3000 {
        let body = random_stream(&mut rng, 3, 16);
        let body = Group::new(Delimiter::Brace, body);
        let ts = quote::quote!(pub struct Net #body);
        expand(ts, "a random network body");
    }
    for _ in 0..3000 {
        let kind = Ident::new(
            [
                "Dense",
                "LeakyRelu",
                "Relu",
                "Softmax",
                "Flatten",
                "Elu",
                "Rnn",
                "Lstm",
                "Gru",
                "Conv2d",
                "Conv1d",
                "MaxPool2d",
                "AvgPool2d",
                "GlobalAvgPool",
                "Dropout",
                "BatchNorm",
                "LayerNorm",
            ][rng.below(17)],
            Span::call_site(),
        );
        let args = Group::new(Delimiter::Parenthesis, random_stream(&mut rng, 2, 6));
        let input = Group::new(Delimiter::Bracket, random_stream(&mut rng, 1, 4));
        let ts =
            quote::quote!(struct Net { input: #input, a: Dense(4), b: #kind #args, c: Dense(2), });
        expand(ts, "random layer arguments");
        // The same kind on a [C, H, W] and a [C, L] input, where the
        // window and channel rules run.
        let args = Group::new(Delimiter::Parenthesis, random_stream(&mut rng, 2, 6));
        let ts = quote::quote!(struct Net { input: [2, 5, 4], b: #kind #args, f: Flatten, c: Dense(2), });
        expand(ts, "random arguments of a layer on an image");
        let args = Group::new(Delimiter::Parenthesis, random_stream(&mut rng, 2, 6));
        let ts =
            quote::quote!(struct Net { input: [3, 6], b: #kind #args, f: Flatten, c: Dense(2), });
        expand(ts, "random arguments of a layer on a sequence");
    }
}

#[test]
fn extreme_sizes_are_errors_not_panics() {
    for src in [
        "struct N { input: [4294967295], a: Dense(4294967295), b: Dense(4294967295) }",
        "struct N { input: [65536, 65536], f: Flatten, a: Dense(65536) }",
        "struct N { input: [65536, 65536, 2], a: Relu }",
        "struct N { input: [18446744073709551615], a: Relu }",
        "struct N { input: [99999999999999999999], a: Relu }",
        "struct N { input: [1], a: Dense(18446744073709551615) }",
        "struct N { input: [1], a: Dense(99999999999999999999 => 3) }",
        "struct N { input: [1], a: LeakyRelu(1e400) }",
        "struct N { input: [2, 2], f: Flatten }",
        "struct N { input: [65536, 65536], a: Lstm(65536, sequences = true) }",
        "struct N { input: [4, 4294967295], a: Gru(4294967295, bidirectional = true) }",
        "struct N { input: [3, 2], a: Rnn(18446744073709551615) }",
        "struct N { input: [1, 1, 1], c: Conv2d(4294967295, kernel = 1, padding = 4294967295) }",
        "struct N { input: [1, 1, 1], c: Conv2d(1, kernel = 4294967295, padding = 2147483647) }",
        "struct N { input: [65536, 65536, 1], c: Conv2d(65536, kernel = 1) }",
        "struct N { input: [1, 1, 1], c: Conv2d(2, kernel = 99999999999999999999) }",
        "struct N { input: [1, 4294967295], c: Conv1d(4294967295, kernel = 1, padding = 4294967295) }",
        "struct N { input: [1, 2, 2], p: MaxPool2d(4294967295, stride = 4294967295) }",
        "struct N { input: [4294967295, 1, 1], b: BatchNorm, c: Conv2d(4294967295, kernel = 1) }",
        "struct N { input: [1, 4, 4], c: Conv2d(2, kernel = 5) }",
        "struct N { input: [1, 4, 4], p: AvgPool2d(2, stride = 0) }",
        "struct N { input: [1, 4, 4], d: Dropout(2) }",
    ] {
        let out = expand(lex(src), "extreme sizes");
        assert!(out.contains("compile_error"), "no error for:\n{src}");
    }
}
