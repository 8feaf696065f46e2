// A weight file that is not there (a typo in the name).
nn::network! {
    #[nn(weights = "../../fixtures/flash_imag.nnw")]
    pub struct Net {
        input: [4],
        out: Dense(2),
    }
}

static NET: Net = Net::TRAINED;

fn main() {
    let _ = NET.forward(&[0.0; 4]);
}
