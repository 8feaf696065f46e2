//! The digits MLP on a Cortex-M4F with its weights in flash: the network
//! is `Digits::TRAINED`, made at compile time from the weight file that
//! `cargo run --release --example digits -- --save embedded/data` wrote
//! (`#[nn(weights = "..")]`), held in a `static`, so its 19,240 bytes of
//! parameters are read-only data and inference takes no RAM for them. The
//! 359 held-out digits of that run are in flash too (`data/digits_test.bin`:
//! pixels `0..=16`, label, and the host's predicted class), and each
//! prediction here must be the host's, and so must the bits of every
//! output (their hash is in `src/golden.rs`). Prints the accuracy; exits
//! QEMU with status 0 when everything matches, 1 otherwise.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use cortex_m_semihosting::hprintln;
use panic_semihosting as _;

#[path = "../cost.rs"]
mod cost;
#[path = "../exit.rs"]
mod exit;
#[path = "../golden.rs"]
mod golden;
#[path = "../stack.rs"]
mod stack;
#[path = "../vectors.rs"]
mod vectors;

#[macro_use]
#[path = "../../../examples/networks/digits.rs"]
#[allow(dead_code, reason = "the macro is what is used")]
mod networks;
digits_network!(
    /// The network of `examples/digits.rs`, with the weights it saved.
    // Checked at compile time: 19,240 B of weights, about 1 kB of stack.
    #[nn(weights = "../../data/digits.nnw", budget(flash = "20K", ram = "2K"))]
    struct Digits
);

/// The trained network, in flash.
static NET: Digits = Digits::TRAINED;

/// The held-out digits: a `u16` count, then per digit 64 pixels, the label
/// and the host's prediction.
static TEST: &[u8] = include_bytes!("../../data/digits_test.bin");

#[entry]
fn main() -> ! {
    let n = u16::from_le_bytes([TEST[0], TEST[1]]) as usize;
    let (mut right, mut same) = (0, 0);
    let mut hash = golden::FNV_START;
    for digit in TEST[2..].chunks_exact(66).take(n) {
        let mut x = [0.0f32; 64];
        for (v, p) in x.iter_mut().zip(&digit[..64]) {
            *v = *p as f32 / 16.0;
        }
        let y = NET.forward(&x);
        for v in y {
            hash = golden::fnv1a(hash, v.to_bits());
        }
        let mut best = 0;
        for k in 1..10 {
            if y[k] > y[best] {
                best = k;
            }
        }
        right += usize::from(best == digit[64] as usize);
        same += usize::from(best == digit[65] as usize);
    }
    // Accuracy in hundredths of a percent, without float formatting.
    let hundredths = right * 10_000 / n.max(1);
    hprintln!(
        "digits: {}/{} right ({}.{:02}%), {}/{} predictions the host's; {} parameters in flash",
        right,
        n,
        hundredths / 100,
        hundredths % 100,
        same,
        n,
        Digits::<f32>::PARAMS
    );
    let bits = hash == golden::DIGITS_OUTPUT_FNV;
    hprintln!(
        "digits: output bits {} the host's (FNV-1a {:#010x})",
        if bits { "are" } else { "are NOT" },
        hash
    );
    let mut core = cortex_m::Peripherals::take().expect("taken once");
    let x = [0.5f32; 64];
    let per = cost::instructions_per(&mut core.SYST, 100, || {
        core::hint::black_box(NET.forward(core::hint::black_box(&x)));
    });
    hprintln!("digits: {} instructions per inference (QEMU icount)", per);
    let forward = stack::used_by(|| {
        core::hint::black_box(NET.forward(core::hint::black_box(&x)));
    });
    let estimate = nn::inference_stack_bytes::<Digits, f32>();
    hprintln!(
        "digits: forward stack: {} B (estimate {} B)",
        forward,
        estimate
    );
    hprintln!("stack high-water: {} B", stack::high_water());
    exit::exit(same == n && n == 359 && bits && forward <= estimate)
}
