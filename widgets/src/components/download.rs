//! The Download menu of the full controls: a disclosure (`<details>`, so it opens with Enter or Space
//! and needs no script to be reachable) listing the neighbourhood's exports as links to the server's
//! `/export/{format}` and the current view as PNG (the canvas as it is) and SVG (drawn by `svg` from
//! the same scene). Escape closes it and gives the focus back to its button.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Blob, HtmlCanvasElement, HtmlDetailsElement, HtmlElement};
use yew::prelude::*;

use crate::browser;
use crate::components::MapHandle;
use crate::download::{View, exports};
use crate::i18n::Lang;
use crate::svg;

/// Props of [`DownloadMenu`].
#[derive(Properties, PartialEq)]
pub struct DownloadProps {
    /// Interface language.
    pub lang: Lang,
    /// API origin (`""`: the page's own).
    pub api: AttrValue,
    /// The focus id.
    pub focus: AttrValue,
    /// Hops from the focus.
    pub depth: u8,
    /// The year shown.
    pub as_of: Option<u16>,
    /// Most nodes, as the map asked for.
    pub limit: u32,
    /// The SVG's title (the map's accessible name).
    pub title: AttrValue,
    /// The live map the images are drawn from.
    pub handle: MapHandle,
}

/// Which image of the view.
#[derive(Clone, Copy)]
enum Image {
    Png,
    Svg,
}

/// The Download menu.
#[function_component(DownloadMenu)]
pub fn download_menu(props: &DownloadProps) -> Html {
    let details = use_node_ref();
    let strings = props.lang.strings();
    let view = View { api: &props.api, focus: &props.focus, depth: props.depth, as_of: props.as_of, limit: props.limit };
    let close = {
        let details = details.clone();
        move || {
            if let Some(details) = details.cast::<HtmlDetailsElement>() {
                details.set_open(false);
            }
        }
    };
    let image = |image: Image| {
        let (handle, title, close) = (props.handle.clone(), props.title.clone(), close.clone());
        let name = view.file_name(match image {
            Image::Png => "png",
            Image::Svg => "svg",
        });
        Callback::from(move |_: MouseEvent| {
            if let Some((scene, canvas)) = handle.0.borrow().as_ref() {
                match image {
                    Image::Png => {
                        if let Some(canvas) = canvas.cast::<HtmlCanvasElement>() {
                            save_png(&canvas, name.clone());
                        }
                    }
                    Image::Svg => browser::save_text(&svg::render(&scene.borrow(), &title), "image/svg+xml", &name),
                }
            }
            close();
        })
    };
    let onkeydown = {
        let details = details.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.key() != "Escape" {
                return;
            }
            if let Some(element) = details.cast::<HtmlDetailsElement>().filter(HtmlDetailsElement::open) {
                event.prevent_default();
                element.set_open(false);
                if let Some(summary) = element.first_element_child().and_then(|child| child.dyn_into::<HtmlElement>().ok()) {
                    let _ = summary.focus();
                }
            }
        })
    };
    let on_link = {
        let close = close.clone();
        Callback::from(move |_: MouseEvent| close())
    };
    html! {
        <details class="pg-download" ref={details} {onkeydown}>
            <summary class="pg-btn pg-download-btn">{strings.download}</summary>
            <div class="pg-download-menu">
                <p class="pg-download-head" aria-hidden="true">{strings.download_data}</p>
                <ul aria-label={strings.download_data}>
                    { for exports(strings).iter().map(|export| html! {
                        <li><a class="pg-download-item" href={view.export_url(export)} download=""
                            data-format={export.sheet.map_or_else(|| export.format.to_owned(), |sheet| format!("csv-{sheet}"))}
                            onclick={on_link.clone()}>{export.label}</a></li>
                    }) }
                </ul>
                <p class="pg-download-head" aria-hidden="true">{strings.download_view}</p>
                <ul aria-label={strings.download_view}>
                    <li><button type="button" class="pg-download-item" data-format="png" onclick={image(Image::Png)}>{strings.png}</button></li>
                    <li><button type="button" class="pg-download-item" data-format="svg" onclick={image(Image::Svg)}>{strings.svg}</button></li>
                </ul>
            </div>
        </details>
    }
}

/// Saves the canvas as a PNG file (its backing store: the view's size in device pixels).
fn save_png(canvas: &HtmlCanvasElement, name: String) {
    let done = Closure::once_into_js(move |blob: Option<Blob>| {
        if let Some(blob) = blob {
            browser::save_blob(&blob, &name);
        }
    });
    let _ = canvas.to_blob(done.unchecked_ref());
}
