//! Writing and reading named entries: [`StateWriter`] and [`StateReader`],
//! which networks (through [`Params`]), optimizers and trainers use to put
//! their state in a file and take it back.
//!
//! Reading runs twice over the same code: a checking pass that compares
//! every name, element type and shape and looks at every value, and only
//! if all of it is right, a pass that copies. So a bad file changes
//! nothing.

use super::error::{Name, Shape, WeightsError};
use super::format::{Crc32, Dtype, Entries, Entry, Fnv, Sink};
use crate::{Float, Params, TensorKind};

/// Writes named entries (the network's tensors, an optimizer's moments,
/// counters) into a file being encoded.
pub struct StateWriter<'a> {
    sink: &'a mut dyn Sink,
    crc: Crc32,
    pub(crate) entries: u32,
    pub(crate) error: Option<WeightsError>,
}

impl<'a> StateWriter<'a> {
    pub(crate) fn new(sink: &'a mut dyn Sink) -> Self {
        Self {
            sink,
            crc: Crc32::new(),
            entries: 0,
            error: None,
        }
    }

    pub(crate) fn raw(&mut self, bytes: &[u8]) {
        self.crc.update(bytes);
        self.sink.put(bytes);
    }

    pub(crate) fn finish(mut self) -> Result<u32, WeightsError> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let crc = self.crc.finish();
        self.sink.put(&crc.to_le_bytes());
        Ok(self.entries)
    }

    /// Records the first value that is not finite as the save's error
    /// (the reader refuses such a file, so it is never written).
    fn refuse_non_finite(&mut self, name: &[&str], values: impl IntoIterator<Item = f64>) {
        if self.error.is_none() {
            if let Some(index) = values.into_iter().position(|v| !v.is_finite()) {
                self.error = Some(WeightsError::NotFinite {
                    name: Name::join(name),
                    index: index as u64,
                });
            }
        }
    }

    fn header(&mut self, name: &[&str], dtype: Dtype, shape: &[usize]) {
        let parts = name.iter().filter(|p| !p.is_empty());
        let len: usize =
            parts.clone().map(|p| p.len()).sum::<usize>() + parts.clone().count().saturating_sub(1);
        self.raw(&(len.min(u16::MAX as usize) as u16).to_le_bytes());
        for (k, p) in parts.enumerate() {
            if k > 0 {
                self.raw(b".");
            }
            self.raw(p.as_bytes());
        }
        self.raw(&[dtype.code(), shape.len() as u8]);
        for d in shape {
            self.raw(&(*d as u32).to_le_bytes());
        }
        self.entries += 1;
    }

    /// A float tensor of `shape` named by the parts of `name` joined with
    /// `.` (empty parts skipped), stored in `T`'s own width. A value that
    /// is not finite makes the whole save fail with
    /// [`WeightsError::NotFinite`] (nothing is written to disk then).
    pub fn floats<T: Float>(&mut self, name: &[&str], shape: &[usize], data: &[T]) {
        self.refuse_non_finite(name, data.iter().map(|v| v.as_f64()));
        let dtype = Dtype::float_of_size(core::mem::size_of::<T>());
        self.header(name, dtype, shape);
        for v in data {
            if dtype == Dtype::F64 {
                self.raw(&v.as_f64().to_le_bytes());
            } else {
                self.raw(&(v.as_f64() as f32).to_le_bytes());
            }
        }
    }

    /// An `f64` scalar (a hyper-parameter); not finite, the save fails.
    pub fn f64(&mut self, name: &[&str], v: f64) {
        self.refuse_non_finite(name, [v]);
        self.header(name, Dtype::F64, &[]);
        self.raw(&v.to_le_bytes());
    }

    /// `u64` values (a step count, generator state) as a vector.
    pub fn u64s(&mut self, name: &[&str], v: &[u64]) {
        self.header(name, Dtype::U64, &[v.len()]);
        for x in v {
            self.raw(&x.to_le_bytes());
        }
    }

    /// Bytes (names) as a vector.
    pub fn bytes(&mut self, name: &[&str], v: &[u8]) {
        self.header(name, Dtype::U8, &[v.len()]);
        self.raw(v);
    }

    /// Every parameter tensor, then every buffer, of `net`, named
    /// `prefix.layer.name`.
    pub fn params<T: Float, N: Params<T>>(&mut self, prefix: &str, net: &N) {
        for i in 0..N::TENSORS {
            if let Some(info) = N::tensor_info(i) {
                self.floats(&[prefix, info.layer, info.name], info.shape, net.tensor(i));
            }
        }
        for i in 0..N::BUFFERS {
            if let Some((layer, name)) = N::buffer_name(i) {
                let b = net.buffer(i);
                self.floats(&[prefix, layer, name], &[b.len()], b);
            }
        }
    }
}

