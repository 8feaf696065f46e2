//! Families: a declaration with choices in its layer arguments
//! (`hidden: Dense(16 | 32 | 64)`) is one network per combination of
//! choices. This stage turns it into those declarations, each with a name
//! that says its choices (`NetHidden16`), before `check` sees any of them;
//! `expand` checks and writes each, and the family type that visits them.

use proc_macro2::Span;
use quote::format_ident;
use syn::Ident;

use crate::parse::{Field, NetworkDecl, Value};

/// The most members one declaration may have: each is a whole network
/// for rustc to compile.
const MAX_MEMBERS: usize = 64;

/// One network of a family.
pub struct Member {
    pub decl: NetworkDecl,
    /// Its choices, as `hidden: 32, drop: 0.25`.
    pub choices: String,
}

/// One `a | b | c` in the declaration: where it is and what it offers.
struct Choice {
    field: usize,
    arg: usize,
    values: Vec<Value>,
    /// `Hidden`, or `HiddenKernel` for a keyed argument.
    stem: String,
    /// `hidden`, or `hidden.kernel`.
    label: String,
    span: Span,
}

/// The members of a family, or `None` for a declaration without choices.
pub fn members(decl: &NetworkDecl) -> syn::Result<Option<Vec<Member>>> {
    let choices = find(decl)?;
    if choices.is_empty() {
        return Ok(None);
    }
    let mut count: usize = 1;
    for c in &choices {
        count = count.saturating_mul(c.values.len());
        if count > MAX_MEMBERS {
            return Err(syn::Error::new(
                c.span,
                format!(
                    "with this choice the family has {count} or more networks, more than the {MAX_MEMBERS} one declaration may have; offer fewer choices"
                ),
            ));
        }
    }
    let mut out = Vec::with_capacity(count);
    for index in 0..count {
        let (mut rest, mut decl) = (index, decl.clone());
        let (mut suffix, mut said) = (String::new(), Vec::new());
        // The last choice varies fastest, like nested loops in reading order.
        let mut picks = vec![0; choices.len()];
        for (k, c) in choices.iter().enumerate().rev() {
            picks[k] = rest % c.values.len();
            rest /= c.values.len();
        }
        for (c, &pick) in choices.iter().zip(&picks) {
            let value = c.values[pick].clone();
            suffix.push_str(&c.stem);
            suffix.push_str(&name_part(&value));
            said.push(format!("{}: {}", c.label, value.written()));
            if let Field::Layer(layer) = &mut decl.fields[c.field] {
                if let Some(args) = &mut layer.args {
                    args.args[c.arg].value = value;
                }
            }
        }
        decl.name = format_ident!("{}{}", decl.name, suffix, span = decl.name.span());
        if let Some(trace) = &decl.options.trace {
            decl.options.trace = Some(format_ident!("{}{}", trace, suffix, span = trace.span()));
        }
        out.push(Member {
            decl,
            choices: said.join(", "),
        });
    }
    Ok(Some(out))
}

/// Every choice of the declaration, in reading order.
fn find(decl: &NetworkDecl) -> syn::Result<Vec<Choice>> {
    let mut out = Vec::new();
    for (field, f) in decl.fields.iter().enumerate() {
        let Field::Layer(layer) = f else { continue };
        let Some(args) = &layer.args else { continue };
        for (arg, a) in args.args.iter().enumerate() {
            match &a.value {
                Value::Choice(values, span) => {
                    if let Some(v) = values.iter().find(|v| !plain(v)) {
                        return Err(syn::Error::new(
                            v.span(),
                            "a choice offers plain values, as in `Dense(16 | 32 | 64)` or `Dropout(0.1 | 0.3)`",
                        ));
                    }
                    let key = a.key.as_ref();
                    out.push(Choice {
                        field,
                        arg,
                        values: values.clone(),
                        stem: camel(&layer.name) + &key.map(camel).unwrap_or_default(),
                        label: match key {
                            Some(k) => format!("{}.{k}", layer.name),
                            None => layer.name.to_string(),
                        },
                        span: *span,
                    });
                }
                Value::Tuple(items, _) => {
                    if let Some(c) = items.iter().find(|v| matches!(v, Value::Choice(..))) {
                        return Err(syn::Error::new(
                            c.span(),
                            "a choice stands for a whole argument; write `kernel = (3, 3) | (5, 5)`'s members as separate declarations, or choose a single size: `kernel = 3 | 5`",
                        ));
                    }
                }
                _ => {}
            }
        }
    }
    Ok(out)
}

fn plain(v: &Value) -> bool {
    matches!(
        v,
        Value::Int(..) | Value::Float(..) | Value::Bool(..) | Value::Ident(_)
    )
}

/// `hidden_2` as `Hidden2`.
fn camel(id: &Ident) -> String {
    id.to_string()
        .trim_start_matches("r#")
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

/// A value as part of a type name: `32`, `0_25`, `Neg1`, `True`, `Learned`.
fn name_part(v: &Value) -> String {
    match v {
        Value::Int(i, _) => i.to_string(),
        Value::Float(f, _) => {
            let text = f.abs().to_string().replace('.', "_");
            if *f < 0.0 {
                format!("Neg{text}")
            } else {
                text
            }
        }
        Value::Bool(b, _) => if *b { "True" } else { "False" }.to_string(),
        Value::Ident(i) => camel(i),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decl(src: &str) -> NetworkDecl {
        syn::parse_str(src).unwrap()
    }

    #[test]
    fn every_combination_in_reading_order_with_names_that_say_it() {
        let d = decl(
            "struct Net { input: [4], hidden: Dense(16 | 32), drop: Dropout(0.1 | 0.25), out: Dense(2) }",
        );
        let m = members(&d).unwrap().unwrap();
        let names: Vec<String> = m.iter().map(|m| m.decl.name.to_string()).collect();
        assert_eq!(
            names,
            [
                "NetHidden16Drop0_1",
                "NetHidden16Drop0_25",
                "NetHidden32Drop0_1",
                "NetHidden32Drop0_25"
            ]
        );
        assert_eq!(m[2].choices, "hidden: 32, drop: 0.1");
    }

    #[test]
    fn keyed_choices_name_their_key() {
        let d = decl("struct Net { input: [8, 2], lstm: Lstm(4, initial = zero | learned) }");
        let m = members(&d).unwrap().unwrap();
        assert_eq!(m[1].decl.name.to_string(), "NetLstmInitialLearned");
        assert_eq!(m[1].choices, "lstm.initial: learned");
    }

    #[test]
    fn no_choices_is_no_family_and_too_many_is_an_error() {
        assert!(members(&decl("struct Net { input: [4], out: Dense(2) }"))
            .unwrap()
            .is_none());
        let d = decl(
            "struct Net { input: [4], a: Dense(1|2|3|4|5), b: Dense(1|2|3|4|5), c: Dense(1|2|3) }",
        );
        let e = members(&d).err().unwrap().to_string();
        assert!(
            e.starts_with("with this choice the family has 75 or more"),
            "{e}"
        );
    }
}
