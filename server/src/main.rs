//! `verbatim-server`: serves the JSON search API over a corpus, building or updating its index first.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Parser;
use indexer::watch::WatchOptions;
use indexer::{BuildOptions, Index, Watcher};
use server::{
    AllowedHosts, ApiKey, AppState, ClientAddress, Config, CorsOrigins, GuardedListener, Keys,
};
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
  verbatim-server --keys /etc/verbatim/keys.toml --allowed-host verbatim.example
      Named keys with scopes (read, write, admin), behind a proxy passing Host: verbatim.example.
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

    /// An API key, NAME:SCOPE:SECRET (repeatable); SCOPE is read, write or admin.
    ///
    /// With any key, every /v1 route needs `Authorization: Bearer SECRET` of a key whose scope
    /// covers it: read (search, documents, comparisons, exports), write (also rebuilding the
    /// index) or admin (everything). A value without colons is one admin key named `default`.
    /// Prefer the environment variable or --keys: command lines are visible to other users of
    /// the machine.
    #[arg(
        long = "api-key",
        env = "VERBATIM_API_KEY",
        hide_env_values = true,
        value_name = "NAME:SCOPE:SECRET"
    )]
    api_keys: Vec<String>,

    /// A keys file: TOML `[[key]]` tables with name, scope and sha256.
    ///
    /// sha256 is the secret's SHA-256 in hex (`printf %s SECRET | sha256sum`), so the file does
    /// not hold the secrets; it is refused unless only its owner can read it (chmod 600).
    #[arg(long, env = "VERBATIM_KEYS", value_name = "FILE")]
    keys: Option<PathBuf>,

    /// Another host name the server answers to (repeatable, or comma-separated in the variable).
    ///
    /// Requests whose Host header names anything but localhost, this machine's addresses or one
    /// of these are refused (against DNS rebinding): give the name a reverse proxy passes on, or
    /// the machine's name on your network. Names only; any port is accepted.
    #[arg(
        long = "allowed-host",
        env = "VERBATIM_ALLOWED_HOSTS",
        value_delimiter = ',',
        value_name = "NAME"
    )]
    allowed_hosts: Vec<String>,

    /// An origin whose pages may call the API from the browser (repeatable).
    ///
    /// Such as `https://app.example`: it is sent back in Access-Control-Allow-Origin, and its
    /// pages may also send writes. Without it no cross-origin header is ever sent.
    #[arg(
        long = "cors-origin",
        env = "VERBATIM_CORS_ORIGIN",
        value_name = "ORIGIN"
    )]
    cors_origins: Vec<String>,

    #[command(flatten)]
    watch: server::watch::WatchFlags,

    /// Let the page and the API add files to the corpus folder and remove them.
    ///
    /// POST /v1/files and DELETE /v1/files/{path} need a key with the write scope (even on
    /// loopback) and a corpus folder the server can write into; both are checked at start-up.
    #[arg(long)]
    allow_uploads: bool,

    /// Wrong keys one client address may send per minute before it is locked out.
    ///
    /// Past the limit every key from that address, the right one too, gets 429 with
    /// Retry-After until the minute is over. Behind a reverse proxy every client has the
    /// proxy's address: raise it there if a team shares one.
    #[arg(
        long,
        env = "VERBATIM_MAX_WRONG_KEYS",
        default_value_t = server::auth::DEFAULT_FAILURES_ALLOWED,
        value_parser = clap::value_parser!(u32).range(1..),
        value_name = "N"
    )]
    max_wrong_keys: u32,
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
    let keys = keys(&args)?;
    refuse_open_bind_without_key(args.bind, !keys.is_empty())?;
    let hosts =
        AllowedHosts::new(Some(args.bind.ip()), &args.allowed_hosts).map_err(anyhow::Error::msg)?;
    let cors = CorsOrigins::new(&args.cors_origins).map_err(anyhow::Error::msg)?;
    if args.allow_uploads {
        server::routes::check_uploads(&args.corpus, !keys.is_empty())
            .map_err(anyhow::Error::msg)?;
    }
    // Bind before indexing, so a taken port fails at once rather than after a build.
    let listener = TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    let (corpus, index_dir, watch) = (
        args.corpus.clone(),
        args.index.clone(),
        args.watch.options(),
    );
    let (index, watcher) =
        tokio::task::spawn_blocking(move || prepare_index(&corpus, &index_dir, watch))
            .await
            .context("the index task failed")??;
    let key_required = !keys.is_empty();
    let config = Config {
        keys,
        hosts,
        cors,
        corpus: args.corpus.is_dir().then_some(args.corpus),
        allow_uploads: args.allow_uploads,
        wrong_keys_allowed: args.max_wrong_keys,
        ..Config::default()
    };
    // Twice the request timeout: a request that has arrived is answered (at worst with a 408)
    // before its connection's deadline.
    let listener = GuardedListener::new(listener, config.request_timeout * 2);
    let mut state = AppState::new(index, config);
    if let Some(watcher) = watcher {
        state = state.watched_by(watcher);
    }
    let address =
        axum::serve::Listener::local_addr(&listener).context("cannot read the bound address")?;
    let shutdown = shutdown_signal()?;
    tracing::info!(key_required, "listening on http://{address}");
    // The client's address goes with each request: wrong keys are counted per address.
    let service = server::app(state).into_make_service_with_connect_info::<ClientAddress>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await
        .context("the server failed")?;
    tracing::info!("stopped");
    Ok(())
}

