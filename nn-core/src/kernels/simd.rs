//! Run-time dispatch to a wide-SIMD (AVX-512 or AVX2) copy of vectorised
//! code, and the casts that let a generic kernel hand `f32` data to an
//! architecture's own kernel.

#[cfg(any(
    all(target_arch = "arm", target_abi = "eabihf"),
    all(feature = "std", target_arch = "x86_64")
))]
use crate::Float;

/// Runs `f`, compiled for AVX-512 (F, BW, DQ, VL) or else AVX2 when the
/// CPU has it (x86-64 builds with `std`, which can detect it at run
/// time), else as it is. The AVX-512 copy made the recurrent cells 6-19%
/// faster at batch 1 and 10-15% in training, to within 8% of a
/// `target-cpu=native` build (`bench/README.md`). Only
/// instruction selection changes: Rust never contracts `a * b + c` into an
/// FMA, so vectorised element-wise code gives bit-identical results either
/// way. `f` should be `#[inline(always)]` code (its callees inline into
/// each copy).
#[inline(always)]
// SAFETY: each `unsafe` call runs a copy only after
// `is_x86_feature_detected!` returned true for the features it enables.
#[allow(unsafe_code)]
pub fn with_wide_simd<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    {
        if x86::has_avx512() {
            // SAFETY: the CPU has the four features, detected just above.
            return unsafe { x86::run_avx512(f) };
        }
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: `run_avx2` needs only that the CPU supports AVX2,
            // which was detected just above.
            return unsafe { x86::run_avx2(f) };
        }
    }
    f()
}

/// `Some` when `T` is `f32` (a check the compiler folds away).
#[cfg(any(
    all(target_arch = "arm", target_abi = "eabihf"),
    all(feature = "std", target_arch = "x86_64")
))]
#[inline(always)]
#[allow(unsafe_code)]
pub(super) fn as_f32<T: Float>(x: &[T]) -> Option<&[f32]> {
    if core::any::TypeId::of::<T>() != core::any::TypeId::of::<f32>() {
        return None;
    }
    // SAFETY: `T` is `f32` (checked just above), so the cast is the
    // identity on the type, the length and the alignment.
    Some(unsafe { core::slice::from_raw_parts(x.as_ptr().cast(), x.len()) })
}

/// [`as_f32`] of a mutable slice.
#[cfg(any(
    all(target_arch = "arm", target_abi = "eabihf"),
    all(feature = "std", target_arch = "x86_64")
))]
#[inline(always)]
#[allow(unsafe_code)]
pub(super) fn as_f32_mut<T: Float>(x: &mut [T]) -> Option<&mut [f32]> {
    if core::any::TypeId::of::<T>() != core::any::TypeId::of::<f32>() {
        return None;
    }
    // SAFETY: as in `as_f32`; the borrow moves into the result.
    Some(unsafe { core::slice::from_raw_parts_mut(x.as_mut_ptr().cast(), x.len()) })
}

/// `std::arch` helpers shared by the x86-64 kernels.
#[cfg(all(feature = "std", target_arch = "x86_64"))]
pub(super) mod x86 {
    use core::arch::x86_64::*;

    /// Whether the CPU has the AVX-512 subsets [`run_avx512`] enables
    /// (each check is a load of a cached word).
    #[inline]
    pub fn has_avx512() -> bool {
        std::is_x86_feature_detected!("avx512f")
            && std::is_x86_feature_detected!("avx512bw")
            && std::is_x86_feature_detected!("avx512dq")
            && std::is_x86_feature_detected!("avx512vl")
    }

    /// `f`, with its inlined callees compiled for AVX-512 (F, BW, DQ, VL);
    /// the CPU must have them ([`has_avx512`]).
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
    #[inline]
    pub fn run_avx512<R>(f: impl FnOnce() -> R) -> R {
        f()
    }

    /// `f`, compiled for AVX2; the CPU must have it.
    #[target_feature(enable = "avx2")]
    #[inline]
    pub fn run_avx2<R>(f: impl FnOnce() -> R) -> R {
        f()
    }

