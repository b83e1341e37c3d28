//! The triangular explorer: every arrangement drawn as a triangle whose corners — pivotal at the top,
//! beneficiary and facilitating below — list their actors (with dates, and the other roles of an actor
//! whose role changed over time); partial arrangements keep their empty corner, labelled as not stated
//! in the sources. Filters: involving (one actor or country), role, agency type, region, SDG, years.
//! The partial arrangements come from the server's `agreements(filter: { partial: true })`, page by page.
//! Clicking an actor opens the map focused on it.

use std::collections::BTreeSet;
use std::rc::Rc;

use serde::Deserialize;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::components::bidi::{isolated, quote as quoted};
use crate::components::explore::search::{Hit, SearchBox};
use crate::components::explore::{Ctx, role_name};
use crate::explore::arrangement::{Arrangement, CORNERS, Member, WireAgreement, WireTriangular, arrangements};
use crate::explore::route::Filters;
use crate::gql;
use crate::model::date_range;

/// The fragments of both queries: an arrangement and a participation.
macro_rules! fragments {
    () => {
        "fragment A on Node { id kind name acronym ... on Agreement { start end sdgs } }
fragment P on Participation { actor { id kind name acronym ... on Agency { agencyType } ... on Country { region } }
  role from to sources { document paragraph quote } }"
    };
}

/// The complete arrangements, and the first page of the partial ones (the server's `partial` filter).
const QUERY: &str = concat!(
    "query PartnergraphTriangles($involving: ID, $asOf: Date) {
  triangulars(involving: $involving, first: 500, asOf: $asOf) { agreement { ...A } participations { ...P } }
  agreements(first: 1000, filter: { partial: true }) { pageInfo { hasNextPage endCursor } edges { node { ...A triangular participants { ...P } } } }
}
",
    fragments!()
);

/// The next page of partial arrangements.
const MORE: &str = concat!(
    "query PartnergraphPartial($after: String) {
  agreements(first: 1000, after: $after, filter: { partial: true }) { pageInfo { hasNextPage endCursor } edges { node { ...A triangular participants { ...P } } } }
}
",
    fragments!()
);

/// Pages of partial arrangements read at most (1,000 each).
const MAX_PAGES: usize = 20;

#[derive(Deserialize)]
struct Edge {
    node: WireAgreement,
}
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageInfo {
    has_next_page: bool,
    end_cursor: Option<String>,
}
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Connection {
    page_info: PageInfo,
    edges: Vec<Edge>,
}
#[derive(Deserialize)]
struct Answer {
    triangulars: Vec<WireTriangular>,
    agreements: Connection,
}
#[derive(Deserialize)]
struct More {
    agreements: Connection,
}

/// The complete arrangements and every partial one (page by page, at most `MAX_PAGES`), as drawn.
async fn load(api: &str, involving: &str, as_of: Option<u16>) -> Result<Vec<Arrangement>, gql::FetchError> {
    let vars = serde_json::json!({ "involving": (!involving.is_empty()).then_some(involving), "asOf": as_of.map(|year| year.to_string()) });
    let answer = gql::query::<Answer>(api, QUERY, vars).await?;
    let (mut page, mut pages) = (answer.agreements, 1);
    let mut agreements = Vec::new();
    loop {
        agreements.extend(page.edges.into_iter().map(|edge| edge.node));
        let (true, Some(after)) = (page.page_info.has_next_page, page.page_info.end_cursor) else { break };
        if pages == MAX_PAGES {
            break;
        }
        page = gql::query::<More>(api, MORE, serde_json::json!({ "after": after })).await?.agreements;
        pages += 1;
    }
    Ok(arrangements(answer.triangulars, agreements, involving, as_of))
}

/// Props of [`TrianglesView`].
#[derive(Properties, PartialEq)]
pub struct TrianglesViewProps {
    /// Context.
    pub ctx: Ctx,
    /// Only those of this actor or agreement (empty: all).
    pub involving: AttrValue,
    /// Only participations valid in this year.
    pub as_of: Option<u16>,
    /// Filters.
    pub filters: Filters,
    /// New involving and filters.
    pub on_change: Callback<(String, Filters)>,
    /// Open the map on an actor.
    pub on_focus: Callback<String>,
    /// Whether the view is the page's main content (`/embed/triangles`): its title is then the `h1`.
    #[prop_or_default]
    pub heads_page: bool,
}

