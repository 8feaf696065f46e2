// `#[nn(crate = path)]` names the crate when it is re-exported or renamed.
mod engine {
    pub use ::nn::*;
}
use ::nn as neural;

neural::network! {
    #[nn(crate = crate::engine)]
    struct Net {
        input: [4],
        hidden: Dense(8),
        act: Relu,
        out: Dense(2),
    }
}

neural::network! {
    #[nn(crate = "neural")]
    struct Other {
        input: [2],
        out: Dense(1),
    }
}

fn main() {
    let net = Net::<f32>::new(0);
    let _ = net.forward(&[0.0; 4]);
    let _ = Other::<f32>::new(0).forward(&[0.0; 2]);
}
