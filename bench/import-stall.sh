#!/usr/bin/env bash
# What a large knowledge import and its deploy cost the visitors chatting meanwhile:
# `vigie serve` on a fresh SQLite data dir, vigie-load sending visitor messages at a steady
# rate, and, once the load runs, the admin's import route
# (`POST /api/v1/bots/demo/knowledge/import`, with an API token) given N generated items
# (bench/gen-knowledge.py), then the deploy route (`POST /api/v1/bots/demo/deployments`: the
# snapshot written in parts, the matcher built and trained). Prints the import's and the
# deploy's times and the visitors' send→ack latency over the whole run: its max is how
# long the import or the deploy held a visitor's message.
# Usage: [DURATION=60] [DEPLOY=0: the import alone] bench/import-stall.sh [items=40000] [rate=200] (40,000 generated items: 18 MB, under
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
mport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
VIGIE_LISTEN="127.0.0.1:$port" VIGIE_METRICS_LISTEN="127.0.0.1:$mport" VIGIE_MAX_CONNECTIONS_PER_ADDRESS=0 VIGIE_HELLO_PER_MINUTE=0 "$vigie" serve >"$dir/out.log" 2>&1 &
pid=$!
for _ in $(seq 200); do grep -q "Bot \`demo\`" "$dir/out.log" 2>/dev/null && break; sleep 0.1; done
token=$("$vigie" token create --email admin@vigie.localhost --scope knowledge:write 2>/dev/null | tail -n 1)
admin=$("$vigie" token create --email admin@vigie.localhost --scope operator 2>/dev/null | tail -n 1)
[ -n "$token" ] && [ -n "$admin" ] || { echo "no API token" >&2; exit 1; }
target/release/vigie-load --url "ws://127.0.0.1:$port/ws/visitor" -c 100 -r "$rate" -d "${DURATION:-60}" >"$dir/load.txt" &
load=$!
sleep 8
start=$(date +%s.%N)
curl -sS --fail-with-body -H "Authorization: Bearer $token" -H 'content-type: application/json' \
    --data-binary @"$dir/kb.json" "http://127.0.0.1:$port/api/v1/bots/demo/knowledge/import"
echo
end=$(date +%s.%N)
if [ "${DEPLOY:-1}" = 1 ]; then
    curl -sS --fail-with-body -X POST -H "Authorization: Bearer $admin" \
        "http://127.0.0.1:$port/api/v1/bots/demo/deployments" | head -c 300
    echo
fi
deployed=$(date +%s.%N)
wait "$load"
echo "import of $n items: $(python3 -c "print(round($end - $start, 1))") s"
echo "deploy of the bot (its items and the import's): $(python3 -c "print(round($deployed - $end, 1))") s"
grep -E "ack|answer|sent|errors" "$dir/load.txt"
# The database's share of an ack: each message's wait for and time in the group-commit
# writer (`vigie_append_seconds`), and the writer's transactions; how many took over 50 ms.
curl -sS "http://127.0.0.1:$mport/metrics" | python3 -c '
import re, sys
text = sys.stdin.read()
for name, what in [("vigie_append_seconds", "messages waiting for their commit"),
                   ("vigie_writer_commit_seconds", "writer transactions")]:
    b = {le: int(n) for le, n in re.findall(name + r"_bucket\{le=\"([^\"]+)\"\} (\d+)", text)}
    total = b.get("+Inf", 0)
    under = max((n for le, n in b.items() if le != "+Inf" and float(le) <= 0.05), default=0)
    print(f"{what}: {total}, over 50 ms: {total - under}")
'
