//! Seeded random numbers for initialisation, shuffling and dropout.
//!
//! The generator is xoshiro256++ (Blackman and Vigna), seeded by
//! SplitMix64 as `rand_xoshiro`'s `seed_from_u64` (the same streams, tested
//! against it), written here so that its whole state can be read and set:
//! a checkpoint resumes shuffling and dropout exactly.

/// A small, fast, seedable generator. Same seed, same numbers, on every
/// target.
#[derive(Clone, Debug, PartialEq)]
pub struct Rng {
    /// The xoshiro256++ state (never all zero).
    s: [u64; 4],
    /// The second normal of the last Box-Muller pair.
    spare_normal: Option<f64>,
}

/// The whole state of an [`Rng`], for checkpoints: the four state words
/// and the pending second normal of a Box-Muller pair.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RngState {
    /// xoshiro256++'s state words.
    pub words: [u64; 4],
    /// The normal that the next [`Rng::normal`] returns without drawing.
    pub spare_normal: Option<f64>,
}

impl Rng {
    /// A generator seeded from `seed` (SplitMix64 expansion); a `const
    /// fn`, as every draw that needs no library math is (for
    /// networks' `new_const`).
    pub const fn seed(seed: u64) -> Self {
        /// SplitMix64's next output from its state `z`.
        const fn split_mix(z: &mut u64) -> u64 {
            *z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut x = *z;
            x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            x ^ (x >> 31)
        }
        let mut z = seed;
        let s = [
            split_mix(&mut z),
            split_mix(&mut z),
            split_mix(&mut z),
            split_mix(&mut z),
        ];
        Self::from_state(RngState {
            words: s,
            spare_normal: None,
        })
    }

    /// The whole state (see [`RngState`]).
    pub fn state(&self) -> RngState {
        RngState {
            words: self.s,
            spare_normal: self.spare_normal,
        }
    }

    /// A generator that continues exactly where the one whose
    /// [`state`](Self::state) this is stopped. An all-zero state (which
    /// xoshiro can never reach and would stay at) is replaced by the
    /// state of `Rng::seed(0)`.
    pub const fn from_state(state: RngState) -> Self {
        let [a, b, c, d] = state.words;
        if a | b | c | d == 0 {
            return Self::seed(0);
        }
        Self {
            s: state.words,
            spare_normal: state.spare_normal,
        }
    }

    /// Uniform `u64`.
    pub const fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in `[0, 1)` with 53 random bits.
    pub const fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `[lo, hi)`.
    pub const fn uniform_in(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.uniform()
    }

    /// Uniform in `[0, 1)` with 24 random bits, in `f32` arithmetic only
    /// (for the `single-precision` feature; the top bits of one draw).
    pub fn uniform_f32(&mut self) -> f32 {
        // Through `u32`: a `u64` to `f32` conversion is a library call on
        // 32-bit targets.
        ((self.next_u64() >> 40) as u32) as f32 * (1.0 / (1u32 << 24) as f32)
    }

    /// Uniform in `[lo, hi)`, in `f32` arithmetic only.
    pub fn uniform_in_f32(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.uniform_f32()
    }

    /// Standard normal in `f32` arithmetic only: Marsaglia's polar
    /// method, which needs no sine or cosine (libm's `f32` ones reduce
    /// their argument in `f64`). The second value of the pair is not kept,
    /// as [`normal`](Self::normal)'s spare is an `f64`.
    pub fn normal_f32(&mut self) -> f32 {
        loop {
            let u = 2.0 * self.uniform_f32() - 1.0;
            let v = 2.0 * self.uniform_f32() - 1.0;
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                return u * libm::sqrtf(-2.0 * libm::logf(s) / s);
            }
        }
    }

    /// Uniform integer in `0..n` (Lemire's unbiased method); 0 if `n == 0`.
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        let n = n as u64;
        loop {
            let m = (self.next_u64() as u128) * (n as u128);
            let low = m as u64;
            if low >= n.wrapping_neg() % n {
                return (m >> 64) as usize;
            }
        }
    }

    /// Standard normal (Box-Muller, both values used).
    pub fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare_normal.take() {
            return z;
        }
        // 1 - uniform() is in (0, 1], so the log is finite.
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        let r = libm::sqrt(-2.0 * libm::log(u1));
        let theta = 2.0 * core::f64::consts::PI * u2;
        self.spare_normal = Some(r * libm::sin(theta));
        r * libm::cos(theta)
    }

    /// Normal truncated to two standard deviations by redrawing.
    pub fn truncated_normal(&mut self) -> f64 {
        loop {
            let z = self.normal();
            if z.abs() <= 2.0 {
                return z;
            }
        }
    }

    /// Fisher-Yates shuffle.
    pub fn shuffle<X>(&mut self, xs: &mut [X]) {
        for i in (1..xs.len()).rev() {
            let j = self.below(i + 1);
            xs.swap(i, j);
        }
    }

    /// A new generator for a sub-task, so streams do not overlap in practice.
    pub fn fork(&mut self) -> Self {
        Self::seed(self.next_u64())
    }
}

