//! Weight files and checkpoints on disk, written atomically.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::vec::Vec;

use super::{Stateful, WeightsError};
use crate::optim::Optimizer;
use crate::{Float, Params};

fn io_error(path: &Path, source: std::io::Error) -> WeightsError {
    WeightsError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder,
/// flushed to disk before it is renamed over `path`: a crash leaves either
/// the old file or the new one.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), WeightsError> {
    let name = path.file_name().ok_or_else(|| {
        io_error(
            path,
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name"),
        )
    })?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(std::format!(".tmp{}", std::process::id()));
    let tmp = path.with_file_name(tmp_name);
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)?;
        // The rename itself reaches the disk with the folder's entry.
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if let Ok(d) = fs::File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        io_error(path, e)
    })
}

pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, WeightsError> {
    fs::read(path).map_err(|e| io_error(path, e))
}

/// Saves `net`'s weights to `path` (atomically; see the module).
pub fn save<T: Float, N: Params<T>>(net: &N, path: impl AsRef<Path>) -> Result<(), WeightsError> {
    write_atomically(path.as_ref(), &super::to_bytes::<T, N>(net)?)
}

/// Loads the weights at `path` (a weight file or a checkpoint) into `net`;
/// `net` is unchanged unless the whole file is right.
pub fn load<T: Float, N: Params<T>>(
    net: &mut N,
    path: impl AsRef<Path>,
) -> Result<(), WeightsError> {
    super::read::<T, N>(net, &read_file(path.as_ref())?)
}

/// Saves a checkpoint of `net`, `optimizer` and `extra` (the `Trainer`,
/// a `Standardizer`, a tuple, or `()`) to `path`, atomically.
pub fn save_checkpoint<T, N, O, S>(
    net: &N,
    optimizer: &O,
    extra: &S,
    path: impl AsRef<Path>,
) -> Result<(), WeightsError>
where
    T: Float,
    N: Params<T>,
    O: Optimizer<T, N>,
    S: Stateful,
{
    let bytes = super::checkpoint_to_bytes::<T, N, O, S>(net, optimizer, extra)?;
    write_atomically(path.as_ref(), &bytes)
}

/// Loads the checkpoint at `path` into `net`, `optimizer` and `extra`;
/// nothing changes unless the whole checkpoint is right.
pub fn load_checkpoint<T, N, O, S>(
    net: &mut N,
    optimizer: &mut O,
    extra: &mut S,
    path: impl AsRef<Path>,
) -> Result<(), WeightsError>
where
    T: Float,
    N: Params<T>,
    O: Optimizer<T, N>,
    S: Stateful,
{
    let bytes = read_file(path.as_ref())?;
    super::read_checkpoint::<T, N, O, S>(net, optimizer, extra, &bytes)
}
