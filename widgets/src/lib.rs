//! Embeddable partnergraph widgets: the network map (Yew, compiled to wasm).
//!
//! The pure half builds and is unit-tested natively: `config` (the embed's query string), `model` (the
//! neighbourhood from GraphQL, indexed), `state` (the map's state and its reducer), `layout` (Barnes–Hut
//! force simulation, Natural Earth projection and base map, label placement, camera), `scene` (the live map: positions, camera, pointer and keys), `style` (palette,
//! shapes, line styles), `i18n`, `download` (the Download menu's links and file names) and `svg` (the map
//! view as an SVG document). The browser half (`gql`, `live` (updates over WebSocket), `render`, `components`, `browser` helpers, `web` entry points)
//! is compiled for `wasm32` only. The widget talks to the API only through GraphQL, and shows data only
//! as text (DOM text nodes and canvas `fillText`), never as markup.

pub mod config;
pub mod dashboard;
pub mod download;
pub mod explore;
pub mod i18n;
pub mod layout;
pub mod model;
pub mod scene;
pub mod state;
pub mod style;
pub mod svg;

// The dashboard's build uses a few of these helpers only.
#[cfg(target_arch = "wasm32")]
#[cfg_attr(not(feature = "map"), allow(dead_code))]
mod browser;
#[cfg(target_arch = "wasm32")]
mod components;
// The dashboard's build asks no map question.
#[cfg(target_arch = "wasm32")]
#[cfg_attr(not(feature = "map"), allow(dead_code))]
mod gql;
#[cfg(all(target_arch = "wasm32", feature = "map"))]
mod live;
pub mod map_query;
#[cfg(all(target_arch = "wasm32", feature = "map"))]
mod render;
#[cfg(target_arch = "wasm32")]
mod web;

#[cfg(all(target_arch = "wasm32", feature = "map"))]
pub use web::mount;
#[cfg(all(target_arch = "wasm32", feature = "dashboard"))]
pub use web::mount_dashboard;
#[cfg(all(target_arch = "wasm32", feature = "explorer"))]
pub use web::{mount_explorer, mount_triangles};
