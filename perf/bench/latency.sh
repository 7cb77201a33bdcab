#!/usr/bin/env bash
# perf/bench/latency.sh — where javoy's added latency and CPU per request at a fixed rate go, against nginx in the
# same minutes. A shortened copy of run.sh's fixed-rate scenario (h2load --h1 -c16 --rps, proxies pinned alone to
# CPU 1, load and backend on CPU 0), in interleaved rounds, plus load-independent attribution.
#
#   perf/bench/latency.sh [--javoy 'NAME|JAR|JAVA_OPTS'] ... [--rounds N] [--dur S] [--rate R] [--conns C]
#                         [--warmup N] [--attribute] [--out FILE]
#
#   --javoy 'NAME|JAR|OPTS[|ARGS]'  a javoy to measure, run through bin/javoy with JAVOY_JAR=JAR and
#                         JAVOY_JAVA_OPTS=OPTS, ARGS appended to javoy's command line (e.g. '--transport io_uring')
#                         (repeatable: several javoys run side by side on CPU 1, one measured at a time, e.g. two jars
#                         or two flag sets). Default: one, "javoy", the newest src/target*/javoy-*.jar, no extra opts.
#   --rounds N            interleaved rounds of direct, nginx, each javoy (default 3); medians reported
#   --dur S               seconds per fixed-rate run (default 10)
#   --rate R              total requests/s (default 1000) over --conns connections (default 16)
#   --warmup N            saturating HTTP/1.1 requests per javoy before measuring (default 60000)
#   --attribute           after the rounds: per-thread CPU, context switches and page faults of each javoy over one
#                         run; a 2 s `perf record` of scheduler and syscall tracepoints of each proxy's worker (syscalls,
#                         epoll returns and wake-ups per request, on-CPU time per burst, the user time from reading the
#                         first request of a burst to writing it upstream)
#   --profile             with --attribute: also sample the worker's stacks' leaf (perf cpu-clock every 20 µs, JIT
#                         code named through `jcmd Compiler.perfmap`) and split the samples by phase of a burst: wake-up
#                         → first read, first read → its upstream write, the rest (where a burst's first request goes)
#   --out FILE            also write the report there (markdown)
#
# Every javoy logs its GC pauses and safepoints (-Xlog:gc,safepoint with the monotonic clock in ns, aligned to the wall
# clock): the report gives the pauses during the measured runs (count, median, p99, max, how many > 1 ms; a pause is
# its safepoint's total: reaching it + the collection) and the share of requests that were in flight during a pause.
# The share depends on allocation per request and the young generation's size, not on the machine's load; pause
# lengths do depend on it. What does not: the VM thread's own CPU time per safepoint over the runs (its schedstat;
# the VM thread runs nothing but safepoint operations here) = the pause's work, and its involuntary context switches
# (each one a pause stretched by another process taking the CPU).
#
# h2load's --rps fires all connections' requests together every 1/rps s (bursts of --conns requests); the report
# shows the median latency by position in a burst, which tells whether a proxy waits (latency grows with position
# less than its CPU would explain) or computes (the burst's requests leave together, after the whole burst's work).
# The machine's load is reported as the share of CPU 1 used by other processes during each run (/proc/stat).
# Raw files: perf/results/raw/<stamp>-latency/ (gitignored). Needs nginx, h2load, curl, python3; --attribute: perf.
set -uo pipefail
export PATH="$PATH:/usr/sbin:/sbin"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CMDLINE="perf/bench/latency.sh${*:+ $*}"
ROUNDS=3
DUR=10
RATE=1000
CONNS=16
WARMUP=60000
ATTRIBUTE=0
PROFILE=0
OUT=""
JAVOYS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --javoy) JAVOYS+=("$2"); shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --dur) DUR=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --conns) CONNS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --attribute) ATTRIBUTE=1; shift ;;
    --profile) ATTRIBUTE=1; PROFILE=1; shift ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) sed -n 2,36p "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
for t in nginx h2load curl python3 taskset; do
  command -v $t >/dev/null || { echo "missing $t" >&2; exit 1; }
