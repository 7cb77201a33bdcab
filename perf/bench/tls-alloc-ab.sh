#!/usr/bin/env bash
# perf/bench/tls-alloc-ab.sh — HTTPS keep-alive bytes allocated per request, before/after in the same rounds.
#
# Usage: perf/bench/tls-alloc-ab.sh BASE_JAR NEW_JAR OUT_DIR   (env ROUNDS, default 3)
#
# Runs tls-handshakes.sh --kinds sat (wrk -t1 -c64 over https, keep-alive) for javoy-base (BASE_JAR) and javoy
# (NEW_JAR) in interleaved rounds, with a JFR recording (settings=profile) in each javoy around the rounds, and
# prints each javoy's allocated bytes per request from jdk.ThreadAllocationStatistics (all threads; the worker
# thread is wrk:worker_0 with one worker). Allocation per request does not depend on the machine's load, unlike
# CPU per request on a shared machine. The recordings stay in OUT_DIR (jdk.ObjectAllocationSample for the
# allocation sites: jfr print --events jdk.ObjectAllocationSample OUT_DIR/javoy.jfr).
set -u
BASE=$1; NEW=$2; OUT=$3; mkdir -p "$OUT"
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# --strace only so that the proxies stay up a few seconds after the rounds, while the recordings stop
"$REPO/perf/bench/tls-handshakes.sh" --jar "$NEW" --base-jar "$BASE" --proxies javoy-base,javoy --kinds sat \
  --rounds "${ROUNDS:-3}" --duration 5 --warmup 20 --hold 20 --strace >"$OUT/log" 2>&1 &
SP=$!
for _ in $(seq 1 300); do grep -q '^# hold: javoy ' "$OUT/log" 2>/dev/null && break; sleep 1; done
sleep 2
: >"$OUT/pids"
for p in javoy-base javoy; do
  pid=$(awk -v p="$p" '$2 == "hold:" && $3 == p {print $5}' "$OUT/log")
  jp=$(for c in $pid $(pgrep -P "$pid"); do [[ $(cat /proc/$c/comm 2>/dev/null) == java ]] && echo "$c"; done | head -1)
  echo "$p $jp" >>"$OUT/pids"
  jcmd "$jp" JFR.start name=tlsab settings=profile filename="$OUT/$p.jfr" >/dev/null
done
for _ in $(seq 1 600); do grep -q '^# javoy.*ssl.handshake' "$OUT/log" 2>/dev/null && break; sleep 1; done
STOPS=()
while read -r p jp; do jcmd "$jp" JFR.stop name=tlsab >/dev/null & STOPS+=($!); done <"$OUT/pids"
wait "${STOPS[@]}"
wait $SP
grep -E '^(kind|sat) ' "$OUT/log"
for p in javoy-base javoy; do
  n=$(awk -v p="$p" '$1 == "sat" && $2 == p {s += $4} END {print s}' "$OUT/log")
  jfr print --json --events jdk.ThreadAllocationStatistics "$OUT/$p.jfr" >"$OUT/$p-alloc.json"
  python3 - "$OUT/$p-alloc.json" "$n" "$p" <<'PY'
import json, sys
events = json.load(open(sys.argv[1]))['recording']['events']
n = int(sys.argv[2]); first = {}; last = {}
for e in events:
    v = e['values']; t = v['thread']['javaName'] if v.get('thread') else '?'
    first.setdefault(t, v['allocated']); last[t] = v['allocated']
per = {t: last[t] - first[t] for t in first}
top = sorted(per.items(), key=lambda x: -x[1])[:3]
print(f"{sys.argv[3]}: {n} requests, {sum(per.values()) / max(n, 1):.0f} B allocated per request "
      f"(top threads: {', '.join(f'{t} {b / max(n, 1):.0f} B' for t, b in top)})")
PY
done
