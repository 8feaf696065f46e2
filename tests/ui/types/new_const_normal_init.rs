nn::network! {
    struct Net {
        input: [4],
        hidden: Dense(8, init = he_normal),
        act: Relu,
        out: Dense(2),
    }
}

static NET: Net = Net::new_const(0);

fn main() {
    let _ = NET.forward(&[0.0; 4]);
}
