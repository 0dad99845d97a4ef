#!/usr/bin/env bash
# What a large knowledge import costs the visitors chatting meanwhile: `vigie serve` on a
# fresh SQLite data dir, vigie-load sending visitor messages at a steady rate, and, once
# the load runs, the admin's import route (`POST /api/v1/bots/demo/knowledge/import`,
# with an API token) given N generated items (bench/gen-knowledge.py). Prints the import's time and the visitors' send→ack latency over the
# whole run: its max is how long the import held a visitor's message.
# Usage: bench/import-stall.sh [items=40000] [rate=200] (40,000 generated items: 18 MB, under
# the route's 20 MB limit)
# VIGIE_BIN=/path/to/older/vigie bench/import-stall.sh compares another binary.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-40000}
rate=${2:-200}
vigie=${VIGIE_BIN:-target/release/vigie}
[ -x target/release/vigie-load ] || cargo build --release -q -p vigie-load
[ -x "$vigie" ] || cargo build --release -q --bin vigie
dir=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"' EXIT
export VIGIE_DATA_DIR="$dir" VIGIE_LOG=warn RUST_LOG=warn
python3 bench/gen-knowledge.py "$n" >"$dir/kb.json"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
VIGIE_LISTEN="127.0.0.1:$port" VIGIE_MAX_CONNECTIONS_PER_ADDRESS=0 "$vigie" serve >"$dir/out.log" 2>&1 &
pid=$!
for _ in $(seq 200); do grep -q "Bot \`demo\`" "$dir/out.log" 2>/dev/null && break; sleep 0.1; done
token=$("$vigie" token create --email admin@vigie.localhost --scope knowledge:write 2>/dev/null | tail -n 1)
[ -n "$token" ] || { echo "no API token" >&2; exit 1; }
target/release/vigie-load --url "ws://127.0.0.1:$port/ws/visitor" -c 100 -r "$rate" -d 40 >"$dir/load.txt" &
load=$!
sleep 8
start=$(date +%s.%N)
curl -sS --fail-with-body -H "Authorization: Bearer $token" -H 'content-type: application/json' \
    --data-binary @"$dir/kb.json" "http://127.0.0.1:$port/api/v1/bots/demo/knowledge/import"
echo
end=$(date +%s.%N)
wait "$load"
echo "import of $n items: $(python3 -c "print(round($end - $start, 1))") s"
grep -E "ack|answer|sent|errors" "$dir/load.txt"
