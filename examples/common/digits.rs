//! Loading `data/digits.csv` (8x8 handwritten digits, UCI via
//! scikit-learn), shared by the digits examples.

use nn::train::{DataError, Dataset, Table};

/// The 1797 digits as 64 pixels scaled to `0..1` (row-major, 8 rows of
/// 8), with their labels `0..10`. Errors name the file, row and column.
pub fn load_digits() -> Result<Dataset<[f32; 64], usize>, Box<dyn std::error::Error>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/digits.csv");
    let rows = Table::read_csv(path, &[])?.dense("digits.csv")?;
    let mut x = Vec::with_capacity(rows.len());
    let mut y = Vec::with_capacity(rows.len());
    for (r, row) in rows.iter().enumerate() {
        if row.len() != 65 {
            return Err(DataError::Shape {
                what: format!("digits.csv row {r}"),
                expected: 65,
                found: row.len(),
            }
            .into());
        }
        let (pixels, label) = row.split_at(64);
        let label = label[0];
        if label.fract() != 0.0 || !(0.0..10.0).contains(&label) {
            return Err(DataError::BadLabel {
                row: r,
                value: label,
                classes: 10,
            }
            .into());
        }
        // Pixels are 0..16; scale to 0..1.
        let mut p = [0.0f32; 64];
        for (d, s) in p.iter_mut().zip(pixels) {
            *d = (*s / 16.0) as f32;
        }
        x.push(p);
        y.push(label as usize);
    }
    Ok(Dataset::new(x, y)?)
}
