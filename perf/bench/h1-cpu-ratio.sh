#!/usr/bin/env bash
# CPU per proxied HTTP/1.1 keep-alive request, javoy against nginx in the same minutes (ratio), for a loaded
# machine where absolute figures are noise: one nginx backend (1 KiB `return 200`, CPU 0), javoy and an nginx proxy
# (`worker_processes 1`, upstream keepalive) both pinned to CPU 1, h2load (CPU 0) alternating between them.
# CPU = utime+stime of the proxy's process (all threads; nginx: master+worker) from /proc, per successful request.
#
#   perf/bench/h1-cpu-ratio.sh --jar PATH [-n REQUESTS] [--rounds R] [--warmup REQUESTS] [-c CONNS] [--jar2 PATH]
#                              [--java PATH] [--opts 'JVM FLAGS'] [--opts2 'JVM FLAGS']
#
# With --jar2 a second javoy runs too (same rounds): before/after jars compared in the same minutes. --opts/--opts2
# add JVM flags to the first/second javoy (the same jar twice with different flags: --jar2 PATH --opts2 ...);
# --java picks the java binary (default: java on PATH).
# Prints one line per round and target: requests, CPU seconds, µs per request, ratio to nginx.
set -euo pipefail

N=30000
ROUNDS=3
WARMUP=40000
CONNS=10
JAR=""
JAR2=""
JAVA_BIN=java
OPTS1=""
OPTS2=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --jar) JAR=$2; shift 2 ;;
    --jar2) JAR2=$2; shift 2 ;;
    -n) N=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    -c) CONNS=$2; shift 2 ;;
    --java) JAVA_BIN=$2; shift 2 ;;
    --opts) OPTS1=$2; shift 2 ;;
    --opts2) OPTS2=$2; shift 2 ;;
    -h|--help) sed -n 2,13p "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -n $JAR ]] || { echo "--jar is required" >&2; exit 2; }
RUN=$(mktemp -d /tmp/h1cpu.XXXXXX)
mkdir -p "$RUN/backend/tmp" "$RUN/nginx/tmp"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
BACKEND_PORT=$(free_port); NGINX_PORT=$(free_port)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

BODY=$(head -c 1024 /dev/zero | tr '\0' 'x')
TEMPS="client_body_temp_path @D@/tmp; proxy_temp_path @D@/tmp; fastcgi_temp_path @D@/tmp; uwsgi_temp_path @D@/tmp; scgi_temp_path @D@/tmp;"
cat >"$RUN/backend/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $RUN/backend/nginx.pid;
error_log $RUN/backend/error.log warn;
events { worker_connections 4096; }
http {
  access_log off; keepalive_requests 100000000; keepalive_timeout 600s;
  ${TEMPS//@D@/$RUN/backend}
  server { listen 127.0.0.1:$BACKEND_PORT backlog=4096; location / { default_type text/plain; return 200 "$BODY"; } }
}
CONF
cat >"$RUN/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $RUN/nginx/nginx.pid;
error_log $RUN/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off; keepalive_requests 100000000; keepalive_timeout 600s;
  ${TEMPS//@D@/$RUN/nginx}
  upstream backend { server 127.0.0.1:$BACKEND_PORT; keepalive 64; keepalive_requests 100000000; keepalive_timeout 600s; }
  server {
    listen 127.0.0.1:$NGINX_PORT backlog=4096;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
CONF
taskset -c 0 nginx -p "$RUN/backend" -c "$RUN/backend/nginx.conf" >"$RUN/backend.log" 2>&1 &
PIDS+=($!)
taskset -c 1 nginx -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf" >"$RUN/nginx.log" 2>&1 &
NGINX_PID=$!
PIDS+=($NGINX_PID)

start_javoy() { # name jar -> sets PORT_<name>, PID_<name>
  local name=$1 jar=$2 port admin
  port=$(free_port); admin=$(free_port)
  cat >"$RUN/$name.yaml" <<CONF
admin: { address: { socket_address: { address: 127.0.0.1, port_value: $admin } } }
static_resources:
  listeners:
  - name: http
    address: { socket_address: { address: 127.0.0.1, port_value: $port } }
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: ingress_http
          codec_type: AUTO
          route_config: { virtual_hosts: [ { name: b, domains: ["*"], routes: [ { match: { prefix: "/" }, route: { cluster: backend } } ] } ] }
          http_filters:
          - name: envoy.filters.http.router
            typed_config: { "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router }
  clusters:
  - name: backend
    type: STATIC
    connect_timeout: 5s
    load_assignment: { cluster_name: backend, endpoints: [ { lb_endpoints: [ { endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: $BACKEND_PORT } } } } ] } ] }
CONF
  local extra=$OPTS1
  [[ $name == javoy2 ]] && extra=$OPTS2
  # shellcheck disable=SC2086
  taskset -c 1 "$JAVA_BIN" -XX:+UseSerialGC -Xms32m -Xmn4m -XX:MaxTenuringThreshold=1 -Dio.netty.leakDetection.level=disabled \
    $extra -jar "$jar" -c "$RUN/$name.yaml" --concurrency 1 -l warning >"$RUN/$name.log" 2>&1 &
  local pid=$!
  PIDS+=($pid)
  eval "PORT_$name=$port; PID_$name=$pid"
}
start_javoy javoy "$JAR"
TARGETS=(javoy nginx)
if [[ -n $JAR2 ]]; then start_javoy javoy2 "$JAR2"; TARGETS=(javoy javoy2 nginx); fi
PORT_nginx=$NGINX_PORT
PID_nginx=$NGINX_PID

wait_up() {
  for ((i = 0; i < 600; i++)); do
    curl -fsS -o /dev/null "http://127.0.0.1:$1/" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "not serving on $1" >&2; exit 1
}
cpu_ticks() { # the process tree of $1: utime+stime of each process (all its threads)
  local total=0 p
  for p in $1 $(pgrep -P "$1" || true); do
    read -r -a f <"/proc/$p/stat"
    total=$((total + f[13] + f[14]))
  done
  echo $total
}
HZ=$(getconf CLK_TCK)
load() { taskset -c 0 timeout 300 h2load --h1 -n "$2" -c "$CONNS" "http://127.0.0.1:$1/" 2>&1; }
for t in "${TARGETS[@]}"; do
  port_var=PORT_$t; wait_up "${!port_var}"
  [[ $t == nginx ]] || load "${!port_var}" "$WARMUP" >/dev/null
done
echo "round target requests cpu_s us_per_req ratio_to_nginx"
for ((r = 1; r <= ROUNDS; r++)); do
  declare -A US=()
  for t in "${TARGETS[@]}"; do
    port_var=PORT_$t; pid_var=PID_$t
    before=$(cpu_ticks "${!pid_var}")
    out=$(load "${!port_var}" "$N")
    after=$(cpu_ticks "${!pid_var}")
    ok=$(sed -n 's/.*requests: [0-9]* total, [0-9]* started, [0-9]* done, \([0-9]*\) succeeded.*/\1/p' <<<"$out")
    US[$t]=$(python3 -c "print(round(($after-$before)/$HZ/max(1,$ok)*1e6, 2))")
    echo "$r $t $ok $(python3 -c "print(($after-$before)/$HZ)") ${US[$t]}"
  done
  for t in "${TARGETS[@]}"; do
    [[ $t == nginx ]] || echo "$r $t/nginx ratio $(python3 -c "print(round(${US[$t]}/${US[nginx]}, 3))")"
  done
done
