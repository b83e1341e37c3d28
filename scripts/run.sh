#!/usr/bin/env bash
# Builds and starts partnergraph on 127.0.0.1:8080 with the embedded store in ./data (seeded on first
# start), serving /graphql, /graphiql, /healthz and the embeddable map (/embed/map, /embed.js, /oembed;
# built first by scripts/build-widgets.sh). Extra arguments go to `partnergraph serve`
# (e.g. --addr 0.0.0.0:8080 --data /var/lib/partnergraph).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build-widgets.sh
cargo build --release --locked -p partnergraph
exec target/release/partnergraph serve --widgets target/widgets "$@"
