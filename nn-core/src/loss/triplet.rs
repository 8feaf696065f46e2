//! The triplet margin loss on embeddings, for metric learning: an anchor
//! is pulled towards a positive (a related document) and pushed from a
//! negative (an unrelated one) until the negative is `margin` farther.
//! It couples three samples, so it is not a per-sample [`Loss`](super::Loss);
//! [`step::train_step_triplets`](crate::step::train_step_triplets) trains
//! on a batch of triples.

use crate::Float;

/// `max(0, d(a, p) - d(a, n) + margin)` with `d(x, y) = ||x - y + eps||_2`,
/// `eps = 1e-6`: PyTorch's `nn.TripletMarginLoss(margin, p=2)` for one
/// triple (a batch's loss is the mean over its triples, as PyTorch's).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TripletMargin {
    /// How much farther the negative must be than the positive.
    pub margin: f64,
}

/// PyTorch's `pairwise_distance` epsilon.
const EPS: f64 = 1e-6;

impl TripletMargin {
    /// The loss of one triple of embeddings, and its gradient with respect
    /// to each (written, not added; zero when the margin is met).
    pub fn loss_grad<T: Float>(
        &self,
        (a, p, n): (&[T], &[T], &[T]),
        (ga, gp, gn): (&mut [T], &mut [T], &mut [T]),
    ) -> T {
        let eps = T::cast(EPS);
        let dist = |x: &[T], y: &[T]| -> T {
            x.iter()
                .zip(y)
                .map(|(x, y)| (*x - *y + eps) * (*x - *y + eps))
                .sum::<T>()
                .sqrt()
        };
        let (dp, dn) = (dist(a, p), dist(a, n));
        let l = dp - dn + T::cast(self.margin);
        ga.fill(T::ZERO);
        gp.fill(T::ZERO);
        gn.fill(T::ZERO);
        if l.is_nan() {
            return l;
        }
        if l <= T::ZERO {
            return T::ZERO;
        }
        // d||v|| / dv = v / ||v||, with v = a - p + eps and a - n + eps.
        let tiny = T::cast(1e-30);
        for k in 0..a.len() {
            let vp = (a[k] - p[k] + eps) / dp.max(tiny);
            let vn = (a[k] - n[k] + eps) / dn.max(tiny);
            ga[k] = vp - vn;
            gp[k] = -vp;
            gn[k] = vn;
        }
        l
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::central_difference;

    #[test]
    fn gradients_match_finite_differences_and_the_margin_cuts_off() {
        let loss = TripletMargin { margin: 1.0 };
        let (a, p, n) = ([0.3, -0.2, 0.5], [0.1, 0.4, 0.2], [0.2, -0.1, 0.9]);
        let (mut ga, mut gp, mut gn) = ([0.0; 3], [0.0; 3], [0.0; 3]);
        let l = loss.loss_grad((&a, &p, &n), (&mut ga, &mut gp, &mut gn));
        assert!(l > 0.0);
        let f = |a: &[f64; 3], p: &[f64; 3], n: &[f64; 3]| {
            let mut g = ([0.0; 3], [0.0; 3], [0.0; 3]);
            loss.loss_grad((a, p, n), (&mut g.0, &mut g.1, &mut g.2))
        };
        for k in 0..3 {
            let num_a = central_difference(
                |d| {
                    let mut x = a;
                    x[k] += d;
                    f(&x, &p, &n)
                },
                1e-6,
            );
            let num_p = central_difference(
                |d| {
                    let mut x = p;
                    x[k] += d;
                    f(&a, &x, &n)
                },
                1e-6,
            );
            let num_n = central_difference(
                |d| {
                    let mut x = n;
                    x[k] += d;
                    f(&a, &p, &x)
                },
                1e-6,
            );
            assert!((ga[k] - num_a).abs() < 1e-7, "{k}: {} {num_a}", ga[k]);
            assert!((gp[k] - num_p).abs() < 1e-7, "{k}: {} {num_p}", gp[k]);
            assert!((gn[k] - num_n).abs() < 1e-7, "{k}: {} {num_n}", gn[k]);
        }
        // PyTorch: TripletMarginLoss(margin=1.0)(a, p, n) for these rows.
        let dp =
            ((0.2f64 + 1e-6).powi(2) + (-0.6f64 + 1e-6).powi(2) + (0.3f64 + 1e-6).powi(2)).sqrt();
        let dn =
            ((0.1f64 + 1e-6).powi(2) + (-0.1f64 + 1e-6).powi(2) + (-0.4f64 + 1e-6).powi(2)).sqrt();
        assert!((l - (dp - dn + 1.0)).abs() < 1e-12);
        // A negative far enough away: no loss, no gradient.
        let far = [5.0, 5.0, 5.0];
        assert_eq!(f(&a, &p, &far), 0.0);
    }
}
