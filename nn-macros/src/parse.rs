//! Syntax of a `network!` declaration, kept close to the tokens so every
//! later error can point at the token that is wrong.
//!
//! ```text
//! #[attrs] vis struct Name {
//!     input: [d0, d1, ...],
//!     #[attrs] name: Kind,
//!     #[attrs] name: Kind(arg, key = value, in => out, (a, b), ...),
//!     #[attrs] name: Kind(a | b | c, key = x | y),   // a family
//! }
//! ```
//! Each field is parsed on its own, so a mistake in one is reported and
//! the others are still read.

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream, Parser};
use syn::{Attribute, Ident, Token, Visibility};

/// The whole declaration.
#[derive(Clone)]
pub struct NetworkDecl {
    /// Outer attributes, without the `#[nn(..)]` options.
    pub attrs: Vec<Attribute>,
    pub options: Options,
    pub vis: Visibility,
    pub name: Ident,
    pub fields: Vec<Field>,
    /// Errors found while reading individual fields.
    pub errors: Vec<syn::Error>,
    /// Span of the closing brace, for "missing input" style errors.
    pub body_span: Span,
}

/// The network-level `#[nn(crate = path, trace = Name, weights = "file")]`
/// options.
#[derive(Default, Clone)]
pub struct Options {
    /// The path of the `nn` crate when it is renamed or re-exported.
    pub krate: Option<syn::Path>,
    /// A public name for the training trace.
    pub trace: Option<Ident>,
    /// A weight file (relative to the package root) that `TRAINED` is made of.
    pub weights: Option<syn::LitStr>,
    /// `budget(flash = "16K", ram = "4K", train = "32K", batch = 8)`.
    pub budget: Option<Budget>,
}

/// Memory budgets the network must fit, checked at compile time.
#[derive(Default, Clone)]
pub struct Budget {
    /// The f32 parameters' bytes.
    pub flash: Option<Size>,
    /// The stack of one f32 inference, by `nn::inference_stack_bytes`.
    pub ram: Option<Size>,
    /// A training step's trace and gradients at `batch`.
    pub train: Option<Size>,
    pub batch: Option<Size>,
}

/// A size as written (`4096`, `"4K"`, `"1M"`; K = 1024), with its bytes.
#[derive(Clone)]
pub struct Size {
    pub bytes: u64,
    pub written: String,
    pub span: Span,
}

impl Size {
    fn parse(input: syn::parse::ParseStream) -> syn::Result<Self> {
        let hint = "a size in bytes: `4096`, `\"4K\"` or `\"1M\"` (K = 1024 bytes, M = 1024 K)";
        if input.peek(syn::LitInt) {
            let lit: syn::LitInt = input.parse()?;
            let bytes = lit
                .base10_parse::<u64>()
                .map_err(|_| syn::Error::new(lit.span(), hint))?;
            return Ok(Size {
                bytes,
                written: lit.to_string(),
                span: lit.span(),
            });
        }
        let lit: syn::LitStr = input.parse().map_err(|e| syn::Error::new(e.span(), hint))?;
        let text = lit.value();
        let t = text.trim();
        let t = t
            .strip_suffix("iB")
            .or_else(|| t.strip_suffix('B'))
            .unwrap_or(t)
            .trim_end();
        let (digits, scale) = match t.char_indices().last() {
            Some((i, 'K' | 'k')) => (&t[..i], 1024),
            Some((i, 'M' | 'm')) => (&t[..i], 1024 * 1024),
            _ => (t, 1),
        };
        let bytes = digits
            .trim()
            .parse::<u64>()
            .ok()
            .and_then(|n| n.checked_mul(scale))
            .ok_or_else(|| syn::Error::new(lit.span(), hint))?;
        Ok(Size {
            bytes,
            written: format!("{text:?}"),
            span: lit.span(),
        })
    }
}

