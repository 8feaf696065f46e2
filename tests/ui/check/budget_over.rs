// Networks over their memory budgets: one error each, on the budget.
nn::network! {
    /// The digits MLP: 4,810 parameters, 19,240 bytes in f32.
    #[nn(budget(flash = "16K"))]
    struct TooManyWeights {
        input: [64],
        hidden: Dense(64),
        act: Relu,
        logits: Dense(10),
    }
}

nn::network! {
    /// 2 x 512 activations of 4 bytes, plus the input: over 4K of stack.
    #[nn(budget(ram = "4K", flash = "2M"))]
    struct WideActivations {
        input: [16],
        wide: Dense(512),
        act: Relu,
        out: Dense(512),
    }
}

nn::network! {
    /// A trace of 32 samples of 2 x 256 activations does not fit in 16K.
    #[nn(budget(train = "16K", batch = 32))]
    struct BigBatch {
        input: [16],
        hidden: Dense(256),
        act: Relu,
        out: Dense(2),
    }
}

fn main() {}
