//! Trains XOR on a Cortex-M4F with no allocator, then checks inference.
//!
//! There is no `#[global_allocator]`: if anything in the graph used
//! `alloc`, this would not link. The network, its gradient, its trace and
//! the batch live in statics sized at compile time. Exits QEMU with status
//! 0 when the four XOR outputs are right, 1 otherwise.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use cortex_m_semihosting::{debug, hprintln};
use panic_semihosting as _;

use nn::prelude::*;
use nn::step::{train_step, StepBuffers};

nn::network! {
    struct Xor {
        input: [2],
        hidden: Dense(4),
        act: Tanh,
        out: Dense(1),
        prob: Sigmoid,
    }
}

const X: [[f32; 2]; 4] = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
const Y: [[f32; 1]; 4] = [[0.0], [1.0], [1.0], [0.0]];

#[entry]
fn main() -> ! {
    // Locals of `main` under cortex-m-rt's `#[entry]` that are `static mut`
    // become safe `&'static mut` references.
    static mut GRADS: Xor<f32> = Xor::zeroed();
    static mut TRACE: XorTrace<f32, 4> = XorTrace::zeroed();

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
            Err(_) => exit(false),
        }
    }
    let mut ok = last < 0.01;
    for (x, y) in X.iter().zip(&Y) {
        let p = net.forward(x)[0];
        ok &= (p > 0.5) == (y[0] > 0.5);
    }
    // Fixed-point print: formatting an f32 costs ~24 KB of flash.
    hprintln!(
        "xor: final mse x1e6 = {}, params = {}, inference RAM = {} B",
        (last * 1e6) as u32,
        Xor::<f32>::PARAMS,
        Xor::<f32>::INFERENCE_RAM_BYTES
    );
    exit(ok)
}

fn exit(ok: bool) -> ! {
    debug::exit(if ok {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    loop {
        cortex_m::asm::nop();
    }
}
