//! The networks of `examples/digits.rs`, shared with the examples on
//! digits, `tests/sanity.rs`, `tests/flash.rs` and the digits firmware
//! (`embedded/src/bin/digits.rs`). `digits_network!` declares the same
//! architecture under another name with more attributes, as the firmware
//! does with `#[nn(weights = "..")]`.

macro_rules! digits_network {
    ($(#[$attr:meta])* $vis:vis struct $name:ident) => {
        nn::network! {
            /// Digit classifier: 64 pixels, one hidden layer of 64 ReLU units, 10 logits.
            $(#[$attr])*
            $vis struct $name {
                input: [64],
                hidden: Dense(64),
                act: Relu,
                logits: Dense(10),
            }
        }
    };
}

digits_network!(pub struct Digits);
