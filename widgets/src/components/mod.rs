//! The map's Yew components, one per file: `app` (state, data loading, layout of the parts),
//! `toolbar` (layout switch, depth, time slider), `map_canvas` (the canvas and its frame loop),
//! `card` (the selected node), `legend`, `data_table` (the accessible data view) and `side_rail`
//! (nodes without a location in the geographic layout), `bidi` (data text isolated from the
//! interface text around it); `explore/` holds the explorer page and the
//! triangular explorer, built around the same map.

pub mod app;
pub mod bidi;
pub mod card;
pub mod data_table;
pub mod explore;
pub mod legend;
pub mod map_canvas;
pub mod side_rail;
pub mod toolbar;

use std::rc::Rc;

use crate::model::MapData;

/// Shared map data compared by identity, so props compare in O(1).
#[derive(Debug, Clone)]
pub struct DataRef(pub Rc<MapData>);

impl PartialEq for DataRef {
    fn eq(&self, other: &DataRef) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}
