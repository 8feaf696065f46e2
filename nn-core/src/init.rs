//! Weight initialisation schemes, reproducible from a seed.
//!
//! Formulas as in PyTorch's `torch.nn.init` (gain 1 for Xavier, gain
//! `sqrt(2)` for He/Kaiming, fan-in mode):
//!
//! | scheme | distribution | variance |
//! |---|---|---|
//! | `XavierUniform` | U(-a, a), a = sqrt(6 / (fan_in + fan_out)) | 2 / (fan_in + fan_out) |
//! | `XavierNormal` | N(0, 2 / (fan_in + fan_out)) | 2 / (fan_in + fan_out) |
//! | `HeUniform` | U(-a, a), a = sqrt(6 / fan_in) | 2 / fan_in |
//! | `HeNormal` | N(0, 2 / fan_in) | 2 / fan_in |
//! | `LecunNormal` | N(0, 1 / fan_in) | 1 / fan_in |
//! | `Zeros`, `Constant(c)` | constant | 0 |

use crate::float::{cast_const, sqrt_const};
use crate::{Float, Rng};

/// How a weight tensor is filled. The macro picks `HeUniform` for layers
/// followed by a ReLU-family activation and `XavierUniform` otherwise,
/// unless the layer says `init = ...`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Init {
    /// Glorot/Xavier uniform.
    XavierUniform,
    /// Glorot/Xavier normal.
    XavierNormal,
    /// He/Kaiming uniform (fan-in, gain sqrt 2).
    HeUniform,
    /// He/Kaiming normal (fan-in, gain sqrt 2).
    HeNormal,
    /// LeCun normal (fan-in, gain 1), the SELU default.
    LecunNormal,
    /// All zeros.
    Zeros,
    /// Every element `c`.
    Constant(f64),
}

impl Init {
    /// The variance this scheme draws with (0 for constants).
    pub const fn variance(self, fan_in: usize, fan_out: usize) -> f64 {
        let fi = if fan_in > 1 { fan_in } else { 1 } as f64;
        let fo = if fan_out > 1 { fan_out } else { 1 } as f64;
        match self {
            Init::XavierUniform | Init::XavierNormal => 2.0 / (fi + fo),
            Init::HeUniform | Init::HeNormal => 2.0 / fi,
            Init::LecunNormal => 1.0 / fi,
            Init::Zeros | Init::Constant(_) => 0.0,
        }
    }

    /// Fills `w` with draws from this scheme. The uniform and constant
    /// schemes are [`fill_const`](Self::fill_const)'s code, so `new` and
    /// `new_const` agree by construction.
    pub fn fill<T: Float>(self, w: &mut [T], fan_in: usize, fan_out: usize, rng: &mut Rng) {
        if crate::float::single_precision::<T>() {
            return self.fill_single(w, fan_in, fan_out, rng);
        }
        if !matches!(
            self,
            Init::XavierNormal | Init::HeNormal | Init::LecunNormal
        ) {
            return self.fill_const(w, fan_in, fan_out, rng);
        }
        let std = libm::sqrt(self.variance(fan_in, fan_out));
        for v in w.iter_mut() {
            *v = T::cast(std * rng.normal());
        }
    }

    /// [`fill`](Self::fill) in a `const fn`, to the bit (the same draws,
    /// bound and rounding; a correctly rounded `const` square root), for the uniform and
    /// constant schemes. Panics, at compile time when evaluated there, for
    /// a normal one: a normal draw needs `log` and `cos`, which no `const
    /// fn` has.
    pub const fn fill_const<T: Float>(
        self,
        w: &mut [T],
        fan_in: usize,
        fan_out: usize,
        rng: &mut Rng,
    ) {
        let var = self.variance(fan_in, fan_out);
        // U(-a, a) has variance a^2 / 3.
        let bound = sqrt_const(3.0 * var);
        let mut i = 0;
        while i < w.len() {
            w[i] = cast_const(match self {
                Init::XavierUniform | Init::HeUniform => rng.uniform_in(-bound, bound),
                Init::Zeros => 0.0,
                Init::Constant(c) => c,
                Init::XavierNormal | Init::HeNormal | Init::LecunNormal => {
                    panic!("a normal initialisation cannot be computed in a const fn: use a uniform one (the default) or `new` at run time")
                }
            });
            i += 1;
        }
    }

    /// [`fill_recurrent`](Self::fill_recurrent) in a `const fn`, to the
    /// bit.
    pub(crate) const fn fill_recurrent_const<T: Float>(w: &mut [T], hidden: usize, rng: &mut Rng) {
        let k = 1.0 / sqrt_const(hidden as f64);
        let mut i = 0;
        while i < w.len() {
            w[i] = cast_const(rng.uniform_in(-k, k));
            i += 1;
        }
    }