impl Options {
    /// Reads one `#[nn(..)]` attribute, reporting unknown options.
    fn read(&mut self, attr: &Attribute, errors: &mut Vec<syn::Error>) {
        let r = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("crate") {
                let value = meta.value()?;
                self.krate = Some(if value.peek(syn::LitStr) {
                    value.parse::<syn::LitStr>()?.parse()?
                } else {
                    value.parse()?
                });
                Ok(())
            } else if meta.path.is_ident("trace") {
                self.trace = Some(meta.value()?.parse()?);
                Ok(())
            } else if meta.path.is_ident("weights") {
                self.weights = Some(meta.value()?.parse()?);
                Ok(())
            } else if meta.path.is_ident("budget") {
                let mut budget = Budget::default();
                meta.parse_nested_meta(|m| {
                    let slot = if m.path.is_ident("flash") {
                        &mut budget.flash
                    } else if m.path.is_ident("ram") {
                        &mut budget.ram
                    } else if m.path.is_ident("train") {
                        &mut budget.train
                    } else if m.path.is_ident("batch") {
                        &mut budget.batch
                    } else {
                        return Err(m.error(
                            "unknown budget; the budgets are `flash = \"16K\"` (the f32 parameters), `ram = \"4K\"` (the stack of one f32 inference) and `train = \"32K\", batch = 8` (a training step's trace and gradients)",
                        ));
                    };
                    *slot = Some(Size::parse(m.value()?)?);
                    Ok(())
                })?;
                self.budget = Some(budget);
                Ok(())
            } else {
                Err(meta.error(
                    "unknown `nn` option; the options are `crate = path` (where the `nn` crate is, when renamed), `trace = Name` (a public name for the training trace), `weights = \"file.nnw\"` (a weight file that `Net::TRAINED` is made of at compile time) and `budget(flash = .., ram = .., train = .., batch = ..)` (memory the network must fit)",
                ))
            }
        });
        if let Err(e) = r {
            errors.push(e);
        }
    }
}

/// One `name: ...` entry.
#[derive(Clone)]
pub enum Field {
    Input(InputDecl),
    Layer(LayerDecl),
    /// An entry that failed to parse (its error is in
    /// [`NetworkDecl::errors`]), with its leading identifier if it has one.
    /// Kept in place so `check` treats the shape after it as unknown
    /// instead of reporting follow-on mismatches, and a broken `input` is
    /// not reported as missing.
    Broken(Option<Ident>),
}

/// `input: [..]`.
#[derive(Clone)]
pub struct InputDecl {
    pub key: Ident,
    pub dims: Vec<Dim>,
    pub bracket_span: Span,
}

/// One input dimension.
#[derive(Clone)]
pub struct Dim {
    pub value: u64,
    pub span: Span,
}

/// `name: Kind(args)`.
#[derive(Clone)]
pub struct LayerDecl {
    pub attrs: Vec<Attribute>,
    pub name: Ident,
    pub kind: Ident,
    /// `None` when written without parentheses.
    pub args: Option<ArgList>,
}

/// The parenthesised arguments of a layer.
#[derive(Clone)]
pub struct ArgList {
    pub span: Span,
    pub args: Vec<Arg>,
}

/// `value` or `key = value`.
#[derive(Clone)]
pub struct Arg {
    pub key: Option<Ident>,
    pub value: Value,
}

/// An argument value.
#[derive(Clone)]
pub enum Value {
    Int(u64, Span),
    Float(f64, Span),
    Bool(bool, Span),
    Ident(Ident),
    #[allow(
        dead_code,
        reason = "the items are read by kinds with tuple arguments, such as a future `Conv2d(kernel = (3, 3))`"
    )]
    Tuple(Vec<Value>, Span),
    /// `a => b`, the explicit form `Dense(784 => 128)`.
    Arrow(Box<Value>, Box<Value>, Span),
    /// `a | b | c`: one network per choice (`family` expands these before
    /// `check` sees the declaration).
    Choice(Vec<Value>, Span),
}

impl Value {
    pub fn span(&self) -> Span {
        match self {
            Value::Int(_, s) | Value::Float(_, s) | Value::Bool(_, s) => *s,
            Value::Ident(i) => i.span(),
            Value::Tuple(_, s) | Value::Arrow(_, _, s) | Value::Choice(_, s) => *s,
        }
    }

    /// The value as written, for a suggested fix or a family member's
    /// choices (`..` for a tuple, an arrow or a choice).
    pub fn written(&self) -> String {
        match self {
            Value::Int(i, _) => i.to_string(),
            Value::Float(f, _) => f.to_string(),
            Value::Bool(b, _) => b.to_string(),
            Value::Ident(i) => i.to_string(),
            _ => "..".to_string(),
        }
    }

