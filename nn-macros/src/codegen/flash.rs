//! `#[nn(weights = "file.nnw")]`: `Net::<f32>::TRAINED`, the network with
//! the parameters of a weight file, made at compile time. The file is
//! read and checked here (nn-core's parser: the same checks as at run
//! time), every tensor against the names and shapes the layers declare,
//! so a file for another architecture is an error on the attribute that
//! names the tensor. The generated constant passes each layer the byte
//! offsets of its tensors; const evaluation reads the bytes
//! (`include_bytes!`, which also makes cargo rebuild when the file
//! changes), and only the parameters end up in the binary.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::LitStr;

use nn_core::weights::{Dtype, FileKind, WeightFile};

use crate::ir::Network;
use crate::shapes::{len, show};

/// The `TRAINED` constant, or with a wrong file its error and a stand-in
/// constant (so the mistake is the only error).
pub fn trained(net: &Network, private: &TokenStream) -> TokenStream {
    let Some(lit) = &net.weights else {
        return quote!();
    };
    let name = &net.name;
    match build(net, lit, private) {
        Ok(tokens) => tokens,
        Err(e) => {
            let error = e.to_compile_error();
            quote! {
                #error
                impl #name<f32> {
                    /// Stand-in after a wrong weight file.
                    pub const TRAINED: Self = Self::zeroed();
                }
            }
        }
    }
}

/// What the network expects of the file: `layer.tensor` and its shape.
struct Expected {
    name: String,
    shape: Vec<usize>,
}

fn build(net: &Network, lit: &LitStr, private: &TokenStream) -> syn::Result<TokenStream> {
    let shown = lit.value();
    let fail = |msg: String| syn::Error::new(lit.span(), msg);
    // Relative to the file that declares the network, as `include_bytes!`
    // (the package root when the compiler does not say which file).
    let dir = lit
        .span()
        .local_file()
        .and_then(|f| f.parent().map(std::path::Path::to_path_buf))
        .unwrap_or_else(|| {
            std::env::var("CARGO_MANIFEST_DIR")
                .unwrap_or_default()
                .into()
        });
    let path = dir.join(&shown);
    let bytes = std::fs::read(&path).map_err(|e| {
        fail(format!(
            "cannot read the weight file `{shown}` ({}): {e}; the path is relative to the file that declares the network, as for `include_bytes!`",
            path.display()
        ))
    })?;
    let file = WeightFile::parse(&bytes)
        .map_err(|e| fail(format!("`{shown}` is not a weight file nn can read: {e}")))?;
    if file.float_size != 4 {
        return Err(fail(format!(
            "`{shown}` holds f64 tensors; `TRAINED` is made for `{}<f32>`: save the network as `{}<f32>`",
            net.name, net.name
        )));
    }

    // The tensors in order over the layers, then the buffers.
    let layers: Vec<_> = net.layers.iter().filter(|l| !l.kind.is_view()).collect();
    let mut expected = Vec::new();
    let mut owner = Vec::new(); // (layer index, is buffer)
    for (k, l) in layers.iter().enumerate() {
        for (t, shape) in l.kind.tensors(&l.input, &l.output) {
            expected.push(Expected {
                name: format!("{}.{t}", l.file_name),
                shape,
            });
            owner.push((k, false));
        }
    }
    for (k, l) in layers.iter().enumerate() {
        for (b, n) in l.kind.buffers(&l.input, &l.output) {
            expected.push(Expected {
                name: format!("{}.{b}", l.file_name),
                shape: vec![n],
            });
            owner.push((k, true));
        }
    }

    let mut entries = file.entries();
    let mut offsets = vec![(Vec::new(), Vec::new()); layers.len()];
    for (e, &(k, buffer)) in expected.iter().zip(&owner) {
        let Some(entry) = entries.next() else {
            return Err(fail(format!(
                "`{shown}` has no tensor `{}`: it was made for another architecture",
                e.name
            )));
        };
        if entry.name != e.name {
            // The file's tensor is one the network expects later: the
            // network's is missing. The network's comes later in the file:
            // the file's is extra.
            let network_has = expected.iter().any(|x| x.name == entry.name);
            let file_has = file.entries().any(|x| x.name == e.name);
            return Err(fail(match (network_has, file_has) {
                (true, false) => format!(
                    "`{shown}` has no tensor `{}` (`{}` has one; the file was made for another architecture)",
                    e.name, net.name
                ),
                (false, true) => format!(
                    "`{shown}` has a tensor `{}` that `{}` does not have (the file was made for another architecture)",
                    entry.name, net.name
                ),
                _ => format!(
                    "`{shown}` has the tensor `{}` where `{}` has `{}`: it was made for another architecture",
                    entry.name, net.name, e.name
                ),
            }));
        }
        let file_shape: Vec<usize> = entry.shape().iter().map(|d| *d as usize).collect();
        if file_shape != e.shape {
            return Err(fail(format!(
                "tensor `{}` has shape {} in `{shown}` and {} in `{}`",
                e.name,
                show(&file_shape),
                show(&e.shape),
                net.name
            )));
        }
        if entry.dtype != Dtype::F32 {
            return Err(fail(format!(
                "tensor `{}` is stored as {} in `{shown}`, f32 is expected",
                e.name,
                entry.dtype.name()
            )));
        }
        if let Some(i) = (0..entry.len()).find(|i| !entry.f64_at(*i).is_finite()) {
            return Err(fail(format!(
                "tensor `{}` in `{shown}` has a value that is not finite at index {i}",
                e.name
            )));
        }
        let at = entry.data_offset as usize;
        if buffer {
            offsets[k].1.push(at);
        } else {
            offsets[k].0.push(at);
        }
    }
    if file.kind == FileKind::Weights {
        if let Some(extra) = entries.next() {
            return Err(fail(format!(
                "`{shown}` has a tensor `{}` that `{}` does not have: it was made for another architecture",
                extra.name, net.name
            )));
        }
    }

    let f32_ty = quote!(f32);
    let fields = layers.iter().zip(&offsets).map(|(l, (t, b))| {
        let field = &l.name;
        let ty = l.kind.ty(private, &f32_ty, &l.input, &l.output);
        if l.kind.has_params() || l.kind.has_buffers() {
            quote!(#field: <#ty>::__from_file(FILE, &[#(#t),*], &[#(#b),*]),)
        } else {
            let (i, o) = (len(&l.input), len(&l.output));
            quote!(#field: <#ty as #private::Layer<f32, #i, #o>>::ZEROED,)
        }
    });
    // `include_bytes!` resolves a relative path against its own file.
    let abs = std::fs::canonicalize(&path).unwrap_or(path);
    let abs = LitStr::new(&abs.to_string_lossy(), Span::call_site());
    let doc = format!(
        "The network with the parameters of `{shown}`, made at compile time: \
         `static NET: {name}<f32> = {name}::TRAINED;` keeps them in read-only \
         data (a microcontroller's flash).",
        name = net.name
    );
    let name = &net.name;
    Ok(quote! {
        impl #name<f32> {
            #[doc = #doc]
            pub const TRAINED: Self = {
                const FILE: &[u8] = ::core::include_bytes!(#abs);
                Self { #(#fields)* }
            };
        }
    })
}
