// A recurrent network's weight file for a dense network.
nn::network! {
    #[nn(weights = "../../fixtures/flash_sequence.nnw")]
    pub struct Net {
        input: [4, 8],
        flat: Flatten,
        out: Dense(2),
    }
}

static NET: Net = Net::TRAINED;

fn main() {
    print!("{}", Net::<f32>::SUMMARY);
    let _ = NET.forward(&[[0.0; 8]; 4]);
}
