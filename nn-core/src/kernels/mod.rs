//! The numerical kernels of nn-core, on flat slices; the layers call them.
//!
//! - `vector.rs`: `dot` (eight lanes, a fixed order of sums), `gemv_acc`
//!   (eight rows at a time in `std::arch` AVX2 on x86-64, the same bits),
//!   `gemv_acc_each` (several inputs), `gemv_acc_row_pairs` (on a copy
//!   packed for AVX-512, the same bits), `axpy`, `add_assign`, `all_finite`
//!   (a branch-free check).
//! - `gemv_avx512.rs`: the AVX-512 kernels of `gemv_acc_each` (two inputs
//!   per vector) and `gemv_acc_row_pairs` (two rows per vector), with the
//!   bits of `gemv_acc`.
//! - `math.rs`: branch-free, vectorisable `exp_f32`, `tanh_f32` and
//!   `sigmoid_vec`.
//! - `gemm.rs`: the safe wrappers `gemm`/`gemm_ld` around `matrixmultiply`
//!   (with `alloc`), `gemm_packed` on an operand packed once (`PackedB`),
//!   and the cut-over policy (`dense_prefers_gemm`, `conv_prefers_im2col`).
//! - `sgemm_avx512.rs`: the `f32` kernel behind `PackedB` on AVX-512 CPUs,
//!   for a recurrent layer's `W_hh` across the steps of a training batch.
//! - `simd.rs`: `with_wide_simd`, the run-time AVX-512/AVX2 dispatch, and the
//!   casts that hand `f32` slices to an architecture's own kernel.
//! - `window.rs`: `Window2d` (convolution and pooling geometry), the
//!   direct convolution kernels (with `std::arch` AVX2 copies for `f32`
//!   on x86-64: the forward's same bits, a backward equal to rounding),
//!   `im2col`/`col2im` and the im2col + GEMM convolution;
//!   `window_avx512.rs`: the AVX-512 copies of its AVX2 kernels.

mod gemm;
#[cfg(all(feature = "std", target_arch = "x86_64"))]
mod gemv_avx512;
mod math;
#[cfg(all(feature = "std", target_arch = "x86_64"))]
mod sgemm_avx512;
mod simd;
mod vector;
mod window;
#[cfg(all(feature = "std", target_arch = "x86_64"))]
mod window_avx512;

// What the layers use; the rest stays inside the submodules.
pub(crate) use gemm::{conv_prefers_im2col, dense_prefers_gemm};
#[cfg(feature = "alloc")]
pub(crate) use gemm::{gemm, gemm_ld, gemm_packed, PackedB};
pub(crate) use math::{exp_f32, sigmoid_vec, tanh_f32};
pub(crate) use simd::with_wide_simd;
pub(crate) use vector::{
    add_assign, all_finite, axpy, gemv_acc, gemv_acc_each, gemv_acc_packing_row_pairs,
    gemv_acc_row_pairs, row_pairs_pay,
};
pub(crate) use window::{conv2d_backward, conv2d_forward, conv2d_forward_batch, Window2d};
#[cfg(feature = "alloc")]
pub(crate) use window::{conv2d_backward_im2col, conv2d_forward_im2col};
