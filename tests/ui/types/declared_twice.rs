// The same network declared twice in one module. Known limit: besides
// rustc's E0428 on the second name, both expansions' impls target the one
// `Net`, and rustc reports every conflicting impl and duplicate item (24
// errors: one per generated item, so `new_const` added one; 37 before the
// `const _` block). This case records the count so that it changes only on
// purpose; declared in two modules, the network compiles
// (tests/pass/user_trace_name.rs).
nn::network! {
    struct Net {
        input: [4],
        out: Dense(2),
    }
}

nn::network! {
    struct Net {
        input: [4],
        out: Dense(2),
    }
}

fn main() {
    let _ = Net::<f32>::new(0);
}