    /// How the value reads in a message.
    pub fn describe(&self) -> String {
        match self {
            Value::Int(v, _) => format!("the integer {v}"),
            Value::Float(v, _) => format!("the number {v}"),
            Value::Bool(v, _) => format!("`{v}`"),
            Value::Ident(i) => format!("`{i}`"),
            Value::Tuple(..) => "a tuple".to_string(),
            Value::Arrow(..) => "`a => b`".to_string(),
            Value::Choice(..) => "a choice `a | b`".to_string(),
        }
    }
}

impl Parse for NetworkDecl {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut options = Options::default();
        let mut errors = Vec::new();
        let mut attrs = input.call(Attribute::parse_outer)?;
        attrs.retain(|a| {
            let ours = a.path().is_ident("nn");
            if ours {
                options.read(a, &mut errors);
            }
            !ours
        });
        let vis: Visibility = input.parse()?;
        input.parse::<Token![struct]>().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected `struct Name { input: [..], layer: Kind, .. }`",
            )
        })?;
        let name: Ident = input.parse()?;
        if input.peek(Token![<]) {
            let span = input.span();
            let msg = "a network takes no generic parameters; remove them: `network!` adds the float type parameter `T` itself";
            return Err(match input.parse::<syn::Generics>() {
                Ok(g) => syn::Error::new_spanned(g, msg),
                Err(_) => syn::Error::new(span, msg),
            });
        }
        let content;
        let brace = syn::braced!(content in input);
        let mut fields = Vec::new();
        while !content.is_empty() {
            let (tokens, comma) = take_until_comma(&content)?;
            if tokens.is_empty() {
                if let Some(comma) = comma {
                    errors.push(syn::Error::new(
                        comma,
                        "unexpected `,`: there is no layer before it; remove it",
                    ));
                }
                continue;
            }
            let name = leading_ident(&tokens);
            match parse_field.parse2(tokens) {
                Ok(f) => fields.push(f),
                Err(e) => {
                    errors.push(e);
                    fields.push(Field::Broken(name));
                }
            }
        }
        if !input.is_empty() {
            let extra: TokenStream = input.parse()?;
            errors.push(syn::Error::new_spanned(
                extra,
                "unexpected tokens after the network's `{ .. }`",
            ));
        }
        Ok(NetworkDecl {
            attrs,
            options,
            vis,
            name,
            fields,
            errors,
            body_span: brace.span.close(),
        })
    }
}

/// The tokens of one field, up to (and consuming) the next top-level
/// comma, and that comma's span.
fn take_until_comma(input: ParseStream) -> syn::Result<(TokenStream, Option<Span>)> {
    input.step(|cursor| {
        let mut rest = *cursor;
        let mut out = TokenStream::new();
        while let Some((tt, next)) = rest.token_tree() {
            if let TokenTree::Punct(p) = &tt {
                if p.as_char() == ',' {
                    return Ok(((out, Some(p.span())), next));
                }
            }
            out.extend(std::iter::once(tt));
            rest = next;
        }
        Ok(((out, None), rest))
    })
}

/// The first identifier of a field after its `#[..]` attributes: the
/// layer's name (or `input`), kept for fields that fail to parse.
fn leading_ident(tokens: &TokenStream) -> Option<Ident> {
    let mut iter = tokens.clone().into_iter().peekable();
    loop {
        match iter.next()? {
            TokenTree::Punct(p) if p.as_char() == '#' => {
                if let Some(TokenTree::Punct(bang)) = iter.peek() {
                    if bang.as_char() == '!' {
                        iter.next();
                    }
                }
                match iter.next()? {
                    TokenTree::Group(g) if g.delimiter() == proc_macro2::Delimiter::Bracket => {}
                    _ => return None,
                }
            }
            TokenTree::Ident(i) => return Some(i),
            _ => return None,
        }
    }
}

