#!/usr/bin/env bash
# Livechat benchmark on one node (SQLite): operators and visitors in live conversations.
#
#   crates/vigie-load/run-livechat-bench.sh
#
# Starts its own `vigie serve` on a fresh data dir, creates an admin and the operators
# with API tokens (`vigie user add`, `vigie token create`), then runs vigie-livechat-load:
# visitor -> operator delivery latency under load, and a console catching up on the
# messages it missed. Tunables (environment):
#   OPERATORS=100 VISITORS=2000 INTERVAL=10 DURATION=60 CATCHUP=1000 PORT=8099 OUT=dir
# Builds with cargo (CARGO_TARGET_DIR honoured).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
ops="${OPERATORS:-100}"
visitors="${VISITORS:-2000}"
interval="${INTERVAL:-10}"
duration="${DURATION:-60}"
catchup="${CATCHUP:-1000}"
port="${PORT:-8099}"
out="${OUT:-$(mktemp -d)}"
mkdir -p "$out"

echo "== building vigie and the load tools (release)" >&2
(cd "$root" && cargo build --release -q -p vigie -p vigie-load)
bin="${CARGO_TARGET_DIR:-$root/target}/release"
[[ "$bin" = /* ]] || bin="$root/$bin"

data="$(mktemp -d)"
# Every load client comes from 127.0.0.1: no cap of connections per address.
export VIGIE_DATA_DIR="$data" VIGIE_LISTEN="127.0.0.1:$port" VIGIE_LOG="${VIGIE_LOG:-warn}" VIGIE_MAX_CONNECTIONS_PER_ADDRESS=0 VIGIE_HELLO_PER_MINUTE=0
ulimit -n 65536 2>/dev/null || true
pid=""
cleanup() { [[ -n "$pid" ]] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; [[ -n "${KEEP_DATA:-}" ]] && echo "data kept in $data" >&2 || rm -rf "$data"; }
trap cleanup EXIT

"$bin/vigie" migrate >/dev/null
echo "== creating 1 admin and $((ops + 1)) operators with API tokens" >&2
tokens="$out/tokens.txt"
: >"$tokens"
add() { # email name role
    printf 'bench password %s\n' "$1" | "$bin/vigie" user add --email "$1" --name "$2" --role "$3" --password-stdin >/dev/null
    "$bin/vigie" token create --email "$1" 2>/dev/null >>"$tokens"
}
add bench-admin@bench.test "Bench Admin" admin
for i in $(seq 1 $((ops + 1))); do
    add "op$i@bench.test" "Op $i" operator
done

"$bin/vigie" serve >"$out/vigie.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.2
done
curl -fs "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$out/vigie.log" >&2; exit 1; }

echo "== $ops operators, $visitors visitors, a message every $interval s each, $duration s; catch-up of $catchup" >&2
"$bin/vigie-livechat-load" --base "http://127.0.0.1:$port" --tokens "$tokens" \
    --operators "$ops" --visitors "$visitors" --interval "$interval" --duration "$duration" \
    --catchup "$catchup" | tee "$out/livechat.txt"
echo "(vigie's RSS at the end: $(grep VmRSS /proc/$pid/status | awk '{print $2 " " $3}'); report in $out)" >&2
