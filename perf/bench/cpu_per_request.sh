#!/usr/bin/env bash
# javoy's CPU per proxied HTTP/1.1 request under variants (e.g. JDK 17 vs 25), alternated run by run so each
# sees the same machine load: a load-independent-enough comparison on a shared machine.
#
#   perf/bench/cpu_per_request.sh [--jar PATH] [--rounds 2] [--warm 10] [--secs 8] --variant 'NAME|ENV=VALUE|...' ...
#
# Each run: bin/javoy (benchmark config, --concurrency 1) pinned to CPU 1 with the variant's environment, an nginx
# backend and wrk -t1 -c64 on CPU 0; --warm s of load (JIT), then --secs s measured: the process's utime+stime
# delta (/proc/<pid>/stat, all threads) divided by the requests wrk completed. Loopback only; everything started
# here is stopped on exit.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR=""; ROUNDS=2; WARM=10; SECS=8; VARIANTS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --jar) JAR=$2; shift 2 ;; --rounds) ROUNDS=$2; shift 2 ;; --warm) WARM=$2; shift 2 ;;
    --secs) SECS=$2; shift 2 ;; --variant) VARIANTS+=("$2"); shift 2 ;;
    -h|--help) sed -n 2,10p "$0"; exit 0 ;; *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
((${#VARIANTS[@]})) || VARIANTS=("default")
[[ -n $JAR ]] || JAR=$(ls -t "$ROOT"/src/target*/javoy-*.jar | grep -v '/original-' | head -1)
JAR=$(readlink -f "$JAR")
RAW=$(mktemp -d /tmp/javoy-cpureq.XXXXXX)
fp() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
BP=$(fp); HP=$(fp); TP=$(fp); AP=$(fp); SP=$(fp)
mkdir -p "$RAW/tmp" "$RAW/tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
  -keyout "$RAW/tls/key.pem" -out "$RAW/tls/cert.pem" >/dev/null 2>&1
BODY=$(head -c 1024 /dev/zero | tr '\0' 'x')
cat >"$RAW/nginx.conf" <<CONF
worker_processes 1; daemon off; pid $RAW/nginx.pid; error_log $RAW/error.log warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 100000000; keepalive_timeout 600s;
 client_body_temp_path $RAW/tmp; proxy_temp_path $RAW/tmp; fastcgi_temp_path $RAW/tmp; uwsgi_temp_path $RAW/tmp; scgi_temp_path $RAW/tmp;
 server { listen 127.0.0.1:$BP backlog=4096; location / { default_type text/plain; return 200 "$BODY"; } } }
CONF
sed -e "s|@JAVOY_ADMIN_PORT@|$AP|g; s|@JAVOY_HTTP_PORT@|$HP|g; s|@JAVOY_TCP_PORT@|$TP|g; s|@JAVOY_TLS_PORT@|$SP|g" \
  -e "s|@BACKEND_PORT@|$BP|g; s|@RUN@|$RAW|g" "$ROOT/perf/bench/conf/javoy.yaml" >"$RAW/javoy.yaml"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$RAW"; }
trap cleanup EXIT
PATH="$PATH:/usr/sbin" taskset -c 0 nginx -p "$RAW" -c "$RAW/nginx.conf" >"$RAW/nginx.log" 2>&1 &
PIDS+=($!)
ticks() { awk '{s=$0; sub(/.*\) /, "", s); split(s, f, " "); print f[12] + f[13]}' /proc/"$1"/stat; }
HZ=$(getconf CLK_TCK)
declare -A RES
for ((r = 0; r < ROUNDS; r++)); do
  for ((i = 0; i < ${#VARIANTS[@]}; i++)); do
    IFS='|' read -r -a env <<<"${VARIANTS[$i]}"
    name=${env[0]}; env=("${env[@]:1}")
    env JAVOY_JAR="$JAR" JAVOY_CDS="$RAW/cds-$i" "${env[@]}" taskset -c 1 "$ROOT/bin/javoy" \
      -c "$RAW/javoy.yaml" --concurrency 1 -l warning >>"$RAW/javoy-$name.log" 2>&1 &
    pid=$!; PIDS+=("$pid")
    for ((k = 0; k < 3000; k++)); do curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$HP/" 2>/dev/null && break; sleep 0.01; done
    taskset -c 0 wrk -t1 -c64 -d"${WARM}s" "http://127.0.0.1:$HP/" >/dev/null 2>&1 || true
    t0=$(ticks "$pid")
    out=$(taskset -c 0 wrk -t1 -c64 -d"${SECS}s" "http://127.0.0.1:$HP/" 2>&1 || true)
    t1=$(ticks "$pid")
    req=$(awk '/requests in/ {print $1}' <<<"$out")
    us=$(awk -v t=$((t1 - t0)) -v hz="$HZ" -v n="${req:-0}" 'BEGIN { if (n > 0) printf "%.2f", t * 1e6 / hz / n; else print "-" }')
    echo "round $r $name requests $req cpu_us_per_request $us (load $(cut -d' ' -f1 /proc/loadavg))"
    RES[$name]+="$us "
    kill -TERM "$pid" 2>/dev/null || true
    for ((k = 0; k < 600; k++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
  done
done
for v in "${VARIANTS[@]}"; do n=${v%%|*}; echo "cpu_us_per_request $n: ${RES[$n]}"; done
