//! The `verbatim` binary's help and its usage errors. (Having an integration test also makes
//! `cargo test --workspace` build the binary, which the end-to-end tests in `tests/` run.)

use std::process::Command;

fn verbatim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_verbatim"))
        .args(args)
        .output()
        .expect("run verbatim")
}

#[test]
fn every_subcommand_has_help_with_examples() {
    for sub in [
        "search",
        "facets",
        "show",
        "participants",
        "stats",
        "batch",
        "completions",
    ] {
        let out = verbatim(&[sub, "--help"]);
        assert!(out.status.success(), "{sub} --help failed");
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(
            help.to_lowercase().contains("example"),
            "{sub} --help has no examples:\n{help}"
        );
    }
}

#[test]
fn a_bad_flag_value_exits_2_naming_the_flag() {
    let out = verbatim(&["search", "trust", "--sort", "random"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--sort"));
}
