//! A panic handler that proves there is no panic: it calls a function
//! that no object defines, so a release build links only when the
//! optimiser removed every call to it, that is every panic path. A debug
//! build keeps its overflow checks and prints panics by semihosting.

#[cfg(not(debug_assertions))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    extern "C" {
        /// Defined nowhere: an "undefined symbol" link error naming it
        /// means the firmware has a panic path.
        fn firmware_has_a_panic_path() -> !;
    }
    // SAFETY: never called in a binary that links.
    unsafe { firmware_has_a_panic_path() }
}

#[cfg(debug_assertions)]
use panic_semihosting as _;
