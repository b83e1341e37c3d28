//! The explorer page: a header (title, search with suggestions, language menu, "Embed this"), tabs for
//! the views (network map with details and partners, triangular partnerships, "through whom", "find a
//! partner"), and the view itself. The view lives in the URL: every change pushes a history entry and back/forward
//! restore it. With `embedded` it is the triangular explorer alone (`/embed/triangles`), no history.

use std::collections::HashMap;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::components::app::App;
use crate::components::explore::details::Details;
use crate::components::explore::embed_dialog::EmbedDialog;
use crate::components::explore::matching::MatchView;
use crate::components::explore::paths::PathView;
use crate::components::explore::search::{Hit, SearchBox};
use crate::components::explore::triangles::TrianglesView;
use crate::components::explore::{Ctx, browser_lang, country_names, location_query, push};
use crate::config::{Config, Controls};
use crate::explore::route::{Route, View};
use crate::i18n::Lang;

/// Props of [`Explorer`].
#[derive(Properties, PartialEq)]
pub struct ExplorerProps {
    /// API origin (`""`: this page's).
    pub api: AttrValue,
    /// The first view.
    pub route: Route,
    /// The triangular explorer alone, inside an embed.
    pub embedded: bool,
}

/// The explorer.
#[function_component(Explorer)]
pub fn explorer(props: &ExplorerProps) -> Html {
    let route = use_state(|| props.route.clone());
    // Changes on the server near the map's focus (the map tells), so the details reload too.
    let revision = use_reducer(|| Revision(0));
    let names = use_state(|| Rc::new(HashMap::<String, String>::new()));
    let dialog = use_state(|| false);
    let lang = route.lang.unwrap_or_else(browser_lang);
    let embedded = props.embedded;
    {
        let route = route.clone();
        use_effect_with((), move |()| {
            let listener = Closure::<dyn Fn()>::new(move || route.set(Route::from_query(&location_query())));
            let window = web_sys::window();
            if let Some(window) = &window
                && !embedded
            {
                let _ = window.add_event_listener_with_callback("popstate", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(window) = window {
                    let _ = window.remove_event_listener_with_callback("popstate", listener.as_ref().unchecked_ref());
                }
            }
        });
    }
    {
        let (names, api) = (names.clone(), props.api.to_string());
        use_effect_with(lang, move |lang| {
            let lang = *lang;
            if let Some(root) = web_sys::window().and_then(|window| window.document()).and_then(|document| document.document_element())
                && !embedded
            {
                let _ = root.set_attribute("lang", lang.strings().tag);
                let _ = root.set_attribute("dir", if lang.rtl() { "rtl" } else { "ltr" });
            }
            wasm_bindgen_futures::spawn_local(async move { names.set(Rc::new(country_names(&api, lang).await)) });
        });
    }
    if !embedded && let Some(document) = web_sys::window().and_then(|window| window.document()) {
        document.set_title(&format!("{} · partnergraph", crate::explore::text::text(lang).title));
    }
    let ctx = Ctx { api: Rc::from(props.api.as_str()), lang, names: (*names).clone() };
    let text = ctx.text();
    let go = {
        let route = route.clone();
        Callback::from(move |next: Route| {
            if !embedded {
                push(&next);
            }
            route.set(next);
        })
    };
    let with = |change: fn(&mut Route, String)| {
        let (go, current) = (go.clone(), (*route).clone());
        Callback::from(move |value: String| {
            let mut next = current.clone();
            change(&mut next, value);
            go.emit(next);
        })
    };
    let on_focus = with(|route, id| {
        route.view = View::Map;
        route.focus = id;
    });
    let on_pick = on_focus.reform(|hit: Hit| hit.id);
    let on_match = with(|route, need| {
        route.view = View::Match;
        route.need = need;
    });
    let on_view = |view: View| {
        let (go, current) = (go.clone(), (*route).clone());
        Callback::from(move |_: MouseEvent| {
            let mut next = current.clone();
            next.view = view;
            if view == View::Path && next.from.is_empty() && crate::config::check_focus(&next.focus).is_ok() {
                next.from.clone_from(&next.focus);
            }
            go.emit(next);
        })
    };
    let on_lang = {
        let with_lang = with(|route, tag| route.lang = Some(Lang::parse(&tag)));
        Callback::from(move |event: Event| with_lang.emit(event.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let on_ends = {
        let (go, current) = (go.clone(), (*route).clone());
        Callback::from(move |(from, to): (String, String)| go.emit(Route { view: View::Path, from, to, ..current.clone() }))
    };
    let on_triangles = {
        let (go, current) = (go.clone(), (*route).clone());
        Callback::from(move |(involving, filters)| go.emit(Route { view: View::Triangles, involving, filters, ..current.clone() }))
    };
    let triangles = html! {
        <TrianglesView ctx={ctx.clone()} involving={route.involving.clone()} as_of={route.as_of} filters={route.filters.clone()}
            on_change={on_triangles} on_focus={on_focus.clone()} heads_page={embedded} />
    };
    let dir = if lang.rtl() { "rtl" } else { "ltr" };
    if embedded {
        return html! { <div class="pg-explore pg-explore-embedded" {dir} lang={lang.strings().tag}>{triangles}</div> };
    }
    let view = match route.view {
        View::Map => {
            let query = format!(
                "focus={}&lang={}{}",
                crate::explore::route::encode(&route.focus),
                lang.strings().tag,
                route.as_of.map(|y| format!("&asOf={y}")).unwrap_or_default()
            );
            let mut config = Config::from_query(&query);
            config.api = props.api.to_string();
            config.controls = Controls::Full;
            config.height = 560;
            let on_change = {
                let revision = revision.dispatcher();
                Some(Callback::from(move |()| revision.dispatch(())))
            };
            // A focus that cannot be an id: the map says so (as the map embed does), and there are no details.
            let valid = config.focus_problem.is_none();
            html! {
                <div class="pg-map-view">
                    <div class="pg-map-slot"><App key={query.clone()} config={Rc::new(config)} on_focus={on_focus.clone()} names={ctx.names.clone()} {on_change} /></div>
                    if valid { <Details ctx={ctx.clone()} id={route.focus.clone()} on_focus={on_focus.clone()} revision={revision.0} on_match={Some(on_match.clone())} /> }
                </div>
            }
        }
        View::Triangles => triangles,
        View::Match => {
            let on_need = with(|route, need| route.need = need);
            html! { <MatchView ctx={ctx.clone()} need={route.need.clone()} {on_need} on_focus={on_focus.clone()} /> }
        }
        View::Path => html! {
            <PathView ctx={ctx.clone()} from={route.from.clone()} to={route.to.clone()} as_of={route.as_of} {on_ends} on_focus={on_focus.clone()} />
        },
    };
    let tab = |view: View, label: &'static str| {
        html! {
            <button type="button" role="tab" class={classes!("pg-tab", (route.view == view).then_some("pg-on"))} aria-selected={(route.view == view).to_string()}
                data-view={view.as_str()} onclick={on_view(view)}>{label}</button>
        }
    };
    let open_dialog = {
        let dialog = dialog.clone();
        Callback::from(move |_: MouseEvent| dialog.set(true))
    };
    let close_dialog = {
        let dialog = dialog.clone();
        Callback::from(move |()| dialog.set(false))
    };
    html! {
        <div class="pg-explore" {dir} lang={lang.strings().tag} data-view={route.view.as_str()}>
            <header class="pg-x-head">
                <a class="pg-brand" href="/explore">{"partnergraph"}</a>
                <h1 class="pg-x-title">{text.title}</h1>
                <SearchBox ctx={ctx.clone()} id="pg-search" label={text.search} on_pick={on_pick} />
                <label class="pg-filter pg-lang" for="pg-lang"><span>{text.language}</span>
                    <select id="pg-lang" class="pg-select" onchange={on_lang}>
                        { for Lang::ALL.iter().map(|each| html! { <option value={each.strings().tag} selected={*each == lang} lang={each.strings().tag}>{each.endonym()}</option> }) }
                    </select>
                </label>
                <button type="button" class="pg-btn pg-embed-btn" onclick={open_dialog}>{format!("</> {}", text.embed)}</button>
            </header>
            <nav class="pg-tabs-nav"><div class="pg-tabs" role="tablist">{tab(View::Map, text.view_map)}{tab(View::Triangles, text.view_triangles)}{tab(View::Path, text.view_path)}{tab(View::Match, lang.matching().title)}</div></nav>
            <main class="pg-x-main">{view}</main>
            <footer class="pg-x-foot">{"partnergraph · "}{text.countries_credit}{" · Natural Earth · GeoNames (CC BY 4.0)"}</footer>
            if *dialog { <EmbedDialog ctx={ctx.clone()} route={(*route).clone()} on_close={close_dialog} /> }
        </div>
    }
}

/// How many changes on the server the explorer's map has reported.
#[derive(Clone, Copy, PartialEq)]
struct Revision(u32);

impl Reducible for Revision {
    type Action = ();

    fn reduce(self: Rc<Self>, (): ()) -> Rc<Self> {
        Rc::new(Revision(self.0.wrapping_add(1)))
    }
}
