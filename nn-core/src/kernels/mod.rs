//! The numerical kernels of nn-core, on flat slices; the layers call them.
//!
//! - `vector.rs`: `dot` (eight lanes, a fixed order of sums), `gemv_acc`,
//!   `axpy`, `add_assign`.
//! - `math.rs`: branch-free, vectorisable `exp_f32`, `tanh_f32` and
//!   `sigmoid_vec`.
//! - `gemm.rs`: the safe wrappers `gemm`/`gemm_ld` around `matrixmultiply`
//!   (with `alloc`) and the cut-over policy (`dense_prefers_gemm`,
//!   `conv_prefers_im2col`).
//! - `simd.rs`: `with_wide_simd`, the run-time AVX2 dispatch.
//! - `window.rs`: `Window2d` (convolution and pooling geometry), the
//!   direct convolution kernels, `im2col`/`col2im` and the im2col + GEMM
//!   convolution.

mod gemm;
mod math;
mod simd;
mod vector;
mod window;

pub use gemm::{conv_prefers_im2col, dense_prefers_gemm, DENSE_GEMM_MIN_MACS};
#[cfg(feature = "alloc")]
pub use gemm::{gemm, gemm_ld};
pub use math::{exp_f32, sigmoid_vec, tanh_f32};
pub use simd::with_wide_simd;
pub use vector::{add_assign, axpy, dot, gemv_acc};
pub use window::{col2im, conv2d_backward, conv2d_forward, im2col, valid_outputs, Window2d};
#[cfg(feature = "alloc")]
pub use window::{conv2d_backward_im2col, conv2d_forward_im2col};