/// Reads named entries back in the order they were written, checking each
/// against what the reader expects; copies only in the second pass (see
/// the module documentation).
pub struct StateReader<'a> {
    entries: Entries<'a>,
    all: Entries<'a>,
    apply: bool,
}

impl<'a> StateReader<'a> {
    pub(crate) fn new(entries: Entries<'a>, apply: bool) -> Self {
        Self {
            all: entries.clone(),
            entries,
            apply,
        }
    }

    /// Whether this is the pass that copies (the first one only checks).
    /// A `load_state` that sets anything besides the destinations it hands
    /// to the reader does so only when this is true.
    pub fn applying(&self) -> bool {
        self.apply
    }

    /// The entries not read yet.
    pub(crate) fn rest(&self) -> Entries<'a> {
        self.entries.clone()
    }

    /// The next entry, which must be `name` of `dtype` and `shape`.
    fn next(
        &mut self,
        name: &[&str],
        dtype: Dtype,
        shape: &[usize],
    ) -> Result<Entry<'a>, WeightsError> {
        let Some(e) = self.entries.next() else {
            return Err(WeightsError::Missing {
                name: Name::join(name),
            });
        };
        if !name_is(e.name, name) {
            // Earlier entries with the same name make it a duplicate.
            let seen = self
                .all
                .clone()
                .take_while(|x| x.offset < e.offset)
                .any(|x| x.name == e.name);
            return Err(if seen {
                WeightsError::Duplicate {
                    name: Name::of(e.name),
                }
            } else {
                WeightsError::Unexpected {
                    name: Name::of(e.name),
                    expected: Name::join(name),
                }
            });
        }
        if e.dtype != dtype {
            return Err(WeightsError::WrongDtype {
                name: Name::join(name),
                file: e.dtype.name(),
                expected: dtype.name(),
            });
        }
        let same_shape = e.shape().len() == shape.len()
            && e.shape().iter().zip(shape).all(|(a, b)| *a as usize == *b);
        if !same_shape {
            return Err(WeightsError::WrongShape {
                name: Name::join(name),
                file: Shape::of(e.shape()),
                expected: Shape::of_usize(shape),
            });
        }
        Ok(e)
    }

    /// Reads the float tensor `name` of `shape` into `out` (same count of
    /// elements). Values must be finite.
    pub fn floats<T: Float>(
        &mut self,
        name: &[&str],
        shape: &[usize],
        out: &mut [T],
    ) -> Result<(), WeightsError> {
        let dtype = Dtype::float_of_size(core::mem::size_of::<T>());
        let e = self.next(name, dtype, shape)?;
        if e.len() != out.len() {
            return Err(WeightsError::WrongShape {
                name: Name::join(name),
                file: Shape::of(e.shape()),
                expected: Shape::of_usize(&[out.len()]),
            });
        }
        finite(name, &e)?;
        if self.apply {
            for (i, o) in out.iter_mut().enumerate() {
                *o = T::cast(e.f64_at(i));
            }
        }
        Ok(())
    }

    /// Reads the `f64` scalar `name` (finite: a hyper-parameter) into `out`.
    pub fn f64(&mut self, name: &[&str], out: &mut f64) -> Result<(), WeightsError> {
        let e = self.next(name, Dtype::F64, &[])?;
        finite(name, &e)?;
        if self.apply {
            *out = e.f64_at(0);
        }
        Ok(())
    }

    /// Reads the `u64` vector `name` (of `out.len()` values) into `out`.
    pub fn u64s(&mut self, name: &[&str], out: &mut [u64]) -> Result<(), WeightsError> {
        let e = self.next(name, Dtype::U64, &[out.len()])?;
        if self.apply {
            for (i, o) in out.iter_mut().enumerate() {
                *o = e.u64_at(i);
            }
        }
        Ok(())
    }

    /// The next entry: the vector `name` of `dtype`, of whatever length
    /// the file gives it.
    #[cfg(feature = "alloc")]
    fn next_vector(&mut self, name: &[&str], dtype: Dtype) -> Result<Entry<'a>, WeightsError> {
        let len = self
            .entries
            .clone()
            .next()
            .and_then(|e| e.shape().first().copied());
        self.next(name, dtype, &[len.unwrap_or(0) as usize])
    }

    /// Reads the finite `f64` vector `name`, of whatever length the file
    /// has, into `out`, in both passes: give it a local vector and move
    /// that into place when [`applying`](Self::applying), after checking
    /// it.
    #[cfg(feature = "alloc")]
    pub fn f64_vec(
        &mut self,
        name: &[&str],
        out: &mut alloc::vec::Vec<f64>,
    ) -> Result<(), WeightsError> {
        let e = self.next_vector(name, Dtype::F64)?;
        finite(name, &e)?;
        out.clear();
        out.extend((0..e.len()).map(|i| e.f64_at(i)));
        Ok(())
    }

    /// Reads the byte vector `name`, of whatever length the file has, into
    /// `out`, in both passes (see [`f64_vec`](Self::f64_vec)).
    #[cfg(feature = "alloc")]
    pub fn byte_vec(
        &mut self,
        name: &[&str],
        out: &mut alloc::vec::Vec<u8>,
    ) -> Result<(), WeightsError> {
        let e = self.next_vector(name, Dtype::U8)?;
        out.clear();
        out.extend_from_slice(e.bytes());
        Ok(())
    }

    /// Reads every parameter tensor and buffer of `net` (see
    /// [`StateWriter::params`]).
    pub fn params<T: Float, N: Params<T>>(
        &mut self,
        prefix: &str,
        net: &mut N,
    ) -> Result<(), WeightsError> {
        for i in 0..N::TENSORS {
            if let Some(info) = N::tensor_info(i) {
                self.floats(
                    &[prefix, info.layer, info.name],
                    info.shape,
                    net.tensor_mut(i),
                )?;
            }
        }
        for i in 0..N::BUFFERS {
            if let Some((layer, name)) = N::buffer_name(i) {
                let b = net.buffer_mut(i);
                let len = b.len();
                self.floats(&[prefix, layer, name], &[len], b)?;
            }
        }
        Ok(())
    }
}

