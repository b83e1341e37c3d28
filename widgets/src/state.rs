//! The map's state and the actions that change it, as a pure reducer (`State::reduce`), so every
//! transition is tested natively; the Yew `Reducible` impl only forwards to it.
//!
//! A change of focus, depth or year starts a new request (`request` grows); an answer is taken only if
//! it belongs to the latest request, so a slow answer never overwrites a newer one.

use std::rc::Rc;

use crate::config::{Config, Layout};
use crate::model::MapData;

/// Where the data stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Load {
    /// A request is under way.
    Loading,
    /// The data of the latest request is shown.
    Ready,
    /// The latest request failed with this message.
    Failed(String),
    /// The focus names no node.
    NoNode,
}

/// Everything the map shows.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// The neighbourhood's centre.
    pub focus: String,
    /// Hops from the focus.
    pub depth: u8,
    /// The layout in use.
    pub layout: Layout,
    /// The year edges must be valid in; `None` is all time.
    pub as_of: Option<u16>,
    /// The data shown (the last good answer).
    pub data: Rc<MapData>,
    /// Progress of the latest request.
    pub load: Load,
    /// The id of the latest request.
    pub request: u64,
    /// The node whose card is shown (hover, tap or keyboard).
    pub selected: Option<String>,
    /// Whether the table is shown to everyone (it is always in the DOM for assistive technology).
    pub show_table: bool,
    /// Whether the time slider is replaying the years.
    pub replaying: bool,
    /// How many times the data changed on the server near the focus while the map was open (each
    /// reloads the map in place, keeping what it shows until the new answer comes).
    pub changes: u32,
}

/// What can happen to the map.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Centre the map on this node.
    Focus(String),
    /// Change the depth.
    Depth(u8),
    /// Switch layout (no reload).
    Layout(Layout),
    /// Set the year (`None`: all time).
    AsOf(Option<u16>),
    /// Start or stop replaying the years.
    Replay(bool),
    /// An answer arrived for request `request`.
    Loaded {
        /// Which request it answers.
        request: u64,
        /// The neighbourhood.
        data: Rc<MapData>,
    },
    /// Request `request` failed.
    Failed {
        /// Which request failed.
        request: u64,
        /// Why, for the user.
        message: String,
    },
    /// Request `request` found no node with the focus id.
    NoNode {
        /// Which request.
        request: u64,
    },
    /// Show the card of this node (or none).
    Select(Option<String>),
    /// Show or hide the table.
    ToggleTable,
    /// The data near the focus changed on the server: load it again, showing the old until it comes.
    Changed,
}

impl State {
    /// The state before the first answer.
    pub fn new(config: &Config) -> State {
        State {
            focus: config.focus.clone(),
            depth: config.depth,
            layout: config.layout,
            as_of: config.as_of,
            data: Rc::new(MapData::default()),
            load: Load::Loading,
            request: 1,
            selected: None,
            show_table: false,
            replaying: false,
            changes: 0,
        }
    }

    /// The state after `action`.
    pub fn reduce(&self, action: Action) -> State {
        let mut next = self.clone();
        match action {
            Action::Focus(id) => {
                if id != self.focus {
                    next.focus = id;
                    next.selected = None;
                    next.reload();
                }
            }
            Action::Depth(depth) => {
                if depth != self.depth {
                    next.depth = depth;
                    next.reload();
                }
            }
            Action::Layout(layout) => next.layout = layout,
            Action::AsOf(as_of) => {
                if as_of != self.as_of {
                    next.as_of = as_of;
                    next.reload();
                }
            }
            Action::Replay(on) => next.replaying = on,
            Action::Loaded { request, data } => {
                if request == self.request {
                    if next.selected.as_deref().is_some_and(|id| data.node(id).is_none()) {
                        next.selected = None;
                    }
                    next.data = data;
                    next.load = Load::Ready;
                }
            }
            Action::Failed { request, message } => {
                if request == self.request {
                    next.load = Load::Failed(message);
                    next.replaying = false;
                }
            }
            Action::NoNode { request } => {
                if request == self.request {
                    next.data = Rc::new(MapData::default());
                    next.selected = None;
                    next.load = Load::NoNode;
                    next.replaying = false;
                }
            }
            Action::Select(id) => next.selected = id,
            Action::ToggleTable => next.show_table = !self.show_table,
            Action::Changed => {
                next.changes += 1;
                next.request += 1;
            }
        }
        next
    }

