//! The data view: every node and relation the map shows, as two tables (names, kinds, roles, dates),
//! always in the DOM for screen readers and keyboard users; visually hidden until shown by the toolbar
//! or reached with the keyboard. Each node row has a button that re-focuses the map on it.

use yew::prelude::*;

use crate::components::DataRef;
use crate::components::bidi::isolated;
use crate::components::card::roles;
use crate::i18n::Lang;
use crate::model::date_range;

/// Props of [`DataTable`].
#[derive(Properties, PartialEq)]
pub struct DataTableProps {
    /// The data.
    pub data: DataRef,
    /// The focus id.
    pub focus: String,
    /// The focus node's name.
    pub focus_name: String,
    /// Interface language.
    pub lang: Lang,
    /// Whether the table is shown to everyone.
    pub visible: bool,
    /// Re-focus on a node.
    pub on_focus: Callback<String>,
}

/// The data view.
#[function_component(DataTable)]
pub fn data_table(props: &DataTableProps) -> Html {
    let data = &props.data.0;
    let strings = props.lang.strings();
    let node_rows = data.nodes.iter().enumerate().map(|(idx, node)| {
        let node_roles: Vec<String> = {
            let mut all: Vec<String> =
                data.incident(idx).filter(|(edge, _)| edge.source == idx).filter_map(|(edge, _)| roles(edge, props.lang)).collect();
            all.sort();
            all.dedup();
            all
        };
        let id = node.id.clone();
        let on_focus = props.on_focus.clone();
        let is_focus = node.id == props.focus;
        html! {
            <tr data-node-id={node.id.clone()} data-kind={node.kind.as_str()}>
                <th scope="row">{isolated(node.name.clone())}if let Some(acronym) = node.acronym.clone() { {" ("}{isolated(acronym)}{")"} }</th>
                <td>{props.lang.kind(node.kind)}</td>
                <td>{node_roles.join("; ")}</td>
                <td>{date_range(node.start.as_deref(), node.end.as_deref()).unwrap_or_default()}</td>
                <td>
                    if is_focus {
                        <span class="pg-muted">{"●"}</span>
                    } else {
                        <button type="button" class="pg-link" aria-label={format!("{} {}", strings.focus_on, node.name)}
                            onclick={Callback::from(move |_: MouseEvent| on_focus.emit(id.clone()))}>{strings.focus_on}</button>
                    }
                </td>
            </tr>
        }
    });
    let edge_rows = data.edges.iter().map(|edge| {
        let source = &data.nodes[edge.source];
        let target = &data.nodes[edge.target];
        html! {
            <tr data-edge-type={edge.wire.edge_type.as_str()} data-source={source.id.clone()} data-target={target.id.clone()}>
                <td>{isolated(source.name.clone())}</td>
                <td>{props.lang.edge(edge.wire.edge_type)}</td>
                <td>{isolated(target.name.clone())}</td>
                <td>{roles(edge, props.lang).unwrap_or_default()}</td>
                <td>{date_range(edge.wire.from.as_deref(), edge.wire.to.as_deref()).unwrap_or_default()}</td>
            </tr>
        }
    });
    html! {
        <div class={classes!("pg-table", (!props.visible).then_some("pg-sr-only"))}>
            <table class="pg-nodes">
                <caption>{format!("{} ", strings.table_caption)}{isolated(props.focus_name.clone())}{format!(" — {}", strings.nodes)}</caption>
                <thead><tr>
                    <th scope="col">{strings.name}</th><th scope="col">{strings.kind}</th><th scope="col">{strings.roles}</th>
                    <th scope="col">{strings.dates}</th><th scope="col"><span class="pg-sr-only">{strings.focus_on}</span></th>
                </tr></thead>
                <tbody>{ for node_rows }</tbody>
            </table>
            <table class="pg-edges">
                <caption>{format!("{} ", strings.table_caption)}{isolated(props.focus_name.clone())}{format!(" — {}", strings.relations)}</caption>
                <thead><tr>
                    <th scope="col">{strings.name}</th><th scope="col">{strings.relation}</th><th scope="col">{strings.name}</th>
                    <th scope="col">{strings.roles}</th><th scope="col">{strings.dates}</th>
                </tr></thead>
                <tbody>{ for edge_rows }</tbody>
            </table>
        </div>
    }
}
