//! Labelled data sets with seeded splits, scaling, and the errors of
//! reading data.

use std::fmt;
use std::string::{String, ToString};
use std::vec::Vec;

use crate::{Rng, Side};

/// Why a data file could not be used. Every variant says where.
#[derive(Debug)]
pub enum DataError {
    /// The file could not be read.
    Io {
        /// The file.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// A line is not UTF-8 text.
    NotText {
        /// The file.
        path: String,
        /// 1-based line number.
        line: usize,
    },
    /// The file has no header row.
    Empty {
        /// The file.
        path: String,
    },
    /// A row has a different number of fields than the header.
    Ragged {
        /// The file.
        path: String,
        /// 1-based line number.
        line: usize,
        /// Fields in the header.
        expected: usize,
        /// Fields in this row.
        found: usize,
    },
    /// A field is neither a number nor empty.
    NotANumber {
        /// The file.
        path: String,
        /// 1-based line number.
        line: usize,
        /// The column's header.
        column: String,
        /// The text found.
        text: String,
    },
    /// A value that must be present is missing.
    Missing {
        /// What was being read.
        what: String,
        /// 0-based row of the table.
        row: usize,
        /// The column's header.
        column: String,
    },
    /// A row does not fit the shape the network expects.
    Shape {
        /// What was being read.
        what: String,
        /// Expected number of values.
        expected: usize,
        /// Found number of values.
        found: usize,
    },
    /// A class label is not an integer in `0..classes`.
    BadLabel {
        /// 0-based row of the table.
        row: usize,
        /// The value found.
        value: f64,
        /// Number of classes.
        classes: usize,
    },
    /// A class name the label encoder was not fitted on.
    UnknownLabel {
        /// 0-based row.
        row: usize,
        /// The name.
        label: String,
        /// The number of classes the encoder knows.
        known: usize,
    },
    /// A split fraction outside `[0, 1]` (or NaN).
    BadFraction {
        /// The fraction given.
        fraction: f64,
    },
    /// A number of folds that the data set cannot give (fewer than 2, or
    /// more than its samples).
    BadFolds {
        /// The folds asked for.
        k: usize,
        /// The samples there are.
        samples: usize,
    },
    /// A class with too few samples to be in both parts of a stratified
    /// split.
    ClassTooSmall {
        /// The class.
        class: usize,
        /// Its samples.
        count: usize,
    },
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataError::Io { path, source } => write!(f, "cannot read {path}: {source}"),
            DataError::NotText { path, line } => {
                write!(f, "{path}:{line}: the line is not UTF-8 text")
            }
            DataError::Empty { path } => write!(f, "{path} is empty: expected a header row"),
            DataError::Ragged {
                path,
                line,
                expected,
                found,
            } => write!(
                f,
                "{path}:{line}: {found} fields, but the header has {expected}"
            ),
            DataError::NotANumber {
                path,
                line,
                column,
                text,
            } => write!(
                f,
                "{path}:{line}: column `{column}`: `{text}` is not a number"
            ),
            DataError::Missing { what, row, column } => {
                write!(f, "{what}: row {row}, column `{column}` is missing")
            }
            DataError::Shape {
                what,
                expected,
                found,
            } => write!(f, "{what}: expected {expected} values, found {found}"),
            DataError::BadLabel {
                row,
                value,
                classes,
            } => write!(
                f,
                "row {row}: label {value} is not a class index in 0..{classes}"
            ),
            DataError::UnknownLabel { row, label, known } => write!(
                f,
                "row {row}: label `{label}` is not one of the {known} classes the encoder knows"
            ),
            DataError::BadFraction { fraction } => write!(
                f,
                "the split fraction {fraction} is not between 0 and 1"
            ),
            DataError::BadFolds { k, samples } => write!(
                f,
                "{k} folds of {samples} samples: k must be at least 2 and at most the number of samples"
            ),
            DataError::ClassTooSmall { class, count } => write!(
                f,
                "class {class} has {count} sample(s): a stratified split needs at least 2 of each class"
            ),
        }
    }
}

impl std::error::Error for DataError {}

/// Inputs with their targets, and for sequences their runtime lengths.
/// The fields are private so that they stay in step (one target, and one
/// length if any, per input); [`x_mut`](Self::x_mut) and
/// [`y_mut`](Self::y_mut) change values, not counts.
#[derive(Clone, Debug, Default)]
pub struct Dataset<X, Y> {
    x: Vec<X>,
    y: Vec<Y>,
    /// Runtime sequence length of each input (recurrent networks read only
    /// the first `len` steps of their fixed-capacity input); `None` means
    /// every input uses the whole capacity.
    lens: Option<Vec<usize>>,
}

