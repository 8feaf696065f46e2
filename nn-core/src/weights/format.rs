//! The byte layout of nn's weight files and checkpoints, little endian:
//!
//! ```text
//! offset  size  field
//! 0       4     magic "NNWT"
//! 4       2     format version (1)
//! 6       1     float size of the network's tensors: 4 (f32) or 8 (f64)
//! 7       1     kind: 0 weights, 1 checkpoint
//! 8       8     architecture fingerprint (FNV-1a of names, shapes, roles)
//! 16      4     number of entries
//! 20      ...   entries, one after the other:
//!                 u16 name length, name (UTF-8, 1..=1024 bytes),
//!                 u8 element type (1 f32, 2 f64, 3 u64, 4 u8), u8 rank (0..=8),
//!                 u32 per dimension, then the elements
//! end-4   4     CRC-32 (IEEE) of every byte before it
//! ```
//!
//! A weight file's entries are the network's tensors in their order
//! (`layer.name`), then its buffers; a checkpoint continues with the
//! optimizer's state (`optimizer.`...) and whatever else was saved with it.
//! [`WeightFile::parse`] checks all of it (sizes with overflow checks,
//! bounds, UTF-8, the checksum) before anything reads an entry, so the
//! readers after it cannot fail on the structure.

use super::error::WeightsError;

/// The first four bytes of every file.
pub const MAGIC: [u8; 4] = *b"NNWT";
/// The format version this build writes and reads.
pub const VERSION: u16 = 1;
/// The most dimensions a stored tensor may have.
pub const MAX_RANK: usize = 8;
/// The longest tensor name, in bytes.
pub const MAX_NAME: usize = 1024;

pub(crate) const HEADER: usize = 20;
pub(crate) const TRAILER: usize = 4;

/// What a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A network's tensors and buffers.
    Weights,
    /// A network's, then an optimizer's and a trainer's state.
    Checkpoint,
}

/// The element type of a stored entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dtype {
    /// IEEE single.
    F32,
    /// IEEE double.
    F64,
    /// Unsigned 64-bit integer (step counts, generator state).
    U64,
    /// Bytes (names, as a label encoder's).
    U8,
}

impl Dtype {
    pub(crate) fn code(self) -> u8 {
        match self {
            Dtype::F32 => 1,
            Dtype::F64 => 2,
            Dtype::U64 => 3,
            Dtype::U8 => 4,
        }
    }

    fn from_code(c: u8) -> Option<Self> {
        match c {
            1 => Some(Dtype::F32),
            2 => Some(Dtype::F64),
            3 => Some(Dtype::U64),
            4 => Some(Dtype::U8),
            _ => None,
        }
    }

    /// Bytes per element.
    pub fn size(self) -> usize {
        match self {
            Dtype::U8 => 1,
            Dtype::F32 => 4,
            Dtype::F64 | Dtype::U64 => 8,
        }
    }

    /// `f32`, `f64` or `u64`.
    pub fn name(self) -> &'static str {
        match self {
            Dtype::F32 => "f32",
            Dtype::F64 => "f64",
            Dtype::U64 => "u64",
            Dtype::U8 => "u8",
        }
    }

    /// The type of a float of `size` bytes.
    pub(crate) fn float_of_size(size: usize) -> Self {
        if size == 8 {
            Dtype::F64
        } else {
            Dtype::F32
        }
    }
}

/// CRC-32 (IEEE 802.3, reflected, as zlib's `crc32`), table-driven.
#[derive(Clone, Copy)]
pub(crate) struct Crc32(u32);

const CRC_TABLE: [u32; 256] = {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xedb8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
};

impl Crc32 {
    pub(crate) fn new() -> Self {
        Self(!0)
    }

    pub(crate) fn update(&mut self, bytes: &[u8]) {
        let mut c = self.0;
        for &b in bytes {
            c = CRC_TABLE[((c ^ b as u32) & 0xff) as usize] ^ (c >> 8);
        }
        self.0 = c;
    }

    pub(crate) fn finish(self) -> u32 {
        !self.0
    }
}

/// 64-bit FNV-1a, for architecture fingerprints.
#[derive(Clone, Copy)]
pub(crate) struct Fnv(u64);

impl Fnv {
    pub(crate) fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }

    pub(crate) fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        for &b in bytes {
            self.0 = (self.0 ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3);
        }
        self
    }

    pub(crate) fn u64(&mut self, v: u64) -> &mut Self {
        self.bytes(&v.to_le_bytes())
    }

    pub(crate) fn finish(&self) -> u64 {
        self.0
    }
}