done
if (( ${#JAVOYS[@]} == 0 )); then
  jar=$(ls -t "$ROOT"/src/target*/javoy-*.jar 2>/dev/null | grep -v '/original-' | head -1 || true)
  [[ -n $jar ]] || { echo "no src/target*/javoy-*.jar; build one or pass --javoy" >&2; exit 1; }
  JAVOYS=("javoy|$jar|")
fi

STAMP=$(date -u +%F_%H%M%S)
RAW=$ROOT/perf/results/raw/$STAMP-latency
mkdir -p "$RAW/backend/tmp" "$RAW/nginx/tmp"
log() { echo "[$(date -u +%T)] $*" >&2; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
# h2load logs wall-clock µs, -Xlog:gc's timenanos is CLOCK_MONOTONIC: the offset between them
python3 -c 'import time; print(time.time() - time.monotonic())' >"$RAW/clock-offset.txt"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.5
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$RAW"/cds-* 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

declare -A PORT PID
BACKEND_PORT=$(free_port)
PORT[direct]=$BACKEND_PORT

# backend: nginx returning 1 KiB, on the load CPU (as run.sh)
BODY=$(head -c 1024 /dev/zero | tr '\0' 'x')
cat >"$RAW/backend/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $RAW/backend/nginx.pid;
error_log $RAW/backend/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 600s;
  client_body_temp_path $RAW/backend/tmp;
  proxy_temp_path $RAW/backend/tmp;
  fastcgi_temp_path $RAW/backend/tmp;
  uwsgi_temp_path $RAW/backend/tmp;
  scgi_temp_path $RAW/backend/tmp;
  server {
    listen 127.0.0.1:$BACKEND_PORT backlog=4096;
    location / { default_type text/plain; return 200 "$BODY"; }
  }
}
CONF
taskset -c 0 nginx -p "$RAW/backend" -e "$RAW/backend/error.log" -c "$RAW/backend/nginx.conf" >"$RAW/backend.log" 2>&1 &
PIDS+=($!)

# nginx as the proxy: run.sh's config (HTTP part), pinned to CPU 1
PORT[nginx]=$(free_port)
cat >"$RAW/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $RAW/nginx/nginx.pid;
error_log $RAW/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 600s;
  client_body_temp_path $RAW/nginx/tmp;
  proxy_temp_path $RAW/nginx/tmp;
  fastcgi_temp_path $RAW/nginx/tmp;
  uwsgi_temp_path $RAW/nginx/tmp;
  scgi_temp_path $RAW/nginx/tmp;
  upstream backend {
    server 127.0.0.1:$BACKEND_PORT;
    keepalive 64;
    keepalive_requests 100000000;
    keepalive_timeout 600s;
  }
  server {
    listen 127.0.0.1:${PORT[nginx]} backlog=4096;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
CONF
taskset -c 1 nginx -p "$RAW/nginx" -e "$RAW/nginx/error.log" -c "$RAW/nginx/nginx.conf" >"$RAW/nginx.log" 2>&1 &
PID[nginx]=$!
PIDS+=(${PID[nginx]})

start_javoy() { # NAME JAR OPTS [ARGS]: bin/javoy pinned to CPU 1 (exec: the pid is java's)
  # the GC log carries the wall clock in ns, so pauses line up with h2load's request log
  # shellcheck disable=SC2086
  JAVOY_JAR=$2 JAVOY_CDS="$RAW/cds-$1" JAVOY_JAVA_OPTS="$3 -Xlog:gc,safepoint:file=$RAW/$1-gc.log:timenanos" \
    exec taskset -c 1 "$ROOT/bin/javoy" -c "$RAW/$1.yaml" --concurrency 1 -l warning ${4:-}
}
# javoys: run.sh's config (HTTP listener, STATIC cluster, router only) through bin/javoy, pinned to CPU 1
NAMES=()
for spec in "${JAVOYS[@]}"; do
  IFS='|' read -r name jar opts args <<<"$spec"
  [[ -f $jar ]] || { echo "no jar $jar" >&2; exit 1; }
  NAMES+=("$name")
  PORT[$name]=$(free_port)
  admin=$(free_port)
  cat >"$RAW/$name.yaml" <<CONF
admin:
  address: { socket_address: { address: 127.0.0.1, port_value: $admin } }
static_resources:
  listeners:
  - name: http
    address: { socket_address: { address: 127.0.0.1, port_value: ${PORT[$name]} } }
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: ingress_http
          codec_type: AUTO
          route_config:
            name: local_route
            virtual_hosts:
            - name: backend
              domains: ["*"]
              routes:
              - match: { prefix: "/" }
                route: { cluster: backend }
          http_filters:
          - name: envoy.filters.http.router
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
  clusters:
  - name: backend
    type: STATIC
    connect_timeout: 5s
    lb_policy: ROUND_ROBIN
    load_assignment:
      cluster_name: backend
      endpoints:
      - lb_endpoints:
        - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: $BACKEND_PORT } } }
CONF
  # bin/javoy's AOT cache (JDK 25+; CDS archive before) is keyed by the jar, the JDK and JAVOY_JAVA_OPTS, and a
  # start with another key deletes the caches of the same jar: each javoy gets its own cache folder, primed by two
  # unmeasured starts as run.sh does (the first records at exit, the second checks and keeps it), so that the
  # measured javoy runs from its cache as a deployed one does instead of recording one (removed at the end)
  mkdir -p "$RAW/cds-$name"
  for prime in 1 2; do
    start_javoy "$name" "$jar" "$opts" "$args" >"$RAW/$name-prime$prime.log" 2>&1 &
    pp=$!
    PIDS+=($pp)
    for ((i = 0; i < 600; i++)); do curl -fsS -o /dev/null "http://127.0.0.1:${PORT[$name]}/" 2>/dev/null && break; sleep 0.1; done
    kill -TERM $pp 2>/dev/null
    for ((i = 0; i < 1200; i++)); do kill -0 $pp 2>/dev/null || break; sleep 0.1; done
  done
  start_javoy "$name" "$jar" "$opts" "$args" >"$RAW/$name.log" 2>&1 &
  PID[$name]=$!
  PIDS+=(${PID[$name]})
  echo "$name|$jar|$opts|$args" >>"$RAW/javoys.txt"
done

ready() { # URL PID
  for ((i = 0; i < 600; i++)); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
ready "http://127.0.0.1:$BACKEND_PORT/" "${PIDS[0]}" || { echo "backend did not start" >&2; exit 1; }
ready "http://127.0.0.1:${PORT[nginx]}/" "${PID[nginx]}" || { echo "nginx did not start; $RAW/nginx.log" >&2; exit 1; }
for name in "${NAMES[@]}"; do
  ready "http://127.0.0.1:${PORT[$name]}/" "${PID[$name]}" || { echo "$name did not start; $RAW/$name.log" >&2; exit 1; }
  log "warm-up $name: $WARMUP requests"
  taskset -c 0 timeout 300 h2load --h1 -t1 -c16 -n "$WARMUP" "http://127.0.0.1:${PORT[$name]}/" >"$RAW/warmup-$name.txt" 2>&1
done
# one unmeasured fixed-rate run each: the loop's idle path (epoll_wait with a timeout) compiles too
for name in "${NAMES[@]}" nginx; do
  taskset -c 0 timeout 60 h2load --h1 -t1 -c"$CONNS" --rps="$(awk -v a="$RATE" -v c="$CONNS" 'BEGIN{printf "%g", a/c}')" \
    -n "$((RATE * 3))" "http://127.0.0.1:${PORT[$name]}/" >/dev/null 2>&1
done

proc_ticks() { # PID: utime+stime of the process and its children processes (nginx: master + worker)
  local s=0 p f
  for p in $1 $(pgrep -P "$1" 2>/dev/null); do
    f=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null) || continue
    set -- $f
    s=$((s + ${12} + ${13}))
  done
  echo $s
}
proc_ns() { # PID: on-CPU ns of all threads of the process and its children (/proc/*/task/*/schedstat: exact, not ticks)
  local s=0 p f
  for p in $1 $(pgrep -P "$1" 2>/dev/null); do
    for f in /proc/$p/task/*/schedstat; do
      read -r ns _ <"$f" 2>/dev/null && s=$((s + ns))
    done
  done
  echo $s
}
cpu1() { awk '/^cpu1 /{print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
vm_thread() { # PID -> "on-CPU ns, involuntary context switches" of the JVM's VM thread (safepoint operations: GC)
  local t
  t=$(grep -lx 'VM Thread' /proc/"$1"/task/*/comm 2>/dev/null | head -1 | cut -d/ -f5)
  [[ -n $t ]] || { echo "0 0"; return; }
  echo "$(cut -d' ' -f1 /proc/"$1"/task/"$t"/schedstat) $(awk '/^nonvoluntary_ctxt_switches/ {print $2}' /proc/"$1"/task/"$t"/status)"
}

