//! The child-sum Tree-LSTM: exact gradients on several tree shapes, the
//! equations on a tree worked by hand, child order not mattering and
//! structure mattering, and the triplet step training embeddings.

use nn::layers::{encode_tree, TreeLstm};
use nn::prelude::*;
use nn::testing::{check_layer_gradients_at, check_layer_gradients_with};

/// 6 nodes of 3 features and 2 child slots, hidden size 4.
type Tree = TreeLstm<f64, 6, 3, 2, 4, 16, 5, 30>;

fn layer(seed: u64) -> Tree {
    let mut l = <Tree as Layer<f64, 30, 4>>::ZEROED;
    l.init(Init::Zeros, &mut Rng::seed(seed));
    l
}

fn features(n: usize, seed: u64) -> Vec<[f64; 3]> {
    let mut rng = Rng::seed(seed);
    (0..n)
        .map(|_| core::array::from_fn(|_| rng.normal()))
        .collect()
}

/// A tree's rows, flattened, from each node's children (children first).
fn rows(children: &[&[usize]], seed: u64) -> [f64; 30] {
    let f = features(children.len(), seed);
    let f: Vec<&[f64]> = f.iter().map(|r| &r[..]).collect();
    let rows: [[f64; 5]; 6] = encode_tree(&f, children, 3).expect("a valid tree");
    let mut flat = [0.0; 30];
    flat.copy_from_slice(rows.as_flattened());
    flat
}

#[test]
fn gradients_are_exact_on_a_single_node_a_chain_a_full_tree_and_a_dag() {
    let shapes: [&[&[usize]]; 4] = [
        &[&[]],
        &[&[], &[0], &[1], &[2], &[3], &[4]],
        &[&[], &[], &[0, 1], &[], &[], &[3, 4]],
        // Node 1 is a child of two parents.
        &[&[], &[0], &[1], &[1, 2]],
    ];
    let x: [[f64; 30]; 4] = core::array::from_fn(|b| rows(shapes[b], b as u64));
    let sides: [Side; 4] = core::array::from_fn(|b| Side::len(shapes[b].len()));
    let worst = check_layer_gradients_at(&mut layer(1), &x, 7, &sides);
    assert!(worst < 1e-6, "{worst}");
}

