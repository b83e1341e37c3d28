//! The live map behind one canvas: data, layout positions (the force simulation or the projection),
//! camera, hover and keyboard selection, dragging and panning. It turns pointer and key input into
//! `Intent`s for the component and tells the frame loop whether another frame is needed.

use std::rc::Rc;

use crate::config::Layout;
use crate::layout::camera::Camera;
use crate::layout::force::{ForceConfig, Simulation};
use crate::layout::geo::{self, BaseMap};
use crate::model::MapData;
use crate::style;

/// What the component should do after an input.
#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    /// Show the card of this node (or hide it).
    Select(Option<usize>),
    /// Re-centre the map on this node.
    Focus(usize),
}

/// A pointer gesture in progress.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Drag {
    /// Dragging node `idx`.
    Node { idx: usize, start: (f64, f64), moved: bool },
    /// Panning the view.
    Pan { last: (f64, f64), start: (f64, f64), moved: bool },
}

/// One map's scene.
pub struct Scene {
    /// The data shown.
    pub data: Rc<MapData>,
    /// The layout in use.
    pub layout: Layout,
    /// The force simulation (its positions are the force layout).
    pub sim: Simulation,
    /// Geographic positions (`None`: in the side rail).
    pub geo: Vec<Option<(f64, f64)>>,
    /// The base map, once loaded.
    pub basemap: Option<Rc<BaseMap>>,
    /// The view.
    pub camera: Camera,
    /// The node under the pointer.
    pub hovered: Option<usize>,
    /// The node whose card is shown (keyboard or tap).
    pub selected: Option<usize>,
    /// The focus node.
    pub focus: Option<usize>,
    /// Text widths of the labels, measured once (`NaN`: not yet).
    pub label_widths: Vec<f64>,
    /// Whether motion is reduced (`prefers-reduced-motion`).
    pub reduced_motion: bool,
    /// Whether the user has moved the camera (then it is no longer fitted automatically).
    pub user_camera: bool,
    /// Whether the interface reads right to left (labels then go left of their markers first).
    pub rtl: bool,
    /// Country names in the interface language (ISO alpha-3 → name) for the labels; empty: the API's.
    pub local_names: Rc<std::collections::HashMap<String, String>>,
    /// The labels drawn last: node index and text box in screen pixels.
    pub label_boxes: Vec<(usize, crate::layout::labels::Rect)>,
    /// Whether a redraw is due.
    pub dirty: bool,
    drag: Option<Drag>,
}

impl Scene {
    /// An empty scene.
    pub fn new(layout: Layout, reduced_motion: bool) -> Scene {
        Scene {
            data: Rc::new(MapData::default()),
            layout,
            sim: Simulation::new(0, &[], &[], ForceConfig::default()),
            geo: Vec::new(),
            basemap: None,
            camera: Camera::default(),
            hovered: None,
            selected: None,
            focus: None,
            label_widths: Vec::new(),
            reduced_motion,
            user_camera: false,
            rtl: false,
            local_names: Rc::default(),
            label_boxes: Vec::new(),
            dirty: true,
            drag: None,
        }
    }

    /// Shows new data, keeping the positions of nodes that stay and settling the rest.
    pub fn set_data(&mut self, data: Rc<MapData>, focus: &str, now: impl Fn() -> f64) {
        let old = &self.data;
        let start: Vec<Option<(f64, f64)>> = data
            .nodes
            .iter()
            .map(|node| old.index_of(&node.id).filter(|idx| *idx < self.sim.xs.len()).map(|idx| (self.sim.xs[idx], self.sim.ys[idx])))
            .collect();
        let kept = start.iter().filter(|pos| pos.is_some()).count();
        self.sim = Simulation::new(data.nodes.len(), &data.links(), &start, ForceConfig::default());
        if kept > 0 {
            self.sim.cool_to(0.5);
        }
        self.geo = geo::positions(&data);
        self.label_widths = vec![f64::NAN; data.nodes.len()];
        self.focus = data.index_of(focus);
        self.hovered = None;
        self.selected = None;
        self.drag = None;
        self.data = data;
        self.user_camera = false;
        // Settle most of the way before the first frame, within a time budget; all of it when motion
        // is reduced, so nothing moves on screen.
        let started = now();
        let budget = if self.reduced_motion { 2_000.0 } else { 120.0 };
        while self.sim.is_running() && (self.reduced_motion || self.sim.alpha() > 0.08) && now() - started < budget {
            self.sim.tick();
        }
        self.fit();
        self.dirty = true;
    }

