//! The monitoring dashboard: for one node (an agency's or a country's page) or for everyone, the
//! agreements counted by `statistics` in four charts — per year by OECD role (stacked bars), top partners
//! (bars), SDGs covered (tiles) and partner countries (a choropleth on the Natural Earth base map) —
//! each with its table and a CSV download, in the page's language. Read-only, and only the API's origin
//! is asked: the statistics, the countries' locations, the base map.

use std::collections::HashMap;
use std::rc::Rc;

use partnergraph_schema::Role;
use serde::Deserialize;
use yew::prelude::*;

use crate::components::bidi::isolated;
use crate::config::Config;
use crate::dashboard::{self, Answer, ROLE_ORDER, Row, YearBar};
use crate::gql;
use crate::i18n::Lang;
use crate::layout::geo::{self, BaseMap};

/// Props of [`Dashboard`].
#[derive(Properties, PartialEq)]
pub struct DashboardProps {
    /// The embed's configuration (language, API).
    pub config: Rc<Config>,
    /// The node the dashboard is about; `None`: every actor.
    pub focus: Option<String>,
}

/// Bar colours per role, in [`ROLE_ORDER`].
const ROLE_COLOURS: [&str; 5] = ["#1b7f79", "#c2410c", "#6d28d9", "#2563eb", "#8a94a6"];

#[derive(Clone, PartialEq)]
enum Load {
    Loading,
    Failed(String),
    Ready(Rc<Answer>, Option<String>),
}

#[derive(Deserialize)]
struct Subject {
    subject: Vec<Option<Named>>,
}

#[derive(Deserialize)]
struct Named {
    name: String,
}

#[derive(Deserialize)]
struct Located {
    nodes: Vec<Option<Place>>,
}

#[derive(Deserialize)]
struct Place {
    id: String,
    location: Option<Point>,
}

#[derive(Deserialize)]
struct Point {
    lat: f64,
    lon: f64,
}

