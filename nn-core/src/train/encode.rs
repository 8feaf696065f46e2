//! From a table to a classification data set: [`LabelEncoder`] (class
//! names to indices, saved with the model in a checkpoint),
//! [`Table::classification`] and [`one_hot`].

use std::string::{String, ToString};
use std::vec::Vec;

use super::{DataError, Dataset, Table};

/// Class names to class indices, as scikit-learn's `LabelEncoder`: the
/// distinct names sorted, numbered from 0. A name it was not fitted on is
/// an error naming the row, not a silent new class.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelEncoder {
    /// The class names; index `i` is class `i`.
    pub classes: Vec<String>,
}

impl LabelEncoder {
    /// Fits on the names seen (sorted, each once).
    pub fn fit<'a>(labels: impl IntoIterator<Item = &'a str>) -> Self {
        let mut classes: Vec<String> = labels.into_iter().map(str::to_string).collect();
        classes.sort();
        classes.dedup();
        Self { classes }
    }

    /// The class index of `label` (in row `row`, for the error).
    pub fn encode(&self, label: &str, row: usize) -> Result<usize, DataError> {
        self.classes
            .iter()
            .position(|c| c == label)
            .ok_or_else(|| DataError::UnknownLabel {
                row,
                label: label.to_string(),
                known: self.classes.len(),
            })
    }

    /// The name of class `c`.
    pub fn decode(&self, c: usize) -> Option<&str> {
        self.classes.get(c).map(String::as_str)
    }
}

/// The encoder travels with its model in a checkpoint
/// (`label_encoder.names`: the names, each followed by a NUL byte).
impl crate::weights::Stateful for LabelEncoder {
    fn save_state(&self, w: &mut crate::weights::StateWriter<'_>) {
        let mut bytes = Vec::new();
        for c in &self.classes {
            bytes.extend_from_slice(c.as_bytes());
            bytes.push(0);
        }
        w.bytes(&["label_encoder", "names"], &bytes);
    }

    fn load_state(
        &mut self,
        r: &mut crate::weights::StateReader<'_>,
    ) -> Result<(), crate::weights::WeightsError> {
        let mut bytes = Vec::new();
        r.byte_vec(&["label_encoder", "names"], &mut bytes)?;
        let bad = || crate::weights::WeightsError::Malformed {
            offset: 0,
            what: "the label encoder's names are not NUL-terminated UTF-8, each once",
        };
        if !bytes.is_empty() && bytes.last() != Some(&0) {
            return Err(bad());
        }
        let mut classes: Vec<String> = Vec::new();
        for name in bytes
            .split(|b| *b == 0)
            .take(bytes.iter().filter(|b| **b == 0).count())
        {
            let name = String::from_utf8(name.to_vec()).map_err(|_| bad())?;
            if classes.contains(&name) {
                return Err(bad());
            }
            classes.push(name);
        }
        if r.applying() {
            self.classes = classes;
        }
        Ok(())
    }
}

impl Table {
    /// A classification data set: every column but `label` as the `N`
    /// features (in order; none may be missing), and `label`'s values as
    /// classes through a [`LabelEncoder`] fitted on them. The label column
    /// may be a text column (`Table::read_csv(path, &["species"])`) or hold
    /// whole numbers, which are then the class names.
    pub fn classification<const N: usize>(
        &self,
        label: &str,
    ) -> Result<(Dataset<[f32; N], usize>, LabelEncoder), DataError> {
        let Some(col) = self.column(label) else {
            return Err(DataError::Missing {
                what: std::format!("the label column `{label}`"),
                row: 0,
                column: label.to_string(),
            });
        };
        let features: Vec<usize> = (0..self.header().len())
            .filter(|c| *c != col && !self.is_text(*c))
            .collect();
        if features.len() != N {
            return Err(DataError::Shape {
                what: std::format!("the features besides `{label}`"),
                expected: N,
                found: features.len(),
            });
        }
        let text_label = self.is_text(col);
        let names: Vec<String> = (0..self.len())
            .map(|r| match self.text(r, col) {
                Some(t) => Ok(t.to_string()),
                None => match self.value(r, col) {
                    Some(v) if v.fract() == 0.0 => Ok(std::format!("{v}")),
                    Some(v) => Err(DataError::BadLabel {
                        row: r,
                        value: v,
                        classes: 0,
                    }),
                    None => Err(DataError::Missing {
                        what: "a label".to_string(),
                        row: r,
                        column: label.to_string(),
                    }),
                },
            })
            .collect::<Result<_, _>>()?;
        // Numeric labels sort as numbers (2 before 10), text ones as text.
        let mut encoder = LabelEncoder::fit(names.iter().map(String::as_str));
        if !text_label {
            encoder.classes.sort_by(|a, b| {
                let (a, b) = (
                    a.parse::<f64>().unwrap_or(0.0),
                    b.parse::<f64>().unwrap_or(0.0),
                );
                a.total_cmp(&b)
            });
        }
        let mut x = Vec::with_capacity(self.len());
        let mut y = Vec::with_capacity(self.len());
        for (r, name) in names.iter().enumerate() {
            let mut v = [0f32; N];
            for (d, c) in v.iter_mut().zip(&features) {
                *d = self.value(r, *c).ok_or_else(|| DataError::Missing {
                    what: "a feature".to_string(),
                    row: r,
                    column: self.header()[*c].clone(),
                })? as f32;
            }
            x.push(v);
            let c = encoder
                .classes
                .iter()
                .position(|n| n == name)
                .ok_or(DataError::Missing {
                    what: "a label".to_string(),
                    row: r,
                    column: label.to_string(),
                })?;
            y.push(c);
        }
        Ok((Dataset::new(x, y)?, encoder))
    }
}

/// Class `c` of `K` as a one-hot vector (`None` when `c >= K`).
pub fn one_hot<const K: usize>(c: usize) -> Option<[f32; K]> {
    (c < K).then(|| core::array::from_fn(|k| if k == c { 1.0 } else { 0.0 }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_label_column_becomes_classes() {
        let t = Table::parse_csv(
            "a,b,species\n1,2,setosa\n3,4,virginica\n5,6,setosa\n7,8,versicolor\n",
            "iris.csv",
            &["species"],
        )
        .unwrap();
        let (d, enc) = t.classification::<2>("species").unwrap();
        assert_eq!(enc.classes, ["setosa", "versicolor", "virginica"]);
        assert_eq!(d.y(), [0, 2, 0, 1]);
        assert_eq!(d.x()[1], [3.0, 4.0]);
        assert_eq!(enc.decode(2), Some("virginica"));
        assert_eq!(
            enc.encode("sativa", 12).unwrap_err().to_string(),
            "row 12: label `sativa` is not one of the 3 classes the encoder knows"
        );
        assert!(t.classification::<3>("species").is_err());
        // Numbers as names sort as numbers.
        let t = Table::parse_csv("x,y\n1,10\n2,2\n3,10\n", "n.csv", &[]).unwrap();
        let (d, enc) = t.classification::<1>("y").unwrap();
        assert_eq!(
            (enc.classes.clone(), d.y()),
            (std::vec!["2".to_string(), "10".into()], &[1, 0, 1][..])
        );
        assert_eq!(one_hot::<3>(1), Some([0.0, 1.0, 0.0]));
        assert_eq!(one_hot::<3>(3), None);
    }
}
