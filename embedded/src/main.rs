//! Trains two networks on a Cortex-M4F with no allocator, then checks
//! their inference: XOR with a dense network and SGD, and a GRU with Adam
//! that classifies variable-length sequences (the sign of the last real
//! step, with noise in the padding after it).
//!
//! There is no `#[global_allocator]`: if anything in the graph used
//! `alloc`, this would not link. Networks, gradients, traces, optimizer
//! state and data live in statics sized at compile time. Exits QEMU with
//! status 0 when both networks pass, 1 otherwise.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use cortex_m_semihosting::hprintln;
use panic_semihosting as _;

mod exit;
mod stack;
mod vectors;

use nn::prelude::*;
use nn::step::{train_step, train_step_with, StepBuffers};

nn::network! {
    #[nn(trace = XorTrace)]
    struct Xor {
        input: [2],
        hidden: Dense(4),
        act: Tanh,
        out: Dense(1),
        prob: Sigmoid,
    }
}

nn::network! {
    /// Up to 6 steps of one feature; the runtime length says how many are real.
    /// A training step at batch 8 fits 10 kB (trace and gradients: 9,928 B).
    #[nn(trace = LastSignTrace, budget(train = "10K", batch = 8, ram = "1K"))]
    struct LastSign {
        input: [6, 1],
        gru: Gru(8),
        out: Dense(2),
    }
}

/// Sequences for the GRU: each has 6 random steps, a runtime length of
/// 1 to 6, and as class the sign of its last real step.
const SEQS: usize = 64;
const SEQ_BATCH: usize = 8;

const X: [[f32; 2]; 4] = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
const Y: [[f32; 1]; 4] = [[0.0], [1.0], [1.0], [0.0]];

#[entry]
fn main() -> ! {
    // Locals of `main` under cortex-m-rt's `#[entry]` that are `static mut`
    // become safe `&'static mut` references.
    static mut GRADS: Xor<f32> = Xor::zeroed();
    static mut TRACE: XorTrace<f32, 4> = XorTrace::zeroed();
    static mut SEQ_NET: LastSign<f32> = LastSign::zeroed();
    static mut SEQ_GRADS: LastSign<f32> = LastSign::zeroed();
    static mut SEQ_TRACE: LastSignTrace<f32, SEQ_BATCH> = LastSignTrace::zeroed();
    // Zeroed, so in `.bss`: `Adam::new` here would put its 2,368 bytes of
    // zero moments in flash as initialised data.
    static mut SEQ_ADAM: Adam<LastSign<f32>> = Adam::zeroed::<f32>();
    static mut SEQ_DATA: Sequences = Sequences {
        x: [[[0.0; 1]; 6]; SEQS],
        lens: [0; SEQS],
        y: [0; SEQS],
    };

    let mut net = Xor::<f32>::new(3);
    let mut sgd = Sgd::new(0.5);
    let mut ctx = TrainCtx::seed(0);
    let mut last = f32::NAN;
    for _ in 0..2000 {
        let buffers = StepBuffers {
            grads: &mut *GRADS,
            trace: &mut *TRACE,
        };
        match train_step(&mut net, buffers, &mut sgd, &Mse, &X, &Y, &mut ctx) {
            Ok(l) => last = l,
            Err(_) => finish(false),
        }
    }
    let mut ok = last < 0.01;
    for (x, y) in X.iter().zip(&Y) {
        let p = net.forward(x)[0];
        ok &= (p > 0.5) == (y[0] > 0.5);
    }
    let xor_stack = stack::used_by(|| {
        core::hint::black_box(net.forward(core::hint::black_box(&X[1])));
    });
    // The library's estimate, known before linking.
    ok &= xor_stack <= nn::inference_stack_bytes::<Xor<f32>, f32>();
    // Fixed-point print: formatting an f32 costs ~24 KB of flash.
    hprintln!(
        "xor: final mse x1e6 = {}, params = {}, inference RAM = {} B, forward stack: {} B (estimate {} B)",
        (last * 1e6) as u32,
        Xor::<f32>::PARAMS,
        Xor::<f32>::INFERENCE_RAM_BYTES,
        xor_stack,
        nn::inference_stack_bytes::<Xor<f32>, f32>()
    );
    SEQ_ADAM.reset_to::<f32>(0.01);
    ok &= sequences(
        &mut *SEQ_NET,
        &mut *SEQ_GRADS,
        &mut *SEQ_TRACE,
        &mut *SEQ_ADAM,
        &mut *SEQ_DATA,
    );
    finish(ok)
}

