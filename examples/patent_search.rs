//! Prior-art search by structure: documents as trees of concepts, a
//! child-sum Tree-LSTM (`TreeLstm`) trained with a triplet loss so that
//! related documents embed close together, and exact nearest-neighbour
//! search over the embeddings in a fixed-capacity index
//! (`nn::nearest::Index`, no allocator), against two baselines that ignore
//! structure: a bag of node features (their mean, through an MLP) and an
//! LSTM over the nodes in depth-first order.
//!
//! The corpus, generated from a seed:
//! - 24 concepts, each a random vector of 8 features (standard normal).
//! - An invention is a template tree of 6 to 10 nodes, built in
//!   depth-first (pre-)order: node 0 is the root, and each next node
//!   hangs under a uniformly chosen node of the current rightmost path
//!   that has fewer than 3 children (any tree can arise so); each node
//!   names a uniformly chosen concept.
//! - A document of an invention is its template with every node's
//!   features drawn afresh as its concept's vector plus normal noise
//!   (standard deviation 0.35), and with probability 1/2 one more leaf of
//!   a random concept, hung as the template's nodes are.
//! - A distractor of an invention has the same concepts in the same
//!   depth-first order (so the same bag of concepts and the same sequence)
//!   in another shape: the parents are drawn again, as for a template,
//!   until they differ from the template's.
//! - Training: 300 inventions; each step takes 8 triples of a document
//!   (anchor), another document of the same invention (positive), and a
//!   distractor of that invention (3 in 4) or a document of another one.
//! - Test: 60 held-out inventions. The index holds, per invention, one
//!   document (the prior art) and 10 distractors: 660 embeddings. Each
//!   invention is queried with 3 new documents; recall@k is the share of
//!   queries whose prior art is among the k nearest.
//!
//! Every model is trained the same way (Adam, lr 3e-3, 4,000 steps of 8
//! triples, margin 1) and embeds into 16 values. The Tree-LSTM must beat
//! both baselines at recall@1 and at recall@10.
//!
//! Run: `cargo run --release --example patent_search`.

use std::time::Instant;

use nn::layers::encode_tree;
use nn::loss::TripletMargin;
use nn::nearest::Index;
use nn::prelude::*;
use nn::step::{train_step_triplets, StepBuffers};

/// Features per node, most children per node, most nodes per tree.
const F: usize = 8;
const K: usize = 3;
const N: usize = 12;
const CONCEPTS: usize = 24;
const NOISE: f64 = 0.35;
const TRAIN_INVENTIONS: usize = 300;
const TEST_INVENTIONS: usize = 60;
const DISTRACTORS: usize = 10;
const QUERIES: usize = 3;
const STEPS: usize = 4_000;
/// The index: per test invention, its prior art and its distractors.
const INDEXED: usize = TEST_INVENTIONS * (1 + DISTRACTORS);

nn::network! {
    /// A tree of up to 12 nodes (8 features, 3 child slots) to 16 values.
    struct TreeEmbed {
        input: [12, 11],
        tree: TreeLstm(32, children = 3),
        emb: Dense(16),
    }
}

nn::network! {
    /// The nodes in depth-first order, as a sequence, to 16 values.
    struct SequenceEmbed {
        input: [12, 8],
        lstm: Lstm(32),
        emb: Dense(16),
    }
}

nn::network! {
    /// The mean of the node features to 16 values.
    struct BagEmbed {
        input: [8],
        hidden: Dense(32),
        act: Tanh,
        emb: Dense(16),
    }
}

/// A tree in depth-first order: each node's parent (none for the root)
/// and concept.
#[derive(Clone, PartialEq)]
struct Shape {
    parents: Vec<Option<usize>>,
    concepts: Vec<usize>,
}

/// A document: a shape with the features drawn for its nodes.
#[derive(Clone)]
struct Doc {
    shape: Shape,
    features: Vec<[f32; F]>,
}

/// Parents for `n` nodes in depth-first order: each node under a random
/// node of the rightmost path with a free child slot.
fn random_parents(n: usize, rng: &mut Rng) -> Vec<Option<usize>> {
    let mut parents = vec![None];
    let mut children = vec![0usize; n];
    for _ in 1..n {
        let open = rightmost_path(&parents)
            .into_iter()
            .filter(|&p| children[p] < K)
            .collect::<Vec<_>>();
        let p = open[rng.below(open.len())];
        children[p] += 1;
        parents.push(Some(p));
    }
    parents
}

/// The path from the root to the last node.
fn rightmost_path(parents: &[Option<usize>]) -> Vec<usize> {
    let mut path = Vec::new();
    let mut at = Some(parents.len() - 1);
    while let Some(i) = at {
        path.push(i);
        at = parents[i];
    }
    path
}

fn template(concepts: usize, rng: &mut Rng) -> Shape {
    let n = 6 + rng.below(5);
    Shape {
        parents: random_parents(n, rng),
        concepts: (0..n).map(|_| rng.below(concepts)).collect(),
    }
}