#[cfg(test)]
mod tests {

    /// The f32 draws: uniform in `[0, 1)` with the mean and variance of
    /// U(0, 1), normal with those of N(0, 1) (polar method), over 200,000
    /// draws each.
    #[test]
    fn single_precision_draws_have_their_distributions() {
        let mut rng = Rng::seed(5);
        let n = 200_000;
        let (mut s, mut s2) = (0.0f64, 0.0f64);
        for _ in 0..n {
            let u = rng.uniform_f32();
            assert!((0.0..1.0).contains(&u));
            s += f64::from(u);
            s2 += f64::from(u) * f64::from(u);
        }
        let (mean, var) = (s / n as f64, s2 / n as f64 - (s / n as f64).powi(2));
        assert!(
            (mean - 0.5).abs() < 0.003 && (var - 1.0 / 12.0).abs() < 0.002,
            "{mean} {var}"
        );
        let (mut s, mut s2, mut s4) = (0.0f64, 0.0f64, 0.0f64);
        for _ in 0..n {
            let z = f64::from(rng.normal_f32());
            s += z;
            s2 += z * z;
            s4 += z * z * z * z;
        }
        let (mean, var, kurt) = (s / n as f64, s2 / n as f64, s4 / n as f64);
        assert!(
            mean.abs() < 0.01 && (var - 1.0).abs() < 0.015 && (kurt - 3.0).abs() < 0.1,
            "{mean} {var} {kurt}"
        );
    }

    use super::*;

    #[test]
    fn streams_are_rand_xoshiros() {
        use rand_core::{Rng as _, SeedableRng};
        for seed in [0, 1, 7, 42, u64::MAX, 0x1234_5678_9abc_def0] {
            let mut ours = Rng::seed(seed);
            let mut theirs = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
            for _ in 0..1000 {
                assert_eq!(ours.next_u64(), theirs.next_u64(), "seed {seed}");
            }
        }
    }

    #[test]
    fn a_restored_state_continues_the_stream() {
        let mut a = Rng::seed(3);
        a.normal(); // leaves a spare normal pending
        let mut b = Rng::from_state(a.state());
        for _ in 0..100 {
            assert_eq!(a.normal().to_bits(), b.normal().to_bits());
            assert_eq!(a.next_u64(), b.next_u64());
        }
        let mut zero = Rng::from_state(RngState {
            words: [0; 4],
            spare_normal: None,
        });
        assert_eq!(zero.next_u64(), Rng::seed(0).next_u64());
    }

    #[test]
    fn same_seed_same_stream_and_moments_are_right() {
        let mut a = Rng::seed(7);
        let mut b = Rng::seed(7);
        assert_eq!(a.next_u64(), b.next_u64());
        let n = 200_000;
        let (mut s, mut s2) = (0.0, 0.0);
        for _ in 0..n {
            let z = a.normal();
            s += z;
            s2 += z * z;
        }
        let mean = s / n as f64;
        let var = s2 / n as f64 - mean * mean;
        // Standard errors: 1/sqrt(n) = 0.0022 for the mean, sqrt(2/n) = 0.0032 for the variance.
        assert!(mean.abs() < 0.01, "mean {mean}");
        assert!((var - 1.0).abs() < 0.015, "var {var}");
        let mut counts = [0usize; 3];
        for _ in 0..30_000 {
            counts[a.below(3)] += 1;
        }
        for c in counts {
            assert!((c as i64 - 10_000).abs() < 400, "{counts:?}");
        }
    }
}
