#!/usr/bin/env bash
# CPU time per proxied request, javoy jar(s) against nginx, in the same minutes (interleaved rounds), for a
# shared machine where wall-clock throughput is noise: CPU is utime+stime of each proxy's process tree from
# /proc/<pid>/stat before and after a fixed number of requests; the ratio to nginx in the same round is the figure.
#
#   perf/bench/cpu-ratio.sh [--rounds 3] [-n 30000] [--h2] JAR [JAR...]
#
# Everything on 127.0.0.1: backend nginx (1 KiB `return 200`) and h2load on CPU 0, each proxy on CPU 1
# (javoy --concurrency 1, nginx worker_processes 1, upstream keepalive), h2load --h1 -c 10 (or h2c -m 10 with --h2).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ROUNDS=3
N=30000
H2=0
JARS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    -n) N=$2; shift 2 ;;
    --h2) H2=1; shift ;;
    -h|--help) sed -n 2,10p "$0"; exit 0 ;;
    *) JARS+=("$1"); shift ;;
  esac
done
(( ${#JARS[@]} > 0 )) || { echo "give at least one javoy jar" >&2; exit 2; }
RAW=$(mktemp -d /tmp/cpu-ratio.XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

BACKEND=$(free_port)
BODY=$(head -c 1024 /dev/zero | tr '\0' 'x')
mkdir -p "$RAW/backend/tmp" "$RAW/nginx/tmp"
cat >"$RAW/backend/nginx.conf" <<CONF
worker_processes 1; daemon off; pid $RAW/backend/nginx.pid; error_log $RAW/backend/error.log warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 100000000; keepalive_timeout 600s;
  client_body_temp_path $RAW/backend/tmp; proxy_temp_path $RAW/backend/tmp; fastcgi_temp_path $RAW/backend/tmp;
  uwsgi_temp_path $RAW/backend/tmp; scgi_temp_path $RAW/backend/tmp;
  server { listen 127.0.0.1:$BACKEND backlog=4096; location / { default_type text/plain; return 200 "$BODY"; } } }
CONF
taskset -c 0 nginx -p "$RAW/backend" -c "$RAW/backend/nginx.conf" >"$RAW/backend.log" 2>&1 &
PIDS+=($!)

NGINX_PORT=$(free_port)
cat >"$RAW/nginx/nginx.conf" <<CONF
worker_processes 1; daemon off; pid $RAW/nginx/nginx.pid; error_log $RAW/nginx/error.log warn;
events { worker_connections 8192; }
http { access_log off; keepalive_requests 100000000; keepalive_timeout 600s;
  client_body_temp_path $RAW/nginx/tmp; proxy_temp_path $RAW/nginx/tmp; fastcgi_temp_path $RAW/nginx/tmp;
  uwsgi_temp_path $RAW/nginx/tmp; scgi_temp_path $RAW/nginx/tmp;
  upstream backend { server 127.0.0.1:$BACKEND; keepalive 64; keepalive_requests 100000000; keepalive_timeout 600s; }
  server { listen 127.0.0.1:$NGINX_PORT backlog=4096; listen 127.0.0.1:$((NGINX_PORT)) http2 backlog=4096;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; } } }
CONF
if (( H2 )); then
  sed -i "s/listen 127.0.0.1:$NGINX_PORT backlog=4096; //" "$RAW/nginx/nginx.conf"
else
  sed -i "s/ listen 127.0.0.1:$NGINX_PORT http2 backlog=4096;//" "$RAW/nginx/nginx.conf"
fi
taskset -c 1 nginx -p "$RAW/nginx" -c "$RAW/nginx/nginx.conf" >"$RAW/nginx.log" 2>&1 &
NGINX_PID=$!
PIDS+=($NGINX_PID)

NAMES=(nginx); PORTS=($NGINX_PORT); TPIDS=($NGINX_PID)
i=0
for jar in "${JARS[@]}"; do
  port=$(free_port); admin=$(free_port)
  sed -e "s/ADMIN_PORT/$admin/; s/HTTP_PORT/$port/; s/BACKEND_PORT/$BACKEND/" >"$RAW/javoy$i.yaml" <<'CONF'
admin: { address: { socket_address: { address: 127.0.0.1, port_value: ADMIN_PORT } } }
static_resources:
  listeners:
  - name: http
    address: { socket_address: { address: 127.0.0.1, port_value: HTTP_PORT } }
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: ingress_http
          codec_type: AUTO
          route_config:
            virtual_hosts:
            - { name: backend, domains: ["*"], routes: [ { match: { prefix: "/" }, route: { cluster: backend } } ] }
          http_filters:
          - { name: envoy.filters.http.router, typed_config: { "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router } }
  clusters:
  - name: backend
    type: STATIC
    connect_timeout: 5s
    load_assignment:
      cluster_name: backend
      endpoints: [ { lb_endpoints: [ { endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: BACKEND_PORT } } } } ] } ]
CONF
  taskset -c 1 java -XX:+UseSerialGC -Xms32m -Xmn4m -XX:MaxTenuringThreshold=1 -XX:-UsePerfData \
    -Dio.netty.leakDetection.level=disabled -jar "$jar" -c "$RAW/javoy$i.yaml" --concurrency 1 -l warning \
    >"$RAW/javoy$i.log" 2>&1 &
  TPIDS+=($!); PIDS+=($!); NAMES+=("$(basename "$jar")"); PORTS+=($port)
  i=$((i + 1))
done
for p in "${PORTS[@]}"; do
  for ((k = 0; k < 300; k++)); do curl -fsS -o /dev/null "http://127.0.0.1:$p/" 2>/dev/null && break; sleep 0.1; done
done

cpu_ticks() { # sum of utime+stime over the process and its children
  local total=0 p
  for p in $1 $(pgrep -P "$1" || true); do
    read -r -a f <"/proc/$p/stat" || continue
    total=$((total + f[13] + f[14]))
  done
  echo $total
}
load() { # PORT REQUESTS
  if (( H2 )); then taskset -c 0 h2load -n "$2" -c 10 -m 10 "http://127.0.0.1:$1/"
  else taskset -c 0 h2load --h1 -n "$2" -c 10 "http://127.0.0.1:$1/"; fi
}
HZ=$(getconf CLK_TCK)
echo "warm-up" >&2
for idx in "${!PORTS[@]}"; do load "${PORTS[$idx]}" $((N * 2)) >/dev/null; done
printf 'round'; for n in "${NAMES[@]}"; do printf '\t%s us/req' "$n"; done; printf '\n'
for ((r = 1; r <= ROUNDS; r++)); do
  printf '%d' $r
  for idx in "${!PORTS[@]}"; do
    before=$(cpu_ticks "${TPIDS[$idx]}")
    out=$(load "${PORTS[$idx]}" "$N")
    after=$(cpu_ticks "${TPIDS[$idx]}")
    ok=$(sed -n 's/.* \([0-9]*\) succeeded.*/\1/p' <<<"$out")
    python3 -c "import sys; print('\t%.2f' % (($after - $before) * 1e6 / $HZ / max(1, $ok)), end='')"
  done
  printf '\n'
done
echo "raw: $RAW" >&2
