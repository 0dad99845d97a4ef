#!/usr/bin/env bash
# Durable-message ceiling of `vigie serve`, SQLite and PostgreSQL side by side, with the
# disk's commit floor (fdatasyncs/s one by one and grouped). Each backend gets a fresh
# server (a new data folder; a new PostgreSQL database), then vigie-load sends visitor
# messages at rising rates; every message is acknowledged only once committed.
#
#   crates/vigie-load/run-ceiling.sh
#
# Environment: VIGIE_BIN (default target/release/vigie; set it to an older binary to
# compare), RATES="1000 2000 3000 4000 5000 6000 8000", DURATION=10, CONNECTIONS=1000,
# PG_URL=postgres://postgres@127.0.0.1:5432/test (its server hosts a scratch database),
# BACKENDS="sqlite postgres", OUT=folder for the JSON reports.
# A rate is "served" when at least 98% of it is achieved without any error and the ack
# p99 stays under 1 s (a queue that does not grow); the ceiling is the highest served.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin_dir="${CARGO_TARGET_DIR:-$root/target}/release"
vigie="${VIGIE_BIN:-$bin_dir/vigie}"
rates="${RATES:-1000 2000 3000 4000 5000 6000 8000}"
duration="${DURATION:-10}"
conns="${CONNECTIONS:-1000}"
pg_url="${PG_URL:-postgres://postgres@127.0.0.1:5432/test}"
backends="${BACKENDS:-sqlite postgres}"
out="${OUT:-$(mktemp -d)}"
mkdir -p "$out"
[[ -x "$bin_dir/vigie-load" && -x "$bin_dir/vigie-commit-floor" ]] ||
    (cd "$root" && cargo build --release -q -p vigie-load)

pid=""
db=""
cleanup() {
    [[ -n "$pid" ]] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
    [[ -n "$db" ]] && psql "$pg_url" -qtAc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

start() { # backend -> sets pid, port
    local data="$out/data-$1"
    rm -rf "$data"
    mkdir -p "$data"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    local url="sqlite://$data/vigie.db?mode=rwc"
    if [[ "$1" == postgres ]]; then
        db="vigie_ceiling_$$"
        psql "$pg_url" -qtAc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
        psql "$pg_url" -qtAc "CREATE DATABASE $db" >/dev/null
        url="${pg_url%/*}/$db"
    fi
    VIGIE_DATABASE_URL="$url" VIGIE_DATA_DIR="$data" VIGIE_LISTEN="127.0.0.1:$port" RUST_LOG=warn VIGIE_MAX_CONNECTIONS_PER_ADDRESS=0 VIGIE_HELLO_PER_MINUTE=0 \
        "$vigie" serve >"$data/out.log" 2>"$data/err.log" &
    pid=$!
    for _ in $(seq 100); do grep -q "Bot \`demo\`" "$data/out.log" 2>/dev/null && return 0; sleep 0.1; done
    cat "$data/err.log" >&2
    exit 1
}

stop() {
    kill -TERM "$pid"
    wait "$pid" || true
    pid=""
    if [[ -n "$db" ]]; then
        psql "$pg_url" -qtAc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
        db=""
    fi
}

summary() { # json file -> "achieved errors p50 p99 served"
    python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
served = r["errors"] == 0 and r["rate_achieved"] >= 0.98 * r["rate_target"] and r["ack"]["p99_ms"] < 1000
print(f'{r["rate_achieved"]:.0f} {r["errors"]} {r["ack"]["p50_ms"]:.2f} {r["ack"]["p99_ms"]:.2f} {int(served)}')
PY
}

echo "binary: $vigie   ($(nproc) cores, load tool on the same machine)"
"$bin_dir/vigie-commit-floor" --dir "$out" --seconds 3
declare -A ceiling
for b in $backends; do
    start "$b"
    ceiling[$b]=0
    echo
    echo "$b: $conns visitors, ${duration} s per rate"
    printf '  %8s %9s %7s %10s %10s\n' "rate/s" "achieved" "errors" "ack p50" "ack p99"
    for r in $rates; do
        "$bin_dir/vigie-load" --url "ws://127.0.0.1:$port/ws/visitor" -c "$conns" -r "$r" \
            -d "$duration" --drain 5 --json >"$out/$b-$r.json" 2>/dev/null
        read -r achieved errors p50 p99 served < <(summary "$out/$b-$r.json")
        printf '  %8s %9s %7s %8s ms %8s ms %s\n' "$r" "$achieved" "$errors" "$p50" "$p99" \
            "$([[ $served == 1 ]] && echo served || echo 'NOT served')"
        if [[ $served == 1 ]]; then ceiling[$b]=$r; else break; fi
    done
    stop
done
echo
printf 'ceiling (durable messages/s, each acknowledged after its commit):'
for b in $backends; do printf '  %s %s' "$b" "${ceiling[$b]}"; done
echo
echo "(JSON reports in $out)"
