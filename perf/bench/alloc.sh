#!/usr/bin/env bash
# Bytes allocated per proxied request by javoy (HTTP/1.1 and h2c pass-through, default filter chain =
# router only), measured with JFR's jdk.ThreadAllocationStatistics (per-thread exact allocated-bytes
# counters, the same as com.sun.management.ThreadMXBean#getThreadAllocatedBytes) sampled at the start and
# the end of a recording that spans exactly the measured requests.
#
#   perf/bench/alloc.sh [--jar PATH] [-n REQUESTS] [--warmup REQUESTS] [-c CONNS] [--out FILE] [--classes]
#
# --classes adds what the HTTP/1.1 bytes are, by class: a second javoy with the Epsilon GC (it never collects,
# so `jcmd GC.class_histogram -all` before and after 20,000 requests differ by exactly what they allocated).
# CLASSES_PROTO=h2 (environment) takes that histogram of h2c requests instead.
#
# Everything runs on 127.0.0.1. javoy runs `--concurrency 1` pinned to CPU 1, nginx (backend) and h2load to
# CPU 0. Writes perf/results/<date>-alloc.md and keeps raw files in perf/results/raw/<date>_<time>-alloc/.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ROOT=$BENCH_ROOT
N=100000
WARMUP=50000
CONNS=10
STREAMS=10
JAR=""
OUT=""
JAVA_OPTS_EXTRA=${JAVA_OPTS_EXTRA:-}
CLASSES=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --jar) JAR=$2; shift 2 ;;
    -n) N=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    -c) CONNS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --classes) CLASSES=1; shift ;;
    -h|--help) sed -n 2,13p "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if (( N > 100000 )); then echo "-n is capped at 100000" >&2; exit 2; fi
bench_require java jcmd jfr h2load nginx python3 curl
[[ -n $JAR ]] || JAR=$(bench_default_jar)
[[ -n $JAR ]] || { echo "no src/target*/javoy-*.jar; build one or pass --jar" >&2; exit 1; }
DATE=$(date -u +%F)
STAMP=$(date -u +%F_%H%M%S)
OUT=${OUT:-$ROOT/perf/results/$DATE-alloc.md}
RAW=$ROOT/perf/results/raw/$STAMP-alloc
mkdir -p "$RAW/backend/tmp"

BACKEND_PORT=$(free_port); HTTP_PORT=$(free_port); ADMIN_PORT=$(free_port)
trap bench_cleanup EXIT
start_backend "$RAW/backend" "$BACKEND_PORT"
write_router_config "$RAW/javoy.yaml" "$HTTP_PORT" "$ADMIN_PORT" "$BACKEND_PORT"

# only the allocation counters, read at the start and the end of the recording
cat >"$RAW/alloc.jfc" <<'CONF'
<?xml version="1.0" encoding="UTF-8"?>
<configuration version="2.0" label="alloc" description="thread allocation counters only">
  <event name="jdk.ThreadAllocationStatistics">
    <setting name="enabled">true</setting>
    <setting name="period">everyChunk</setting>
  </event>
</configuration>
CONF

# shellcheck disable=SC2086 # JAVA_OPTS_EXTRA is a list of flags
start_javoy_java "$JAR" "$RAW/javoy.yaml" "$RAW/javoy.log" $JAVA_OPTS_EXTRA
JPID=$JAVOY_PID
URL=http://127.0.0.1:$HTTP_PORT/
wait_http "$HTTP_PORT" "$JPID" "$RAW/javoy.log"

load() { # NAME REQUESTS
  local name=$1 n=$2
  case $name in
    h1) taskset -c 0 h2load --h1 -n "$n" -c "$CONNS" "$URL" ;;
    h2) taskset -c 0 h2load -n "$n" -c "$CONNS" -m "$STREAMS" "$URL" ;;
  esac
}

