#!/usr/bin/env bash
# Makes sure a PostgreSQL server runs on this machine with a role and database for the
# API tests, and prints the URL to put into ALLMENDE_TEST_POSTGRES_URL. Idempotent: installs
# Debian's `postgresql` only when missing, starts the first cluster only when it is down,
# creates the role only when it does not exist. Needs root (CI machines) or sudo.
set -euo pipefail

ROLE=allmende_test
PASSWORD=allmende_test
DATABASE=allmende_test

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v pg_lsclusters >/dev/null 2>&1 || [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
    echo "installing postgresql (Debian package)…" >&2
    as_root apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >&2
fi

# The first cluster (Debian creates `<version> main` on install).
read -r VERSION CLUSTER PORT STATUS _ < <(pg_lsclusters -h | head -n 1)
if [ "$STATUS" != "online" ]; then
    echo "starting PostgreSQL $VERSION/$CLUSTER on port $PORT…" >&2
    as_root pg_ctlcluster "$VERSION" "$CLUSTER" start >&2
fi

psql_admin() { as_root runuser -u postgres -- psql -p "$PORT" -v ON_ERROR_STOP=1 -qtA "$@"; }

for _ in $(seq 1 30); do
    psql_admin -c 'SELECT 1' >/dev/null 2>&1 && break
    sleep 1
done
if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" != "1" ]; then
    psql_admin -c "CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD'" >&2
fi
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'")" != "1" ]; then
    psql_admin -c "CREATE DATABASE $DATABASE OWNER $ROLE" >&2
fi
# Test databases made by earlier runs (each test creates its own, allmende_t_*).
for db in $(psql_admin -c "SELECT datname FROM pg_database WHERE datname LIKE 'allmende\_t\_%'"); do
    psql_admin -c "DROP DATABASE IF EXISTS \"$db\"" >/dev/null 2>&1 || true
done

echo "postgres://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DATABASE"