    /// Switches layout and frames it.
    pub fn set_layout(&mut self, layout: Layout) {
        if layout != self.layout {
            self.layout = layout;
            self.user_camera = false;
            self.fit();
            self.dirty = true;
        }
    }

    /// Node `idx`'s label: its acronym when it has one (short labels pile up less), else its name (a
    /// country's in the interface language when known), cut at 32 characters (the card and the table
    /// have the full name). The canvas and the SVG download draw the same text.
    pub fn label_text(&self, idx: usize) -> String {
        let node = &self.data.nodes[idx];
        let name = crate::explore::text::localize(&self.local_names, &node.id, &node.name);
        let text = node.acronym.as_deref().filter(|acronym| !acronym.is_empty()).unwrap_or(name);
        if text.chars().count() > 32 { format!("{}…", text.chars().take(31).collect::<String>()) } else { text.to_owned() }
    }

    /// The world position of node `idx` in the current layout.
    pub fn position(&self, idx: usize) -> Option<(f64, f64)> {
        match self.layout {
            Layout::Force => Some((*self.sim.xs.get(idx)?, *self.sim.ys.get(idx)?)),
            Layout::Geo => self.geo.get(idx).copied().flatten(),
        }
    }

    /// The marker radius of node `idx` on screen.
    pub fn radius(&self, idx: usize) -> f64 {
        let zoom = match self.layout {
            Layout::Force => self.camera.k.sqrt().clamp(0.55, 1.6),
            Layout::Geo => (self.camera.k * 1.6).sqrt().clamp(0.55, 1.4),
        };
        style::node_radius(self.data.nodes[idx].degree) * zoom
    }

    /// Frames every placed node.
    pub fn fit(&mut self) {
        let placed: Vec<(f64, f64)> = (0..self.data.nodes.len()).filter_map(|idx| self.position(idx)).collect();
        match self.layout {
            Layout::Force => self.camera.fit(placed.into_iter(), 48.0, 2.0),
            Layout::Geo => {
                // Keep at least a continent in view around the nodes.
                let mut points = placed;
                if let Some((cx, cy)) = centre(&points) {
                    points.push((cx - 260.0, cy - 150.0));
                    points.push((cx + 260.0, cy + 150.0));
                }
                if points.is_empty() {
                    points = geo::sphere();
                }
                self.camera.fit(points.into_iter(), 36.0, 6.0);
            }
        }
    }

    /// Advances the animation by one frame; returns whether more frames are needed.
    pub fn step(&mut self) -> bool {
        let mut moving = false;
        if self.layout == Layout::Force && self.sim.is_running() {
            for _ in 0..2 {
                self.sim.tick();
            }
            if !self.user_camera && self.drag.is_none() {
                self.fit();
            }
            self.dirty = true;
            moving = self.sim.is_running();
        }
        moving
    }

    /// The node under screen point (`sx`, `sy`), if any.
    pub fn hit(&self, sx: f64, sy: f64) -> Option<usize> {
        let mut best: Option<(usize, f64)> = None;
        for idx in 0..self.data.nodes.len() {
            let Some((x, y)) = self.position(idx) else { continue };
            let (px, py) = self.camera.to_screen(x, y);
            let d2 = (px - sx).powi(2) + (py - sy).powi(2);
            let reach = self.radius(idx) + 4.0;
            if d2 <= reach * reach && best.is_none_or(|(_, bd)| d2 < bd) {
                best = Some((idx, d2));
            }
        }
        best.map(|(idx, _)| idx)
    }

    /// Pointer pressed at (`sx`, `sy`).
    pub fn pointer_down(&mut self, sx: f64, sy: f64) {
        self.drag = Some(match self.hit(sx, sy) {
            Some(idx) => Drag::Node { idx, start: (sx, sy), moved: false },
            None => Drag::Pan { last: (sx, sy), start: (sx, sy), moved: false },
        });
    }

    /// Pointer moved to (`sx`, `sy`); returns a new hover target when it changed.
    pub fn pointer_move(&mut self, sx: f64, sy: f64) -> Option<Intent> {
        match self.drag {
            Some(Drag::Node { idx, start, moved }) => {
                let moved = moved || (sx - start.0).hypot(sy - start.1) > 4.0;
                self.drag = Some(Drag::Node { idx, start, moved });
                if moved && self.layout == Layout::Force {
                    let (wx, wy) = self.camera.to_world(sx, sy);
                    self.sim.pin(idx, wx, wy);
                    self.sim.reheat(0.12);
                    self.dirty = true;
                }
                None
            }
            Some(Drag::Pan { last, start, moved }) => {
                let moved = moved || (sx - start.0).hypot(sy - start.1) > 4.0;
                if moved {
                    self.camera.pan(sx - last.0, sy - last.1);
                    self.user_camera = true;
                    self.dirty = true;
                }
                self.drag = Some(Drag::Pan { last: (sx, sy), start, moved });
                None
            }
            None => {
                let hovered = self.hit(sx, sy);
                if hovered != self.hovered {
                    self.hovered = hovered;
                    self.dirty = true;
                    if hovered.is_some() {
                        return Some(Intent::Select(hovered));
                    }
                }
                None
            }
        }
    }