/// The same concepts in the same depth-first order, another shape.
fn distractor(t: &Shape, rng: &mut Rng) -> Shape {
    loop {
        let parents = random_parents(t.parents.len(), rng);
        if parents != t.parents {
            return Shape {
                parents,
                concepts: t.concepts.clone(),
            };
        }
    }
}

/// A document of `shape`: fresh features, and with probability 1/2 one
/// more leaf (when the rightmost path has room and the tree is not full).
fn document(shape: &Shape, concepts: &[[f64; F]], extra_leaf: bool, rng: &mut Rng) -> Doc {
    let mut shape = shape.clone();
    if extra_leaf && rng.below(2) == 1 && shape.parents.len() < N {
        let mut children = vec![0usize; shape.parents.len()];
        for p in shape.parents.iter().flatten() {
            children[*p] += 1;
        }
        let open: Vec<usize> = rightmost_path(&shape.parents)
            .into_iter()
            .filter(|&p| children[p] < K)
            .collect();
        if !open.is_empty() {
            shape.parents.push(Some(open[rng.below(open.len())]));
            shape.concepts.push(rng.below(concepts.len()));
        }
    }
    let features = shape
        .concepts
        .iter()
        .map(|&c| core::array::from_fn(|k| (concepts[c][k] + NOISE * rng.normal()) as f32))
        .collect();
    Doc { shape, features }
}

/// The rows a `TreeLstm` reads: children before parents, so the nodes in
/// reverse depth-first order (the root last).
fn tree_rows(d: &Doc) -> ([[f32; F + K]; N], Side) {
    let n = d.features.len();
    let at = |i: usize| n - 1 - i;
    let mut kids: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, p) in d.shape.parents.iter().enumerate() {
        if let Some(p) = p {
            kids[at(*p)].push(at(i));
        }
    }
    let feats: Vec<&[f32]> = (0..n).map(|j| &d.features[n - 1 - j][..]).collect();
    let kids: Vec<&[usize]> = kids.iter().map(Vec::as_slice).collect();
    let rows = encode_tree(&feats, &kids, F).expect("trees of at most 12 nodes and 3 children");
    (rows, Side::len(n))
}

/// The nodes' features in depth-first order.
fn sequence(d: &Doc) -> ([[f32; F]; N], Side) {
    let mut rows = [[0.0; F]; N];
    rows[..d.features.len()].copy_from_slice(&d.features);
    (rows, Side::len(d.features.len()))
}

/// The mean of the nodes' features.
fn bag(d: &Doc) -> ([f32; F], Side) {
    let mut m = [0.0; F];
    for f in &d.features {
        for (a, b) in m.iter_mut().zip(f) {
            *a += b / d.features.len() as f32;
        }
    }
    (m, Side::WHOLE)
}

struct Corpus {
    concepts: Vec<[f64; F]>,
    train: Vec<(Shape, Vec<Shape>)>,
    /// Per test invention: its prior art, distractors and queries.
    test: Vec<(Doc, Vec<Doc>, Vec<Doc>)>,
}

fn corpus(seed: u64) -> Corpus {
    let mut rng = Rng::seed(seed);
    let concepts: Vec<[f64; F]> = (0..CONCEPTS)
        .map(|_| core::array::from_fn(|_| rng.normal()))
        .collect();
    let invention = |rng: &mut Rng| {
        let t = template(CONCEPTS, rng);
        let ds = (0..DISTRACTORS).map(|_| distractor(&t, rng)).collect();
        (t, ds)
    };
    let train = (0..TRAIN_INVENTIONS).map(|_| invention(&mut rng)).collect();
    let test = (0..TEST_INVENTIONS)
        .map(|_| {
            let (t, ds): (Shape, Vec<Shape>) = invention(&mut rng);
            let prior = document(&t, &concepts, true, &mut rng);
            let distractors = ds
                .iter()
                .map(|d| document(d, &concepts, true, &mut rng))
                .collect();
            let queries = (0..QUERIES)
                .map(|_| document(&t, &concepts, true, &mut rng))
                .collect();
            (prior, distractors, queries)
        })
        .collect();
    Corpus {
        concepts,
        train,
        test,
    }
}

