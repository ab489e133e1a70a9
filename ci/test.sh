#!/usr/bin/env bash
# The project's whole test suite, as CI runs it (.ci/run calls this). Works on a fresh
# Debian machine with a Rust toolchain; installs what it needs and skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "format"
cargo fmt --all -- --check

step "lint"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "search engine for the browser: the committed engine.wasm is what the sources build"
bash search-wasm/build-wasm.sh --check

step "unit, integration and conformance tests"
cargo test --workspace --locked

step "conformance with the reference validator's cases (../shared/fixtures, when present)"
cargo test --quiet --locked -p allmende --test conformance -- --nocapture

step "demo catalogue passes the strict check"
cargo run --quiet --release --locked -p allmende -- check --strict content/

step "site: axe-core, keyboard, links and HTML in headless Chromium"
bash ci/site-tests.sh

echo
echo "all checks passed"
