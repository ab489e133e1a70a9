#!/usr/bin/env bash
# Browser and quality tests of the generated site (tests/site): axe-core in headless Chromium,
# keyboard use, internal links, HTML parsing. Idempotent: installs only what is missing.
# Needs Node.js >= 20 and npm; installs Debian's chromium if /usr/bin/chromium is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "site tests need Node.js >= 20 (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 2
fi

step "chromium"
if [ ! -x /usr/bin/chromium ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update
  apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends chromium
fi
/usr/bin/chromium --version 2>/dev/null || true

step "npm dependencies (tests/site)"
lock_hash=$(sha256sum tests/site/package-lock.json | cut -d' ' -f1)
stamp=tests/site/node_modules/.package-lock.sha256
if [ ! -d tests/site/node_modules ] || [ "$(cat "$stamp" 2>/dev/null)" != "$lock_hash" ]; then
  (cd tests/site && npm ci --no-audit --no-fund)
  echo "$lock_hash" > "$stamp"
else
  echo "up to date"
fi

step "build the demo site"
cargo run --locked -p allmende -- build

step "site tests"
# collab.e2e.test.js starts the tickets API from the binary that just built the site.
export ALLMENDE_BIN="$PWD/target/debug/allmende"
cd tests/site
node --test
