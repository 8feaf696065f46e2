// A user type named like the old generated trace, and the same kind of
// network declared in two modules: generated names collide with neither.
#![allow(dead_code)]

struct NetTrace;

nn::network! {
    struct Net {
        input: [4],
        out: Dense(2),
    }
}

mod again {
    nn::network! {
        pub struct Net {
            input: [4],
            out: Dense(2),
        }
    }
}

fn main() {
    use nn::prelude::*;
    let _mine = NetTrace;
    let net = Net::<f32>::new(1);
    let other = again::Net::<f32>::new(1);
    assert_eq!(net.forward(&[1.0; 4]), other.forward(&[1.0; 4]));
    // The trace is reachable through the trait.
    let trace = Net::<f32>::new_trace::<2>();
    let _: &<Net<f32> as Network<f32>>::Trace<2> = &trace;
}
