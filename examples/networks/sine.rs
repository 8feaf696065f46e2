//! The network of `examples/sine.rs`, shared with `tests/flash.rs` and
//! the sine firmware (`embedded/src/bin/sine.rs`); `sine_network!`
//! declares it under another name with more attributes (the firmware's
//! `#[nn(weights = "..")]`).

macro_rules! sine_network {
    ($(#[$attr:meta])* $vis:vis struct $name:ident) => {
        nn::network! {
            /// 1-16-16-1, ReLU, as the TinyML benchmarks' sine model.
            $(#[$attr])*
            $vis struct $name {
                input: [1],
                h1: Dense(16),
                a1: Relu,
                h2: Dense(16),
                a2: Relu,
                out: Dense(1),
            }
        }
    };
}

sine_network!(pub struct Sine);
