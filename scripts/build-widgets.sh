#!/usr/bin/env bash
# Builds the embeddable widgets into target/widgets/ (or $PARTNERGRAPH_WIDGETS_OUT), which
# `partnergraph serve --widgets DIR` serves under /widgets/ and /embed.js:
#   partnergraph_widgets_bg.wasm + partnergraph_widgets.js  the Yew map (release wasm, profile wasm-release)
#   boot.js, embed.js, widgets.css                          hand-written loader, iframe boot, styles (widgets/assets/)
#   countries-110m.json                                     the base map: npm world-atlas 2.0.2 (Natural Earth,
#                                                           public domain), fetched with `npm pack`, integrity-checked
# wasm-bindgen runs from the workspace tool crate tools/wasm-bindgen, pinned to the exact wasm-bindgen
# version the widget crate links (both `=` pins, one Cargo.lock), so the glue always matches.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=${PARTNERGRAPH_WIDGETS_OUT:-$root/target/widgets}
log() { printf 'build-widgets: %s\n' "$*" >&2; }

WORLD_ATLAS_VERSION=2.0.2
WORLD_ATLAS_INTEGRITY="sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ=="

if ! rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
  log "installing the Rust toolchain and wasm target from rust-toolchain.toml"
  rustup toolchain install
fi

log "cargo build (wasm32, profile wasm-release)"
cargo build --locked --profile wasm-release --target wasm32-unknown-unknown -p partnergraph-widgets
log "cargo build the wasm-bindgen tool"
cargo build --locked -p partnergraph-wasm-bindgen

stage=$(mktemp -d "${out%/*}/.widgets.XXXXXX" 2>/dev/null || { mkdir -p "${out%/*}"; mktemp -d "${out%/*}/.widgets.XXXXXX"; })
trap 'rm -rf "$stage"' EXIT
target/debug/partnergraph-wasm-bindgen target/wasm32-unknown-unknown/wasm-release/partnergraph_widgets.wasm "$stage"
cp widgets/assets/embed.js widgets/assets/boot.js widgets/assets/widgets.css "$stage/"

npm_dir=$root/target/places-npm
tgz=$npm_dir/world-atlas-$WORLD_ATLAS_VERSION.tgz
integrity_ok() { [ -f "$tgz" ] && [ "sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)" = "$WORLD_ATLAS_INTEGRITY" ]; }
if ! integrity_ok; then
  log "npm pack world-atlas@$WORLD_ATLAS_VERSION"
  mkdir -p "$npm_dir"
  npm pack --silent "world-atlas@$WORLD_ATLAS_VERSION" --pack-destination "$npm_dir" >/dev/null
  integrity_ok || { log "$tgz does not match the pinned integrity $WORLD_ATLAS_INTEGRITY"; exit 1; }
fi
tar -xzf "$tgz" -O package/countries-110m.json > "$stage/countries-110m.json"
tar -xzf "$tgz" -O package/LICENSE > "$stage/LICENSE-world-atlas" 2>/dev/null || true

# Swap in the new build whole, so a running server never serves half of one.
rm -rf "$out.old"
[ -d "$out" ] && mv "$out" "$out.old"
chmod 755 "$stage"
mv "$stage" "$out"
rm -rf "$out.old"
trap - EXIT
log "built $(du -sh "$out" | cut -f1) into ${out#"$root"/}: $(cd "$out" && ls | tr '\n' ' ')"
