//! A TCP listener whose connections must keep moving: a client that trickles its request in, or
//! opens a connection and sends nothing, is cut off instead of holding a connection for ever.
//!
//! The request-timeout middleware only starts once a request's headers have arrived; below it,
//! hyper (as `axum::serve` sets it up) waits for headers without a limit, so a "slowloris" client
//! sending a byte now and then could pin connections indefinitely. Here each connection gets a
//! deadline: from the moment it is accepted or starts sending a request, and again after each
//! response, it must send its next request within the limit. A request that has arrived is then
//! governed by the request timeout, which answers before this deadline can pass.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::connect_info::Connected;
use axum::serve::IncomingStream;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{Instant, Sleep};

/// The address of the client that sent a request, which the router reads from its
/// `ConnectInfo`: serve the router with `into_make_service_with_connect_info::<ClientAddress>()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub SocketAddr);

impl Connected<IncomingStream<'_, GuardedListener>> for ClientAddress {
    fn connect_info(stream: IncomingStream<'_, GuardedListener>) -> ClientAddress {
        ClientAddress(*stream.remote_addr())
    }
}

impl Connected<IncomingStream<'_, TcpListener>> for ClientAddress {
    fn connect_info(stream: IncomingStream<'_, TcpListener>) -> ClientAddress {
        ClientAddress(*stream.remote_addr())
    }
}

/// Wraps a bound listener; serve it with `axum::serve` like the listener itself.
#[derive(Debug)]
pub struct GuardedListener {
    inner: TcpListener,
    limit: Duration,
}

impl GuardedListener {
    /// Connections from `inner` get `limit` to send each request (use more than the request
    /// timeout, so a request being answered is never cut off).
    pub fn new(inner: TcpListener, limit: Duration) -> GuardedListener {
        GuardedListener { inner, limit }
    }
}

impl axum::serve::Listener for GuardedListener {
    type Io = GuardedStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (GuardedStream, SocketAddr) {
        let (stream, address) = axum::serve::Listener::accept(&mut self.inner).await;
        (GuardedStream::new(stream, self.limit), address)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

/// A connection with a deadline for its next request.
#[derive(Debug)]
pub struct GuardedStream {
    inner: TcpStream,
    limit: Duration,
    deadline: Pin<Box<Sleep>>,
    /// Bytes of a request have arrived since the last response was written.
    receiving: bool,
}

impl GuardedStream {
    fn new(inner: TcpStream, limit: Duration) -> GuardedStream {
        GuardedStream {
            inner,
            limit,
            deadline: Box::pin(tokio::time::sleep(limit)),
            receiving: false,
        }
    }

    fn restart_deadline(&mut self) {
        self.deadline.as_mut().reset(Instant::now() + self.limit);
    }

    fn answered(&mut self, written: &Poll<io::Result<usize>>) {
        if matches!(written, Poll::Ready(Ok(n)) if *n > 0) {
            self.receiving = false;
            self.restart_deadline();
        }
    }
}

impl AsyncRead for GuardedStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.deadline.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client did not send its request in time",
            )));
        }
        let before = buf.filled().len();
        let read = Pin::new(&mut this.inner).poll_read(cx, buf);
        if matches!(read, Poll::Ready(Ok(()))) && buf.filled().len() > before && !this.receiving {
            this.receiving = true;
            this.restart_deadline();
            // Registers the new deadline's wake-up with this task.
            let _ = this.deadline.as_mut().poll(cx);
        }
        read
    }
}

impl AsyncWrite for GuardedStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.inner).poll_write(cx, buf);
        this.answered(&written);
        written
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        this.answered(&written);
        written
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}
