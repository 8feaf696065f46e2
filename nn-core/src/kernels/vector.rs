//! Vector kernels on slices: the dot product in eight lanes, `gemv`,
//! `axpy` and `+=`, written so LLVM vectorises them without fast-math
//! (independent lanes instead of one serial accumulator).

use super::simd::with_wide_simd;
#[cfg(any(
    all(target_arch = "arm", target_abi = "eabihf"),
    all(feature = "std", target_arch = "x86_64")
))]
use super::simd::{as_f32, as_f32_mut};
use crate::Float;

/// Lanes of the dot-product accumulator: eight independent partial sums
/// (one AVX register of f32) that the compiler can keep in vector lanes.
const LANES: usize = 8;

/// `sum_i a[i] * b[i]`, summed in eight interleaved lanes.
///
/// Lane `l` accumulates the products `l, l + 8, l + 16, ...`; the lanes
/// are then reduced pairwise (`0 + 4, 1 + 5, 2 + 6, 3 + 7`, then
/// `0 + 2, 1 + 3`, then `0 + 1`) and the `n % 8` trailing products,
/// summed serially, are added last. The order of the sums is part of the
/// contract: results are bit-identical to it on every target.
///
/// Two spellings of that order, one per kind of target, because each
/// compiler back end keeps a different one in registers: on x86 the lanes
/// are an array, which the loop vectoriser turns into one vector register
/// (3.5% faster than scalar locals on the peer benchmark's LSTM, W3a); on
/// other targets eight scalar locals, because an array accumulator stayed
/// in memory on a Cortex-M4F at opt-level `"s"` (a load and a store per
/// multiply-add, three times the instructions).
#[inline(always)]
pub fn dot<T: Float>(a: &[T], b: &[T]) -> T {
    #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
    return dot_array_lanes(a, b);
    #[cfg(not(any(target_arch = "x86", target_arch = "x86_64")))]
    return dot_scalar_lanes(a, b);
}

/// [`dot`] with the lanes in an array (the x86 spelling).
#[inline(always)]
#[cfg_attr(
    not(any(test, target_arch = "x86", target_arch = "x86_64")),
    allow(dead_code, reason = "the other targets' spelling")
)]
fn dot_array_lanes<T: Float>(a: &[T], b: &[T]) -> T {
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
            acc[l] += acc[l + width];
        }
        width /= 2;
    }
    acc[0] + tail
}

/// [`dot`] with the lanes in eight scalar locals (the other targets').
#[inline(always)]
#[cfg_attr(
    all(not(test), any(target_arch = "x86", target_arch = "x86_64")),
    allow(dead_code, reason = "the other targets' spelling")
)]
fn dot_scalar_lanes<T: Float>(a: &[T], b: &[T]) -> T {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let (ac, ar) = a.as_chunks::<LANES>();
    let (bc, br) = b.as_chunks::<LANES>();
    let [mut s0, mut s1, mut s2, mut s3] = [T::ZERO; 4];
    let [mut s4, mut s5, mut s6, mut s7] = [T::ZERO; 4];
    for (x, y) in ac.iter().zip(bc) {
        s0 += x[0] * y[0];
        s1 += x[1] * y[1];
        s2 += x[2] * y[2];
        s3 += x[3] * y[3];
        s4 += x[4] * y[4];
        s5 += x[5] * y[5];
        s6 += x[6] * y[6];
        s7 += x[7] * y[7];
    }
    let mut tail = T::ZERO;
    for (x, y) in ar.iter().zip(br) {
        tail += *x * *y;
    }
    // Pairwise reduction of the lanes.
    let (s0, s1, s2, s3) = (s0 + s4, s1 + s5, s2 + s6, s3 + s7);
    let (s0, s1) = (s0 + s2, s1 + s3);
    (s0 + s1) + tail
}

