#!/usr/bin/env bash
# Load benchmark (issue 2): the host on SQLite answers GET /api/v1/cases/{id}
# for 10,000 cases under wrk (64 connections, 20 s); in the same run nginx
# serves a static JSON file of the same size. Prints req/s, p50, p99, the
# host's peak RSS and the ratio to nginx.
#
# wrk, the server and everything else on the machine share its cores, so the
# ratio also depends on how the scheduler splits them. Printed beside it: the
# CPU time each server and wrk used per request (user+system, from /proc and
# time(1)), which does not, and the load average before each run.
#
#   tests/bench/load/load_bench.sh [BUILD_DIR]     (default build/release)
# Env: CASES=10000 DURATION=20s CONNECTIONS=64 THREADS=2 CONFIG=host.yaml (default: the integration one)
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
build="${1:-$root/build/release}"
cases="${CASES:-10000}"; duration="${DURATION:-20s}"; conns="${CONNECTIONS:-64}"; threads="${THREADS:-2}"
for tool in wrk nginx python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install wrk nginx)"; exit 2; }
done
work="$(mktemp -d)"
host_pid=""; nginx_started=""
cleanup() {
  [ -n "$host_pid" ] && kill "$host_pid" 2>/dev/null && wait "$host_pid" 2>/dev/null || true
  [ -n "$nginx_started" ] && nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -s stop 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$build/host/app/shiming-host" --config "${CONFIG:-$root/tests/integration/config/host.yaml}" \
  --listen "127.0.0.1:$port" --database "sqlite:$work/bench.db" --data-dir "$work" \
  --plugin-dir "$build/plugins" >"$work/host.out" 2>&1 &
host_pid=$!
for _ in $(seq 100); do grep -q '"listening"' "$work/host.out" 2>/dev/null && break; sleep 0.1; done
grep -q '"listening"' "$work/host.out" || { cat "$work/host.out"; exit 1; }

echo "creating $cases cases ..."
python3 "$root/tests/bench/load/make_cases.py" "http://127.0.0.1:$port" "$cases" "$work/cases.txt"
sample_id=$(head -1 "$work/cases.txt" | cut -d' ' -f1); sample_token=$(head -1 "$work/cases.txt" | cut -d' ' -f2)
curl -s -H "Authorization: Bearer $sample_token" "http://127.0.0.1:$port/api/v1/cases/$sample_id" > "$work/sample.json"
size=$(stat -c %s "$work/sample.json")

cpu_ticks() {  # pids... -> their user+system clock ticks so far
  local t=0 pid
  for pid in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0))); done
  echo "$t"
}
run_wrk() {  # url label server-pids...
  local url=$1 label=$2; shift 2
  cut -d' ' -f1 /proc/loadavg > "$work/$label.load"
  local before; before=$(cpu_ticks "$@")
  /usr/bin/time -f '%U %S' -o "$work/$label.wrkcpu" \
    wrk -t"$threads" -c"$conns" -d"$duration" --latency -s "$root/tests/bench/load/cases.lua" "$url" -- "$work/cases.txt" \
    > "$work/$label.wrk" 2>&1 || true
  echo $(( $(cpu_ticks "$@") - before )) > "$work/$label.ticks"
}
per_req_us() {  # label rps -> "server-us wrk-us" CPU per request
  python3 - "$work/$1" "$2" "$(getconf CLK_TCK)" "$duration" <<'PY'
import sys
base, rps, hz, dur = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
secs = float(dur[:-1]) * {'s': 1, 'm': 60}[dur[-1]] if dur[-1] in 'sm' else float(dur)
n = max(rps * secs, 1)
server = int(open(base + '.ticks').read()) / hz
wrk = sum(map(float, open(base + '.wrkcpu').read().split()[-2:]))
print(f"{server / n * 1e6:.1f} {wrk / n * 1e6:.1f}")
PY
}
parse() {  # file -> "rps p50 p99" (ms)
  python3 - "$1" <<'PY'
import re,sys
t=open(sys.argv[1]).read()
def ms(v,u): return float(v)*{'us':0.001,'ms':1,'s':1000}[u]
rps=float(re.search(r'Requests/sec:\s+([\d.]+)',t).group(1))
lat={k:ms(v,u) for k,v,u in re.findall(r'\s(50|99)%\s+([\d.]+)(us|ms|s)',t)}
non2xx=re.search(r'Non-2xx or 3xx responses:\s+(\d+)',t)
print(rps, lat.get('50',0), lat.get('99',0), non2xx.group(1) if non2xx else 0)
PY
}

echo "host: wrk -t$threads -c$conns -d$duration GET /api/v1/cases/{id} ..."
run_wrk "http://127.0.0.1:$port" host "$host_pid"
read -r h_rps h_p50 h_p99 h_bad < <(parse "$work/host.wrk")
read -r h_cpu h_wrk < <(per_req_us host "$h_rps")
h_rss=$(awk '/VmHWM/{print $2}' "/proc/$host_pid/status")

mkdir -p "$work/nginx/www/api/v1/cases" "$work/nginx/logs"
nport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
while read -r id _; do cp "$work/sample.json" "$work/nginx/www/api/v1/cases/$id"; done < <(head -200 "$work/cases.txt")
cat > "$work/nginx/nginx.conf" <<NGX
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body; proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fcgi; uwsgi_temp_path $work/nginx/uwsgi; scgi_temp_path $work/nginx/scgi;
  default_type application/json;
  server { listen 127.0.0.1:$nport; root $work/nginx/www; location / { try_files /api/v1/cases/$sample_id =404; } }
}
NGX
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf"; nginx_started=1
echo "nginx: same wrk against a static JSON file of $size bytes ..."
run_wrk "http://127.0.0.1:$nport" nginx $(cat "$work/nginx/nginx.pid") $(pgrep -P "$(cat "$work/nginx/nginx.pid")")
read -r n_rps n_p50 n_p99 _ < <(parse "$work/nginx.wrk")
read -r n_cpu n_wrk < <(per_req_us nginx "$n_rps")

python3 - <<PY
h_rps,n_rps=$h_rps,$n_rps
print(f"cases={$cases} body={$size}B connections={$conns} threads={$threads} duration=$duration")
print(f"host : {h_rps:10.0f} req/s  p50 {$h_p50:.2f} ms  p99 {$h_p99:.2f} ms  non-2xx {$h_bad}  peak RSS {$h_rss/1024:.1f} MB")
print(f"       CPU per request: host {$h_cpu} us, wrk {$h_wrk} us; load average before: $(cat "$work/host.load")")
print(f"nginx: {n_rps:10.0f} req/s  p50 {$n_p50:.2f} ms  p99 {$n_p99:.2f} ms")
print(f"       CPU per request: nginx {$n_cpu} us, wrk {$n_wrk} us; load average before: $(cat "$work/nginx.load")")
print(f"ratio host/nginx: {h_rps/n_rps:.2f} (target >= 0.80); p99 target < 10 ms; RSS target < 200 MB")
print(f"CPU per request nginx/host: {$n_cpu/max($h_cpu, 0.001):.2f} (the same ratio with the cores shared out evenly)")
PY
