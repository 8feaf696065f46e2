//! Stack measurement on the device, by painting: cortex-m-rt's
//! `paint-stack` fills the free RAM between the statics and the initial
//! stack pointer with `0xcccc_cccc` before `main`, so the deepest word no
//! longer holding it is the program's high-water mark; [`used_by`] does
//! the same for one call.

/// The paint of cortex-m-rt's `paint-stack`.
const PAINT: u32 = 0xcccc_cccc;

extern "C" {
    /// The initial stack pointer (the top of RAM), from cortex-m-rt.
    static _stack_start: u32;
    /// The lowest address the stack may reach: the end of the statics.
    static _stack_end: u32;
}

/// Bytes of stack the program has used so far: from the top of RAM down
/// to the deepest word that lost its paint.
pub fn high_water() -> usize {
    // Only the symbols' addresses are taken (no read: no `unsafe`).
    let (top, bottom) = (
        core::ptr::addr_of!(_stack_start) as usize,
        core::ptr::addr_of!(_stack_end) as usize,
    );
    let mut a = bottom;
    // SAFETY: RAM between the statics and the stack, painted at reset and
    // read a word at a time.
    while a < top && unsafe { core::ptr::read_volatile(a as *const u32) } == PAINT {
        a += 4;
    }
    top - a
}

/// Bytes of stack `f` uses: paints the 4 KiB below the current stack
/// pointer, runs `f`, and finds the deepest word it overwrote. The paint
/// is cortex-m-rt's own, so [`high_water`] still sees only real use.
#[inline(never)]
pub fn used_by(f: impl FnOnce()) -> usize {
    const SPAN: usize = 4096;
    let sp = cortex_m::register::msp::read() as usize;
    let bottom = sp - SPAN;
    for a in (bottom..sp).step_by(4) {
        // SAFETY: free stack below the stack pointer (memory.x leaves far
        // more than 4 KiB between the statics and the stack); nothing
        // lives there until `f` runs.
        unsafe { core::ptr::write_volatile(a as *mut u32, PAINT) };
    }
    f();
    let mut a = bottom;
    // SAFETY: the same words, read back.
    while a < sp && unsafe { core::ptr::read_volatile(a as *const u32) } == PAINT {
        a += 4;
    }
    sp - a
}