/// [`gemv_acc`] on an ARM hard-float FPU: LLVM loads each operand with
/// its own `vldr` (two loads per multiply-add), where `vldmia` loads
/// eight, so the lanes' loop runs 13 instructions per eight products
/// against 26. `vmla.f32` rounds the product before the add (it is not
/// the fused `vfma`), exactly as `s += x * y` does, so the sums keep
/// [`dot`]'s order and their bits (the sine and digits firmwares check
/// the host's output bits).
#[cfg(all(target_arch = "arm", target_abi = "eabihf"))]
mod vfp {
    /// `y[r] += dot(w[r], x)` for rows of `chunks` chunks of eight. A row
    /// of whole chunks has no tail, so its reduced lanes (never `-0`, as
    /// sums that start at `+0`) are its dot product to the bit. One loop
    /// over the rows in assembly: 41 instructions for a row of 16 against
    /// 58 with the rows' loop in Rust.
    #[inline(always)]
    #[allow(unsafe_code)]
    pub fn gemv_acc_whole_chunks(w: &[[f32; 8]], chunks: usize, x: &[[f32; 8]], y: &mut [f32]) {
        /// The lanes' start, loaded with one `vldmia` (the FPU's move of
        /// an immediate cannot encode 0).
        static ZEROS: [f32; 8] = [0.0; 8];
        if chunks == 0 || x.len() < chunks {
            return;
        }
        let rows = y.len().min(w.len() / chunks);
        if rows == 0 {
            return;
        }
        // SAFETY: reads `rows * chunks` chunks of `w` (at least that many),
        // `chunks` chunks of `x` (checked) once per row and `rows` values
        // of `y` (at most its length), and writes those values of `y`;
        // clobbers only the registers it names.
        unsafe {
            core::arch::asm!(
                "3:",
                "vldmia {zeros}, {{s0-s7}}",
                "mov {n}, {chunks}",
                "2:",
                "vldmia {w}!, {{s16-s23}}",
                "vldmia {x}!, {{s24-s31}}",
                "vmla.f32 s0, s16, s24",
                "vmla.f32 s1, s17, s25",
                "vmla.f32 s2, s18, s26",
                "vmla.f32 s3, s19, s27",
                "vmla.f32 s4, s20, s28",
                "vmla.f32 s5, s21, s29",
                "vmla.f32 s6, s22, s30",
                "vmla.f32 s7, s23, s31",
                "subs {n}, {n}, #1",
                "bne 2b",
                "sub {x}, {x}, {row_bytes}",
                "vadd.f32 s0, s0, s4",
                "vadd.f32 s1, s1, s5",
                "vadd.f32 s2, s2, s6",
                "vadd.f32 s3, s3, s7",
                "vadd.f32 s0, s0, s2",
                "vadd.f32 s1, s1, s3",
                "vadd.f32 s0, s0, s1",
                "vldr s1, [{y}]",
                "vadd.f32 s0, s1, s0",
                "vstmia {y}!, {{s0}}",
                "subs {rows}, {rows}, #1",
                "bne 3b",
                zeros = in(reg) ZEROS.as_ptr(),
                chunks = in(reg) chunks,
                row_bytes = in(reg) chunks * 32,
                w = inout(reg) w.as_ptr() => _,
                x = inout(reg) x.as_ptr() => _,
                y = inout(reg) y.as_mut_ptr() => _,
                rows = inout(reg) rows => _,
                n = out(reg) _,
                out("s0") _, out("s1") _, out("s2") _, out("s3") _,
                out("s4") _, out("s5") _, out("s6") _, out("s7") _,
                out("s16") _, out("s17") _, out("s18") _, out("s19") _,
                out("s20") _, out("s21") _, out("s22") _, out("s23") _,
                out("s24") _, out("s25") _, out("s26") _, out("s27") _,
                out("s28") _, out("s29") _, out("s30") _, out("s31") _,
                options(nostack),
            );
        }
    }
}

/// `y[r] += dot(w[r * cols..(r + 1) * cols], x)` for every row `r` of the
/// row-major matrix `w` (PyTorch's `[out][in]` layout), i.e. `y += W x`.
///
/// Inlined, to choose one of three kernels by `cols` (a constant at the
/// layers' call sites, so only the kernels a network uses are linked:
/// flash on a microcontroller). The kernels are not inlined, and run on
/// run-time sizes: inlined into a caller with small constant sizes, LLVM
/// unrolls every row's dot product completely and the SLP vectoriser then
/// builds vectors out of scalar loads, several times slower than the loop
/// vectoriser's code for the same dot product here.
#[inline(always)]
pub fn gemv_acc<T: Float>(w: &[T], cols: usize, x: &[T], y: &mut [T]) {
    match (cols, x.first()) {
        // No product to add (and `chunks_exact(0)` would panic).
        (0, _) | (_, None) => {}
        (1, Some(&x)) => gemv_acc_one_column(w, x, y),
        #[cfg(all(target_arch = "arm", target_abi = "eabihf"))]
        _ if cols % LANES == 0
            && core::any::TypeId::of::<T>() == core::any::TypeId::of::<f32>() =>
        {
            gemv_acc_whole_chunks(w, cols, x, y)
        }
        _ => gemv_acc_rows(w, cols, x, y),
    }
}

