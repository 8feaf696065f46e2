//! A panic handler that proves there is no panic: it calls a function
//! that no object defines, so a release build links only when the
//! optimiser removed every call to it, that is every panic path. A debug
//! build keeps its overflow checks and prints panics by semihosting, as
//! does the `find-panics` feature, with which `find-panics.sh` names the
//! source line of every panic left.

#[cfg(not(any(debug_assertions, feature = "find-panics")))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    extern "C" {
        /// Defined nowhere: an "undefined symbol" link error naming it
        /// means the firmware has a panic path (`find-panics.sh` says
        /// where).
        fn firmware_has_a_panic_path() -> !;
    }
    // SAFETY: never called in a binary that links.
    unsafe { firmware_has_a_panic_path() }
}

#[cfg(any(debug_assertions, feature = "find-panics"))]
use panic_semihosting as _;
