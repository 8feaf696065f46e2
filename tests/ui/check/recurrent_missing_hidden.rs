nn::network! {
    struct Net {
        input: [8, 8],
        gru: Gru(sequences = true),
        rnn: Rnn(0),
        out: Dense(10),
    }
}

fn main() {
    let _ = Net::<f32>::new(0);
}
