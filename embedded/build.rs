//! Puts memory.x (and an empty device.x) where the linker finds them.
use std::{env, fs, path::PathBuf};

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::copy("memory.x", out.join("memory.x")).expect("memory.x is next to build.rs");
    // cortex-m-rt's `device` feature includes a device.x of handler
    // names; src/vectors.rs binds every interrupt to the default handler.
    fs::write(out.join("device.x"), "").expect("OUT_DIR is writable");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory.x");
}
