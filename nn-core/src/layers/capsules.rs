//! Capsules (Sabour, Frosst and Hinton, 2017): vectors whose length is the
//! probability that an entity is present, the squash non-linearity, and
//! dynamic routing by agreement between two layers of capsules.
//!
//! `squash(s) = |s|^2 / (1 + |s|^2) s / sqrt(|s|^2 + eps)`, `eps = 1e-9`.

use crate::{Float, Init, Layer, Rng, Side, TensorInfo, TensorKind, TrainCtx};

const EPS: f64 = 1e-9;

/// `squash(s)` into `v`.
#[inline]
fn squash<T: Float>(s: &[T], v: &mut [T]) {
    let n: T = s.iter().map(|x| *x * *x).sum();
    let f = n / ((T::ONE + n) * (n + T::cast(EPS)).sqrt());
    for (v, s) in v.iter_mut().zip(s) {
        *v = f * *s;
    }
}

/// The gradient of `squash` at `s`: adds `J^T dv` into `ds`.
#[inline]
fn squash_backward<T: Float>(s: &[T], dv: &[T], ds: &mut [T]) {
    let n: T = s.iter().map(|x| *x * *x).sum();
    let r = (n + T::cast(EPS)).sqrt();
    let one_n = T::ONE + n;
    let f = n / (one_n * r);
    // f'(n) = (r - n (1 + n) / (2 r)) / ((1 + n)^2 r^2).
    let fp = (r - n * one_n / (T::cast(2.0) * r)) / (one_n * one_n * r * r);
    let s_dv: T = s.iter().zip(dv).map(|(a, b)| *a * *b).sum();
    let k = T::cast(2.0) * fp * s_dv;
    for ((d, s), g) in ds.iter_mut().zip(s).zip(dv) {
        *d += f * *g + k * *s;
    }
}

/// Primary capsules: a convolution's `[C D, H, W]` output read as
/// `N = C H W` capsules of `D` values (capsule `(c, y, x)` holds channels
/// `c D .. c D + D` at `(y, x)`), each squashed. Output `[N, D]`. No
/// parameters. Const parameters: `C, D, H, W, N = C H W, I = C D H W`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PrimaryCaps<
    const C: usize,
    const D: usize,
    const H: usize,
    const W: usize,
    const N: usize,
    const I: usize,
>;

// SAFETY: a unit struct.
#[allow(unsafe_code)]
unsafe impl<
        const C: usize,
        const D: usize,
        const H: usize,
        const W: usize,
        const N: usize,
        const I: usize,
    > crate::Zeroable for PrimaryCaps<C, D, H, W, N, I>
{
}

impl<
        const C: usize,
        const D: usize,
        const H: usize,
        const W: usize,
        const N: usize,
        const I: usize,
    > PrimaryCaps<C, D, H, W, N, I>
{
    const CHECK: () = {
        assert!(N == C * H * W, "primary_caps: N differs from C H W");
        assert!(I == C * D * H * W, "primary_caps: I differs from C D H W");
    };

    /// The input index of element `d` of capsule `k`.
    #[inline(always)]
    fn at(k: usize, d: usize) -> usize {
        let (c, p) = (k / (H * W), k % (H * W));
        (c * D + d) * H * W + p
    }

    fn gather<T: Float>(x: &[T; I], k: usize) -> [T; D] {
        core::array::from_fn(|d| x[Self::at(k, d)])
    }
}

