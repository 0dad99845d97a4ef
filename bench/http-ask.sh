#!/usr/bin/env bash
# HTTP `ask` throughput: starts a release Vigie on a fresh SQLite data dir and loads it
# with wrk (Debian package `wrk`) from the same 2-core machine. Prints wrk's figures.
# Usage: bench/http-ask.sh [connections] [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
conns=${1:-64}; secs=${2:-15}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cargo build --release -q
dir=$(mktemp -d)
port=18089
VIGIE_DATA_DIR="$dir" VIGIE_LISTEN="127.0.0.1:$port" VIGIE_LOG=warn VIGIE_MAX_CONNECTIONS_PER_ADDRESS=0 target/release/vigie serve >"$dir/out.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
wrk -t2 -c"$conns" -d"${secs}s" --latency -s bench/ask.lua "http://127.0.0.1:$port" | sed -n '1,20p'
