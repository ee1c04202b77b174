#!/usr/bin/env bash
# Compares the shiming HTTP server with nginx on a small JSON GET, on loopback.
#   host/http/bench/run_bench.sh BUILD_DIR [SECONDS] [ROUNDS] [--no-access-log]
# Server and nginx each get one worker pinned to CPU 0; wrk (64 connections)
# runs on CPU 1. Both write an access log to a file (or neither, with
# --no-access-log). Rounds alternate nginx and shiming so background load hits
# both alike; the ratio is of the summed req/s. Needs: wrk, nginx.
set -euo pipefail
BUILD=${1:?build dir}
SECS=${2:-10}
ROUNDS=${3:-3}
NOLOG=${4:-}
BIN="$BUILD/host/http/shiming-http-bench-server"
WORK=$(mktemp -d)
chmod 755 "$WORK"  # nginx workers run as an unprivileged user
trap 'kill $SRV_PID $NGX_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
SRV_PID=""; NGX_PID=""
BODY='{"status":"ok","service":"shiming","version":"0.1.0"}'
mkdir -p "$WORK/html/api/v1" "$WORK/logs"
printf '%s' "$BODY" > "$WORK/html/api/v1/ping"
cat > "$WORK/nginx.conf" <<CONF
worker_processes 1;
worker_cpu_affinity 0001;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/logs/error.log;
events { worker_connections 1024; }
http {
  access_log $( [ "$NOLOG" = --no-access-log ] && echo off || echo "$WORK/logs/access.log" );
  client_body_temp_path $WORK/cb; proxy_temp_path $WORK/px; fastcgi_temp_path $WORK/fc;
  uwsgi_temp_path $WORK/uw; scgi_temp_path $WORK/sc;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:18090;
    root $WORK/html;
    location /api/ { default_type application/json; add_header Cache-Control no-store; }
  }
}
CONF

run_wrk() {  # url label
  taskset -c 1 wrk -t2 -c64 -d"${SECS}s" --latency "$1" > "$WORK/wrk-$2.txt"
  local rps p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk-$2.txt")
  p99=$(awk '$1=="99%" {print $2}' "$WORK/wrk-$2.txt")
  echo "$2 req/s=$rps p99=$p99"
  echo "$rps" >> "$WORK/rps-$2"
}

taskset -c 0 nginx -p "$WORK" -c "$WORK/nginx.conf" & NGX_PID=$!
SRV_ARGS=(--port 18091 --threads 1 --log "$WORK/logs/shiming.log")
[ "$NOLOG" = --no-access-log ] && SRV_ARGS+=(--no-access-log)
taskset -c 0 "$BIN" "${SRV_ARGS[@]}" 2>/dev/null & SRV_PID=$!
sleep 1
curl -fsS http://127.0.0.1:18090/api/v1/ping >/dev/null
curl -fsS http://127.0.0.1:18091/api/v1/ping >/dev/null
# warm-up
taskset -c 1 wrk -t1 -c8 -d1s http://127.0.0.1:18090/api/v1/ping >/dev/null
taskset -c 1 wrk -t1 -c8 -d1s http://127.0.0.1:18091/api/v1/ping >/dev/null
for ((i = 1; i <= ROUNDS; i++)); do
  run_wrk http://127.0.0.1:18090/api/v1/ping nginx
  run_wrk http://127.0.0.1:18091/api/v1/ping shiming
done
sum() { awk '{s += $1} END {print s}' "$1"; }
echo "ratio shiming/nginx = $(awk -v a="$(sum "$WORK/rps-shiming")" -v b="$(sum "$WORK/rps-nginx")" 'BEGIN {printf "%.2f", a/b}')"
