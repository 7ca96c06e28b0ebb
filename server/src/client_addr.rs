//! The address a request comes from, behind a reverse proxy. Rate limits (wrong tokens, wrong
//! passwords) count per address; behind nginx every request would come from the proxy, so one
//! guesser would lock everyone out. Only for a peer listed in `--trusted-proxy` is
//! `X-Forwarded-For` believed: the client is its right-most address that is not a trusted proxy
//! (entries left of that can be forged by the client). Anyone else's header is ignored.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;

/// The proxies whose `X-Forwarded-For` is believed.
pub type TrustedProxies = Arc<Vec<IpAddr>>;

/// Replaces the connection's address with the forwarded client's when the peer is trusted.
pub async fn layer(
    State(trusted): State<TrustedProxies>,
    mut req: Request,
    next: Next,
) -> Response {
    if !trusted.is_empty()
        && let Some(ConnectInfo(peer)) = req.extensions().get::<ConnectInfo<SocketAddr>>().copied()
    {
        let forwarded: Vec<&str> = req
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        if let Some(client) = client_ip(peer.ip(), &forwarded, &trusted) {
            req.extensions_mut()
                .insert(ConnectInfo(SocketAddr::new(client, peer.port())));
        }
    }
    next.run(req).await
}

/// The client behind `peer`, if `peer` is a trusted proxy that forwarded one.
pub fn client_ip(peer: IpAddr, forwarded: &[&str], trusted: &[IpAddr]) -> Option<IpAddr> {
    if !trusted.contains(&peer) {
        return None;
    }
    let hops: Vec<&str> = forwarded
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    for hop in hops.iter().rev() {
        // An unparsable hop ends the walk: what is left of it is not known to be true.
        let ip: IpAddr = hop.parse().ok()?;
        if !trusted.contains(&ip) {
            return Some(ip);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn only_a_trusted_peer_is_believed_and_forged_left_entries_are_skipped() {
        let trusted = [ip("127.0.0.1"), ip("10.0.0.2")];
        // Not a trusted peer: its header is ignored.
        assert_eq!(client_ip(ip("203.0.113.9"), &["1.2.3.4"], &trusted), None);
        // The proxy appended the real client; the client forged the left-most entry.
        assert_eq!(
            client_ip(ip("127.0.0.1"), &["6.6.6.6, 198.51.100.7"], &trusted),
            Some(ip("198.51.100.7"))
        );
        // Two trusted proxies in a row; several header lines.
        assert_eq!(
            client_ip(ip("127.0.0.1"), &["198.51.100.7", "10.0.0.2"], &trusted),
            Some(ip("198.51.100.7"))
        );
        // Garbage ends the walk; no header keeps the peer.
        assert_eq!(client_ip(ip("127.0.0.1"), &["not-an-ip"], &trusted), None);
        assert_eq!(client_ip(ip("127.0.0.1"), &[], &trusted), None);
        assert_eq!(
            client_ip(ip("127.0.0.1"), &["2001:db8::1"], &trusted),
            Some(ip("2001:db8::1"))
        );
    }
}
