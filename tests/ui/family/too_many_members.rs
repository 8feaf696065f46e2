nn::network! {
    struct Net {
        input: [4],
        a: Dense(1 | 2 | 3 | 4 | 5),
        b: Dense(1 | 2 | 3 | 4 | 5),
        c: Dense(1 | 2 | 3),
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
    // The family type is still there, so its use adds no error.
    let mut count = Count(0);
    Net::for_each(&mut count);
    assert_eq!(Net::MEMBERS.len(), 0);
}
