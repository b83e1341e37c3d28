//! Accepting connections within bounds: how many at once, how many per client address, and how long a
//! client may take to send a request's headers.
//!
//! `axum::serve` accepts every connection and waits for headers forever, so a few hundred clients that
//! send a byte every few seconds held every file descriptor and `/healthz` stopped answering (issue 17).
//! Here each connection needs a slot: one of `max_connections`, and one of `max_per_address` for its
//! client's IP address. A connection without a slot is answered `503` with a JSON body
//! (`extensions.code` `OVERLOADED`) once its request head is read (a second at most) and closed. A connection that has not sent a whole request head
//! within `header_read_timeout` is closed; the same clock runs while a kept-alive connection waits for its
//! next request, so idle connections give their slot back too. Bodies are bounded by the handlers
//! (`HttpConfig::body_limit`, `body_read_timeout`), whole requests by the router's timeout.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt;

use crate::http::writes::ClientAddr;
use crate::metrics::metrics;

/// Bounds on connections.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// Open connections at once, over all clients.
    pub max_connections: usize,
    /// Open connections at once from one IP address (0: no per-address bound, e.g. behind a proxy).
    pub max_per_address: usize,
    /// Longest wait for a request's headers, idle keep-alive included.
    pub header_read_timeout: Duration,
    /// Longest wait for open connections to finish after a shutdown signal.
    pub shutdown_grace: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> ConnectionLimits {
        ConnectionLimits {
            max_connections: 1024,
            max_per_address: 256,
            header_read_timeout: Duration::from_secs(10),
            shutdown_grace: Duration::from_secs(15),
        }
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then lets open connections finish (at most
/// `shutdown_grace`).
pub async fn serve(listener: TcpListener, router: Router, limits: ConnectionLimits, shutdown: impl Future<Output = ()>) {
    let slots = Slots::new(limits);
    // Shutdown: `stop` tells every connection to finish its request and close; each holds a clone of
    // `open`, so `open_rx` ends once all have. (hyper-util's GracefulShutdown cannot watch connections
    // that may upgrade to a WebSocket.)
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let (open, mut open_rx) = tokio::sync::mpsc::channel::<()>(1);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors, or a connection reset before it was accepted: wait a
                    // moment rather than spin; open connections keep being served meanwhile.
                    tracing::warn!(error = %err, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(slot) = slots.take(peer.ip()) else {
            tracing::debug!(%peer, "connection refused: no slot");
            metrics().connections_refused.inc();
            tokio::spawn(refuse(stream));
            continue;
        };
        if let Err(err) = stream.set_nodelay(true) {
            tracing::debug!(error = %err, "cannot set TCP_NODELAY");
        }
        // Each request of the connection carries its address (the write limits count by it).
        let client = ClientAddr(peer.ip());
        let service = TowerToHyperService::new(router.clone().map_request(move |mut request: hyper::Request<hyper::body::Incoming>| {
            request.extensions_mut().insert(client);
            request
        }));
        let connection = http.serve_connection(TokioIo::new(stream), service).with_upgrades();
        let (mut stopped, open) = (stopped.clone(), open.clone());
        tokio::spawn(async move {
            let mut connection = std::pin::pin!(connection);
            let ended = tokio::select! {
                ended = connection.as_mut() => ended,
                () = async { let _ = stopped.wait_for(|stop| *stop).await; } => {
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(err) = ended {
                tracing::debug!(error = %err, %peer, "connection ended with an error");
            }
            drop((slot, open));
        });
    }
    drop(listener);
    tokio::select! {
        _ = async {
            let _ = stop.send(true);
            drop(open);
            open_rx.recv().await
        } => {}
        () = tokio::time::sleep(limits.shutdown_grace) => tracing::warn!("connections still open after the shutdown grace period"),
    }
}

/// The answer to a connection over the limits.
fn refusal() -> String {
    let body = r#"{"errors":[{"message":"too many open connections; retry shortly","extensions":{"code":"OVERLOADED"}}]}"#;
    format!(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// Reads the request's head (at most 8 KiB, at most a second: HTTP clients take an answer that comes
/// before their request was sent for a broken connection), answers 503 and closes, spending at most
/// another second on a client that does not read.
async fn refuse(mut stream: TcpStream) {
    let read_head = async {
        let mut head = Vec::with_capacity(1024);
        let mut chunk = [0u8; 1024];
        while head.len() < 8 * 1024 && !head.windows(4).any(|window| window == b"\r\n\r\n") {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(read) => head.extend_from_slice(&chunk[..read]),
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), read_head).await;
    let write = async {
        stream.write_all(refusal().as_bytes()).await?;
        stream.shutdown().await
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), write).await;
}

/// The open connections, in total and per address.
#[derive(Clone)]
struct Slots {
    limits: ConnectionLimits,
    open: Arc<Mutex<Open>>,
}

#[derive(Default)]
struct Open {
    total: usize,
    by_address: HashMap<IpAddr, usize>,
}

impl Slots {
    fn new(limits: ConnectionLimits) -> Slots {
        Slots { limits, open: Arc::new(Mutex::new(Open::default())) }
    }

    /// A slot for a connection from `address`, or `None` when a limit is reached.
    fn take(&self, address: IpAddr) -> Option<Slot> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        if open.total >= self.limits.max_connections {
            return None;
        }
        let from_address = open.by_address.get(&address).copied().unwrap_or(0);
        if self.limits.max_per_address > 0 && from_address >= self.limits.max_per_address {
            return None;
        }
        open.total += 1;
        open.by_address.insert(address, from_address + 1);
        metrics().connections_open.inc();
        Some(Slot { slots: self.clone(), address })
    }
}

/// One open connection's place; given back when dropped.
struct Slot {
    slots: Slots,
    address: IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.slots.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.total = open.total.saturating_sub(1);
        metrics().connections_open.dec();
        if let Some(count) = open.by_address.get_mut(&self.address) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.by_address.remove(&self.address);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_refusal_is_a_well_formed_answer() {
        let refusal = refusal();
        let (head, body) = refusal.split_once("\r\n\r\n").expect("a head and a body");
        let length: usize =
            head.lines().find_map(|line| line.strip_prefix("Content-Length: ")).and_then(|n| n.parse().ok()).expect("length");
        assert_eq!(body.len(), length);
        let json: serde_json::Value = serde_json::from_str(body).expect("JSON");
        assert_eq!(json["errors"][0]["extensions"]["code"], "OVERLOADED");
    }

    #[test]
    fn slots_count_per_address_and_in_total() {
        let limits = ConnectionLimits { max_connections: 3, max_per_address: 2, ..ConnectionLimits::default() };
        let slots = Slots::new(limits);
        let (a, b): (IpAddr, IpAddr) = ("127.0.0.2".parse().expect("ip"), "127.0.0.3".parse().expect("ip"));
        let first = slots.take(a).expect("first");
        let _second = slots.take(a).expect("second");
        assert!(slots.take(a).is_none(), "a third from one address");
        let _third = slots.take(b).expect("another address");
        assert!(slots.take(b).is_none(), "over the total");
        drop(first);
        assert!(slots.take(b).is_some(), "a slot came back");
    }
}
