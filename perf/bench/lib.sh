# perf/bench/lib.sh — the set-up the small benchmark scripts share (sourced, not run): free loopback ports, the nginx
# backend (1 KiB `return 200`), an nginx proxy, javoy's router-only config, starting javoy through bin/javoy or a
# plain `java -jar`, waiting until a port serves, and a process tree's CPU ticks. Everything listens on 127.0.0.1;
# every process started through these functions is in BENCH_PIDS and stopped by bench_cleanup (the sourcing
# script sets `trap bench_cleanup EXIT`). Pinning: backend and load on CPU 0, the proxy under test on CPU 1, as in
# run.sh.

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_PIDS=()
BENCH_BODY=$(head -c 1024 /dev/zero | tr '\0' 'x')
BENCH_HZ=$(getconf CLK_TCK)

bench_cleanup() {
  local p
  for p in "${BENCH_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# The newest javoy jar built in this checkout (any build directory).
bench_default_jar() {
  ls -t "$BENCH_ROOT"/src/target*/javoy-*.jar 2>/dev/null | grep -v '/original-' | head -1
}

bench_require() { # TOOL...
  local t
  for t in "$@"; do
    command -v "$t" >/dev/null || { echo "missing $t (apt-get install nginx nghttp2-client wrk curl openjdk-17-jdk-headless)" >&2; exit 1; }
  done
}

_nginx_head() { # DIR
  echo "worker_processes 1; daemon off; pid $1/nginx.pid; error_log $1/error.log warn;"
  echo "events { worker_connections 8192; }"
}
_nginx_http_common() { # DIR
  echo "access_log off; keepalive_requests 100000000; keepalive_timeout 600s;"
  echo "client_body_temp_path $1/tmp; proxy_temp_path $1/tmp; fastcgi_temp_path $1/tmp; uwsgi_temp_path $1/tmp; scgi_temp_path $1/tmp;"
}

# start_backend DIR PORT: nginx answering every request with 200 and a 1 KiB body, on CPU 0. Sets BACKEND_PID.
start_backend() {
  local dir=$1 port=$2
  mkdir -p "$dir/tmp"
  { _nginx_head "$dir"; echo "http {"; _nginx_http_common "$dir"
    echo "server { listen 127.0.0.1:$port backlog=4096; location / { default_type text/plain; return 200 \"$BENCH_BODY\"; } } }"
  } >"$dir/nginx.conf"
  PATH="$PATH:/usr/sbin" taskset -c 0 nginx -p "$dir" -c "$dir/nginx.conf" >"$dir/nginx.log" 2>&1 &
  BACKEND_PID=$!
  BENCH_PIDS+=("$BACKEND_PID")
}

# start_nginx_proxy DIR PORT BACKEND_PORT [h2]: nginx proxying to the backend with upstream keep-alive, one worker,
# on CPU 1 (h2: the listener speaks h2c with prior knowledge). Sets NGINX_PID.
start_nginx_proxy() {
  local dir=$1 port=$2 backend=$3 h2=${4:-}
  mkdir -p "$dir/tmp"
  { _nginx_head "$dir"; echo "http {"; _nginx_http_common "$dir"
    echo "upstream backend { server 127.0.0.1:$backend; keepalive 64; keepalive_requests 100000000; keepalive_timeout 600s; }"
    echo "server { listen 127.0.0.1:$port${h2:+ http2} backlog=4096;"
    echo "  location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection \"\"; } } }"
  } >"$dir/nginx.conf"
  PATH="$PATH:/usr/sbin" taskset -c 1 nginx -p "$dir" -c "$dir/nginx.conf" >"$dir/nginx.log" 2>&1 &
  NGINX_PID=$!
  BENCH_PIDS+=("$NGINX_PID")
}

# write_router_config FILE HTTP_PORT ADMIN_PORT BACKEND_PORT: javoy's benchmark chain — one HCM listener
# (codec_type AUTO), route "/" to a STATIC cluster with the backend, HTTP filters: router only, no access log.
write_router_config() {
  cat >"$1" <<CONF
admin: { address: { socket_address: { address: 127.0.0.1, port_value: $3 } } }
static_resources:
  listeners:
  - name: http
    address: { socket_address: { address: 127.0.0.1, port_value: $2 } }
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
      endpoints: [ { lb_endpoints: [ { endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: $4 } } } } ] } ]
CONF
}

# start_javoy_launcher JAR CONFIG LOG [ENV=VALUE...]: javoy through bin/javoy (its JDK choice and JVM flags, as
# run.sh and users run it), --concurrency 1, on CPU 1; no class-data archive unless the environment sets
# JAVOY_CDS. Sets JAVOY_PID (the launcher execs java, so it is the JVM's pid).
start_javoy_launcher() {
  local jar=$1 config=$2 log=$3 a envs=() args=()
  shift 3
  # JAVOY_ARGS=... among the assignments: javoy arguments, not environment (e.g. a cpu-ratio.sh variant
  # 'iou|JAVOY_ARGS=--transport io_uring')
  for a in "$@"; do
    case $a in JAVOY_ARGS=*) read -r -a args <<<"${a#JAVOY_ARGS=}" ;; *) envs+=("$a") ;; esac
  done
  env JAVOY_JAR="$jar" JAVOY_CDS=off "${envs[@]}" taskset -c 1 "$BENCH_ROOT/bin/javoy" -c "$config" --concurrency 1 \
    -l warning "${args[@]}" >"$log" 2>&1 &
  JAVOY_PID=$!
  BENCH_PIDS+=("$JAVOY_PID")
}

# start_javoy_java JAR CONFIG LOG [JVM FLAG...]: javoy as `java [flags] -jar JAR` with java on PATH (the JDK whose
# jcmd/jfr the script uses), --concurrency 1, on CPU 1. Sets JAVOY_PID.
start_javoy_java() {
  local jar=$1 config=$2 log=$3
  shift 3
  taskset -c 1 java "$@" -jar "$jar" -c "$config" --concurrency 1 -l warning >"$log" 2>&1 &
  JAVOY_PID=$!
  BENCH_PIDS+=("$JAVOY_PID")
}

# wait_http PORT [PID LOG [CURL OPTION...]]: until http://127.0.0.1:PORT/ answers 2xx (at most 60 s); with PID,
# fail early when that process exits (pointing at LOG). E.g. --http2-prior-knowledge for an h2c-only listener.
wait_http() {
  local port=$1 pid=${2:-} log=${3:-} i
  shift $(($# < 3 ? $# : 3))
  for ((i = 0; i < 600; i++)); do
    curl -fsS -o /dev/null --max-time 2 "$@" "http://127.0.0.1:$port/" 2>/dev/null && return 0
    if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then echo "process $pid exited; see $log" >&2; exit 1; fi
    sleep 0.1
  done
  echo "nothing serving on 127.0.0.1:$port after 60 s${log:+; see $log}" >&2
  exit 1
}

# cpu_ticks PID: utime+stime (clock ticks) of PID and its child processes, all threads (nginx: master + worker).
cpu_ticks() {
  local total=0 p s
  for p in $1 $(pgrep -P "$1" || true); do
    s=$(cat "/proc/$p/stat" 2>/dev/null) || continue
    s=${s##*) }
    read -r -a f <<<"$s"
    total=$((total + f[11] + f[12]))
  done
  echo $total
}

# h2load_succeeded OUTPUT: the "succeeded" count of an h2load run's output.
h2load_succeeded() {
  sed -n 's/.*requests: [0-9]* total, [0-9]* started, [0-9]* done, \([0-9]*\) succeeded.*/\1/p' <<<"$1"
}
