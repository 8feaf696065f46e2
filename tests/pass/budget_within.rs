// A network within its budgets compiles; `4096`, "4K", "4 KiB" and "1M"
// are the same kind of size.
#[macro_use]
#[path = "../../examples/networks/sine.rs"]
#[allow(dead_code, reason = "the macro is what is used")]
mod networks;
sine_network!(
    /// The sine model: 321 parameters (1,284 B), about 392 B of stack.
    #[nn(budget(flash = "4K", ram = 512, train = "4 KiB", batch = 4))]
    struct Sine
);

nn::network! {
    #[nn(budget(flash = "1M", ram = "1M"))]
    struct Roomy {
        input: [8],
        out: Dense(8),
    }
}

fn main() {
    assert_eq!(Sine::<f32>::PARAM_BYTES, 1284);
    assert_eq!(nn::inference_stack_bytes::<Sine, f32>(), 136 + nn::STACK_FRAME_BYTES);
    assert!(nn::training_ram_bytes::<Sine, f32, 4>() <= 4096);
    let _ = Roomy::<f32>::new(0).forward(&[0.0; 8]);
}