    /// [`fill`](Self::fill) in `f32` arithmetic (the `single-precision`
    /// feature): the same distributions, other draws.
    fn fill_single<T: Float>(self, w: &mut [T], fan_in: usize, fan_out: usize, rng: &mut Rng) {
        let (fi, fo) = (fan_in.max(1) as f32, fan_out.max(1) as f32);
        let var = match self {
            Init::XavierUniform | Init::XavierNormal => 2.0 / (fi + fo),
            Init::HeUniform | Init::HeNormal => 2.0 / fi,
            Init::LecunNormal => 1.0 / fi,
            Init::Zeros | Init::Constant(_) => 0.0,
        };
        let (bound, std) = (libm::sqrtf(3.0 * var), libm::sqrtf(var));
        for v in w.iter_mut() {
            *v = T::from_f32(match self {
                Init::XavierUniform | Init::HeUniform => rng.uniform_in_f32(-bound, bound),
                Init::XavierNormal | Init::HeNormal | Init::LecunNormal => std * rng.normal_f32(),
                Init::Zeros => 0.0,
                Init::Constant(c) => c as f32,
            });
        }
    }

    /// PyTorch's recurrent initialisation: every value of `w` `U(-k, k)`
    /// with `k = 1 / sqrt(hidden)`, in order: [`fill_recurrent_const`]'s
    /// code, or in `f32` arithmetic under the `single-precision` feature.
    ///
    /// [`fill_recurrent_const`]: Self::fill_recurrent_const
    pub(crate) fn fill_recurrent<T: Float>(w: &mut [T], hidden: usize, rng: &mut Rng) {
        if crate::float::single_precision::<T>() {
            let k = 1.0 / libm::sqrtf(hidden as f32);
            w.iter_mut()
                .for_each(|v| *v = T::from_f32(rng.uniform_in_f32(-k, k)));
        } else {
            Self::fill_recurrent_const(w, hidden, rng);
        }
    }

    /// The name used in the DSL (`init = he_normal`).
    pub const fn dsl_name(self) -> &'static str {
        match self {
            Init::XavierUniform => "xavier_uniform",
            Init::XavierNormal => "xavier_normal",
            Init::HeUniform => "he_uniform",
            Init::HeNormal => "he_normal",
            Init::LecunNormal => "lecun_normal",
            Init::Zeros => "zeros",
            Init::Constant(_) => "constant",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;

    #[test]
    fn empirical_variance_matches_each_formula() {
        let (fan_in, fan_out) = (300, 100);
        let n = 120_000;
        let mut w = [0.0f64; 120_000];
        for (k, scheme) in [
            Init::XavierUniform,
            Init::XavierNormal,
            Init::HeUniform,
            Init::HeNormal,
            Init::LecunNormal,
        ]
        .into_iter()
        .enumerate()
        {
            let mut rng = Rng::seed(k as u64);
            scheme.fill(&mut w, fan_in, fan_out, &mut rng);
            // The single-precision fill (its own draws) too.
            let mut w32 = std::vec![0.0f32; n];
            scheme.fill_single(&mut w32, fan_in, fan_out, &mut rng);
            for (fill, w) in [
                ("fill", w.to_vec()),
                ("fill_single", w32.iter().map(|v| f64::from(*v)).collect()),
            ] {
                let mean = w.iter().sum::<f64>() / n as f64;
                let var = w.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n as f64;
                let want = scheme.variance(fan_in, fan_out);
                // Sample variance has relative standard error sqrt(2/n) =
                // 0.41 % for normals (less for uniforms); 2 % is about five.
                assert!(
                    (var / want - 1.0).abs() < 0.02,
                    "{scheme:?} {fill}: var {var}, want {want}"
                );
                assert!(
                    mean.abs() < 5.0 * (want / n as f64).sqrt(),
                    "{scheme:?} {fill}: mean {mean}"
                );
            }
        }
        let mut rng = Rng::seed(1);
        Init::Constant(0.5).fill(&mut w[..3], 1, 1, &mut rng);
        assert_eq!(&w[..3], &[0.5; 3]);
        let mut w32 = [0.0f32; 3];
        Init::Constant(0.25).fill_single(&mut w32, 1, 1, &mut rng);
        assert_eq!(w32, [0.25; 3]);
    }

    #[test]
    fn same_seed_same_weights() {
        let (mut a, mut b) = ([0.0f32; 16], [0.0f32; 16]);
        Init::HeNormal.fill(&mut a, 4, 4, &mut Rng::seed(3));
        Init::HeNormal.fill(&mut b, 4, 4, &mut Rng::seed(3));
        assert_eq!(a, b);
    }
}
