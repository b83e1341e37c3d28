//! Small browser helpers the components share: the clock, the motion preference, the current year,
//! timers, the browser's country names, and saving a file. A leaf module: it imports nothing of this crate.

/// Milliseconds from the page's time origin.
pub fn now() -> f64 {
    web_sys::window().and_then(|window| window.performance()).map_or(0.0, |performance| performance.now())
}

/// Whether the user asked for reduced motion.
pub fn reduced_motion() -> bool {
    web_sys::window()
        .and_then(|window| window.match_media("(prefers-reduced-motion: reduce)").ok().flatten())
        .is_some_and(|query| query.matches())
}

/// The current calendar year (the time slider's end).
pub fn current_year() -> u16 {
    u16::try_from(js_sys::Date::new_0().get_full_year()).unwrap_or(2026)
}

/// Runs `f` once after `ms` milliseconds; returns the timer id for `cancel`.
pub fn after(ms: i32, f: impl FnOnce() + 'static) -> Option<i32> {
    let callback = wasm_bindgen::closure::Closure::once_into_js(f);
    web_sys::window()?.set_timeout_with_callback_and_timeout_and_arguments_0(wasm_bindgen::JsCast::unchecked_ref(&callback), ms).ok()
}

/// Cancels a timer from `after`.
pub fn cancel(timer: Option<i32>) {
    if let (Some(window), Some(timer)) = (web_sys::window(), timer) {
        window.clear_timeout_with_handle(timer);
    }
}

/// The browser's names of regions (countries) in the language `tag`, from `Intl.DisplayNames`; `None`
/// where the browser has no `Intl.DisplayNames`.
pub fn region_names(tag: &str) -> Option<js_sys::Intl::DisplayNames> {
    let intl = js_sys::Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    if !js_sys::Reflect::has(&intl, &"DisplayNames".into()).unwrap_or(false) {
        return None;
    }
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"type".into(), &"region".into()).ok()?;
    js_sys::Reflect::set(&options, &"fallback".into(), &"none".into()).ok()?;
    Some(js_sys::Intl::DisplayNames::new(&js_sys::Array::of1(&tag.into()), &options))
}

/// Saves `text` as a file of type `mime`.
pub fn save_text(text: &str, mime: &str, name: &str) {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    if let Ok(blob) =
        web_sys::Blob::new_with_str_sequence_and_options(&js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text)), &options)
    {
        save_blob(&blob, name);
    }
}

/// Hands `blob` to the browser as a download named `name`, through a temporary object URL.
pub fn save_blob(blob: &web_sys::Blob, name: &str) {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) else { return };
    if let Some(link) =
        document.create_element("a").ok().and_then(|element| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlAnchorElement>(element).ok())
    {
        link.set_href(&url);
        link.set_download(name);
        link.click();
    }
    // Revoked once the browser has surely started reading it.
    after(30_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
}
