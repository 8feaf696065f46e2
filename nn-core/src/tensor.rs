//! Nested fixed-size arrays as tensors, and zero-copy views between the
//! nested shapes users see (`[[[T; 8]; 8]; 1]`) and the flat rows layers
//! compute on (`[T; 64]`). Every view has the same memory layout as what
//! it views; only the type changes, and with constant sizes the length
//! checks fold away.

use crate::Float;

/// A tensor of rank 1 to 4 stored as nested arrays, row-major.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a tensor of `{T}`",
    note = "inputs and outputs are nested arrays of the network's float type, such as `[{T}; 64]` or `[[[{T}; 8]; 8]; 1]`, of 1 to 4 dimensions"
)]
pub trait Tensor<T: Float>: Copy + Send + Sync + crate::Zeroable + 'static {
    /// Number of elements.
    const LEN: usize;
    /// The shape, outermost dimension first.
    const SHAPE: &'static [usize];
    /// A tensor of zeros.
    const ZEROS: Self;
    /// The elements in row-major order.
    fn flat(&self) -> &[T];
    /// The elements in row-major order, mutably.
    fn flat_mut(&mut self) -> &mut [T];
    /// A run of tensors seen as one flat slice.
    fn slice_flat(s: &[Self]) -> &[T];
    /// A run of tensors seen as one flat slice, mutably.
    fn slice_flat_mut(s: &mut [Self]) -> &mut [T];
    /// A flat slice seen as a run of tensors (a trailing partial tensor is
    /// dropped).
    fn slice_from_flat(s: &[T]) -> &[Self];
    /// A flat slice seen as a run of tensors, mutably.
    fn slice_from_flat_mut(s: &mut [T]) -> &mut [Self];
    /// Copies `LEN` elements from `s`; `None` if the length differs.
    fn try_from_flat(s: &[T]) -> Option<Self> {
        if s.len() != Self::LEN {
            return None;
        }
        let mut out = Self::ZEROS;
        out.flat_mut().copy_from_slice(s);
        Some(out)
    }
}

impl<T: Float, const A: usize> Tensor<T> for [T; A] {
    const LEN: usize = A;
    const SHAPE: &'static [usize] = &[A];
    const ZEROS: Self = [T::ZERO; A];
    fn flat(&self) -> &[T] {
        self
    }
    fn flat_mut(&mut self) -> &mut [T] {
        self
    }
    fn slice_flat(s: &[Self]) -> &[T] {
        s.as_flattened()
    }
    fn slice_flat_mut(s: &mut [Self]) -> &mut [T] {
        s.as_flattened_mut()
    }
    fn slice_from_flat(s: &[T]) -> &[Self] {
        s.as_chunks::<A>().0
    }
    fn slice_from_flat_mut(s: &mut [T]) -> &mut [Self] {
        s.as_chunks_mut::<A>().0
    }
}

impl<T: Float, const A: usize, const B: usize> Tensor<T> for [[T; A]; B] {
    const LEN: usize = A * B;
    const SHAPE: &'static [usize] = &[B, A];
    const ZEROS: Self = [[T::ZERO; A]; B];
    fn flat(&self) -> &[T] {
        self.as_flattened()
    }
    fn flat_mut(&mut self) -> &mut [T] {
        self.as_flattened_mut()
    }
    fn slice_flat(s: &[Self]) -> &[T] {
        s.as_flattened().as_flattened()
    }
    fn slice_flat_mut(s: &mut [Self]) -> &mut [T] {
        s.as_flattened_mut().as_flattened_mut()
    }
    fn slice_from_flat(s: &[T]) -> &[Self] {
        s.as_chunks::<A>().0.as_chunks::<B>().0
    }
    fn slice_from_flat_mut(s: &mut [T]) -> &mut [Self] {
        s.as_chunks_mut::<A>().0.as_chunks_mut::<B>().0
    }
}

