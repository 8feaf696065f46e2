//! The training toolkit (needs `std`): reading data sets, splitting them,
//! metrics, and an epoch loop that keeps the last good weights when
//! training diverges.

mod data;
mod fit;
mod metrics;

pub use data::{standardize, DataError, Dataset, Standardizer, Table};
pub use fit::{Batches, EpochStats, TrainError, Trainer};
pub use metrics::{accuracy, argmax, mean_std, r2_score, rmse};
