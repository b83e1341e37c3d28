//! The root component: holds the `State`, loads the neighbourhood whenever focus, depth or year change
//! (and the base map the first time the geographic layout is shown), replays the years, and lays out
//! toolbar (with the Download menu in the full controls), map, card, legend, data table and attribution.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::bidi::isolated;
use crate::components::card::Card;
use crate::components::data_table::DataTable;
use crate::components::download::DownloadMenu;
use crate::components::legend::Legend;
use crate::components::map_canvas::MapCanvas;
use crate::components::side_rail::SideRail;
use crate::components::toolbar::Toolbar;
use crate::components::{DataRef, MapHandle};
use crate::config::{Config, Controls, FIRST_YEAR, Layout};
use crate::layout::geo::{self, BaseMap};
use crate::model::{self, MapData};
use crate::state::{Action, Load, State};
use crate::{browser, gql, live};

/// Props of [`App`].
#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// The embed's configuration.
    pub config: Rc<Config>,
    /// When set (the explorer, which keeps the focus in its URL), a re-focus inside the map is handed
    /// to this instead of being handled by the map alone.
    #[prop_or_default]
    pub on_focus: Option<Callback<String>>,
    /// Country names in the interface language for the map's labels (the explorer has them loaded).
    #[prop_or_default]
    pub names: Rc<std::collections::HashMap<String, String>>,
    /// Told when the data near the focus changes on the server (the explorer reloads its details).
    #[prop_or_default]
    pub on_change: Option<Callback<()>>,
}

