//! Weights from PyTorch and back: `tests/fixtures/bilstm.safetensors` is a
//! PyTorch `state_dict` (saved with safetensors) of
//! `LSTM(3, 4, batch_first=True, bidirectional=True)` followed by
//! `Linear(8, 2)` on both directions' last states, with three inputs and
//! PyTorch's outputs for them (made by `tools/fixtures/make_fixtures.py`).
//! The example loads it under PyTorch's names (`lstm.weight_ih_l0`,
//! `lstm.weight_ih_l0_reverse`, `fc.weight`, ...), runs the inputs and
//! compares with PyTorch's outputs, exports the network as safetensors
//! again (the keys `load_state_dict(strict=True)` expects) and reloads the
//! export into a fresh network, which must give the same outputs bit for
//! bit.
//!
//! Run: `cargo run --release --example pytorch_exchange`.

use nn::weights::{self, Import};

nn::network! {
    /// PyTorch's `LSTM(3, 4, bidirectional=True)` and `Linear(8, 2)`.
    pub struct BiLstm {
        input: [5, 3],
        lstm: Lstm(4, bidirectional = true),
        fc: Dense(2),
    }
}

/// The f32 tensor `name` of a safetensors file, flat.
fn tensor(file: &[u8], name: &str) -> Result<Vec<f32>, Box<dyn std::error::Error>> {
    let view = safetensors::SafeTensors::deserialize(file)?.tensor(name)?;
    Ok(view
        .data()
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect())
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/bilstm.safetensors"
    );
    let file = std::fs::read(path)?;
    let mut net = BiLstm::<f32>::zeroed();
    // The file also holds `input` and `output`: lenient, as
    // `load_state_dict(strict=False)`.
    weights::import_safetensors(&mut net, &file, Import::default().lenient())?;
    let (x, want) = (tensor(&file, "input")?, tensor(&file, "output")?);

    let mut worst = 0f32;
    let mut outputs = Vec::new();
    for (b, xs) in x.chunks_exact(15).enumerate() {
        let mut input = [[0.0f32; 3]; 5];
        input.as_flattened_mut().copy_from_slice(xs);
        let y = net.forward(&input);
        println!(
            "input {b}: nn {:>+.6} {:>+.6}   PyTorch {:>+.6} {:>+.6}",
            y[0],
            y[1],
            want[2 * b],
            want[2 * b + 1]
        );
        for (g, w) in y.iter().zip(&want[2 * b..2 * b + 2]) {
            worst = worst.max((g - w).abs());
        }
        outputs.push(y);
    }
    println!("largest difference from PyTorch: {worst:.1e}");

    let out = std::env::temp_dir().join(format!("nn-exchange-{}.safetensors", std::process::id()));
    weights::save_safetensors(&net, &out)?;
    let mut back = BiLstm::<f32>::zeroed();
    weights::load_safetensors(&mut back, &out, Import::default())?;
    std::fs::remove_file(&out)?;
    let same = x.chunks_exact(15).zip(&outputs).all(|(xs, y)| {
        let mut input = [[0.0f32; 3]; 5];
        input.as_flattened_mut().copy_from_slice(xs);
        back.forward(&input) == *y
    });
    println!("exported and reloaded (strict): outputs identical: {same}");
    if worst > 1e-5 || !same {
        return Err("FAILED: outputs differ from PyTorch's or after the round trip".into());
    }
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
