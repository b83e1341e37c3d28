//! The visual vocabulary: one colour and one shape per node kind (Okabe–Ito palette and its grey, safe for the
//! common colour-vision deficiencies, and shapes so colour is never the only cue), one line style per
//! edge type, and node size from degree.

use partnergraph_schema::{EdgeType, NodeKind};

/// A node's marker shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Circle.
    Circle,
    /// Square.
    Square,
    /// Triangle, point up.
    Triangle,
    /// Hexagon.
    Hexagon,
    /// Diamond.
    Diamond,
    /// Five-pointed star.
    Star,
    /// Triangle, point down.
    TriangleDown,
    /// Pentagon.
    Pentagon,
}

/// How a node kind is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KindStyle {
    /// Fill colour (CSS hex).
    pub fill: &'static str,
    /// Marker shape.
    pub shape: Shape,
}

/// How an edge type is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EdgeStyle {
    /// Stroke colour (CSS hex).
    pub stroke: &'static str,
    /// Line width in CSS pixels at zoom 1.
    pub width: f64,
    /// Dash pattern in CSS pixels (empty: solid).
    pub dash: &'static [f64],
}

/// Text and outline colour on the light background.
pub const INK: &str = "#1b2733";
/// Secondary text colour.
pub const MUTED: &str = "#52606d";
/// Map background.
pub const PAPER: &str = "#fbfcfd";
/// Land on the geographic base map.
pub const LAND: &str = "#e3e8ee";
/// Country borders on the base map.
pub const BORDER: &str = "#ffffff";
/// Ocean on the geographic base map.
pub const OCEAN: &str = "#f2f6fa";
/// Focus ring of the keyboard-selected node.
pub const FOCUS_RING: &str = "#000000";

/// The style of a node kind.
pub fn kind_style(kind: NodeKind) -> KindStyle {
    match kind {
        NodeKind::Agency => KindStyle { fill: "#0072B2", shape: Shape::Circle },
        NodeKind::Country => KindStyle { fill: "#E69F00", shape: Shape::Square },
        NodeKind::City => KindStyle { fill: "#009E73", shape: Shape::Triangle },
        NodeKind::Network => KindStyle { fill: "#CC79A7", shape: Shape::Hexagon },
        NodeKind::Agreement => KindStyle { fill: "#D55E00", shape: Shape::Diamond },
        NodeKind::Event => KindStyle { fill: "#56B4E9", shape: Shape::Star },
        NodeKind::Need => KindStyle { fill: "#F0E442", shape: Shape::TriangleDown },
        NodeKind::Offer => KindStyle { fill: "#999999", shape: Shape::Pentagon },
    }
}

/// The style of an edge type.
pub fn edge_style(ty: EdgeType) -> EdgeStyle {
    match ty {
        EdgeType::MemberOf => EdgeStyle { stroke: "#7b8794", width: 1.2, dash: &[] },
        EdgeType::HostedBy => EdgeStyle { stroke: "#323f4b", width: 2.4, dash: &[] },
        EdgeType::LocatedIn => EdgeStyle { stroke: "#9aa5b1", width: 1.0, dash: &[1.5, 3.0] },
        EdgeType::ParticipatesIn => EdgeStyle { stroke: "#616e7c", width: 1.4, dash: &[] },
        EdgeType::Funds => EdgeStyle { stroke: "#3e4c59", width: 1.6, dash: &[7.0, 3.5] },
        EdgeType::AdministeredBy => EdgeStyle { stroke: "#3e4c59", width: 1.4, dash: &[9.0, 3.0, 2.0, 3.0] },
        EdgeType::OrganisedBy => EdgeStyle { stroke: "#7b8794", width: 1.2, dash: &[3.0, 3.0] },
        EdgeType::PartOf => EdgeStyle { stroke: "#52606d", width: 1.2, dash: &[12.0, 4.0] },
    }
}

/// Marker radius in CSS pixels at zoom 1, growing with the square root of the degree.
pub fn node_radius(degree: u32) -> f64 {
    (5.0 + 1.6 * f64::from(degree).sqrt()).min(20.0)
}

/// The marker outline as a closed polygon around (0, 0) with radius `r`, or `None` for a circle.
pub fn shape_points(shape: Shape, r: f64) -> Option<Vec<(f64, f64)>> {
    let regular = |n: usize, rot: f64, radius: f64| -> Vec<(f64, f64)> {
        (0..n)
            .map(|idx| {
                let angle = rot + std::f64::consts::TAU * idx as f64 / n as f64;
                (radius * angle.cos(), radius * angle.sin())
            })
            .collect()
    };
    let up = -std::f64::consts::FRAC_PI_2;
    match shape {
        Shape::Circle => None,
        Shape::Square => Some(regular(4, std::f64::consts::FRAC_PI_4, r * 1.2)),
        Shape::Triangle => Some(regular(3, up, r * 1.35).into_iter().map(|(x, y)| (x, y + r * 0.2)).collect()),
        Shape::Hexagon => Some(regular(6, 0.0, r * 1.1)),
        Shape::Diamond => Some(regular(4, up, r * 1.3)),
        Shape::TriangleDown => Some(regular(3, -up, r * 1.35).into_iter().map(|(x, y)| (x, y - r * 0.2)).collect()),
        Shape::Pentagon => Some(regular(5, up, r * 1.2)),
        Shape::Star => {
            let outer = regular(5, up, r * 1.45);
            let inner = regular(5, up + std::f64::consts::PI / 5.0, r * 0.65);
            Some(outer.into_iter().zip(inner).flat_map(|(a, b)| [a, b]).collect())
        }
    }
}

/// An SVG `points` attribute for a legend marker of `shape` centred at (`cx`, `cy`).
pub fn svg_points(shape: Shape, cx: f64, cy: f64, r: f64) -> Option<String> {
    shape_points(shape, r).map(|points| points.iter().map(|(x, y)| format!("{:.1},{:.1}", cx + x, cy + y)).collect::<Vec<_>>().join(" "))
}

/// An SVG `stroke-dasharray` value.
pub fn svg_dash(dash: &[f64]) -> String {
    if dash.is_empty() { "none".to_owned() } else { dash.iter().map(|len| format!("{len}")).collect::<Vec<_>>().join(" ") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_own_colour_and_shape() {
        let styles: Vec<KindStyle> = NodeKind::ALL.iter().map(|kind| kind_style(*kind)).collect();
        for (idx, a) in styles.iter().enumerate() {
            for b in &styles[idx + 1..] {
                assert_ne!(a.fill, b.fill);
                assert_ne!(a.shape, b.shape);
            }
        }
    }

    #[test]
    fn sizes_grow_with_degree_and_stop() {
        assert!(node_radius(0) < node_radius(10));
        assert_eq!(node_radius(10_000), 20.0);
        assert_eq!(shape_points(Shape::Star, 5.0).map(|points| points.len()), Some(10));
        assert_eq!(svg_dash(&[]), "none");
        assert_eq!(svg_dash(&[7.0, 3.5]), "7 3.5");
    }
}
