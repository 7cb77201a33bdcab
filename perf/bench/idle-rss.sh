#!/usr/bin/env bash
# javoy's idle RSS as perf/bench/run.sh's memory rows measure it, and where it goes.
#
#   perf/bench/idle-rss.sh [--jar PATH] [--launcher bin/javoy] [--cds DIR] [--opts "JAVOY_JAVA_OPTS"]
#                          [--config perf/bench/conf/javoy-sidecar.yaml] [--train-config perf/bench/conf/javoy.yaml]
#                          [--starts 1] [--wait 8] [--breakdown] [--histogram]
#
# As run.sh does: the launcher's class-data sharing archive / AOT cache (JDK 25+) is trained by two starts of the
# benchmark config (--train-config), each stopped with SIGTERM and given up to 180 s to write it at exit; then
# --starts starts of --config (the Istio-sidecar-sized one) through the same launcher, the same JAVOY_JAVA_OPTS
# (part of the AOT cache's name) and the same cache folder, each measured --wait s after its first request
# (the launcher's native heap trimming runs every 5 s, javoy's release of clean file pages 5 s after start). Prints
# per start: rss_kb, pss_kb, anon_kb, file_kb, private_dirty_kb, file_pmd_kb (file pages mapped as whole 2 MiB
# folios: a freshly written AOT cache's, which bin/javoy drops from the page cache once validated),
# startup_cpu_ms (CPU of the JVM up to the first request), and with --breakdown: RSS per mapping, the heap
# (jcmd GC.heap_info) before and after a full GC, classes, threads. JAVA=/path/to/java picks the JDK, as bin/javoy.
# --histogram (last, it changes the heap): a full GC, the heap after it and the 30 largest classes of the live heap.
# The breakdown's extra commands (jcmd) run after the RSS was read; no NMT (it would change the flags).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR=""; LAUNCHER="$ROOT/bin/javoy"; CDS=""; OPTS=""; CONFIG="$ROOT/perf/bench/conf/javoy-sidecar.yaml"
TRAIN="$ROOT/perf/bench/conf/javoy.yaml"; STARTS=1; WAIT=8; BREAKDOWN=""; HISTOGRAM=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --jar) JAR=$2; shift 2 ;; --launcher) LAUNCHER=$2; shift 2 ;; --cds) CDS=$2; shift 2 ;;
    --opts) OPTS=$2; shift 2 ;; --config) CONFIG=$2; shift 2 ;; --train-config) TRAIN=$2; shift 2 ;;
    --starts) STARTS=$2; shift 2 ;; --wait) WAIT=$2; shift 2 ;; --breakdown) BREAKDOWN=yes; shift ;;
    --histogram) HISTOGRAM=yes; shift ;;
    -h|--help) sed -n 2,18p "$0"; exit 0 ;; *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -n $JAR ]] || JAR=$(ls -t "$ROOT"/src/target*/javoy-*.jar | grep -v '/original-' | head -1)
JAR=$(readlink -f "$JAR")
RAW=$(mktemp -d /tmp/javoy-idle-rss.XXXXXX)
[[ -n $CDS ]] || CDS="$RAW/cds"
mkdir -p "$CDS" "$RAW/tmp" "$RAW/tls"
fp() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
BP=$(fp); HP=$(fp); TP=$(fp); AP=$(fp); LP=$(fp)
BODY=$(head -c 1024 /dev/zero | tr '\0' 'x')
cat >"$RAW/nginx.conf" <<CONF
worker_processes 1; daemon off; pid $RAW/nginx.pid; error_log $RAW/error.log warn;
events { worker_connections 1024; }
http { access_log off; client_body_temp_path $RAW/tmp; proxy_temp_path $RAW/tmp; fastcgi_temp_path $RAW/tmp;
 uwsgi_temp_path $RAW/tmp; scgi_temp_path $RAW/tmp;
 server { listen 127.0.0.1:$BP; location / { default_type text/plain; return 200 "$BODY"; } } }
CONF
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=bench.javoy.test \
  -keyout "$RAW/tls/key.pem" -out "$RAW/tls/cert.pem" >/dev/null 2>&1
render() { sed -e "s#@RUN@#$RAW#g; s/@JAVOY_TLS_PORT@/$LP/" \
  -e "s/@JAVOY_ADMIN_PORT@/$AP/; s/@JAVOY_HTTP_PORT@/$HP/; s/@JAVOY_TCP_PORT@/$TP/; s/@BACKEND_PORT@/$BP/" "$1" >"$2"; }