/// `y_t += W x_t` ([`gemv_acc`]) for each input `x_t` of `xs` (inputs of
/// `cols` values) and output `y_t` of `ys` (outputs of `rows`, the rows of
/// `w`), with the same bits as one [`gemv_acc`] per input. For `f32` on an
/// x86-64 CPU with AVX-512, two inputs at a time in one vector's halves
/// (the `gemv_avx512` kernel: twice the products per operation).
#[inline]
pub fn gemv_acc_each<T: Float>(w: &[T], cols: usize, rows: usize, xs: &[T], ys: &mut [T]) {
    if cols == 0 || rows == 0 {
        return;
    }
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    let done = gemv_acc_pairs(w, cols, rows, xs, ys);
    #[cfg(not(all(feature = "std", target_arch = "x86_64")))]
    let done = 0;
    let inputs = xs.chunks_exact(cols).zip(ys.chunks_exact_mut(rows));
    for (x, y) in inputs.skip(done) {
        gemv_acc(w, cols, x, y);
    }
}

/// The inputs of [`gemv_acc_each`] that the AVX-512 kernel does (an even
/// number; none for `T = f64`, without AVX-512, or below eight rows or
/// columns), all their rows included.
#[cfg(all(feature = "std", target_arch = "x86_64"))]
fn gemv_acc_pairs<T: Float>(w: &[T], cols: usize, rows: usize, xs: &[T], ys: &mut [T]) -> usize {
    let (Some(w), Some(xs), Some(ys)) = (as_f32(w), as_f32(xs), as_f32_mut(ys)) else {
        return 0;
    };
    if cols < LANES || rows < 8 || !super::simd::x86::has_avx512() {
        return 0;
    }
    #[allow(unsafe_code)]
    // SAFETY: the CPU has AVX-512 (detected just above).
    let done = unsafe { super::gemv_avx512::gemv_acc_pairs(w, cols, rows, xs, ys) };
    // The kernel's rows stop at the last multiple of eight.
    let whole = rows / 8 * 8;
    if whole < rows {
        let inputs = xs.chunks_exact(cols).zip(ys.chunks_exact_mut(rows));
        for (x, y) in inputs.take(done) {
            gemv_acc(&w[whole * cols..], cols, x, &mut y[whole..]);
        }
    }
    done
}

/// Rows per group of [`pack_row_pairs`]'s layout.
pub const PAIRED_ROWS: usize = 16;

/// Whether [`gemv_acc_row_pairs`] has a kernel of its own for a matrix of
/// `rows` by `cols` of `T` on this CPU (`f32` with AVX-512, whole groups of
/// [`PAIRED_ROWS`] rows and whole chunks of eight columns); the callers
/// pack only then, as the portable loop on the packed layout is no faster
/// than [`gemv_acc`].
#[inline]
pub fn row_pairs_pay<T: Float>(rows: usize, cols: usize) -> bool {
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    return core::any::TypeId::of::<T>() == core::any::TypeId::of::<f32>()
        && rows.is_multiple_of(PAIRED_ROWS)
        && cols.is_multiple_of(LANES)
        && cols > 0
        && super::simd::x86::has_avx512();
    #[cfg(not(all(feature = "std", target_arch = "x86_64")))]
    return {
        let _ = (rows, cols, core::marker::PhantomData::<T>);
        false
    };
}

/// Copies the row-major `w` (whole groups of [`PAIRED_ROWS`] rows of
/// `cols`, a multiple of eight) into `out`, of the same length, in the
/// layout of [`gemv_acc_row_pairs`]: for each group of sixteen rows, each
/// chunk `c` of eight columns, and `k` in `0..8`, the chunk of row `k`
/// then that of row `k + 8`: the sixteen values one 512-bit vector
/// multiplies. Returns `out`, every value written, so the caller need not
/// zero it first.
#[allow(unsafe_code)]
pub fn pack_row_pairs<'a, T: Copy>(
    w: &[T],
    cols: usize,
    out: &'a mut [core::mem::MaybeUninit<T>],
) -> &'a [T] {
    let group = PAIRED_ROWS * cols;
    assert!(
        cols.is_multiple_of(LANES) && w.len().is_multiple_of(group.max(1)) && out.len() == w.len(),
        "pack_row_pairs: {} values for rows of {cols} into {}",
        w.len(),
        out.len()
    );
    let per_row = cols / LANES;
    for (w, out) in w.chunks_exact(group).zip(out.chunks_exact_mut(group)) {
        let src = w.as_chunks::<LANES>().0;
        let dst = out.as_chunks_mut::<LANES>().0;
        for c in 0..per_row {
            for k in 0..PAIRED_ROWS {
                let (pair, half) = (k % (PAIRED_ROWS / 2), k / (PAIRED_ROWS / 2));
                let d = &mut dst[c * PAIRED_ROWS + 2 * pair + half];
                for (d, s) in d.iter_mut().zip(&src[k * per_row + c]) {
                    d.write(*s);
                }
            }
        }
    }
    // SAFETY: the groups tile `out` exactly (asserted above), and each
    // group's `per_row * PAIRED_ROWS` chunks of eight were all written:
    // `2 * pair + half` runs over `0..PAIRED_ROWS` as `k` does.
    unsafe { core::slice::from_raw_parts(out.as_ptr().cast::<T>(), out.len()) }
}

