//! Live updates: a WebSocket to the API's `/graphql` in the `graphql-transport-ws` protocol, subscribed
//! to `changedNear(id, hops)` for the node a map shows. Each change near it calls back (at most once per
//! [`SETTLE_MS`], so a batch of changes refreshes the map once); a socket that closes is opened again
//! after a growing pause (1 s, doubling up to a minute). Dropping the [`Watch`] closes it for good.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{MessageEvent, WebSocket};

use crate::browser;

/// How long changes are collected before one callback.
pub const SETTLE_MS: i32 = 300;
/// The first pause before opening a closed socket again; it doubles up to [`MAX_RETRY_MS`].
const FIRST_RETRY_MS: i32 = 1000;
/// The longest pause before opening a closed socket again.
const MAX_RETRY_MS: i32 = 60_000;

/// The subscription's text.
const SUBSCRIPTION: &str = "subscription Near($id: ID!, $hops: Int!) { changedNear(id: $id, hops: $hops) { seq } }";

/// Where the socket stands, for the page (`data-live` on the map).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Opening, or waiting to open again.
    Connecting,
    /// Subscribed: changes arrive.
    Live,
}

/// A socket event handler, kept alive while the socket may call it.
type Handler = Closure<dyn FnMut(web_sys::Event)>;

/// A live subscription; dropping it closes the socket.
pub struct Watch {
    inner: Rc<Inner>,
}

struct Inner {
    url: String,
    subscribe: String,
    on_change: Box<dyn Fn()>,
    on_status: Box<dyn Fn(Status)>,
    socket: RefCell<Option<WebSocket>>,
    handlers: RefCell<Vec<Handler>>,
    stopped: Cell<bool>,
    retry_ms: Cell<i32>,
    settling: Cell<bool>,
}

/// The WebSocket address of `api` (`""`: the page's own origin).
fn socket_url(api: &str) -> Option<String> {
    if api.is_empty() {
        let location = web_sys::window()?.location();
        let scheme = if location.protocol().ok()? == "https:" { "wss" } else { "ws" };
        return Some(format!("{scheme}://{}/graphql", location.host().ok()?));
    }
    let rest = api.strip_prefix("https://").map(|rest| ("wss", rest)).or_else(|| api.strip_prefix("http://").map(|rest| ("ws", rest)))?;
    Some(format!("{}://{}/graphql", rest.0, rest.1.trim_end_matches('/')))
}

/// Watches the changes within `hops` of `focus` on the API at `api`: `on_change` runs after each burst of
/// them, `on_status` whenever the socket's state changes. `None` when the address cannot be made.
pub fn watch(api: &str, focus: &str, hops: u8, on_change: impl Fn() + 'static, on_status: impl Fn(Status) + 'static) -> Option<Watch> {
    let url = socket_url(api)?;
    let subscribe = serde_json::json!({
        "id": "near",
        "type": "subscribe",
        "payload": { "query": SUBSCRIPTION, "variables": { "id": focus, "hops": hops } },
    })
    .to_string();
    let inner = Rc::new(Inner {
        url,
        subscribe,
        on_change: Box::new(on_change),
        on_status: Box::new(on_status),
        socket: RefCell::new(None),
        handlers: RefCell::new(Vec::new()),
        stopped: Cell::new(false),
        retry_ms: Cell::new(FIRST_RETRY_MS),
        settling: Cell::new(false),
    });
    open(&inner);
    Some(Watch { inner })
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.inner.stopped.set(true);
        if let Some(socket) = self.inner.socket.borrow_mut().take() {
            // Unhooked first: the handlers are freed below, and a closing socket still fires `close`.
            socket.set_onopen(None);
            socket.set_onmessage(None);
            socket.set_onclose(None);
            let _ = socket.close();
        }
        self.inner.handlers.borrow_mut().clear();
    }
}

/// Opens the socket and wires its events.
fn open(inner: &Rc<Inner>) {
    if inner.stopped.get() {
        return;
    }
    (inner.on_status)(Status::Connecting);
    let Ok(socket) = WebSocket::new_with_str(&inner.url, "graphql-transport-ws") else {
        retry_later(inner);
        return;
    };
    let on_open = {
        let socket = socket.clone();
        Handler::new(move |_| {
            let _ = socket.send_with_str(r#"{"type":"connection_init"}"#);
        })
    };
    let on_message = {
        let (socket, weak) = (socket.clone(), Rc::downgrade(inner));
        Handler::new(move |event: web_sys::Event| {
            let Some(inner) = weak.upgrade() else { return };
            let Some(text) = event.dyn_ref::<MessageEvent>().and_then(|message| message.data().as_string()) else { return };
            let kind = serde_json::from_str::<serde_json::Value>(&text).ok().and_then(|value| value["type"].as_str().map(str::to_owned));
            match kind.as_deref() {
                Some("connection_ack") => {
                    let _ = socket.send_with_str(&inner.subscribe);
                    inner.retry_ms.set(FIRST_RETRY_MS);
                    (inner.on_status)(Status::Live);
                }
                Some("next") => settle(&inner),
                Some("ping") => {
                    let _ = socket.send_with_str(r#"{"type":"pong"}"#);
                }
                // The subscription ended or failed: start again on a new socket.
                Some("error" | "complete") => {
                    let _ = socket.close();
                }
                _ => {}
            }
        })
    };
    let on_close = {
        let weak = Rc::downgrade(inner);
        Handler::new(move |_| {
            if let Some(inner) = weak.upgrade() {
                retry_later(&inner);
            }
        })
    };
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    *inner.handlers.borrow_mut() = vec![on_open, on_message, on_close];
    *inner.socket.borrow_mut() = Some(socket);
}

/// Calls back once the changes of a burst have arrived.
fn settle(inner: &Rc<Inner>) {
    if inner.settling.replace(true) {
        return;
    }
    let weak = Rc::downgrade(inner);
    browser::after(SETTLE_MS, move || {
        if let Some(inner) = weak.upgrade() {
            inner.settling.set(false);
            if !inner.stopped.get() {
                (inner.on_change)();
            }
        }
    });
}

/// Opens the socket again after the current pause, and doubles the pause.
fn retry_later(inner: &Rc<Inner>) {
    if inner.stopped.get() {
        return;
    }
    (inner.on_status)(Status::Connecting);
    let pause = inner.retry_ms.get();
    inner.retry_ms.set((pause * 2).min(MAX_RETRY_MS));
    let weak = Rc::downgrade(inner);
    browser::after(pause, move || {
        if let Some(inner) = weak.upgrade() {
            open(&inner);
        }
    });
}
