//! `Flatten`: `[C, H, W]` (any rank) to `[C * H * W]`, row-major. No code
//! and no memory: activations are already stored as flat rows.

use super::Args;
use crate::ir::Shape;

pub fn check(_args: &mut Args, input: Option<&Shape>) -> syn::Result<Option<Shape>> {
    Ok(input.map(|s| vec![s.iter().product()]))
}
