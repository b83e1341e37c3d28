//! The canvas: owns the `Scene`, runs a `requestAnimationFrame` loop only while something moves, and
//! turns pointer, wheel and key input into selection and re-focus callbacks. When the picture is
//! still it records `data-state="still"` and the nodes' screen positions (`data-positions`, at most 500)
//! on the canvas, for tests and tools.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{AddEventListenerOptions, HtmlCanvasElement, WheelEvent};
use yew::prelude::*;

use crate::browser;
use crate::components::{DataRef, MapHandle};
use crate::config::Layout;
use crate::i18n::Lang;
use crate::layout::geo::BaseMap;
use crate::render;
use crate::scene::{Intent, Scene};

/// Props of [`MapCanvas`].
#[derive(Properties, PartialEq)]
pub struct MapCanvasProps {
    /// The data to show.
    pub data: DataRef,
    /// The focus id.
    pub focus: String,
    /// The layout.
    pub layout: Layout,
    /// The node whose card is shown.
    pub selected: Option<String>,
    /// The base map, once loaded.
    pub basemap: Option<Rc<BaseMap>>,
    /// Map height in CSS pixels.
    pub height: u32,
    /// Interface language.
    pub lang: Lang,
    /// A node was selected (hover, tap, keys) or the selection cleared.
    pub on_select: Callback<Option<String>>,
    /// A node was chosen as the new focus.
    pub on_focus: Callback<String>,
    /// Country names in the interface language for the labels (the explorer loads them); empty: the API's.
    #[prop_or_default]
    pub names: Rc<HashMap<String, String>>,
    /// Filled in with this map's scene and canvas (for the Download menu's images).
    #[prop_or_default]
    pub handle: MapHandle,
}

struct Looper {
    scene: Rc<RefCell<Scene>>,
    canvas: NodeRef,
    scheduled: Cell<bool>,
}

impl Looper {
    fn kick(self: &Rc<Looper>) {
        if self.scheduled.replace(true) {
            return;
        }
        let weak = Rc::downgrade(self);
        let callback = Closure::once_into_js(move || {
            if let Some(looper) = weak.upgrade() {
                looper.scheduled.set(false);
                looper.frame();
            }
        });
        if let Some(window) = web_sys::window() {
            let _ = window.request_animation_frame(callback.unchecked_ref());
        }
    }

