//! Where things are: the workspace, its demo corpus, and the binaries `cargo test --workspace`
//! builds, run with an environment of their own.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The workspace root (the parent of this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits inside the workspace")
        .to_path_buf()
}

/// The bundled demo corpus.
pub fn corpus_dir() -> PathBuf {
    workspace_root().join("corpus")
}

/// A binary of the workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binary {
    /// `verbatim`, the command-line client.
    Cli,
    /// `verbatim-server`, the JSON API.
    Server,
    /// `verbatim-index`, the indexer.
    Indexer,
}

impl Binary {
    fn name(self) -> &'static str {
        match self {
            Binary::Cli => "verbatim",
            Binary::Server => "verbatim-server",
            Binary::Indexer => "verbatim-index",
        }
    }

    /// The built binary, found next to the running test's own directory.
    ///
    /// Cargo builds other packages' binaries only when they are tested too, so this panics with
    /// what to run when the binary is missing.
    pub fn path(self) -> PathBuf {
        let exe = std::env::current_exe().expect("the test binary knows its path");
        // target/<profile>/deps/e2e-<hash>: the binaries sit in target/<profile>.
        let profile_dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("test binaries live in target/<profile>/deps");
        let path = profile_dir.join(format!("{}{}", self.name(), std::env::consts::EXE_SUFFIX));
        assert!(
            path.is_file(),
            "{} not found: run `cargo build --workspace` first (or `cargo test --workspace`, which builds it)",
            path.display()
        );
        path
    }

    /// The binary as a command with an environment of its own (see `isolated_command`).
    pub fn command(self) -> Command {
        isolated_command(&self.path())
    }
}

/// `program` without the caller's `VERBATIM_*` settings, `RUST_LOG` and `NO_COLOR`, and with no
/// stdin, so a developer's shell cannot change what a test sees.
pub fn isolated_command(program: &Path) -> Command {
    let mut command = Command::new(program);
    for (name, _) in std::env::vars_os() {
        let inherited = name.to_string_lossy();
        if inherited.starts_with("VERBATIM_") || inherited == "RUST_LOG" || inherited == "NO_COLOR"
        {
            command.env_remove(&name);
        }
    }
    command.stdin(Stdio::null());
    command
}
