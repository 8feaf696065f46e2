// A misspelt layer option: `renamed` for `rename`.
use nn::prelude::*;

nn::network! {
    pub struct Net {
        input: [4],
        #[nn(renamed = "features.0")]
        fc: Dense(2),
    }
}

fn main() {
    print!("{}", Net::<f32>::SUMMARY);
    let net = Net::<f32>::new_boxed(0);
    let _ = net.forward(&[0.0; 4]);
}