impl<
        T: Float,
        const C: usize,
        const D: usize,
        const H: usize,
        const W: usize,
        const N: usize,
        const I: usize,
    > Layer<T, I, I> for PrimaryCaps<C, D, H, W, N, I>
{
    type Aux = ();
    const ZEROED: Self = PrimaryCaps;
    const ZEROED_AUX: () = ();
    const TENSORS: usize = 0;
    const PARAMS: usize = 0;

    fn forward_with(&self, x: &[T; I], y: &mut [T; I], _side: Side) {
        let () = Self::CHECK;
        for k in 0..N {
            let s = Self::gather(x, k);
            squash(&s, &mut y[k * D..(k + 1) * D]);
        }
    }

    fn forward_train_with<const B: usize>(
        &self,
        x: &[[T; I]; B],
        y: &mut [[T; I]; B],
        _aux: &mut [(); B],
        sides: &[Side; B],
        _ctx: &mut TrainCtx,
    ) {
        for ((x, y), side) in x.iter().zip(y.iter_mut()).zip(sides) {
            Layer::<T, I, I>::forward_with(self, x, y, *side);
        }
    }

    fn backward_with<const B: usize>(
        &self,
        x: &[[T; I]; B],
        _y: &[[T; I]; B],
        _aux: &[(); B],
        dy: &[[T; I]; B],
        dx: Option<&mut [[T; I]; B]>,
        _grads: &mut Self,
        _sides: &[Side; B],
    ) {
        let Some(dx) = dx else { return };
        for ((dx, x), dy) in dx.iter_mut().zip(x).zip(dy) {
            for k in 0..N {
                let s = Self::gather(x, k);
                let mut ds = [T::ZERO; D];
                squash_backward(&s, &dy[k * D..(k + 1) * D], &mut ds);
                for (d, g) in ds.iter().enumerate() {
                    dx[Self::at(k, d)] = *g;
                }
            }
        }
    }
}

/// Dynamic routing by agreement from `NI` capsules of `DI` values to `NO`
/// capsules of `DO` values, `R` iterations unrolled, with an exact
/// backward through all of them:
///
/// ```text
/// u_hat[i][j] = W[i][j] u[i]                b[i][j] = 0
/// repeat R times:
///     c[i] = softmax_j(b[i])
///     s[j] = sum_i c[i][j] u_hat[i][j]      v[j] = squash(s[j])
///     b[i][j] += u_hat[i][j] . v[j]         (not after the last)
/// ```
///
/// Output `v`, `[NO, DO]`; a capsule's length is its class's probability.
/// Tensor `weight: [NI, NO, DO, DI]`, initialised `N(0, 0.01^2)` as the
/// paper's reference code (whatever scheme is given). Const parameters:
/// `NI, DI, NO, DO, R, I = NI DI, O = NO DO`. The record keeps `u_hat` and
/// every iteration's coupling, `s` and `v`.
#[derive(Clone, Copy, Debug, PartialEq)]
// The weights on a cache line (see the module `layers`).
#[cfg_attr(target_arch = "x86_64", repr(C, align(64)))]
pub struct Routing<
    T,
    const NI: usize,
    const DI: usize,
    const NO: usize,
    const DO: usize,
    const R: usize,
    const I: usize,
    const O: usize,
> {
    /// Transformation matrices, `[NI][NO][DO][DI]`.
    pub weight: [[[[T; DI]; DO]; NO]; NI],
}

/// What a training forward of [`Routing`] keeps of one sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RoutingAux<T, const NI: usize, const NO: usize, const DO: usize, const R: usize> {
    /// The predictions `u_hat[i][j]`.
    pub u_hat: [[[T; DO]; NO]; NI],
    /// The coupling coefficients of each iteration.
    pub c: [[[T; NO]; NI]; R],
    /// `s` of each iteration.
    pub s: [[[T; DO]; NO]; R],
    /// `v` of each iteration.
    pub v: [[[T; DO]; NO]; R],
}

// SAFETY: float arrays only; all-zero is a valid layer and record.
#[allow(unsafe_code)]
unsafe impl<
        T: Float,
        const NI: usize,
        const DI: usize,
        const NO: usize,
        const DO: usize,
        const R: usize,
        const I: usize,
        const O: usize,
    > crate::Zeroable for Routing<T, NI, DI, NO, DO, R, I, O>
{
}

