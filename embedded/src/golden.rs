//! Output bits the host computes for the firmwares' networks (checked on
//! the host by `tests/flash.rs`, on the device by the sine and digits
//! firmwares): the same order of sums gives the same bits on both.

#[allow(dead_code, reason = "the digits firmware checks a hash")]
/// Bits of the sine network's output at `x = 2 pi k / 8`, `k = 0..8`
/// (`x` computed in `f32` as the firmware does).
pub const SINE_BITS: [u32; 8] = [
    1033494084, 1060307210, 1064613868, 1060127356, 3149529216, 3207624298, 3213127332, 3207200696,
];

#[allow(dead_code, reason = "the sine firmware checks bits")]
/// FNV-1a over the bits of the digits network's ten outputs for each
/// held-out digit of `data/digits_test.bin`, in order.
pub const DIGITS_OUTPUT_FNV: u32 = 0x3281_ea5a;

/// 32-bit FNV-1a, one `u32` at a time (its four bytes, little-endian).
#[allow(dead_code, reason = "the sine firmware does not hash")]
pub fn fnv1a(hash: u32, word: u32) -> u32 {
    word.to_le_bytes()
        .iter()
        .fold(hash, |h, b| (h ^ u32::from(*b)).wrapping_mul(0x0100_0193))
}

/// FNV-1a's start.
#[allow(dead_code, reason = "the sine firmware does not hash")]
pub const FNV_START: u32 = 0x811c_9dc5;
