#!/usr/bin/env bash
# Load benchmark of the tickets/forum API (issue 4's targets), a benchmark and not a test:
# it prints figures and fails only when something does not work. See bench/README.md.
#
#   bash bench/api/run.sh [sqlite|postgres|all]     (default: all)
#
# Environment: ALLMENDE_BIN (default target/release/allmende, built when missing),
# TOPICS (seeded topics, default 1000), DURATION (s per measurement, default 15),
# CONNECTIONS (default 64), WRK_THREADS (default 1: the server gets the other core).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
here=$root/bench/api

TOPICS=${TOPICS:-1000}
DURATION=${DURATION:-15}
CONNECTIONS=${CONNECTIONS:-64}
WRK_THREADS=${WRK_THREADS:-1}
BIN=${ALLMENDE_BIN:-$root/target/release/allmende}
which_dbs=${1:-all}

if ! command -v wrk >/dev/null; then
  echo "wrk is missing: apt-get install wrk" >&2
  exit 2
fi
if [ -z "${ALLMENDE_BIN:-}" ]; then
  cargo build --release --locked -p allmende --quiet
fi

run=$root/target/bench-api
mkdir -p "$run"
results=$run/results.tsv
: > "$results"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

server=
start_server() { # CONFIG LOG
  RUST_LOG=${RUST_LOG:-warn} "$BIN" api --config "$1" > "$2" 2>&1 &
  server=$!
  for _ in $(seq 1 200); do
    curl -fsS "$base/health" >/dev/null 2>&1 && return 0
    kill -0 "$server" 2>/dev/null || break
    sleep 0.1
  done
  cat "$2" >&2
  echo "the API did not start" >&2
  exit 1
}
stop_server() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=
  fi
}
trap stop_server EXIT

# The config: dev login (to make the service account), anonymous reads unlimited (every wrk
# connection comes from 127.0.0.1, which the per-IP budget of 300/min would stop at once;
# the limiter still runs and counts), and the service token trusted (no rate limits or
# content throttles, as for an import job; spam check and visibility still run).
write_config() { # FILE DATABASE_URL PORT TRUSTED_ID
  cat > "$1" <<EOF
[api]
database_url = "$2"
listen = "127.0.0.1:$3"
dev_login = true

[api.limits]
anonymous_reads_per_minute = 4000000000
trusted_tokens = [${4:+\"$4\"}]
EOF
}

# `wrk` summary → "req/s p50 p99 errors" (latencies in ms).
summarise() { # WRK_OUTPUT_FILE
  python3 - "$1" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(v):
    n, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", text, re.M))
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
errs = re.search(r"Socket errors: (.*)", text)
print(f"{rps:.0f}\t{ms(lat['50']):.2f}\t{ms(lat['99']):.2f}\t{int(bad.group(1)) if bad else 0}"
      + (f" ({errs.group(1)})" if errs else ""))
PY
}

measure() { # DB NAME WRK_ARGS…
  local db=$1 name=$2
  shift 2
  local out=$run/$db-$name.txt
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" > "$out"
  printf '%s\t%s\t%s\n' "$db" "$name" "$(summarise "$out")" | tee -a "$results"
}

bench_db() { # sqlite|postgres
  local db=$1 url
  case $db in
    sqlite)
      rm -f "$run"/bench.db*
      url="sqlite://$run/bench.db"
      ;;
    postgres)
      local admin
      admin=$(bash ci/postgres.sh)
      psql "$admin" -qtA -c "DROP DATABASE IF EXISTS allmende_bench" -c "CREATE DATABASE allmende_bench" >/dev/null
      url="${admin%/*}/allmende_bench"
      ;;
  esac
  local port
  port=$(free_port)
  base="http://127.0.0.1:$port/api/v1"
  echo "== $db: service token"
  write_config "$run/site.toml" "$url" "$port" ""
  start_server "$run/site.toml" "$run/$db-server.log"
  read -r token_id token < <(python3 "$here/seed.py" token "$base")
  stop_server
  echo "== $db: $TOPICS topics"
  write_config "$run/site.toml" "$url" "$port" "$token_id"
  start_server "$run/site.toml" "$run/$db-server.log"
  python3 "$here/seed.py" topics "$base" "$token" "$TOPICS" > "$run/topics.txt"
  local list="$base/categories/allgemein/topics"
  curl -fsS -o /dev/null "$list"
  local etag
  etag=$(curl -fsS -D - -o /dev/null "$list" | tr -d '\r' | sed -n 's/^etag: //Ip')
  echo "== $db: measuring (${DURATION} s each, $CONNECTIONS connections, $WRK_THREADS wrk thread(s))"
  wrk -t1 -c8 -d2s "$list" > /dev/null # warm-up
  measure "$db" "topic list, anonymous GET (200)" "$list"
  measure "$db" "topic list, anonymous GET, If-None-Match (304)" -H "If-None-Match: $etag" "$list"
  measure "$db" "post creation, authenticated POST (201)" -s "$here/post.lua" "$list" -- "$run/topics.txt" "$token"
  local posts
  posts=$(curl -fsS "$base/metrics" | grep '^allmende_api_requests_total{method="POST"' \
    | grep -F 'topics/{id}/posts",status="201"' | awk '{s += $2} END {print s + 0}')
  echo "   posts created and answered 201 (server's own count): $posts"
  stop_server
}

case $which_dbs in
  all) dbs=(sqlite postgres) ;;
  sqlite | postgres) dbs=("$which_dbs") ;;
  *)
    echo "usage: bash bench/api/run.sh [sqlite|postgres|all]" >&2
    exit 2
    ;;
esac

commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- api generator || echo +dirty)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for db in "${dbs[@]}"; do
  bench_db "$db"
done

echo
echo "allmende api, commit $commit, $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)),"
echo "load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg); wrk and the server share the machine."
echo "$TOPICS topics in one category; list = GET /api/v1/categories/allgemein/topics (20 per page);"
echo "posts by one trusted service token (no throttles; spam check and visibility run), every body different."
echo
printf '| database | what | req/s | p50 ms | p99 ms | non-2xx/3xx |\n|---|---|---|---|---|---|\n'
while IFS=$'\t' read -r db what rps p50 p99 bad; do
  printf '| %s | %s | %s | %s | %s | %s |\n' "$db" "$what" "$rps" "$p50" "$p99" "$bad"
done < "$results"
echo
echo "targets: topic list >= 10,000 req/s with p99 < 20 ms; post creation >= 1,000/s"
