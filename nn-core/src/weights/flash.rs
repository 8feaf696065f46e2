//! Weights in flash: `#[nn(weights = "file.nnw")]` on a `network!`
//! declaration makes `Net::<f32>::TRAINED`, a `const` whose parameters come
//! from the weight file at compile time, so `static NET: Net = Net::TRAINED;`
//! puts them in a firmware's read-only data and inference uses no RAM for
//! weights. The macro reads and checks the file (a wrong file is a compile
//! error naming the tensor) and hands each layer's `__from_file` the byte
//! offsets of its tensors; the file's bytes are read by const evaluation
//! and are not themselves in the binary.

/// Copies `dst.len()` little-endian `f32`s from `file`, starting at byte
/// `at`, into `dst`, at compile time.
#[doc(hidden)]
pub const fn fill_f32(dst: &mut [f32], file: &[u8], at: usize) {
    let mut i = 0;
    while i < dst.len() {
        let k = at + 4 * i;
        dst[i] = f32::from_le_bytes([file[k], file[k + 1], file[k + 2], file[k + 3]]);
        i += 1;
    }
}
