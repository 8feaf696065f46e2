nn::network! {
    struct Net {
        input: [4],
        hidden: Dense(8 | 16),
        out: Dense(10 | 20),
    }
}

struct Count(usize);

impl nn::family::VisitMembers<f32, [f32; 4], [f32; 10]> for Count {
    fn visit<N: nn::Network<f32, Input = [f32; 4], Output = [f32; 10]>>(
        &mut self,
        _: nn::family::Member,
    ) {
        self.0 += 1;
    }
}

fn main() {
    // Used as a search would: the declaration's error is the only one.
    let mut count = Count(0);
    Net::for_each(&mut count);
    let _ = NetHidden8Out10::<f32>::new(0);
}