fn parse_field(input: ParseStream) -> syn::Result<Field> {
    let attrs = input.call(Attribute::parse_outer)?;
    if let (true, Some(last)) = (input.is_empty(), attrs.last()) {
        return Err(syn::Error::new_spanned(
            last,
            "this attribute is not followed by a layer; write the layer after it, as in `hidden: Dense(64)`",
        ));
    }
    let name: Ident = input.call(syn::ext::IdentExt::parse_any).map_err(|e| {
        syn::Error::new(e.span(), "expected a layer name, as in `hidden: Dense(64)`")
    })?;
    if input.is_empty() {
        return Err(syn::Error::new(
            name.span(),
            format!("`{name}` needs a kind: write `{name}: Dense(64)` or `{name}: Relu`"),
        ));
    }
    input.parse::<Token![:]>().map_err(|e| {
        syn::Error::new(
            e.span(),
            format!("expected `:` between the layer name and its kind, as in `{name}: Dense(64)`"),
        )
    })?;
    if name == "input" {
        if !attrs.is_empty() {
            return Err(syn::Error::new(
                name.span(),
                "attributes and doc comments are not allowed on `input`; remove them (document the network on its `struct`)",
            ));
        }
        return parse_input(name, input).map(Field::Input);
    }
    if input.is_empty() {
        return Err(syn::Error::new(
            name.span(),
            format!("`{name}:` needs a layer kind after it, such as `Dense(64)` or `Relu`"),
        ));
    }
    let kind: Ident = input.call(syn::ext::IdentExt::parse_any).map_err(|e| {
        syn::Error::new(
            e.span(),
            "expected a layer kind such as `Dense(64)` or `Relu`",
        )
    })?;
    let args = if input.is_empty() {
        None
    } else {
        if !input.peek(syn::token::Paren) {
            let msg = if input.peek(syn::token::Bracket) || input.peek(syn::token::Brace) {
                format!("the arguments of a layer go in parentheses, as in `{kind}(64)`")
            } else {
                format!(
                    "unexpected tokens after `{kind}`: its arguments go in parentheses, as in `{kind}(64)`, and layers are separated by `,`"
                )
            };
            return Err(input.error(msg));
        }
        let content;
        let paren = syn::parenthesized!(content in input);
        let args = parse_args(&content)?;
        if !input.is_empty() {
            return Err(input.error(format!(
                "expected `,` after `{name}: {kind}(..)`; separate layers with commas"
            )));
        }
        Some(ArgList {
            span: paren.span.join(),
            args,
        })
    };
    Ok(Field::Layer(LayerDecl {
        attrs,
        name,
        kind,
        args,
    }))
}

fn parse_input(key: Ident, input: ParseStream) -> syn::Result<InputDecl> {
    if !input.peek(syn::token::Bracket) {
        return Err(syn::Error::new(
            if input.is_empty() {
                key.span()
            } else {
                input.span()
            },
            "the input shape is written in brackets, as in `input: [1, 8, 8]`",
        ));
    }
    let content;
    let bracket = syn::bracketed!(content in input);
    let mut dims = Vec::new();
    while !content.is_empty() {
        // (`LitInt` consumes the token even when it fails.)
        let before = content.fork();
        let lit: syn::LitInt = content.parse().map_err(|e| {
            let found = before
                .parse::<TokenTree>()
                .map(|t| format!(", found `{t}`"))
                .unwrap_or_default();
            syn::Error::new(
                e.span(),
                format!("input dimensions are positive integers, as in `input: [1, 8, 8]`{found}"),
            )
        })?;
        if !lit.suffix().is_empty() {
            return Err(syn::Error::new(
                lit.span(),
                suffix_message(&lit, "input dimensions"),
            ));
        }
        if lit.base10_digits().starts_with('-') {
            return Err(syn::Error::new(
                lit.span(),
                format!("input dimensions are positive integers, as in `input: [1, 8, 8]`, found `{lit}`"),
            ));
        }
        let value = lit.base10_parse::<u64>().map_err(|_| {
            syn::Error::new(
                lit.span(),
                format!("the input dimension `{lit}` is too large"),
            )
        })?;
        dims.push(Dim {
            value,
            span: lit.span(),
        });
        if content.is_empty() {
            break;
        }
        content.parse::<Token![,]>()?;
    }
    if !input.is_empty() {
        return Err(input.error("expected `,` after the input shape; separate fields with commas"));
    }
    Ok(InputDecl {
        key,
        dims,
        bracket_span: bracket.span.join(),
    })
}

fn parse_args(input: ParseStream) -> syn::Result<Vec<Arg>> {
    let mut args = Vec::new();
    while !input.is_empty() {
        let key = if (input.peek(Ident) || input.peek(syn::Lit))
            && input.peek2(Token![=])
            && !input.peek2(Token![=>])
        {
            let k: Ident = input.call(syn::ext::IdentExt::parse_any).map_err(|e| {
                syn::Error::new(
                    e.span(),
                    "an option name is an identifier, as in `bias = false`",
                )
            })?;
            input.parse::<Token![=]>()?;
            Some(k)
        } else {
            None
        };
        let value = parse_value(input)?;
        args.push(Arg { key, value });
        if input.is_empty() {
            break;
        }
        input.parse::<Token![,]>()?;
    }
    Ok(args)
}