    fn frame(self: &Rc<Looper>) {
        let Some(canvas) = self.canvas.cast::<HtmlCanvasElement>() else { return };
        let dpr = web_sys::window().map_or(1.0, |window| window.device_pixel_ratio()).max(1.0);
        let (w, h) = (f64::from(canvas.client_width()), f64::from(canvas.client_height()));
        let more = {
            let mut scene = self.scene.borrow_mut();
            let (bw, bh) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
            if canvas.width() != bw || canvas.height() != bh {
                canvas.set_width(bw);
                canvas.set_height(bh);
                scene.camera.width = w;
                scene.camera.height = h;
                if !scene.user_camera {
                    scene.fit();
                }
                scene.dirty = true;
            }
            let more = scene.step();
            if scene.dirty {
                if let Some(ctx) =
                    canvas.get_context("2d").ok().flatten().and_then(|ctx| ctx.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
                {
                    render::draw(&ctx, &mut scene, dpr);
                }
                scene.dirty = false;
            }
            if !more {
                let _ = canvas.set_attribute("data-positions", &positions_json(&scene));
                let _ = canvas.set_attribute("data-labels", &labels_json(&scene));
            }
            more
        };
        let _ = canvas.set_attribute("data-state", if more { "running" } else { "still" });
        if more {
            self.kick();
        }
    }

    fn redraw(self: &Rc<Looper>) {
        self.scene.borrow_mut().dirty = true;
        self.kick();
    }
}

fn positions_json(scene: &Scene) -> String {
    let mut out = serde_json::Map::new();
    for (idx, node) in scene.data.nodes.iter().enumerate().take(500) {
        if let Some((x, y)) = scene.position(idx) {
            let (sx, sy) = scene.camera.to_screen(x, y);
            out.insert(node.id.clone(), serde_json::json!([sx.round(), sy.round()]));
        }
    }
    serde_json::Value::Object(out).to_string()
}

/// The labels drawn, for tests and tools: node id → `[x, y, w, h, text]`, its text box in CSS pixels.
fn labels_json(scene: &Scene) -> String {
    let mut out = serde_json::Map::new();
    for (idx, rect) in &scene.label_boxes {
        if let Some(node) = scene.data.nodes.get(*idx) {
            let text = scene.label_text(*idx);
            out.insert(node.id.clone(), serde_json::json!([rect.x.round(), rect.y.round(), rect.w.round(), rect.h.round(), text]));
        }
    }
    serde_json::Value::Object(out).to_string()
}

/// The map canvas.
#[function_component(MapCanvas)]
pub fn map_canvas(props: &MapCanvasProps) -> Html {
    let canvas = use_node_ref();
    let looper = {
        let canvas = canvas.clone();
        let (layout, rtl, handle) = (props.layout, props.lang.rtl(), props.handle.clone());
        use_memo((), move |_| {
            let mut scene = Scene::new(layout, browser::reduced_motion());
            scene.rtl = rtl;
            let scene = Rc::new(RefCell::new(scene));
            handle.0.replace(Some((scene.clone(), canvas.clone())));
            Rc::new(Looper { scene, canvas, scheduled: Cell::new(false) })
        })
    };
    let looper: Rc<Looper> = (*looper).clone();

    {
        let looper = looper.clone();
        let focus = props.focus.clone();
        use_effect_with(props.data.clone(), move |data| {
            looper.scene.borrow_mut().set_data(data.0.clone(), &focus, browser::now);
            looper.redraw();
        });
    }
    {
        let looper = looper.clone();
        use_effect_with(props.layout, move |layout| {
            looper.scene.borrow_mut().set_layout(*layout);
            looper.redraw();
        });
    }
    {
        let looper = looper.clone();
        use_effect_with(props.names.clone(), move |names| {
            {
                let mut scene = looper.scene.borrow_mut();
                scene.local_names = names.clone();
                scene.label_widths.fill(f64::NAN);
            }
            looper.redraw();
        });
    }
    {
        let looper = looper.clone();
        use_effect_with(props.basemap.clone(), move |basemap| {
            looper.scene.borrow_mut().basemap = basemap.clone();
            looper.redraw();
        });
    }
    {
        let looper = looper.clone();
        use_effect_with((props.selected.clone(), props.data.clone()), move |(selected, _)| {
            let mut scene = looper.scene.borrow_mut();
            scene.selected = selected.as_deref().and_then(|id| scene.data.index_of(id));
            drop(scene);
            looper.redraw();
        });
    }
    {
        // Size and wheel zoom (zooms only while the map has focus, so the host page scrolls freely).
        let looper = looper.clone();
        let height = props.height;
        use_effect_with(height, move |height| {
            let canvas = looper.canvas.cast::<HtmlCanvasElement>();
            let mut listener: Option<Closure<dyn FnMut(WheelEvent)>> = None;
            if let Some(canvas) = &canvas {
                let _ = canvas.style().set_property("height", &format!("{height}px"));
                let inner = looper.clone();
                let target = canvas.clone();
                let closure = Closure::<dyn FnMut(WheelEvent)>::new(move |event: WheelEvent| {
                    let focused =
                        web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element()).is_some_and(|el| el == **target);
                    if !(focused || event.ctrl_key()) {
                        return;
                    }
                    event.prevent_default();
                    let factor = (-event.delta_y() * 0.0015).exp();
                    inner.scene.borrow_mut().zoom(f64::from(event.offset_x()), f64::from(event.offset_y()), factor);
                    inner.kick();
                });
                let options = AddEventListenerOptions::new();
                options.set_passive(false);
                let _ = canvas.add_event_listener_with_callback_and_add_event_listener_options(
                    "wheel",
                    closure.as_ref().unchecked_ref(),
                    &options,
                );
                listener = Some(closure);
            }
            looper.redraw();
            move || {
                if let (Some(canvas), Some(closure)) = (canvas, listener) {
                    let _ = canvas.remove_event_listener_with_callback("wheel", closure.as_ref().unchecked_ref());
                }
            }
        });
    }

