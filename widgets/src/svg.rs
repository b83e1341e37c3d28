//! The map view as an SVG document (the Download menu's "SVG image"), drawn from the same scene as the
//! canvas: base map, edges with their line styles, markers with their kind's colour and shape, the focus
//! and selection rings, and the labels in the boxes the canvas placed them in. Every label is text, never
//! markup (escaped), in its own direction and isolated from the text around it, as on the canvas.

use std::fmt::Write as _;

use partnergraph_schema::text::markup_escape as escape;
use partnergraph_schema::{EdgeType, NodeKind};

use crate::config::Layout;
use crate::layout::camera::Camera;
use crate::layout::labels;
use crate::scene::Scene;
use crate::style::{self, Shape};

/// The font of the labels, as the canvas draws them.
const FONT_FAMILY: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

/// The scene as it is on screen now, `title` its accessible title (data: escaped like the labels).
pub fn render(scene: &Scene, title: &str) -> String {
    let (w, h) = (scene.camera.width.max(1.0), scene.camera.height.max(1.0));
    let mut out = String::with_capacity(16 * 1024);
    let _ = write!(
        out,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">
<title>{}</title>
<rect width="{w}" height="{h}" fill="{}"/>
"#,
        escape(title),
        style::PAPER,
    );
    if scene.layout == Layout::Geo {
        basemap(&mut out, scene);
    }
    edges(&mut out, scene);
    nodes(&mut out, scene);
    labels(&mut out, scene);
    out.push_str("</svg>\n");
    out
}