impl<T: Float, const A: usize, const B: usize, const C: usize> Tensor<T> for [[[T; A]; B]; C] {
    const LEN: usize = A * B * C;
    const SHAPE: &'static [usize] = &[C, B, A];
    const ZEROS: Self = [[[T::ZERO; A]; B]; C];
    fn flat(&self) -> &[T] {
        self.as_flattened().as_flattened()
    }
    fn flat_mut(&mut self) -> &mut [T] {
        self.as_flattened_mut().as_flattened_mut()
    }
    fn slice_flat(s: &[Self]) -> &[T] {
        s.as_flattened().as_flattened().as_flattened()
    }
    fn slice_flat_mut(s: &mut [Self]) -> &mut [T] {
        s.as_flattened_mut().as_flattened_mut().as_flattened_mut()
    }
    fn slice_from_flat(s: &[T]) -> &[Self] {
        s.as_chunks::<A>().0.as_chunks::<B>().0.as_chunks::<C>().0
    }
    fn slice_from_flat_mut(s: &mut [T]) -> &mut [Self] {
        s.as_chunks_mut::<A>()
            .0
            .as_chunks_mut::<B>()
            .0
            .as_chunks_mut::<C>()
            .0
    }
}

impl<T: Float, const A: usize, const B: usize, const C: usize, const D: usize> Tensor<T>
    for [[[[T; A]; B]; C]; D]
{
    const LEN: usize = A * B * C * D;
    const SHAPE: &'static [usize] = &[D, C, B, A];
    const ZEROS: Self = [[[[T::ZERO; A]; B]; C]; D];
    fn flat(&self) -> &[T] {
        self.as_flattened().as_flattened().as_flattened()
    }
    fn flat_mut(&mut self) -> &mut [T] {
        self.as_flattened_mut()
            .as_flattened_mut()
            .as_flattened_mut()
    }
    fn slice_flat(s: &[Self]) -> &[T] {
        s.as_flattened()
            .as_flattened()
            .as_flattened()
            .as_flattened()
    }
    fn slice_flat_mut(s: &mut [Self]) -> &mut [T] {
        s.as_flattened_mut()
            .as_flattened_mut()
            .as_flattened_mut()
            .as_flattened_mut()
    }
    fn slice_from_flat(s: &[T]) -> &[Self] {
        s.as_chunks::<A>()
            .0
            .as_chunks::<B>()
            .0
            .as_chunks::<C>()
            .0
            .as_chunks::<D>()
            .0
    }
    fn slice_from_flat_mut(s: &mut [T]) -> &mut [Self] {
        s.as_chunks_mut::<A>()
            .0
            .as_chunks_mut::<B>()
            .0
            .as_chunks_mut::<C>()
            .0
            .as_chunks_mut::<D>()
            .0
    }
}

/// `B` tensors of type `X` read from the front of a flat buffer.
///
/// Used by generated code on buffers the macro sized; a short buffer is a
/// bug in `network!`, never a user error, hence the `expect`.
#[doc(hidden)]
#[inline(always)]
pub fn batch_view<T: Float, X: Tensor<T>, const B: usize>(flat: &[T]) -> &[X; B] {
    X::slice_from_flat(&flat[..X::LEN * B])
        .try_into()
        .expect("network! sized this buffer")
}

/// Mutable form of [`batch_view`].
#[doc(hidden)]
#[inline(always)]
pub fn batch_view_mut<T: Float, X: Tensor<T>, const B: usize>(flat: &mut [T]) -> &mut [X; B] {
    X::slice_from_flat_mut(&mut flat[..X::LEN * B])
        .try_into()
        .expect("network! sized this buffer")
}

/// A single tensor of type `X` viewed as its flat row `[T; N]`.
#[doc(hidden)]
#[inline(always)]
pub fn as_row<T: Float, X: Tensor<T>, const N: usize>(x: &X) -> &[T; N] {
    const { assert!(N == X::LEN, "row length differs from the tensor size") };
    x.flat().try_into().expect("sizes checked at compile time")
}

