//! The per-sample side input: what a sample carries besides its input
//! tensor, passed to every layer with the sample. Today that is the
//! runtime length of a sequence (recurrent layers run only its first
//! steps; layers after them leave the rest zero); a tree's structure is the
//! next field it will carry. Plain layers ignore it.
//!
//! "The whole sample" has one meaning: [`Side::WHOLE`], every step of a
//! sequence's capacity. A batch of runtime size `n < B` (the last, partial
//! batch of an epoch) fills its other slots with [`Side::PADDING`]: no
//! steps, no share in batch statistics, no loss and no gradient.

use crate::Zeroable;

/// The side input of one sample.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Side {
    len: usize,
    padding: bool,
}

// SAFETY: an integer and a bool; all-zero is a valid (empty) sequence
// length of a real sample.
#[allow(unsafe_code)]
unsafe impl Zeroable for Side {}

impl Side {
    /// The whole sample: every step of a sequence.
    pub const WHOLE: Side = Side {
        len: usize::MAX,
        padding: false,
    };

    /// A slot of the batch that holds no sample: it fills a partial batch
    /// up to its const size `B`. Layers give it no steps and leave it out
    /// of batch statistics; the training step gives it no loss.
    pub const PADDING: Side = Side {
        len: 0,
        padding: true,
    };

    /// A sequence of `len` real steps (more than the capacity means all).
    pub const fn len(len: usize) -> Side {
        Side {
            len,
            padding: false,
        }
    }

    /// True for a [`Side::PADDING`] slot.
    pub const fn is_padding(&self) -> bool {
        self.padding
    }

    /// The real steps of a sequence of capacity `capacity` (none for
    /// padding).
    pub const fn steps(&self, capacity: usize) -> usize {
        if self.padding {
            0
        } else if self.len < capacity {
            self.len
        } else {
            capacity
        }
    }

    /// Sides for a batch from runtime lengths.
    pub fn of_lengths<const B: usize>(lens: &[usize; B]) -> [Side; B] {
        lens.map(Side::len)
    }
}

impl Default for Side {
    fn default() -> Self {
        Side::WHOLE
    }
}

#[cfg(test)]
mod tests {
    use super::Side;

    #[test]
    fn one_meaning_of_whole() {
        assert_eq!(Side::WHOLE.steps(6), 6);
        assert_eq!(Side::len(6).steps(6), 6);
        assert_eq!(Side::len(100).steps(6), 6);
        assert_eq!(Side::len(2).steps(6), 2);
        assert_eq!(Side::len(0).steps(6), 0);
        assert_eq!(Side::of_lengths(&[1, 9]), [Side::len(1), Side::len(9)]);
        assert_eq!(Side::PADDING.steps(6), 0);
        assert!(Side::PADDING.is_padding() && !Side::len(0).is_padding());
    }
}