fn basemap(out: &mut String, scene: &Scene) {
    let Some(map) = scene.basemap.as_ref() else { return };
    let _ = writeln!(out, r#"<path d="{}" fill="{}"/>"#, ring_path(&map.sphere, &scene.camera), style::OCEAN);
    let rings: String = map.rings.iter().map(|ring| ring_path(ring, &scene.camera)).collect();
    let _ =
        writeln!(out, r#"<path d="{rings}" fill="{}" fill-rule="evenodd" stroke="{}" stroke-width="0.8"/>"#, style::LAND, style::BORDER);
}

fn ring_path(ring: &[(f64, f64)], camera: &Camera) -> String {
    let mut d = String::new();
    for (idx, (x, y)) in ring.iter().enumerate() {
        let (sx, sy) = camera.to_screen(*x, *y);
        let _ = write!(d, "{}{sx:.1} {sy:.1}", if idx == 0 { "M" } else { "L" });
    }
    if !ring.is_empty() {
        d.push('Z');
    }
    d
}

/// One path per edge type and pass, as the canvas: with a node selected or hovered, its edges are drawn
/// again on top, wider, and the others faded.
fn edges(out: &mut String, scene: &Scene) {
    let active = scene.selected.or(scene.hovered);
    let geo = scene.layout == Layout::Geo;
    for pass in [false, true] {
        if pass && active.is_none() {
            break;
        }
        let opacity = if active.is_some() && !pass { 0.28 } else { 1.0 };
        for ty in EdgeType::ALL {
            let mut d = String::new();
            for edge in scene.data.edges.iter().filter(|edge| edge.wire.edge_type == *ty) {
                let touches = active.is_some_and(|idx| edge.source == idx || edge.target == idx);
                if active.is_some() && touches != pass {
                    continue;
                }
                let (Some(a), Some(b)) = (scene.position(edge.source), scene.position(edge.target)) else { continue };
                let (ax, ay) = scene.camera.to_screen(a.0, a.1);
                let (bx, by) = scene.camera.to_screen(b.0, b.1);
                if geo {
                    let (mx, my) = ((ax + bx) / 2.0, (ay + by) / 2.0);
                    let (dx, dy) = (bx - ax, by - ay);
                    let _ = write!(d, "M{ax:.1} {ay:.1}Q{:.1} {:.1} {bx:.1} {by:.1}", mx - dy * 0.2, my + dx * 0.2);
                } else {
                    let _ = write!(d, "M{ax:.1} {ay:.1}L{bx:.1} {by:.1}");
                }
            }
            if d.is_empty() {
                continue;
            }
            let edge_style = style::edge_style(*ty);
            let _ = writeln!(
                out,
                r#"<path d="{d}" fill="none" stroke="{}" stroke-width="{}" stroke-dasharray="{}" opacity="{opacity}"/>"#,
                edge_style.stroke,
                edge_style.width * if pass { 1.5 } else { 1.0 },
                style::svg_dash(edge_style.dash),
            );
        }
    }
}

fn marker(d: &mut String, shape: Shape, x: f64, y: f64, r: f64) {
    match style::shape_points(shape, r) {
        None => {
            let _ = write!(d, "M{:.1} {y:.1}A{r:.1} {r:.1} 0 1 0 {:.1} {y:.1}A{r:.1} {r:.1} 0 1 0 {:.1} {y:.1}Z", x + r, x - r, x + r);
        }
        Some(points) => {
            for (idx, (px, py)) in points.iter().enumerate() {
                let _ = write!(d, "{}{:.1} {:.1}", if idx == 0 { "M" } else { "L" }, x + px, y + py);
            }
            d.push('Z');
        }
    }
}

fn nodes(out: &mut String, scene: &Scene) {
    for kind in NodeKind::ALL {
        let mut d = String::new();
        for idx in (0..scene.data.nodes.len()).filter(|idx| scene.data.nodes[*idx].kind == *kind) {
            let Some((x, y)) = scene.position(idx) else { continue };
            let (sx, sy) = scene.camera.to_screen(x, y);
            marker(&mut d, style::kind_style(*kind).shape, sx, sy, scene.radius(idx));
        }
        if !d.is_empty() {
            let _ = writeln!(out, r##"<path d="{d}" fill="{}" stroke="#ffffff" stroke-width="1.5"/>"##, style::kind_style(*kind).fill);
        }
    }
    let ring = |out: &mut String, idx: usize, gap: f64, width: f64, colour: &str, dashed: bool| {
        let Some((x, y)) = scene.position(idx) else { return };
        let (sx, sy) = scene.camera.to_screen(x, y);
        let r = scene.radius(idx) * 1.45 + gap;
        let dash = if dashed { r#" stroke-dasharray="4 3""# } else { "" };
        let _ =
            writeln!(out, r#"<circle cx="{sx:.1}" cy="{sy:.1}" r="{r:.1}" fill="none" stroke="{colour}" stroke-width="{width}"{dash}/>"#);
    };
    if let Some(focus) = scene.focus {
        ring(out, focus, 3.0, 2.5, style::INK, false);
    }
    if let Some(hovered) = scene.hovered {
        ring(out, hovered, 3.0, 2.0, style::MUTED, false);
    }
    if let Some(selected) = scene.selected {
        ring(out, selected, 6.0, 5.0, "#ffffff", false);
        ring(out, selected, 6.0, 3.0, style::FOCUS_RING, true);
    }
}

/// The labels the canvas placed last, each in its box: a left-to-right label starts at the box's left
/// edge, a right-to-left one at its right edge (its start), so either fills the box.
fn labels(out: &mut String, scene: &Scene) {
    let _ = writeln!(
        out,
        r#"<g font-family="{}" font-size="12" font-weight="600" dominant-baseline="central" stroke="rgba(251,252,253,0.92)" stroke-width="4" stroke-linejoin="round" paint-order="stroke">"#,
        escape(FONT_FAMILY),
    );
    for &(idx, rect) in &scene.label_boxes {
        let Some(node) = scene.data.nodes.get(idx) else { continue };
        let text = scene.label_text(idx);
        let rtl = labels::text_is_rtl(&text);
        let x = if rtl { rect.x + rect.w - 2.0 } else { rect.x + 2.0 };
        let fill = if Some(idx) == scene.focus { style::INK } else { "#323f4b" };
        let _ = writeln!(
            out,
            r#"<text x="{x:.1}" y="{:.1}" direction="{}" unicode-bidi="isolate" text-anchor="start" fill="{fill}" data-node-id="{}">{}</text>"#,
            rect.y + rect.h / 2.0,
            if rtl { "rtl" } else { "ltr" },
            escape(&node.id),
            escape(&text),
        );
    }
    out.push_str("</g>\n");
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use super::*;
    use crate::layout::labels::Rect;
    use crate::model::{MapData, WireSubgraph};

    fn scene(names: &[(&str, &str)]) -> Scene {
        let nodes: Vec<serde_json::Value> =
            names.iter().map(|(id, name)| serde_json::json!({ "id": id, "kind": "AGENCY", "name": name, "degree": 1 })).collect();
        let edges = serde_json::json!([{ "id": "e1", "type": "MEMBER_OF", "source": names[0].0, "target": names[1].0 }]);
        let wire: WireSubgraph = serde_json::from_value(serde_json::json!({ "nodes": nodes, "edges": edges, "truncated": false }))
            .unwrap_or_else(|err| panic!("test subgraph: {err}"));
        let mut scene = Scene::new(Layout::Force, true);
        scene.camera.width = 400.0;
        scene.camera.height = 300.0;
        scene.set_data(Rc::new(MapData::new(wire)), names[0].0, || 0.0);
        scene.label_boxes = (0..names.len()).map(|idx| (idx, Rect { x: 10.0 + 100.0 * idx as f64, y: 20.0, w: 80.0, h: 15.0 })).collect();
        scene
    }

    #[test]
    fn labels_are_escaped_text_in_their_own_direction() {
        let svg = render(&scene(&[("agency:a", "<img src=x> & \"q\""), ("agency:b", "منظمة"), ("agency:c", "bell\u{7}")]), "Map — A");
        assert!(svg.starts_with("<?xml"), "{svg}");
        assert!(svg.contains(r##"direction="ltr" unicode-bidi="isolate" text-anchor="start" fill="#1b2733" data-node-id="agency:a">&lt;img src=x&gt; &amp; &quot;q&quot;</text>"##), "{svg}");
        // A right-to-left label starts at its box's right edge (10 + 100 + 80 − 2).
        assert!(svg.contains(r#"<text x="188.0" y="27.5" direction="rtl""#), "{svg}");
        assert!(svg.contains(">bell\u{FFFD}</text>"), "a control character is replaced: {svg}");
        assert!(!svg.contains("<img"));
        assert_eq!(svg.matches("<text ").count(), 3);
        // One path for the one edge type and one for the one kind, and the focus ring.
        assert_eq!(svg.matches(r#"stroke-dasharray="none" opacity="1""#).count(), 1);
        assert_eq!(svg.matches("<circle ").count(), 1);
        assert!(svg.contains("<title>Map — A</title>"));
    }

    #[test]
    fn a_selection_fades_the_other_edges_and_is_ringed() {
        let mut scene = scene(&[("agency:a", "A"), ("agency:b", "B"), ("agency:c", "C")]);
        scene.selected = Some(2);
        let svg = render(&scene, "t");
        assert!(svg.contains(r#"opacity="0.28""#), "{svg}");
        assert_eq!(svg.matches("<circle ").count(), 3, "focus ring and the selection's two rings: {svg}");
    }
}
