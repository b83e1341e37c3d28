//! "Find a partner" (matching, issue 23): pick a need, see the offers the API ranks for it (`matches`),
//! each with its score and the reasons for it (SDGs, sectors, support, language, place, track record,
//! existing connection) with their points, and the chosen match's introduction path drawn on the map.

use std::rc::Rc;

use partnergraph_schema::Support;
use serde::Deserialize;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::components::DataRef;
use crate::components::bidi::isolated;
use crate::components::explore::Ctx;
use crate::components::map_canvas::MapCanvas;
use crate::config::Layout;
use crate::gql;
use crate::model::{MapData, WireEdge, WireNode, WireSubgraph};

const NEEDS: &str = "query PartnergraphNeeds { needs(first: 100) { edges { node { id name } } } }";

const MATCHES: &str = "query PartnergraphMatches($need: ID!) {
  matches(need: $need, first: 10) {
    considered
    matches {
      score
      offer { id name description }
      providers { id name acronym }
      reasons { kind points maxPoints shared evidence }
      introduction {
        nodes { id kind name acronym description degree location { lat lon } sources { document paragraph } }
        edges { id type source target role iatiRole from to sources { document paragraph quote } }
      }
    }
  }
}";

/// The reason kinds in the order of the catalogue's `reasons`.
const REASONS: [&str; 8] = ["SDG", "SECTOR", "SUPPORT", "LANGUAGE", "PLACE", "REGION", "TRACK_RECORD", "PATH"];

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Named {
    id: String,
    name: String,
    #[serde(default)]
    acronym: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Reason {
    kind: String,
    points: f64,
    max_points: f64,
    shared: Vec<String>,
    evidence: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Introduction {
    nodes: Vec<WireNode>,
    edges: Vec<WireEdge>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Match {
    score: f64,
    offer: Named,
    providers: Vec<Named>,
    reasons: Vec<Reason>,
    introduction: Option<Introduction>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Ranking {
    matches: Vec<Match>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Answer {
    matches: Ranking,
}

#[derive(Deserialize)]
struct NeedEdge {
    node: Named,
}

#[derive(Deserialize)]
struct NeedPage {
    edges: Vec<NeedEdge>,
}

#[derive(Deserialize)]
struct Needs {
    needs: NeedPage,
}

/// Props of [`MatchView`].
#[derive(Properties, PartialEq)]
pub struct MatchViewProps {
    /// Context.
    pub ctx: Ctx,
    /// The need picked (may be empty).
    pub need: AttrValue,
    /// Pick another need.
    pub on_need: Callback<String>,
    /// Open the map on a node.
    pub on_focus: Callback<String>,
}

/// The "Find a partner" view.
#[function_component(MatchView)]
pub fn match_view(props: &MatchViewProps) -> Html {
    let needs = use_state(|| None::<Rc<Vec<Named>>>);
    let answer = use_state(|| None::<Rc<Result<Answer, String>>>);
    let chosen = use_state(|| 0_usize);
    let selected = use_state(|| None::<String>);
    {
        let (needs, api) = (needs.clone(), props.ctx.api.clone());
        use_effect_with((), move |()| {
            wasm_bindgen_futures::spawn_local(async move {
                let found = gql::query::<Needs>(&api, NEEDS, serde_json::json!({})).await;
                let list = found.map(|found| found.needs.edges.into_iter().map(|edge| edge.node).collect()).unwrap_or_default();
                needs.set(Some(Rc::new(list)));
            });
        });
    }
    {
        let (answer, chosen, api) = (answer.clone(), chosen.clone(), props.ctx.api.clone());
        use_effect_with(props.need.clone(), move |need| {
            answer.set(None);
            chosen.set(0);
            if !need.is_empty() {
                let vars = serde_json::json!({ "need": need.as_str() });
                wasm_bindgen_futures::spawn_local(async move {
                    let res = gql::query::<Answer>(&api, MATCHES, vars).await.map_err(|err| err.to_string());
                    answer.set(Some(Rc::new(res)));
                });
            }
        });
    }
    let data = use_memo((answer.clone(), *chosen), |(answer, chosen)| {
        let mut subgraph = WireSubgraph::default();
        if let Some(Ok(answer)) = answer.as_deref()
            && let Some(introduction) = answer.matches.matches.get(*chosen).and_then(|found| found.introduction.as_ref())
        {
            subgraph.nodes.clone_from(&introduction.nodes);
            subgraph.edges.clone_from(&introduction.edges);
        }
        Rc::new(MapData::new(subgraph))
    });
    let ctx = &props.ctx;
    let words = ctx.lang.matching();
    let on_pick = {
        let on_need = props.on_need.clone();
        Callback::from(move |event: Event| on_need.emit(event.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let state = match answer.as_deref() {
        None if props.need.is_empty() => "idle",
        None => "loading",
        Some(Err(_)) => "failed",
        Some(Ok(answer)) if answer.matches.matches.is_empty() => "none",
        Some(Ok(_)) => "found",
    };
    let body = match answer.as_deref() {
        None if state == "idle" => html! { <p class="pg-muted">{words.pick}</p> },
        None => html! { <p class="pg-muted">{ctx.text().loading}</p> },
        Some(Err(message)) => html! { <p class="pg-error">{format!("{}: {message}", ctx.text().failed)}</p> },
        Some(Ok(answer)) if answer.matches.matches.is_empty() => html! { <p class="pg-empty" role="status">{words.none}</p> },
        Some(Ok(answer)) => {
            let focus =
                answer.matches.matches.get(*chosen).and_then(|found| found.introduction.as_ref()).and_then(|path| path.nodes.first());
            let on_select = {
                let selected = selected.clone();
                Callback::from(move |id| selected.set(id))
            };
            html! {
                <div class="pg-path-body pg-match-body">
                    <ol class="pg-matches">{ for answer.matches.matches.iter().enumerate().map(|(idx, found)| offer(ctx, idx, found, idx == *chosen, &chosen, &props.on_focus)) }</ol>
                    if let Some(focus) = focus {
                        <MapCanvas data={DataRef((*data).clone())} focus={focus.id.clone()} layout={Layout::Force} selected={(*selected).clone()} basemap={None}
                            height={420} lang={ctx.lang} {on_select} on_focus={props.on_focus.clone()} names={ctx.names.clone()} />
                    } else {
                        <p class="pg-muted pg-no-intro" role="status">{words.no_introduction}</p>
                    }
                </div>
            }
        }
    };
    html! {
        <section class="pg-path-view pg-match-view" data-state={state} aria-labelledby="pg-match-title">
            <h2 id="pg-match-title" class="pg-h2">{words.title}</h2>
            <label class="pg-filter" for="pg-need"><span>{words.need}</span>
                <select id="pg-need" class="pg-select" onchange={on_pick}>
                    <option value="" selected={props.need.is_empty()}>{"—"}</option>
                    { for needs.as_deref().into_iter().flatten().map(|need| html! {
                        <option value={need.id.clone()} selected={need.id == props.need.as_str()}>{need.name.clone()}</option>
                    }) }
                </select>
            </label>
            {body}
        </section>
    }
}

/// One ranked offer: its name, score, providers, reasons and introduction.
fn offer(ctx: &Ctx, idx: usize, found: &Match, chosen: bool, choose: &UseStateHandle<usize>, on_focus: &Callback<String>) -> Html {
    let words = ctx.lang.matching();
    let choose = {
        let choose = choose.clone();
        Callback::from(move |_: MouseEvent| choose.set(idx))
    };
    let providers =
        found.providers.iter().map(|provider| provider.acronym.clone().unwrap_or_else(|| provider.name.clone())).collect::<Vec<_>>();
    let introduction = found.introduction.as_ref().map(|path| {
        let names: Vec<String> = path.nodes.iter().map(|node| ctx.name(&node.id, &node.name).to_owned()).collect();
        html! {
            <p class="pg-intro">{format!("{} ", words.introduced)}
                <button type="button" class="pg-link" aria-pressed={chosen.to_string()} onclick={choose}>{isolated(names.join(" → "))}</button>
            </p>
        }
    });
    let open = {
        let (on_focus, id) = (on_focus.clone(), found.offer.id.clone());
        Callback::from(move |_: MouseEvent| on_focus.emit(id.clone()))
    };
    html! {
        <li class={classes!("pg-match", chosen.then_some("pg-on"))} data-offer={found.offer.id.clone()} data-score={found.score.to_string()}>
            <h3 class="pg-h3">
                <button type="button" class="pg-link" onclick={open}>{isolated(found.offer.name.clone())}</button>
                <span class="pg-score">{format!(" · {} {} / 100", words.score, found.score)}</span>
            </h3>
            if let Some(description) = &found.offer.description { <p class="pg-muted">{isolated(description.clone())}</p> }
            if !providers.is_empty() { <p class="pg-providers">{format!("{} ", words.offered_by)}{isolated(providers.join(", "))}</p> }
            <ul class="pg-reasons">{ for found.reasons.iter().map(|reason| reason_item(ctx, reason)) }</ul>
            { introduction.unwrap_or_default() }
        </li>
    }
}

/// One reason: its name in the interface language, its points out of its maximum, and what it rests on.
fn reason_item(ctx: &Ctx, reason: &Reason) -> Html {
    let words = ctx.lang.matching();
    let label = REASONS.iter().position(|kind| *kind == reason.kind).map_or(reason.kind.as_str(), |idx| words.reasons[idx]);
    let values: Vec<String> = match reason.kind.as_str() {
        "SUPPORT" => reason
            .shared
            .iter()
            .map(|value| {
                value
                    .parse::<Support>()
                    .ok()
                    .and_then(|kind| Support::ALL.iter().position(|each| *each == kind))
                    .map_or_else(|| value.clone(), |idx| words.support[idx].to_owned())
            })
            .collect(),
        "PLACE" => reason.evidence.iter().map(|id| ctx.name(id, id).to_owned()).collect(),
        "TRACK_RECORD" => vec![reason.evidence.len().to_string()],
        "PATH" => Vec::new(),
        _ => reason.shared.clone(),
    };
    html! {
        <li class="pg-reason" data-kind={reason.kind.clone()}>
            <span class="pg-reason-name">{label}</span>
            <span class="pg-reason-points">{format!(" {} / {}", reason.points, reason.max_points)}</span>
            if !values.is_empty() { <span class="pg-reason-values">{" · "}{isolated(values.join(", "))}</span> }
        </li>
    }
}
