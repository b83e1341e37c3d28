//! The explorer page (`/explore`) and the triangular explorer (`/embed/triangles`), built around the
//! map: `app` (the page: header, views, URL history), `search` (search box with suggestions),
//! `details` (a node with its quoted sources, and its ranked partners), `paths` ("through whom"),
//! `matching` ("Find a partner": offers ranked for a need, with their reasons),
//! `triangles` (arrangements as triangles, with filters) and `embed_dialog` ("Embed this"). This module
//! holds what they share: the context (API origin, language, localized country names) and browser
//! helpers (history, the browser's language, the locale files).

pub mod app;
pub mod details;
pub mod embed_dialog;
pub mod matching;
pub mod paths;
pub mod search;
pub mod triangles;

use std::collections::HashMap;
use std::rc::Rc;

use crate::explore::route::Route;
use crate::explore::text::{Text, localize, text};
use crate::i18n::Lang;

/// What every explorer component needs.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// Origin of the API (`""`: the page's own).
    pub api: Rc<str>,
    /// Interface language.
    pub lang: Lang,
    /// Country names in `lang` (ISO alpha-3 → name), empty until loaded.
    pub names: Rc<HashMap<String, String>>,
}

impl PartialEq for Ctx {
    fn eq(&self, other: &Ctx) -> bool {
        self.api == other.api && self.lang == other.lang && Rc::ptr_eq(&self.names, &other.names)
    }
}

impl Ctx {
    /// The explorer's words.
    pub fn text(&self) -> &'static Text {
        text(self.lang)
    }

    /// The name to show for a node.
    pub fn name<'a>(&'a self, id: &str, name: &'a str) -> &'a str {
        localize(&self.names, id, name)
    }
}

/// The browser's preferred language (English when it is none of the six).
pub fn browser_lang() -> Lang {
    web_sys::window().and_then(|window| window.navigator().language()).map_or(Lang::En, |tag| Lang::parse(&tag))
}

/// Records `route` as a new history entry (back returns to the previous view).
pub fn push(route: &Route) {
    if let Some(history) = web_sys::window().and_then(|window| window.history().ok()) {
        let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("?{}", route.to_query())));
    }
}

/// The page's current query string.
pub fn location_query() -> String {
    web_sys::window().and_then(|window| window.location().search().ok()).unwrap_or_default()
}

/// The page's origin, for snippets.
pub fn origin() -> String {
    web_sys::window().and_then(|window| window.location().origin().ok()).unwrap_or_default()
}

/// Loads the country names of `lang` (`/widgets/countries-<tag>.json`, from npm i18n-iso-countries).
pub async fn country_names(api: &str, lang: Lang) -> HashMap<String, String> {
    let url = format!("{api}/widgets/countries-{}.json", lang.strings().tag);
    match crate::gql::text(&url).await {
        Ok(text) => serde_json::from_str(&text).unwrap_or_default(),
        Err(_) => HashMap::new(),
    }
}

/// A role's name in the interface language.
pub fn role_name(text: &Text, role: partnergraph_schema::Role) -> &'static str {
    match role {
        partnergraph_schema::Role::Beneficiary => text.beneficiary,
        partnergraph_schema::Role::Pivotal => text.pivotal,
        partnergraph_schema::Role::Facilitating => text.facilitating,
        partnergraph_schema::Role::Partner => text.partners,
    }
}
