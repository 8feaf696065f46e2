//! The end of a firmware run: QEMU's exit status says whether its checks
//! passed (CI fails on 1, and on a timeout).

use cortex_m_semihosting::debug;

/// Exits QEMU with status 0 when `ok`, 1 otherwise.
pub fn exit(ok: bool) -> ! {
    debug::exit(if ok {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    // Not reached under QEMU; on hardware, wait for the debugger.
    loop {
        cortex_m::asm::bkpt();
    }
}