/// The triangular explorer.
#[function_component(TrianglesView)]
pub fn triangles_view(props: &TrianglesViewProps) -> Html {
    let answer = use_state(|| None::<Rc<Result<Vec<Arrangement>, String>>>);
    {
        let (answer, api) = (answer.clone(), props.ctx.api.clone());
        use_effect_with((props.involving.clone(), props.as_of), move |(involving, as_of)| {
            answer.set(None);
            let (involving, as_of) = (involving.to_string(), *as_of);
            wasm_bindgen_futures::spawn_local(async move {
                let res = load(&api, &involving, as_of).await.map_err(|err| err.to_string());
                answer.set(Some(Rc::new(res)));
            });
        });
    }
    let ctx = &props.ctx;
    let text = ctx.text();
    let filters = &props.filters;
    let all = match answer.as_deref() {
        None => return html! { <section class="pg-tri-view" data-state="loading"><p class="pg-muted">{text.loading}</p></section> },
        Some(Err(message)) => {
            return html! { <section class="pg-tri-view" data-state="failed"><p class="pg-error">{format!("{}: {message}", text.failed)}</p></section> };
        }
        Some(Ok(all)) => all,
    };
    let shown: Vec<&Arrangement> = all.iter().filter(|arrangement| arrangement.matches(filters)).collect();
    let members = || all.iter().flat_map(|arrangement| arrangement.corners.iter().flatten());
    let regions: BTreeSet<String> = members().filter_map(|member| member.part.actor.region.clone()).collect();
    let types: BTreeSet<&'static str> = members().filter_map(|member| member.part.actor.agency_type.map(|ty| ty.as_str())).collect();
    let change = |apply: fn(&mut Filters, String)| {
        let (on_change, involving, filters) = (props.on_change.clone(), props.involving.to_string(), filters.clone());
        Callback::from(move |event: Event| {
            let value = event
                .target_dyn_into::<HtmlSelectElement>()
                .map(|select| select.value())
                .or_else(|| {
                    event
                        .target_dyn_into::<HtmlInputElement>()
                        .map(|input| if input.type_() == "checkbox" { input.checked().to_string() } else { input.value() })
                })
                .unwrap_or_default();
            let mut next = filters.clone();
            apply(&mut next, value);
            on_change.emit((involving.clone(), next));
        })
    };
    let select = |label: &'static str, id: &'static str, value: String, options: Vec<(String, String)>, apply: fn(&mut Filters, String)| {
        html! {
            <label class="pg-filter" for={id}>
                <span>{label}</span>
                <select {id} class="pg-select" onchange={change(apply)}>
                    <option value="" selected={value.is_empty()}>{text.any}</option>
                    { for options.into_iter().map(|(key, name)| html! { <option selected={key == value} value={key.clone()}>{name}</option> }) }
                </select>
            </label>
        }
    };
    let on_involving = {
        let (on_change, filters) = (props.on_change.clone(), filters.clone());
        Callback::from(move |hit: Hit| on_change.emit((hit.id, filters.clone())))
    };
    let clear = {
        let (on_change, filters) = (props.on_change.clone(), filters.clone());
        Callback::from(move |_: MouseEvent| on_change.emit((String::new(), filters.clone())))
    };
    let involving_name = members()
        .find(|member| member.part.actor.id == props.involving.as_str())
        .map(|member| ctx.name(&member.part.actor.id, &member.part.actor.name).to_owned());
    let year_options: Vec<(String, String)> = (1978..=2030).rev().map(|year: u16| (year.to_string(), year.to_string())).collect();
    html! {
        <section class="pg-tri-view" data-state="ready" aria-labelledby="pg-tri-title">
            if props.heads_page {
                <h1 id="pg-tri-title" class="pg-h2">{text.view_triangles}</h1>
            } else {
                <h2 id="pg-tri-title" class="pg-h2">{text.view_triangles}</h2>
            }
            <div class="pg-filters">
                <SearchBox ctx={ctx.clone()} id="pg-tri-involving" label={text.of_actor} value={involving_name.clone().unwrap_or_default()} on_pick={on_involving} />
                if !props.involving.is_empty() { <button type="button" class="pg-btn pg-clear" onclick={clear}>{format!("× {}", text.everyone)}</button> }
                { select(text.role, "pg-f-role", filters.role.clone(), CORNERS.iter().map(|role| (role.as_str().to_owned(), role_name(text, *role).to_owned())).collect(), |f, v| f.role = v) }
                { select(text.agency_type, "pg-f-type", filters.agency_type.clone(), types.iter().map(|ty| ((*ty).to_owned(), title(ty))).collect(), |f, v| f.agency_type = v) }
                { select(text.region, "pg-f-region", filters.region.clone(), regions.iter().map(|region| (region.clone(), region.clone())).collect(), |f, v| f.region = v) }
                { select(text.sdg, "pg-f-sdg", filters.sdg.map(|sdg| sdg.to_string()).unwrap_or_default(), (1..=17).map(|sdg: u8| (sdg.to_string(), format!("{} {sdg}", text.sdg))).collect(), |f, v| f.sdg = v.parse().ok()) }
                { select(text.from, "pg-f-from", filters.from_year.map(|y| y.to_string()).unwrap_or_default(), year_options.clone(), |f, v| f.from_year = v.parse().ok()) }
                { select(text.to, "pg-f-to", filters.to_year.map(|y| y.to_string()).unwrap_or_default(), year_options, |f, v| f.to_year = v.parse().ok()) }
                <label class="pg-check"><input type="checkbox" checked={filters.partial} onchange={change(|f, v| f.partial = v == "true")} />{text.show_partial}</label>
            </div>
            <p class="pg-count" role="status">{format!("{} {}", shown.len(), text.count)}</p>
            <div class="pg-tri-grid">{ for shown.iter().map(|arrangement| triangle(ctx, arrangement, &props.on_focus, props.heads_page)) }</div>
        </section>
    }
}

