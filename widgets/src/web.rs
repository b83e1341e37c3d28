//! The wasm entry points: `mount(element, options)` renders a map into a host element (the iframe page
//! and `embed.js`'s direct mode both call it), `mount_explorer` and `mount_triangles`; and the Yew
//! `Reducible` glue for `State`, and `mount_dashboard`. Each entry point exists with its feature only
//! (`map`, `explorer`, `dashboard`), so each embed's build leaves the others' code out. Nothing imports this module back (the browser helpers the components
//! use are in the leaf module `browser`).

use std::rc::Rc;

use wasm_bindgen::prelude::wasm_bindgen;
#[cfg(feature = "map")]
use yew::Reducible;

#[cfg(feature = "map")]
use crate::components::app::{App, AppProps};
#[cfg(feature = "explorer")]
use crate::components::explore::app::{Explorer, ExplorerProps};
use crate::config::Config;
#[cfg(feature = "explorer")]
use crate::explore::route::Route;
#[cfg(feature = "map")]
use crate::state::{Action, State};

/// Renders a network map into `element`; `options` is a URL query string (`focus=…&depth=…&layout=…
/// &asOf=…&lang=…&controls=…&api=…`). Several maps may be mounted on one page. Mounted into a `<main>`
/// (the iframe page), the map is the page's main content and carries its `h1`.
#[cfg(feature = "map")]
#[wasm_bindgen]
pub fn mount(element: web_sys::Element, options: &str) {
    let mut config = Config::from_query(options);
    config.heads_page = element.tag_name().eq_ignore_ascii_case("main");
    yew::Renderer::<App>::with_root_and_props(
        element,
        AppProps { config: Rc::new(config), on_focus: None, names: Rc::default(), on_change: None },
    )
    .render();
}

/// Renders the explorer page (`/explore`) into `element`; `options` is the page's query string (its
/// view, see `explore::route`), `api` the API origin (`""` for the page's own).
#[cfg(feature = "explorer")]
#[wasm_bindgen]
pub fn mount_explorer(element: web_sys::Element, options: &str, api: &str) {
    let props = ExplorerProps { api: api.to_owned().into(), route: Route::from_query(options), embedded: false };
    yew::Renderer::<Explorer>::with_root_and_props(element, props).render();
}

/// Renders the triangular explorer alone (`/embed/triangles`, `embed.js` with
/// `data-partnergraph="triangles"`); `options`: `involving`, `role`, `agencyType`, `region`, `sdg`,
/// `fromYear`, `toYear`, `asOf`, `lang`, `api`.
#[cfg(feature = "explorer")]
#[wasm_bindgen]
pub fn mount_triangles(element: web_sys::Element, options: &str) {
    let mut route = Route::from_query(options);
    route.view = crate::explore::route::View::Triangles;
    let api = Config::from_query(options).api;
    yew::Renderer::<Explorer>::with_root_and_props(element, ExplorerProps { api: api.into(), route, embedded: true }).render();
}

/// Renders the monitoring dashboard into `element`; `options`: `focus` (the node it is about; none:
/// every actor), `lang`, `api`.
#[cfg(feature = "dashboard")]
#[wasm_bindgen]
pub fn mount_dashboard(element: web_sys::Element, options: &str) {
    use crate::components::dashboard::{Dashboard, DashboardProps};
    let config = Config::from_query(options);
    let focus = crate::dashboard::focus_given(options).then(|| config.focus.clone()).filter(|_| config.focus_problem.is_none());
    yew::Renderer::<Dashboard>::with_root_and_props(element, DashboardProps { config: Rc::new(config), focus }).render();
}

#[cfg(feature = "map")]
impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(State::reduce(&self, action))
    }
}
