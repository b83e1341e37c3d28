//! The details panel of the map view: the focused node's name, kind, description, dates and SDGs, its
//! sources (document, paragraph and the quoted sentence), and its partners — who it works with through
//! shared agreements, heaviest first, each with the agreements. A need's panel opens "Find a partner".

use std::rc::Rc;

use partnergraph_schema::{NodeKind, Source};
use serde::Deserialize;
use yew::prelude::*;

use crate::components::bidi::{isolated, quote as quoted};
use crate::components::explore::Ctx;
use crate::gql;
use crate::model::date_range;

const QUERY: &str = "query PartnergraphDetails($id: ID!) {
  node(id: $id) { id kind name acronym aliases description sources { document paragraph quote }
    ... on Agreement { start end sdgs } ... on Event { start end } ... on Need { start end sdgs } ... on Offer { sdgs } }
  partners(id: $id, first: 12) { partner { id kind name } weight agreements { id name } }
}";

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Node {
    id: String,
    kind: NodeKind,
    name: String,
    #[serde(default)]
    acronym: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    sources: Vec<Source>,
    #[serde(default)]
    start: Option<String>,
    #[serde(default)]
    end: Option<String>,
    #[serde(default)]
    sdgs: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Named {
    id: String,
    #[serde(default)]
    kind: Option<NodeKind>,
    name: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Partnership {
    partner: Named,
    weight: f64,
    agreements: Vec<Named>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Answer {
    node: Option<Node>,
    partners: Vec<Partnership>,
}

/// Props of [`Details`].
#[derive(Properties, PartialEq)]
pub struct DetailsProps {
    /// Context.
    pub ctx: Ctx,
    /// The node.
    pub id: AttrValue,
    /// Open the map on a node.
    pub on_focus: Callback<String>,
    /// How many times the data near the node changed since the page opened (a change reloads the panel
    /// in place).
    #[prop_or_default]
    pub revision: u32,
    /// Open "Find a partner" on a need (a need's panel offers it).
    #[prop_or_default]
    pub on_match: Option<Callback<String>>,
}

/// The details panel.
#[function_component(Details)]
pub fn details(props: &DetailsProps) -> Html {
    let answer = use_state(|| None::<Rc<Result<Answer, gql::FetchError>>>);
    let shown = use_mut_ref(String::new);
    {
        let (answer, api) = (answer.clone(), props.ctx.api.clone());
        use_effect_with((props.id.clone(), props.revision), move |(id, _)| {
            // Another node: loading; the same one changed: the old details stay until the new come.
            if *shown.borrow() != id.as_str() {
                answer.set(None);
                *shown.borrow_mut() = id.to_string();
            }
            let id = id.to_string();
            wasm_bindgen_futures::spawn_local(async move {
                let res = gql::query::<Answer>(&api, QUERY, serde_json::json!({ "id": id })).await;
                answer.set(Some(Rc::new(res)));
            });
        });
    }
    let ctx = &props.ctx;
    let text = ctx.text();
    let Some(answer) = (*answer).clone() else {
        return html! { <aside class="pg-details" aria-busy="true"><p class="pg-muted">{text.loading}</p></aside> };
    };
    let answer = match answer.as_ref() {
        Ok(answer) => answer,
        // The map says so in the interface language when no node has the id.
        Err(gql::FetchError::NotFound(_)) => return Html::default(),
        Err(message) => return html! { <aside class="pg-details"><p class="pg-error">{format!("{}: {message}", text.failed)}</p></aside> },
    };
    let Some(node) = &answer.node else { return html! { <aside class="pg-details" /> } };
    let dates = date_range(node.start.as_deref(), node.end.as_deref());
    let sources = node.sources.iter().map(|source| {
        html! {
            <li class="pg-source">
                if let Some(quote) = &source.quote { <blockquote class="pg-quote">{quoted(quote)}</blockquote> }
                <cite class="pg-cite">
                    {isolated(source.document.clone())}
                    if let Some(paragraph) = source.paragraph { {format!(" · {} {paragraph}", text.paragraph)} }
                </cite>
            </li>
        }
    });
    let partners = answer.partners.iter().map(|partnership| {
        let partner = &partnership.partner;
        let onclick = {
            let (on_focus, id) = (props.on_focus.clone(), partner.id.clone());
            Callback::from(move |_: MouseEvent| on_focus.emit(id.clone()))
        };
        let shared: Vec<String> = partnership.agreements.iter().map(|agreement| agreement.name.clone()).collect();
        html! {
            <li class="pg-partner" data-id={partner.id.clone()}>
                <button class="pg-link" type="button" {onclick}>{isolated(ctx.name(&partner.id, &partner.name).to_owned())}</button>
                if let Some(kind) = partner.kind { <span class="pg-tag">{ctx.lang.kind(kind)}</span> }
                <span class="pg-weight" title="Newman weight">{format!("{:.2}", partnership.weight)}</span>
                <div class="pg-shared">
                    {format!("{} {}: ", partnership.agreements.len(), text.shared)}
                    { for shared.into_iter().enumerate().map(|(idx, name)| html! { <>{if idx > 0 { " · " } else { "" }}{isolated(name)}</> }) }
                </div>
            </li>
        }
    });
    html! {
        <aside class="pg-details" data-id={node.id.clone()} aria-labelledby="pg-details-title">
            <p class="pg-eyebrow">{ctx.lang.kind(node.kind)}</p>
            <h2 id="pg-details-title" class="pg-details-title">{isolated(ctx.name(&node.id, &node.name).to_owned())}</h2>
            if let Some(acronym) = &node.acronym { <p class="pg-acronym">{isolated(acronym.clone())}</p> }
            if !node.aliases.is_empty() { <p class="pg-muted">{ for node.aliases.iter().enumerate().map(|(idx, alias)| html! { <>{if idx > 0 { " · " } else { "" }}{isolated(alias.clone())}</> }) }</p> }
            if let Some(description) = &node.description { <p class="pg-desc">{isolated(description.clone())}</p> }
            if let (NodeKind::Need, Some(on_match)) = (node.kind, &props.on_match) {
                <p><button type="button" class="pg-btn pg-find-partner" onclick={{
                    let (on_match, id) = (on_match.clone(), node.id.clone());
                    Callback::from(move |_: MouseEvent| on_match.emit(id.clone()))
                }}>{ctx.lang.matching().title}</button></p>
            }
            if let Some(dates) = dates { <p class="pg-muted">{dates}</p> }
            if !node.sdgs.is_empty() {
                <p class="pg-sdgs">{ for node.sdgs.iter().map(|sdg| html! { <span class="pg-sdg">{format!("{} {sdg}", text.sdg)}</span> }) }</p>
            }
            <h3 class="pg-h3">{text.sources}</h3>
            <ol class="pg-sources">{ for sources }</ol>
            <h3 class="pg-h3">{text.partners}</h3>
            if answer.partners.is_empty() { <p class="pg-muted">{text.no_partners}</p> }
            <ol class="pg-partners">{ for partners }</ol>
        </aside>
    }
}