/// Mutable form of [`as_row`].
#[doc(hidden)]
#[inline(always)]
pub fn as_row_mut<T: Float, X: Tensor<T>, const N: usize>(x: &mut X) -> &mut [T; N] {
    const { assert!(N == X::LEN, "row length differs from the tensor size") };
    x.flat_mut()
        .try_into()
        .expect("sizes checked at compile time")
}

/// A flat row `[T; N]` viewed as the tensor `X` of the same size.
#[doc(hidden)]
#[inline(always)]
pub fn from_row<T: Float, X: Tensor<T>, const N: usize>(row: &[T; N]) -> &X {
    const { assert!(N == X::LEN, "row length differs from the tensor size") };
    &X::slice_from_flat(row)[0]
}

/// `B` rows of length `N` at the front of a buffer of `B` rows of length
/// `M >= N` (the ping-pong buffers of generated code).
#[doc(hidden)]
#[inline(always)]
pub fn rows<T, const N: usize, const M: usize, const B: usize>(buf: &[[T; M]; B]) -> &[[T; N]; B] {
    const { assert!(N <= M, "row longer than its buffer") };
    buf.as_flattened()[..N * B]
        .as_chunks::<N>()
        .0
        .try_into()
        .expect("sizes checked at compile time")
}

/// Mutable form of [`rows`].
#[doc(hidden)]
#[inline(always)]
pub fn rows_mut<T, const N: usize, const M: usize, const B: usize>(
    buf: &mut [[T; M]; B],
) -> &mut [[T; N]; B] {
    const { assert!(N <= M, "row longer than its buffer") };
    buf.as_flattened_mut()[..N * B]
        .as_chunks_mut::<N>()
        .0
        .try_into()
        .expect("sizes checked at compile time")
}

/// The front `N` elements of a buffer of length `M >= N`.
#[doc(hidden)]
#[inline(always)]
pub fn prefix<T, const N: usize, const M: usize>(buf: &[T; M]) -> &[T; N] {
    const { assert!(N <= M, "row longer than its buffer") };
    buf.first_chunk::<N>()
        .expect("sizes checked at compile time")
}

/// Mutable form of [`prefix`].
#[doc(hidden)]
#[inline(always)]
pub fn prefix_mut<T, const N: usize, const M: usize>(buf: &mut [T; M]) -> &mut [T; N] {
    const { assert!(N <= M, "row longer than its buffer") };
    buf.first_chunk_mut::<N>()
        .expect("sizes checked at compile time")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_views_keep_row_major_order() {
        let mut x = [[[0.0f32; 3]; 2]; 2];
        for (i, v) in x.flat_mut().iter_mut().enumerate() {
            *v = i as f32;
        }
        assert_eq!(x[1][0][2], 8.0);
        let row: &[f32; 12] = as_row(&x);
        assert_eq!(row[8], 8.0);
        let back: &[[[f32; 3]; 2]; 2] = from_row(row);
        assert_eq!(back, &x);
        let batch = [x, x];
        let flat = <[[[f32; 3]; 2]; 2]>::slice_flat(&batch);
        assert_eq!(flat.len(), 24);
        let again: &[[[[f32; 3]; 2]; 2]; 2] = batch_view(flat);
        assert_eq!(again[1][1][0][2], 8.0);
    }

    #[test]
    fn rows_view_the_front_of_a_wider_buffer() {
        let mut buf = [[0.0f64; 5]; 2];
        for (i, v) in buf.as_flattened_mut().iter_mut().enumerate() {
            *v = i as f64;
        }
        let r: &[[f64; 3]; 2] = rows(&buf);
        assert_eq!(r, &[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]);
        assert_eq!(prefix::<_, 2, 5>(&buf[1]), &[5.0, 6.0]);
        assert_eq!(<[f64; 4]>::try_from_flat(&[1.0, 2.0]), None);
    }
}
