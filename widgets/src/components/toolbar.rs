//! The toolbar: layout switch (network or map, without reload), depth, and the time slider with its
//! "all years" reset and replay button; the table toggle and the Download menu in the full variant.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::config::{Controls, FIRST_YEAR, Layout, MAX_DEPTH};
use crate::i18n::Lang;
use crate::state::Action;

/// Props of [`Toolbar`].
#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    /// Interface language.
    pub lang: Lang,
    /// Full or simple.
    pub controls: Controls,
    /// Current layout.
    pub layout: Layout,
    /// Current depth.
    pub depth: u8,
    /// Current year.
    pub as_of: Option<u16>,
    /// Whether the years are replaying.
    pub replaying: bool,
    /// Whether the table is shown.
    pub show_table: bool,
    /// The slider's last year.
    pub last_year: u16,
    /// Sends actions to the map's state.
    pub dispatch: Callback<Action>,
    /// Shown at the toolbar's end (the Download menu of the full controls).
    #[prop_or_default]
    pub children: Html,
}

/// The toolbar.
#[function_component(Toolbar)]
pub fn toolbar(props: &ToolbarProps) -> Html {
    let strings = props.lang.strings();
    let dispatch = props.dispatch.clone();
    let layout_button = |layout: Layout, label: &'static str| {
        let dispatch = dispatch.clone();
        let pressed = props.layout == layout;
        html! {
            <button type="button" class={classes!("pg-seg", pressed.then_some("pg-on"))} aria-pressed={pressed.to_string()}
                data-layout={if layout == Layout::Geo { "geo" } else { "force" }}
                onclick={Callback::from(move |_: MouseEvent| dispatch.emit(Action::Layout(layout)))}>{label}</button>
        }
    };
    let on_depth = {
        let dispatch = dispatch.clone();
        Callback::from(move |event: Event| {
            if let Some(select) = event.target_dyn_into::<HtmlSelectElement>()
                && let Ok(depth) = select.value().parse::<u8>()
            {
                dispatch.emit(Action::Depth(depth));
            }
        })
    };
    let on_year = {
        let dispatch = dispatch.clone();
        Callback::from(move |event: InputEvent| {
            if let Some(input) = event.target_dyn_into::<HtmlInputElement>()
                && let Ok(year) = input.value().parse::<u16>()
            {
                dispatch.emit(Action::Replay(false));
                dispatch.emit(Action::AsOf(Some(year)));
            }
        })
    };
    let all_years = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            dispatch.emit(Action::Replay(false));
            dispatch.emit(Action::AsOf(None));
        })
    };
    let replay = {
        let dispatch = dispatch.clone();
        let replaying = props.replaying;
        Callback::from(move |_: MouseEvent| {
            if !replaying {
                dispatch.emit(Action::AsOf(None));
            }
            dispatch.emit(Action::Replay(!replaying));
        })
    };
    let toggle_table = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.emit(Action::ToggleTable))
    };
    let year_text = props.as_of.map_or_else(|| strings.all_years.to_owned(), |year| year.to_string());
    let slider_value = props.as_of.unwrap_or(props.last_year).to_string();
    html! {
        <div class="pg-toolbar">
            <div class="pg-group" role="group" aria-label={strings.layout}>
                {layout_button(Layout::Force, strings.force)}
                {layout_button(Layout::Geo, strings.geo)}
            </div>
            if props.controls == Controls::Full {
                <label class="pg-field">
                    <span>{strings.depth}</span>
                    <select class="pg-depth" onchange={on_depth}>
                        { for (1..=MAX_DEPTH).map(|depth| html! { <option value={depth.to_string()} selected={depth == props.depth}>{depth}</option> }) }
                    </select>
                </label>
            }
            <div class="pg-time">
                <label class="pg-field pg-year-field">
                    <span>{strings.year}</span>
                    <input class="pg-year" type="range" min={FIRST_YEAR.to_string()} max={props.last_year.to_string()} step="1"
                        value={slider_value} aria-valuetext={year_text.clone()} oninput={on_year} />
                </label>
                <output class={classes!("pg-year-value", props.as_of.is_none().then_some("pg-all"))} aria-live="polite">{year_text}</output>
                if props.as_of.is_some() {
                    <button type="button" class="pg-btn pg-all-years" onclick={all_years}>{strings.all_years}</button>
                }
                <button type="button" class="pg-btn pg-replay" aria-pressed={props.replaying.to_string()} onclick={replay}>
                    {if props.replaying { strings.stop } else { strings.replay }}
                </button>
            </div>
            if props.controls == Controls::Full {
                <button type="button" class="pg-btn pg-table-toggle" aria-pressed={props.show_table.to_string()} onclick={toggle_table}>
                    {if props.show_table { strings.hide_table } else { strings.show_table }}
                </button>
            }
            {props.children.clone()}
        </div>
    }
}
