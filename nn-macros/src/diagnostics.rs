//! Leaf helpers for messages: the error accumulator, "did you mean"
//! distances, sizes as people read them, and the spellings other libraries
//! use for the DSL's arguments, each answered with nn's.

use proc_macro2::Span;

/// Errors gathered, so that every mistake is reported at once: over the
/// whole declaration here, and over one layer's arguments in `layers/`.
#[derive(Default)]
pub struct Errors(Option<syn::Error>);

impl Errors {
    pub fn push(&mut self, e: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(e),
            None => self.0 = Some(e),
        }
    }
    pub fn at(&mut self, span: Span, msg: impl std::fmt::Display) {
        self.push(syn::Error::new(span, msg));
    }
    /// The value of `r`, or `None` with its error kept.
    pub fn ok<T>(&mut self, r: syn::Result<T>) -> Option<T> {
        r.map_err(|e| self.push(e)).ok()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }
    /// All the errors as one, if there are any.
    pub fn into_error(self) -> Option<syn::Error> {
        self.0
    }
    pub fn into_result<T>(self, ok: T) -> syn::Result<T> {
        match self.0 {
            Some(e) => Err(e),
            None => Ok(ok),
        }
    }
}

/// Levenshtein distance, case-insensitive, for "did you mean" hints.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut prev = row[0];
        row[0] = i;
        for j in 1..=b.len() {
            let cur = row[j];
            row[j] = (row[j] + 1)
                .min(row[j - 1] + 1)
                .min(prev + usize::from(a[i - 1] != b[j - 1]));
            prev = cur;
        }
    }
    row[b.len()]
}

/// The closest candidate, if close enough to be a plausible typo.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (distance(word, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Thousands separators: 12,345.
pub fn grouped(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A byte count as people read it: `16.4 GB`, `512 bytes`.
pub fn bytes(n: u64) -> String {
    const UNITS: [(&str, f64); 3] = [("GB", 1e9), ("MB", 1e6), ("kB", 1e3)];
    for (unit, size) in UNITS {
        if n as f64 >= size {
            return format!("{:.1} {unit}", n as f64 / size);
        }
    }
    format!("{n} bytes")
}

/// Where a Keras or PyTorch option goes in nn.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Meaning {
    /// The kind's positional argument `i` (`units` is `Dense`'s first).
    Positional(usize),
    /// The option of this name.
    Named(&'static str),
    /// Nothing: nn infers it or spells it as a layer; the text says how.
    Nothing(&'static str),
}

/// One foreign spelling: the option, the kinds it is foreign for (all when
/// empty), what it means here, and whose name it is.
pub struct Foreign {
    pub key: &'static str,
    pub kinds: &'static [&'static str],
    pub meaning: Meaning,
    pub from: &'static str,
}

const CONV: &[&str] = &["Conv2d", "Conv1d"];
const POOL: &[&str] = &["MaxPool2d", "AvgPool2d"];
const RECURRENT: &[&str] = &["Rnn", "Lstm", "Gru"];
const INFERRED: &str = "nn infers input sizes from the layer before: remove it";

pub const FOREIGN: &[Foreign] = &[
    Foreign { key: "units", kinds: &["Dense"], meaning: Meaning::Positional(0), from: "Keras" },
    Foreign { key: "out_features", kinds: &["Dense"], meaning: Meaning::Positional(0), from: "PyTorch" },
    Foreign { key: "filters", kinds: CONV, meaning: Meaning::Positional(0), from: "Keras" },
    Foreign { key: "out_channels", kinds: CONV, meaning: Meaning::Positional(0), from: "PyTorch" },
    Foreign { key: "hidden_size", kinds: RECURRENT, meaning: Meaning::Positional(0), from: "PyTorch" },
    Foreign { key: "rate", kinds: &["Dropout"], meaning: Meaning::Positional(0), from: "Keras" },
    Foreign { key: "kernel_size", kinds: &[], meaning: Meaning::Named("kernel"), from: "Keras and PyTorch" },
    Foreign { key: "pool_size", kinds: POOL, meaning: Meaning::Named("kernel"), from: "Keras" },
    Foreign { key: "strides", kinds: &[], meaning: Meaning::Named("stride"), from: "Keras" },
    Foreign { key: "use_bias", kinds: &[], meaning: Meaning::Named("bias"), from: "Keras" },
    Foreign { key: "kernel_initializer", kinds: &[], meaning: Meaning::Named("init"), from: "Keras" },
    Foreign { key: "return_sequences", kinds: RECURRENT, meaning: Meaning::Named("sequences"), from: "Keras" },
    Foreign { key: "negative_slope", kinds: &["LeakyRelu"], meaning: Meaning::Named("alpha"), from: "PyTorch" },
    Foreign {
        key: "activation",
        kinds: &[],
        meaning: Meaning::Nothing("in nn an activation is a layer of its own: remove `activation = ..` and add a layer after this one, as in `act: Relu,`"),
        from: "Keras",
    },
    Foreign { key: "in_features", kinds: &[], meaning: Meaning::Nothing(INFERRED), from: "PyTorch" },
    Foreign { key: "in_channels", kinds: &[], meaning: Meaning::Nothing(INFERRED), from: "PyTorch" },
    Foreign { key: "input_size", kinds: &[], meaning: Meaning::Nothing(INFERRED), from: "PyTorch" },
    Foreign { key: "num_features", kinds: &[], meaning: Meaning::Nothing(INFERRED), from: "PyTorch" },
    Foreign { key: "input_dim", kinds: &[], meaning: Meaning::Nothing(INFERRED), from: "Keras" },
    Foreign { key: "input_shape", kinds: &[], meaning: Meaning::Nothing("the network's input is declared once, as `input: [..]` at the top: remove it"), from: "Keras" },
];

/// The foreign spelling `key` for `kind`, if it is one.
pub fn foreign(kind: &str, key: &str) -> Option<&'static Foreign> {
    FOREIGN
        .iter()
        .find(|f| f.key == key && (f.kinds.is_empty() || f.kinds.contains(&kind)))
}