/// The keys of `--api-key` and `--keys`, with what is wrong with any of them.
fn keys(args: &Args) -> anyhow::Result<Keys> {
    let flagged = args
        .api_keys
        .iter()
        .map(|value| ApiKey::from_flag(value))
        .collect::<Result<Vec<_>, _>>()
        .map_err(anyhow::Error::msg)?;
    let keys = Keys::new(flagged.into_iter().flatten().collect()).map_err(anyhow::Error::msg)?;
    match &args.keys {
        Some(file) => keys.with_file(file).map_err(anyhow::Error::msg),
        None => Ok(keys),
    }
}

/// Anyone who can reach a non-loopback address could read the whole corpus, so that needs a key.
fn refuse_open_bind_without_key(bind: SocketAddr, has_key: bool) -> anyhow::Result<()> {
    if !bind.ip().is_loopback() && !has_key {
        bail!(
            "refusing to listen on {bind} without an API key: anyone who can reach that address could read the corpus; \
             set VERBATIM_API_KEY (or --api-key NAME:SCOPE:SECRET, or --keys FILE), or listen on a loopback address such as 127.0.0.1:8490"
        );
    }
    Ok(())
}

/// Builds or updates the index when the corpus is there (and starts watching it, unless `watch`
/// is `None`), then opens it.
fn prepare_index(
    corpus: &Path,
    index_dir: &Path,
    watch: Option<WatchOptions>,
) -> anyhow::Result<(Index, Option<Watcher>)> {
    let mut watcher = None;
    if corpus.is_dir() {
        let cannot = || {
            format!(
                "cannot index {} into {}",
                corpus.display(),
                index_dir.display()
            )
        };
        if let Some(options) = watch {
            // The watcher logs what each build took in and refused, and its attribution counts,
            // the first build included.
            watcher = Some(Watcher::start(corpus, index_dir, options).with_context(cannot)?);
        } else {
            // The engine logs what the build did; only its per-file problems are left to report.
            let report =
                indexer::build(corpus, index_dir, &BuildOptions::default()).with_context(cannot)?;
            for error in &report.errors {
                tracing::warn!("left out of the index: {error}");
            }
            report.log_attribution();
        }
    } else {
        tracing::warn!(
            "no corpus directory at {}: serving the index in {} as built",
            corpus.display(),
            index_dir.display()
        );
    }
    let index = Index::open(index_dir)
        .with_context(|| format!("cannot open the index in {}", index_dir.display()))?;
    Ok((index, watcher))
}

/// Waits for Ctrl-C or SIGTERM. The handlers are installed here, before the server says it is
/// listening: a signal sent between the two would otherwise end the process at once, without
/// finishing the requests in flight.
fn shutdown_signal() -> anyhow::Result<impl Future<Output = ()>> {
    #[cfg(unix)]
    let stopped = {
        use tokio::signal::unix::{SignalKind, signal};
        let mut terminate = signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?;
        let mut interrupt = signal(SignalKind::interrupt()).context("cannot listen for Ctrl-C")?;
        async move {
            tokio::select! {
                _ = terminate.recv() => {}
                _ = interrupt.recv() => {}
            }
        }
    };
    #[cfg(not(unix))]
    let stopped = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    Ok(async move {
        stopped.await;
        tracing::info!("shutting down: finishing requests in flight");
    })
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
