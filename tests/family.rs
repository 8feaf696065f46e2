//! Families: `Dense(1 | 16)` declares one network type per choice and a
//! family type that visits them, so a search can choose among shapes.

use nn::family::{Member, VisitMembers};
use nn::prelude::*;
use nn::train::{Dataset, Fit};

nn::network! {
    /// Widths and dropout rates: four members.
    struct Grid {
        input: [3],
        hidden: Dense(2 | 4),
        drop: Dropout(0.0 | 0.5),
        act: Tanh,
        out: Dense(1),
    }
}

/// Records each visited member with its parameter count.
#[derive(Default)]
struct Census(Vec<(Member, usize)>);

impl VisitMembers<f64, [f64; 3], [f64; 1]> for Census {
    fn visit<N: Network<f64, Input = [f64; 3], Output = [f64; 1]>>(&mut self, member: Member) {
        self.0.push((member, N::PARAMS));
    }
}

#[test]
fn a_family_has_one_type_per_combination_in_reading_order() {
    let mut census = Census::default();
    Grid::for_each(&mut census);
    let seen: Vec<(usize, &str, &str, usize)> = census
        .0
        .iter()
        .map(|(m, p)| (m.index, m.name, m.choices, *p))
        .collect();
    // 3 inputs to h hidden units and their biases, then h + 1 to the output.
    assert_eq!(
        seen,
        [
            (
                0,
                "GridHidden2Drop0",
                "hidden: 2, drop: 0",
                3 * 2 + 2 + 2 + 1
            ),
            (
                1,
                "GridHidden2Drop0_5",
                "hidden: 2, drop: 0.5",
                3 * 2 + 2 + 2 + 1
            ),
            (
                2,
                "GridHidden4Drop0",
                "hidden: 4, drop: 0",
                3 * 4 + 4 + 4 + 1
            ),
            (
                3,
                "GridHidden4Drop0_5",
                "hidden: 4, drop: 0.5",
                3 * 4 + 4 + 4 + 1
            ),
        ]
    );
    let names: Vec<&str> = seen.iter().map(|s| s.1).collect();
    assert_eq!(Grid::MEMBERS.map(|m| m.name).to_vec(), names);
    // Each member is an ordinary network type.
    let net = GridHidden4Drop0_5::<f64>::new(1);
    assert_eq!(net.hidden.weight.len(), 4);
    assert_eq!(GridHidden2Drop0::<f32>::PARAMS, 11);
}

#[test]
fn one_member_is_visited_by_its_index() {
    let mut census = Census::default();
    let member = Grid::visit(2, &mut census).unwrap();
    assert_eq!(member.name, "GridHidden4Drop0");
    assert_eq!(census.0.len(), 1);
    assert_eq!(census.0[0].1, 21);
    assert_eq!(Grid::visit(4, &mut census), None);
    assert_eq!(census.0.len(), 1);
}

nn::network! {
    /// One tanh unit against sixteen, on a full period of sin x.
    struct Width {
        input: [1],
        hidden: Dense(1 | 16),
        act: Tanh,
        out: Dense(1),
    }
}

/// Trains each member the same way and keeps its final training loss.
struct Train<'a> {
    data: &'a Dataset<[f64; 1], [f64; 1]>,
    losses: Vec<(&'static str, f64)>,
}

impl VisitMembers<f64, [f64; 1], [f64; 1]> for Train<'_> {
    fn visit<N: Network<f64, Input = [f64; 1], Output = [f64; 1]>>(&mut self, member: Member) {
        let mut net = N::new_boxed(3);
        let mut adam = Adam::<N>::boxed(0.02);
        let history = Fit::<f64, N, [f64; 1], 16>::new(300)
            .quiet()
            .run(&mut net, &mut *adam, &Mse, self.data)
            .unwrap();
        self.losses
            .push((member.name, *history.loss().last().unwrap()));
    }
}

#[test]
fn a_search_over_members_trains_each_as_its_own_type() {
    let x: Vec<[f64; 1]> = (0..64).map(|i| [-3.1 + 6.2 * i as f64 / 63.0]).collect();
    let y = x.iter().map(|x| [x[0].sin()]).collect();
    let data = Dataset::new(x, y).unwrap();
    let mut train = Train {
        data: &data,
        losses: Vec::new(),
    };
    Width::for_each(&mut train);
    let [(narrow, one), (wide, sixteen)] = train.losses[..] else {
        panic!("two members: {:?}", train.losses)
    };
    assert_eq!((narrow, wide), ("WidthHidden1", "WidthHidden16"));
    assert!(
        sixteen < one / 4.0,
        "16 units fit sin x better than 1: {sixteen} against {one}"
    );
}