/// The message for a foreign spelling, given how its value reads.
pub fn foreign_message(f: &Foreign, kind: &str, value: &str) -> String {
    let (key, from) = (f.key, f.from);
    let spells = if from.contains(" and ") {
        "spell"
    } else {
        "spells"
    };
    match f.meaning {
        Meaning::Positional(i) => {
            // Kinds with more arguments keep them after the first.
            let rest = if kind.starts_with("Conv") { ", .." } else { "" };
            let nth = ["first", "second", "third"]
                .get(i)
                .copied()
                .unwrap_or("next");
            format!("`{key}` is how {from} {spells} it; nn takes it as the {nth} argument: `{kind}({value}{rest})`")
        }
        Meaning::Named(ours) => {
            format!("`{key}` is how {from} {spells} it; nn writes `{ours} = {value}`")
        }
        Meaning::Nothing(how) => format!("`{key}` is a {from} option; {how}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foreign_names_are_kind_specific() {
        assert_eq!(
            foreign("Dense", "units").unwrap().meaning,
            Meaning::Positional(0)
        );
        assert!(foreign("Conv2d", "units").is_none());
        assert_eq!(
            foreign("Conv2d", "kernel_size").unwrap().meaning,
            Meaning::Named("kernel")
        );
        let f = foreign("Dense", "units").unwrap();
        assert_eq!(
            foreign_message(f, "Dense", "10"),
            "`units` is how Keras spells it; nn takes it as the first argument: `Dense(10)`"
        );
    }

    #[test]
    fn numbers_as_people_read_them() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(1234567), "1,234,567");
        assert_eq!(bytes(512), "512 bytes");
        assert_eq!(bytes(16_400_000_000), "16.4 GB");
    }

    #[test]
    fn closest_spelling() {
        assert_eq!(closest("Dence", &["Dense", "Conv2d"]), Some("Dense"));
        assert_eq!(closest("Transformer", &["Dense", "Conv2d"]), None);
    }
}
