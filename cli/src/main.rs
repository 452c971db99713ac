//! `verbatim`: find quotes in a Verbatim index from the shell, see who said them, count them by
//! role and site, and export them with citations, against a server or an index directory.
//!
//! Exit status like grep: 0 when something matched, 1 when nothing did, 2 on any error.

mod args;
mod backend;
mod cmd;
mod messages;
mod output;

use std::process::ExitCode;

use clap::Parser;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    init_logging();
    match cmd::run(args::Args::parse()) {
        Ok(found) => ExitCode::from(if found { 0 } else { 1 }),
        // `verbatim search x | head` is normal use, not an error.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("verbatim: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Logs go to stderr, `warn` and up unless RUST_LOG says otherwise.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
