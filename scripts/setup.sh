#!/usr/bin/env bash
# Installs what building and testing partnergraph needs on a fresh Debian machine with rustup:
# the pinned Rust toolchain with its wasm target; with PARTNERGRAPH_SETUP_TESTS=1 also the npm packages
# of the GraphQL-over-HTTP audit, the tests' PyPI packages (a venv in target/pyenv: the GraphQL fuzzer and
# networkx, which reads the GraphML and GEXF exports back), and for the browser tests Chromium (Debian
# package) and playwright-core.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf 'setup: %s\n' "$*" >&2; }

# rust-toolchain.toml names the toolchain and the wasm32 target; RUSTUP_AUTO_INSTALL=0 means nothing
# installs it implicitly, so ask for it.
if ! rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
  log "installing the Rust toolchain from rust-toolchain.toml"
  rustup toolchain install
fi

if [ "${PARTNERGRAPH_SETUP_TESTS:-0}" = 1 ]; then
  command -v node >/dev/null || { log "node is required for the GraphQL-over-HTTP audit (apt-get install nodejs npm)"; exit 1; }
  if [ ! -d tests/audit/node_modules/graphql-http ]; then
    log "installing the graphql-http audit (npm ci)"
    (cd tests/audit && npm ci --no-audit --no-fund --loglevel=error)
  fi
  # The widgets' browser tests: playwright-core (pinned, no browser download) drives Debian's Chromium.
  if [ ! -x /usr/bin/chromium ]; then
    log "installing Chromium for the browser tests (apt-get install chromium)"
    sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
  fi
  # The tests' Python packages (the GraphQL fuzzer, networkx for the export tests), pinned in
  # tests/requirements.txt, in a venv; reinstalled when the pins change.
  if ! cmp -s tests/requirements.txt target/pyenv/requirements.txt; then
    log "installing the tests' Python packages into target/pyenv (pip)"
    rm -rf target/pyenv
    python3 -m venv target/pyenv || { log "python3 with venv is required for the tests (apt-get install python3-venv)"; exit 1; }
    target/pyenv/bin/pip install -q --disable-pip-version-check -r tests/requirements.txt
    cp tests/requirements.txt target/pyenv/requirements.txt
  fi
  if [ ! -d tests/browser/node_modules/playwright-core ] || [ ! -d tests/browser/node_modules/axe-core ]; then
    log "installing playwright-core and axe-core for the browser tests (npm ci)"
    (cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
