//! The network of `examples/co2_forecast.rs`, shared with `tests/sanity.rs`.

/// Weeks of history the forecaster reads.
pub const WINDOW: usize = 52;

nn::network! {
    /// Reads the last 52 weeks (each as its offset from the newest week)
    /// and predicts the change to the next week.
    pub struct Co2Forecaster {
        input: [52, 1],
        lstm: Lstm(32),
        out: Dense(1),
    }
}