fn title(wire: &str) -> String {
    let lower = wire.replace('_', " ").to_lowercase();
    let mut chars = lower.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// One arrangement; `top` when the view's title is the page's `h1`, so its headings follow on (h2, h3).
fn triangle(ctx: &Ctx, arrangement: &Arrangement, on_focus: &Callback<String>, top: bool) -> Html {
    let (name_tag, role_tag) = if top { ("h2", "h3") } else { ("h3", "h4") };
    let text = ctx.text();
    let agreement = &arrangement.agreement;
    let dates = date_range(agreement.start.as_deref(), agreement.end.as_deref());
    let meta: Vec<String> = std::iter::once(ctx.lang.kind(agreement.kind).to_owned())
        .chain(dates)
        .chain(
            (!agreement.sdgs.is_empty())
                .then(|| agreement.sdgs.iter().map(|sdg| format!("{} {sdg}", text.sdg)).collect::<Vec<_>>().join(", ")),
        )
        .collect();
    let corner = |slot: usize| {
        let role = CORNERS[slot];
        let members = &arrangement.corners[slot];
        html! {
            <div class={classes!("pg-corner", format!("pg-corner-{}", role.as_str().to_lowercase()), members.is_empty().then_some("pg-corner-empty"))} data-role={role.as_str()}>
                <@{role_tag} class="pg-corner-role">{role_name(text, role)}</@>
                if members.is_empty() {
                    <p class="pg-not-stated">{text.not_stated}</p>
                } else {
                    <ul class="pg-corner-list">{ for members.iter().map(|member| actor(ctx, member, on_focus)) }</ul>
                }
            </div>
        }
    };
    let filled = |slot: usize| if arrangement.corners[slot].is_empty() { "pg-dot pg-dot-empty" } else { "pg-dot" };
    html! {
        <article class={classes!("pg-tri", arrangement.partial.then_some("pg-tri-partial"))} data-id={agreement.id.clone()} data-partial={arrangement.partial.to_string()}>
            <header class="pg-tri-head">
                <@{name_tag} class="pg-tri-name">{isolated(agreement.name.clone())}</@>
                <p class="pg-muted">
                    if let Some(acronym) = agreement.acronym.clone() { {isolated(acronym)}{" · "} }
                    {meta.join(" · ")}
                </p>
                if arrangement.partial { <p class="pg-badge">{text.partial}</p> }
            </header>
            <div class="pg-tri-fig">
                <svg class="pg-tri-svg" viewBox="0 0 300 170" preserveAspectRatio="none" aria-hidden="true">
                    <polygon points="150,14 22,156 278,156" class={if arrangement.partial { "pg-tri-shape pg-tri-shape-partial" } else { "pg-tri-shape" }} />
                    <circle cx="150" cy="14" r="7" class={filled(0)} />
                    <circle cx="22" cy="156" r="7" class={filled(1)} />
                    <circle cx="278" cy="156" r="7" class={filled(2)} />
                </svg>
                { corner(0) }{ corner(1) }{ corner(2) }
            </div>
        </article>
    }
}

fn actor(ctx: &Ctx, member: &Member, on_focus: &Callback<String>) -> Html {
    let text = ctx.text();
    let actor = &member.part.actor;
    let onclick = {
        let (on_focus, id) = (on_focus.clone(), actor.id.clone());
        Callback::from(move |_: MouseEvent| on_focus.emit(id.clone()))
    };
    let dates = date_range(member.part.from.as_deref(), member.part.to.as_deref());
    let name = ctx.name(&actor.id, &actor.name).to_owned();
    let quote = member.part.sources.iter().find_map(|source| source.quote.clone());
    html! {
        <li class="pg-actor" data-id={actor.id.clone()}>
            <button type="button" class="pg-link" title={format!("{} {name}", text.open_map)} {onclick}>{isolated(name.clone())}</button>
            if let Some(dates) = dates { <span class="pg-actor-dates">{dates}</span> }
            if !member.other_roles.is_empty() {
                <span class="pg-changed">{format!("{} {}", text.was, member.other_roles.iter().map(|role| role_name(text, *role)).collect::<Vec<_>>().join(", "))}</span>
            }
            if let Some(quote) = quote { <span class="pg-sr-only">{quoted(&quote)}</span> }
        </li>
    }
}