/// `y += w x` like [`gemv_acc`], with the same bits, for the row-major `w`
/// (whole groups of [`PAIRED_ROWS`] rows, `cols` a multiple of eight),
/// packing it into `out` as [`pack_row_pairs`] does, and returning the
/// packed copy: one read of `w` for both. In one pass with AVX-512 where
/// [`row_pairs_pay`], else the two one after the other.
#[allow(unsafe_code)]
pub fn gemv_acc_packing_row_pairs<'a, T: Float>(
    w: &[T],
    cols: usize,
    x: &[T],
    y: &mut [T],
    out: &'a mut [core::mem::MaybeUninit<T>],
) -> &'a [T] {
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    if core::any::TypeId::of::<T>() == core::any::TypeId::of::<f32>()
        && row_pairs_pay::<f32>(y.len(), cols)
        && w.len() == y.len() * cols
        && out.len() == w.len()
    {
        if let (Some(wf), Some(xf), Some(yf)) = (as_f32(w), as_f32(x), as_f32_mut(y)) {
            // SAFETY: `T` is `f32` (checked above), so the cast keeps the
            // type, the length and the alignment.
            let of = unsafe {
                core::slice::from_raw_parts_mut(
                    out.as_mut_ptr().cast::<core::mem::MaybeUninit<f32>>(),
                    out.len(),
                )
            };
            // SAFETY: the CPU has AVX-512 (in `row_pairs_pay`).
            unsafe { super::gemv_avx512::gemv_acc_rows_packing(wf, cols, xf, yf, of) };
            // SAFETY: `y.len() / PAIRED_ROWS` whole groups (in
            // `row_pairs_pay`) of `PAIRED_ROWS * cols` values, all of
            // `out` (checked above), were written by the kernel.
            return unsafe { core::slice::from_raw_parts(out.as_ptr().cast::<T>(), out.len()) };
        }
    }
    gemv_acc(w, cols, x, y);
    pack_row_pairs(w, cols, out)
}

/// [`gemv_acc`] on `w` packed by [`pack_row_pairs`], with the same bits,
/// its groups of rows from the last with `reverse` (a matrix read every
/// step then starts where the last step ended, in L1). The AVX-512 kernel
/// where [`row_pairs_pay`]; else `dot` per row on the packed layout.
#[inline]
pub fn gemv_acc_row_pairs<T: Float>(
    packed: &[T],
    cols: usize,
    x: &[T],
    y: &mut [T],
    reverse: bool,
) {
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    if let (Some(w), Some(x), Some(y)) = (as_f32(packed), as_f32(x), as_f32_mut(y)) {
        if row_pairs_pay::<f32>(y.len(), cols) {
            #[allow(unsafe_code)]
            // SAFETY: the CPU has AVX-512 (in `row_pairs_pay`).
            unsafe {
                super::gemv_avx512::gemv_acc_row_pairs(w, cols, x, y, reverse)
            };
            return;
        }
    }
    gemv_acc_row_pairs_portable(packed, cols, x, y, reverse);
}

