//! Reading a layer's arguments: positional values, `key = value` options,
//! and an error for every argument nobody asked for.

use proc_macro2::Span;
use syn::Ident;

use crate::diagnostics::Errors;
use crate::diagnostics::{closest, foreign, foreign_message, Meaning};
use crate::parse::{Arg, ArgList, Value};

/// The arguments of one layer, consumed by its kind's check.
pub struct Args<'a> {
    kind: &'a Ident,
    list: Option<&'a ArgList>,
    used: Vec<bool>,
    /// Option names the kind asked about, for "did you mean" hints.
    known: Vec<&'static str>,
    /// How many positional arguments the kind asked about.
    positionals: usize,
    /// Why a kind takes no arguments, added to the error if given some.
    no_args_note: Option<&'static str>,
    /// Keras or PyTorch spellings that were read, each answered with nn's.
    foreign: Errors,
}

impl<'a> Args<'a> {
    pub fn new(kind: &'a Ident, list: Option<&'a ArgList>) -> Self {
        let n = list.map_or(0, |l| l.args.len());
        Self {
            kind,
            list,
            used: vec![false; n],
            known: Vec::new(),
            positionals: 0,
            no_args_note: None,
            foreign: Errors::default(),
        }
    }

    /// The kind token (`Dense`), where errors about missing arguments go.
    pub fn kind_span(&self) -> Span {
        self.kind.span()
    }

    /// Explains, in the error for a kind that takes no arguments, why.
    pub fn no_args_because(&mut self, note: &'static str) {
        self.no_args_note = Some(note);
    }