/// Trains `net` on triples of the training inventions, each document
/// turned into the network's input by `input`; returns the mean loss of
/// the last 100 steps.
fn train<Net>(
    net: &mut Net,
    c: &Corpus,
    input: impl Fn(&Doc) -> (Net::Input, Side),
    seed: u64,
) -> Result<f64, nn::step::StepError>
where
    Net: Network<f32, Output = [f32; 16]>,
{
    const TRIPLES: usize = 8;
    let mut rng = Rng::seed(seed);
    let mut grads = Net::zeroed_boxed();
    let mut trace = Net::new_trace::<{ 3 * TRIPLES }>();
    let mut adam = Adam::<Net>::boxed(3e-3);
    let mut inputs = nn::boxed_zeroed::<[Net::Input; 3 * TRIPLES]>();
    let mut sides = [Side::WHOLE; 3 * TRIPLES];
    let mut ctx = TrainCtx::seed(seed);
    let loss = TripletMargin { margin: 1.0 };
    let mut recent = Vec::new();
    for _ in 0..STEPS {
        for t in 0..TRIPLES {
            let f = rng.below(c.train.len());
            let (template, distractors) = &c.train[f];
            let negative = if rng.below(4) < 3 {
                distractors[rng.below(distractors.len())].clone()
            } else {
                let other = (f + 1 + rng.below(c.train.len() - 1)) % c.train.len();
                c.train[other].0.clone()
            };
            for (k, shape) in [template, template, &negative].into_iter().enumerate() {
                let (x, side) = input(&document(shape, &c.concepts, true, &mut rng));
                inputs[3 * t + k] = x;
                sides[3 * t + k] = side;
            }
        }
        let l = train_step_triplets(
            net,
            StepBuffers {
                grads: &mut grads,
                trace: &mut trace,
            },
            &mut *adam,
            &loss,
            &inputs,
            &sides,
            &mut ctx,
        )?;
        recent.push(l as f64);
    }
    let tail = &recent[recent.len() - 100..];
    Ok(tail.iter().sum::<f64>() / tail.len() as f64)
}

/// Recall@1 and recall@10 of `net` on the test inventions, through a
/// fixed-capacity index of every prior art and distractor.
fn recall<Net>(net: &Net, c: &Corpus, input: impl Fn(&Doc) -> (Net::Input, Side)) -> (f64, f64)
where
    Net: Network<f32, Output = [f32; 16]>,
{
    let mut index = Box::new(Index::<f32, 16, INDEXED>::new());
    for (f, (prior, distractors, _)) in c.test.iter().enumerate() {
        let embed = |d: &Doc| {
            let (x, side) = input(d);
            net.forward_with(&x, side)
        };
        // The prior art of invention f has id f; distractors come after.
        index.insert(f as u32, &embed(prior)).expect("room for it");
        for d in distractors {
            index
                .insert(u32::MAX, &embed(d))
                .expect("room for every distractor");
        }
    }
    let (mut at1, mut at10, mut queries) = (0, 0, 0);
    for (f, (_, _, qs)) in c.test.iter().enumerate() {
        for q in qs {
            let (x, side) = input(q);
            let hits = index.nearest::<10>(&net.forward_with(&x, side));
            let rank = hits
                .iter()
                .position(|h| h.is_some_and(|h| h.id == f as u32));
            at1 += usize::from(rank == Some(0));
            at10 += usize::from(rank.is_some());
            queries += 1;
        }
    }
    (at1 as f64 / queries as f64, at10 as f64 / queries as f64)
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let start = Instant::now();
    let c = corpus(2026);
    println!(
        "{TRAIN_INVENTIONS} training inventions; {TEST_INVENTIONS} held out, indexed with {DISTRACTORS} distractors each ({INDEXED} documents), {} queries",
        TEST_INVENTIONS * QUERIES
    );
    let mut rows = Vec::new();

    let t = Instant::now();
    let mut tree = TreeEmbed::<f32>::new_boxed(1);
    let l = train(&mut *tree, &c, tree_rows, 1)?;
    let r = recall(&*tree, &c, tree_rows);
    rows.push(("Tree-LSTM", r, l, t.elapsed().as_secs_f64()));

    let t = Instant::now();
    let mut seq = SequenceEmbed::<f32>::new_boxed(1);
    let l = train(&mut *seq, &c, sequence, 1)?;
    let r = recall(&*seq, &c, sequence);
    rows.push(("LSTM, depth-first order", r, l, t.elapsed().as_secs_f64()));

    let t = Instant::now();
    let mut b = BagEmbed::<f32>::new_boxed(1);
    let l = train(&mut *b, &c, bag, 1)?;
    let r = recall(&*b, &c, bag);
    rows.push(("bag of node features", r, l, t.elapsed().as_secs_f64()));

    println!("model                      recall@1  recall@10  final loss  time");
    for (name, (r1, r10), l, s) in &rows {
        println!(
            "{name:<26} {:>7.1}%  {:>8.1}%  {l:>10.3}  {s:.1} s",
            100.0 * r1,
            100.0 * r10
        );
    }
    println!("total time {:.1} s", start.elapsed().as_secs_f64());
    let (tree_r, others) = (rows[0].1, &rows[1..]);
    for (name, r, _, _) in others {
        if tree_r.0 <= r.0 || tree_r.1 <= r.1 {
            return Err(format!(
                "FAILED: the Tree-LSTM ({:.3}, {:.3}) does not beat the {name} ({:.3}, {:.3})",
                tree_r.0, tree_r.1, r.0, r.1
            )
            .into());
        }
    }
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
