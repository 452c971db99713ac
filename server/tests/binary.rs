//! The `verbatim-server` binary's help, as a user meets it. (Having an integration test also
//! makes `cargo test --workspace` build the binary, which the end-to-end tests in `tests/` run.)

use std::process::Command;

#[test]
fn help_names_every_setting_and_its_environment_variable() {
    let out = Command::new(env!("CARGO_BIN_EXE_verbatim-server"))
        .arg("--help")
        .output()
        .expect("run verbatim-server");
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for setting in [
        "VERBATIM_INDEX",
        "VERBATIM_CORPUS",
        "VERBATIM_BIND",
        "VERBATIM_API_KEY",
        "127.0.0.1:8490",
    ] {
        assert!(
            help.contains(setting),
            "--help does not mention {setting}:\n{help}"
        );
    }
}
