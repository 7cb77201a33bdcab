#!/usr/bin/env bash
# Where javoy's worker spends CPU per proxied HTTP/1.1 request, kernel and native included: `perf record -e cpu-clock`
# (no PMU needed) of the javoy process during N requests after a warm-up, JIT frames named through the JVM's perf map
# (`jcmd Compiler.perfmap`), reduced to self shares of the worker thread's samples by symbol and by DSO.
# Same set-up as profile.sh (backend nginx on CPU 0, javoy --concurrency 1 on CPU 1 with bin/javoy's GC flags,
# router-only chain, h2load --h1 -c 10). Needs perf and root (or perf_event_paranoid <= 1).
#
#   perf/bench/perf-profile.sh --jar PATH [-n 150000] [--warmup 60000] [--top 60]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
JAR=""; N=150000; WARMUP=60000; TOP=60
while [[ $# -gt 0 ]]; do
  case "$1" in
    --jar) JAR=$2; shift 2 ;;
    -n) N=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --top) TOP=$2; shift 2 ;;
    -h|--help) sed -n 2,8p "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -n $JAR ]] || { echo "--jar PATH" >&2; exit 2; }
RAW=$(mktemp -d /tmp/javoy-perf.XXXXXX)
trap bench_cleanup EXIT
BACKEND=$(free_port); HTTP=$(free_port); ADMIN=$(free_port)
start_backend "$RAW/backend" "$BACKEND"
write_router_config "$RAW/javoy.yaml" "$HTTP" "$ADMIN" "$BACKEND"
start_javoy_java "$JAR" "$RAW/javoy.yaml" "$RAW/javoy.log" -XX:+UseSerialGC -Xms36m -Xmn8m -XX:MaxTenuringThreshold=1 \
  -Dio.netty.leakDetection.level=disabled -XX:+PreserveFramePointer
JPID=$JAVOY_PID
URL=http://127.0.0.1:$HTTP/
wait_http "$HTTP" "$JPID" "$RAW/javoy.log"
taskset -c 0 h2load --h1 -n "$WARMUP" -c 10 "$URL" >"$RAW/warmup.txt"
perf record -q -e cpu-clock -F 2000 -p "$JPID" -o "$RAW/perf.data" 2>"$RAW/perf-record.log" &
PERF=$!
sleep 0.5
taskset -c 0 h2load --h1 -n "$N" -c 10 "$URL" >"$RAW/load.txt"
kill -INT "$PERF"; wait "$PERF" || true
jcmd "$JPID" Compiler.perfmap >/dev/null
perf report -i "$RAW/perf.data" --no-children --comm wrk:worker_0 --sort sym --percent-limit 0.3 --stdio 2>/dev/null \
  | grep -v '^#' | grep -v '^$' | head -"$TOP"
echo "## by DSO"
perf report -i "$RAW/perf.data" --no-children --comm wrk:worker_0 --sort dso --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' | head -8
grep -E "finished in|requests:" "$RAW/load.txt" | head -2
echo "raw: $RAW" >&2
