//! Loopback listeners for the hostile-media tests: a tripwire that only counts the connections
//! it gets (anything that reaches it was made to fetch something it should not have), and a
//! tiny HTTP server that answers every request with the same bytes.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts connections to a loopback port; it accepts and never answers.
pub struct Tripwire {
    pub addr: SocketAddr,
    hits: Arc<AtomicUsize>,
}

impl Tripwire {
    pub fn start() -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = hits.clone();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for conn in listener.incoming() {
                counter.fetch_add(1, Ordering::SeqCst);
                // Keep it open: a fetcher that got this far would wait, as on a slow server.
                if let Ok(c) = conn {
                    held.push(c);
                }
            }
        });
        Ok(Self { addr, hits })
    }

    /// Connections so far.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }

    /// `http://ADDR/path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}/{}", self.addr, path.trim_start_matches('/'))
    }
}

/// Serves `body` with status 200 to every request on a loopback port, until the process ends.
pub fn serve_bytes(body: Vec<u8>, content_type: &str) -> anyhow::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let body = Arc::new(body);
    let content_type = content_type.to_string();
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let (body, content_type) = (body.clone(), content_type.clone());
            std::thread::spawn(move || answer(conn, &body, &content_type));
        }
    });
    Ok(addr)
}

fn answer(mut conn: TcpStream, body: &[u8], content_type: &str) {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let reply = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = conn.write_all(reply.as_bytes());
    let _ = conn.write_all(body);
}