/// [`gemv_acc_row_pairs`] without the AVX-512 kernel: [`dot`]'s lanes and
/// reduction per row, read from the packed layout.
fn gemv_acc_row_pairs_portable<T: Float>(
    packed: &[T],
    cols: usize,
    x: &[T],
    y: &mut [T],
    reverse: bool,
) {
    let group = PAIRED_ROWS * cols.max(1);
    let groups = packed
        .chunks_exact(group)
        .zip(y.chunks_exact_mut(PAIRED_ROWS));
    let mut one = |(w, y): (&[T], &mut [T])| {
        for (k, y) in y.iter_mut().enumerate() {
            let (pair, half) = (k % (PAIRED_ROWS / 2), k / (PAIRED_ROWS / 2));
            let mut acc = [T::ZERO; LANES];
            for (c, x) in x[..cols].chunks_exact(LANES).enumerate() {
                let w = &w[(c * PAIRED_ROWS + 2 * pair + half) * LANES..][..LANES];
                for l in 0..LANES {
                    acc[l] += w[l] * x[l];
                }
            }
            let mut width = LANES / 2;
            while width > 0 {
                for l in 0..width {
                    acc[l] += acc[l + width];
                }
                width /= 2;
            }
            *y += acc[0];
        }
    };
    if reverse {
        groups.rev().for_each(&mut one);
    } else {
        groups.for_each(&mut one);
    }
}

/// [`gemv_acc`] with one column: a multiply-add per row, in a loop over
/// the rows instead of a dot product per row (three times fewer
/// instructions on a Cortex-M4F). `0 + w x` is `dot([w], [x])` to the bit.
#[inline(never)]
fn gemv_acc_one_column<T: Float>(w: &[T], x: T, y: &mut [T]) {
    for (y, w) in y.iter_mut().zip(w) {
        *y += T::ZERO + *w * x;
    }
}

/// [`gemv_acc`] as a [`dot`] per row: for `f32` on an x86-64 CPU with
/// AVX2, the [`avx2`] kernel; otherwise in the wide-SIMD copy when the
/// CPU has one. `cols` is not 0.
#[inline(never)]
fn gemv_acc_rows<T: Float>(w: &[T], cols: usize, x: &[T], y: &mut [T]) {
    let x = x.get(..cols).unwrap_or(x);
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    if let (Some(w), Some(x), Some(y)) = (as_f32(w), as_f32(x), as_f32_mut(y)) {
        if std::is_x86_feature_detected!("avx2") {
            #[allow(unsafe_code)]
            // SAFETY: the CPU has AVX2 (detected just above).
            unsafe {
                avx2::gemv_acc_rows(w, cols, x, y)
            };
            return;
        }
    }
    with_wide_simd(
        #[inline(always)]
        || {
            for (row, y) in w.chunks_exact(cols.max(1)).zip(y) {
                *y += dot(row, x);
            }
        },
    );
}

/// [`gemv_acc_rows`] for `f32` with AVX2, eight rows at a time (then
/// four, then one): each row keeps its own eight-lane accumulator and
/// [`dot`]'s order of sums (the same bits), and the eight chains of
/// additions share each load of `x` instead of one chain waiting on its
/// adds' latency (eight chains cover the latency of two adders). LLVM
/// kept one chain per row. The eight rows' lanes are reduced together,
/// by shuffles that transpose them into one vector of eight sums, which
/// is added to `y` as a vector: reducing each row apart, with its tail
/// and its `+=` as scalars, took more time than the products on W3a's
/// rows of 32 and 64 (its forward 63 -> 48 us, the GRU's 49 -> 35 us).
#[cfg(all(feature = "std", target_arch = "x86_64"))]
#[allow(unsafe_code)]
mod avx2 {
    use super::super::simd::x86::{sum_lanes, sum_lanes_of_eight};
    use core::arch::x86_64::*;

