//! A search box with suggestions (the API's `search`: acronyms, aliases and accents are folded
//! server-side), as an ARIA combobox: arrows move through the list, Enter picks, Escape closes.

use std::rc::Rc;

use partnergraph_schema::NodeKind;
use serde::Deserialize;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::bidi::isolated;
use crate::components::explore::Ctx;
use crate::{browser, gql};

const QUERY: &str = "query PartnergraphSearch($text: String!) { search(text: $text, first: 8) { id kind name acronym } }";

/// One suggestion.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Hit {
    /// Node id.
    pub id: String,
    /// Node kind.
    pub kind: NodeKind,
    /// Name.
    pub name: String,
    /// Short form.
    #[serde(default)]
    pub acronym: Option<String>,
}

#[derive(Deserialize)]
struct Answer {
    search: Vec<Hit>,
}

/// Props of [`SearchBox`].
#[derive(Properties, PartialEq)]
pub struct SearchBoxProps {
    /// Context.
    pub ctx: Ctx,
    /// DOM id of the input (the list is `<id>-list`).
    pub id: AttrValue,
    /// Visible label.
    pub label: AttrValue,
    /// Text shown before typing (the current choice).
    #[prop_or_default]
    pub value: AttrValue,
    /// A node was picked.
    pub on_pick: Callback<Hit>,
}

/// The search box.
#[function_component(SearchBox)]
pub fn search_box(props: &SearchBoxProps) -> Html {
    let text = use_state(|| props.value.to_string());
    let hits = use_state(|| Rc::new(Vec::<Hit>::new()));
    let open = use_state(|| false);
    let active = use_state(|| None::<usize>);
    {
        let text = text.clone();
        use_effect_with(props.value.clone(), move |value| text.set(value.to_string()));
    }
    let typed = use_state(String::new);
    {
        let hits = hits.clone();
        let api = props.ctx.api.clone();
        use_effect_with((*typed).clone(), move |typed| {
            let typed = typed.trim().to_owned();
            let timer = (!typed.is_empty()).then(|| {
                browser::after(120, move || {
                    wasm_bindgen_futures::spawn_local(async move {
                        let answer: Result<Answer, _> = gql::query(&api, QUERY, serde_json::json!({ "text": typed })).await;
                        hits.set(Rc::new(answer.map(|answer| answer.search).unwrap_or_default()));
                    });
                })
            });
            move || browser::cancel(timer.flatten())
        });
    }
    let pick = {
        let (open, text, on_pick, ctx) = (open.clone(), text.clone(), props.on_pick.clone(), props.ctx.clone());
        Callback::from(move |hit: Hit| {
            text.set(ctx.name(&hit.id, &hit.name).to_owned());
            open.set(false);
            on_pick.emit(hit);
        })
    };
    let oninput = {
        let (text, typed, open, active) = (text.clone(), typed.clone(), open.clone(), active.clone());
        Callback::from(move |event: InputEvent| {
            let value = event.target_unchecked_into::<HtmlInputElement>().value();
            text.set(value.clone());
            typed.set(value);
            open.set(true);
            active.set(None);
        })
    };
    let onkeydown = {
        let (hits, open, active, pick) = (hits.clone(), open.clone(), active.clone(), pick.clone());
        Callback::from(move |event: KeyboardEvent| {
            let n_hits = hits.len();
            match event.key().as_str() {
                "ArrowDown" if n_hits > 0 => {
                    event.prevent_default();
                    open.set(true);
                    active.set(Some(active.map_or(0, |idx| (idx + 1) % n_hits)));
                }
                "ArrowUp" if n_hits > 0 => {
                    event.prevent_default();
                    active.set(Some(active.map_or(n_hits - 1, |idx| (idx + n_hits - 1) % n_hits)));
                }
                "Enter" => {
                    event.prevent_default();
                    if let Some(hit) = hits.get(active.unwrap_or(0)) {
                        pick.emit(hit.clone());
                    }
                }
                "Escape" => open.set(false),
                _ => {}
            }
        })
    };
    let onblur = {
        let open = open.clone();
        Callback::from(move |_: FocusEvent| {
            let open = open.clone();
            browser::after(150, move || open.set(false));
        })
    };
    let ctx = &props.ctx;
    let list_id = format!("{}-list", props.id);
    let show = *open && !text.trim().is_empty();
    html! {
        <div class="pg-search">
            <label class="pg-search-label" for={props.id.clone()}>{props.label.clone()}</label>
            <input id={props.id.clone()} class="pg-search-input" type="search" dir="auto" role="combobox" autocomplete="off" spellcheck="false"
                aria-expanded={show.to_string()} aria-controls={list_id.clone()} aria-autocomplete="list"
                aria-activedescendant={active.map(|idx| format!("{list_id}-{idx}"))}
                value={(*text).clone()} {oninput} {onkeydown} {onblur} />
            if show {
                <ul id={list_id.clone()} class="pg-suggest" role="listbox">
                    if hits.is_empty() {
                        <li class="pg-suggest-none">{ctx.text().no_match}</li>
                    }
                    { for hits.iter().enumerate().map(|(idx, hit)| {
                        let onmousedown = { let (pick, hit) = (pick.clone(), hit.clone()); Callback::from(move |event: MouseEvent| { event.prevent_default(); pick.emit(hit.clone()) }) };
                        html! {
                            <li id={format!("{list_id}-{idx}")} role="option" aria-selected={(Some(idx) == *active).to_string()}
                                class={classes!("pg-suggest-item", (Some(idx) == *active).then_some("pg-active"))} data-id={hit.id.clone()} {onmousedown}>
                                <span class="pg-suggest-name">{isolated(ctx.name(&hit.id, &hit.name).to_owned())}</span>
                                if let Some(acronym) = &hit.acronym { <span class="pg-suggest-acr">{isolated(acronym.clone())}</span> }
                                <span class="pg-suggest-kind">{ctx.lang.kind(hit.kind)}</span>
                            </li>
                        }
                    }) }
                </ul>
            }
        </div>
    }
}
