//! The buffer plan of a network, as data: the flat size of every
//! activation and the sizes of the ping-pong buffers that inference and
//! backward reuse.
//!
//! Activation `k` is the input of the `k`-th computing layer (views such
//! as `Flatten` compute nothing and are skipped); activation `K` is the
//! output. Inference keeps activations `1..K` in two buffers by parity;
//! backward keeps the gradients of activations `0..K` the same way.

#[derive(Debug, PartialEq, Eq)]
pub struct Plan {
    /// Flat sizes of activations `0..=K`.
    pub sizes: Vec<usize>,
    /// Inference buffers: `[even, odd]` activations among `1..K`.
    pub inference: [usize; 2],
    /// Gradient buffers: `[even, odd]` activations among `0..K`.
    pub gradient: [usize; 2],
}

impl Plan {
    /// The plan for activations of these flat sizes (input first).
    pub fn new(sizes: Vec<usize>) -> Plan {
        let k = sizes.len() - 1;
        let by_parity = |range: std::ops::Range<usize>, parity: usize| {
            range
                .filter(|i| i % 2 == parity)
                .map(|i| sizes[i])
                .max()
                .unwrap_or(0)
        };
        Plan {
            inference: [by_parity(1..k, 0), by_parity(1..k, 1)],
            gradient: [by_parity(0..k, 0), by_parity(0..k, 1)],
            sizes,
        }
    }

    /// Number of computing layers.
    pub fn layers(&self) -> usize {
        self.sizes.len() - 1
    }

    pub fn input(&self) -> usize {
        self.sizes[0]
    }

    pub fn output(&self) -> usize {
        self.sizes[self.layers()]
    }

    /// Elements an inference pass holds besides the parameters: input,
    /// output and the two buffers.
    pub fn inference_elems(&self) -> usize {
        self.input() + self.output() + self.inference[0] + self.inference[1]
    }
}

#[cfg(test)]
mod tests {
    use super::Plan;

    #[test]
    fn one_layer_needs_no_inference_buffer() {
        let p = Plan::new(vec![64, 10]);
        assert_eq!(p.inference, [0, 0]);
        // Backward writes d(input) only when asked, into the even buffer.
        assert_eq!(p.gradient, [64, 0]);
        assert_eq!(p.inference_elems(), 74);
    }

    #[test]
    fn buffers_alternate_by_parity() {
        // input 64 -> 128 -> 128 -> 32 -> 10
        let p = Plan::new(vec![64, 128, 128, 32, 10]);
        // Activations 1 and 3 are odd, 2 is even.
        assert_eq!(p.inference, [128, 128]);
        assert_eq!(p.gradient, [128, 128]);
        let p = Plan::new(vec![784, 16, 300, 8, 10]);
        assert_eq!(p.inference, [300, 16]);
        assert_eq!(p.gradient, [784, 16]);
        assert_eq!(p.inference_elems(), 784 + 10 + 300 + 16);
        assert_eq!(p.layers(), 4);
    }
}
