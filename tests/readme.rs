//! The README's figures, checked against what the library prints, so the
//! text cannot drift.

nn::network! {
    /// Digit classifier: 64 pixels, one hidden layer, 10 logits.
    pub struct Digits {
        input: [64],
        hidden: Dense(64),
        act: Relu,
        logits: Dense(10),
    }
}

#[test]
fn readme_summary_is_what_the_example_prints() {
    let readme = include_str!("../README.md");
    let after = readme
        .split("The summary printed above:")
        .nth(1)
        .expect("the README shows the summary");
    let block = after
        .split("```text\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("the summary is a text block");
    assert_eq!(block, Digits::<f32>::SUMMARY);
    // And the README's network is the one declared here.
    assert!(readme
        .contains("        hidden: Dense(64),\n        act: Relu,\n        logits: Dense(10),"));
}

#[test]
fn readme_weight_file_overhead_is_the_digits_networks() {
    let readme = include_str!("../README.md");
    let net = Digits::<f32>::zeroed();
    let overhead = nn::weights::encoded_len(&net) - Digits::<f32>::PARAM_BYTES;
    assert_eq!(overhead, 112);
    assert!(readme.contains(&format!(
        "{overhead} bytes for the digits MLP's {}",
        "19,240"
    )));
    assert_eq!(Digits::<f32>::PARAM_BYTES, 19_240);
}
