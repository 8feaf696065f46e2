//! `Transpose`: `[R, C]` to `[C, R]`, so a convolution's channels
//! `[channels, length]` become a sequence `[steps, features]` for a
//! recurrent layer (PyTorch's `x.transpose(1, 2)` between `Conv1d` and
//! `LSTM(batch_first=True)`), or the other way round.

use core::marker::PhantomData;

use crate::{Float, Layer, Side, Zeroable};

/// Swaps the two dimensions of an `R x C` row-major sample (`N = R * C`).
#[derive(Debug, PartialEq)]
pub struct Transpose<T, const R: usize, const C: usize, const N: usize>(PhantomData<fn() -> T>);

impl<T, const R: usize, const C: usize, const N: usize> Clone for Transpose<T, R, C, N> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T, const R: usize, const C: usize, const N: usize> Copy for Transpose<T, R, C, N> {}

// SAFETY: zero-sized.
#[allow(unsafe_code)]
unsafe impl<T, const R: usize, const C: usize, const N: usize> Zeroable for Transpose<T, R, C, N> {}

impl<T: Float, const R: usize, const C: usize, const N: usize> Layer<T, N, N>
    for Transpose<T, R, C, N>
{
    type Aux = ();
    const ZEROED_AUX: () = ();
    const ZEROED: Self = {
        assert!(R * C == N, "Transpose: N must be R * C");
        Self(PhantomData)
    };
    const TENSORS: usize = 0;
    const PARAMS: usize = 0;

    fn forward_with(&self, x: &[T; N], y: &mut [T; N], _side: Side) {
        for r in 0..R {
            for c in 0..C {
                y[c * R + r] = x[r * C + c];
            }
        }
    }

    fn backward_with<const B: usize>(
        &self,
        _x: &[[T; N]; B],
        _y: &[[T; N]; B],
        _aux: &[(); B],
        dy: &[[T; N]; B],
        dx: Option<&mut [[T; N]; B]>,
        _grads: &mut Self,
        _sides: &[Side; B],
    ) {
        let Some(dx) = dx else { return };
        for (dx, dy) in dx.iter_mut().zip(dy) {
            for r in 0..R {
                for c in 0..C {
                    dx[r * C + c] = dy[c * R + r];
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swaps_rows_and_columns_and_back() {
        let t = Transpose::<f64, 2, 3, 6>::ZEROED;
        let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let mut y = [0.0; 6];
        t.forward(&x, &mut y);
        assert_eq!(y, [1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
        // Backward is the transpose of the gradient.
        let mut dx = [[0.0; 6]; 1];
        let mut g = t;
        t.backward(&[x], &[y], &[(); 1], &[y], Some(&mut dx), &mut g);
        assert_eq!(dx[0], x);
    }
}
