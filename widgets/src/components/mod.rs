//! The map's Yew components, one per file: `app` (state, data loading, layout of the parts),
//! `toolbar` (layout switch, depth, time slider), `map_canvas` (the canvas and its frame loop),
//! `card` (the selected node), `download` (the Download menu: exports and images of the view), `legend`, `data_table` (the accessible data view) and `side_rail`
//! (nodes without a location in the geographic layout), `dashboard` (the monitoring dashboard's charts), `bidi` (data text isolated from the
//! interface text around it); `explore/` holds the explorer page and the
//! triangular explorer, built around the same map.

#[cfg(feature = "map")]
pub mod app;
pub mod bidi;
#[cfg(feature = "map")]
pub mod card;
#[cfg(feature = "dashboard")]
pub mod dashboard;
#[cfg(feature = "map")]
pub mod data_table;
#[cfg(feature = "map")]
pub mod download;
#[cfg(feature = "explorer")]
pub mod explore;
#[cfg(feature = "map")]
pub mod legend;
#[cfg(feature = "map")]
pub mod map_canvas;
#[cfg(feature = "map")]
pub mod side_rail;
#[cfg(feature = "map")]
pub mod toolbar;

#[cfg(feature = "map")]
mod shared {
    use std::cell::RefCell;
    use std::rc::Rc;

    use yew::NodeRef;

    use crate::model::MapData;
    use crate::scene::Scene;

    /// Shared map data compared by identity, so props compare in O(1).
    #[derive(Debug, Clone)]
    pub struct DataRef(pub Rc<MapData>);

    impl PartialEq for DataRef {
        fn eq(&self, other: &DataRef) -> bool {
            Rc::ptr_eq(&self.0, &other.0)
        }
    }

    /// One map's live scene and canvas, filled in by `MapCanvas` and read by the Download menu (the images are
    /// drawn from what is on screen). Compared by identity.
    #[derive(Clone, Default)]
    pub struct MapHandle(pub Rc<RefCell<Option<LiveMap>>>);

    /// A map's scene and the canvas it is drawn on.
    pub type LiveMap = (Rc<RefCell<Scene>>, NodeRef);

    impl PartialEq for MapHandle {
        fn eq(&self, other: &MapHandle) -> bool {
            Rc::ptr_eq(&self.0, &other.0)
        }
    }
}
#[cfg(feature = "map")]
pub use shared::{DataRef, MapHandle};