    fn reload(&mut self) {
        self.request += 1;
        self.load = Load::Loading;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::WireSubgraph;

    fn data(json: &str) -> Rc<MapData> {
        Rc::new(MapData::new(serde_json::from_str::<WireSubgraph>(json).expect("parses")))
    }

    #[test]
    fn a_change_on_the_server_reloads_in_place() {
        let state = State::new(&Config::default());
        let state =
            state.reduce(Action::Loaded { request: state.request, data: data(r#"{"nodes":[{"id":"a:x","kind":"AGENCY","name":"x"}]}"#) });
        let changed = state.reduce(Action::Changed);
        assert_eq!((changed.request, changed.changes), (state.request + 1, 1));
        assert_eq!(changed.load, Load::Ready, "the old data stays shown");
        assert_eq!(changed.data.nodes.len(), 1);
        let fresh = data(r#"{"nodes":[{"id":"a:x","kind":"AGENCY","name":"x"},{"id":"a:y","kind":"AGENCY","name":"y"}]}"#);
        let loaded = changed.reduce(Action::Loaded { request: state.request, data: fresh.clone() });
        assert_eq!(loaded.data.nodes.len(), 1, "an answer to the request before the change is not taken");
        let loaded = changed.reduce(Action::Loaded { request: changed.request, data: fresh });
        assert_eq!(loaded.data.nodes.len(), 2);
    }

    #[test]
    fn only_the_latest_answer_is_shown() {
        let state = State::new(&Config::default());
        let state = state.reduce(Action::AsOf(Some(2010)));
        let stale = state.request - 1;
        let state = state.reduce(Action::Loaded { request: stale, data: data(r#"{"nodes":[{"id":"a:x","kind":"AGENCY","name":"old"}]}"#) });
        assert_eq!(state.load, Load::Loading);
        assert!(state.data.nodes.is_empty());
        let fresh = data(r#"{"nodes":[{"id":"agency:x","kind":"AGENCY","name":"new"}]}"#);
        let state = state.reduce(Action::Loaded { request: state.request, data: fresh.clone() });
        assert_eq!(state.load, Load::Ready);
        assert_eq!(state.data, fresh);
    }

    #[test]
    fn refocus_reloads_and_clears_the_card() {
        let state = State::new(&Config::default()).reduce(Action::Select(Some("agency:undp".into())));
        let request = state.request;
        let same = state.reduce(Action::Focus(state.focus.clone()));
        assert_eq!(same.request, request);
        let next = state.reduce(Action::Focus("agency:undp".into()));
        assert_eq!(next.focus, "agency:undp");
        assert_eq!(next.request, request + 1);
        assert_eq!(next.selected, None);
    }

    #[test]
    fn layout_switch_keeps_the_data_and_failures_stop_replay() {
        let state = State::new(&Config::default()).reduce(Action::Replay(true));
        let switched = state.reduce(Action::Layout(Layout::Geo));
        assert_eq!(switched.request, state.request);
        assert_eq!(switched.layout, Layout::Geo);
        let failed = switched.reduce(Action::Failed { request: switched.request, message: "down".into() });
        assert_eq!(failed.load, Load::Failed("down".into()));
        let missing = failed.reduce(Action::Focus("agency:gone".into()));
        let stale = missing.reduce(Action::NoNode { request: failed.request });
        assert_eq!(stale.load, Load::Loading, "a stale answer is dropped");
        let missing = missing.reduce(Action::NoNode { request: missing.request });
        assert_eq!(missing.load, Load::NoNode);
        assert!(missing.data.nodes.is_empty(), "nothing of the previous map stays");
        assert!(!failed.replaying);
        assert!(failed.reduce(Action::ToggleTable).show_table);
    }
}
