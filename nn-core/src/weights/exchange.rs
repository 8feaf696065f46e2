//! Weight exchange with PyTorch through safetensors files (std): a network's
//! tensors under PyTorch's `state_dict` names and layouts, so that
//! `model.load_state_dict(safetensors.torch.load_file(path), strict=True)`
//! takes an exported file, and a `state_dict` saved with
//! `safetensors.torch.save_file` loads here.
//!
//! Names: `layer.weight`, `layer.bias` (dense, convolutions, norms),
//! `layer.running_mean`, `layer.running_var` and `layer.num_batches_tracked`
//! (batch norm; nn does not count batches, so it exports 0 and ignores the
//! value on import), `layer.weight_ih_l0`, `layer.weight_hh_l0`,
//! `layer.bias_ih_l0`, `layer.bias_hh_l0` and the `_reverse` variants
//! (recurrent layers), `layer.weight` (PReLU's slope). A learned initial
//! state (`initial = learned`) has no PyTorch counterpart and travels as
//! `layer.h0` (and `layer.c0`): drop it before `strict=True`. Layouts are
//! PyTorch's already (dense `[out, in]`, convolution `[out, in, k..]`,
//! recurrent gate rows in PyTorch's order).
//!
//! Every mismatch is an error naming the tensor (missing, unexpected,
//! wrong shape, wrong element type) found before anything is changed.
//! F16, BF16 and F64 (and F32 into an `f64` network) convert when asked
//! ([`Import::converting`]); otherwise the element type must be the
//! network's.

use std::borrow::Cow;
use std::boxed::Box;
use std::collections::HashMap;
use std::path::Path;
use std::string::{String, ToString};
use std::vec::Vec;

use safetensors::tensor::{Dtype as StDtype, SafeTensors, TensorView};

use super::error::{Name, Shape, WeightsError};
use crate::{Float, Params};

/// How [`import`] treats a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Import {
    /// Convert F16, BF16, F32 and F64 tensors to the network's float type
    /// (off: the element type must be the network's).
    pub convert: bool,
    /// Refuse tensors the network does not have (PyTorch's `strict=True`);
    /// off, they are ignored.
    pub strict: bool,
}

impl Default for Import {
    fn default() -> Self {
        Self {
            convert: false,
            strict: true,
        }
    }
}

impl Import {
    /// Strict, and converting element types.
    pub fn converting() -> Self {
        Self {
            convert: true,
            ..Self::default()
        }
    }

    /// The same, ignoring tensors the network does not have.
    pub fn lenient(self) -> Self {
        Self {
            strict: false,
            ..self
        }
    }
}

/// PyTorch's name of a parameter tensor called `name` in nn.
fn torch_name(name: &str) -> Cow<'_, str> {
    match name {
        "weight_ih" | "weight_hh" | "bias_ih" | "bias_hh" => Cow::Owned(std::format!("{name}_l0")),
        "weight_ih_reverse" => Cow::Borrowed("weight_ih_l0_reverse"),
        "weight_hh_reverse" => Cow::Borrowed("weight_hh_l0_reverse"),
        "bias_ih_reverse" => Cow::Borrowed("bias_ih_l0_reverse"),
        "bias_hh_reverse" => Cow::Borrowed("bias_hh_l0_reverse"),
        "slope" => Cow::Borrowed("weight"),
        other => Cow::Borrowed(other),
    }
}

fn join(layer: &str, name: &str) -> String {
    if layer.is_empty() {
        name.to_string()
    } else {
        std::format!("{layer}.{name}")
    }
}

/// One tensor of the network: its PyTorch name, shape, and where it is.
struct Slot {
    name: String,
    shape: Vec<usize>,
    place: Place,
}

#[derive(Clone, Copy)]
enum Place {
    Tensor(usize),
    Buffer(usize),
}

fn slots<T: Float, N: Params<T>>(net: &N) -> Vec<Slot> {
    let mut out = Vec::new();
    for i in 0..N::TENSORS {
        if let Some(info) = N::tensor_info(i) {
            out.push(Slot {
                name: join(info.layer, &torch_name(info.name)),
                shape: info.shape.to_vec(),
                place: Place::Tensor(i),
            });
        }
    }
    for i in 0..N::BUFFERS {
        if let Some((layer, name)) = N::buffer_name(i) {
            out.push(Slot {
                name: join(layer, name),
                shape: std::vec![net.buffer(i).len()],
                place: Place::Buffer(i),
            });
        }
    }
    out
}

