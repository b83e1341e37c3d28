#!/usr/bin/env bash
# Builds the embeddable widgets into target/widgets/ (or $PARTNERGRAPH_WIDGETS_OUT), which
# `partnergraph serve --widgets DIR` serves under /widgets/ and /embed.js:
#   partnergraph_widgets_bg.wasm + partnergraph_widgets.js  the Yew widgets: map, explorer, triangles, dashboard
#                                                           (release wasm, profile wasm-release): the explorer's pages
#   partnergraph_map_bg.wasm + partnergraph_map.js          the map alone (the crate's `map` feature only), what
#                                                           /embed/map and embed.js's direct maps load
#   partnergraph_dashboard_bg.wasm + partnergraph_dashboard.js  the dashboard alone (`dashboard` only), what
#                                                           /embed/dashboard and embed.js's direct dashboards load
#   boot.js, embed.js, widgets.css                          hand-written loader, iframe boot, styles (widgets/assets/)
#   countries-110m.json                                     the base map: npm world-atlas 2.0.2 (Natural Earth,
#                                                           public domain), fetched with `npm pack`, integrity-checked
#   countries-{ar,zh,en,fr,ru,es}.json                      country names (ISO alpha-3 → name) for the explorer, from npm
#                                                           i18n-iso-countries (MIT), `npm pack`, integrity-checked
#   explore.css                                             styles of /explore and /embed/triangles
#   NAME.gz                                                 a gzip -9 copy of each of those (wasm, JS, CSS, JSON)
# wasm-bindgen runs from the workspace tool crate tools/wasm-bindgen, pinned to the exact wasm-bindgen
# version the widget crate links (both `=` pins, one Cargo.lock), so the glue always matches.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=${PARTNERGRAPH_WIDGETS_OUT:-$root/target/widgets}
log() { printf 'build-widgets: %s\n' "$*" >&2; }

WORLD_ATLAS_VERSION=2.0.2
WORLD_ATLAS_INTEGRITY="sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ=="
COUNTRIES_VERSION=7.14.0
COUNTRIES_INTEGRITY="sha512-nXHJZYtNrfsi1UQbyRqm3Gou431elgLjKl//CYlnBGt5aTWdRPH1PiS2T/p/n8Q8LnqYqzQJik3Q7mkwvLokeg=="

if ! rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
  log "installing the Rust toolchain and wasm target from rust-toolchain.toml"
  rustup toolchain install
fi

log "cargo build the wasm-bindgen tool"
cargo build --locked -p partnergraph-wasm-bindgen
stage=$(mktemp -d "${out%/*}/.widgets.XXXXXX" 2>/dev/null || { mkdir -p "${out%/*}"; mktemp -d "${out%/*}/.widgets.XXXXXX"; })
trap 'rm -rf "$stage"' EXIT
wasm=target/wasm32-unknown-unknown/wasm-release/partnergraph_widgets.wasm

log "cargo build (wasm32, profile wasm-release): the map alone"
cargo build --locked --profile wasm-release --target wasm32-unknown-unknown -p partnergraph-widgets --no-default-features --features map
cp "$wasm" "$stage/partnergraph_map.wasm"
target/debug/partnergraph-wasm-bindgen "$stage/partnergraph_map.wasm" "$stage"
rm "$stage/partnergraph_map.wasm"
log "cargo build (wasm32, profile wasm-release): the dashboard alone"
cargo build --locked --profile wasm-release --target wasm32-unknown-unknown -p partnergraph-widgets --no-default-features --features dashboard
cp "$wasm" "$stage/partnergraph_dashboard.wasm"
target/debug/partnergraph-wasm-bindgen "$stage/partnergraph_dashboard.wasm" "$stage"
rm "$stage/partnergraph_dashboard.wasm"
log "cargo build (wasm32, profile wasm-release): map and explorer"
cargo build --locked --profile wasm-release --target wasm32-unknown-unknown -p partnergraph-widgets
target/debug/partnergraph-wasm-bindgen "$wasm" "$stage"
cp widgets/assets/embed.js widgets/assets/boot.js widgets/assets/widgets.css widgets/assets/explore.css "$stage/"

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

countries_tgz=$npm_dir/i18n-iso-countries-$COUNTRIES_VERSION.tgz
countries_ok() { [ -f "$countries_tgz" ] && [ "sha512-$(openssl dgst -sha512 -binary "$countries_tgz" | base64 -w0)" = "$COUNTRIES_INTEGRITY" ]; }
if ! countries_ok; then
  log "npm pack i18n-iso-countries@$COUNTRIES_VERSION"
  mkdir -p "$npm_dir"
  npm pack --silent "i18n-iso-countries@$COUNTRIES_VERSION" --pack-destination "$npm_dir" >/dev/null
  countries_ok || { log "$countries_tgz does not match the pinned integrity $COUNTRIES_INTEGRITY"; exit 1; }
fi
countries_dir=$(mktemp -d)
tar -xzf "$countries_tgz" -C "$countries_dir" package/codes.json package/LICENSE package/langs/ar.json package/langs/zh.json \
  package/langs/en.json package/langs/fr.json package/langs/ru.json package/langs/es.json
cp "$countries_dir/package/LICENSE" "$stage/LICENSE-i18n-iso-countries"
# Small per-language files, ISO alpha-3 → official short name (the first when a locale lists several).
node -e '
  const fs = require("fs"), [dir, out] = process.argv.slice(1);
  const codes = JSON.parse(fs.readFileSync(dir + "/codes.json", "utf8"));
  for (const lang of ["ar", "zh", "en", "fr", "ru", "es"]) {
    const names = JSON.parse(fs.readFileSync(`${dir}/langs/${lang}.json`, "utf8")).countries;
    const res = {};
    for (const [alpha2, alpha3] of codes) {
      const name = names[alpha2];
      if (name) res[alpha3] = Array.isArray(name) ? name[0] : name;
    }
    fs.writeFileSync(`${out}/countries-${lang}.json`, JSON.stringify(res));
  }' "$countries_dir/package" "$stage"
rm -rf "$countries_dir"

# A gzip -9 copy of each file a page downloads (NAME.gz), which the server sends to clients that take gzip,
# instead of compressing it again for each request at the compression layer's fast level.
for file in "$stage"/*.wasm "$stage"/*.js "$stage"/*.css "$stage"/*.json; do
  gzip -9 -n -k "$file"
done

# Swap in the new build whole, so a running server never serves half of one.
rm -rf "$out.old"
[ -d "$out" ] && mv "$out" "$out.old"
chmod 755 "$stage"
mv "$stage" "$out"
rm -rf "$out.old"
trap - EXIT
log "built $(du -sh "$out" | cut -f1) into ${out#"$root"/}: $(cd "$out" && ls | tr '\n' ' ')"
