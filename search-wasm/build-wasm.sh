#!/usr/bin/env bash
# Builds the browser's search engine (this crate, wasm32-unknown-unknown, cargo profile `wasm`)
# into themes/default/static/search/engine.wasm, which is committed so that building the site
# needs no wasm toolchain.
#
#   bash search-wasm/build-wasm.sh          build and copy into the theme
#   bash search-wasm/build-wasm.sh --check  build and fail when the committed engine differs
#
# Toolchain: Debian's rustc-web with its std sources (rebuilt here with -Z build-std), the
# route that works on every machine of this project without downloads outside the package
# registries (see the README). A fixed toolchain and fixed flags make the build reproducible:
# file paths do not reach the binary (-Z location-detail=none, --remap-path-prefix), so a
# fresh clone elsewhere produces the same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=build
case "${1:-}" in
  --check) mode=check ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

out=themes/default/static/search/engine.wasm
target_dir=${ALLMENDE_WASM_TARGET_DIR:-target/wasm}

if [ ! -x /usr/bin/cargo ] || [ ! -x /usr/bin/rustc ] || [ ! -d /usr/lib/rustlib/src/rust/library ] || ! command -v rust-lld >/dev/null 2>&1 && [ ! -e /usr/bin/rust-lld ]; then
  echo "==> installing Debian's Rust toolchain for WebAssembly (rustc-web, cargo-web, std sources, lld)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update
  apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends \
    rustc-web cargo-web rust-web-src rust-web-llvm lld-22
fi

cargo_home=${CARGO_HOME:-$HOME/.cargo}
# rustup's proxies shadow /usr/bin/cargo on PATH, so Debian's are named by full path.
export RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1
# -Cpanic=immediate-abort (unstable, on top of the profile's panic = "abort"): a panic traps at
# once instead of formatting its message for a hook that has nowhere to print on
# wasm32-unknown-unknown; the worker sees the same trap (a WebAssembly.RuntimeError) either way,
# and the panic machinery and message formatting leave the engine (~17 KB gzip, README.md).
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--cfg getrandom_backend=\"custom\" -Zlocation-detail=none --remap-path-prefix=$PWD=/allmende --remap-path-prefix=$cargo_home=/cargo -Zunstable-options -Cpanic=immediate-abort"
# std is built with `optimize_for_size` only (instead of cargo's default std features): its
# smaller algorithm variants (sorting, formatting) take ~12 KB gzip off (README.md).
/usr/bin/cargo build ${ALLMENDE_WASM_LOCKED---locked} --quiet --profile wasm -p allmende-search-wasm --lib \
  --target wasm32-unknown-unknown -Z build-std=std,panic_abort -Z build-std-features=optimize_for_size \
  --target-dir "$target_dir"
built="$target_dir/wasm32-unknown-unknown/wasm/allmende_search_wasm.wasm"

size() { wc -c < "$1" | tr -d ' '; }
gz() { gzip -9n < "$1" | wc -c | tr -d ' '; }
echo "engine: $(size "$built") bytes, $(gz "$built") gzip -9"

if [ "$mode" = check ]; then
  if cmp -s "$built" "$out"; then
    echo "committed $out is up to date"
  else
    echo "error: $out is stale (or was built differently): run 'bash search-wasm/build-wasm.sh' and commit it" >&2
    echo "  committed: $(sha256sum "$out" 2>/dev/null | cut -c1-16 || echo missing)  rebuilt: $(sha256sum "$built" | cut -c1-16)" >&2
    exit 1
  fi
else
  mkdir -p "$(dirname "$out")"
  cp "$built" "$out"
  echo "wrote $out"
fi