// SAFETY: as above.
#[allow(unsafe_code)]
unsafe impl<T: Float, const NI: usize, const NO: usize, const DO: usize, const R: usize>
    crate::Zeroable for RoutingAux<T, NI, NO, DO, R>
{
}

impl<
        T: Float,
        const NI: usize,
        const DI: usize,
        const NO: usize,
        const DO: usize,
        const R: usize,
        const I: usize,
        const O: usize,
    > Routing<T, NI, DI, NO, DO, R, I, O>
{
    const CHECK: () = {
        assert!(
            R > 0 && NO > 0,
            "routing: at least one iteration and one capsule"
        );
        assert!(I == NI * DI, "routing: I differs from NI DI");
        assert!(O == NO * DO, "routing: O differs from NO DO");
    };

    /// The whole forward of one sample into `a`.
    #[allow(
        clippy::needless_range_loop,
        reason = "i, j and r index predictions, logits and couplings together"
    )]
    fn route(&self, x: &[T; I], a: &mut RoutingAux<T, NI, NO, DO, R>) {
        for i in 0..NI {
            let u = &x[i * DI..(i + 1) * DI];
            for j in 0..NO {
                for (q, w) in self.weight[i][j].iter().enumerate() {
                    a.u_hat[i][j][q] = w.iter().zip(u).map(|(w, u)| *w * *u).sum();
                }
            }
        }
        let mut b = [[T::ZERO; NO]; NI];
        for r in 0..R {
            for i in 0..NI {
                let m = b[i].iter().copied().fold(T::neg_infinity(), T::max);
                let mut sum = T::ZERO;
                for j in 0..NO {
                    a.c[r][i][j] = (b[i][j] - m).exp();
                    sum += a.c[r][i][j];
                }
                for j in 0..NO {
                    a.c[r][i][j] /= sum;
                }
            }
            for j in 0..NO {
                let mut s = [T::ZERO; DO];
                for i in 0..NI {
                    let c = a.c[r][i][j];
                    for (s, u) in s.iter_mut().zip(&a.u_hat[i][j]) {
                        *s += c * *u;
                    }
                }
                a.s[r][j] = s;
                squash(&s, &mut a.v[r][j]);
            }
            if r + 1 < R {
                for i in 0..NI {
                    for j in 0..NO {
                        b[i][j] += a.u_hat[i][j]
                            .iter()
                            .zip(&a.v[r][j])
                            .map(|(u, v)| *u * *v)
                            .sum::<T>();
                    }
                }
            }
        }
    }
}

