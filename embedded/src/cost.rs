//! Instructions per call, from SysTick under QEMU's `-icount shift=0`:
//! the guest executes one instruction per virtual nanosecond and SysTick
//! on the processor clock ticks at 25 MHz, so a tick is 40 instructions
//! (`../shared/EMBEDDED.md`). Instruction counts, not hardware cycles.

use cortex_m::peripheral::syst::SystClkSource;
use cortex_m::peripheral::SYST;

/// Instructions per tick under `-icount shift=0` on `mps2-an386`.
const PER_TICK: u32 = 40;

/// Mean instructions of one call of `f` over `calls` calls (at most 2^24
/// ticks in all, 671 million instructions; in `u32`, as 64-bit division
/// would link a kilobyte of soft division).
pub fn instructions_per(syst: &mut SYST, calls: u32, mut f: impl FnMut()) -> u32 {
    syst.set_clock_source(SystClkSource::Core);
    syst.set_reload(0x00FF_FFFF);
    syst.clear_current();
    syst.enable_counter();
    let start = SYST::get_current();
    for _ in 0..calls {
        f();
    }
    let end = SYST::get_current();
    syst.disable_counter();
    // A down-counter.
    (start.wrapping_sub(end) & 0x00FF_FFFF) * PER_TICK / calls.max(1)
}
