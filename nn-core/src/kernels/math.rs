//! Branch-free `f32` math kernels (`exp`, `tanh`) and the logistic
//! function on them, so that loops of activations vectorise.

use crate::Float;

/// `e^x` in `f32` without a library call or a branch, so that a loop of
/// it vectorises (Cephes' `expf`: `x = n ln 2 + r` with `|r| <= ln 2 / 2`,
/// a degree-7 polynomial for `e^r`, and `2^n` built in the exponent bits).
/// Within 2 ulp of the exact value for `x` in `[-87.3, 88]`; below, the
/// result is `e^-87.3` (about `1.2e-38`; no subnormals), above, `e^88`
/// (about `1.65e38`); NaN gives NaN.
#[inline(always)]
pub fn exp_f32(x: f32) -> f32 {
    const LO: f32 = -87.336_54;
    const HI: f32 = 88.0;
    // Selects rather than `max`/`min`, which would turn NaN into a bound.
    let x = if x < LO { LO } else { x };
    let x = if x > HI { HI } else { x };
    // n = round(x / ln 2), by the 1.5 * 2^23 trick (the sum's low mantissa
    // bits are n; no rounding instruction needed on SSE2).
    const MAGIC: f32 = 12_582_912.0;
    let t = x * core::f32::consts::LOG2_E + MAGIC;
    let n = t - MAGIC;
    let r = x - n * 0.693_359_4 - n * -2.121_944_4e-4;
    let p = 1.987_569_1e-4_f32;
    let p = p * r + 1.398_199_9e-3;
    let p = p * r + 8.333_452e-3;
    let p = p * r + 4.166_579_6e-2;
    let p = p * r + 1.666_666_5e-1;
    let p = p * r + 5e-1;
    let p = p * (r * r) + r + 1.0;
    // 2^n from its exponent bits: n is in [-126, 127] after the clamp.
    let ni = (t.to_bits() as i32).wrapping_sub(0x4B40_0000);
    let scale = f32::from_bits((ni.wrapping_add(127) as u32) << 23);
    p * scale
}

/// `tanh x` in `f32` without a library call or a branch (both formulas
/// are computed and one is selected): Cephes' odd polynomial for
/// `|x| < 0.625`, else `1 - 2 / (e^{2|x|} + 1)` with the sign of `x`.
/// Within 3 ulp of the exact value (tested against libm); NaN gives NaN.
#[inline(always)]
pub fn tanh_f32(x: f32) -> f32 {
    let a = x.abs();
    let z = x * x;
    let p = -5.704_988_7e-3_f32;
    let p = p * z + 2.063_909e-2;
    let p = p * z - 5.373_971_6e-2;
    let p = p * z + 1.333_144_2e-1;
    let p = p * z - 3.333_328e-1;
    let small = p * z * x + x;
    let large = (1.0 - 2.0 / (exp_f32(2.0 * a) + 1.0)).copysign(x);
    if a < 0.625 {
        small
    } else {
        large
    }
}

/// The logistic function `1 / (1 + e^-x)` through [`Float::exp_vec`], so
/// that a loop of it vectorises for `f32`. Accurate to a few ulp (for
/// `f64` to rounding), and exactly 0 or 1 only where the exact value
/// rounds there.
#[inline(always)]
pub fn sigmoid_vec<T: Float>(x: T) -> T {
    T::ONE / (T::ONE + (-x).exp_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Distance in units in the last place between two finite f32.
    fn ulps(a: f32, b: f32) -> u32 {
        let key = |v: f32| {
            let i = v.to_bits() as i32;
            if i < 0 {
                i32::MIN.wrapping_sub(i)
            } else {
                i
            }
        };
        key(a).abs_diff(key(b))
    }

    #[test]
    fn vectorisable_exp_tanh_sigmoid_match_libm() {
        let mut worst = (0u32, 0u32, 0f64);
        let mut x = -87.0f32;
        while x < 88.0 {
            let e = exp_f32(x);
            let want = libm::exp(x as f64);
            worst.0 = worst.0.max(ulps(e, want as f32));
            let t = tanh_f32(x / 8.0);
            let want_t = libm::tanh((x / 8.0) as f64) as f32;
            worst.1 = worst.1.max(ulps(t, want_t));
            let s = sigmoid_vec(x / 4.0);
            let want_s = 1.0 / (1.0 + libm::exp(-(x / 4.0) as f64));
            worst.2 = worst.2.max(((s as f64 - want_s) / want_s).abs());
            x += 0.000_731;
        }
        assert!(worst.0 <= 2, "exp: {} ulp", worst.0);
        assert!(worst.1 <= 3, "tanh: {} ulp", worst.1);
        assert!(worst.2 <= 4e-7, "sigmoid: relative {}", worst.2);
        // Tiny arguments keep their relative accuracy.
        for x in [1e-30f32, -3e-8, 1e-4, -0.01, 0.624, 0.626] {
            assert!(
                ulps(tanh_f32(x), libm::tanh(x as f64) as f32) <= 3,
                "tanh({x})"
            );
        }
        // Ends and NaN.
        assert!(exp_f32(f32::NAN).is_nan() && tanh_f32(f32::NAN).is_nan());
        assert!(sigmoid_vec(f32::NAN).is_nan());
        assert_eq!(tanh_f32(30.0), 1.0);
        assert_eq!(tanh_f32(-30.0), -1.0);
        assert_eq!(sigmoid_vec(-200.0f32).min(1e-30), sigmoid_vec(-200.0f32));
        assert_eq!(sigmoid_vec(200.0f32), 1.0);
        assert!(exp_f32(-1000.0) > 0.0 && exp_f32(1000.0).is_finite());
        assert_eq!(exp_f32(0.0), 1.0);
        // f64 is num-traits' function (std's with `std`, else libm's).
        assert_eq!(0.3f64.exp_vec(), num_traits::Float::exp(0.3f64));
        assert_eq!(0.3f64.tanh_vec(), num_traits::Float::tanh(0.3f64));
    }
}
