#!/usr/bin/env bash
# Where javoy's worker spends CPU per proxied request: JFR execution samples (every 1 ms, jdk.ExecutionSample) of
# `wrk:worker_0` during N HTTP/1.1 (or h2c) requests after a warm-up, reduced to the share of samples whose stack
# contains each method (inclusive) and the share of top frames (self), javoy's methods and all.
#
#   perf/bench/profile.sh --jar PATH [-n 80000] [--warmup 40000] [--h2] [--top 40] [--alloc CLASS]
#
# --alloc CLASS records jdk.ObjectAllocationSample instead and prints the stacks that allocate CLASS (a JVM name
# such as '[Ljava.lang.String;' or 'java.lang.String', or ALL for every class), by sampled weight.
#
# Same set-up as alloc.sh (backend nginx on CPU 0, javoy --concurrency 1 on CPU 1, router-only chain, h2load -c 10).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
JAR=""; N=80000; WARMUP=40000; H2=0; TOP=40; ALLOC=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --jar) JAR=$2; shift 2 ;;
    -n) N=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --h2) H2=1; shift ;;
    --top) TOP=$2; shift 2 ;;
    --alloc) ALLOC=$2; shift 2 ;;
    -h|--help) sed -n 2,8p "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -n $JAR ]] || { echo "--jar PATH" >&2; exit 2; }
RAW=$(mktemp -d /tmp/javoy-profile.XXXXXX)
trap bench_cleanup EXIT
BACKEND=$(free_port); HTTP=$(free_port); ADMIN=$(free_port)
start_backend "$RAW/backend" "$BACKEND"
write_router_config "$RAW/javoy.yaml" "$HTTP" "$ADMIN" "$BACKEND"
# bin/javoy's GC and Netty flags on the JDK whose jcmd/jfr read the recording
start_javoy_java "$JAR" "$RAW/javoy.yaml" "$RAW/javoy.log" -XX:+UseSerialGC -Xms36m -Xmn8m -XX:MaxTenuringThreshold=1 \
  -Dio.netty.leakDetection.level=disabled
JPID=$JAVOY_PID
URL=http://127.0.0.1:$HTTP/
wait_http "$HTTP" "$JPID" "$RAW/javoy.log"
load() { if (( H2 )); then taskset -c 0 h2load -n "$1" -c 10 -m 10 "$URL"; else taskset -c 0 h2load --h1 -n "$1" -c 10 "$URL"; fi; }
load "$WARMUP" >"$RAW/warmup.txt"
cat >"$RAW/cpu.jfc" <<'CONF'
<?xml version="1.0" encoding="UTF-8"?>
<configuration version="2.0" label="cpu">
  <event name="jdk.ExecutionSample"><setting name="enabled">true</setting><setting name="period">1 ms</setting></event>
</configuration>
CONF
if [[ -n $ALLOC ]]; then
  cat >"$RAW/cpu.jfc" <<'CONF'
<?xml version="1.0" encoding="UTF-8"?>
<configuration version="2.0" label="alloc">
  <event name="jdk.ObjectAllocationSample"><setting name="enabled">true</setting><setting name="throttle">20000/s</setting></event>
</configuration>
CONF
fi
jcmd $JPID JFR.start name=cpu settings="$RAW/cpu.jfc" >/dev/null
load "$N" >"$RAW/load.txt"
jcmd $JPID JFR.stop name=cpu filename="$RAW/cpu.jfr" >/dev/null
if [[ -n $ALLOC ]]; then
  jfr print --json --events jdk.ObjectAllocationSample --stack-depth 16 "$RAW/cpu.jfr" >"$RAW/alloc.json"
  python3 - "$RAW/alloc.json" "$ALLOC" "$TOP" <<'PY'
import json, sys, collections
ev = json.load(open(sys.argv[1]))["recording"]["events"]
want, top = sys.argv[2], int(sys.argv[3])
stacks, total = collections.Counter(), 0
for e in ev:
    v = e["values"]
    cls = v["objectClass"]["name"]
    if want != "ALL" and cls.replace("/", ".") != want.replace("/", "."):
        continue
    frames = v["stackTrace"]["frames"] if v.get("stackTrace") else []
    key = (cls + " @ " if want == "ALL" else "") + " < ".join(f["method"]["type"]["name"].split(".")[-1] + "." + f["method"]["name"] for f in frames[:8])
    stacks[key] += v["weight"]
    total += v["weight"]
for k, w in stacks.most_common(top):
    print(f"{100.0 * w / max(1, total):5.1f} %  {k}")
PY
  echo "raw: $RAW" >&2
  exit 0
fi
jfr print --json --events jdk.ExecutionSample --stack-depth 64 "$RAW/cpu.jfr" >"$RAW/cpu.json"
python3 - "$RAW/cpu.json" "$TOP" <<'PY'
import json, sys, collections
ev = json.load(open(sys.argv[1]))["recording"]["events"]
top = int(sys.argv[2])
incl, self_, n = collections.Counter(), collections.Counter(), 0
for e in ev:
    v = e["values"]
    t = (v.get("sampledThread") or {}).get("javaName") or ""
    if not t.startswith("wrk:worker"):
        continue
    frames = v["stackTrace"]["frames"] if v.get("stackTrace") else []
    names = [f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"] for f in frames]
    if not names:
        continue
    n += 1
    self_[names[0]] += 1
    for m in set(names):
        incl[m] += 1
print(f"worker samples: {n}")
print("\n## inclusive, javoy methods (share of worker samples whose stack contains the method)")
for m, c in [(m, c) for m, c in incl.most_common() if m.startswith("dev.javoy")][:top]:
    print(f"{100.0 * c / n:5.1f} %  {m}")
print("\n## self (top frame), all methods")
for m, c in self_.most_common(top):
    print(f"{100.0 * c / n:5.1f} %  {m}")
PY
echo "raw: $RAW" >&2
