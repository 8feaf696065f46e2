//! Tables read from CSV files, a line at a time.
//!
//! Memory: the file is never held whole. Numbers are kept as one flat
//! `f64` per field (a missing one as NaN inside, since parsed NaNs are
//! refused), text fields as strings, so a table of short numbers takes
//! about as much memory as its file, a small multiple at most.

use std::io::BufRead;
use std::path::Path;
use std::string::{String, ToString};
use std::vec::Vec;

use super::DataError;

/// A table with a header: numeric columns, and text columns named when it
/// is read (dates, ids, class names); empty numeric fields are missing.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    header: Vec<String>,
    /// Row-major, one per field; NaN where missing and in text columns.
    values: Vec<f64>,
    /// Row-major over the text columns only.
    text: Vec<String>,
    text_columns: Vec<usize>,
    rows: usize,
}

impl Table {
    /// Reads a comma-separated file with a header row, a line at a time.
    /// Columns named in `text_columns` are kept as text instead of parsed.
    pub fn read_csv(path: impl AsRef<Path>, text_columns: &[&str]) -> Result<Self, DataError> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|source| DataError::Io {
            path: name.clone(),
            source,
        })?;
        Self::from_reader(std::io::BufReader::new(file), &name, text_columns)
    }

    /// Parses CSV text; `name` is used in errors.
    pub fn parse_csv(text: &str, name: &str, text_columns: &[&str]) -> Result<Self, DataError> {
        Self::from_reader(text.as_bytes(), name, text_columns)
    }

    /// Reads CSV from any buffered reader; `name` is used in errors. Lines
    /// end with LF, CRLF or a lone CR (old Mac files); a UTF-8 byte-order
    /// mark is not part of the first column's name; blank lines are
    /// skipped but counted in line numbers.
    pub fn from_reader(
        mut input: impl BufRead,
        name: &str,
        text_columns: &[&str],
    ) -> Result<Self, DataError> {
        let mut builder: Option<Builder> = None;
        let mut chunk = Vec::new();
        let mut line = 0;
        loop {
            chunk.clear();
            let read = input
                .read_until(b'\n', &mut chunk)
                .map_err(|source| DataError::Io {
                    path: name.to_string(),
                    source,
                })?;
            if read == 0 {
                break;
            }
            if chunk.last() == Some(&b'\n') {
                chunk.pop();
            }
            if chunk.last() == Some(&b'\r') {
                chunk.pop();
            }
            for piece in chunk.split(|b| *b == b'\r') {
                line += 1;
                let Ok(mut text) = std::str::from_utf8(piece) else {
                    return Err(DataError::NotText {
                        path: name.to_string(),
                        line,
                    });
                };
                if line == 1 {
                    text = text.strip_prefix('\u{feff}').unwrap_or(text);
                }
                if text.trim().is_empty() {
                    continue;
                }
                match &mut builder {
                    None => builder = Some(Builder::new(text, text_columns)),
                    Some(b) => b.row(text, name, line)?,
                }
            }
        }
        match builder {
            Some(b) => Ok(b.finish()),
            None => Err(DataError::Empty {
                path: name.to_string(),
            }),
        }
    }

    /// Column names.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// Number of rows (the header not counted).
    pub fn len(&self) -> usize {
        self.rows
    }

    /// True when the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Index of the column named `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// True when column `col` was read as text.
    pub fn is_text(&self, col: usize) -> bool {
        self.text_columns.contains(&col)
    }

    /// The number at `row`, `col`: `None` when the field is empty, in a
    /// text column, or out of range.
    pub fn value(&self, row: usize, col: usize) -> Option<f64> {
        if row >= self.rows || col >= self.header.len() {
            return None;
        }
        let v = self.values[row * self.header.len() + col];
        (!v.is_nan()).then_some(v)
    }

    /// The text at `row`, `col` of a text column (`None` elsewhere).
    pub fn text(&self, row: usize, col: usize) -> Option<&str> {
        let t = self.text_columns.iter().position(|c| *c == col)?;
        (row < self.rows).then(|| self.text[row * self.text_columns.len() + t].as_str())
    }

    /// Every row's number in column `col` (`None` where missing).
    pub fn column_values(&self, col: usize) -> Vec<Option<f64>> {
        (0..self.rows).map(|r| self.value(r, col)).collect()
    }

    /// Rows as plain numbers; an error names the first missing value.
    pub fn dense(&self, what: &str) -> Result<Vec<Vec<f64>>, DataError> {
        (0..self.rows)
            .map(|r| {
                (0..self.header.len())
                    .map(|c| {
                        self.value(r, c).ok_or_else(|| DataError::Missing {
                            what: what.to_string(),
                            row: r,
                            column: self.header[c].clone(),
                        })
                    })
                    .collect()
            })
            .collect()
    }
}

/// A table being read.
struct Builder {
    table: Table,
    is_text: Vec<bool>,
}

impl Builder {
    fn new(head: &str, text_columns: &[&str]) -> Self {
        let header: Vec<String> = head.split(',').map(|h| h.trim().to_string()).collect();
        let is_text: Vec<bool> = header
            .iter()
            .map(|h| text_columns.contains(&h.as_str()))
            .collect();
        let text_columns = (0..header.len()).filter(|c| is_text[*c]).collect();
        Self {
            table: Table {
                header,
                values: Vec::new(),
                text: Vec::new(),
                text_columns,
                rows: 0,
            },
            is_text,
        }
    }

