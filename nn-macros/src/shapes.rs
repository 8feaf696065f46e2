//! Shapes with a layout: what the dimensions of an activation mean. A
//! rank-2 shape is either channels `[C, L]` (a convolution's output) or a
//! sequence `[L, F]` (what a recurrent layer reads and gives), and the
//! checker must tell them apart to catch a `Conv1d` feeding an `Lstm`.

/// A shape, outermost dimension first (`[channels, height, width]`).
pub type Shape = Vec<usize>;

/// Number of elements of a shape (saturating: the checks reject sizes
/// above 2^32 before codegen, and must not overflow on the way).
pub fn len(shape: &[usize]) -> usize {
    shape.iter().fold(1, |a, d| a.saturating_mul(*d))
}

/// `[1, 8, 8]`.
pub fn show(shape: &[usize]) -> String {
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    format!("[{}]", dims.join(", "))
}

/// What the dimensions of a shape mean.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Layout {
    /// `[N]` features.
    Flat,
    /// `[C, H, W]`.
    Image,
    /// `[C, L]`: channels at positions (a `Conv1d` output).
    Channels,
    /// `[L, F]`: steps of features (a recurrent layer with
    /// `sequences = true`).
    Sequence,
    /// A declared rank-2 or rank-4 input, which the first layer reads as it
    /// needs (`[1, 32]` as channels for `Conv1d`, `[6, 1]` as steps for
    /// `Lstm`).
    Declared,
}

/// Every layout, for kinds that read any.
pub const ANY: &[Layout] = &[
    Layout::Flat,
    Layout::Image,
    Layout::Channels,
    Layout::Sequence,
    Layout::Declared,
];

impl Layout {
    /// The layout of a declared input of this rank.
    pub fn of_input(rank: usize) -> Layout {
        match rank {
            1 => Layout::Flat,
            3 => Layout::Image,
            _ => Layout::Declared,
        }
    }

    /// How a shape of this layout reads in a message.
    pub fn describe(self, dims: &[usize]) -> String {
        let shape = show(dims);
        match (self, dims) {
            (Layout::Channels, [c, l]) => {
                format!("channels {shape} ({c} channels at {l} positions)")
            }
            (Layout::Sequence, [l, f]) => format!("a sequence {shape} ({l} steps of {f} features)"),
            _ => shape,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Layout;

    #[test]
    fn rank_two_says_what_it_is() {
        assert_eq!(Layout::of_input(2), Layout::Declared);
        assert_eq!(
            Layout::Channels.describe(&[16, 26]),
            "channels [16, 26] (16 channels at 26 positions)"
        );
        assert_eq!(
            Layout::Sequence.describe(&[6, 32]),
            "a sequence [6, 32] (6 steps of 32 features)"
        );
        assert_eq!(Layout::Flat.describe(&[10]), "[10]");
    }
}
