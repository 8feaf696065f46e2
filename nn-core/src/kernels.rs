//! Fixed-size vector kernels written so LLVM vectorises them without
//! fast-math: independent lanes instead of one serial accumulator.

use crate::Float;

/// Lanes of the dot-product accumulator: eight independent partial sums
/// (one AVX register of f32) that the compiler can keep in vector lanes.
const LANES: usize = 8;

/// `sum_i a[i] * b[i]`, summed in eight interleaved lanes.
#[inline(always)]
pub fn dot<T: Float>(a: &[T], b: &[T]) -> T {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let (ac, ar) = a.as_chunks::<LANES>();
    let (bc, br) = b.as_chunks::<LANES>();
    let mut acc = [T::ZERO; LANES];
    for (x, y) in ac.iter().zip(bc) {
        for l in 0..LANES {
            acc[l] += x[l] * y[l];
        }
    }
    let mut tail = T::ZERO;
    for (x, y) in ar.iter().zip(br) {
        tail += *x * *y;
    }
    // Pairwise reduction of the lanes.
    let mut width = LANES / 2;
    while width > 0 {
        for l in 0..width {
            acc[l] = acc[l] + acc[l + width];
        }
        width /= 2;
    }
    acc[0] + tail
}

/// `y[i] += alpha * x[i]`.
#[inline(always)]
pub fn axpy<T: Float>(y: &mut [T], alpha: T, x: &[T]) {
    for (y, x) in y.iter_mut().zip(x) {
        *y += alpha * *x;
    }
}

/// `y[i] += x[i]`.
#[inline(always)]
pub fn add_assign<T: Float>(y: &mut [T], x: &[T]) {
    for (y, x) in y.iter_mut().zip(x) {
        *y += *x;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_and_axpy_match_plain_loops() {
        let a: [f64; 19] = core::array::from_fn(|i| i as f64 * 0.5 - 3.0);
        let b: [f64; 19] = core::array::from_fn(|i| 1.0 / (i as f64 + 1.0));
        let want: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert!((dot(&a, &b) - want).abs() < 1e-12);
        let mut y = b;
        axpy(&mut y, 2.0, &a);
        for i in 0..19 {
            assert_eq!(y[i], b[i] + 2.0 * a[i]);
        }
    }
}