/// A whole network map.
#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let config = props.config.clone();
    let state = use_reducer({
        let config = config.clone();
        move || State::new(&config)
    });
    let basemap = use_state(|| None::<Rc<BaseMap>>);
    let handle = (*use_memo((), |()| MapHandle::default())).clone();
    let last_year = browser::current_year();

    {
        let dispatcher = state.dispatcher();
        let config = config.clone();
        let names = props.names.clone();
        let revalidate = state.changes > 0;
        use_effect_with((state.focus.clone(), state.depth, state.as_of, state.request), move |(focus, depth, as_of, request)| {
            let (focus, depth, as_of, request) = (focus.clone(), *depth, *as_of, *request);
            if config.focus_problem.is_some() {
                return;
            }
            wasm_bindgen_futures::spawn_local(async move {
                match gql::neighborhood(&config.api, &focus, depth, as_of, config.limit, revalidate).await {
                    Ok(mut subgraph) => {
                        // Countries in the interface language: the explorer's names, else the browser's.
                        let browser_names = browser::region_names(config.lang.strings().tag);
                        model::localize_countries(&mut subgraph, |node| {
                            let iso3 = node.id.strip_prefix("country:")?;
                            names.get(iso3).cloned().or_else(|| browser_names.as_ref()?.of(node.alpha2()?).map(String::from))
                        });
                        dispatcher.dispatch(Action::Loaded { request, data: Rc::new(MapData::new(subgraph)) });
                    }
                    Err(gql::FetchError::NotFound(_)) => dispatcher.dispatch(Action::NoNode { request }),
                    Err(err) => dispatcher.dispatch(Action::Failed { request, message: err.to_string() }),
                }
            });
        });
    }
    let live = use_state(|| live::Status::Connecting);
    {
        // Live updates: the changes near the focus, within the depth shown, reload the map in place.
        let (dispatcher, live) = (state.dispatcher(), live.clone());
        let api = config.api.clone();
        let off = config.focus_problem.is_some();
        let told = props.on_change.clone();
        use_effect_with((state.focus.clone(), state.depth), move |(focus, depth)| {
            let changed = move || {
                dispatcher.dispatch(Action::Changed);
                if let Some(told) = &told {
                    told.emit(());
                }
            };
            let watch = (!off).then(|| live::watch(&api, focus, *depth, changed, move |status| live.set(status)));
            move || drop(watch)
        });
    }
    {
        let basemap = basemap.clone();
        let api = config.api.clone();
        use_effect_with(state.layout, move |layout| {
            if *layout == Layout::Geo && basemap.is_none() {
                wasm_bindgen_futures::spawn_local(async move {
                    if let Ok(text) = gql::text(&format!("{api}/widgets/countries-110m.json")).await
                        && let Ok(map) = geo::parse_topology(&text)
                    {
                        basemap.set(Some(Rc::new(map)));
                    }
                });
            }
        });
    }
    {
        // Replay: one year every 1.2 s once the previous year has loaded.
        let dispatcher = state.dispatcher();
        let ready = state.load == Load::Ready;
        use_effect_with((state.replaying, state.as_of, ready), move |(replaying, as_of, ready)| {
            let mut timer = None;
            if *replaying && *ready {
                let next = as_of.map_or(FIRST_YEAR.max(1990), |year| year + 1);
                timer = browser::after(1200, move || {
                    if next > last_year {
                        dispatcher.dispatch(Action::Replay(false));
                    } else {
                        dispatcher.dispatch(Action::AsOf(Some(next)));
                    }
                });
            }
            move || browser::cancel(timer)
        });
    }

    let on_select = {
        let dispatcher = state.dispatcher();
        Callback::from(move |id: Option<String>| dispatcher.dispatch(Action::Select(id)))
    };
    let on_focus = match &props.on_focus {
        Some(parent) => parent.clone(),
        None => {
            let dispatcher = state.dispatcher();
            Callback::from(move |id: String| dispatcher.dispatch(Action::Focus(id)))
        }
    };
    let dispatch = {
        let dispatcher = state.dispatcher();
        Callback::from(move |action: Action| dispatcher.dispatch(action))
    };

    let lang = config.lang;
    let strings = lang.strings();
    // The controls read in the page's direction (the canvas places its labels by the language itself).
    let dir = if lang.rtl() { "rtl" } else { "ltr" };
    if let Some(problem) = &config.focus_problem {
        // A focus that cannot be an id shows this, not some other map.
        return html! {
            <section class="pg-map" lang={strings.tag} {dir} aria-label={strings.map_label} data-load="bad-focus">
                if config.heads_page { <h1 class="pg-sr-only">{strings.map_label}</h1> }
                <p class="pg-status pg-error pg-bad-focus" role="alert">
                    {strings.bad_focus}{" ("}{isolated(problem.to_string())}{")."}
                </p>
            </section>
        };
    }
    if state.load == Load::NoNode {
        // An id no node has shows this, not an empty map.
        return html! {
            <section class="pg-map" lang={strings.tag} {dir} aria-label={strings.map_label} data-load="unknown-focus" data-focus={state.focus.clone()}>
                if config.heads_page { <h1 class="pg-sr-only">{strings.map_label}</h1> }
                <p class="pg-status pg-error pg-bad-focus" role="alert">
                    {strings.unknown_focus}{" ("}{isolated(state.focus.clone())}{")."}
                </p>
            </section>
        };
    }
    let data = state.data.clone();
    let focus_name = data.node(&state.focus).map_or_else(|| state.focus.clone(), |node| node.name.clone());
    let status = match &state.load {
        Load::Loading => html! { {strings.loading} },
        Load::Failed(message) => html! { <>{format!("{}: ", strings.failed)}{isolated(message.clone())}</> },
        Load::NoNode => html! { {strings.unknown_focus} },
        Load::Ready => html! {
            <>
                {isolated(focus_name.clone())}
                {format!(": {} {}, {} {}", data.nodes.len(), strings.nodes.to_lowercase(), data.edges.len(), strings.relations.to_lowercase())}
            </>
        },
    };
    let selected = state.selected.as_deref().and_then(|id| data.index_of(id));
    let geo_layout = state.layout == Layout::Geo;
    let rail: Vec<usize> = if geo_layout {
        geo::positions(&data).iter().enumerate().filter(|(_, pos)| pos.is_none()).map(|(idx, _)| idx).collect()
    } else {
        Vec::new()
    };
    let busy = matches!(state.load, Load::Loading);
    html! {
        <section class={classes!("pg-map", format!("pg-controls-{}", controls_name(config.controls)))} lang={strings.tag} {dir}
            aria-label={format!("{} — {focus_name}", strings.map_label)} aria-busy={busy.to_string()} data-focus={state.focus.clone()}
            data-layout={if geo_layout { "geo" } else { "force" }} data-load={load_name(&state.load)}
            data-live={if *live == live::Status::Live { "on" } else { "connecting" }} data-changes={state.changes.to_string()}>
            if config.heads_page { <h1 class="pg-sr-only">{strings.map_label}{" — "}{isolated(focus_name.clone())}</h1> }
            if config.controls != Controls::Bare {
                <Toolbar {lang} controls={config.controls} layout={state.layout} depth={state.depth} as_of={state.as_of}
                    replaying={state.replaying} show_table={state.show_table} {last_year} dispatch={dispatch.clone()}>
                    if config.controls == Controls::Full {
                        <DownloadMenu {lang} api={config.api.clone()} focus={state.focus.clone()} depth={state.depth} as_of={state.as_of}
                            limit={config.limit} title={format!("{} — {focus_name}", strings.map_label)} handle={handle.clone()} />
                    }
                </Toolbar>
            }
            <div class={classes!("pg-body", geo_layout.then_some("pg-with-rail"))}>
                <div class="pg-stage">
                    <MapCanvas data={DataRef(data.clone())} focus={state.focus.clone()} layout={state.layout}
                        selected={state.selected.clone()} basemap={(*basemap).clone()} height={config.height} {lang}
                        on_select={on_select.clone()} on_focus={on_focus.clone()} names={props.names.clone()} handle={handle.clone()} />
                    if let Some(idx) = selected {
                        <Card data={DataRef(data.clone())} {idx} {lang} heads_page={config.heads_page} is_focus={data.nodes[idx].id == state.focus}
                            on_focus={on_focus.clone()} on_close={on_select.reform(|_: ()| None)} />
                    }
                    if !matches!(state.load, Load::Ready) {
                        <div class={classes!("pg-status", matches!(state.load, Load::Failed(_)).then_some("pg-error"))} role="status">{status.clone()}</div>
                    }
                    if geo_layout && state.load == Load::Ready && !data.nodes.is_empty() && rail.len() == data.nodes.len() {
                        <div class="pg-note">{strings.none_located}</div>
                    }
                    if data.truncated {
                        <div class="pg-note">{strings.truncated}</div>
                    }
                </div>
                if geo_layout {
                    <SideRail data={DataRef(data.clone())} nodes={rail} {lang} heads_page={config.heads_page} selected={state.selected.clone()}
                        on_select={on_select.clone()} on_focus={on_focus.clone()} />
                }
            </div>
            if config.controls != Controls::Bare {
                <Legend data={DataRef(data.clone())} {lang} />
            }
            <DataTable data={DataRef(data.clone())} focus={state.focus.clone()} {focus_name} {lang} visible={state.show_table} on_focus={on_focus} />
            <p class="pg-live pg-sr-only" aria-live="polite">{status}</p>
            <footer class="pg-attrib">
                <span>{"partnergraph"}</span>
                <span>{"Base map: Natural Earth (public domain)"}</span>
                <span>{"Places: GeoNames (CC BY 4.0)"}</span>
            </footer>
        </section>
    }
}

fn controls_name(controls: Controls) -> &'static str {
    match controls {
        Controls::Full => "full",
        Controls::Simple => "simple",
        Controls::Bare => "bare",
    }
}

fn load_name(load: &Load) -> &'static str {
    match load {
        Load::Loading => "loading",
        Load::Ready => "ready",
        Load::Failed(_) => "failed",
        Load::NoNode => "unknown-focus",
    }
}
