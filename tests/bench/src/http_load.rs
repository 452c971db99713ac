//! The HTTP server under load: a small hyper client keeping N connections busy with the query
//! mix, bounded in requests and in seconds, while the server's memory is sampled and its CPU
//! time is read before and after.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use serde::Serialize;
use verbatim_tests::{Memory, process_cpu_time};

use super::Latencies;

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

impl LoadLimits {
    /// The levels of a run, 1, 32 and 64 connections, each bounded by `requests` and `seconds`.
    pub fn levels(requests: usize, seconds: f64) -> Vec<LoadLimits> {
        [1, 32, 64]
            .map(|connections| LoadLimits {
                connections,
                requests,
                seconds,
            })
            .to_vec()
    }
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
    /// CPU time the server process used during the level (user and system, all its threads),
    /// seconds; when the server runs in the bench process, the load client's is included.
    pub server_cpu_seconds: f64,
    /// `server_cpu_seconds` per request answered, milliseconds.
    pub server_cpu_ms_per_request: f64,
}

/// Sends the `paths` round-robin to the server at `address` over `limits.connections`
/// connections, sampling the memory of process `pid` (the server's).
pub fn run_load(
    address: SocketAddr,
    pid: u32,
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
        std::thread::spawn(move || {
            let mut peak = 0;
            while sampling.load(Ordering::Relaxed) {
                if let Ok(memory) = Memory::of_process(pid) {
                    peak = peak.max(memory.rss);
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            peak
        })
    };
    let cpu_before = process_cpu_time(pid)?;
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
    let server_cpu_seconds = process_cpu_time(pid)?
        .saturating_sub(cpu_before)
        .as_secs_f64();
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
        server_cpu_seconds,
        server_cpu_ms_per_request: server_cpu_seconds * 1000.0 / requests.max(1) as f64,
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
