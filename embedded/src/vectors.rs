//! The board's 32 interrupt vectors (QEMU's `mps2-an386` has 32 external
//! interrupts), all to cortex-m-rt's default handler. Without its
//! `device` feature cortex-m-rt fills 240, 960 bytes of flash, most of
//! them for interrupts this processor does not have; none is enabled here.

#[link_section = ".vector_table.interrupts"]
#[no_mangle]
static __INTERRUPTS: [unsafe extern "C" fn(); 32] = [{
    extern "C" {
        fn DefaultHandler();
    }
    DefaultHandler
}; 32];
