//! Drawing a scene on a 2D canvas: base map, edges batched by type (one path per line style), markers
//! batched by kind, the focus and keyboard rings, and labels placed without overlaps. Labels are drawn
//! with `fillText`, so a name is always text, never markup, each in its own direction.

use partnergraph_schema::{EdgeType, NodeKind};
use wasm_bindgen::JsValue;
use web_sys::CanvasRenderingContext2d;

use crate::config::Layout;
use crate::layout::labels::{self, Candidate};
use crate::scene::Scene;
use crate::style::{self, Shape};

const FONT: &str = "600 12px system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
const FONT_HEIGHT: f64 = 15.0;
const MAX_LABELS: usize = 220;

/// Draws the scene; `dpr` is the device pixel ratio the canvas backing store uses.
pub fn draw(ctx: &CanvasRenderingContext2d, scene: &mut Scene, dpr: f64) {
    let (w, h) = (scene.camera.width, scene.camera.height);
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    ctx.set_fill_style_str(style::PAPER);
    ctx.fill_rect(0.0, 0.0, w, h);
    if scene.layout == Layout::Geo {
        draw_basemap(ctx, scene);
    }
    draw_edges(ctx, scene);
    draw_nodes(ctx, scene);
    draw_labels(ctx, scene);
}

fn draw_basemap(ctx: &CanvasRenderingContext2d, scene: &Scene) {
    let camera = scene.camera;
    let Some(map) = scene.basemap.as_ref() else { return };
    trace(ctx, &map.sphere, &camera);
    ctx.set_fill_style_str(style::OCEAN);
    ctx.fill();
    ctx.begin_path();
    for ring in &map.rings {
        trace_open(ctx, ring, &camera);
    }
    ctx.set_fill_style_str(style::LAND);
    ctx.fill_with_canvas_winding_rule(web_sys::CanvasWindingRule::Evenodd);
    ctx.set_stroke_style_str(style::BORDER);
    ctx.set_line_width(0.8);
    let _ = ctx.set_line_dash(&js_sys::Array::new());
    ctx.stroke();
}

fn trace(ctx: &CanvasRenderingContext2d, ring: &[(f64, f64)], camera: &crate::layout::camera::Camera) {
    ctx.begin_path();
    trace_open(ctx, ring, camera);
}

fn trace_open(ctx: &CanvasRenderingContext2d, ring: &[(f64, f64)], camera: &crate::layout::camera::Camera) {
    for (idx, (x, y)) in ring.iter().enumerate() {
        let (sx, sy) = camera.to_screen(*x, *y);
        if idx == 0 { ctx.move_to(sx, sy) } else { ctx.line_to(sx, sy) }
    }
    ctx.close_path();
}

fn dash(ctx: &CanvasRenderingContext2d, pattern: &[f64]) {
    let array = js_sys::Array::new();
    for len in pattern {
        array.push(&JsValue::from_f64(*len));
    }
    let _ = ctx.set_line_dash(&array);
}

fn draw_edges(ctx: &CanvasRenderingContext2d, scene: &Scene) {
    let active = scene.selected.or(scene.hovered);
    let geo = scene.layout == Layout::Geo;
    for pass in [false, true] {
        if pass && active.is_none() {
            break;
        }
        ctx.set_global_alpha(if active.is_some() && !pass { 0.28 } else { 1.0 });
        for ty in EdgeType::ALL {
            let edge_style = style::edge_style(*ty);
            ctx.begin_path();
            let mut any = false;
            for edge in scene.data.edges.iter().filter(|edge| edge.wire.edge_type == *ty) {
                let touches = active.is_some_and(|idx| edge.source == idx || edge.target == idx);
                if touches != pass && active.is_some() {
                    continue;
                }
                let (Some(a), Some(b)) = (scene.position(edge.source), scene.position(edge.target)) else { continue };
                let (ax, ay) = scene.camera.to_screen(a.0, a.1);
                let (bx, by) = scene.camera.to_screen(b.0, b.1);
                ctx.move_to(ax, ay);
                if geo {
                    // A gentle arc: control point off the chord's midpoint, perpendicular to it.
                    let (mx, my) = ((ax + bx) / 2.0, (ay + by) / 2.0);
                    let (dx, dy) = (bx - ax, by - ay);
                    ctx.quadratic_curve_to(mx - dy * 0.2, my + dx * 0.2, bx, by);
                } else {
                    ctx.line_to(bx, by);
                }
                any = true;
            }
            if any {
                ctx.set_stroke_style_str(edge_style.stroke);
                ctx.set_line_width(edge_style.width * if pass { 1.5 } else { 1.0 });
                dash(ctx, edge_style.dash);
                ctx.stroke();
            }
        }
    }
    ctx.set_global_alpha(1.0);
    dash(ctx, &[]);
}

fn marker(ctx: &CanvasRenderingContext2d, shape: Shape, x: f64, y: f64, r: f64) {
    match style::shape_points(shape, r) {
        None => {
            ctx.move_to(x + r, y);
            let _ = ctx.arc(x, y, r, 0.0, std::f64::consts::TAU);
        }
        Some(points) => {
            for (idx, (px, py)) in points.iter().enumerate() {
                if idx == 0 { ctx.move_to(x + px, y + py) } else { ctx.line_to(x + px, y + py) }
            }
            ctx.close_path();
        }
    }
}

