//! The "Embed this" dialog: the script tag, iframe and oEmbed snippets of the current view, each in a
//! read-only text area that selects itself on focus. Escape or the close button closes it.

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::components::explore::{Ctx, origin};
use crate::explore::route::Route;
use crate::explore::snippet::snippets;

/// Props of [`EmbedDialog`].
#[derive(Properties, PartialEq)]
pub struct EmbedDialogProps {
    /// Context.
    pub ctx: Ctx,
    /// The view to embed.
    pub route: Route,
    /// Close the dialog.
    pub on_close: Callback<()>,
}

/// The dialog.
#[function_component(EmbedDialog)]
pub fn embed_dialog(props: &EmbedDialogProps) -> Html {
    let text = props.ctx.text();
    let base = if props.ctx.api.is_empty() { origin() } else { props.ctx.api.to_string() };
    let out = snippets(&base, &props.route);
    let onfocus = Callback::from(|event: FocusEvent| event.target_unchecked_into::<HtmlTextAreaElement>().select());
    let onkeydown = {
        let on_close = props.on_close.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Escape" {
                on_close.emit(())
            }
        })
    };
    let field = |id: &'static str, label: &'static str, value: String| {
        html! {
            <div class="pg-snippet">
                <label for={id}>{label}</label>
                <textarea {id} class="pg-code" readonly=true rows="3" spellcheck="false" dir="ltr" onfocus={onfocus.clone()} value={value} />
            </div>
        }
    };
    html! {
        <div class="pg-backdrop" {onkeydown}>
            <div class="pg-dialog" role="dialog" aria-modal="true" aria-labelledby="pg-embed-title">
                <h2 id="pg-embed-title" class="pg-h2">{text.embed}</h2>
                { field("pg-embed-script", text.embed_script, out.script) }
                { field("pg-embed-iframe", text.embed_iframe, out.iframe) }
                { field("pg-embed-oembed", text.embed_oembed, out.oembed) }
                <button type="button" class="pg-btn pg-primary-btn" onclick={props.on_close.reform(|_| ())}>{text.close}</button>
            </div>
        </div>
    }
}