/// A whole dashboard.
#[function_component(Dashboard)]
pub fn dashboard_view(props: &DashboardProps) -> Html {
    let load = use_state(|| Load::Loading);
    let basemap = use_state(|| None::<Rc<BaseMap>>);
    let places = use_state(|| Rc::new(HashMap::<String, (f64, f64)>::new()));
    {
        let (load, basemap, places) = (load.clone(), basemap.clone(), places.clone());
        let (api, focus) = (props.config.api.clone(), props.focus.clone());
        use_effect_with(focus.clone(), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let variables = serde_json::json!({ "id": focus });
                let answer = match gql::query::<Answer>(&api, dashboard::QUERY, variables).await {
                    Ok(answer) => Rc::new(answer),
                    Err(err) => return load.set(Load::Failed(err.to_string())),
                };
                let name = match &focus {
                    Some(id) => {
                        let query = "query($ids: [ID!]!) { subject: nodes(ids: $ids) { name } }";
                        gql::query::<Subject>(&api, query, serde_json::json!({ "ids": [id] }))
                            .await
                            .ok()
                            .and_then(|found| found.subject.into_iter().flatten().next())
                            .map(|node| node.name)
                    }
                    None => None,
                };
                load.set(Load::Ready(answer.clone(), name));
                let ids: Vec<&str> = answer.countries.rows.iter().map(|row| row.keys[0].as_str()).collect();
                if !ids.is_empty() {
                    let query = "query($ids: [ID!]!) { nodes(ids: $ids) { id location { lat lon } } }";
                    if let Ok(found) = gql::query::<Located>(&api, query, serde_json::json!({ "ids": ids })).await {
                        let found = found.nodes.into_iter().flatten();
                        places.set(Rc::new(
                            found
                                .filter_map(|place| Some((place.id, geo::project(place.location.as_ref()?.lon, place.location?.lat))))
                                .collect(),
                        ));
                    }
                }
                if let Ok(text) = gql::text(&format!("{api}/widgets/countries-110m.json")).await
                    && let Ok(map) = geo::parse_topology(&text)
                {
                    basemap.set(Some(Rc::new(map)));
                }
            });
        });
    }
    let lang = props.config.lang;
    let board = lang.board();
    let tag = lang.strings().tag;
    let (answer, name) = match &*load {
        Load::Loading => {
            return html! { <main class="pg-dash" lang={tag} aria-busy="true" data-load="loading"><p class="pg-status">{lang.strings().loading}</p></main> };
        }
        Load::Failed(message) => {
            return html! { <main class="pg-dash" lang={tag} data-load="failed"><p class="pg-status pg-error" role="alert">{isolated(message.clone())}</p></main> };
        }
        Load::Ready(answer, name) => (answer.clone(), name.clone()),
    };
    let subject = name.or_else(|| props.focus.clone()).unwrap_or_else(|| board.everyone.to_owned());
    let total =
        answer.years.total.clone().unwrap_or(Row { keys: Vec::new(), labels: Vec::new(), agreements: 0, partners: 0, amount_usd: None });
    let map_ready = basemap.is_some();
    html! {
        <main class="pg-dash" lang={tag} dir={if lang == Lang::Ar { "rtl" } else { "ltr" }} data-load="ready" data-map={if map_ready { "ready" } else { "loading" }}>
            <h1>{board.title}{" — "}{isolated(subject)}</h1>
            <dl class="pg-dash-totals">
                <div><dt>{board.agreements}</dt><dd>{total.agreements}</dd></div>
                <div><dt>{board.partners}</dt><dd>{total.partners}</dd></div>
                if let Some(amount) = total.amount_usd { <div><dt>{board.amount}</dt><dd>{number(lang, amount)}</dd></div> }
            </dl>
            if total.agreements == 0 { <p class="pg-status">{board.none}</p> }
            {per_year(lang, &answer.years)}
            {top_partners(lang, &answer.partners, props.focus.as_deref())}
            {sdgs(lang, &answer.sdgs)}
            {countries(lang, &answer.countries, (*basemap).as_deref(), &places)}
            <footer class="pg-attrib"><span>{"partnergraph"}</span><span>{"Base map: Natural Earth (public domain)"}</span></footer>
        </main>
    }
}

/// A role key's name in the page's language.
fn role_name(lang: Lang, key: &str) -> String {
    Role::ALL.iter().find(|role| role.as_str() == key).map_or_else(|| lang.board().unknown.to_owned(), |role| lang.role(*role).to_owned())
}

/// A number in the page's language (`Intl.NumberFormat`), whole.
fn number(lang: Lang, value: f64) -> String {
    let format = js_sys::Intl::NumberFormat::new(&js_sys::Array::of1(&lang.strings().tag.into()), &js_sys::Object::new());
    format.format().call1(&format, &value.round().into()).ok().and_then(|text| text.as_string()).unwrap_or_else(|| format!("{value:.0}"))
}

/// A chart's frame: its heading, the chart, its table and its CSV download.
fn figure(id: &str, title: &str, lang: Lang, chart: Html, header: &[&str], rows: Vec<Vec<String>>) -> Html {
    let board = lang.board();
    let csv = dashboard::csv(header, &rows);
    let file = format!("partnergraph-{id}.csv");
    let download = Callback::from(move |_: MouseEvent| crate::browser::save_text(&csv, "text/csv;charset=utf-8", &file));
    html! {
        <figure class="pg-dash-chart" data-chart={id.to_owned()}>
            <figcaption><h2>{title}</h2></figcaption>
            {chart}
            <details class="pg-dash-table">
                <summary>{board.table}</summary>
                <table>
                    <caption class="pg-sr-only">{title}</caption>
                    <thead><tr>{for header.iter().map(|cell| html! { <th scope="col">{*cell}</th> })}</tr></thead>
                    <tbody>{for rows.iter().map(|row| html! { <tr>{for row.iter().map(|cell| html! { <td>{isolated(cell.clone())}</td> })}</tr> })}</tbody>
                </table>
            </details>
            <button type="button" class="pg-dash-csv" onclick={download}>{board.download_csv}</button>
        </figure>
    }
}

