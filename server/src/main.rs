//! `verbatim-server`: serves the JSON search API over a corpus, building or updating its index first.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Parser;
use indexer::{BuildOptions, Index};
use server::{ApiKey, AppState, Config, GuardedListener};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const EXAMPLES: &str = "\
Examples:
  verbatim-server
      Serve ./corpus on http://127.0.0.1:8490, building .verbatim-index first if needed.
  VERBATIM_API_KEY=$(openssl rand -hex 16) verbatim-server --bind 0.0.0.0:8490
      Serve on every interface; /v1 routes then need `Authorization: Bearer KEY`.
  verbatim-server --index /data/index --corpus /nonexistent
      Serve an index as built, without a corpus to update it from.";

/// Serve Verbatim's JSON search API.
///
/// At start-up the index of --corpus is built into --index, or updated if the corpus changed
/// (nothing is done when it is up to date); without a corpus directory the index is served as
/// built. The server stops gracefully on Ctrl-C or SIGTERM: requests in flight finish.
#[derive(Debug, Parser)]
#[command(name = "verbatim-server", version, after_help = EXAMPLES)]
struct Args {
    /// Index directory.
    ///
    /// Built or updated from --corpus at start-up; served as is when --corpus does not exist.
    #[arg(
        long,
        env = "VERBATIM_INDEX",
        default_value = ".verbatim-index",
        value_name = "DIR"
    )]
    index: PathBuf,

    /// Corpus directory to index.
    ///
    /// Documents, participants.csv and role_groups.toml, as described in corpus/README.md.
    #[arg(
        long,
        env = "VERBATIM_CORPUS",
        default_value = "corpus",
        value_name = "DIR"
    )]
    corpus: PathBuf,

    /// Address to listen on, IP:PORT (port 0 picks a free one).
    ///
    /// A non-loopback address (such as 0.0.0.0) is refused unless an API key is set.
    #[arg(
        long,
        env = "VERBATIM_BIND",
        default_value = "127.0.0.1:8490",
        value_name = "ADDR"
    )]
    bind: SocketAddr,

    /// Key every /v1 request must send as `Authorization: Bearer KEY`.
    ///
    /// Prefer the environment variable: command lines are visible to other users of the machine.
    #[arg(
        long,
        env = "VERBATIM_API_KEY",
        hide_env_values = true,
        value_name = "KEY"
    )]
    api_key: Option<String>,
}

fn main() -> ExitCode {
    init_tracing();
    let served = server::state::runtime()
        .context("cannot start the runtime")
        .and_then(|runtime| runtime.block_on(run(Args::parse())));
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            ExitCode::from(2)
        }
    }
}

fn init_tracing() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("warn,verbatim_server=info,server=info,indexer=info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}

async fn run(args: Args) -> anyhow::Result<()> {
    let api_key = args.api_key.as_deref().and_then(ApiKey::new);
    refuse_open_bind_without_key(args.bind, api_key.is_some())?;
    // Bind before indexing, so a taken port fails at once rather than after a build.
    let listener = TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    let (corpus, index_dir) = (args.corpus, args.index);
    let index = tokio::task::spawn_blocking(move || prepare_index(&corpus, &index_dir))
        .await
        .context("the index task failed")??;
    let key_required = api_key.is_some();
    let config = Config {
        api_key,
        ..Config::default()
    };
    // Twice the request timeout: a request that has arrived is answered (at worst with a 408)
    // before its connection's deadline.
    let listener = GuardedListener::new(listener, config.request_timeout * 2);
    let state = AppState::new(index, config);
    let address =
        axum::serve::Listener::local_addr(&listener).context("cannot read the bound address")?;
    tracing::info!(key_required, "listening on http://{address}");
    axum::serve(listener, server::app(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("the server failed")?;
    tracing::info!("stopped");
    Ok(())
}

/// Anyone who can reach a non-loopback address could read the whole corpus, so that needs a key.
fn refuse_open_bind_without_key(bind: SocketAddr, has_key: bool) -> anyhow::Result<()> {
    if !bind.ip().is_loopback() && !has_key {
        bail!(
            "refusing to listen on {bind} without an API key: anyone who can reach that address could read the corpus; \
             set VERBATIM_API_KEY (or --api-key), or listen on a loopback address such as 127.0.0.1:8490"
        );
    }
    Ok(())
}

/// Builds or updates the index when the corpus is there, then opens it.
fn prepare_index(corpus: &Path, index_dir: &Path) -> anyhow::Result<Index> {
    if corpus.is_dir() {
        // The engine logs what the build did; only its per-file problems are left to report.
        let report =
            indexer::build(corpus, index_dir, &BuildOptions::default()).with_context(|| {
                format!(
                    "cannot index {} into {}",
                    corpus.display(),
                    index_dir.display()
                )
            })?;
        for error in &report.errors {
            tracing::warn!("left out of the index: {error}");
        }
        // Ends with the corpus-wide attribution counts, as the build summary does.
        let attribution = report.attribution();
        for line in attribution.to_string().lines() {
            match attribution.is_clear() {
                true => tracing::info!("{line}"),
                false => tracing::warn!("{line}"),
            }
        }
    } else {
        tracing::warn!(
            "no corpus directory at {}: serving the index in {} as built",
            corpus.display(),
            index_dir.display()
        );
    }
    Index::open(index_dir)
        .with_context(|| format!("cannot open the index in {}", index_dir.display()))
}

async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!("cannot listen for Ctrl-C: {error}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!("cannot listen for SIGTERM: {error}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing requests in flight");
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn open_binds_need_a_key() {
        let open: SocketAddr = "0.0.0.0:8490".parse().unwrap();
        let loopback: SocketAddr = "127.0.0.1:8490".parse().unwrap();
        let loopback6: SocketAddr = "[::1]:8490".parse().unwrap();
        let message = refuse_open_bind_without_key(open, false)
            .unwrap_err()
            .to_string();
        assert!(message.contains("VERBATIM_API_KEY"), "{message}");
        assert!(refuse_open_bind_without_key(open, true).is_ok());
        assert!(refuse_open_bind_without_key(loopback, false).is_ok());
        assert!(refuse_open_bind_without_key(loopback6, false).is_ok());
    }

    #[test]
    fn flags_parse() {
        Args::command().debug_assert();
    }
}