echo "warm-up: $WARMUP requests each of HTTP/1.1 and h2c" >&2
load h1 "$WARMUP" >"$RAW/warmup-h1.txt"
load h2 "$WARMUP" >"$RAW/warmup-h2.txt"

declare -A RES
for proto in h1 h2; do
  # an empty recording first, to see what the measuring itself allocates
  for kind in idle load; do
    rec=$RAW/$proto-$kind.jfr
    jcmd $JPID JFR.start name=alloc settings="$RAW/alloc.jfc" >"$RAW/jcmd-$proto-$kind.txt" 2>&1
    if [[ $kind == load ]]; then
      load $proto "$N" >"$RAW/$proto.txt"
    else
      sleep 1
    fi
    jcmd $JPID JFR.stop name=alloc filename="$rec" >>"$RAW/jcmd-$proto-$kind.txt" 2>&1
    jfr print --json --events jdk.ThreadAllocationStatistics "$rec" >"$RAW/$proto-$kind.json"
  done
done
kill "$JPID" 2>/dev/null || true

if (( CLASSES )); then
  wait "$JPID" 2>/dev/null || true
  # shellcheck disable=SC2086
  start_javoy_java "$JAR" "$RAW/javoy.yaml" "$RAW/javoy-epsilon.log" $JAVA_OPTS_EXTRA -XX:+UnlockExperimentalVMOptions \
    -XX:+UseEpsilonGC -Xms3g -Xmx3g
  JPID=$JAVOY_PID
  wait_http "$HTTP_PORT" "$JPID" "$RAW/javoy-epsilon.log"
  load ${CLASSES_PROTO:-h1} 20000 >"$RAW/classes-warmup.txt"
  jcmd $JPID GC.class_histogram -all >"$RAW/classes-before.txt"
  load ${CLASSES_PROTO:-h1} 20000 >"$RAW/classes-${CLASSES_PROTO:-h1}.txt"
  jcmd $JPID GC.class_histogram -all >"$RAW/classes-after.txt"
  kill "$JPID" 2>/dev/null || true
fi

python3 - "$RAW" "$N" "$OUT" "$JAR" "$CONNS" "$STREAMS" "$WARMUP" "$ROOT" "${CLASSES_PROTO:-h1}" <<'PY'
import json, re, sys, datetime, platform, subprocess, os
raw, n, out, jar, conns, streams, warmup, root = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6], sys.argv[7], sys.argv[8]
classes_proto = "HTTP/1.1" if sys.argv[9] == "h1" else "h2c"

def deltas(path):
    ev = json.load(open(path))["recording"]["events"]
    per = {}
    for e in ev:
        v = e["values"]
        t = v.get("thread") or {}
        key = (t.get("javaThreadId"), t.get("javaName") or t.get("osName"))
        per.setdefault(key, []).append((v["startTime"], v["allocated"]))
    res = {}
    for key, vals in per.items():
        vals.sort()
        res[key] = vals[-1][1] - vals[0][1]
    return res

def h2load_ok(path):
    txt = open(path).read()
    m = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed", txt)
    s = re.search(r"status codes: (\d+) 2xx", txt)
    return (int(m.group(4)) if m else None, int(m.group(5)) if m else None, int(s.group(1)) if s else None,
            (re.search(r"finished in ([^,]+), ([\d.]+) req/s", txt) or [None, None, None]))

rows = []
detail = []
for proto, label in (("h1", "HTTP/1.1"), ("h2", "HTTP/2 (h2c, prior knowledge)")):
    load_d = deltas(f"{raw}/{proto}-load.json")
    idle_d = deltas(f"{raw}/{proto}-idle.json")
    worker = sum(v for (tid, name), v in load_d.items() if name and name.startswith("wrk:worker"))
    total = sum(load_d.values())
    idle_total = sum(idle_d.values())
    ok, failed, s2xx, fin = h2load_ok(f"{raw}/{proto}.txt")
    rate = fin.group(2) if fin else "?"
    rows.append((label, n, ok, failed, s2xx, worker / n, (total - idle_total) / n, total / n, rate))
    top = sorted(load_d.items(), key=lambda kv: -kv[1])[:8]
    detail.append((label, top, idle_total))

