//! The explorer (`/explore`) and the triangular explorer (`/embed/triangles`): the pure half, natively
//! tested. `route` is the URL state of every view (deep links, back and forward), `arrangement` turns
//! the API's triangular and partial arrangements into corners and filters them, `text` gives the
//! explorer's own words (from the language's catalogue in `i18n`) and localised country names, and `snippet` writes the "Embed this" snippets.
//! The components that draw them are in `components/explore/` (wasm only).

pub mod arrangement;
pub mod route;
pub mod snippet;
pub mod text;