/// Every element of a float entry is finite.
fn finite(name: &[&str], e: &Entry<'_>) -> Result<(), WeightsError> {
    match (0..e.len()).find(|i| !e.f64_at(*i).is_finite()) {
        Some(index) => Err(WeightsError::NotFinite {
            name: Name::join(name),
            index: index as u64,
        }),
        None => Ok(()),
    }
}

/// Whether `full` is the parts of `name` joined by `.` (empty parts
/// skipped).
fn name_is(full: &str, name: &[&str]) -> bool {
    let mut rest = full;
    let mut first = true;
    for part in name.iter().filter(|p| !p.is_empty()) {
        if !first {
            let Some(r) = rest.strip_prefix('.') else {
                return false;
            };
            rest = r;
        }
        let Some(r) = rest.strip_prefix(part) else {
            return false;
        };
        rest = r;
        first = false;
    }
    rest.is_empty()
}

/// The architecture fingerprint of `N`: FNV-1a over the float size, each
/// tensor's layer, name, shape and role, then each buffer's layer and
/// name.
pub fn fingerprint<T: Float, N: Params<T>>() -> u64 {
    let mut h = Fnv::new();
    h.u64(core::mem::size_of::<T>() as u64);
    for i in 0..N::TENSORS {
        if let Some(info) = N::tensor_info(i) {
            h.bytes(info.layer.as_bytes())
                .bytes(b".")
                .bytes(info.name.as_bytes());
            h.u64(info.shape.len() as u64);
            for d in info.shape {
                h.u64(*d as u64);
            }
            h.u64(match info.kind {
                TensorKind::Weight => 1,
                TensorKind::Bias => 2,
                TensorKind::Other => 3,
            });
        }
    }
    h.bytes(&[0xff]);
    for i in 0..N::BUFFERS {
        if let Some((layer, name)) = N::buffer_name(i) {
            h.bytes(layer.as_bytes()).bytes(b".").bytes(name.as_bytes());
        }
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::name_is;

    #[test]
    fn names_match_by_parts() {
        assert!(name_is("fc.weight", &["", "fc", "weight"]));
        assert!(name_is(
            "optimizer.m.fc.weight",
            &["optimizer.m", "fc", "weight"]
        ));
        assert!(!name_is("fc.weightx", &["fc", "weight"]));
        assert!(!name_is("fcweight", &["fc", "weight"]));
        assert!(!name_is("fc", &["fc", "weight"]));
    }
}
