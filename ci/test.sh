#!/usr/bin/env bash
# The project's whole test suite, as CI runs it (.ci/run calls this). Works on a fresh
# Debian machine with a Rust toolchain; installs what it needs and skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

# A clean checkout gains nothing from incremental compilation, and its cache would be the
# largest thing in target/ (several GB on CI's disk).
export CARGO_INCREMENTAL=0

step() { printf '\n==> %s\n' "$*"; }

step "format"
cargo fmt --all -- --check

step "lint"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "PostgreSQL for the API tests (installed and started when missing)"
ALLMENDE_TEST_POSTGRES_URL="$(bash ci/postgres.sh)"
export ALLMENDE_TEST_POSTGRES_URL
echo "API tests run against SQLite and $ALLMENDE_TEST_POSTGRES_URL"

step "search engine for the browser: the committed engine.wasm is what the sources build"
bash search-wasm/build-wasm.sh --check

step "unit, integration and conformance tests"
cargo test --workspace --locked

# `--workspace` on purpose: with `-p allmende` cargo resolves features for that package alone
# and rebuilds half the tree; with the workspace it reuses what the step above built.
step "conformance with the reference validator's cases (../shared/fixtures, when present)"
cargo test --quiet --workspace --locked --test conformance -- --nocapture

# The debug binary that `cargo test` already built serves the remaining steps: a release build
# (or a `cargo run -p …` with other features) would compile the tree again for no gain on 44 entries.
step "API against its OpenAPI description: schemathesis, no 5xx, responses match their schemas"
bash ci/schemathesis.sh

step "demo catalogue passes the strict check"
target/debug/allmende check --strict content/

step "site: axe-core, keyboard, links and HTML in headless Chromium"
bash ci/site-tests.sh

echo
echo "all checks passed"