    let emit = {
        let looper = looper.clone();
        let on_select = props.on_select.clone();
        let on_focus = props.on_focus.clone();
        move |intent: Option<Intent>| {
            let id_of = |idx: usize| looper.scene.borrow().data.nodes.get(idx).map(|node| node.id.clone());
            match intent {
                Some(Intent::Select(idx)) => on_select.emit(idx.and_then(id_of)),
                Some(Intent::Focus(idx)) => {
                    if let Some(id) = id_of(idx) {
                        on_focus.emit(id);
                    }
                }
                None => {}
            }
            looper.kick();
        }
    };
    let onpointerdown = {
        let looper = looper.clone();
        Callback::from(move |event: PointerEvent| {
            if let Some(canvas) = looper.canvas.cast::<HtmlCanvasElement>() {
                let _ = canvas.set_pointer_capture(event.pointer_id());
            }
            looper.scene.borrow_mut().pointer_down(f64::from(event.offset_x()), f64::from(event.offset_y()));
        })
    };
    let onpointermove = {
        let looper = looper.clone();
        let emit = emit.clone();
        Callback::from(move |event: PointerEvent| {
            let intent = looper.scene.borrow_mut().pointer_move(f64::from(event.offset_x()), f64::from(event.offset_y()));
            emit(intent);
        })
    };
    let onpointerup = {
        let looper = looper.clone();
        let emit = emit.clone();
        Callback::from(move |_: PointerEvent| {
            let intent = looper.scene.borrow_mut().pointer_up();
            emit(intent);
        })
    };
    let onpointerleave = {
        let looper = looper.clone();
        Callback::from(move |_: PointerEvent| {
            looper.scene.borrow_mut().pointer_leave();
            looper.kick();
        })
    };
    let onkeydown = {
        let looper = looper.clone();
        let emit = emit.clone();
        Callback::from(move |event: KeyboardEvent| {
            let (intent, used) = looper.scene.borrow_mut().key(&event.key());
            if used {
                event.prevent_default();
            }
            emit(intent);
        })
    };
    let zoom = |factor: f64| {
        let looper = looper.clone();
        Callback::from(move |_: MouseEvent| {
            {
                let mut scene = looper.scene.borrow_mut();
                let (cx, cy) = (scene.camera.width / 2.0, scene.camera.height / 2.0);
                if factor == 0.0 { scene.reset_view() } else { scene.zoom(cx, cy, factor) }
            }
            looper.kick();
        })
    };
    let strings = props.lang.strings();
    let label = format!("{}. {}", strings.map_label, strings.keys);
    html! {
        <div class="pg-canvas-wrap">
            <canvas ref={canvas} class="pg-canvas" tabindex="0" role="application" aria-roledescription="network map"
                aria-label={label} {onpointerdown} {onpointermove} {onpointerup} {onpointerleave} {onkeydown} />
            <div class="pg-zoom" role="group" aria-label="Zoom">
                <button type="button" class="pg-zoom-btn" aria-label="Zoom in" title="Zoom in" onclick={zoom(1.3)}>{"+"}</button>
                <button type="button" class="pg-zoom-btn" aria-label="Zoom out" title="Zoom out" onclick={zoom(1.0 / 1.3)}>{"−"}</button>
                <button type="button" class="pg-zoom-btn" aria-label={strings.reset_view} title={strings.reset_view} onclick={zoom(0.0)}>{"⤢"}</button>
            </div>
        </div>
    }
}