fn per_year(lang: Lang, table: &dashboard::Table) -> Html {
    let board = lang.board();
    let (bars, undated) = dashboard::year_bars(table);
    let max = bars.iter().map(YearBar::height).max().unwrap_or(0).max(1);
    let (width, height, left, bottom) = (320.0, 150.0, 22.0, 16.0);
    let slot = if bars.is_empty() { 0.0 } else { (width - left) / bars.len() as f64 };
    let every = (bars.len() / 6).max(1);
    let mut shapes = Vec::new();
    for (idx, bar) in bars.iter().enumerate() {
        let x = left + slot * idx as f64;
        let mut y = height - bottom;
        for (role, count) in bar.by_role.iter().enumerate().filter(|(_, count)| **count > 0) {
            let h = (height - bottom - 8.0) * *count as f64 / max as f64;
            y -= h;
            shapes.push(html! { <rect x={format!("{:.1}", x + 1.0)} y={format!("{y:.1}")} width={format!("{:.1}", (slot - 2.0).max(1.0))} height={format!("{h:.1}")} fill={ROLE_COLOURS[role]}><title>{format!("{} · {}: {count}", bar.year, role_name(lang, ROLE_ORDER[role]))}</title></rect> });
        }
        if idx % every == 0 {
            shapes.push(html! { <text x={format!("{:.1}", x + slot / 2.0)} y={format!("{:.1}", height - 3.0)} text-anchor="middle" class="pg-dash-axis">{bar.year.clone()}</text> });
        }
    }
    let label =
        format!("{}: {}", board.per_year, bars.iter().map(|bar| format!("{} {}", bar.year, bar.height())).collect::<Vec<_>>().join(", "));
    let chart = html! {
        <>
            <svg class="pg-dash-svg" viewBox={format!("0 0 {width} {height}")} role="img" aria-label={label}>
                <text x="2" y="10" class="pg-dash-axis">{max}</text>
                <line x1={left.to_string()} x2={width.to_string()} y1={(height - bottom).to_string()} y2={(height - bottom).to_string()} class="pg-dash-rule" />
                {for shapes}
            </svg>
            <ul class="pg-dash-legend">
                {for ROLE_ORDER.iter().zip(ROLE_COLOURS).map(|(role, colour)| html! {
                    <li><svg class="pg-dash-swatch" viewBox="0 0 10 10" aria-hidden="true"><rect width="10" height="10" rx="2" fill={colour} /></svg>{role_name(lang, role)}</li>
                })}
            </ul>
            if undated > 0 { <p class="pg-dash-note">{format!("{undated} {}", board.undated)}</p> }
        </>
    };
    let rows = table.rows.iter().map(|row| vec![row.keys[0].clone(), role_name(lang, &row.keys[1]), row.agreements.to_string()]).collect();
    figure("per-year", board.per_year, lang, chart, &[board.year, board.role, board.agreements], rows)
}

fn top_partners(lang: Lang, table: &dashboard::Table, focus: Option<&str>) -> Html {
    let board = lang.board();
    let top = dashboard::top_partners(table, focus);
    let max = top.iter().map(|row| row.agreements).max().unwrap_or(1).max(1);
    let chart = html! {
        <ol class="pg-dash-bars">
            {for top.iter().map(|row| {
                let name = row.labels.first().cloned().unwrap_or_else(|| row.keys[0].clone());
                let share = 100.0 * row.agreements as f64 / max as f64;
                // An SVG bar: its length is an attribute, which the embed's CSP allows (inline styles it does not).
                html! {
                    <li data-id={row.keys[0].clone()}>
                        <span class="pg-dash-name">{isolated(name)}</span>
                        <svg class="pg-dash-bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true"><rect width={format!("{share:.1}")} height="10" /></svg>
                        <span class="pg-dash-count">{row.agreements}</span>
                    </li>
                }
            })}
        </ol>
    };
    let rows = top
        .iter()
        .map(|row| {
            vec![row.labels.first().cloned().unwrap_or_default(), row.keys[0].clone(), row.agreements.to_string(), row.partners.to_string()]
        })
        .collect();
    figure("top-partners", board.top_partners, lang, chart, &[board.agency, "id", board.agreements, board.partners], rows)
}