    /// `y[r] += dot(w[r * cols..][..cols], x)` for every row `r` there is
    /// in `w` and `y`; `x` is at most `cols` long.
    ///
    /// # Safety
    /// The CPU must have AVX2.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn gemv_acc_rows(w: &[f32], cols: usize, x: &[f32], y: &mut [f32]) {
        let cols = cols.max(1);
        let n = x.len().min(cols);
        let rows = (w.len() / cols).min(y.len());
        // Rows of whole chunks have no tail to add: `dot` adds a `+0`,
        // and a sum of lanes that start at `+0` is never `-0`, so it would
        // change no bit.
        let mut r = if n.is_multiple_of(8) {
            eight_rows_at_a_time::<false>(w, cols, &x[..n], &mut y[..rows])
        } else {
            eight_rows_at_a_time::<true>(w, cols, &x[..n], &mut y[..rows])
        };
        while r + 4 <= rows {
            let d = dot_rows::<4>(&w[r * cols..(r + 4) * cols], cols, &x[..n]);
            for (y, d) in y[r..r + 4].iter_mut().zip(d) {
                *y += d;
            }
            r += 4;
        }
        while r < rows {
            let [d] = dot_rows::<1>(&w[r * cols..(r + 1) * cols], cols, &x[..n]);
            y[r] += d;
            r += 1;
        }
    }

    /// The rows of `y` up to the last multiple of eight: one transposed
    /// reduction for each eight rows, then their tails (with `TAIL`) and
    /// `y` as vectors, `y + (sum_lanes + tail)` as `dot` and `+=` add
    /// them. Returns the number of rows done.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn eight_rows_at_a_time<const TAIL: bool>(
        w: &[f32],
        cols: usize,
        x: &[f32],
        y: &mut [f32],
    ) -> usize {
        let mut r = 0;
        while r + 8 <= y.len() {
            let rw = &w[r * cols..(r + 8) * cols];
            let mut d = sum_lanes_of_eight(accumulate::<8>(rw, cols, x));
            if TAIL {
                let tails = tails::<8>(rw, cols, x);
                // SAFETY: `tails` holds eight values.
                d = _mm256_add_ps(d, unsafe { _mm256_loadu_ps(tails.as_ptr()) });
            }
            let y = &mut y[r..r + 8];
            // SAFETY: `y` holds eight values.
            unsafe {
                _mm256_storeu_ps(
                    y.as_mut_ptr(),
                    _mm256_add_ps(_mm256_loadu_ps(y.as_ptr()), d),
                );
            }
            r += 8;
        }
        r
    }

    /// `dot` of each of the `R` rows of `rows` (`R * cols` values) with
    /// `x` (`x.len() <= cols`), in `dot`'s order of sums.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn dot_rows<const R: usize>(rows: &[f32], cols: usize, x: &[f32]) -> [f32; R] {
        let acc = accumulate::<R>(rows, cols, x);
        let tails = tails::<R>(rows, cols, x);
        core::array::from_fn(|k| sum_lanes(acc[k]) + tails[k])
    }

    /// `dot`'s eight lanes of each of the `R` rows of `rows` (`R * cols`
    /// values) with `x` (`x.len() <= cols`), over the whole chunks of
    /// eight of `x`.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn accumulate<const R: usize>(rows: &[f32], cols: usize, x: &[f32]) -> [__m256; R] {
        let chunks = x.len() / 8;
        assert!(rows.len() >= R * cols && x.len() <= cols);
        let mut acc = [_mm256_setzero_ps(); R];
        for c in 0..chunks {
            // SAFETY: `c * 8 + 8 <= x.len()`, within `x`, and within each
            // row (`x.len() <= cols`, the rows lie in `rows`), as asserted
            // above.
            unsafe {
                let xv = _mm256_loadu_ps(x.as_ptr().add(c * 8));
                for (k, acc) in acc.iter_mut().enumerate() {
                    let wv = _mm256_loadu_ps(rows.as_ptr().add(k * cols + c * 8));
                    *acc = _mm256_add_ps(*acc, _mm256_mul_ps(wv, xv));
                }
            }
        }
        acc
    }

    /// `dot`'s serial sum of the products past the whole chunks of `x`,
    /// for each of the `R` rows of `rows`.
    #[inline(always)]
    fn tails<const R: usize>(rows: &[f32], cols: usize, x: &[f32]) -> [f32; R] {
        let done = x.len() / 8 * 8;
        core::array::from_fn(|k| {
            let row = &rows[k * cols + done..k * cols + x.len()];
            let mut tail = 0.0f32;
            for (a, b) in row.iter().zip(&x[done..]) {
                tail += *a * *b;
            }
            tail
        })
    }
}

