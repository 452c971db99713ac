//! The `verbatim-index` binary as a user meets it: its help, and its answer to a corpus that is
//! not there. (Having an integration test also makes `cargo test --workspace` build the binary,
//! which the end-to-end tests in `tests/` run.)

use std::process::Command;

fn verbatim_index(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_verbatim-index"))
        .args(args)
        .output()
        .expect("run verbatim-index")
}

#[test]
fn help_shows_examples() {
    let out = verbatim_index(&["--help"]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("Examples:") && help.contains("--index"),
        "{help}"
    );
}

#[test]
fn a_missing_corpus_exits_2_naming_it() {
    let index = std::env::temp_dir().join(format!("verbatim-index-test-{}", std::process::id()));
    let out = verbatim_index(&["/nonexistent/corpus", "--index", index.to_str().unwrap()]);
    let _ = std::fs::remove_dir_all(&index);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("/nonexistent/corpus") && stderr.contains("corpus directory not found"),
        "{stderr}"
    );
}