fn sdgs(lang: Lang, table: &dashboard::Table) -> Html {
    let board = lang.board();
    let counts = dashboard::sdg_counts(table);
    let max = counts.iter().copied().max().unwrap_or(0);
    let chart = html! {
        <ol class="pg-dash-sdgs">
            {for counts.iter().enumerate().map(|(idx, count)| html! {
                <li class={classes!(format!("pg-shade-{}", dashboard::shade(*count, max)))} data-sdg={(idx + 1).to_string()}>
                    <span class="pg-dash-goal">{format!("{} {}", board.sdg, idx + 1)}</span><span class="pg-dash-count">{*count}</span>
                </li>
            })}
        </ol>
    };
    let rows = counts.iter().enumerate().map(|(idx, count)| vec![(idx + 1).to_string(), count.to_string()]).collect();
    figure("sdgs", board.sdgs, lang, chart, &[board.sdg, board.agreements], rows)
}

fn countries(lang: Lang, table: &dashboard::Table, basemap: Option<&BaseMap>, places: &HashMap<String, (f64, f64)>) -> Html {
    let board = lang.board();
    let max = table.rows.iter().map(|row| row.agreements).max().unwrap_or(0);
    let chart = match basemap {
        None => html! { <p class="pg-status">{lang.strings().loading}</p> },
        Some(map) => {
            // Each partner country's agreements go to the outline its location falls in.
            let mut owner_counts: HashMap<usize, u64> = HashMap::new();
            for row in &table.rows {
                let Some(point) = places.get(&row.keys[0]) else { continue };
                if let Some(ring) = map.rings.iter().position(|ring| dashboard::inside(*point, ring)) {
                    let owner = map.owners[ring];
                    let slot = owner_counts.entry(owner).or_default();
                    *slot = (*slot).max(row.agreements);
                }
            }
            let (min_x, max_x) = map.sphere.iter().fold((f64::MAX, f64::MIN), |(lo, hi), (x, _)| (lo.min(*x), hi.max(*x)));
            let (min_y, max_y) = map.sphere.iter().fold((f64::MAX, f64::MIN), |(lo, hi), (_, y)| (lo.min(*y), hi.max(*y)));
            let path = |ring: &[(f64, f64)]| {
                let mut d = String::new();
                for (idx, (x, y)) in ring.iter().enumerate() {
                    d.push_str(&format!("{}{:.1},{:.1}", if idx == 0 { "M" } else { "L" }, x, y));
                }
                d.push('Z');
                d
            };
            let label = format!(
                "{}: {}",
                board.countries,
                table
                    .rows
                    .iter()
                    .map(|row| format!("{} {}", row.labels.first().unwrap_or(&row.keys[0]), row.agreements))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            html! {
                <svg class="pg-dash-svg pg-dash-map" viewBox={format!("{min_x:.0} {min_y:.0} {:.0} {:.0}", max_x - min_x, max_y - min_y)} role="img" aria-label={label}>
                    <path d={path(&map.sphere)} class="pg-dash-ocean" />
                    {for map.rings.iter().zip(&map.owners).map(|(ring, owner)| {
                        let shade = dashboard::shade(owner_counts.get(owner).copied().unwrap_or(0), max);
                        html! { <path d={path(ring)} class={classes!("pg-dash-land", format!("pg-shade-{shade}"))} /> }
                    })}
                </svg>
            }
        }
    };
    let rows = table
        .rows
        .iter()
        .map(|row| vec![row.labels.first().cloned().unwrap_or_default(), row.keys[0].clone(), row.agreements.to_string()])
        .collect();
    figure("countries", board.countries, lang, chart, &[board.country, "id", board.agreements], rows)
}
