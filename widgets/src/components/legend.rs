//! The legend: a marker per node kind and a line sample per edge type present in the view, drawn as
//! inline SVG with presentation attributes (no inline styles, so the strict CSP holds).

use partnergraph_schema::NodeKind;
use yew::prelude::*;

use crate::components::DataRef;
use crate::i18n::Lang;
use crate::style;

/// Props of [`KindIcon`].
#[derive(Properties, PartialEq)]
pub struct KindIconProps {
    /// The kind drawn.
    pub kind: NodeKind,
}

/// A node kind's marker as a 16 px SVG.
#[function_component(KindIcon)]
pub fn kind_icon(props: &KindIconProps) -> Html {
    let kind_style = style::kind_style(props.kind);
    let shape = match style::svg_points(kind_style.shape, 8.0, 8.0, 5.0) {
        Some(points) => html! { <polygon {points} fill={kind_style.fill} stroke="#ffffff" stroke-width="1" /> },
        None => html! { <circle cx="8" cy="8" r="5.5" fill={kind_style.fill} stroke="#ffffff" stroke-width="1" /> },
    };
    html! { <svg class="pg-icon" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">{shape}</svg> }
}

/// Props of [`Legend`].
#[derive(Properties, PartialEq)]
pub struct LegendProps {
    /// The data (only kinds and types present are listed).
    pub data: DataRef,
    /// Interface language.
    pub lang: Lang,
}

/// The legend.
#[function_component(Legend)]
pub fn legend(props: &LegendProps) -> Html {
    let data = &props.data.0;
    let kinds = data.kinds();
    let types = data.edge_types();
    html! {
        <div class="pg-legend" aria-hidden="true">
            <ul class="pg-legend-row">
                { for kinds.iter().map(|kind| html! { <li><KindIcon kind={*kind} />{props.lang.kind(*kind)}</li> }) }
            </ul>
            <ul class="pg-legend-row">
                { for types.iter().map(|ty| {
                    let edge_style = style::edge_style(*ty);
                    html! {
                        <li>
                            <svg class="pg-line" width="28" height="10" viewBox="0 0 28 10" aria-hidden="true" focusable="false">
                                <line x1="1" y1="5" x2="27" y2="5" stroke={edge_style.stroke} stroke-width={format!("{}", edge_style.width)}
                                    stroke-dasharray={style::svg_dash(edge_style.dash)} />
                            </svg>
                            {props.lang.edge(*ty)}
                        </li>
                    }
                }) }
            </ul>
        </div>
    }
}
