#!/usr/bin/env bash
# WebSocket benchmark of Vigie's visitor protocol against a bare echo server (the floor).
#
#   crates/vigie-load/run-bench.sh [load] [VIGIE_URL]   # message load, ratio to the echo floor
#   crates/vigie-load/run-bench.sh idle [VIGIE_URL]     # idle connections, memory per connection
#
# VIGIE_URL defaults to ws://127.0.0.1:8080/ws/visitor; the Vigie server must already run
# there with a deployed bot (BOT, default demo), started with VIGIE_MAX_CONNECTIONS_PER_ADDRESS=0 VIGIE_HELLO_PER_MINUTE=0
# (every load client comes from one address). Tunables (environment):
#   CONNECTIONS=1000 RATE=1000 DURATION=20            load mode
#   IDLE_CONNECTIONS=10000 IDLE_DURATION=30           idle mode
#   VIGIE_PID   the server's pid for its RSS (found from the listening port if unset)
#   ECHO_LISTEN=127.0.0.1:9001  BOT=demo  OUT=dir for the JSON reports (default: a temp dir)
# Only loopback addresses are meant as targets. Builds with cargo (CARGO_TARGET_DIR honoured).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

mode=load
case "${1:-}" in
    load | idle) mode="$1"; shift ;;
    -h | --help) sed -n '2,14p' "$0"; exit 0 ;;
esac
url="${1:-ws://127.0.0.1:8080/ws/visitor}"
bot="${BOT:-demo}"
echo_listen="${ECHO_LISTEN:-127.0.0.1:9001}"
out="${OUT:-$(mktemp -d)}"
mkdir -p "$out"

echo "== building vigie-load and vigie-echo (release)" >&2
(cd "$root" && cargo build --release -q -p vigie-load)
bin="${CARGO_TARGET_DIR:-$root/target}/release"
[[ "$bin" = /* ]] || bin="$root/$bin"

echo_pid=""
cleanup() { [[ -n "$echo_pid" ]] && kill "$echo_pid" 2>/dev/null || true; }
trap cleanup EXIT
"$bin/vigie-echo" --listen "$echo_listen" 2>"$out/echo.log" &
echo_pid=$!
for _ in $(seq 50); do
    grep -q listening "$out/echo.log" 2>/dev/null && break
    sleep 0.1
done
kill -0 "$echo_pid" 2>/dev/null || { cat "$out/echo.log" >&2; exit 1; }

# pid of the process listening on the port of a ws:// URL (empty if not found)
listener_pid() {
    local hostport="${1#ws://}"
    hostport="${hostport%%/*}"
    ss -Hltnp "sport = :${hostport##*:}" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2
}

if [[ "$mode" == idle ]]; then
    n="${IDLE_CONNECTIONS:-10000}"
    d="${IDLE_DURATION:-30}"
    vpid="${VIGIE_PID:-$(listener_pid "$url")}"
    [[ -n "$vpid" ]] || echo "warning: Vigie's pid not found (set VIGIE_PID): no memory figure" >&2
    echo "== echo floor: $n idle connections for $d s" >&2
    "$bin/vigie-load" --mode echo --url "ws://$echo_listen" --connections "$n" --idle \
        --duration "$d" --pid "$echo_pid" --json >"$out/echo-idle.json"
    echo "== vigie $url: $n idle connections for $d s (pid ${vpid:-?})" >&2
    "$bin/vigie-load" --mode vigie --url "$url" --bot "$bot" --connections "$n" --idle \
        --duration "$d" ${vpid:+--pid "$vpid"} --json >"$out/vigie-idle.json"
    "$bin/vigie-load" --compare "$out/echo-idle.json" "$out/vigie-idle.json"
else
    n="${CONNECTIONS:-1000}"
    r="${RATE:-1000}"
    d="${DURATION:-20}"
    echo "== echo floor: $n connections, $r msg/s for $d s" >&2
    "$bin/vigie-load" --mode echo --url "ws://$echo_listen" --connections "$n" --rate "$r" \
        --duration "$d" --json >"$out/echo-load.json"
    echo "== vigie $url: $n connections, $r msg/s for $d s" >&2
    "$bin/vigie-load" --mode vigie --url "$url" --bot "$bot" --connections "$n" --rate "$r" \
        --duration "$d" --json >"$out/vigie-load.json"
    "$bin/vigie-load" --compare "$out/echo-load.json" "$out/vigie-load.json"
fi
echo "(JSON reports in $out)" >&2