impl<X: Clone, Y: Clone> Dataset<X, Y> {
    /// Pairs inputs with targets; an error if the counts differ.
    pub fn new(x: Vec<X>, y: Vec<Y>) -> Result<Self, DataError> {
        if x.len() != y.len() {
            return Err(DataError::Shape {
                what: "targets".to_string(),
                expected: x.len(),
                found: y.len(),
            });
        }
        Ok(Self { x, y, lens: None })
    }

    /// Pairs sequences with targets and their runtime lengths; an error if
    /// the counts differ.
    pub fn with_lengths(x: Vec<X>, y: Vec<Y>, lens: Vec<usize>) -> Result<Self, DataError> {
        if x.len() != lens.len() {
            return Err(DataError::Shape {
                what: "sequence lengths".to_string(),
                expected: x.len(),
                found: lens.len(),
            });
        }
        let mut data = Self::new(x, y)?;
        data.lens = Some(lens);
        Ok(data)
    }

    /// The inputs.
    pub fn x(&self) -> &[X] {
        &self.x
    }

    /// The targets, one per input.
    pub fn y(&self) -> &[Y] {
        &self.y
    }

    /// The runtime sequence lengths, one per input, if the data set has
    /// them.
    pub fn lens(&self) -> Option<&[usize]> {
        self.lens.as_deref()
    }

    /// The inputs, to change in place (scaling); their number is fixed.
    pub fn x_mut(&mut self) -> &mut [X] {
        &mut self.x
    }

    /// The targets, to change in place; their number is fixed.
    pub fn y_mut(&mut self) -> &mut [Y] {
        &mut self.y
    }

    /// The inputs, targets and lengths, taken apart.
    pub fn into_parts(self) -> (Vec<X>, Vec<Y>, Option<Vec<usize>>) {
        (self.x, self.y, self.lens)
    }

    /// The side input of sample `i`: its runtime length if the data set
    /// has lengths, else the whole sample.
    pub fn side_of(&self, i: usize) -> Side {
        match self.lens.as_ref().and_then(|l| l.get(i)) {
            Some(len) => Side::len(*len),
            None => Side::WHOLE,
        }
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.x.len()
    }

    /// True when there are no samples.
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }

    /// The samples at `indices`, in that order.
    pub fn subset(&self, indices: &[usize]) -> Self {
        Self {
            x: indices.iter().map(|&i| self.x[i].clone()).collect(),
            y: indices.iter().map(|&i| self.y[i].clone()).collect(),
            lens: self
                .lens
                .as_ref()
                .map(|l| indices.iter().map(|&i| l[i]).collect()),
        }
    }

    /// A seeded shuffled split: `(train, test)` with `test_fraction` of the
    /// samples (rounded) in `test`.
    pub fn split(&self, test_fraction: f64, seed: u64) -> Result<(Self, Self), DataError> {
        fraction(test_fraction)?;
        let mut idx: Vec<usize> = (0..self.len()).collect();
        Rng::seed(seed).shuffle(&mut idx);
        let n_test = (self.len() as f64 * test_fraction).round() as usize;
        let (test, train) = idx.split_at(n_test.min(self.len()));
        Ok((self.subset(train), self.subset(test)))
    }

    /// A seeded split that keeps each class's share in both parts
    /// (scikit-learn's `stratify=y`): every class contributes
    /// `round(test_fraction * count)` samples to `test`.
    pub fn stratified_split(
        &self,
        test_fraction: f64,
        seed: u64,
        class_of: impl Fn(&Y) -> usize,
    ) -> Result<(Self, Self), DataError> {
        fraction(test_fraction)?;
        let mut rng = Rng::seed(seed);
        // Classes in increasing order, whatever their indices (a map, not a
        // vector indexed by class: a label of 2^40 must not allocate).
        let mut by_class: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
        for (i, y) in self.y.iter().enumerate() {
            by_class.entry(class_of(y)).or_default().push(i);
        }
        if let Some((class, m)) = by_class.iter().find(|(_, m)| m.len() < 2) {
            return Err(DataError::ClassTooSmall {
                class: *class,
                count: m.len(),
            });
        }
        let (mut train, mut test) = (Vec::new(), Vec::new());
        for (_, mut members) in by_class {
            rng.shuffle(&mut members);
            let n_test = (members.len() as f64 * test_fraction).round() as usize;
            test.extend_from_slice(&members[..n_test]);
            train.extend_from_slice(&members[n_test..]);
        }
        rng.shuffle(&mut train);
        rng.shuffle(&mut test);
        Ok((self.subset(&train), self.subset(&test)))
    }

    /// `k` seeded folds for cross-validation: `(train, validation)` pairs.
    pub fn k_folds(&self, k: usize, seed: u64) -> Result<Vec<(Self, Self)>, DataError> {
        if k < 2 || k > self.len() {
            return Err(DataError::BadFolds {
                k,
                samples: self.len(),
            });
        }
        let mut idx: Vec<usize> = (0..self.len()).collect();
        Rng::seed(seed).shuffle(&mut idx);
        Ok((0..k)
            .map(|f| {
                let (mut tr, mut va) = (Vec::new(), Vec::new());
                for (j, &i) in idx.iter().enumerate() {
                    if j % k == f {
                        va.push(i)
                    } else {
                        tr.push(i)
                    }
                }
                (self.subset(&tr), self.subset(&va))
            })
            .collect())
    }
}