/// The batch-norm layers (those with a `running_mean` buffer), whose
/// `num_batches_tracked` PyTorch keeps.
fn batch_norm_layers<T: Float, N: Params<T>>() -> Vec<&'static str> {
    (0..N::BUFFERS)
        .filter_map(|i| N::buffer_name(i))
        .filter(|(_, name)| *name == "running_mean")
        .map(|(layer, _)| layer)
        .collect()
}

fn st_name(d: StDtype) -> &'static str {
    match d {
        StDtype::BOOL => "BOOL",
        StDtype::U8 => "U8",
        StDtype::I8 => "I8",
        StDtype::I16 => "I16",
        StDtype::U16 => "U16",
        StDtype::F16 => "F16",
        StDtype::BF16 => "BF16",
        StDtype::I32 => "I32",
        StDtype::U32 => "U32",
        StDtype::F32 => "F32",
        StDtype::F64 => "F64",
        StDtype::I64 => "I64",
        StDtype::U64 => "U64",
        _ => "an unsupported type",
    }
}

fn network_dtype<T: Float>() -> StDtype {
    if core::mem::size_of::<T>() == 8 {
        StDtype::F64
    } else {
        StDtype::F32
    }
}

/// IEEE half to single, exactly (subnormals, infinities and NaN kept).
pub(crate) fn f16_to_f32(h: u16) -> f32 {
    let sign = ((h >> 15) as u32) << 31;
    let exp = ((h >> 10) & 0x1f) as u32;
    let frac = (h & 0x3ff) as u32;
    let bits = match (exp, frac) {
        (0, 0) => sign,
        (0, f) => {
            // Subnormal: value = f * 2^-24, normalised for f32.
            let shift = f.leading_zeros() - 21; // bring the top bit to bit 10
            let f = (f << shift) & 0x3ff;
            sign | ((127 - 15 + 1 - shift) << 23) | (f << 13)
        }
        (0x1f, f) => sign | 0x7f80_0000 | (f << 13),
        (e, f) => sign | ((e + 127 - 15) << 23) | (f << 13),
    };
    f32::from_bits(bits)
}

/// Element `i` of a tensor of type `d`, as `f64` (`None` for types that are
/// not floats).
fn element(d: StDtype, data: &[u8], i: usize) -> Option<f64> {
    let at = |n: usize| data.get(i * n..(i + 1) * n);
    Some(match d {
        StDtype::F32 => f32::from_le_bytes(at(4)?.try_into().ok()?) as f64,
        StDtype::F64 => f64::from_le_bytes(at(8)?.try_into().ok()?),
        StDtype::F16 => f16_to_f32(u16::from_le_bytes(at(2)?.try_into().ok()?)) as f64,
        StDtype::BF16 => {
            f32::from_bits((u16::from_le_bytes(at(2)?.try_into().ok()?) as u32) << 16) as f64
        }
        _ => return None,
    })
}

fn safetensors_error(e: safetensors::SafeTensorError) -> WeightsError {
    WeightsError::Safetensors(Box::new(e))
}