ver = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.strip().splitlines()[0]
with open(out, "w") as f:
    f.write(f"# javoy allocation per proxied request — {datetime.date.today().isoformat()}\n\n")
    f.write("Indicative (one run, a shared 2-core machine). Produced by `perf/bench/alloc.sh`.\n\n")
    f.write("| protocol | requests | succeeded | failed | 2xx | worker thread B/req | all threads B/req (minus idle recording) | all threads B/req | h2load req/s |\n")
    f.write("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
    for r in rows:
        f.write(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} | {r[5]:,.0f} | {r[6]:,.0f} | {r[7]:,.0f} | {r[8]} |\n")
    f.write(f"""
**Set-up.** javoy `{os.path.basename(jar)}` (`{jar}`), `--concurrency 1 -l warning`, pinned to CPU 1; one
HCM listener (`codec_type: AUTO`), route `/` → STATIC cluster `backend` (one nginx, `return 200` with a
1 KiB body, CPU 0); HTTP filters: router only; no access log. Load: h2load on CPU 0, {conns} connections
(HTTP/1.1: `h2load --h1 -n N -c {conns}`; h2c: `h2load -n N -c {conns} -m {streams}`), after a warm-up of
{warmup} requests of each protocol. {ver}.

**Method.** `jcmd <pid> JFR.start` with a settings file enabling only `jdk.ThreadAllocationStatistics`
(period `everyChunk`: one event per live thread at the start and at the end of the recording), the
requests, `jcmd <pid> JFR.stop`. The event's `allocated` is HotSpot's exact per-thread allocated-bytes
counter (what `ThreadMXBean.getThreadAllocatedBytes` reads; TLAB-precise, not sampled). Per thread:
end − start. *Worker thread* = the one event loop thread `wrk:worker_0`, which does all the request work
at `--concurrency 1`; *all threads* also counts JFR's, JMX/attach and other JVM threads; the idle
recording (same procedure, 1 s, no requests) shows what the measuring itself allocates. Threads that
start or end inside the window are not counted.

## Threads allocating most during the measured window
""")
    for label, top, idle_total in detail:
        f.write(f"\n{label} (idle recording, all threads: {idle_total:,} B)\n\n| thread | bytes |\n|---|---:|\n")
        for (tid, name), v in top:
            f.write(f"| {name} | {v:,} |\n")
    f.write(f"\nRaw files: `{os.path.relpath(raw, root)}` (gitignored).\n")
if os.path.exists(f"{raw}/classes-after.txt"):
    def histo(path):
        d = {}
        for line in open(path):
            m = re.match(r"\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)", line)
            if m:
                d[m.group(3)] = (int(m.group(1)), int(m.group(2)))
        return d
    before, after = histo(f"{raw}/classes-before.txt"), histo(f"{raw}/classes-after.txt")
    k = 20000
    rows = sorted(((b - before.get(c, (0, 0))[1]) / k, (n - before.get(c, (0, 0))[0]) / k, c)
                  for c, (n, b) in after.items() if b - before.get(c, (0, 0))[1] > 0)[::-1]
    with open(out, "a") as f:
        f.write(f"\n## {classes_proto} allocation by class (--classes)\n\nA second javoy with `-XX:+UseEpsilonGC` (no collection), "
                f"`jcmd GC.class_histogram -all` before and after {k:,} requests (after {k:,} of warm-up); all threads. "
                f"Total: **{sum(r[0] for r in rows):,.0f} B/request**.\n\n| class | B/request | objects/request |\n|---|---:|---:|\n")
        for b, n, c in rows[:30]:
            f.write(f"| `{c}` | {b:,.1f} | {n:.2f} |\n")
print(open(out).read())
PY
