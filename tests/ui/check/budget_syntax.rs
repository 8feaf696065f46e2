// Budgets written wrong: one error each, on the token, with the forms.
nn::network! {
    #[nn(budget(flash = "16 kilobytes"))]
    struct BadSize {
        input: [4],
        out: Dense(2),
    }
}

nn::network! {
    #[nn(budget(stack = "4K"))]
    struct UnknownBudget {
        input: [4],
        out: Dense(2),
    }
}

nn::network! {
    #[nn(budget(train = "16K"))]
    struct NoBatch {
        input: [4],
        out: Dense(2),
    }
}

fn main() {
    let _ = (BadSize::<f32>::new(0), UnknownBudget::<f32>::new(0), NoBatch::<f32>::new(0));
}