    /// Pointer released: a press without movement on a node re-focuses on it; on empty space it
    /// hides the card.
    pub fn pointer_up(&mut self) -> Option<Intent> {
        let drag = self.drag.take()?;
        match drag {
            Drag::Node { idx, moved: false, .. } => Some(Intent::Focus(idx)),
            Drag::Pan { moved: false, .. } => Some(Intent::Select(None)),
            _ => None,
        }
    }

    /// Pointer left the canvas.
    pub fn pointer_leave(&mut self) {
        if self.drag.is_none() && self.hovered.take().is_some() {
            self.dirty = true;
        }
    }

    /// Zooms by `factor` about (`sx`, `sy`).
    pub fn zoom(&mut self, sx: f64, sy: f64, factor: f64) {
        self.camera.zoom_at(sx, sy, factor);
        self.user_camera = true;
        self.dirty = true;
    }

    /// Re-frames the whole map and lets dragged nodes go.
    pub fn reset_view(&mut self) {
        self.sim.unpin_all();
        self.user_camera = false;
        self.fit();
        self.dirty = true;
    }

    /// A key pressed while the canvas has focus; returns what to do and whether the key was used.
    pub fn key(&mut self, key: &str) -> (Option<Intent>, bool) {
        let (cx, cy) = (self.camera.width / 2.0, self.camera.height / 2.0);
        let direction = match key {
            "ArrowRight" => Some((1.0, 0.0)),
            "ArrowLeft" => Some((-1.0, 0.0)),
            "ArrowUp" => Some((0.0, -1.0)),
            "ArrowDown" => Some((0.0, 1.0)),
            _ => None,
        };
        if let Some(dir) = direction {
            let next = match self.selected.filter(|idx| self.position(*idx).is_some()) {
                None => self
                    .focus
                    .filter(|idx| self.position(*idx).is_some())
                    .or_else(|| (0..self.data.nodes.len()).find(|idx| self.position(*idx).is_some())),
                Some(from) => self.neighbour_towards(from, dir).or(Some(from)),
            };
            self.selected = next;
            self.dirty = true;
            return (Some(Intent::Select(next)), true);
        }
        match key {
            "Enter" | " " => (self.selected.map(Intent::Focus), true),
            "Escape" => {
                self.selected = None;
                self.dirty = true;
                (Some(Intent::Select(None)), true)
            }
            "Home" => {
                self.selected = self.focus;
                self.dirty = true;
                (Some(Intent::Select(self.focus)), true)
            }
            "+" | "=" => {
                self.zoom(cx, cy, 1.25);
                (None, true)
            }
            "-" | "_" => {
                self.zoom(cx, cy, 0.8);
                (None, true)
            }
            "0" => {
                self.reset_view();
                (None, true)
            }
            _ => (None, false),
        }
    }

    /// The placed node nearest to `from` in direction `dir` (within ±60°), by distance weighted with
    /// the angle.
    fn neighbour_towards(&self, from: usize, dir: (f64, f64)) -> Option<usize> {
        let (fx, fy) = self.position(from)?;
        let mut best: Option<(usize, f64)> = None;
        for idx in 0..self.data.nodes.len() {
            if idx == from {
                continue;
            }
            let Some((x, y)) = self.position(idx) else { continue };
            let (dx, dy) = (x - fx, y - fy);
            let dist = dx.hypot(dy).max(1e-9);
            let cos = (dx * dir.0 + dy * dir.1) / dist;
            if cos < 0.5 {
                continue;
            }
            let score = dist * (2.0 - cos);
            if best.is_none_or(|(_, bs)| score < bs) {
                best = Some((idx, score));
            }
        }
        best.map(|(idx, _)| idx)
    }
}

fn centre(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    if points.is_empty() {
        return None;
    }
    let n = points.len() as f64;
    Some((points.iter().map(|p| p.0).sum::<f64>() / n, points.iter().map(|p| p.1).sum::<f64>() / n))
}