PER_CLIENT=$(awk -v a="$RATE" -v c="$CONNS" 'BEGIN { printf "%g", a / c }')
N=$((RATE * DUR))
run_fixed() { # ROUND TARGET
  local r=$1 t=$2 f="$RAW/fixed-$2-r$1" p=${PID[$2]:-} a=0 b=0 na=0 nb=0 c1a c1b t1a t1b
  [[ -n $p ]] && { a=$(proc_ticks "$p"); na=$(proc_ns "$p"); }
  local vma="" vmb=""
  [[ $t != direct && $t != nginx ]] && vma=$(vm_thread "$p")
  read -r c1a t1a < <(cpu1)
  date -u +%s.%N >"$f.start"
  taskset -c 0 timeout -k 5 $((DUR + 30)) h2load --h1 -t1 -c"$CONNS" --rps="$PER_CLIENT" -n"$N" \
    --log-file="$f.tsv" "http://127.0.0.1:${PORT[$t]}/" >"$f.txt" 2>&1
  date -u +%s.%N >"$f.end"
  read -r c1b t1b < <(cpu1)
  [[ -n $p ]] && { b=$(proc_ticks "$p"); nb=$(proc_ns "$p"); }
  [[ -n $vma ]] && { vmb=$(vm_thread "$p"); echo "$r $t $vma $vmb" >>"$RAW/vmthread.txt"; }
  echo "$r $t $((b - a)) $((c1b - c1a)) $((t1b - t1a)) $((nb - na))" >>"$RAW/cpu.txt"
  log "fixed r$r $t: $(grep -E '^requests:' "$f.txt" | cut -c1-80)"
}

