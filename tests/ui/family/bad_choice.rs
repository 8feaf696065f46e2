nn::network! {
    struct Net {
        input: [4],
        hidden: Dense(0 | 16 | 32),
        out: Dense(2),
    }
}

struct Count(usize);

impl nn::family::VisitMembers<f32, [f32; 4], [f32; 2]> for Count {
    fn visit<N: nn::Network<f32, Input = [f32; 4], Output = [f32; 2]>>(
        &mut self,
        _: nn::family::Member,
    ) {
        self.0 += 1;
    }
}

fn main() {
    // A mistake in one choice is one error, whichever members are used.
    let mut count = Count(0);
    Net::for_each(&mut count);
    let net = NetHidden16::<f32>::new(0);
    let _ = nn::Network::forward(&net, &[0.0; 4]);
    let _ = NetHidden0::<f32>::PARAMS;
}