/// The names of the top-level keys of a safetensors JSON header, in order,
/// so that a name given twice (which a JSON map would silently merge) is
/// an error.
fn header_keys(bytes: &[u8]) -> Result<Vec<&str>, WeightsError> {
    let n = bytes
        .get(..8)
        .map(|b| u64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
        .ok_or(WeightsError::Truncated {
            needed: 8,
            got: bytes.len() as u64,
        })?;
    let header = usize::try_from(n)
        .ok()
        .and_then(|n| bytes.get(8..8usize.checked_add(n)?))
        .ok_or(WeightsError::Truncated {
            needed: n.saturating_add(8),
            got: bytes.len() as u64,
        })?;
    let mut keys = Vec::new();
    let (mut depth, mut in_str, mut esc, mut start) = (0usize, false, false, 0usize);
    let mut expect_key = false;
    for (k, &c) in header.iter().enumerate() {
        if in_str {
            if esc {
                esc = false;
            } else if c == b'\\' {
                esc = true;
            } else if c == b'"' {
                in_str = false;
                if depth == 1 && expect_key {
                    keys.push(core::str::from_utf8(&header[start..k]).unwrap_or(""));
                    expect_key = false;
                }
            }
            continue;
        }
        match c {
            b'"' => {
                in_str = true;
                start = k + 1;
            }
            b'{' | b'[' => {
                depth += 1;
                if depth == 1 {
                    expect_key = true;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            b',' if depth == 1 => expect_key = true,
            _ => {}
        }
    }
    Ok(keys)
}

/// Reads a safetensors file (PyTorch's names, see the module) into `net`.
/// Nothing changes unless every tensor is right.
pub fn import<T: Float, N: Params<T>>(
    net: &mut N,
    bytes: &[u8],
    how: Import,
) -> Result<(), WeightsError> {
    let keys = header_keys(bytes)?;
    for (k, name) in keys.iter().enumerate() {
        if keys[..k].contains(name) {
            return Err(WeightsError::Duplicate {
                name: Name::of(name),
            });
        }
    }
    let file = SafeTensors::deserialize(bytes).map_err(safetensors_error)?;
    let want = slots::<T, N>(net);
    let bn = batch_norm_layers::<T, N>();
    let ours = network_dtype::<T>();
    let mut views: Vec<TensorView<'_>> = Vec::with_capacity(want.len());
    for slot in &want {
        let view = file.tensor(&slot.name).map_err(|_| WeightsError::Missing {
            name: Name::of(&slot.name),
        })?;
        if view.shape() != slot.shape.as_slice() {
            return Err(WeightsError::WrongShape {
                name: Name::of(&slot.name),
                file: Shape::of_usize(view.shape()),
                expected: Shape::of_usize(&slot.shape),
            });
        }
        let float = matches!(
            view.dtype(),
            StDtype::F16 | StDtype::BF16 | StDtype::F32 | StDtype::F64
        );
        if view.dtype() != ours && !(how.convert && float) {
            return Err(WeightsError::WrongDtype {
                name: Name::of(&slot.name),
                file: st_name(view.dtype()),
                expected: st_name(ours),
            });
        }
        let len: usize = slot.shape.iter().product();
        for i in 0..len {
            match element(view.dtype(), view.data(), i) {
                Some(v) if v.is_finite() => {}
                _ => {
                    return Err(WeightsError::NotFinite {
                        name: Name::of(&slot.name),
                        index: i as u64,
                    })
                }
            }
        }
        views.push(view);
    }
    let mut extra: Vec<&str> = keys
        .iter()
        .copied()
        .filter(|k| *k != "__metadata__" && !want.iter().any(|s| s.name == *k))
        .collect();
    // PyTorch's batch counter has no place in nn; it must be a whole number.
    extra.retain(|k| {
        let counter = k
            .strip_suffix(".num_batches_tracked")
            .is_some_and(|layer| bn.contains(&layer));
        !counter
    });
    for layer in &bn {
        let name = join(layer, "num_batches_tracked");
        if let Ok(v) = file.tensor(&name) {
            if v.dtype() != StDtype::I64 || !v.shape().is_empty() {
                return Err(WeightsError::WrongDtype {
                    name: Name::of(&name),
                    file: st_name(v.dtype()),
                    expected: "an I64 scalar",
                });
            }
        }
    }
    if how.strict {
        if let Some(name) = extra.first() {
            return Err(WeightsError::Unexpected {
                name: Name::of(name),
                expected: Name::of(""),
            });
        }
    }
    for (slot, view) in want.iter().zip(&views) {
        let dst = match slot.place {
            Place::Tensor(i) => net.tensor_mut(i),
            Place::Buffer(i) => net.buffer_mut(i),
        };
        for (i, d) in dst.iter_mut().enumerate() {
            *d = T::cast(element(view.dtype(), view.data(), i).unwrap_or(0.0));
        }
    }
    Ok(())
}

/// A tensor to serialise: bytes already in little endian.
struct Owned {
    dtype: StDtype,
    shape: Vec<usize>,
    data: Vec<u8>,
}

impl safetensors::View for &Owned {
    fn dtype(&self) -> StDtype {
        self.dtype
    }
    fn shape(&self) -> &[usize] {
        &self.shape
    }
    fn data(&self) -> Cow<'_, [u8]> {
        Cow::Borrowed(&self.data)
    }
    fn data_len(&self) -> usize {
        self.data.len()
    }
}

/// `net` as a safetensors file under PyTorch's names, in the network's
/// float type, with `metadata` in the header. Refuses a network with a
/// value that is not finite.
pub fn export<T: Float, N: Params<T>>(
    net: &N,
    metadata: Option<HashMap<String, String>>,
) -> Result<Vec<u8>, WeightsError> {
    let dtype = network_dtype::<T>();
    let mut tensors: Vec<(String, Owned)> = Vec::new();
    for slot in slots::<T, N>(net) {
        let values = match slot.place {
            Place::Tensor(i) => net.tensor(i),
            Place::Buffer(i) => net.buffer(i),
        };
        if let Some(index) = values.iter().position(|v| !v.is_finite()) {
            return Err(WeightsError::NotFinite {
                name: Name::of(&slot.name),
                index: index as u64,
            });
        }
        let mut data = Vec::with_capacity(core::mem::size_of_val(values));
        for v in values {
            if dtype == StDtype::F64 {
                data.extend_from_slice(&v.as_f64().to_le_bytes());
            } else {
                data.extend_from_slice(&(v.as_f64() as f32).to_le_bytes());
            }
        }
        tensors.push((
            slot.name,
            Owned {
                dtype,
                shape: slot.shape,
                data,
            },
        ));
    }
    for layer in batch_norm_layers::<T, N>() {
        let data = 0i64.to_le_bytes().to_vec();
        tensors.push((
            join(layer, "num_batches_tracked"),
            Owned {
                dtype: StDtype::I64,
                shape: Vec::new(),
                data,
            },
        ));
    }
    safetensors::serialize(tensors.iter().map(|(n, t)| (n.as_str(), t)), metadata)
        .map_err(safetensors_error)
}

/// Writes `net` to `path` as safetensors (PyTorch's names), atomically.
pub fn save_safetensors<T: Float, N: Params<T>>(
    net: &N,
    path: impl AsRef<Path>,
) -> Result<(), WeightsError> {
    super::file::write_atomically(path.as_ref(), &export::<T, N>(net, None)?)
}

/// Loads the safetensors file at `path` into `net` (see [`import`]).
pub fn load_safetensors<T: Float, N: Params<T>>(
    net: &mut N,
    path: impl AsRef<Path>,
    how: Import,
) -> Result<(), WeightsError> {
    import::<T, N>(net, &super::file::read_file(path.as_ref())?, how)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_widen_exactly() {
        // Every finite half round-trips through f32 to the same value,
        // checked against the definition (-1)^s 2^(e-15) (1 + f/1024).
        for h in 0..=u16::MAX {
            let (s, e, f) = (h >> 15, (h >> 10) & 0x1f, h & 0x3ff);
            let got = f16_to_f32(h);
            if e == 0x1f {
                assert!(
                    if f == 0 {
                        got.is_infinite()
                    } else {
                        got.is_nan()
                    },
                    "{h:04x}"
                );
                continue;
            }
            let mag = if e == 0 {
                f as f64 * 2f64.powi(-24)
            } else {
                (1.0 + f as f64 / 1024.0) * 2f64.powi(e as i32 - 15)
            };
            let want = if s == 1 { -mag } else { mag };
            assert_eq!(got as f64, want, "{h:04x}");
        }
    }

    #[test]
    fn recurrent_names_are_pytorchs() {
        assert_eq!(torch_name("weight_ih"), "weight_ih_l0");
        assert_eq!(torch_name("bias_hh_reverse"), "bias_hh_l0_reverse");
        assert_eq!(torch_name("slope"), "weight");
        assert_eq!(torch_name("running_var"), "running_var");
    }
}