impl<
        T: Float,
        const NI: usize,
        const DI: usize,
        const NO: usize,
        const DO: usize,
        const R: usize,
        const I: usize,
        const O: usize,
    > Layer<T, I, O> for Routing<T, NI, DI, NO, DO, R, I, O>
{
    type Aux = RoutingAux<T, NI, NO, DO, R>;
    const ZEROED: Self = Self {
        weight: [[[[T::ZERO; DI]; DO]; NO]; NI],
    };
    const ZEROED_AUX: Self::Aux = RoutingAux {
        u_hat: [[[T::ZERO; DO]; NO]; NI],
        c: [[[T::ZERO; NO]; NI]; R],
        s: [[[T::ZERO; DO]; NO]; R],
        v: [[[T::ZERO; DO]; NO]; R],
    };
    const TENSORS: usize = 1;
    const PARAMS: usize = NI * NO * DO * DI;
    /// One sample's record (predictions, couplings, `s` and `v`) and the
    /// routing logits `b` (the stack figure the panic-free firmware
    /// measured was over the estimate without them).
    const SCRATCH: usize = NI * NO * DO + R * NI * NO + 2 * R * NO * DO + NI * NO;

    fn forward_with(&self, x: &[T; I], y: &mut [T; O], _side: Side) {
        let () = Self::CHECK;
        // The record is large (`NI NO DO` predictions): on the stack only
        // for the one sample of an inference.
        let mut a = Self::ZEROED_AUX;
        self.route(x, &mut a);
        for (j, v) in a.v[R - 1].iter().enumerate() {
            y[j * DO..(j + 1) * DO].copy_from_slice(v);
        }
    }

    fn forward_train_with<const B: usize>(
        &self,
        x: &[[T; I]; B],
        y: &mut [[T; O]; B],
        aux: &mut [Self::Aux; B],
        _sides: &[Side; B],
        _ctx: &mut TrainCtx,
    ) {
        let () = Self::CHECK;
        for ((x, y), a) in x.iter().zip(y.iter_mut()).zip(aux.iter_mut()) {
            self.route(x, a);
            for (j, v) in a.v[R - 1].iter().enumerate() {
                y[j * DO..(j + 1) * DO].copy_from_slice(v);
            }
        }
    }

    #[allow(
        clippy::needless_range_loop,
        reason = "i, j and q index predictions, couplings and weights together"
    )]
    fn backward_with<const B: usize>(
        &self,
        x: &[[T; I]; B],
        _y: &[[T; O]; B],
        aux: &[Self::Aux; B],
        dy: &[[T; O]; B],
        mut dx: Option<&mut [[T; I]; B]>,
        grads: &mut Self,
        _sides: &[Side; B],
    ) {
        let () = Self::CHECK;
        for b in 0..B {
            let a = &aux[b];
            let mut du_hat = [[[T::ZERO; DO]; NO]; NI];
            // Gradient reaching b of the iteration after the current one.
            let mut db = [[T::ZERO; NO]; NI];
            for r in (0..R).rev() {
                let mut dv = [[T::ZERO; DO]; NO];
                if r + 1 == R {
                    for j in 0..NO {
                        dv[j].copy_from_slice(&dy[b][j * DO..(j + 1) * DO]);
                    }
                } else {
                    // b_{r+1} = b_r + u_hat . v_r
                    for i in 0..NI {
                        for j in 0..NO {
                            let g = db[i][j];
                            for q in 0..DO {
                                dv[j][q] += g * a.u_hat[i][j][q];
                                du_hat[i][j][q] += g * a.v[r][j][q];
                            }
                        }
                    }
                }
                let mut ds = [[T::ZERO; DO]; NO];
                for j in 0..NO {
                    squash_backward(&a.s[r][j], &dv[j], &mut ds[j]);
                }
                for i in 0..NI {
                    // s_j = sum_i c_ij u_hat_ij; c_i = softmax(b_i).
                    let mut dc = [T::ZERO; NO];
                    for j in 0..NO {
                        let c = a.c[r][i][j];
                        for q in 0..DO {
                            du_hat[i][j][q] += c * ds[j][q];
                            dc[j] += a.u_hat[i][j][q] * ds[j][q];
                        }
                    }
                    let dot: T = (0..NO).map(|j| a.c[r][i][j] * dc[j]).sum();
                    for j in 0..NO {
                        db[i][j] += a.c[r][i][j] * (dc[j] - dot);
                    }
                }
            }
            // u_hat = W u.
            let x = &x[b];
            for i in 0..NI {
                let u = &x[i * DI..(i + 1) * DI];
                for j in 0..NO {
                    for q in 0..DO {
                        let g = du_hat[i][j][q];
                        for (gw, u) in grads.weight[i][j][q].iter_mut().zip(u) {
                            *gw += g * *u;
                        }
                    }
                }
                if let Some(dx) = dx.as_deref_mut() {
                    let dxi = &mut dx[b][i * DI..(i + 1) * DI];
                    dxi.fill(T::ZERO);
                    for j in 0..NO {
                        for q in 0..DO {
                            let g = du_hat[i][j][q];
                            for (d, w) in dxi.iter_mut().zip(&self.weight[i][j][q]) {
                                *d += g * *w;
                            }
                        }
                    }
                }
            }
        }
    }

    fn tensor(&self, i: usize) -> &[T] {
        match i {
            0 => self.weight.as_flattened().as_flattened().as_flattened(),
            _ => &[],
        }
    }

    fn tensor_mut(&mut self, i: usize) -> &mut [T] {
        match i {
            0 => self
                .weight
                .as_flattened_mut()
                .as_flattened_mut()
                .as_flattened_mut(),
            _ => &mut [],
        }
    }

    fn tensor_info(i: usize) -> Option<TensorInfo> {
        (i == 0).then_some(TensorInfo {
            layer: "",
            name: "weight",
            shape: &[NI, NO, DO, DI],
            kind: TensorKind::Weight,
            fan_in: DI,
            fan_out: DO,
        })
    }

    fn init(&mut self, _init: Init, rng: &mut Rng) {
        for w in self
            .weight
            .as_flattened_mut()
            .as_flattened_mut()
            .as_flattened_mut()
        {
            *w = if crate::float::single_precision::<T>() {
                T::from_f32(0.01 * rng.normal_f32())
            } else {
                T::cast(0.01 * rng.normal())
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::check_layer_gradients;

    #[test]
    fn squash_keeps_the_direction_and_bounds_the_length() {
        let mut v = [0.0; 2];
        squash(&[3.0f64, 4.0], &mut v);
        // |s| = 5: length 25 / 26, direction (0.6, 0.8).
        assert!((v[0] - 0.6 * 25.0 / 26.0).abs() < 1e-9 && (v[1] - 0.8 * 25.0 / 26.0).abs() < 1e-9);
        squash(&[0.0f64, 0.0], &mut v);
        assert_eq!(v, [0.0, 0.0]);
    }

    #[test]
    fn primary_capsules_have_exact_gradients() {
        type P = PrimaryCaps<2, 3, 2, 2, 8, 24>;
        let worst = check_layer_gradients::<_, 24, 24, 2>(&mut P::default(), 5);
        assert!(worst < 1e-6, "{worst}");
    }

    #[test]
    fn routing_has_exact_gradients_through_three_iterations() {
        type L = Routing<f64, 4, 3, 3, 2, 3, 12, 6>;
        let mut l = <L as Layer<f64, 12, 6>>::ZEROED;
        // Larger weights than the default so that routing moves couplings.
        let mut rng = Rng::seed(3);
        for w in l.tensor_mut(0) {
            *w = rng.normal();
        }
        let worst = check_layer_gradients::<_, 12, 6, 2>(&mut l, 7);
        assert!(worst < 1e-6, "{worst}");
        // And with one iteration (no routing update).
        type One = Routing<f64, 4, 3, 3, 2, 1, 12, 6>;
        let mut o = <One as Layer<f64, 12, 6>>::ZEROED;
        for w in o.tensor_mut(0) {
            *w = rng.normal();
        }
        let worst = check_layer_gradients::<_, 12, 6, 2>(&mut o, 8);
        assert!(worst < 1e-6, "{worst}");
    }

    #[test]
    fn agreement_raises_the_coupling_of_the_agreeing_capsule() {
        // Two inputs predicting the same vector for output 0 and opposite
        // ones for output 1: routing couples them to output 0.
        type L = Routing<f64, 2, 1, 2, 2, 3, 2, 4>;
        let mut l = <L as Layer<f64, 2, 4>>::ZEROED;
        l.weight = [
            [[[1.0], [1.0]], [[1.0], [0.0]]],
            [[[1.0], [1.0]], [[-1.0], [0.0]]],
        ];
        let mut a = L::ZEROED_AUX;
        l.route(&[1.0, 1.0], &mut a);
        assert_eq!(a.c[0][0], [0.5, 0.5]);
        assert!(a.c[2][0][0] > 0.6 && a.c[2][1][0] > 0.6, "{:?}", a.c[2]);
    }
}