/// Fills `x`, `lens` and `y` with labelled variable-length sequences.
fn make_sequences(rng: &mut Rng, x: &mut [[[f32; 1]; 6]], lens: &mut [usize], y: &mut [usize]) {
    for ((x, len), y) in x.iter_mut().zip(lens.iter_mut()).zip(y.iter_mut()) {
        for step in x.iter_mut() {
            step[0] = rng.normal_f32();
        }
        *len = 1 + rng.below(6);
        *y = usize::from(x[*len - 1][0] > 0.0);
    }
}

/// Training data of the GRU: sequences, runtime lengths, classes.
struct Sequences {
    x: [[[f32; 1]; 6]; SEQS],
    lens: [usize; SEQS],
    y: [usize; SEQS],
}

/// Trains the GRU on 64 sequences in batches of 8 and checks its accuracy
/// on them and on 64 new ones.
fn sequences(
    net: &mut LastSign<f32>,
    grads: &mut LastSign<f32>,
    trace: &mut LastSignTrace<f32, SEQ_BATCH>,
    adam: &mut Adam<LastSign<f32>>,
    data: &mut Sequences,
) -> bool {
    let mut rng = Rng::seed(7);
    nn::Params::init(net, &mut rng);
    let Sequences { x, lens, y } = data;
    make_sequences(&mut rng, x, lens, y);
    let mut ctx = TrainCtx::seed(1);
    for step in 0..1200 {
        let at = (step % (SEQS / SEQ_BATCH)) * SEQ_BATCH;
        let bx: [[[f32; 1]; 6]; SEQ_BATCH] = core::array::from_fn(|k| x[at + k]);
        let bl: [usize; SEQ_BATCH] = core::array::from_fn(|k| lens[at + k]);
        let by: [usize; SEQ_BATCH] = core::array::from_fn(|k| y[at + k]);
        let buffers = StepBuffers {
            grads: &mut *grads,
            trace: &mut *trace,
        };
        if train_step_with(
            net,
            buffers,
            adam,
            &SoftmaxCrossEntropy,
            &bx,
            &nn::Side::of_lengths(&bl),
            &by,
            &mut ctx,
        )
        .is_err()
        {
            return false;
        }
    }
    let correct = |net: &LastSign<f32>, x: &[[[f32; 1]; 6]], lens: &[usize], y: &[usize]| {
        (0..x.len())
            .filter(|&i| {
                let out = net.forward_with(&x[i], nn::Side::len(lens[i]));
                usize::from(out[1] > out[0]) == y[i]
            })
            .count()
    };
    let seen = correct(net, x, lens, y);
    let gru_stack = stack::used_by(|| {
        let side = nn::Side::len(core::hint::black_box(lens[0]));
        core::hint::black_box(net.forward_with(core::hint::black_box(&x[0]), side));
    });
    make_sequences(&mut rng, x, lens, y);
    let new = correct(net, x, lens, y);
    let stack_ok = gru_stack <= nn::inference_stack_bytes::<LastSign<f32>, f32>();
    hprintln!(
        "gru: {}/{} training and {}/{} new sequences right, params = {}, training RAM at batch {} = {} B, inference RAM = {} B, forward stack: {} B (estimate {} B)",
        seen,
        SEQS,
        new,
        SEQS,
        LastSign::<f32>::PARAMS,
        SEQ_BATCH,
        <LastSign<f32> as nn::Network<f32>>::training_ram_bytes::<SEQ_BATCH>(),
        LastSign::<f32>::INFERENCE_RAM_BYTES,
        gru_stack,
        nn::inference_stack_bytes::<LastSign<f32>, f32>()
    );
    seen * 10 >= SEQS * 9 && new * 10 >= SEQS * 8 && stack_ok
}

/// Prints the stack high-water mark, then exits QEMU.
fn finish(ok: bool) -> ! {
    hprintln!("stack high-water: {} B", stack::high_water());
    exit::exit(ok)
}