render "$TRAIN" "$RAW/train.yaml"; render "$CONFIG" "$RAW/measured.yaml"
PIDS=()
stop_pid() { # SIGTERM, then up to $2 s (the AOT cache / archive is written at exit), then SIGKILL
  kill "$1" 2>/dev/null || return 0
  for ((i = 0; i < ${2:-20} * 10; i++)); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true
}
cleanup() { for p in "${PIDS[@]}"; do stop_pid "$p" 5; done; }
trap cleanup EXIT
taskset -c 0 nginx -p "$RAW" -c "$RAW/nginx.conf" >"$RAW/nginx.log" 2>&1 &
PIDS+=($!)
start() { # config -> JPID
  JAVOY_JAR="$JAR" JAVOY_CDS="$CDS" JAVOY_JAVA_OPTS="$OPTS" taskset -c 1 "$LAUNCHER" -c "$1" --concurrency 1 -l warning \
    >>"$RAW/javoy.log" 2>&1 &
  JPID=$!; PIDS+=($JPID)
  for ((i = 0; i < 24000; i++)); do
    curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$HP/" 2>/dev/null && return 0
    kill -0 $JPID 2>/dev/null || { echo "javoy exited; see $RAW/javoy.log" >&2; return 1; }
    sleep 0.005
  done
  return 1
}
sleep 0.3
for i in 1 2; do start "$RAW/train.yaml"; stop_pid $JPID 180; done
# the freshly written cache's pages count as dirty in the breakdown until written back (RSS is the same either way)
sync
echo "cache $(ls "$CDS" | tr '\n' ' ')"
for ((r = 0; r < STARTS; r++)); do
  start "$RAW/measured.yaml"
  cpu=$(awk '{print ($14 + $15) * 10}' /proc/$JPID/stat)
  sleep "$WAIT"
  echo "rss_kb $(awk '/^VmRSS:/ {print $2}' /proc/$JPID/status) pss_kb $(awk '/^Pss:/ {print $2}' /proc/$JPID/smaps_rollup)" \
    "anon_kb $(awk '/^Pss_Anon:/ {print $2}' /proc/$JPID/smaps_rollup) file_kb $(awk '/^Pss_File:/ {print $2}' /proc/$JPID/smaps_rollup)" \
    "private_dirty_kb $(awk '/^Private_Dirty:/ {print $2}' /proc/$JPID/smaps_rollup) file_pmd_kb $(awk '/^FilePmdMapped:/ {print $2}' /proc/$JPID/smaps_rollup)" \
    "startup_cpu_ms $cpu threads $(ls /proc/$JPID/task | wc -l)"
  if [[ -n $BREAKDOWN ]]; then
    python3 - "$JPID" <<'PY'
import collections, re, sys
rss = collections.Counter(); dirty = collections.Counter(); name = None
for line in open(f"/proc/{sys.argv[1]}/smaps"):
    if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
        parts = line.split(); name = parts[5] if len(parts) > 5 else "[anonymous]"
    elif line.startswith("Rss:"): rss[name] += int(line.split()[1])
    elif line.startswith("Private_Dirty:"): dirty[name] += int(line.split()[1])
for name, kb in rss.most_common(9):
    print(f"  mapping {kb / 1024:6.1f} MiB (dirty {dirty[name] / 1024:5.1f}) {name}")
PY
    jcmd $JPID GC.heap_info | grep -iE 'generation|tenured|defnew|Metaspace|class space' | sed 's/^/  heap /'
    echo "  classes: $(jcmd $JPID VM.classloader_stats 2>/dev/null | awk '/^Total/ {print $3, $4}')"
    for t in /proc/$JPID/task/*; do cat "$t/comm"; done | sort | uniq -c | awk '{c=$1; $1=""; printf "%s%s x%d", (n++ ? ", " : "  threads:"), $0, c} END {print ""}'
  fi
  if [[ -n $HISTOGRAM ]]; then
    jcmd $JPID GC.run >/dev/null; jcmd $JPID GC.heap_info | grep -iE 'tenured|defnew' | sed 's/^/  after full GC /'
    jcmd $JPID GC.class_histogram | sed -n 1,33p | sed 's/^/  histo /'
  fi
  stop_pid $JPID 20
done
echo "raw $RAW"