    /// The sum of the eight lanes in [`dot`](super::super::vector::dot)'s
    /// order: lanes `l + (l + 4)`, then `l + (l + 2)`, then `0 + 1`.
    #[target_feature(enable = "avx2")]
    #[inline]
    pub fn sum_lanes(v: __m256) -> f32 {
        let four = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps::<1>(v));
        let two = _mm_add_ps(four, _mm_movehl_ps(four, four));
        _mm_cvtss_f32(_mm_add_ss(two, _mm_shuffle_ps::<1>(two, two)))
    }

    /// [`sum_lanes`] of each of eight vectors, as the eight lanes of one:
    /// the same sums with the same operands in the same order (the same
    /// bits), done for the eight at once: 14 shuffles and 7 adds as
    /// written, where eight [`sum_lanes`] are 48 intrinsics and leave
    /// eight scalars.
    #[target_feature(enable = "avx2")]
    #[inline]
    pub fn sum_lanes_of_eight(v: [__m256; 8]) -> __m256 {
        // Lanes `l + (l + 4)`: rows `k` and `k + 4` in one vector's halves.
        let four = |a: __m256, b: __m256| {
            _mm256_add_ps(
                _mm256_permute2f128_ps::<0x20>(a, b),
                _mm256_permute2f128_ps::<0x31>(a, b),
            )
        };
        let [f04, f15, f26, f37] = [
            four(v[0], v[4]),
            four(v[1], v[5]),
            four(v[2], v[6]),
            four(v[3], v[7]),
        ];
        // Lanes `l + (l + 2)`: two rows' pairs per half.
        let two = |a: __m256, b: __m256| {
            _mm256_add_ps(
                _mm256_shuffle_ps::<0b01_00_01_00>(a, b),
                _mm256_shuffle_ps::<0b11_10_11_10>(a, b),
            )
        };
        let (t0145, t2367) = (two(f04, f15), two(f26, f37));
        // Lanes `0 + 1`: rows 0 to 3 in the low half, 4 to 7 in the high.
        _mm256_add_ps(
            _mm256_shuffle_ps::<0b10_00_10_00>(t0145, t2367),
            _mm256_shuffle_ps::<0b11_01_11_01>(t0145, t2367),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::{exp_f32, sigmoid_vec, tanh_f32};

    /// Each wide-SIMD copy of vectorised element-wise code that the CPU
    /// can run (AVX2, AVX-512) gives the same bits as the baseline one (no
    /// FMA contraction in Rust), and so does the one `with_wide_simd` takes.
    #[test]
    #[allow(unsafe_code)]
    fn wide_simd_copies_are_bit_identical() {
        let xs: [f32; 1000] = core::array::from_fn(|i| (i as f32 - 500.0) * 0.037);
        // Inlined into each caller, so each copy is compiled for its own
        // features instead of calling the baseline one.
        #[inline(always)]
        fn run(xs: &[f32; 1000]) -> [f32; 3000] {
            let mut out = [0.0f32; 3000];
            for (k, x) in xs.iter().enumerate() {
                out[k] = exp_f32(*x);
                out[1000 + k] = tanh_f32(*x);
                out[2000 + k] = sigmoid_vec(*x) * *x + 0.5;
            }
            out
        }
        let plain = run(&xs);
        let same = |what: &str, wide: [f32; 3000]| {
            for (i, (a, b)) in plain.iter().zip(&wide).enumerate() {
                assert_eq!(a.to_bits(), b.to_bits(), "{what}, output {i}: {a} vs {b}");
            }
        };
        same(
            "with_wide_simd",
            with_wide_simd(
                #[inline(always)]
                || run(&xs),
            ),
        );
        #[cfg(all(feature = "std", target_arch = "x86_64"))]
        {
            if std::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU has AVX2, detected just above.
                same("AVX2", unsafe {
                    x86::run_avx2(
                        #[inline(always)]
                        || run(&xs),
                    )
                });
            }
            if x86::has_avx512() {
                // SAFETY: the CPU has the four, detected just above.
                same("AVX-512", unsafe {
                    x86::run_avx512(
                        #[inline(always)]
                        || run(&xs),
                    )
                });
            }
        }
    }
}
