#!/usr/bin/env bash
# javoy's footprint and start-up under given JVM flags (what docs/README "JVM flags" were chosen with).
#
#   perf/bench/footprint.sh [--jar PATH] [--opts "JVM FLAGS"] [--starts 5] [--conns 1000] [--rps-secs 30]
#                           [--launcher bin/javoy] [--config perf/bench/conf/javoy-sidecar.yaml] [--breakdown]
#
# Static config = perf/bench/conf/javoy.yaml (HCM AUTO + tcp_proxy listener, STATIC cluster, admin), one
# nginx backend. javoy runs --concurrency 1 pinned to CPU 1. Prints, one "key value" a line:
#   startup_ms (median of --starts; exec → first HTTP 200 through the proxy, curl polling every 5 ms),
#   rss_idle_kb (after start + one request), threads, rss_conns_kb and bytes_per_conn (--conns idle
#   keep-alive connections, holdconns.py), gc pauses (-Xlog:gc during --rps-secs of 1,000 req/s h2load
#   HTTP/1.1: count, max, p99 in ms; 0 skips).
# --config: another config with the same placeholders (javoy-sidecar.yaml: Istio-sidecar-sized, from
# sidecar_config.py). JAVOY_STARTUP_TRACE=1 adds -Djavoy.startup.trace=true (per-phase uptime/CPU in the log).
# --launcher runs javoy through a launcher script (bin/javoy) instead of `java -jar`; then --opts goes
# to JAVOY_JAVA_OPTS (JAVA=/path/to/java picks the JDK, as bin/javoy does).
# --breakdown: where the idle RSS goes, from a separate start with -XX:NativeMemoryTracking=summary (NMT
# itself costs 1-3 MiB, so rss_idle_kb above is measured without it): /proc smaps_rollup (anonymous vs file
# pages), RSS per mapping (the CDS archives, libjvm, the jar), NMT's committed memory per category, the heap
# before and after a full GC, class and thread counts. Taken after the native heap was trimmed
# (jcmd System.trim_native_heap; the launcher's -XX:TrimNativeHeapInterval does it within 5 s anyway).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR=""; OPTS=""; STARTS=5; CONNS=1000; RPS_SECS=30; LAUNCHER=""; CONFIG=""; BREAKDOWN=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --jar) JAR=$2; shift 2 ;; --opts) OPTS=$2; shift 2 ;; --starts) STARTS=$2; shift 2 ;;
    --conns) CONNS=$2; shift 2 ;; --rps-secs) RPS_SECS=$2; shift 2 ;; --launcher) LAUNCHER=$2; shift 2 ;;
    --config) CONFIG=$2; shift 2 ;; --breakdown) BREAKDOWN=yes; shift ;;
    -h|--help) sed -n 2,21p "$0"; exit 0 ;; *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -n $JAR ]] || JAR=$(ls -t "$ROOT"/src/target*/javoy-*.jar | grep -v '/original-' | head -1)
JAR=$(readlink -f "$JAR")
RAW=$(mktemp -d /tmp/javoy-footprint.XXXXXX)
fp() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
BP=$(fp); HP=$(fp); TP=$(fp); AP=$(fp)
mkdir -p "$RAW/tmp"
BODY=$(head -c 1024 /dev/zero | tr '\0' 'x')
cat >"$RAW/nginx.conf" <<CONF
worker_processes 1; daemon off; pid $RAW/nginx.pid; error_log $RAW/error.log warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 100000000; keepalive_timeout 600s;
 client_body_temp_path $RAW/tmp; proxy_temp_path $RAW/tmp; fastcgi_temp_path $RAW/tmp; uwsgi_temp_path $RAW/tmp; scgi_temp_path $RAW/tmp;
 server { listen 127.0.0.1:$BP backlog=4096; location / { default_type text/plain; return 200 "$BODY"; } } }
CONF
# the benchmark config's TLS listener wants run.sh's certificate (@RUN@/tls/cert.pem, key.pem)
mkdir -p "$RAW/tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=bench.javoy.test \
  -keyout "$RAW/tls/key.pem" -out "$RAW/tls/cert.pem" >/dev/null 2>&1