impl<X: Clone, Y: Clone> Dataset<X, Y> {
    /// `k` seeded folds that keep each class's share in every fold
    /// (scikit-learn's `StratifiedKFold` with shuffling): the samples of
    /// each class, shuffled, are dealt to the folds in turn.
    pub fn stratified_k_folds(
        &self,
        k: usize,
        seed: u64,
        class_of: impl Fn(&Y) -> usize,
    ) -> Result<Vec<(Self, Self)>, DataError> {
        if k < 2 || k > self.len() {
            return Err(DataError::BadFolds {
                k,
                samples: self.len(),
            });
        }
        let mut by_class: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
        for (i, y) in self.y.iter().enumerate() {
            by_class.entry(class_of(y)).or_default().push(i);
        }
        let mut rng = Rng::seed(seed);
        let mut fold_of = std::vec![0usize; self.len()];
        let mut next = 0;
        for (_, mut members) in by_class {
            rng.shuffle(&mut members);
            for i in members {
                fold_of[i] = next % k;
                next += 1;
            }
        }
        Ok((0..k)
            .map(|f| {
                let (tr, va): (Vec<usize>, Vec<usize>) =
                    (0..self.len()).partition(|i| fold_of[*i] != f);
                (self.subset(&tr), self.subset(&va))
            })
            .collect())
    }
}

/// A split fraction must be in `[0, 1]`.
fn fraction(f: f64) -> Result<(), DataError> {
    if (0.0..=1.0).contains(&f) {
        Ok(())
    } else {
        Err(DataError::BadFraction { fraction: f })
    }
}

/// Per-feature mean and standard deviation, fitted on training data and
/// applied to any data (so test statistics never leak into training).
#[derive(Clone, Debug, PartialEq)]
pub struct Standardizer {
    /// Mean of each feature.
    pub mean: Vec<f64>,
    /// Standard deviation of each feature (1 where it was 0).
    pub std: Vec<f64>,
}

/// A fitted standardizer travels with its model in a checkpoint
/// (`standardizer.mean`, `standardizer.std`).
impl crate::weights::Stateful for Standardizer {
    fn save_state(&self, w: &mut crate::weights::StateWriter<'_>) {
        w.floats::<f64>(&["standardizer", "mean"], &[self.mean.len()], &self.mean);
        w.floats::<f64>(&["standardizer", "std"], &[self.std.len()], &self.std);
    }

    fn load_state(
        &mut self,
        r: &mut crate::weights::StateReader<'_>,
    ) -> Result<(), crate::weights::WeightsError> {
        let (mut mean, mut std) = (Vec::new(), Vec::new());
        r.f64_vec(&["standardizer", "mean"], &mut mean)?;
        r.f64_vec(&["standardizer", "std"], &mut std)?;
        if mean.len() != std.len() || std.iter().any(|s| *s <= 0.0) {
            return Err(crate::weights::WeightsError::Malformed {
                offset: 0,
                what: "the standardizer's means and deviations differ in number, or a deviation is not positive",
            });
        }
        if r.applying() {
            *self = Self { mean, std };
        }
        Ok(())
    }
}

impl Standardizer {
    /// Fits on rows of `n` features.
    pub fn fit<'a>(rows: impl IntoIterator<Item = &'a [f64]>, n: usize) -> Self {
        // Welford's update: the sum of squares of deviations, not of values,
        // so a column with a large offset keeps its spread (1e9 and 1e9 + 1
        // gave 96 through `E[x^2] - E[x]^2`, not 0.5).
        let (mut mean, mut m2, mut count) = (std::vec![0.0; n], std::vec![0.0; n], 0usize);
        for r in rows {
            count += 1;
            for (i, v) in r.iter().take(n).enumerate() {
                let d = v - mean[i];
                mean[i] += d / count as f64;
                m2[i] += d * (v - mean[i]);
            }
        }
        let c = count.max(1) as f64;
        let std = m2
            .iter()
            .map(|m2| {
                let var = (m2 / c).max(0.0);
                if var > 0.0 {
                    var.sqrt()
                } else {
                    1.0
                }
            })
            .collect();
        Self { mean, std }
    }

    /// Standardises `row` in place.
    pub fn apply(&self, row: &mut [f64]) {
        for ((v, m), s) in row.iter_mut().zip(&self.mean).zip(&self.std) {
            *v = (*v - m) / s;
        }
    }
}