#[test]
fn gradients_are_exact_on_random_rows_read_as_forests() {
    // Random slots round to random children (or none): any input is valid.
    let sides = [Side::WHOLE, Side::len(3), Side::len(0)];
    let worst = check_layer_gradients_with(&mut layer(2), 11, &sides);
    assert!(worst < 1e-6, "{worst}");
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

#[test]
fn the_equations_on_a_root_with_two_leaves_worked_by_hand() {
    // One hidden unit, one feature, two child slots: W = [wi, wo, wu, wf],
    // U = [ui, uo, uu, uf], b = [bi, bo, bu, bf].
    type One = TreeLstm<f64, 3, 1, 2, 1, 4, 3, 9>;
    let mut l = <One as Layer<f64, 9, 1>>::ZEROED;
    l.weight_ih = [[0.5], [-0.3], [0.8], [0.2]];
    l.weight_hh = [[0.4], [0.7], [-0.6], [0.9]];
    l.bias = [0.1, -0.2, 0.05, 0.3];
    let x = [1.0, 0.0, 0.0, -2.0, 0.0, 0.0, 0.5, 1.0, 2.0];
    let mut y = [0.0];
    l.forward_with(&x, &mut y, Side::WHOLE);
    let leaf = |x: f64| {
        let (i, o, u) = (
            sigmoid(0.5 * x + 0.1),
            sigmoid(-0.3 * x - 0.2),
            (0.8 * x + 0.05).tanh(),
        );
        let c = i * u;
        (c, o * c.tanh())
    };
    let ((c0, h0), (c1, h1)) = (leaf(1.0), leaf(-2.0));
    let (x2, hs) = (0.5, h0 + h1);
    let i = sigmoid(0.5 * x2 + 0.4 * hs + 0.1);
    let o = sigmoid(-0.3 * x2 + 0.7 * hs - 0.2);
    let u = (0.8 * x2 - 0.6 * hs + 0.05).tanh();
    let f0 = sigmoid(0.2 * x2 + 0.9 * h0 + 0.3);
    let f1 = sigmoid(0.2 * x2 + 0.9 * h1 + 0.3);
    let c = i * u + f0 * c0 + f1 * c1;
    assert!(
        (y[0] - o * c.tanh()).abs() < 1e-15,
        "{} against {}",
        y[0],
        o * c.tanh()
    );
}

#[test]
fn child_order_does_not_matter_and_structure_does() {
    let l = layer(3);
    let embed = |children: &[&[usize]]| {
        let mut y = [0.0; 4];
        l.forward_with(&rows(children, 9), &mut y, Side::len(children.len()));
        y
    };
    let ab = embed(&[&[], &[], &[0, 1], &[], &[2, 3]]);
    let ba = embed(&[&[], &[], &[1, 0], &[], &[3, 2]]);
    assert_eq!(ab, ba, "a child sum");
    // The same nodes with the same features, nested differently.
    let chain = embed(&[&[], &[0], &[1], &[2], &[3]]);
    let gap: f64 = ab.iter().zip(&chain).map(|(a, b)| (a - b).abs()).sum();
    assert!(gap > 1e-3, "structure changes the embedding: {gap}");
    // A slot naming a later node (node 1's second slot: node 6) is ignored.
    let mut bad = rows(&[&[], &[0]], 9);
    bad[5 + 3 + 1] = 7.0;
    let mut y = [0.0; 4];
    l.forward_with(&bad, &mut y, Side::len(2));
    let mut y_ok = [0.0; 4];
    l.forward_with(&rows(&[&[], &[0]], 9), &mut y_ok, Side::len(2));
    assert_eq!(y, y_ok);
    let mut lone = [0.0; 4];
    l.forward_with(&rows(&[&[], &[]], 9), &mut lone, Side::len(2));
    assert_ne!(y, lone, "while the first slot's child counts");
}

#[test]
fn encode_tree_refuses_what_the_layer_cannot_hold() {
    let f = [1.0f32, 2.0, 3.0];
    let one: &[&[f32]] = &[&f];
    assert!(encode_tree::<f32, 6, 5>(one, &[&[]], 3).is_some());
    assert!(
        encode_tree::<f32, 6, 5>(one, &[&[0]], 3).is_none(),
        "a child must come first"
    );
    let three: &[&[f32]] = &[&f, &f, &f, &f];
    assert!(
        encode_tree::<f32, 6, 5>(three, &[&[], &[], &[], &[0, 1, 2]], 3).is_none(),
        "3 children in 2 slots"
    );
    let seven: Vec<&[f32]> = vec![&f; 7];
    let none: &[usize] = &[];
    assert!(
        encode_tree::<f32, 6, 5>(&seven, &[none; 7], 3).is_none(),
        "7 nodes in 6"
    );
    assert!(
        encode_tree::<f32, 6, 5>(&[&f[..2]], &[&[]], 3).is_none(),
        "2 features of 3"
    );
}

nn::network! {
    /// Trees of up to 6 nodes (3 features, 2 child slots) to 3-d embeddings.
    struct Embed {
        input: [6, 5],
        tree: TreeLstm(8, children = 2),
        out: Dense(3),
    }
}

#[test]
fn the_network_gradient_is_exact_and_the_summary_names_the_layer() {
    assert!(Embed::<f32>::SUMMARY.contains("TreeLstm(8, children = 2)"));
    assert_eq!(Embed::<f32>::PARAMS, 32 * 3 + 32 * 8 + 32 + 8 * 3 + 3);
    let mut net = Embed::<f64>::new(1);
    let as_rows = |flat: [f64; 30]| {
        let mut r = [[0.0; 5]; 6];
        r.as_flattened_mut().copy_from_slice(&flat);
        r
    };
    let x = [
        as_rows(rows(&[&[], &[], &[0, 1], &[2]], 3)),
        as_rows(rows(&[&[], &[0], &[], &[1, 2], &[], &[3, 4]], 4)),
    ];
    let report = nn::testing::network_gradient_check_with::<Embed<f64>, 2>(
        &mut net,
        &x,
        &[Side::len(4), Side::WHOLE],
        4,
    );
    assert!(report.worst < 1e-6, "{report:?}");
}

#[test]
fn the_triplet_step_pulls_positives_in_and_pushes_negatives_out() {
    use nn::loss::TripletMargin;
    use nn::step::{train_step_triplets, StepBuffers};
    let mut net = Embed::<f64>::new_boxed(5);
    let mut grads = Embed::<f64>::zeroed_boxed();
    let mut trace = Embed::<f64>::new_trace::<6>();
    let mut adam = Adam::new(0.01);
    let wide: [[f64; 5]; 6] = {
        let mut r = [[0.0; 5]; 6];
        r.as_flattened_mut()
            .copy_from_slice(&rows(&[&[], &[], &[0, 1]], 1));
        r
    };
    let deep: [[f64; 5]; 6] = {
        let mut r = [[0.0; 5]; 6];
        r.as_flattened_mut()
            .copy_from_slice(&rows(&[&[], &[0], &[1]], 1));
        r
    };
    // Two triples: (wide, wide, deep) and (deep, deep, wide).
    let inputs = [wide, wide, deep, deep, deep, wide];
    let sides = [Side::len(3); 6];
    let loss = TripletMargin { margin: 1.0 };
    let mut first = None;
    let mut last = 0.0;
    for _ in 0..200 {
        last = train_step_triplets(
            &mut *net,
            StepBuffers {
                grads: &mut grads,
                trace: &mut trace,
            },
            &mut adam,
            &loss,
            &inputs,
            &sides,
            &mut TrainCtx::seed(0),
        )
        .unwrap();
        first.get_or_insert(last);
    }
    assert!(first.unwrap() > 0.5, "{first:?}");
    assert!(last < 1e-3, "the margin is met: {last}");
}
