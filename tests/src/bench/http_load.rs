//! The HTTP server under load: the real `verbatim-server` binary serving the benchmark index on
//! a loopback port, and a small hyper client keeping N connections busy with the query mix,
//! bounded in requests and in seconds.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use serde::Serialize;

use super::{Latencies, process_memory};

/// A `verbatim-server` child process; killed on drop.
pub struct ServerProcess {
    child: Child,
    /// Where it listens.
    pub address: SocketAddr,
    /// From spawn to listening, index open included.
    pub start_seconds: f64,
}

impl ServerProcess {
    /// Starts `binary` serving the index in `index_dir` (no corpus: served as built) on
    /// `127.0.0.1:0`, and waits for the address it logs.
    pub fn start(binary: &Path, index_dir: &Path) -> Result<ServerProcess> {
        let started = Instant::now();
        let mut child = Command::new(binary)
            .arg("--index")
            .arg(index_dir)
            .arg("--corpus")
            .arg(index_dir.join("no-corpus"))
            .args(["--bind", "127.0.0.1:0"])
            .env("NO_COLOR", "1")
            .env("RUST_LOG", "warn,verbatim_server=info")
            .env_remove("VERBATIM_API_KEY")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let stderr = child.stderr.take().context("the server's stderr")?;
        let mut lines = BufReader::new(stderr).lines();
        let address = loop {
            let Some(line) = lines.next() else {
                let _ = child.kill();
                bail!("{} exited before listening", binary.display());
            };
            let line = line?;
            if let Some(rest) = line.split("listening on http://").nth(1) {
                let address = rest.split_whitespace().next().unwrap_or_default();
                break address
                    .parse::<SocketAddr>()
                    .with_context(|| format!("the server logged {line:?}"))?;
            }
        };
        let start_seconds = started.elapsed().as_secs_f64();
        // Keep draining the log so the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Ok(ServerProcess {
            child,
            address,
            start_seconds,
        })
    }

    /// The server's current resident memory, in bytes.
    pub fn rss(&self) -> Result<u64> {
        Ok(process_memory(&format!("/proc/{}/status", self.child.id()))?.rss)
    }

    /// The server's peak resident memory so far, in bytes.
    pub fn peak_rss(&self) -> Result<u64> {
        Ok(process_memory(&format!("/proc/{}/status", self.child.id()))?.peak)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Bounds of one load level.
#[derive(Debug, Clone, Copy)]
pub struct LoadLimits {
    /// Connections kept busy.
    pub connections: usize,
    /// Requests sent at most.
    pub requests: usize,
    /// Seconds at most.
    pub seconds: f64,
}

/// What one load level measured.
#[derive(Debug, Clone, Serialize)]
pub struct LoadResult {
    /// Connections kept busy.
    pub connections: usize,
    /// Requests answered (any status).
    pub requests: u64,
    /// Requests that failed or were not answered 200.
    pub errors: u64,
    /// Wall time.
    pub seconds: f64,
    /// Requests per second.
    pub throughput: f64,
    /// Latency percentiles in milliseconds.
    pub p50_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Highest server RSS sampled during the level, bytes.
    pub server_rss_peak: u64,
}

/// Sends the `paths` round-robin to `server` over `limits.connections` connections.
pub fn run_load(
    server: &ServerProcess,
    paths: &[String],
    limits: LoadLimits,
) -> Result<LoadResult> {
    let status = format!("/proc/{}/status", server.child.id());
    run_load_at(server.address, &status, paths, limits)
}

/// Sends the `paths` round-robin to the server at `address`, sampling the memory of the process
/// whose `/proc/.../status` is `status`.
pub fn run_load_at(
    address: SocketAddr,
    status: &str,
    paths: &[String],
    limits: LoadLimits,
) -> Result<LoadResult> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let shared = Arc::new(Shared {
        paths: paths.to_vec(),
        next: AtomicUsize::new(0),
        limit: limits.requests,
        deadline: Instant::now() + Duration::from_secs_f64(limits.seconds),
        errors: AtomicU64::new(0),
    });
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = {
        let sampling = Arc::clone(&sampling);
        let status = status.to_string();
        std::thread::spawn(move || {
            let mut peak = 0;
            while sampling.load(Ordering::Relaxed) {
                if let Ok(memory) = process_memory(&status) {
                    peak = peak.max(memory.rss);
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            peak
        })
    };
    let started = Instant::now();
    let latencies = runtime.block_on(async move {
        let tasks: Vec<_> = (0..limits.connections)
            .map(|_| tokio::spawn(connection(address, Arc::clone(&shared))))
            .collect();
        let mut all = Vec::new();
        for task in tasks {
            all.extend(task.await.map_err(|e| anyhow!("load task: {e}"))?);
        }
        Ok::<_, anyhow::Error>((all, shared.errors.load(Ordering::Relaxed)))
    });
    let seconds = started.elapsed().as_secs_f64();
    sampling.store(false, Ordering::Relaxed);
    let server_rss_peak = sampler.join().unwrap_or(0);
    let (latencies, errors) = latencies?;
    let requests = latencies.len() as u64;
    let latencies = Latencies::from_durations(latencies);
    Ok(LoadResult {
        connections: limits.connections,
        requests,
        errors,
        seconds,
        throughput: requests as f64 / seconds,
        p50_ms: latencies.p50_ms,
        p99_ms: latencies.p99_ms,
        server_rss_peak,
    })
}

struct Shared {
    paths: Vec<String>,
    next: AtomicUsize,
    limit: usize,
    deadline: Instant,
    errors: AtomicU64,
}

impl Shared {
    /// The next path to ask for, or `None` when the budget is spent.
    fn next_path(&self) -> Option<&str> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        (n < self.limit && Instant::now() < self.deadline)
            .then(|| self.paths[n % self.paths.len()].as_str())
    }
}

/// One keep-alive connection sending requests back to back; returns each answered request's latency.
async fn connection(address: SocketAddr, shared: Arc<Shared>) -> Vec<Duration> {
    let mut latencies = Vec::new();
    let Ok(mut sender) = connect(address).await else {
        shared.errors.fetch_add(1, Ordering::Relaxed);
        return latencies;
    };
    while let Some(path) = shared.next_path() {
        let started = Instant::now();
        match get(&mut sender, address, path).await {
            Ok(true) => {}
            Ok(false) => {
                shared.errors.fetch_add(1, Ordering::Relaxed);
            }
            Err(_) => {
                shared.errors.fetch_add(1, Ordering::Relaxed);
                match connect(address).await {
                    Ok(fresh) => sender = fresh,
                    Err(_) => return latencies,
                }
                continue;
            }
        }
        latencies.push(started.elapsed());
    }
    latencies
}

type Sender = hyper::client::conn::http1::SendRequest<Empty<Bytes>>;

async fn connect(address: SocketAddr) -> Result<Sender> {
    let stream = tokio::net::TcpStream::connect(address).await?;
    stream.set_nodelay(true)?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    Ok(sender)
}

/// Whether the server answered 200; the body is read whole, as a client would.
async fn get(sender: &mut Sender, address: SocketAddr, path: &str) -> Result<bool> {
    sender.ready().await?;
    let request = hyper::Request::get(path)
        .header(hyper::header::HOST, address.to_string())
        .body(Empty::<Bytes>::new())?;
    let response = sender.send_request(request).await?;
    let ok = response.status() == hyper::StatusCode::OK;
    let body = response.into_body().collect().await?.to_bytes();
    std::hint::black_box(body.len());
    Ok(ok)
}
