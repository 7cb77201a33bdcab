#!/usr/bin/env bash
# Clock reads per proxied HTTP/1.1 request, per jar: a uprobe on libc's clock_gettime (System.nanoTime and
# System.currentTimeMillis both end there, then in the vDSO) counted with `perf stat` on javoy's worker thread and on
# the whole process while h2load sends a fixed rate (1,000 req/s, 16 keep-alive connections) through it. Load-
# independent: a count, not a time. Needs root (perf probe), perf, nginx, h2load, curl.
#
#   perf/bench/clock-reads.sh [--rounds 2] [--secs 5] [--share] JAR...
#
# --share: also `perf record -e cpu-clock` the worker during each count and print the share of its samples whose
# symbol is clock_gettime (libc or vDSO): the clock's share of the worker's CPU, a ratio that load does not skew much.
#
# Set-up from lib.sh: nginx backend on CPU 0, javoy through bin/javoy (--concurrency 1, router-only chain) on CPU 1,
# 40,000 warm-up requests, then ROUNDS counts of SECS s each. Prints reads per request (worker thread, process).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ROUNDS=2; SECS=5; JARS=(); SHARE=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --rounds) ROUNDS=$2; shift 2 ;;
    --secs) SECS=$2; shift 2 ;;
    --share) SHARE=1; shift ;;
    -h|--help) sed -n 2,11p "$0"; exit 0 ;;
    *) JARS+=("$1"); shift ;;
  esac
done
bench_require perf h2load nginx curl taskset
LIBC=$(ldconfig -p | awk '/libc.so.6 .*x86-64/ {print $NF; exit}')
EVENT=probe_libc:clock_gettime
perf probe -l 2>/dev/null | grep -q "$EVENT" || perf probe -q -x "$LIBC" --add clock_gettime
RUN=$(mktemp -d /tmp/clock-reads.XXXXXX)
trap 'bench_cleanup; rm -rf "$RUN"' EXIT
BACKEND_PORT=$(free_port)
start_backend "$RUN/backend" "$BACKEND_PORT"
for jar in "${JARS[@]}"; do
  PORT=$(free_port); ADMIN=$(free_port)
  write_router_config "$RUN/javoy.yaml" "$PORT" "$ADMIN" "$BACKEND_PORT"
  start_javoy_launcher "$(readlink -f "$jar")" "$RUN/javoy.yaml" "$RUN/javoy.log"
  wait_http "$PORT" "$JAVOY_PID" "$RUN/javoy.log"
  taskset -c 0 timeout 300 h2load --h1 -t1 -c16 -n 40000 "http://127.0.0.1:$PORT/" >/dev/null 2>&1
  TID=$(grep -l '^wrk:worker_0$' /proc/"$JAVOY_PID"/task/*/comm | head -1 | awk -F/ '{print $5}')
  for ((r = 1; r <= ROUNDS; r++)); do
    N=$((SECS * 1000))
    perf stat -x, -e "$EVENT" -t "$TID" -o "$RUN/worker.txt" -- sleep $((SECS + 2)) &
    P1=$!
    perf stat -x, -e "$EVENT" -p "$JAVOY_PID" -o "$RUN/proc.txt" -- sleep $((SECS + 2)) &
    P2=$!
    if [[ -n $SHARE ]]; then
      perf record -q -e cpu-clock -c 50000 -t "$TID" -o "$RUN/perf.data" -- sleep $((SECS + 2)) >/dev/null 2>&1 &
      P3=$!
    fi
    sleep 0.5
    out=$(taskset -c 0 timeout $((SECS + 30)) h2load --h1 -t1 -c16 --rps=62.5 -n "$N" "http://127.0.0.1:$PORT/" 2>&1)
    wait $P1 $P2
    ok=$(h2load_succeeded "$out")
    if [[ -n $SHARE ]]; then
      wait $P3 || true
      perf report -q -i "$RUN/perf.data" --sort sym --stdio 2>/dev/null | awk '
        /clock_gettime/ {c += $1} {t += $1} END {printf "  clock_gettime share of worker samples: %.2f %%\n", c}'
    fi
    w=$(awk -F, '/clock_gettime/ {print $1}' "$RUN/worker.txt")
    p=$(awk -F, '/clock_gettime/ {print $1}' "$RUN/proc.txt")
    awk -v j="$(basename "$jar")" -v r="$r" -v ok="$ok" -v w="$w" -v p="$p" \
      'BEGIN {printf "%s round %d: %d requests, worker %d reads = %.2f/request, process %d reads = %.2f/request\n", j, r, ok, w, w/ok, p, p/ok}'
  done
  kill "$JAVOY_PID"; wait "$JAVOY_PID" 2>/dev/null || true
done