for ((r = 1; r <= ROUNDS; r++)); do
  for t in direct nginx "${NAMES[@]}"; do
    run_fixed "$r" "$t"
    sleep 0.5
  done
done

for name in "${NAMES[@]}"; do
  echo "$name $(awk '/^VmRSS/{print $2}' /proc/"${PID[$name]}"/status)" >>"$RAW/rss.txt"
done

if (( ATTRIBUTE )); then
  command -v perf >/dev/null || { echo "--attribute needs perf" >&2; exit 1; }
  for t in nginx "${NAMES[@]}"; do
    p=${PID[$t]}
    if [[ $t == nginx ]]; then
      wtid=$(pgrep -P "$p" | head -1)
      threads_pid=$wtid
    else
      wtid=$(grep -l '^wrk:worker_0$' /proc/"$p"/task/*/comm | head -1 | cut -d/ -f5)
      threads_pid=$p
    fi
    echo "$t $wtid" >>"$RAW/attr-tids.txt"
    python3 "$ROOT/perf/bench/latency_report.py" threads "$threads_pid" >"$RAW/attr-$t-threads-before.json"
    [[ $t != nginx ]] && grep -c . "$RAW/$t-gc.log" >"$RAW/attr-$t-gc-before.txt"
    taskset -c 0 timeout -k 5 $((DUR + 30)) h2load --h1 -t1 -c"$CONNS" --rps="$PER_CLIENT" -n"$N" \
      "http://127.0.0.1:${PORT[$t]}/" >"$RAW/attr-$t-load.txt" 2>&1 &
    lp=$!
    sleep 2
    sampling=()
    (( PROFILE )) && sampling=(-e cpu-clock -c 20000)
    perf record -q -a -m 16M -o "$RAW/attr-$t.perf" -e sched:sched_switch -e sched:sched_wakeup \
      -e raw_syscalls:sys_enter -e raw_syscalls:sys_exit "${sampling[@]}" -- sleep 2 >/dev/null 2>&1
    wait $lp
    if (( PROFILE )); then
      # JIT code's names for perf (/tmp/perf-<pid>.map), from the JDK that runs this javoy
      [[ $t != nginx ]] && "$(dirname "$(readlink -f /proc/"$p"/exe)")/jcmd" "$p" Compiler.perfmap >/dev/null 2>&1
      perf script -i "$RAW/attr-$t.perf" -F tid,time,event,ip,sym,trace 2>/dev/null |
        grep -E "^ *$wtid " >"$RAW/attr-$t.samples"
      [[ $t != nginx ]] && rm -f "/tmp/perf-$p.map"
    fi
    python3 "$ROOT/perf/bench/latency_report.py" threads "$threads_pid" >"$RAW/attr-$t-threads-after.json"
    # the worker's syscalls, and the switches to and from it (a switch to it is recorded in the previous task)
    perf script -i "$RAW/attr-$t.perf" -F tid,time,event,trace 2>/dev/null |
      grep -E "^ *$wtid |pid=$wtid " >"$RAW/attr-$t.trace"
    rm -f "$RAW/attr-$t.perf"
    log "attribution $t: done"
  done
fi

python3 "$ROOT/perf/bench/latency_report.py" report "$RAW" "$ROUNDS" "$RATE" "$CONNS" "$DUR" "$ATTRIBUTE" \
  "$CMDLINE" | tee "$RAW/report.md"
[[ -n $OUT ]] && cp "$RAW/report.md" "$OUT"
exit 0
