//! The TinyML benchmarks' sine model on a Cortex-M4F with its weights in
//! flash: `Sine::TRAINED`, made at compile time (`#[nn(weights = "..")]`)
//! from the weight file `cargo run --release --example sine -- --save
//! embedded/data` wrote, in a `static`. Prints the prediction at eight
//! points of `[0, 2 pi)` in thousandths beside `sin(x)`, and exits QEMU
//! with status 0 when every one is within 0.1 and has the bits the host
//! computes (`src/golden.rs`).
//!
//! The smallest of the firmwares: no `core::fmt` (`src/out.rs`) and, in a
//! release build, no panic path at all. Its panic handler calls a
//! function that exists nowhere, so the firmware links only when the
//! compiler removed every panic, from the network's `forward` and from
//! the code around it.
#![no_std]
#![no_main]

use cortex_m_rt::entry;

#[path = "../cost.rs"]
mod cost;
#[path = "../exit.rs"]
mod exit;
#[path = "../golden.rs"]
mod golden;
#[path = "../out.rs"]
mod out;
#[path = "../panic_free.rs"]
mod panic_free;
#[path = "../stack.rs"]
mod stack;
#[path = "../vectors.rs"]
mod vectors;

#[macro_use]
#[path = "../../../examples/networks/sine.rs"]
#[allow(dead_code, reason = "the macro is what is used")]
mod networks;
sine_network!(
    /// The network of `examples/sine.rs`, with the weights it saved.
    // Checked at compile time: 1,284 B of weights, about 392 B of stack.
    #[nn(weights = "../../data/sine.nnw", budget(flash = "2K", ram = 512))]
    struct Sine
);

/// The trained network, in flash.
static NET: Sine = Sine::TRAINED;

/// `sin(2 pi k / 8)` for `k = 0..8`, in thousandths.
const SIN_MILLI: [i32; 8] = [0, 707, 1000, 707, 0, -707, -1000, -707];

#[entry]
fn main() -> ! {
    let mut ok = true;
    let mut out = out::Console::open();
    for (k, (want, bits)) in SIN_MILLI.iter().zip(golden::SINE_BITS).enumerate() {
        let x = core::f32::consts::TAU * k as f32 / 8.0;
        let y = NET.forward(&[x])[0];
        let milli = (y * 1000.0) as i32;
        ok &= (milli - want).abs() <= 100 && y.to_bits() == bits;
        out.text("sine: x = ")
            .int(k as i32)
            .text("/8 turn: ")
            .int(milli)
            .text(" (sin ")
            .int(*want)
            .line(if y.to_bits() == bits {
                ") thousandths, host's bits"
            } else {
                ") thousandths, NOT host's bits"
            });
    }
    let Some(mut core) = cortex_m::Peripherals::take() else {
        exit::exit(false)
    };
    let mut x = 0.0f32;
    let per = cost::instructions_per(&mut core.SYST, 1_000, || {
        x = core::hint::black_box(NET.forward(core::hint::black_box(&[x]))[0]);
    });
    out.text("sine: ")
        .int(per as i32)
        .line(" instructions per inference (QEMU icount)");
    // The stack one inference takes, against the library's estimate.
    let forward = stack::used_by(|| {
        core::hint::black_box(NET.forward(core::hint::black_box(&[1.0])));
    });
    let estimate = nn::inference_stack_bytes::<Sine, f32>();
    ok &= forward <= estimate;
    out.text("sine: forward stack: ")
        .int(forward as i32)
        .text(" B (estimate ")
        .int(estimate as i32)
        .line(" B)");
    out.text("sine: ")
        .int(Sine::<f32>::PARAMS as i32)
        .text(" parameters in flash; ")
        .line(if ok { "all checks passed" } else { "FAILED" });
    out.text("stack high-water: ")
        .int(stack::high_water() as i32)
        .line(" B");
    exit::exit(ok)
}
