//! The safetensors importer on arbitrary bytes: never a panic, and after
//! an error the network is unchanged. Run: `cargo fuzz run safetensors`
//! (seed it with tests/fixtures/*.safetensors).
#![no_main]

use libfuzzer_sys::fuzz_target;
use nn::weights::{self, Import};

include!("nets.rs");

fuzz_target!(|data: &[u8]| {
    let cnn = Cnn::<f32>::new(2);
    for how in [Import::default(), Import::converting().lenient()] {
        let mut c = cnn.clone();
        if weights::import_safetensors(&mut c, data, how).is_err() {
            assert!(c == cnn);
        }
    }
});
