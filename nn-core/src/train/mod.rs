//! The training toolkit (needs `std`): reading data sets, splitting them,
//! metrics, an epoch loop that keeps the last good weights when training
//! diverges ([`Trainer`]), and Keras's `fit` with callbacks ([`Fit`]).

mod callbacks;
mod data;
mod data_parallel;
mod encode;
mod ensemble;
mod fit;
mod fitting;
mod lr_range;
mod metrics;
mod parallel;
pub mod plot;
pub mod search;
mod stretches;
mod table;

pub use callbacks::{
    CsvLogger, EarlyStopping, Every, LrScheduler, ModelCheckpoint, ReduceLrOnPlateau,
};
pub use data::{standardize, DataError, Dataset, Standardizer};
pub use data_parallel::DataParallel;
pub use encode::{one_hot, LabelEncoder};
pub use ensemble::{Ensemble, Voting};
pub use fit::{Batches, EpochStats, TrainError, Trainer};
pub use fitting::{
    describe, BatchControl, BiasVariance, Callback, EpochLog, Fit, FitError, FitState, History,
    Metric, Model, Monitor, Reading,
};
pub use lr_range::{lr_range_test, LrRangeTest};
pub use metrics::{
    accuracy, argmax, mae, mean_std, mse, r2_score, rmse, top_k_accuracy, Accuracy,
    ConfusionMatrix, MacroF1, MeanAbsoluteError, MeanSquaredError, R2Score, RootMeanSquaredError,
    TopK,
};
pub use parallel::{set_threads, threads};
pub use table::Table;
