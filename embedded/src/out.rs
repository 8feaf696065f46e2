//! Text to the host's console without `core::fmt`: strings and integers
//! written by semihosting as they come (`core::fmt` alone is about two
//! kilobytes of flash, more than half of the sine firmware, and a line
//! buffer would cost its length in stack).

use cortex_m_semihosting::hio;

/// The host's standard output (writes are dropped if it cannot be
/// opened: the exit status is what CI checks).
pub struct Console(Option<hio::HostStream>);

impl Console {
    /// Opens the host's standard output.
    pub fn open() -> Self {
        Self(hio::hstdout().ok())
    }

    /// Writes `s`.
    pub fn text(&mut self, s: &str) -> &mut Self {
        if let Some(out) = &mut self.0 {
            let _ = out.write_all(s.as_bytes());
        }
        self
    }

    /// Writes `v` in decimal.
    pub fn int(&mut self, v: i32) -> &mut Self {
        let mut digits = [0u8; 11];
        let mut at = digits.len();
        let mut rest = v.unsigned_abs();
        for slot in digits.iter_mut().rev() {
            *slot = b'0' + (rest % 10) as u8;
            at -= 1;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        if v < 0 {
            self.text("-");
        }
        if let (Some(out), Some(s)) = (&mut self.0, digits.get(at..)) {
            let _ = out.write_all(s);
        }
        self
    }

    /// Writes `s` and a newline.
    pub fn line(&mut self, s: &str) -> &mut Self {
        self.text(s).text("\n")
    }
}
