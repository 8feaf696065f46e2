//! What can go wrong with a weight file, said with the tensor's name and
//! the sizes, without an allocator (names are copied into a fixed buffer).

use core::fmt;

/// A tensor's name as an error reports it: up to 39 bytes, longer names cut
/// with `...` (no allocator needed, and errors stay small to return).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Name {
    buf: [u8; Name::CAP],
    len: u8,
}

impl Name {
    const CAP: usize = 39;

    /// The name of the parts joined by `.`, skipping empty parts.
    pub(crate) fn join(parts: &[&str]) -> Self {
        let mut n = Self {
            buf: [0; Self::CAP],
            len: 0,
        };
        let mut first = true;
        for part in parts.iter().filter(|p| !p.is_empty()) {
            if !first {
                n.push(".");
            }
            n.push(part);
            first = false;
        }
        n
    }

    /// `s` as a name.
    pub(crate) fn of(s: &str) -> Self {
        Self::join(&[s])
    }

    fn push(&mut self, s: &str) {
        for ch in s.chars() {
            let mut b = [0; 4];
            let b = ch.encode_utf8(&mut b).as_bytes();
            let len = self.len as usize;
            if len + b.len() > Self::CAP - 3 {
                if len + 3 <= Self::CAP && !self.as_str().ends_with("...") {
                    self.buf[len..len + 3].copy_from_slice(b"...");
                    self.len += 3;
                }
                return;
            }
            self.buf[len..len + b.len()].copy_from_slice(b);
            self.len += b.len() as u8;
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        // Only whole UTF-8 characters and ASCII dots are ever pushed.
        core::str::from_utf8(&self.buf[..self.len as usize]).unwrap_or("?")
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

/// A shape as an error reports it (at most [`MAX_RANK`](super::MAX_RANK)
/// dimensions).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    dims: [u32; super::MAX_RANK],
    rank: u8,
}

impl Shape {
    pub(crate) fn of(dims: &[u32]) -> Self {
        let mut s = Self {
            dims: [0; super::MAX_RANK],
            rank: dims.len().min(super::MAX_RANK) as u8,
        };
        s.dims[..s.rank as usize].copy_from_slice(&dims[..s.rank as usize]);
        s
    }

    pub(crate) fn of_usize(dims: &[usize]) -> Self {
        let mut s = Self {
            dims: [0; super::MAX_RANK],
            rank: dims.len().min(super::MAX_RANK) as u8,
        };
        for (d, v) in s.dims.iter_mut().zip(dims) {
            *d = (*v).min(u32::MAX as usize) as u32;
        }
        s
    }

    /// The dimensions, outermost first.
    pub fn dims(&self) -> &[u32] {
        &self.dims[..self.rank as usize]
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (k, d) in self.dims().iter().enumerate() {
            if k > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{d}")?;
        }
        f.write_str("]")
    }
}

impl fmt::Debug for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Why a weight file, a checkpoint or a safetensors file could not be
/// written or read. Loading validates the whole file before it changes
/// anything, so after an error the network (and optimizer, trainer, ...)
/// is exactly as it was.
#[derive(Debug)]
#[non_exhaustive]
pub enum WeightsError {
    /// The bytes end before the structure they announce.
    Truncated {
        /// Bytes needed.
        needed: u64,
        /// Bytes there.
        got: u64,
    },
    /// Not a weight file of ours: the first four bytes are not `NNWT`.
    BadMagic {
        /// The first bytes found.
        found: [u8; 4],
    },
    /// A format version this build does not read.
    UnsupportedVersion {
        /// The file's version.
        found: u16,
        /// The version this build reads and writes.
        supported: u16,
    },
    /// The stored checksum does not match the contents (a damaged file).
    Checksum {
        /// CRC-32 in the file.
        stored: u32,
        /// CRC-32 of the contents.
        computed: u32,
    },
    /// The structure is broken at `offset`.
    Malformed {
        /// Byte offset in the file.
        offset: u64,
        /// What is wrong there.
        what: &'static str,
    },
    /// The file's tensors are of another float type than the network's.
    WrongFloat {
        /// The file's (`f32`, `f64`).
        file: &'static str,
        /// The network's.
        network: &'static str,
    },
    /// A weight file was given where a checkpoint is needed.
    NotACheckpoint,
    /// Every name and shape matches but the architecture fingerprints
    /// differ (a layer of another kind with the same tensors).
    Fingerprint {
        /// The file's.
        file: u64,
        /// The network's.
        network: u64,
    },
    /// The network has a tensor the file does not.
    Missing {
        /// The network's tensor.
        name: Name,
    },
    /// The file has a tensor where the network expects another one (or
    /// none: `expected` is empty).
    Unexpected {
        /// The file's tensor.
        name: Name,
        /// What the network expects at that place.
        expected: Name,
    },
    /// The file holds a tensor twice.
    Duplicate {
        /// The tensor.
        name: Name,
    },
    /// A tensor has another shape in the file than in the network.
    WrongShape {
        /// The tensor.
        name: Name,
        /// Its shape in the file.
        file: Shape,
        /// Its shape in the network.
        expected: Shape,
    },
    /// A tensor is stored with another element type than expected (and no
    /// conversion was asked for).
    WrongDtype {
        /// The tensor.
        name: Name,
        /// The file's element type.
        file: &'static str,
        /// The one expected.
        expected: &'static str,
    },
    /// A value is NaN or infinite (in a file being loaded, or in a network
    /// being saved: nothing is written then).
    NotFinite {
        /// The tensor.
        name: Name,
        /// The flat index of the first such value.
        index: u64,
    },
    /// The output buffer is too small.
    BufferTooSmall {
        /// Bytes needed.
        needed: u64,
        /// Bytes given.
        got: u64,
    },
    /// A safetensors file is malformed (as its reader says).
    #[cfg(feature = "std")]
    Safetensors(std::boxed::Box<safetensors::SafeTensorError>),
    /// Reading or writing a file failed.
    #[cfg(feature = "std")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

impl fmt::Display for WeightsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use WeightsError::*;
        match self {
            Truncated { needed, got } => write!(
                f,
                "the weight data is truncated: {needed} bytes are needed, {got} are there"
            ),
            BadMagic { found } => write!(
                f,
                "not an nn weight file: it starts with {found:02x?}, not `NNWT`"
            ),
            UnsupportedVersion { found, supported } => write!(
                f,
                "weight file format version {found}; this build reads version {supported}"
            ),
            Checksum { stored, computed } => write!(
                f,
                "the weight file is damaged: its checksum is {stored:08x}, its contents give {computed:08x}"
            ),
            Malformed { offset, what } => {
                write!(f, "the weight file is malformed at byte {offset}: {what}")
            }
            WrongFloat { file, network } => write!(
                f,
                "the file holds {file} tensors and the network computes in {network}; load it into `Net<{file}>`"
            ),
            NotACheckpoint => f.write_str(
                "this is a weight file, not a checkpoint: it holds no optimizer or trainer state; load it with `nn::weights::load`",
            ),
            Fingerprint { file, network } => write!(
                f,
                "the file was made for another architecture (fingerprint {file:016x}, the network's is {network:016x})"
            ),
            Missing { name } => write!(f, "the file has no tensor `{name}`"),
            Unexpected { name, expected } if expected.as_str().is_empty() => write!(
                f,
                "the file has a tensor `{name}` that the network does not have"
            ),
            Unexpected { name, expected } => write!(
                f,
                "the file has a tensor `{name}` where the network expects `{expected}` (the file was made for another architecture)"
            ),
            Duplicate { name } => write!(f, "the file holds the tensor `{name}` twice"),
            WrongShape {
                name,
                file,
                expected,
            } => write!(
                f,
                "tensor `{name}` has shape {file} in the file and {expected} in the network"
            ),
            WrongDtype {
                name,
                file,
                expected,
            } => write!(
                f,
                "tensor `{name}` is stored as {file}, {expected} is expected"
            ),
            NotFinite { name, index } => write!(
                f,
                "tensor `{name}` has a value that is not finite at index {index}"
            ),
            BufferTooSmall { needed, got } => write!(
                f,
                "the output buffer has {got} bytes, the file needs {needed}"
            ),
            #[cfg(feature = "std")]
            Safetensors(e) => write!(f, "not a valid safetensors file: {e}"),
            #[cfg(feature = "std")]
            Io { path, source } => write!(f, "{}: {source}", path.display()),
        }
    }
}

impl core::error::Error for WeightsError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            #[cfg(feature = "std")]
            WeightsError::Io { source, .. } => Some(source),
            #[cfg(feature = "std")]
            WeightsError::Safetensors(e) => Some(&**e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    #[test]
    fn long_names_are_cut_and_parts_joined() {
        assert_eq!(Name::join(&["", "fc", "weight"]).as_str(), "fc.weight");
        let long = "x".repeat(200);
        assert!(core::mem::size_of::<WeightsError>() <= 120);
        let n = Name::of(&long);
        assert_eq!(n.as_str().len(), Name::CAP);
        assert!(n.as_str().ends_with("..."));
        let multi = "é".repeat(100);
        assert!(Name::of(&multi).as_str().ends_with("..."));
        assert_eq!(Shape::of_usize(&[10, 64]).to_string(), "[10, 64]");
    }
}