    /// Appends one row; on an error the table is left as it was.
    fn row(&mut self, line_text: &str, name: &str, line: usize) -> Result<(), DataError> {
        let t = &mut self.table;
        let width = t.header.len();
        let found = line_text.split(',').count();
        if found != width {
            return Err(DataError::Ragged {
                path: name.to_string(),
                line,
                expected: width,
                found,
            });
        }
        for (c, field) in line_text.split(',').enumerate() {
            let field = field.trim();
            if self.is_text[c] {
                t.text.push(field.to_string());
                t.values.push(f64::NAN);
            } else if field.is_empty() {
                t.values.push(f64::NAN);
            } else {
                match field.parse::<f64>() {
                    Ok(v) if v.is_finite() => t.values.push(v),
                    _ => {
                        return Err(DataError::NotANumber {
                            path: name.to_string(),
                            line,
                            column: t.header[c].clone(),
                            text: field.to_string(),
                        })
                    }
                }
            }
        }
        t.rows += 1;
        Ok(())
    }

    fn finish(mut self) -> Table {
        self.table.values.shrink_to_fit();
        self.table.text.shrink_to_fit();
        self.table
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_errors_say_where() {
        let t = Table::parse_csv("a,b\n1,2\n3,\n", "t.csv", &[]).unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t.column_values(0), [Some(1.0), Some(3.0)]);
        assert_eq!(t.column_values(1), [Some(2.0), None]);
        let e = t.dense("features").unwrap_err().to_string();
        assert_eq!(e, "features: row 1, column `b` is missing");
        let e = Table::parse_csv("a,b\n1,2\n3\n", "t.csv", &[])
            .unwrap_err()
            .to_string();
        assert_eq!(e, "t.csv:3: 1 fields, but the header has 2");
        let e = Table::parse_csv("a,b\n1,x2\n", "t.csv", &[])
            .unwrap_err()
            .to_string();
        assert_eq!(e, "t.csv:2: column `b`: `x2` is not a number");
        let e = Table::parse_csv("a\nNaN\n", "t.csv", &[])
            .unwrap_err()
            .to_string();
        assert_eq!(e, "t.csv:2: column `a`: `NaN` is not a number");
        assert!(matches!(
            Table::parse_csv("", "t.csv", &[]),
            Err(DataError::Empty { .. })
        ));
        let t =
            Table::parse_csv("d,v\n1958-03-29,316.1\n\n1958-04-05,\n", "t.csv", &["d"]).unwrap();
        assert_eq!((t.value(0, 0), t.value(0, 1)), (None, Some(316.1)));
        assert_eq!((t.value(1, 0), t.value(1, 1)), (None, None));
        assert_eq!(t.text(1, 0), Some("1958-04-05"));
        assert_eq!(
            (t.text(1, 1), t.text(2, 0), t.value(2, 1)),
            (None, None, None)
        );
        assert!(t.is_text(0) && !t.is_text(1));
    }

    #[test]
    fn byte_order_marks_and_cr_line_endings() {
        let t = Table::parse_csv("\u{feff}a,b\r1,2\r3,4\r", "mac.csv", &[]).unwrap();
        assert_eq!(t.header(), ["a", "b"]);
        assert_eq!(t.len(), 2);
        assert_eq!(t.column_values(1), [Some(2.0), Some(4.0)]);
        let t = Table::parse_csv("a,b\r\n1,2\r\n3,x\r\n", "dos.csv", &[]).unwrap_err();
        assert_eq!(t.to_string(), "dos.csv:3: column `b`: `x` is not a number");
        let t = Table::parse_csv("a,b\r\n1,2\r\n\r\n3,4", "dos.csv", &[]).unwrap();
        assert_eq!(t.column_values(0), [Some(1.0), Some(3.0)]);
    }

    #[test]
    fn bytes_that_are_not_utf8_are_an_error_with_the_line() {
        let bytes: &[u8] = b"a,b\n1,2\n3,\xff\n";
        let e = Table::from_reader(bytes, "bin.csv", &[]).unwrap_err();
        assert_eq!(e.to_string(), "bin.csv:3: the line is not UTF-8 text");
    }

    #[test]
    fn a_file_is_read_from_disk_and_a_missing_one_is_named() {
        let dir = std::env::temp_dir().join(std::format!("nn-table-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.csv");
        let mut text = String::from("x,name\n");
        for i in 0..10_000 {
            text.push_str(&std::format!("{i},n{i}\n"));
        }
        std::fs::write(&path, &text).unwrap();
        let t = Table::read_csv(&path, &["name"]).unwrap();
        assert_eq!(t.len(), 10_000);
        assert_eq!(t.value(9_999, 0), Some(9_999.0));
        assert_eq!(t.text(9_999, 1), Some("n9999"));
        std::fs::remove_dir_all(&dir).unwrap();
        let e = Table::read_csv(dir.join("gone.csv"), &[]).unwrap_err();
        assert!(e.to_string().starts_with("cannot read "), "{e}");
    }
}
