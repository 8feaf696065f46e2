//! Weight files and checkpoints: a trained network leaves the process and
//! comes back bit for bit.
//!
//! - **Weights** ([`write()`]/[`read()`] on byte slices, no allocator; with
//!   `std`, [`save`]/[`load`] on files): the network's tensors and buffers
//!   in nn's own format (see the layout in `format.rs`: magic, version,
//!   float type, an architecture fingerprint, named entries, CRC-32).
//! - **Checkpoints** ([`write_checkpoint`]/[`read_checkpoint`],
//!   [`save_checkpoint`]/[`load_checkpoint`]): the network, the
//!   optimizer's whole state (hyper-parameters, moments, step count) and
//!   anything else that implements [`Stateful`] (the `Trainer`'s epoch and
//!   random generator, a fitted `Standardizer`, a tuple of them), so that
//!   training resumes exactly where it stopped.
//! - **PyTorch exchange** (std): [`export_safetensors`],
//!   [`import_safetensors`], [`save_safetensors`], [`load_safetensors`]:
//!   safetensors files under PyTorch's `state_dict` names (see
//!   `exchange.rs` for the names and what converts).
//!
//! Loading checks the whole file (structure, checksum, every name, type,
//! shape and value) before it changes anything: after an error the network
//! and the rest are as they were. Saving refuses a network with a value
//! that is not finite, and with `std` writes a temporary file beside the
//! target and renames it over the target only once everything is on disk,
//! so a crash mid-save leaves the old file or the new one, never a mix.
//!
//! The README's "Saving and loading" section shows both in use.

mod error;
mod flash;
mod format;
mod state;

#[cfg(feature = "std")]
mod exchange;
#[cfg(feature = "std")]
mod file;

pub use error::{Name, Shape, WeightsError};
#[cfg(feature = "std")]
pub use exchange::{
    export as export_safetensors, import as import_safetensors, load_safetensors, save_safetensors,
    Import,
};
#[cfg(feature = "std")]
pub(crate) use file::write_atomically as write_file_atomically;
#[cfg(feature = "std")]
pub use file::{load, load_checkpoint, save, save_checkpoint};
#[doc(hidden)]
pub use flash::fill_f32;
pub use format::{Dtype, Entries, Entry, FileKind, WeightFile, MAGIC, MAX_NAME, MAX_RANK, VERSION};
pub use state::{fingerprint, StateReader, StateWriter};

use crate::optim::Optimizer;
use crate::{Float, Params};
use format::{Counter, Sink, SliceSink, HEADER, TRAILER};

