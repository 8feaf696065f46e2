//! nn's weight-file and checkpoint readers on arbitrary bytes: never a
//! panic, and after an error the network, optimizer and trainer are
//! unchanged. Run: `cargo fuzz run weights` (seed it with files written
//! by `nn::weights::to_bytes`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use nn::optim::Adam;
use nn::weights;

include!("nets.rs");

fuzz_target!(|data: &[u8]| {
    let _ = weights::WeightFile::parse(data);
    let net = Mlp::<f32>::new(1);
    let mut n = net.clone();
    if weights::read(&mut n, data).is_err() {
        assert!(n == net);
    }
    let cnn = Cnn::<f32>::new(2);
    let mut c = cnn.clone();
    let mut opt = Adam::<Cnn<f32>>::new(1e-3);
    let mut trainer = nn::train::Trainer::<f32, Cnn<f32>, 4>::new(3);
    if weights::read_checkpoint(&mut c, &mut opt, &mut trainer, data).is_err() {
        assert!(c == cnn);
        assert_eq!(trainer.epochs_done(), 0);
    }
});
