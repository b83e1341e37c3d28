//! The card of the selected node: name, kind and acronym, description, dates, its relations in this
//! view with roles and dates, and its sources (document and paragraph). Everything is text.

use yew::prelude::*;

use crate::components::DataRef;
use crate::components::bidi::isolated;
use crate::components::legend::KindIcon;
use crate::i18n::Lang;
use crate::model::{MapEdge, date_range};

/// Props of [`Card`].
#[derive(Properties, PartialEq)]
pub struct CardProps {
    /// The data.
    pub data: DataRef,
    /// The node shown.
    pub idx: usize,
    /// Interface language.
    pub lang: Lang,
    /// Whether the node is the focus already.
    pub is_focus: bool,
    /// Re-focus on the node.
    pub on_focus: Callback<String>,
    /// Close the card.
    pub on_close: Callback<()>,
    /// Whether the map heads its page (an `h1` above): the card's headings are then h2 and h3, else h3
    /// and h4.
    #[prop_or_default]
    pub heads_page: bool,
}

/// Roles of an edge in words, in `lang`: "Pivotal · IATI Funding".
pub fn roles(edge: &MapEdge, lang: Lang) -> Option<String> {
    let oecd = edge.wire.role.map(|role| lang.role(role).to_owned());
    let iati = edge.wire.iati_role.map(|role| format!("IATI {}", lang.iati_role(role)));
    let parts: Vec<String> = oecd.into_iter().chain(iati).collect();
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// The card.
#[function_component(Card)]
pub fn card(props: &CardProps) -> Html {
    let data = &props.data.0;
    let Some(node) = data.nodes.get(props.idx) else { return html! {} };
    let strings = props.lang.strings();
    let dates = date_range(node.start.as_deref(), node.end.as_deref());
    let relations: Vec<Html> = data
        .incident(props.idx)
        .take(8)
        .map(|(edge, other)| {
            let other_node = &data.nodes[other];
            let outgoing = edge.source == props.idx;
            let verb = props.lang.edge(edge.wire.edge_type);
            let this = node.acronym.clone().unwrap_or_else(|| node.name.clone());
            let sentence = if outgoing {
                html! { <>{verb}{" "}{isolated(other_node.name.clone())}</> }
            } else {
                html! { <>{isolated(other_node.name.clone())}{format!(" {verb} ")}{isolated(this)}</> }
            };
            let extra: Vec<String> =
                roles(edge, props.lang).into_iter().chain(date_range(edge.wire.from.as_deref(), edge.wire.to.as_deref())).collect();
            html! {
                <li>
                    <span>{sentence}</span>
                    if !extra.is_empty() { <span class="pg-muted">{format!(" ({})", extra.join(", "))}</span> }
                </li>
            }
        })
        .collect();
    let more = data.incident(props.idx).count().saturating_sub(8);
    let sources: Vec<Html> = node
        .sources
        .iter()
        .take(4)
        .map(|source| {
            let paragraph = source.paragraph.map(|p| format!(", {} {p}", strings.paragraph)).unwrap_or_default();
            html! { <li><span class="pg-doc">{isolated(source.document.clone())}</span>{paragraph}</li> }
        })
        .collect();
    let (title_tag, sub_tag) = if props.heads_page { ("h2", "h3") } else { ("h3", "h4") };
    let id = node.id.clone();
    let on_focus = props.on_focus.clone();
    let on_close = props.on_close.clone();
    html! {
        <aside class="pg-card" aria-label={node.name.clone()} data-node-id={node.id.clone()}>
            <button type="button" class="pg-close" aria-label="Close" onclick={Callback::from(move |_: MouseEvent| on_close.emit(()))}>{"×"}</button>
            <@{title_tag} class="pg-card-title">{isolated(node.name.clone())}</@>
            <p class="pg-card-kind">
                <KindIcon kind={node.kind} />
                <span>{props.lang.kind(node.kind)}</span>
                if let Some(acronym) = node.acronym.clone() { <span class="pg-acronym">{isolated(acronym)}</span> }
                if let Some(dates) = dates { <span class="pg-muted">{dates}</span> }
            </p>
            if let Some(description) = node.description.clone() { <p class="pg-card-desc">{isolated(description)}</p> }
            if !relations.is_empty() {
                <@{sub_tag} class="pg-subhead">{strings.relations}</@>
                <ul class="pg-card-list">{ for relations }</ul>
                if more > 0 { <p class="pg-muted">{format!("+{more}")}</p> }
            }
            if !sources.is_empty() {
                <@{sub_tag} class="pg-subhead">{strings.sources}</@>
                <ul class="pg-card-list pg-sources">{ for sources }</ul>
            }
            if !props.is_focus {
                <button type="button" class="pg-btn pg-primary" onclick={Callback::from(move |_: MouseEvent| on_focus.emit(id.clone()))}>
                    {format!("{} →", strings.focus_on)}
                </button>
            }
        </aside>
    }
}