    /// The `i`-th positional argument.
    pub fn positional(&mut self, i: usize) -> Option<&'a Value> {
        self.positionals = self.positionals.max(i + 1);
        let list = self.list?;
        let (k, arg) = list
            .args
            .iter()
            .enumerate()
            .filter(|(_, a)| a.key.is_none())
            .nth(i)
            .or_else(|| self.find_foreign(Meaning::Positional(i)))?;
        self.used[k] = true;
        Some(&arg.value)
    }

    /// An unused `key = value` whose key is another library's name for
    /// `meaning`. It is read, so the layer is checked as meant, and
    /// reported with nn's spelling.
    fn find_foreign(&mut self, meaning: Meaning) -> Option<(usize, &'a Arg)> {
        let list = self.list?;
        let kind = self.kind.to_string();
        let (k, arg, f) = list.args.iter().enumerate().find_map(|(k, a)| {
            let f = foreign(&kind, &a.key.as_ref()?.to_string())?;
            (f.meaning == meaning && !self.used[k]).then_some((k, a, f))
        })?;
        let key = arg.key.as_ref()?;
        self.foreign
            .at(key.span(), foreign_message(f, &kind, &arg.value.written()));
        Some((k, arg))
    }

    /// The option `key = value`.
    pub fn named(&mut self, key: &'static str) -> Option<&'a Value> {
        self.known.push(key);
        let list = self.list?;
        let (k, arg): (usize, &Arg) = list
            .args
            .iter()
            .enumerate()
            .find(|(_, a)| a.key.as_ref().is_some_and(|n| n == key))
            .or_else(|| self.find_foreign(Meaning::Named(key)))?;
        self.used[k] = true;
        Some(&arg.value)
    }

    /// An error for each argument no rule consumed; a single one on the
    /// parentheses if the kind takes no arguments at all.
    pub fn finish(self) -> Option<syn::Error> {
        let list = self.list?;
        let kind = self.kind.to_string();
        if self.positionals == 0 && self.known.is_empty() {
            return Some(syn::Error::new(
                list.span,
                match self.no_args_note {
                    Some(note) => format!("`{kind}` takes no arguments ({note}); write `{kind}`"),
                    None => format!("`{kind}` takes no arguments; write `{kind}`"),
                },
            ));
        }
        let mut out = self.foreign;
        let mut seen_keys: Vec<String> = Vec::new();
        for (arg, used) in list.args.iter().zip(&self.used) {
            match &arg.key {
                Some(key) => {
                    let k = key.to_string();
                    if seen_keys.contains(&k) {
                        out.push(syn::Error::new(
                            key.span(),
                            format!("option `{k}` is given twice; keep one"),
                        ));
                        continue;
                    }
                    seen_keys.push(k.clone());
                    if *used {
                        continue;
                    }
                    let msg = if let Some(f) = foreign(&kind, &k) {
                        foreign_message(f, &kind, &arg.value.written())
                    } else if self.known.is_empty() {
                        format!("`{kind}` takes no options; remove `{k} = ..`")
                    } else {
                        let hint = match closest(&k, &self.known) {
                            Some(c) => format!("did you mean `{c}`?"),
                            None => format!(
                                "`{kind}` accepts {}",
                                self.known
                                    .iter()
                                    .map(|n| format!("`{n}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        };
                        format!("unknown option `{k}` for `{kind}`; {hint}")
                    };
                    out.push(syn::Error::new(key.span(), msg));
                }
                None if !*used => out.push(syn::Error::new(
                    arg.value.span(),
                    match self.positionals {
                        0 => format!(
                            "`{kind}` takes only options (`key = value`); remove this argument"
                        ),
                        1 => format!("`{kind}` takes one positional argument; remove this one"),
                        n => format!("`{kind}` takes {n} positional arguments; remove this one"),
                    },
                )),
                None => {}
            }
        }
        out.into_error()
    }
}

/// A positive integer, or an error naming `what` on the value's token.
pub fn positive_int(v: &Value, what: &str) -> syn::Result<usize> {
    match v {
        Value::Int(0, span) => Err(syn::Error::new(
            *span,
            format!("{what} must be at least 1, found 0"),
        )),
        Value::Int(n, span) => usize::try_from(*n)
            .ok()
            .filter(|n| *n <= u32::MAX as usize)
            .ok_or_else(|| syn::Error::new(*span, format!("{what} {n} is too large"))),
        other => Err(syn::Error::new(
            other.span(),
            format!(
                "{what} must be a positive integer, found {}",
                other.describe()
            ),
        )),
    }
}

/// A finite number (integers accepted).
pub fn number(v: &Value, what: &str) -> syn::Result<f64> {
    match v {
        Value::Float(x, span) if !x.is_finite() => {
            Err(syn::Error::new(*span, format!("{what} must be finite")))
        }
        Value::Float(x, _) => Ok(*x),
        Value::Int(n, _) => Ok(*n as f64),
        other => Err(syn::Error::new(
            other.span(),
            format!("{what} must be a number, found {}", other.describe()),
        )),
    }
}

/// `true` or `false`.
pub fn boolean(v: &Value, what: &str) -> syn::Result<bool> {
    match v {
        Value::Bool(b, _) => Ok(*b),
        other => Err(syn::Error::new(
            other.span(),
            format!(
                "{what} must be `true` or `false`, found {}",
                other.describe()
            ),
        )),
    }
}

/// A non-negative integer (padding may be 0).
pub fn non_negative_int(v: &Value, what: &str) -> syn::Result<usize> {
    match v {
        Value::Int(0, _) => Ok(0),
        other => positive_int(other, what),
    }
}

/// `k` or `(a, b)`: a size per spatial dimension, as PyTorch's `int or
/// tuple`. `zero_ok` allows 0 (padding).
pub fn pair(v: &Value, what: &str, zero_ok: bool) -> syn::Result<(usize, usize)> {
    let one = |v: &Value| {
        if zero_ok {
            non_negative_int(v, what)
        } else {
            positive_int(v, what)
        }
    };
    match v {
        Value::Tuple(items, span) => match items.as_slice() {
            [a, b] => Ok((one(a)?, one(b)?)),
            _ => Err(syn::Error::new(
                *span,
                format!(
                    "{what} is one number or a pair `(height, width)`, found {} values",
                    items.len()
                ),
            )),
        },
        other => one(other).map(|k| (k, k)),
    }
}

/// `3` or `3x5`.
pub fn show_pair((a, b): (usize, usize)) -> String {
    if a == b {
        a.to_string()
    } else {
        format!("{a}x{b}")
    }
}

/// A padding as the DSL writes it: `1` or `(1, 2)`.
pub fn show_pad((a, b): (usize, usize)) -> String {
    if a == b {
        a.to_string()
    } else {
        format!("({a}, {b})")
    }
}
