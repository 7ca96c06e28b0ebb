//! A byte-transparent TCP proxy in front of a server that stalls large downloads: on a
//! connection whose first request is a `GET` answered with more than `large` bytes, it forwards
//! the first `keep` bytes of the response and then nothing more, holding both sockets open, as
//! a stuck network or store would. Everything else passes untouched (presigned URLs sign the
//! Host header, so clients must be pointed at the proxy's address).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

/// The running proxy.
pub struct StallProxy {
    pub addr: SocketAddr,
    stalled: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl StallProxy {
    /// Proxies 127.0.0.1:PORT → `upstream`.
    pub async fn start(upstream: SocketAddr, large: u64, keep: usize) -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let stalled = Arc::new(AtomicUsize::new(0));
        let counter = stalled.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let counter = counter.clone();
                tokio::spawn(async move {
                    if let Ok(server) = TcpStream::connect(upstream).await {
                        relay(client, server, large, keep, counter).await;
                    }
                });
            }
        });
        Ok(Self {
            addr,
            stalled,
            task,
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Responses stalled so far.
    pub fn stalled(&self) -> usize {
        self.stalled.load(Ordering::SeqCst)
    }
}

impl Drop for StallProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn relay(
    client: TcpStream,
    server: TcpStream,
    large: u64,
    keep: usize,
    stalled: Arc<AtomicUsize>,
) {
    let (mut client_rd, mut client_wr) = client.into_split();
    let (mut server_rd, mut server_wr) = server.into_split();
    let first_is_get = Arc::new(AtomicBool::new(false));
    let seen_request = first_is_get.clone();
    let upstream = tokio::spawn(async move {
        let mut buf = vec![0u8; 64 * 1024];
        let mut first = true;
        loop {
            let n = match client_rd.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            if first {
                seen_request.store(buf[..n].starts_with(b"GET "), Ordering::SeqCst);
                first = false;
            }
            if server_wr.write_all(&buf[..n]).await.is_err() {
                return;
            }
        }
    });
    let mut buf = vec![0u8; 16 * 1024];
    let mut head = Vec::new();
    let mut decided: Option<bool> = None;
    let mut forwarded = 0usize;
    loop {
        let n = match server_rd.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if decided.is_none() {
            head.extend_from_slice(&buf[..n]);
            if let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") {
                let text = String::from_utf8_lossy(&head[..end]).to_ascii_lowercase();
                let length = text
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .unwrap_or(0);
                decided = Some(first_is_get.load(Ordering::SeqCst) && length > large);
            }
        }
        let stall = decided == Some(true);
        let n_fwd = if stall {
            n.min(keep.saturating_sub(forwarded))
        } else {
            n
        };
        if client_wr.write_all(&buf[..n_fwd]).await.is_err() {
            break;
        }
        forwarded += n_fwd;
        if stall && forwarded >= keep {
            stalled.fetch_add(1, Ordering::SeqCst);
            // Hold both sockets open and say nothing more, until the proxy goes away.
            std::future::pending::<()>().await;
        }
    }
    upstream.abort();
}
