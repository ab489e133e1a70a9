#!/usr/bin/env bash
# Schemathesis against the running API: every operation of /api/v1/openapi.json with
# generated valid and invalid input, checking that no answer is a server error (5xx) and
# that every documented answer matches its schema. Idempotent: installs the pinned
# schemathesis (ci/schemathesis/requirements.txt, from PyPI) into a venv under target/
# only when missing or when the pins changed.
#
# The server is the binary `cargo test` built (ALLMENDE_BIN, default target/debug/allmende)
# on a fresh SQLite file with the dev login, and throttles in dry-run mode (they would
# answer 429 to a fuzzer long before it is done; a 429 says nothing about the schema).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

step() { printf '\n==> %s\n' "$*"; }

BIN=${ALLMENDE_BIN:-$root/target/debug/allmende}
# Bounded so the step takes about 2 minutes on 2 cores (operations × examples).
MAX_EXAMPLES=${SCHEMATHESIS_MAX_EXAMPLES:-12}
SEED=${SCHEMATHESIS_SEED:-20261127}

if [ ! -x "$BIN" ]; then
  echo "no API binary at $BIN: build it first (cargo test --workspace --no-run)" >&2
  exit 2
fi

step "schemathesis (PyPI, pinned in ci/schemathesis/requirements.txt)"
venv=$root/target/schemathesis-venv
req=$root/ci/schemathesis/requirements.txt
stamp=$venv/.requirements.sha256
want=$(sha256sum "$req" | cut -d' ' -f1)
if [ ! -x "$venv/bin/schemathesis" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  if ! python3 -m venv --clear "$venv" 2>/dev/null; then
    # Debian's python3 ships venv separately.
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq python3-venv
    python3 -m venv --clear "$venv"
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps -r "$req"
  echo "$want" > "$stamp"
else
  echo "up to date"
fi
"$venv/bin/schemathesis" --version

step "API on 127.0.0.1 (fresh SQLite, dev login)"
run=$root/target/schemathesis-run
rm -rf "$run"
mkdir -p "$run"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port/api/v1"
cat > "$run/site.toml" <<EOF
[api]
database_url = "sqlite://api.db"
listen = "127.0.0.1:$port"
dev_login = true

[api.limits]
dry_run = ["reads", "writes", "content", "reports"]
EOF
RUST_LOG=${RUST_LOG:-error} "$BIN" api --config "$run/site.toml" > "$run/server.log" 2>&1 &
server=$!
stop() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
}
trap stop EXIT
for _ in $(seq 1 100); do
  curl -fsS "$base/health" >/dev/null 2>&1 && break
  if ! kill -0 "$server" 2>/dev/null; then
    cat "$run/server.log" >&2
    echo "the API did not start" >&2
    exit 1
  fi
  sleep 0.1
done
curl -fsS "$base/health"
echo

step "seed: accounts, a ticket with a comment, label and milestone, a topic with a reply, a report"
# `call METHOD PATH TOKEN [BODY]` prints the response body and fails on any status >= 400.
call() {
  local args=(-fsS -X "$1" "$base$2" -H 'Content-Type: application/json')
  [ -n "$3" ] && args+=(-H "Authorization: Bearer $3")
  [ $# -ge 4 ] && args+=(-d "$4")
  curl "${args[@]}"
}
field() { python3 -c 'import json, sys; v = json.load(sys.stdin); print(eval("v" + sys.argv[1]))' "$1"; }

member=$(call POST /dev/login "" '{"username": "erika", "role": "member", "verified": true}' | field '["token"]')
moderator=$(call POST /dev/login "" '{"username": "mod", "role": "moderator", "verified": true}' | field '["token"]')
other=$(call POST /dev/login "" '{"username": "max", "role": "member", "verified": true}' | field '["token"]')
other_id=$(call GET /me "$other" | field '["id"]')
number=$(call POST /projects/demo/tickets "$member" '{"title": "Aufnahme startet nicht", "body": "Schritte: **starten**"}' | field '["number"]')
comment=$(call POST "/projects/demo/tickets/$number/comments" "$other" '{"body": "Bei mir auch."}' | field '["id"]')
call POST /projects/demo/labels "$moderator" '{"name": "bug", "color": "d73a4a"}' >/dev/null
milestone=$(call POST /projects/demo/milestones "$moderator" '{"title": "1.0"}' | field '["id"]')
topic=$(call POST /categories/allgemein/topics "$member" '{"title": "Erfahrungen mit BigBlueButton", "body": "Wer nutzt es?"}' | field '["id"]')
post=$(call POST "/topics/$topic/posts" "$other" '{"body": "Wir, seit 2020."}' | field '["id"]')
queue=$(call POST /reports "$member" "{\"target_type\": \"post\", \"target_id\": \"$post\", \"reason\": \"spam\"}" | field '["item_id"]')
echo "ticket demo#$number, comment $comment, milestone $milestone, topic $topic, post $post, queue item $queue, user $other_id"

# Path parameters get the seeded ids, so generated requests reach real rows and not only 404s.
# Token ids stay generated: a real one would let the fuzzer revoke the token it runs with.
cat > "$run/schemathesis.toml" <<EOF
[parameters]
"path.slug" = "demo"
"path.number" = $number
"path.name" = "bug"

[[operations]]
include-path-regex = "^/comments/"
parameters = { "path.id" = "$comment" }

[[operations]]
include-path-regex = "^/projects/[^/]+/milestones/"
parameters = { "path.id" = "$milestone" }

[[operations]]
include-path-regex = "^/topics/"
parameters = { "path.id" = "$topic" }

[[operations]]
include-path-regex = "^/posts/"
parameters = { "path.id" = "$post" }

[[operations]]
include-path-regex = "^/moderation/queue/"
parameters = { "path.id" = "$queue" }

[[operations]]
include-path-regex = "^/users/"
parameters = { "path.id" = "$other_id" }

[[operations]]
include-path-regex = "^/categories/"
parameters = { "path.slug" = "allgemein" }
EOF

# One run per role: the moderator reaches every operation, the member the ordinary ones
# (and the refusals a member gets). Both check no 5xx and schema conformance.
# Left out: the dev login and token revocation. The fuzzer learns ids from responses, so it
# revoked the very token it ran with, and a dev login as `mod` made the moderator a member;
# every later operation then only saw 401/403. Both are covered by api/tests/auth.rs.
status=0
for who in moderator member; do
  token=${!who}
  step "schemathesis as $who ($MAX_EXAMPLES examples per operation, seed $SEED)"
  started=$(date +%s)
  # From the run folder: schemathesis keeps its cache (.schemathesis/) in the working directory.
  (cd "$run" && "$venv/bin/schemathesis" --config-file "$run/schemathesis.toml" run "$base/openapi.json" \
    --header "Authorization: Bearer $token" \
    --exclude-path /dev/login --exclude-path '/me/tokens/{id}' \
    --checks not_a_server_error,response_schema_conformance \
    --phases examples,coverage,fuzzing \
    --max-examples "$MAX_EXAMPLES" \
    --seed "$SEED" \
    --workers 2 \
    --request-timeout 15 \
    --suppress-health-check all \
    --no-color \
    --report junit --report-dir "$run/report-$who") || status=$?
  echo "($who: $(($(date +%s) - started)) s)"
done

if [ "$status" != 0 ]; then
  echo "schemathesis found problems (server log: $run/server.log)" >&2
  tail -n 40 "$run/server.log" >&2 || true
fi
exit "$status"
