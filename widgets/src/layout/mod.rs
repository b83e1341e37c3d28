//! Placing nodes, pure Rust with no browser: the force-directed simulation (`force`, on the Barnes–Hut
//! `quadtree`), the geographic projection and base map (`geo`), label placement without overlaps
//! (`labels`) and the camera that maps world to screen coordinates (`camera`).

pub mod camera;
pub mod force;
pub mod geo;
pub mod labels;
pub mod quadtree;