fn parse_value(input: ParseStream) -> syn::Result<Value> {
    let first = parse_atom(input)?;
    if input.peek(Token![=>]) {
        input.parse::<Token![=>]>()?;
        let second = parse_atom(input)?;
        let span = first.span().join(second.span()).unwrap_or(first.span());
        return Ok(Value::Arrow(Box::new(first), Box::new(second), span));
    }
    if input.peek(Token![|]) && !input.peek(Token![||]) {
        let mut span = first.span();
        let mut choices = vec![first];
        while input.peek(Token![|]) {
            input.parse::<Token![|]>()?;
            let next = parse_atom(input)?;
            span = span.join(next.span()).unwrap_or(span);
            choices.push(next);
        }
        return Ok(Value::Choice(choices, span));
    }
    Ok(first)
}

fn parse_atom(input: ParseStream) -> syn::Result<Value> {
    let negative = if input.peek(Token![-]) {
        input.parse::<Token![-]>()?;
        true
    } else {
        false
    };
    let lookahead = input.lookahead1();
    if lookahead.peek(syn::LitInt) {
        let lit: syn::LitInt = input.parse()?;
        if !lit.suffix().is_empty() {
            return Err(syn::Error::new(
                lit.span(),
                suffix_message(&lit, "arguments"),
            ));
        }
        // A negative literal is one token when it comes from `macro_rules!`.
        let (minus, digits) = match lit.base10_digits().strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, lit.base10_digits()),
        };
        let v: u64 = digits.parse().map_err(|_| {
            syn::Error::new(lit.span(), format!("the integer `{lit}` is too large"))
        })?;
        if negative != minus {
            return Ok(Value::Float(-(v as f64), lit.span()));
        }
        return Ok(Value::Int(v, lit.span()));
    }
    if lookahead.peek(syn::LitFloat) {
        let lit: syn::LitFloat = input.parse()?;
        if !lit.suffix().is_empty() {
            return Err(syn::Error::new(
                lit.span(),
                format!(
                    "numbers in the DSL take no type suffix; write `{}` instead of `{lit}`",
                    lit.base10_digits()
                ),
            ));
        }
        let v: f64 = lit.base10_parse()?;
        return Ok(Value::Float(if negative { -v } else { v }, lit.span()));
    }
    if negative {
        return Err(input.error("expected a number after `-`"));
    }
    if input.peek(syn::LitStr) {
        let lit: syn::LitStr = input.parse()?;
        return Err(syn::Error::new(
            lit.span(),
            format!(
                "arguments are not strings; write `{}` without the quotes",
                lit.value()
            ),
        ));
    }
    if lookahead.peek(syn::LitBool) {
        let lit: syn::LitBool = input.parse()?;
        return Ok(Value::Bool(lit.value, lit.span));
    }
    if lookahead.peek(Ident::peek_any) {
        let id: Ident = input.call(syn::ext::IdentExt::parse_any)?;
        return Ok(Value::Ident(id));
    }
    if lookahead.peek(syn::token::Paren) {
        let content;
        let paren = syn::parenthesized!(content in input);
        let mut items = Vec::new();
        while !content.is_empty() {
            items.push(parse_value(&content)?);
            if content.is_empty() {
                break;
            }
            content.parse::<Token![,]>()?;
        }
        return Ok(Value::Tuple(items, paren.span.join()));
    }
    Err(lookahead.error())
}

/// The error for an integer with a suffix: `3x5` (sizes written with an
/// `x`) or `64usize`.
fn suffix_message(lit: &syn::LitInt, what: &str) -> String {
    let digits = lit.base10_digits();
    let sizes: Option<Vec<&str>> = lit
        .suffix()
        .strip_prefix('x')
        .map(|rest| std::iter::once(digits).chain(rest.split('x')).collect());
    match sizes {
        Some(s)
            if s.iter()
                .all(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())) =>
        {
            let list = s.join(", ");
            if what == "input dimensions" {
                format!("`{lit}` is not a shape nn reads; separate the dimensions with commas: `[{list}]`")
            } else {
                format!("`{lit}` is not a size nn reads; write the sizes as a pair: `({list})`")
            }
        }
        _ => format!("{what} take no type suffix; write `{digits}` instead of `{lit}`"),
    }
}