LP=$(fp)
sed -e "s#@RUN@#$RAW#g; s/@JAVOY_TLS_PORT@/$LP/" \
  -e "s/@JAVOY_ADMIN_PORT@/$AP/; s/@JAVOY_HTTP_PORT@/$HP/; s/@JAVOY_TCP_PORT@/$TP/; s/@BACKEND_PORT@/$BP/" \
  "${CONFIG:-$ROOT/perf/bench/conf/javoy.yaml}" >"$RAW/javoy.yaml"
[[ -z ${JAVOY_STARTUP_TRACE:-} ]] || OPTS="$OPTS -Djavoy.startup.trace=true"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do stop_javoy "$p"; done; wait 2>/dev/null || true; }
trap cleanup EXIT
taskset -c 0 nginx -p "$RAW" -c "$RAW/nginx.conf" >"$RAW/nginx.log" 2>&1 &
PIDS+=($!)
URL=http://127.0.0.1:$HP/
start_javoy() { # extra JVM flags -> sets JPID
  if [[ -n $LAUNCHER ]]; then
    # the per-start extras (GC log, NMT) through JDK_JAVA_OPTIONS: in JAVOY_JAVA_OPTS they would change the name of
    # bin/javoy's JDK 25 AOT cache, so every start would be a recording run (and jcmd's NMT summary crashed JDK
    # 25.0.3 in one: SIGSEGV in FileMapInfo::readonly_total)
    JAVOY_JAR="$JAR" JAVOY_JAVA_OPTS="$OPTS" JDK_JAVA_OPTIONS="$1" taskset -c 1 "$LAUNCHER" -c "$RAW/javoy.yaml" --concurrency 1 -l warning >>"$RAW/javoy.log" 2>&1 &
  else
    taskset -c 1 java $OPTS $1 -jar "$JAR" -c "$RAW/javoy.yaml" --concurrency 1 -l warning >>"$RAW/javoy.log" 2>&1 &
  fi
  JPID=$!
}
wait_serving() { # -> ms since $1 (ns)
  for ((i = 0; i < 6000; i++)); do
    if curl -fsS -o /dev/null --max-time 1 "$URL" 2>/dev/null; then

      echo $(( ($(date +%s%N) - $1) / 1000000 )); return 0
    fi
    kill -0 $JPID 2>/dev/null || { echo "javoy exited; see $RAW/javoy.log" >&2; return 1; }
    sleep 0.005
  done
  return 1
}
stop_javoy() { # SIGTERM (JDK 17 writes the CDS archive, JDK 25 the AOT cache at a clean exit); SIGKILL after 120 s
  kill "$1" 2>/dev/null || return 0
  for ((i = 0; i < 1200; i++)); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true
}
sleep 0.3
MS=(); CPUS=()
for ((r = 0; r < STARTS; r++)); do
  t0=$(date +%s%N); start_javoy ""; wait_serving "$t0" >"$RAW/ms"; MS+=("$(cat "$RAW/ms")")
  CPUS+=("$(awk '{print ($14 + $15) * 10}' /proc/$JPID/stat)")
  stop_javoy $JPID
