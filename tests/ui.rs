//! Compile-fail tests of `network!`: every mistake must be reported on the
//! token that is wrong, with a message that says what is wrong and how to
//! fix it, without follow-on errors. Stages: `parse/` (syntax), `check/`
//! (arguments and shape inference), `types/` (misuse of a valid network
//! that rustc's type checker catches), `weights/` (a weight file in flash,
//! `#[nn(weights = "..")]`, that does not fit the network).
//!
//! Re-bless after an intended message change with
//! `TRYBUILD=overwrite cargo test --test ui`, then read every `.stderr`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*/*.rs");
    // Programs that must compile: generated names that collide with
    // nothing, `#[cfg]`, `#[nn(crate = ..)]`, `network!` from `macro_rules!`.
    t.pass("tests/pass/*.rs");
}
