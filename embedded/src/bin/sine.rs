//! The TinyML benchmarks' sine model on a Cortex-M4F with its weights in
//! flash: `Sine::TRAINED`, made at compile time (`#[nn(weights = "..")]`)
//! from the weight file `cargo run --release --example sine -- --save
//! embedded/data` wrote, in a `static`. Prints the prediction at eight
//! points of `[0, 2 pi)` in thousandths (no float formatting) beside
//! `sin(x)`, and exits QEMU with status 0 when every one is within 0.1.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use cortex_m_semihosting::{debug, hprintln};
use panic_semihosting as _;

#[path = "../cost.rs"]
mod cost;
#[path = "../stack.rs"]
mod stack;

#[macro_use]
#[path = "../../../examples/networks/sine.rs"]
#[allow(dead_code, reason = "the macro is what is used")]
mod networks;
sine_network!(
    /// The network of `examples/sine.rs`, with the weights it saved.
    #[nn(weights = "../../data/sine.nnw")]
    struct Sine
);

/// The trained network, in flash.
static NET: Sine = Sine::TRAINED;

/// `sin(2 pi k / 8)` for `k = 0..8`, in thousandths.
const SIN_MILLI: [i32; 8] = [0, 707, 1000, 707, 0, -707, -1000, -707];

#[entry]
fn main() -> ! {
    let mut ok = true;
    for (k, want) in SIN_MILLI.iter().enumerate() {
        let x = core::f32::consts::TAU * k as f32 / 8.0;
        let y = NET.forward(&[x])[0];
        let milli = (y * 1000.0) as i32;
        ok &= (milli - want).abs() <= 100;
        hprintln!(
            "sine: x = {}/8 turn: {} (sin {}) thousandths",
            k,
            milli,
            want
        );
    }
    let mut core = cortex_m::Peripherals::take().expect("taken once");
    let mut x = 0.0f32;
    let per = cost::instructions_per(&mut core.SYST, 1_000, || {
        x = core::hint::black_box(NET.forward(core::hint::black_box(&[x]))[0]);
    });
    hprintln!("sine: {} instructions per inference (QEMU icount)", per);
    hprintln!(
        "sine: {} parameters in flash; {}",
        Sine::<f32>::PARAMS,
        if ok { "all within 0.1" } else { "FAILED" }
    );
    hprintln!("stack high-water: {} B", stack::high_water());
    debug::exit(if ok {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    loop {
        cortex_m::asm::bkpt();
    }
}