done
echo "startup_ms_all ${MS[*]}"
echo "startup_cpu_ms_all ${CPUS[*]}"
echo "startup_cpu_ms $(printf '%s\n' "${CPUS[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
echo "startup_ms $(printf '%s\n' "${MS[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
t0=$(date +%s%N); start_javoy "-Xlog:gc:file=$RAW/gc.log"; PIDS+=($JPID); wait_serving "$t0" >/dev/null
# 7 s: the JIT compilers still run for a few seconds after the first request and their freed arenas go back
# to the OS only when the launcher's native heap trimming (every 5 s) runs; 2 s read 120-170 MiB for one setup
sleep 7
echo "rss_idle_kb $(awk '/^VmRSS:/ {print $2}' /proc/$JPID/status)"
echo "threads $(ls /proc/$JPID/task | wc -l)"
if (( CONNS > 0 )); then
  rm -f "$RAW/ready" "$RAW/release"
  taskset -c 0 timeout 150 python3 "$ROOT/perf/bench/holdconns.py" --port "$HP" --count "$CONNS" --ready "$RAW/ready" \
    --release "$RAW/release" --hold-timeout 120 >"$RAW/holdconns.log" 2>&1 &
  HC=$!
  for ((i = 0; i < 1200; i++)); do [[ -s $RAW/ready ]] && break; sleep 0.1; done
  sleep 2
  RC=$(awk '/^VmRSS:/ {print $2}' /proc/$JPID/status)
  echo "holdconns $(cat "$RAW/ready" 2>/dev/null)"
  echo "rss_conns_kb $RC"
  touch "$RAW/release"; wait $HC 2>/dev/null || true
fi
RI=$(awk '/^VmRSS:/ {print $2}' /proc/$JPID/status)
if (( RPS_SECS > 0 )); then
  : >"$RAW/gc.log.mark"; LINES=$(wc -l <"$RAW/gc.log")
  taskset -c 0 h2load --h1 -c 10 --rps 100 -n $((1000 * RPS_SECS)) "$URL" >"$RAW/rps.txt" 2>&1 || true
  grep -E "succeeded" "$RAW/rps.txt" | sed 's/^/rps_run /'
  tail -n +$((LINES + 1)) "$RAW/gc.log" >"$RAW/gc-rps.log"
  python3 - "$RAW/gc-rps.log" <<'PY'
import re, sys
p = sorted(float(m.group(1)) for m in (re.search(r"Pause.* (\d+\.\d+)ms", l) for l in open(sys.argv[1])) if m)
if p: print(f"gc_pauses {len(p)} max_ms {p[-1]:.3f} p99_ms {p[min(len(p)-1, int(len(p)*0.99))]:.3f}")
else: print("gc_pauses 0")
PY
fi
echo "rss_after_kb $(awk '/^VmRSS:/ {print $2}' /proc/$JPID/status)"
if [[ -n $BREAKDOWN ]]; then
  stop_javoy $JPID
  t0=$(date +%s%N); start_javoy "-XX:NativeMemoryTracking=summary"; PIDS+=($JPID); wait_serving "$t0" >/dev/null
  sleep 6
  jcmd $JPID System.trim_native_heap >/dev/null 2>&1 || true; sleep 0.5
  echo "breakdown (NMT on; native heap trimmed)"
  grep -E '^(Rss|Pss|Pss_Anon|Pss_File|Private_Dirty|Private_Clean|Shared_Clean):' /proc/$JPID/smaps_rollup | awk '{printf "  %s %.1f MiB\n", $1, $2/1024}'
  python3 - "$JPID" <<'PY'
import collections, re, sys
rss = collections.Counter(); dirty = collections.Counter(); name = None
for line in open(f"/proc/{sys.argv[1]}/smaps"):
    if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
        parts = line.split(); name = parts[5] if len(parts) > 5 else "[anonymous]"
    elif line.startswith("Rss:"): rss[name] += int(line.split()[1])
    elif line.startswith("Private_Dirty:"): dirty[name] += int(line.split()[1])
for name, kb in rss.most_common(8):
    print(f"  mapping {kb / 1024:6.1f} MiB (dirty {dirty[name] / 1024:5.1f}) {name}")
PY
  jcmd $JPID VM.native_memory summary | grep -E '^-|^Total' | sed -E 's/\(reserved=[0-9]+KB, /(/' | awk '{printf "  nmt %s\n", $0}'
  jcmd $JPID GC.heap_info | grep -iE 'generation|tenured|defnew|Metaspace' | sed 's/^/  heap before full GC /'
  jcmd $JPID GC.run >/dev/null; jcmd $JPID GC.heap_info | grep -iE 'generation|tenured|defnew' | sed 's/^/  heap after full GC /'
  echo "  class loaders, classes: $(jcmd $JPID VM.classloader_stats 2>/dev/null | awk '/^Total/ {print $3, $4}')"
  for t in /proc/$JPID/task/*; do cat "$t/comm"; done | sort | uniq -c | awk '{c=$1; $1=""; printf "%s%s x%d", (n++ ? ", " : "  threads:"), $0, c} END {print ""}'
fi
echo "gc_log $RAW/gc.log"
echo "raw $RAW"