fn draw_nodes(ctx: &CanvasRenderingContext2d, scene: &Scene) {
    for kind in NodeKind::ALL {
        let kind_style = style::kind_style(*kind);
        ctx.begin_path();
        for (idx, node) in scene.data.nodes.iter().enumerate() {
            if node.kind != *kind {
                continue;
            }
            let Some((x, y)) = scene.position(idx) else { continue };
            let (sx, sy) = scene.camera.to_screen(x, y);
            marker(ctx, kind_style.shape, sx, sy, scene.radius(idx));
        }
        ctx.set_fill_style_str(kind_style.fill);
        ctx.fill();
        ctx.set_stroke_style_str("#ffffff");
        ctx.set_line_width(1.5);
        ctx.stroke();
    }
    let ring = |idx: usize, gap: f64, width: f64, colour: &str, dashed: bool| {
        let Some((x, y)) = scene.position(idx) else { return };
        let (sx, sy) = scene.camera.to_screen(x, y);
        ctx.begin_path();
        let _ = ctx.arc(sx, sy, scene.radius(idx) * 1.45 + gap, 0.0, std::f64::consts::TAU);
        ctx.set_stroke_style_str(colour);
        ctx.set_line_width(width);
        dash(ctx, if dashed { &[4.0, 3.0] } else { &[] });
        ctx.stroke();
    };
    if let Some(focus) = scene.focus {
        ring(focus, 3.0, 2.5, style::INK, false);
    }
    if let Some(hovered) = scene.hovered {
        ring(hovered, 3.0, 2.0, style::MUTED, false);
    }
    if let Some(selected) = scene.selected {
        ring(selected, 6.0, 5.0, "#ffffff", false);
        ring(selected, 6.0, 3.0, style::FOCUS_RING, true);
    }
    dash(ctx, &[]);
}

fn draw_labels(ctx: &CanvasRenderingContext2d, scene: &mut Scene) {
    ctx.set_font(FONT);
    let n = scene.data.nodes.len();
    for idx in 0..n {
        if scene.label_widths[idx].is_nan() {
            let text = scene.label_text(idx);
            scene.label_widths[idx] = ctx.measure_text(&text).map(|metrics| metrics.width()).unwrap_or(60.0);
        }
    }
    let mut order: Vec<usize> = (0..n).filter(|idx| scene.position(*idx).is_some()).collect();
    let rank = |idx: usize| -> (u8, std::cmp::Reverse<u32>) {
        let tier = if Some(idx) == scene.focus {
            0
        } else if Some(idx) == scene.selected || Some(idx) == scene.hovered {
            1
        } else {
            2
        };
        (tier, std::cmp::Reverse(scene.data.nodes[idx].degree))
    };
    order.sort_by_key(|idx| rank(*idx));
    let candidates: Vec<Candidate> = order
        .iter()
        .filter_map(|idx| {
            let (x, y) = scene.position(*idx)?;
            let (sx, sy) = scene.camera.to_screen(x, y);
            // Leave room for the focus and selection rings.
            let ringed = Some(*idx) == scene.focus || Some(*idx) == scene.selected;
            let r = if ringed { scene.radius(*idx) * 1.45 + 8.0 } else { scene.radius(*idx) * 1.25 };
            Some(Candidate { x: sx, y: sy, r, w: scene.label_widths[*idx] + 4.0, h: FONT_HEIGHT })
        })
        .collect();
    let placed = labels::place(&candidates, scene.camera.width, scene.camera.height, MAX_LABELS, scene.rtl);
    ctx.set_text_baseline("middle");
    ctx.set_line_join("round");
    // Drawn from the box's left edge whatever the text's direction, so the text fills the box the
    // placement chose (with `start` alignment an inherited right-to-left direction would draw it leftwards
    // from there, over the marker or past the edge).
    ctx.set_text_align("left");
    scene.label_boxes = order.iter().zip(placed).filter_map(|(idx, rect)| Some((*idx, rect?))).collect();
    for &(idx, rect) in &scene.label_boxes {
        let text = scene.label_text(idx);
        // Each label in its own direction (as `dir="auto"`), so its punctuation and any bidi controls in
        // the data order only its own characters.
        let direction = if labels::text_is_rtl(&text) { "rtl" } else { "ltr" };
        let _ = js_sys::Reflect::set(ctx, &JsValue::from_str("direction"), &JsValue::from_str(direction));
        let (tx, ty) = (rect.x + 2.0, rect.y + rect.h / 2.0);
        ctx.set_stroke_style_str("rgba(251,252,253,0.92)");
        ctx.set_line_width(4.0);
        let _ = ctx.stroke_text(&text, tx, ty);
        ctx.set_fill_style_str(if Some(idx) == scene.focus { style::INK } else { "#323f4b" });
        let _ = ctx.fill_text(&text, tx, ty);
    }
}
