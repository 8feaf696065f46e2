//! Families of networks. `network!` with choices in its layer arguments,
//!
//! ```text
//! network! { struct Net { input: [64], hidden: Dense(16 | 32 | 64), act: Relu, out: Dense(10) } }
//! ```
//!
//! declares one type per combination of choices (`NetHidden16`,
//! `NetHidden32`, `NetHidden64`), so that shape hyper-parameters can be
//! searched in a static library, and the unit type `Net`, the family,
//! whose `for_each` hands every member's type to a [`VisitMembers`] in
//! declaration order (the last choice varying fastest). Every member has
//! the same input and output, so one training routine serves them all.

use crate::{Float, Network, Tensor};

/// One member of a family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Member {
    /// Its position in the family, from 0.
    pub index: usize,
    /// Its type's name, as `NetHidden32`.
    pub name: &'static str,
    /// Its choices, as `hidden: 32`.
    pub choices: &'static str,
}

/// What to do with each member of a family with inputs `I` and outputs
/// `O` (a generic method, so that each member is its own monomorphized
/// code: a closure cannot be generic over the network type).
pub trait VisitMembers<T: Float, I: Tensor<T>, O: Tensor<T>> {
    /// Called once per member, in declaration order, with its type as `N`.
    fn visit<N: Network<T, Input = I, Output = O>>(&mut self, member: Member);
}