/// Fits a [`Standardizer`] on `train` rows and applies it to every set.
pub fn standardize(train: &mut [Vec<f64>], others: &mut [&mut [Vec<f64>]]) -> Standardizer {
    let n = train.first().map_or(0, Vec::len);
    let s = Standardizer::fit(train.iter().map(Vec::as_slice), n);
    for r in train.iter_mut() {
        s.apply(r);
    }
    for set in others.iter_mut() {
        for r in set.iter_mut() {
            s.apply(r);
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stratified_split_keeps_class_shares_and_is_seeded() {
        let y: Vec<usize> = (0..100).map(|i| if i < 80 { 0 } else { 1 }).collect();
        let d = Dataset::new((0..100).collect::<Vec<usize>>(), y).unwrap();
        let (tr, te) = d.stratified_split(0.2, 3, |c| *c).unwrap();
        assert_eq!((tr.len(), te.len()), (80, 20));
        assert_eq!(te.y.iter().filter(|c| **c == 1).count(), 4);
        let (tr2, _) = d.stratified_split(0.2, 3, |c| *c).unwrap();
        assert_eq!(tr.x, tr2.x);
        let mut all: Vec<usize> = tr.x.iter().chain(&te.x).copied().collect();
        all.sort();
        assert_eq!(all, (0..100).collect::<Vec<_>>());
        let folds = d.k_folds(5, 1).unwrap();
        assert_eq!(folds.len(), 5);
        assert!(folds.iter().all(|(t, v)| t.len() == 80 && v.len() == 20));
    }

    #[test]
    fn standardizer_uses_training_statistics() {
        let mut train = std::vec![std::vec![1.0, 5.0], std::vec![3.0, 5.0]];
        let mut test = std::vec![std::vec![5.0, 6.0]];
        let s = standardize(&mut train, &mut [&mut test]);
        assert_eq!(s.mean, std::vec![2.0, 5.0]);
        assert_eq!(train[0], std::vec![-1.0, 0.0]);
        assert_eq!(test[0], std::vec![3.0, 1.0]);
    }

    #[test]
    fn stratified_folds_keep_class_shares() {
        let y: Vec<usize> = (0..100).map(|i| if i < 70 { 0 } else { 1 }).collect();
        let d = Dataset::new((0..100).collect::<Vec<usize>>(), y).unwrap();
        let folds = d.stratified_k_folds(5, 2, |c| *c).unwrap();
        let mut seen: Vec<usize> = Vec::new();
        for (tr, va) in &folds {
            assert_eq!((tr.len(), va.len()), (80, 20));
            assert_eq!(va.y.iter().filter(|c| **c == 1).count(), 6);
            seen.extend(&va.x);
        }
        seen.sort();
        assert_eq!(
            seen,
            (0..100).collect::<Vec<_>>(),
            "each sample validates once"
        );
        assert!(d.stratified_k_folds(1, 2, |c| *c).is_err());
    }

    #[test]
    fn a_large_offset_keeps_its_spread() {
        let rows = [[1e9], [1e9 + 1.0]];
        let s = Standardizer::fit(rows.iter().map(|r| &r[..]), 1);
        assert_eq!((s.mean[0], s.std[0]), (1e9 + 0.5, 0.5));
    }

    #[test]
    fn misused_splits_are_errors() {
        let d = Dataset::new(
            (0..10).collect::<Vec<usize>>(),
            (0..10).map(|i| i % 2).collect(),
        )
        .unwrap();
        for f in [1.5, -0.1, f64::NAN] {
            let e = d.split(f, 0).unwrap_err();
            assert!(e.to_string().contains("is not between 0 and 1"), "{e}");
            assert!(d.stratified_split(f, 0, |c| *c).is_err());
        }
        for k in [0, 1, 11] {
            assert_eq!(
                d.k_folds(k, 0).unwrap_err().to_string(),
                std::format!("{k} folds of 10 samples: k must be at least 2 and at most the number of samples")
            );
        }
        // Huge class indices neither panic nor allocate by their size.
        let big = Dataset::new(
            std::vec![0usize, 1, 2, 3],
            std::vec![usize::MAX, usize::MAX, 1 << 40, 1 << 40],
        )
        .unwrap();
        let (tr, te) = big.stratified_split(0.5, 0, |c| *c).unwrap();
        assert_eq!((tr.len(), te.len()), (2, 2));
        let lonely = Dataset::new(std::vec![0usize, 1, 2], std::vec![0, 0, 7]).unwrap();
        assert_eq!(
            lonely
                .stratified_split(0.2, 0, |c| *c)
                .unwrap_err()
                .to_string(),
            "class 7 has 1 sample(s): a stratified split needs at least 2 of each class"
        );
    }
}