/// [`gemv_acc`] for `f32` rows of whole chunks of eight on an ARM FPU
/// ([`vfp`]); `cols` is a multiple of 8 and not 0, `T` is `f32`.
#[cfg(all(target_arch = "arm", target_abi = "eabihf"))]
#[inline(never)]
fn gemv_acc_whole_chunks<T: Float>(w: &[T], cols: usize, x: &[T], y: &mut [T]) {
    if let (Some(w), Some(x), Some(y)) = (as_f32(w), as_f32(x), as_f32_mut(y)) {
        let (w, x) = (w.as_chunks::<LANES>().0, x.as_chunks::<LANES>().0);
        vfp::gemv_acc_whole_chunks(w, cols / LANES, x, y);
    }
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

/// True when every element is finite, in one branch-free pass that
/// vectorises: `x - x` is 0 for a finite `x` and NaN for an infinity or a
/// NaN, summed in independent lanes (an early-exit `all(is_finite)` runs
/// one element at a time, and the training step checks every gradient and
/// every updated weight).
#[inline]
#[allow(
    clippy::eq_op,
    reason = "x - x is the test: 0, or NaN when x is not finite"
)]
pub fn all_finite<T: Float>(x: &[T]) -> bool {
    // The order of the sums does not matter (zeros, or a NaN that stays),
    // so as many lanes as the widest vectors hold, in them.
    const WIDE: usize = 4 * LANES;
    with_wide_simd(
        #[inline(always)]
        || {
            let (chunks, rest) = x.as_chunks::<WIDE>();
            let mut acc = [T::ZERO; WIDE];
            for c in chunks {
                for l in 0..WIDE {
                    acc[l] += c[l] - c[l];
                }
            }
            let tail = rest.iter().fold(T::ZERO, |a, v| a + (*v - *v));
            acc.iter().fold(tail, |a, v| a + *v) == T::ZERO
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gemv_acc_adds_a_dot_per_row() {
        fn check<const R: usize, const C: usize>() {
            let mut rng = crate::Rng::seed((R * 1000 + C) as u64);
            let w: [[f32; C]; R] =
                core::array::from_fn(|_| core::array::from_fn(|_| rng.normal() as f32));
            let x: [f32; C] = core::array::from_fn(|_| rng.normal() as f32);
            let mut y: [f32; R] = core::array::from_fn(|r| r as f32);
            gemv_acc(w.as_flattened(), C, &x, &mut y);
            for r in 0..R {
                let want = r as f32 + dot(&w[r], &x);
                assert_eq!(y[r].to_bits(), want.to_bits(), "{R}x{C} row {r}");
            }
            // Products that are all `-0`, added to `-0`: `dot` gives `+0`
            // (its lanes start at `+0`), and so must every kernel.
            let w = [[0.0f32; C]; R];
            let x = [-1.0f32; C];
            let mut y = [-0.0f32; R];
            gemv_acc(w.as_flattened(), C, &x, &mut y);
            assert!(y.iter().all(|y| y.to_bits() == 0), "{R}x{C}: {y:?}");
        }
        check::<1, 1>();
        check::<5, 7>();
        // Eight, four and single rows, with and without a tail.
        check::<29, 64>();
        check::<29, 20>();
        check::<256, 32>();
        check::<11, 37>();
        check::<128, 784>();
    }

    #[test]
    fn gemv_acc_each_is_one_gemv_acc_per_input() {
        fn check(rows: usize, cols: usize, inputs: usize) {
            let mut rng = crate::Rng::seed((rows * 1000 + cols * 10 + inputs) as u64);
            let mut normal = |n: usize, scale: f64| -> std::vec::Vec<f32> {
                (0..n)
                    .map(|i| (rng.normal() * if i % 3 == 0 { scale } else { 1e-3 }) as f32)
                    .collect()
            };
            let w = normal(rows * cols, 1e4);
            let xs = normal(inputs * cols, 1.0);
            let start = normal(inputs * rows, 1.0);
            let mut got = start.clone();
            gemv_acc_each(&w, cols, rows, &xs, &mut got);
            let mut want = start;
            for (x, y) in xs.chunks(cols).zip(want.chunks_mut(rows)) {
                gemv_acc(&w, cols, x, y);
            }
            let bits = |v: &[f32]| v.iter().map(|v| v.to_bits()).collect::<std::vec::Vec<_>>();
            assert_eq!(bits(&got), bits(&want), "{rows}x{cols}, {inputs} inputs");
        }
        // Whole and partial groups of eight rows, whole chunks and tails,
        // odd and even numbers of inputs (W3a's are 256x32 over 32 steps).
        for (rows, cols) in [
            (256, 32),
            (192, 32),
            (13, 8),
            (8, 29),
            (29, 64),
            (3, 16),
            (16, 5),
            (64, 1),
        ] {
            for inputs in [0, 1, 2, 3, 8] {
                check(rows, cols, inputs);
            }
        }
        // All products `-0` added to `-0` give `+0`, as `dot`.
        let (w, xs) = ([0.0f32; 8 * 16], [-1.0f32; 2 * 16]);
        let mut ys = [-0.0f32; 2 * 8];
        gemv_acc_each(&w, 16, 8, &xs, &mut ys);
        assert!(ys.iter().all(|y| y.to_bits() == 0), "{ys:?}");
    }

    #[test]
    fn gemv_acc_row_pairs_is_gemv_acc_on_the_packed_copy() {
        let mut rng = crate::Rng::seed(11);
        for (rows, cols) in [(16, 8), (256, 64), (64, 32), (48, 200)] {
            let w: std::vec::Vec<f32> = (0..rows * cols)
                .map(|i| (rng.normal() * if i % 3 == 0 { 1e4 } else { 1e-3 }) as f32)
                .collect();
            let x: std::vec::Vec<f32> = (0..cols).map(|_| rng.normal() as f32).collect();
            let start: std::vec::Vec<f32> = (0..rows).map(|_| rng.normal() as f32).collect();
            let mut buffer = std::vec![core::mem::MaybeUninit::new(f32::NAN); rows * cols];
            let packed = pack_row_pairs(&w, cols, &mut buffer).to_vec();
            let mut want = start.clone();
            gemv_acc(&w, cols, &x, &mut want);
            let bits = |v: &[f32]| v.iter().map(|v| v.to_bits()).collect::<std::vec::Vec<_>>();
            // Reading the rows and packing them in one pass: the same sums,
            // the same copy.
            let mut got = start.clone();
            let mut out = std::vec![core::mem::MaybeUninit::new(f32::NAN); rows * cols];
            let copy = gemv_acc_packing_row_pairs(&w, cols, &x, &mut got, &mut out);
            assert_eq!(bits(copy), bits(&packed), "packing {rows}x{cols}");
            assert_eq!(bits(&got), bits(&want), "packing {rows}x{cols}");
            for reverse in [false, true] {
                // The portable loop too, which an AVX-512 CPU does not take.
                let mut got = start.clone();
                gemv_acc_row_pairs_portable(&packed, cols, &x, &mut got, reverse);
                assert_eq!(
                    bits(&got),
                    bits(&want),
                    "portable {rows}x{cols}, reverse {reverse}"
                );
                let mut got = start.clone();
                gemv_acc_row_pairs(&packed, cols, &x, &mut got, reverse);
                assert_eq!(bits(&got), bits(&want), "{rows}x{cols}, reverse {reverse}");
            }
        }
    }

    /// The order of the sums, written as plainly as possible: the
    /// reference both spellings of `dot` must match bit for bit.
    fn dot_lanes_reference<T: Float>(a: &[T], b: &[T]) -> T {
        let n = a.len().min(b.len());
        let mut acc = [T::ZERO; LANES];
        let full = n / LANES * LANES;
        for i in 0..full {
            acc[i % LANES] += a[i] * b[i];
        }
        let mut tail = T::ZERO;
        for i in full..n {
            tail += a[i] * b[i];
        }
        let mut width = LANES / 2;
        while width > 0 {
            for l in 0..width {
                acc[l] += acc[l + width];
            }
            width /= 2;
        }
        acc[0] + tail
    }

    #[test]
    fn dot_is_bit_identical_to_the_lane_order() {
        fn check<T: Float + core::fmt::Debug>(seed: u64, bits: impl Fn(T) -> u64) {
            let mut rng = crate::Rng::seed(seed);
            for n in 0..40 {
                for _ in 0..8 {
                    // Mixed magnitudes so that the order of the sums shows.
                    let a: [T; 41] = core::array::from_fn(|i| {
                        T::cast(rng.normal() * if i % 3 == 0 { 1e4 } else { 1e-3 })
                    });
                    let b: [T; 41] = core::array::from_fn(|_| T::cast(rng.normal()));
                    let want = dot_lanes_reference(&a[..n], &b[..n]);
                    for (spelling, got) in [
                        ("dot", dot(&a[..n], &b[..n])),
                        ("array", dot_array_lanes(&a[..n], &b[..n])),
                        ("scalar", dot_scalar_lanes(&a[..n], &b[..n])),
                    ] {
                        assert_eq!(
                            bits(got),
                            bits(want),
                            "{spelling}, n = {n}: {got:?} vs {want:?}"
                        );
                    }
                    // Unequal lengths use the shorter one.
                    assert_eq!(bits(dot(&a[..n], &b[..n + 1])), bits(want));
                }
            }
        }
        check::<f32>(1, |v| v.to_bits() as u64);
        check::<f64>(2, f64::to_bits);
    }

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

    #[test]
    fn all_finite_finds_any_infinity_or_nan_wherever_it_is() {
        let mut x = [1e30f32; 37];
        assert!(super::all_finite(&x) && super::all_finite::<f32>(&[]));
        for bad in [f32::INFINITY, f32::NEG_INFINITY, f32::NAN] {
            for at in [0, 7, 8, 31, 32, 35, 36] {
                let keep = x[at];
                x[at] = bad;
                assert!(!super::all_finite(&x), "{bad} at {at}");
                x[at] = keep;
            }
        }
        assert!(super::all_finite(&[f64::MAX, -f64::MAX, f64::MIN_POSITIVE]));
    }
}