/// One stored entry, borrowed from the file's bytes.
#[derive(Clone, Copy, Debug)]
pub struct Entry<'a> {
    /// The name (`layer.name`, `optimizer.m.layer.name`, ...).
    pub name: &'a str,
    /// The element type.
    pub dtype: Dtype,
    dims: [u32; MAX_RANK],
    rank: u8,
    data: &'a [u8],
    /// Byte offset of the entry in the file (for messages).
    pub offset: u64,
    /// Byte offset of its first element in the file.
    pub data_offset: u64,
}

impl<'a> Entry<'a> {
    /// The shape, outermost first (empty for a scalar).
    pub fn shape(&self) -> &[u32] {
        &self.dims[..self.rank as usize]
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.data.len() / self.dtype.size()
    }

    /// Whether the entry has no elements.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Element `i` as `f64` (an `f32` widened exactly; a `u64` converted).
    pub fn f64_at(&self, i: usize) -> f64 {
        match self.dtype {
            Dtype::F32 => f32::from_le_bytes(self.word::<4>(i)) as f64,
            Dtype::F64 => f64::from_le_bytes(self.word::<8>(i)),
            Dtype::U64 => u64::from_le_bytes(self.word::<8>(i)) as f64,
            Dtype::U8 => self.data.get(i).copied().map_or(0.0, f64::from),
        }
    }

    /// The elements' bytes, little endian (a `u8` entry's values).
    pub fn bytes(&self) -> &'a [u8] {
        self.data
    }

    /// Element `i` of a `u64` entry.
    pub fn u64_at(&self, i: usize) -> u64 {
        u64::from_le_bytes(self.word::<8>(i))
    }

    fn word<const N: usize>(&self, i: usize) -> [u8; N] {
        let mut w = [0; N];
        if let Some(b) = self.data.get(i * N..(i + 1) * N) {
            w.copy_from_slice(b);
        }
        w
    }
}

/// A checked weight file or checkpoint.
#[derive(Clone, Copy, Debug)]
pub struct WeightFile<'a> {
    /// Bytes per float of the network's tensors (4 or 8).
    pub float_size: usize,
    /// Weights or checkpoint.
    pub kind: FileKind,
    /// The architecture fingerprint.
    pub fingerprint: u64,
    count: u32,
    body: &'a [u8],
}

fn le_u16(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn le_u32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

impl<'a> WeightFile<'a> {
    /// Checks `bytes` completely (header, checksum, every entry) and
    /// returns the file. Never panics, whatever the bytes.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, WeightsError> {
        let got = bytes.len() as u64;
        if bytes.len() < 4 || bytes[..4] != MAGIC {
            let mut found = [0; 4];
            for (f, b) in found.iter_mut().zip(bytes) {
                *f = *b;
            }
            if bytes.len() < 4 && MAGIC.starts_with(bytes) {
                return Err(WeightsError::Truncated {
                    needed: (HEADER + TRAILER) as u64,
                    got,
                });
            }
            return Err(WeightsError::BadMagic { found });
        }
        if bytes.len() < HEADER + TRAILER {
            return Err(WeightsError::Truncated {
                needed: (HEADER + TRAILER) as u64,
                got,
            });
        }
        let version = le_u16(bytes, 4);
        if version != VERSION {
            return Err(WeightsError::UnsupportedVersion {
                found: version,
                supported: VERSION,
            });
        }
        let end = bytes.len() - TRAILER;
        let stored = le_u32(bytes, end);
        let mut crc = Crc32::new();
        crc.update(&bytes[..end]);
        let computed = crc.finish();
        if stored != computed {
            return Err(WeightsError::Checksum { stored, computed });
        }
        let float_size = match bytes[6] {
            4 => 4,
            8 => 8,
            _ => {
                return Err(WeightsError::Malformed {
                    offset: 6,
                    what: "the float size is neither 4 nor 8",
                })
            }
        };
        let kind = match bytes[7] {
            0 => FileKind::Weights,
            1 => FileKind::Checkpoint,
            _ => {
                return Err(WeightsError::Malformed {
                    offset: 7,
                    what: "unknown file kind",
                })
            }
        };
        let mut fp = [0; 8];
        fp.copy_from_slice(&bytes[8..16]);
        let count = le_u32(bytes, 16);
        let file = Self {
            float_size,
            kind,
            fingerprint: u64::from_le_bytes(fp),
            count,
            body: &bytes[..end],
        };
        let mut at = HEADER;
        for _ in 0..count {
            at = parse_entry(file.body, at)?.1;
        }
        if at != end {
            return Err(WeightsError::Malformed {
                offset: at as u64,
                what: "bytes after the last entry",
            });
        }
        Ok(file)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.count as usize
    }

    /// Whether the file holds no entry.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The entries in file order.
    pub fn entries(&self) -> Entries<'a> {
        Entries {
            body: self.body,
            at: HEADER,
            left: self.count,
        }
    }
}