/// State that travels in a checkpoint beside the network and the
/// optimizer: implemented by the `Trainer`, the `Standardizer`, [`Rng`],
/// `()` (nothing) and tuples of them.
///
/// [`Rng`]: crate::Rng
pub trait Stateful {
    /// Writes the state as named entries.
    fn save_state(&self, w: &mut StateWriter<'_>);
    /// Reads back what [`save_state`](Self::save_state) wrote (called
    /// twice: a checking pass, then one that copies; see
    /// [`StateReader`]).
    fn load_state(&mut self, r: &mut StateReader<'_>) -> Result<(), WeightsError>;
}

impl Stateful for () {
    fn save_state(&self, _: &mut StateWriter<'_>) {}
    fn load_state(&mut self, _: &mut StateReader<'_>) -> Result<(), WeightsError> {
        Ok(())
    }
}

impl<A: Stateful, B: Stateful> Stateful for (A, B) {
    fn save_state(&self, w: &mut StateWriter<'_>) {
        self.0.save_state(w);
        self.1.save_state(w);
    }
    fn load_state(&mut self, r: &mut StateReader<'_>) -> Result<(), WeightsError> {
        self.0.load_state(r)?;
        self.1.load_state(r)
    }
}

impl Stateful for crate::Rng {
    fn save_state(&self, w: &mut StateWriter<'_>) {
        save_rng(w, "rng", self);
    }
    fn load_state(&mut self, r: &mut StateReader<'_>) -> Result<(), WeightsError> {
        load_rng(r, "rng", self)
    }
}

/// Writes `rng`'s whole state as `prefix.words` and `prefix.spare_normal`.
pub(crate) fn save_rng(w: &mut StateWriter<'_>, prefix: &str, rng: &crate::Rng) {
    let s = rng.state();
    w.u64s(&[prefix, "words"], &s.words);
    let spare = s.spare_normal.map_or([0, 0], |z| [1, z.to_bits()]);
    w.u64s(&[prefix, "spare_normal"], &spare);
}

/// Reads back what [`save_rng`] wrote.
pub(crate) fn load_rng(
    r: &mut StateReader<'_>,
    prefix: &str,
    rng: &mut crate::Rng,
) -> Result<(), WeightsError> {
    let mut s = rng.state();
    r.u64s(&[prefix, "words"], &mut s.words)?;
    let mut spare = [0, 0];
    r.u64s(&[prefix, "spare_normal"], &mut spare)?;
    if r.applying() {
        s.spare_normal = (spare[0] != 0).then(|| f64::from_bits(spare[1]));
        *rng = crate::Rng::from_state(s);
    }
    Ok(())
}

/// Encodes in two passes (one that counts, one that writes into `sink`)
/// and returns the length.
fn encode(
    kind: FileKind,
    float_size: usize,
    fingerprint: u64,
    body: &dyn Fn(&mut StateWriter<'_>),
    sink: &mut dyn Sink,
) -> Result<usize, WeightsError> {
    let mut counter = Counter(0);
    let mut w = StateWriter::new(&mut counter);
    body(&mut w);
    let entries = w.finish()?;
    // `finish` counted the checksum too.
    let len = HEADER + counter.0;
    let mut w = StateWriter::new(sink);
    w.raw(&MAGIC);
    w.raw(&VERSION.to_le_bytes());
    w.raw(&[float_size as u8, kind as u8]);
    w.raw(&fingerprint.to_le_bytes());
    w.raw(&entries.to_le_bytes());
    body(&mut w);
    w.finish()?;
    Ok(len)
}

/// Checks `bytes`, runs `body` once to check every entry it reads and once
/// to copy; `rest_allowed` lets entries follow (a checkpoint read for its
/// weights only).
fn decode(
    bytes: &[u8],
    float_size: usize,
    fingerprint: u64,
    checkpoint: bool,
    body: &mut dyn FnMut(&mut StateReader<'_>) -> Result<(), WeightsError>,
) -> Result<(), WeightsError> {
    let file = WeightFile::parse(bytes)?;
    let float = |n: usize| if n == 8 { "f64" } else { "f32" };
    if file.float_size != float_size {
        return Err(WeightsError::WrongFloat {
            file: float(file.float_size),
            network: float(float_size),
        });
    }
    if checkpoint && file.kind != FileKind::Checkpoint {
        return Err(WeightsError::NotACheckpoint);
    }
    let mut r = StateReader::new(file.entries(), false);
    body(&mut r)?;
    let rest_allowed = !checkpoint && file.kind == FileKind::Checkpoint;
    if let Some(e) = r.rest().next().filter(|_| !rest_allowed) {
        return Err(WeightsError::Unexpected {
            name: Name::of(e.name),
            expected: Name::of(""),
        });
    }
    if file.fingerprint != fingerprint {
        return Err(WeightsError::Fingerprint {
            file: file.fingerprint,
            network: fingerprint,
        });
    }
    body(&mut StateReader::new(file.entries(), true))
}

/// A state (an optimizer's, for a rollback) as bytes in memory, in the
/// checkpoint format with `T`'s float size, written into `out` (cleared
/// first, its allocation reused).
#[cfg(feature = "alloc")]
pub(crate) fn state_into<T: Float>(
    body: &dyn Fn(&mut StateWriter<'_>),
    out: &mut alloc::vec::Vec<u8>,
) -> Result<(), WeightsError> {
    out.clear();
    encode(
        FileKind::Checkpoint,
        core::mem::size_of::<T>(),
        0,
        body,
        out,
    )
    .map(|_| ())
}

/// Reads back what [`state_into`] wrote.
#[cfg(feature = "alloc")]
pub(crate) fn state_from_bytes<T: Float>(
    bytes: &[u8],
    body: &mut dyn FnMut(&mut StateReader<'_>) -> Result<(), WeightsError>,
) -> Result<(), WeightsError> {
    decode(bytes, core::mem::size_of::<T>(), 0, true, body)
}

fn weights_body<'n, T: Float, N: Params<T>>(net: &'n N) -> impl Fn(&mut StateWriter<'_>) + 'n {
    move |w| w.params::<T, N>("", net)
}

fn checkpoint_body<'n, T, N, O, S>(
    net: &'n N,
    optimizer: &'n O,
    extra: &'n S,
) -> impl Fn(&mut StateWriter<'_>) + 'n
where
    T: Float,
    N: Params<T>,
    O: Optimizer<T, N>,
    S: Stateful,
{
    move |w| {
        w.params::<T, N>("", net);
        optimizer.save_state(w);
        extra.save_state(w);
    }
}

fn write_into(
    out: &mut [u8],
    len: usize,
    f: impl FnOnce(&mut dyn Sink) -> Result<usize, WeightsError>,
) -> Result<usize, WeightsError> {
    if out.len() < len {
        return Err(WeightsError::BufferTooSmall {
            needed: len as u64,
            got: out.len() as u64,
        });
    }
    f(&mut SliceSink { buf: out, at: 0 })
}

/// Bytes of `net`'s weight file.
pub fn encoded_len<T: Float, N: Params<T>>(net: &N) -> usize {
    let mut counter = Counter(0);
    let mut w = StateWriter::new(&mut counter);
    weights_body::<T, N>(net)(&mut w);
    HEADER + counter.0 + TRAILER
}

/// Writes `net`'s weight file into `out` (at least
/// [`encoded_len`] bytes) and returns its length.
pub fn write<T: Float, N: Params<T>>(net: &N, out: &mut [u8]) -> Result<usize, WeightsError> {
    let len = encoded_len::<T, N>(net);
    write_into(out, len, |sink| {
        encode(
            FileKind::Weights,
            core::mem::size_of::<T>(),
            fingerprint::<T, N>(),
            &weights_body::<T, N>(net),
            sink,
        )
    })
}

/// `net`'s weight file.
#[cfg(feature = "alloc")]
pub fn to_bytes<T: Float, N: Params<T>>(net: &N) -> Result<alloc::vec::Vec<u8>, WeightsError> {
    let mut v = alloc::vec::Vec::new();
    encode(
        FileKind::Weights,
        core::mem::size_of::<T>(),
        fingerprint::<T, N>(),
        &weights_body::<T, N>(net),
        &mut v,
    )?;
    Ok(v)
}

/// Reads a weight file (or the network part of a checkpoint) into `net`.
/// Nothing changes unless the whole file is right.
pub fn read<T: Float, N: Params<T>>(net: &mut N, bytes: &[u8]) -> Result<(), WeightsError> {
    decode(
        bytes,
        core::mem::size_of::<T>(),
        fingerprint::<T, N>(),
        false,
        &mut |r| r.params::<T, N>("", net),
    )
}

/// Bytes of a checkpoint of `net`, `optimizer` and `extra`.
pub fn checkpoint_len<T, N, O, S>(net: &N, optimizer: &O, extra: &S) -> usize
where
    T: Float,
    N: Params<T>,
    O: Optimizer<T, N>,
    S: Stateful,
{
    let mut counter = Counter(0);
    let mut w = StateWriter::new(&mut counter);
    checkpoint_body::<T, N, O, S>(net, optimizer, extra)(&mut w);
    HEADER + counter.0 + TRAILER
}

/// Writes a checkpoint of `net`, `optimizer` and `extra` into `out` (at
/// least [`checkpoint_len`] bytes) and returns its length.
pub fn write_checkpoint<T, N, O, S>(
    net: &N,
    optimizer: &O,
    extra: &S,
    out: &mut [u8],
) -> Result<usize, WeightsError>
where
    T: Float,
    N: Params<T>,
    O: Optimizer<T, N>,
    S: Stateful,
{
    let len = checkpoint_len::<T, N, O, S>(net, optimizer, extra);
    write_into(out, len, |sink| {
        encode(
            FileKind::Checkpoint,
            core::mem::size_of::<T>(),
            fingerprint::<T, N>(),
            &checkpoint_body::<T, N, O, S>(net, optimizer, extra),
            sink,
        )
    })
}

/// A checkpoint of `net`, `optimizer` and `extra`.
#[cfg(feature = "alloc")]
pub fn checkpoint_to_bytes<T, N, O, S>(
    net: &N,
    optimizer: &O,
    extra: &S,
) -> Result<alloc::vec::Vec<u8>, WeightsError>
where
    T: Float,
    N: Params<T>,
    O: Optimizer<T, N>,
    S: Stateful,
{
    let mut v = alloc::vec::Vec::new();
    encode(
        FileKind::Checkpoint,
        core::mem::size_of::<T>(),
        fingerprint::<T, N>(),
        &checkpoint_body::<T, N, O, S>(net, optimizer, extra),
        &mut v,
    )?;
    Ok(v)
}

/// Reads a checkpoint into `net`, `optimizer` and `extra`; nothing
/// changes unless the whole checkpoint is right.
pub fn read_checkpoint<T, N, O, S>(
    net: &mut N,
    optimizer: &mut O,
    extra: &mut S,
    bytes: &[u8],
) -> Result<(), WeightsError>
where
    T: Float,
    N: Params<T>,
    O: Optimizer<T, N>,
    S: Stateful,
{
    decode(
        bytes,
        core::mem::size_of::<T>(),
        fingerprint::<T, N>(),
        true,
        &mut |r| {
            r.params::<T, N>("", net)?;
            optimizer.load_state(r)?;
            extra.load_state(r)
        },
    )
}
