//! The side rail of the geographic layout: nodes that have no coordinates (networks, agreements
//! without located participants), as buttons that select them.

use yew::prelude::*;

use crate::components::DataRef;
use crate::components::bidi::isolated;
use crate::components::legend::KindIcon;
use crate::i18n::Lang;

/// Props of [`SideRail`].
#[derive(Properties, PartialEq)]
pub struct SideRailProps {
    /// The data.
    pub data: DataRef,
    /// Indices of the nodes without a location.
    pub nodes: Vec<usize>,
    /// Interface language.
    pub lang: Lang,
    /// The selected node.
    pub selected: Option<String>,
    /// Select a node.
    pub on_select: Callback<Option<String>>,
    /// Re-focus on a node.
    pub on_focus: Callback<String>,
    /// Whether the map heads its page (an `h1` above): the rail's heading is then an h2, else an h4.
    #[prop_or_default]
    pub heads_page: bool,
}

/// The side rail.
#[function_component(SideRail)]
pub fn side_rail(props: &SideRailProps) -> Html {
    let data = &props.data.0;
    html! {
        <nav class="pg-rail" aria-label={props.lang.strings().no_location}>
            <@{if props.heads_page { "h2" } else { "h4" }} class="pg-subhead">{props.lang.strings().no_location}</@>
            <ul>
                { for props.nodes.iter().filter_map(|idx| data.nodes.get(*idx)).map(|node| {
                    let id = node.id.clone();
                    let on_select = props.on_select.clone();
                    let pressed = props.selected.as_deref() == Some(node.id.as_str());
                    html! {
                        <li>
                            <button type="button" class={classes!("pg-rail-item", pressed.then_some("pg-on"))} aria-pressed={pressed.to_string()}
                                data-node-id={node.id.clone()} onclick={Callback::from(move |_: MouseEvent| on_select.emit(Some(id.clone())))}>
                                <KindIcon kind={node.kind} />
                                <span>{isolated(node.name.clone())}</span>
                            </button>
                        </li>
                    }
                }) }
            </ul>
        </nav>
    }
}
