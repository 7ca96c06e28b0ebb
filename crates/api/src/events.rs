//! Reading `GET /api/events` (Server-Sent Events) as a stream of [`ServerEvent`]s.

use crate::error::ClientError;
use crate::types::ServerEvent;

/// An open event feed. Each [`EventStream::next`] waits for the next event; `None` when the
/// server closed the feed (reconnect with `since_ms` of the last event's time).
pub struct EventStream {
    resp: reqwest::Response,
    buf: String,
}

impl EventStream {
    pub(crate) fn new(resp: reqwest::Response) -> Self {
        Self {
            resp,
            buf: String::new(),
        }
    }

    pub async fn next(&mut self) -> Option<Result<ServerEvent, ClientError>> {
        loop {
            // One SSE event ends with a blank line; its `data:` lines carry the JSON.
            if let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let data: Vec<&str> = block
                    .lines()
                    .filter_map(|l| l.strip_prefix("data:"))
                    .map(|d| d.strip_prefix(' ').unwrap_or(d))
                    .collect();
                if data.is_empty() {
                    continue; // a keep-alive comment
                }
                let json = data.join("\n");
                return Some(
                    serde_json::from_str(&json).map_err(|e| ClientError::Unexpected {
                        status: 200,
                        detail: format!("bad event {json:?}: {e}"),
                    }),
                );
            }
            match self.resp.chunk().await {
                Ok(Some(bytes)) => self
                    .buf
                    .push_str(&String::from_utf8_lossy(&bytes).replace("\r\n", "\n")),
                Ok(None) => return None,
                Err(e) => return Some(Err(e.into())),
            }
        }
    }
}
