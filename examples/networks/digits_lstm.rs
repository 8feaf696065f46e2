//! The network of `examples/digits_lstm.rs`, shared with `tests/sanity.rs`.

nn::network! {
    /// Reads an 8x8 digit as 8 rows of 8 pixels with an LSTM and
    /// classifies its last hidden state.
    pub struct DigitsLstm {
        input: [8, 8],
        lstm: Lstm(64),
        logits: Dense(10),
    }
}
