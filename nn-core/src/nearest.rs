//! Exact nearest-neighbour search over embeddings in fixed capacity, with
//! no allocator: a prior-art index that fits a device. [`Index`] holds up
//! to `CAP` embeddings of `D` values with a `u32` id each, and
//! [`Index::nearest`] returns the `K` closest by Euclidean distance, as a
//! fixed array.

use crate::Float;

/// Up to `CAP` embeddings of `D` values, each with an id.
#[derive(Clone, Debug)]
pub struct Index<T, const D: usize, const CAP: usize> {
    keys: [[T; D]; CAP],
    ids: [u32; CAP],
    len: usize,
}

/// The index holds `CAP` embeddings already.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Full {
    /// Its capacity.
    pub capacity: usize,
}

impl core::fmt::Display for Full {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "the index is full: it holds {} embeddings",
            self.capacity
        )
    }
}

/// One result: an id and its distance to the query.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit<T> {
    /// The id given to [`Index::insert`].
    pub id: u32,
    /// Euclidean distance to the query.
    pub distance: T,
}

impl<T: Float, const D: usize, const CAP: usize> Index<T, D, CAP> {
    /// An empty index (`const`: it can be a `static`).
    pub const fn new() -> Self {
        Self {
            keys: [[T::ZERO; D]; CAP],
            ids: [0; CAP],
            len: 0,
        }
    }

    /// Embeddings held.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Adds an embedding with its id; an error when the index is full
    /// (nothing is changed then).
    pub fn insert(&mut self, id: u32, key: &[T; D]) -> Result<(), Full> {
        if self.len == CAP {
            return Err(Full { capacity: CAP });
        }
        self.keys[self.len] = *key;
        self.ids[self.len] = id;
        self.len += 1;
        Ok(())
    }

    /// The `K` embeddings closest to `query`, nearest first (ties keep the
    /// order of insertion; `None` past the number held). A NaN distance
    /// never ranks.
    pub fn nearest<const K: usize>(&self, query: &[T; D]) -> [Option<Hit<T>>; K] {
        let mut best: [Option<Hit<T>>; K] = [None; K];
        for (key, id) in self.keys[..self.len].iter().zip(&self.ids) {
            let d2: T = key
                .iter()
                .zip(query)
                .map(|(a, b)| (*a - *b) * (*a - *b))
                .sum();
            if d2.is_nan() {
                continue;
            }
            // Insertion into the sorted list of the best so far.
            let at = best
                .iter()
                .position(|h| h.is_none_or(|h| d2 < h.distance))
                .unwrap_or(K);
            if at < K {
                best[at..].rotate_right(1);
                best[at] = Some(Hit {
                    id: *id,
                    distance: d2,
                });
            }
        }
        best.map(|h| {
            h.map(|h| Hit {
                distance: h.distance.sqrt(),
                ..h
            })
        })
    }
}

impl<T: Float, const D: usize, const CAP: usize> Default for Index<T, D, CAP> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_come_first_and_a_full_index_says_so() {
        let mut index = Index::<f64, 2, 4>::new();
        for (id, key) in [
            (10, [0.0, 0.0]),
            (11, [3.0, 4.0]),
            (12, [1.0, 0.0]),
            (13, [0.0, 2.0]),
        ] {
            index.insert(id, &key).unwrap();
        }
        assert_eq!(index.insert(14, &[9.0, 9.0]), Err(Full { capacity: 4 }));
        let hits = index.nearest::<3>(&[0.1, 0.0]);
        assert_eq!(hits.map(|h| h.unwrap().id), [10, 12, 13]);
        assert!((hits[0].unwrap().distance - 0.1).abs() < 1e-12);
        let all = index.nearest::<6>(&[3.0, 4.0]);
        assert_eq!(
            all[0].unwrap(),
            Hit {
                id: 11,
                distance: 0.0
            }
        );
        assert!(all[4].is_none() && all[5].is_none());
        assert!(Index::<f32, 3, 2>::new().nearest::<2>(&[0.0; 3]) == [None, None]);
    }

    #[test]
    fn a_nan_never_ranks() {
        let mut index = Index::<f32, 1, 3>::new();
        index.insert(1, &[f32::NAN]).unwrap();
        index.insert(2, &[5.0]).unwrap();
        let hits = index.nearest::<2>(&[0.0]);
        assert_eq!(hits[0].unwrap().id, 2);
        assert!(hits[1].is_none());
    }
}
