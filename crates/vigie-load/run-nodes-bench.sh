#!/usr/bin/env bash
# Two `vigie serve` on one PostgreSQL: visitors on node A, operators on node B; the
# visitor -> operator delivery latency crosses nodes (LISTEN/NOTIFY, then a read).
#
#   crates/vigie-load/run-nodes-bench.sh
#
# Tunables (environment): OPERATORS=100 VISITORS=2000 INTERVAL=2 (2000 visitors writing
# every 2 s: 1,000 messages/s) DURATION=30 NODES=2 (operators on the last node, visitors
# spread over the others) PG_URL=postgres://postgres@127.0.0.1:5432/test OUT=dir.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
ops="${OPERATORS:-100}"
visitors="${VISITORS:-2000}"
interval="${INTERVAL:-2}"
duration="${DURATION:-30}"
nodes="${NODES:-2}"
pg_url="${PG_URL:-postgres://postgres@127.0.0.1:5432/test}"
out="${OUT:-$(mktemp -d)}"
mkdir -p "$out"
bin="${CARGO_TARGET_DIR:-$root/target}/release"
[[ -x "$bin/vigie" && -x "$bin/vigie-livechat-load" ]] ||
    (cd "$root" && cargo build --release -q -p vigie -p vigie-load)
db="vigie_nodes_$$"
psql "$pg_url" -qtAc "CREATE DATABASE $db" >/dev/null
# Every load client comes from 127.0.0.1: no cap of connections per address.
export VIGIE_DATABASE_URL="${pg_url%/*}/$db" VIGIE_LOG="${VIGIE_LOG:-warn}" VIGIE_MAX_CONNECTIONS_PER_ADDRESS=0 VIGIE_HELLO_PER_MINUTE=0
ulimit -n 65536 2>/dev/null || true
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    psql "$pg_url" -qtAc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

VIGIE_DATA_DIR="$out/node1" "$bin/vigie" migrate >/dev/null
tokens="$out/tokens.txt"
: >"$tokens"
add() {
    printf 'bench password %s\n' "$1" | VIGIE_DATA_DIR="$out/node1" "$bin/vigie" user add --email "$1" --name "$2" --role "$3" --password-stdin >/dev/null
    VIGIE_DATA_DIR="$out/node1" "$bin/vigie" token create --email "$1" 2>/dev/null >>"$tokens"
}
echo "== 1 admin and $((ops + 1)) operators with API tokens" >&2
add bench-admin@bench.test "Bench Admin" admin
for i in $(seq 1 $((ops + 1))); do add "op$i@bench.test" "Op $i" operator; done

ports=()
for n in $(seq 1 "$nodes"); do
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    ports+=("$port")
    VIGIE_DATA_DIR="$out/node$n" VIGIE_LISTEN="127.0.0.1:$port" "$bin/vigie" serve >"$out/node$n.log" 2>&1 &
    pids+=($!)
done
for port in "${ports[@]}"; do
    for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
done
op_base="http://127.0.0.1:${ports[-1]}"
v_base="http://127.0.0.1:${ports[0]}"
echo "== $nodes nodes; visitors on $v_base, operators on $op_base; $visitors visitors every $interval s ($(python3 -c "print(round($visitors/$interval))") messages/s), $duration s" >&2
"$bin/vigie-livechat-load" --base "$op_base" --visitor-base "$v_base" --tokens "$tokens" \
    --operators "$ops" --visitors "$visitors" --interval "$interval" --duration "$duration" \
    --catchup 0 | tee "$out/nodes.txt"
