//! Expansion snapshots of three networks (dense, conv, recurrent), so a
//! change to the generated code is reviewed as a diff of
//! `nn-macros/snapshots/*.snap` (Rust, pretty-printed). Re-bless with `NN_BLESS=1 cargo test -p
//! nn-macros snapshot`, then read the diff.

use std::path::PathBuf;

use proc_macro2::TokenStream;

const DENSE: &str = "
    /// Digit classifier: 64 pixels, one hidden layer, 10 logits.
    pub struct Digits {
        input: [64],
        hidden: Dense(64),
        act: Relu,
        logits: Dense(10),
    }";

const CONV: &str = "
    pub struct Lenet {
        input: [1, 8, 8],
        conv: Conv2d(4, kernel = 3, padding = same),
        norm: BatchNorm,
        act: Relu,
        pool: MaxPool2d(2),
        flat: Flatten,
        out: Dense(10),
    }";

const RECURRENT: &str = "
    pub struct Reader {
        input: [6, 2],
        lstm: Lstm(4, sequences = true),
        gru: Gru(3, bidirectional = true),
        out: Dense(2),
    }";

fn expansion(src: &str) -> String {
    let tokens: TokenStream = src.parse().expect("the declaration lexes");
    let out = crate::expand::network(tokens);
    let file: syn::File = syn::parse2(out).expect("network! writes valid Rust");
    prettyplease::unparse(&file)
}

fn check(name: &str, src: &str) {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "snapshots",
        &format!("{name}.snap"),
    ]
    .iter()
    .collect();
    let got = expansion(src);
    if std::env::var_os("NN_BLESS").is_some() {
        std::fs::write(&path, &got).expect("snapshot written");
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    if got != want {
        panic!(
            "the expansion of `{name}` changed; review it with `NN_BLESS=1 cargo test -p nn-macros snapshot` and `git diff {}`",
            path.display()
        );
    }
}

#[test]
fn snapshot_dense() {
    check("dense", DENSE);
}

#[test]
fn snapshot_conv() {
    check("conv", CONV);
}

#[test]
fn snapshot_recurrent() {
    check("recurrent", RECURRENT);
}

/// The README network's expansion, as tokens (the figure the issue tracks:
/// not longer than before the stand-in and the `const _` block).
#[test]
fn readme_expansion_length() {
    let src = "pub struct Digits { input: [64], hidden: Dense(64), act: Relu, logits: Dense(10), }";
    let out = crate::expand::network(src.parse().unwrap()).to_string();
    println!("EXPANSION_LEN {}", out.len());
    // 17,675 characters before the stand-in and the block (main at
    // 1566b5a); 17,798 with `new_const` (issue 14), whose body is one line
    // per layer with parameters.
    assert!(out.len() <= 17_800, "{} characters", out.len());
}

/// The generated code does not grow with the parameter count: networks
/// of the same layers with widths from 8 to 4,096 (and inputs from 16 to
/// 784) expand to the same tokens but for their numbers.
#[test]
fn expansion_does_not_grow_with_the_parameter_count() {
    let shape = |input: usize, width: usize| {
        let src = format!(
            "pub struct Net {{ input: [{input}], hidden: Dense({width}), act: Relu, second: Dense({width}), logits: Dense(10), }}"
        );
        let out = crate::expand::network(src.parse().unwrap()).to_string();
        // Without spaces and with one `=` per run (the summary table's
        // columns and rules widen with its figures), and every run of
        // digits and commas (sizes, byte counts, thousands separators,
        // list commas alike) as one `#`.
        let mut shape = String::with_capacity(out.len());
        for c in out.chars().filter(|c| !c.is_whitespace()) {
            let c = if c.is_ascii_digit() || c == ',' {
                '#'
            } else {
                c
            };
            if !((c == '#' || c == '=') && shape.ends_with(c)) {
                shape.push(c);
            }
        }
        shape
    };
    let small = shape(16, 8);
    for (input, width) in [(64, 128), (784, 4096)] {
        assert_eq!(shape(input, width), small, "input {input}, width {width}");
    }
}