/// The entries of a [`WeightFile`], in order.
#[derive(Clone, Debug)]
pub struct Entries<'a> {
    body: &'a [u8],
    at: usize,
    left: u32,
}

impl<'a> Iterator for Entries<'a> {
    type Item = Entry<'a>;
    fn next(&mut self) -> Option<Entry<'a>> {
        if self.left == 0 {
            return None;
        }
        // The file was checked by `parse`; an error here cannot happen and
        // ends the iteration instead of panicking.
        let (e, next) = parse_entry(self.body, self.at).ok()?;
        self.at = next;
        self.left -= 1;
        Some(e)
    }
}

/// The entry at `at`, and where the next one starts.
fn parse_entry(b: &[u8], at: usize) -> Result<(Entry<'_>, usize), WeightsError> {
    let malformed = |offset: usize, what| WeightsError::Malformed {
        offset: offset as u64,
        what,
    };
    let need = |at: usize, n: usize| -> Result<usize, WeightsError> {
        match at.checked_add(n) {
            Some(e) if e <= b.len() => Ok(e),
            _ => Err(WeightsError::Truncated {
                needed: at as u64 + n as u64 + TRAILER as u64,
                got: (b.len() + TRAILER) as u64,
            }),
        }
    };
    let start = at;
    let p = need(at, 2)?;
    let name_len = le_u16(b, at) as usize;
    if name_len == 0 || name_len > MAX_NAME {
        return Err(malformed(
            at,
            "a tensor name is empty or longer than 1024 bytes",
        ));
    }
    let q = need(p, name_len)?;
    let name =
        core::str::from_utf8(&b[p..q]).map_err(|_| malformed(p, "a tensor name is not UTF-8"))?;
    let r = need(q, 2)?;
    let dtype = Dtype::from_code(b[q]).ok_or(malformed(q, "unknown element type"))?;
    let rank = b[q + 1] as usize;
    if rank > MAX_RANK {
        return Err(malformed(q + 1, "more than 8 dimensions"));
    }
    let s = need(r, 4 * rank)?;
    let mut dims = [0u32; MAX_RANK];
    let mut elements: u64 = 1;
    for (k, d) in dims.iter_mut().enumerate().take(rank) {
        *d = le_u32(b, r + 4 * k);
        elements = elements
            .checked_mul(*d as u64)
            .ok_or(malformed(r, "the element count overflows"))?;
    }
    let bytes = elements
        .checked_mul(dtype.size() as u64)
        .filter(|n| *n <= usize::MAX as u64)
        .ok_or(malformed(r, "the element count overflows"))? as usize;
    let e = need(s, bytes)?;
    Ok((
        Entry {
            name,
            dtype,
            dims,
            rank: rank as u8,
            data: &b[s..e],
            offset: start as u64,
            data_offset: s as u64,
        },
        e,
    ))
}

/// Where encoded bytes go.
pub(crate) trait Sink {
    fn put(&mut self, bytes: &[u8]);
}

/// Counts bytes (the first pass of an encoding).
pub(crate) struct Counter(pub usize);

impl Sink for Counter {
    fn put(&mut self, bytes: &[u8]) {
        self.0 += bytes.len();
    }
}

/// Writes into a slice that the first pass has sized.
pub(crate) struct SliceSink<'a> {
    pub buf: &'a mut [u8],
    pub at: usize,
}

impl Sink for SliceSink<'_> {
    fn put(&mut self, bytes: &[u8]) {
        let end = (self.at + bytes.len()).min(self.buf.len());
        let n = end - self.at.min(end);
        if let Some(dst) = self.buf.get_mut(self.at..end) {
            dst.copy_from_slice(&bytes[..n]);
        }
        self.at += bytes.len();
    }
}

#[cfg(feature = "alloc")]
impl Sink for alloc::vec::Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_is_zlibs() {
        // zlib.crc32(b"123456789") == 0xcbf43926, the standard check value.
        let mut c = Crc32::new();
        c.update(b"123456789");
        assert_eq!(c.finish(), 0xcbf4_3926);
        // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c.
        assert_eq!(Fnv::new().bytes(b"a").finish(), 0xaf63_dc4c_8601_ec8c);
    }
}
