//! The wasm entry point and small browser helpers: `mount(element, options)` renders a map into a host
//! element (the iframe page and `embed.js`'s direct mode both call it), the Yew `Reducible` glue for
//! `State`, and clock, motion-preference and year helpers.

use std::rc::Rc;

use wasm_bindgen::prelude::wasm_bindgen;
use yew::Reducible;

use crate::components::app::{App, AppProps};
use crate::components::explore::app::{Explorer, ExplorerProps};
use crate::config::Config;
use crate::explore::route::Route;
use crate::state::{Action, State};

/// Renders a network map into `element`; `options` is a URL query string (`focus=…&depth=…&layout=…
/// &asOf=…&lang=…&controls=…&api=…`). Several maps may be mounted on one page. Mounted into a `<main>`
/// (the iframe page), the map is the page's main content and carries its `h1`.
#[wasm_bindgen]
pub fn mount(element: web_sys::Element, options: &str) {
    let mut config = Config::from_query(options);
    config.heads_page = element.tag_name().eq_ignore_ascii_case("main");
    yew::Renderer::<App>::with_root_and_props(element, AppProps { config: Rc::new(config) }).render();
}

/// Renders the explorer page (`/explore`) into `element`; `options` is the page's query string (its
/// view, see `explore::route`), `api` the API origin (`""` for the page's own).
#[wasm_bindgen]
pub fn mount_explorer(element: web_sys::Element, options: &str, api: &str) {
    let props = ExplorerProps { api: api.to_owned().into(), route: Route::from_query(options), embedded: false };
    yew::Renderer::<Explorer>::with_root_and_props(element, props).render();
}

/// Renders the triangular explorer alone (`/embed/triangles`, `embed.js` with
/// `data-partnergraph="triangles"`); `options`: `involving`, `role`, `agencyType`, `region`, `sdg`,
/// `fromYear`, `toYear`, `asOf`, `lang`, `api`.
#[wasm_bindgen]
pub fn mount_triangles(element: web_sys::Element, options: &str) {
    let mut route = Route::from_query(options);
    route.view = crate::explore::route::View::Triangles;
    let api = Config::from_query(options).api;
    yew::Renderer::<Explorer>::with_root_and_props(element, ExplorerProps { api: api.into(), route, embedded: true }).render();
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(State::reduce(&self, action))
    }
}

/// Milliseconds from the page's time origin.
pub fn now() -> f64 {
    web_sys::window().and_then(|window| window.performance()).map_or(0.0, |performance| performance.now())
}

/// Whether the user asked for reduced motion.
pub fn reduced_motion() -> bool {
    web_sys::window()
        .and_then(|window| window.match_media("(prefers-reduced-motion: reduce)").ok().flatten())
        .is_some_and(|query| query.matches())
}

/// The current calendar year (the time slider's end).
pub fn current_year() -> u16 {
    u16::try_from(js_sys::Date::new_0().get_full_year()).unwrap_or(2026)
}

/// Runs `f` once after `ms` milliseconds; returns the timer id for `cancel`.
pub fn after(ms: i32, f: impl FnOnce() + 'static) -> Option<i32> {
    let callback = wasm_bindgen::closure::Closure::once_into_js(f);
    web_sys::window()?.set_timeout_with_callback_and_timeout_and_arguments_0(wasm_bindgen::JsCast::unchecked_ref(&callback), ms).ok()
}

/// Cancels a timer from `after`.
pub fn cancel(timer: Option<i32>) {
    if let (Some(window), Some(timer)) = (web_sys::window(), timer) {
        window.clear_timeout_with_handle(timer);
    }
}
