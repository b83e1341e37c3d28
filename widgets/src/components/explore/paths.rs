//! "How is A connected to B, and through whom": two search boxes, the API's k shortest paths (up to six
//! hops, `asOf` respected) drawn together on the map, and each path as a list of hops with the
//! relation, the role, the dates and the quoted sources.

use std::collections::HashSet;
use std::rc::Rc;

use serde::Deserialize;
use yew::prelude::*;

use crate::components::DataRef;
use crate::components::bidi::isolated;
use crate::components::explore::Ctx;
use crate::components::explore::search::{Hit, SearchBox};
use crate::components::map_canvas::MapCanvas;
use crate::config::Layout;
use crate::model::{MapData, WireEdge, WireNode, WireSubgraph, date_range};
use crate::{components::card, gql};

const QUERY: &str = "query PartnergraphPaths($from: ID!, $to: ID!, $asOf: Date) {
  paths(from: $from, to: $to, maxHops: 6, first: 3, asOf: $asOf) {
    nodes { id kind name acronym description degree location { lat lon } sources { document paragraph } }
    edges { id type source target role iatiRole from to sources { document paragraph quote } }
  }
  a: node(id: $from) { id name } b: node(id: $to) { id name }
}";

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Path {
    nodes: Vec<WireNode>,
    edges: Vec<WireEdge>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Named {
    name: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Answer {
    paths: Vec<Path>,
    a: Option<Named>,
    b: Option<Named>,
}

/// Props of [`PathView`].
#[derive(Properties, PartialEq)]
pub struct PathViewProps {
    /// Context.
    pub ctx: Ctx,
    /// Start id (may be empty).
    pub from: AttrValue,
    /// End id (may be empty).
    pub to: AttrValue,
    /// Only edges valid in this year.
    pub as_of: Option<u16>,
    /// Choose new ends.
    pub on_ends: Callback<(String, String)>,
    /// Open the map on a node.
    pub on_focus: Callback<String>,
}

/// The path finder.
#[function_component(PathView)]
pub fn path_view(props: &PathViewProps) -> Html {
    let answer = use_state(|| None::<Rc<Result<Answer, String>>>);
    let selected = use_state(|| None::<String>);
    {
        let (answer, api) = (answer.clone(), props.ctx.api.clone());
        use_effect_with((props.from.clone(), props.to.clone(), props.as_of), move |(from, to, as_of)| {
            answer.set(None);
            if !from.is_empty() && !to.is_empty() {
                let vars = serde_json::json!({ "from": from.as_str(), "to": to.as_str(), "asOf": as_of.map(|year| year.to_string()) });
                wasm_bindgen_futures::spawn_local(async move {
                    let res = gql::query::<Answer>(&api, QUERY, vars).await.map_err(|err| err.to_string());
                    answer.set(Some(Rc::new(res)));
                });
            }
        });
    }
    let data = use_memo(answer.clone(), |answer| {
        let mut subgraph = WireSubgraph::default();
        if let Some(Ok(answer)) = answer.as_deref() {
            let (mut seen_nodes, mut seen_edges) = (HashSet::new(), HashSet::new());
            for path in &answer.paths {
                subgraph.nodes.extend(path.nodes.iter().filter(|node| seen_nodes.insert(node.id.clone())).cloned());
                subgraph.edges.extend(path.edges.iter().filter(|edge| seen_edges.insert(edge.id.clone())).cloned());
            }
        }
        Rc::new(MapData::new(subgraph))
    });
    let ctx = &props.ctx;
    let text = ctx.text();
    let (from, to) = (props.from.to_string(), props.to.to_string());
    let on_from = {
        let (on_ends, to) = (props.on_ends.clone(), to.clone());
        Callback::from(move |hit: Hit| on_ends.emit((hit.id, to.clone())))
    };
    let on_to = {
        let (on_ends, from) = (props.on_ends.clone(), from.clone());
        Callback::from(move |hit: Hit| on_ends.emit((from.clone(), hit.id)))
    };
    let (from_name, to_name) = match answer.as_deref() {
        Some(Ok(answer)) => {
            (answer.a.as_ref().map(|a| ctx.name(&from, &a.name).to_owned()), answer.b.as_ref().map(|b| ctx.name(&to, &b.name).to_owned()))
        }
        _ => (None, None),
    };
    let state = match answer.as_deref() {
        None if from.is_empty() || to.is_empty() => "idle",
        None => "loading",
        Some(Err(_)) => "failed",
        Some(Ok(answer)) if answer.paths.is_empty() => "none",
        Some(Ok(_)) => "found",
    };
    let body = match answer.as_deref() {
        None if state == "idle" => html! { <p class="pg-muted">{text.pick_two}</p> },
        None => html! { <p class="pg-muted">{text.loading}</p> },
        Some(Err(message)) => html! { <p class="pg-error">{format!("{}: {message}", text.failed)}</p> },
        Some(Ok(answer)) if answer.paths.is_empty() => html! { <p class="pg-empty" role="status">{text.no_path}</p> },
        Some(Ok(answer)) => html! {
            <div class="pg-path-body">
                <MapCanvas data={DataRef((*data).clone())} focus={from.clone()} layout={Layout::Force} selected={(*selected).clone()} basemap={None}
                    height={420} lang={ctx.lang} on_select={{ let selected = selected.clone(); Callback::from(move |id| selected.set(id)) }}
                    on_focus={props.on_focus.clone()} />
                <ol class="pg-paths">{ for answer.paths.iter().enumerate().map(|(idx, path)| hops(ctx, idx, path, &props.on_focus)) }</ol>
            </div>
        },
    };
    html! {
        <section class="pg-path-view" data-state={state} aria-labelledby="pg-path-title">
            <h2 id="pg-path-title" class="pg-h2">{text.view_path}</h2>
            <div class="pg-ends">
                <SearchBox ctx={ctx.clone()} id="pg-path-from" label={text.from} value={from_name.unwrap_or_default()} on_pick={on_from} />
                <span class="pg-arrow" aria-hidden="true">{"⟷"}</span>
                <SearchBox ctx={ctx.clone()} id="pg-path-to" label={text.to} value={to_name.unwrap_or_default()} on_pick={on_to} />
            </div>
            {body}
        </section>
    }
}

fn hops(ctx: &Ctx, idx: usize, path: &Path, on_focus: &Callback<String>) -> Html {
    let text = ctx.text();
    let node = |id: &str| {
        let name = path.nodes.iter().find(|node| node.id == id).map_or(id, |node| ctx.name(&node.id, &node.name)).to_owned();
        let onclick = {
            let (on_focus, id) = (on_focus.clone(), id.to_owned());
            Callback::from(move |_: MouseEvent| on_focus.emit(id.clone()))
        };
        html! { <button class="pg-link pg-hop-node" type="button" data-id={id.to_owned()} {onclick}>{isolated(name)}</button> }
    };
    let steps = path.nodes.windows(2).zip(&path.edges).map(|(pair, edge)| {
        let forward = edge.source == pair[0].id;
        let relation = ctx.lang.edge(edge.edge_type);
        let roles = card::roles(&crate::model::MapEdge { wire: edge.clone(), source: 0, target: 0 }, ctx.lang);
        let dates = date_range(edge.from.as_deref(), edge.to.as_deref());
        let meta: Vec<String> = roles.into_iter().chain(dates).collect();
        html! {
            <li class="pg-hop" data-type={edge.edge_type.as_str()}>
                <span class="pg-hop-rel">{ if forward { format!("→ {relation}") } else { format!("← {relation}") } }</span>
                if !meta.is_empty() { <span class="pg-hop-meta">{meta.join(" · ")}</span> }
                { node(if forward { &edge.target } else { &edge.source }) }
                { for edge.sources.iter().take(2).map(|source| html! {
                    <div class="pg-hop-source">
                        if let Some(quote) = &source.quote { <q>{isolated(quote.clone())}</q>{" "} }
                        <cite>
                            {isolated(source.document.clone())}
                            if let Some(p) = source.paragraph { {format!(" · {} {p}", text.paragraph)} }
                        </cite>
                    </div>
                }) }
            </li>
        }
    });
    html! {
        <li class="pg-path" data-hops={path.edges.len().to_string()}>
            <h3 class="pg-h3">{format!("{} {} · {} {}", text.path, idx + 1, path.edges.len(), text.hops)}</h3>
            <div class="pg-hop-start">{ path.nodes.first().map(|first| node(&first.id)).unwrap_or_default() }</div>
            <ol class="pg-hops">{ for steps }</ol>
        </li>
    }
}
