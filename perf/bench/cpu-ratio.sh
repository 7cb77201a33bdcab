#!/usr/bin/env bash
# CPU per proxied request, javoy against nginx in the same minutes (interleaved rounds, ratio to nginx), for a
# shared machine where wall-clock throughput is noise. CPU = utime+stime of each proxy's process tree (all threads:
# javoy's JIT and GC included; nginx: master + worker) from /proc/<pid>/stat, over a fixed number of requests,
# divided by the requests that succeeded.
#
#   perf/bench/cpu-ratio.sh [--jar PATH]... [JAR...] [--variant 'NAME|ENV=VALUE|...']... [--h2] [-n 30000]
#                           [--rounds 3] [--warmup 40000] [-c 10] [--java PATH] [--opts 'JVM FLAGS'] [--opts2 'JVM FLAGS']
#
# Each javoy target is one jar (default: the newest src/target*/javoy-*.jar) under one variant (default: none),
# started through bin/javoy — the launcher's JDK and JVM flags, as run.sh and users run it — with the variant's
# environment (e.g. 'jdk17|JAVA=/usr/lib/jvm/java-17-openjdk-amd64/bin/java' or 'c2x10|JAVOY_JAVA_OPTS=-XX:...');
# no class-data archive unless the variant sets JAVOY_CDS. --jar2 PATH is --jar (h1-cpu-ratio.sh's before/after);
# --java sets JAVA (the JDK) for every javoy; --opts/--opts2 add JVM flags (JAVOY_JAVA_OPTS) to the first/second jar's
# javoys (the same jar twice with different flags: --jar J --jar2 J --opts2 '...').
# Set-up (perf/bench/lib.sh): nginx backend (1 KiB `return 200`) and h2load on CPU 0; the javoys (--concurrency 1,
# router-only chain) and an nginx proxy (worker_processes 1, upstream keep-alive) on CPU 1; h2load --h1 -c C (or
# h2c -c C -m 10 with --h2), after WARMUP requests to every javoy. Prints one line per round and target, each
# javoy's ratio to nginx in that round, and the medians.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
N=30000; ROUNDS=3; WARMUP=40000; CONNS=10; H2=""; JARS=(); VARIANTS=(); JAVA_ENV=(); OPTS=("" "")
while [[ $# -gt 0 ]]; do
  case $1 in
    --jar|--jar2) JARS+=("$2"); shift 2 ;;
    --variant) VARIANTS+=("$2"); shift 2 ;;
    --h2) H2=h2; shift ;;
    -n) N=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    -c) CONNS=$2; shift 2 ;;
    --java) JAVA_ENV=("JAVA=$2"); shift 2 ;;
    --opts) OPTS[0]=$2; shift 2 ;;
    --opts2) OPTS[1]=$2; shift 2 ;;
    -h|--help) sed -n 2,20p "$0"; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) JARS+=("$1"); shift ;;
  esac
done
bench_require h2load nginx curl python3 taskset
((${#JARS[@]})) || JARS=("$(bench_default_jar)")
[[ -n ${JARS[0]} ]] || { echo "no src/target*/javoy-*.jar; build one or pass --jar" >&2; exit 1; }
((${#VARIANTS[@]})) || VARIANTS=("")
RUN=$(mktemp -d /tmp/cpu-ratio.XXXXXX)
trap bench_cleanup EXIT

BACKEND_PORT=$(free_port)
start_backend "$RUN/backend" "$BACKEND_PORT"
NAMES=(nginx); PORTS=("$(free_port)")
start_nginx_proxy "$RUN/nginx" "${PORTS[0]}" "$BACKEND_PORT" "$H2"
TPIDS=("$NGINX_PID")
i=0
for j in "${!JARS[@]}"; do
  jar=$(readlink -f "${JARS[$j]}")
  opts=()
  [[ -z ${OPTS[$j]:-} ]] || opts=("JAVOY_JAVA_OPTS=${OPTS[$j]}")
  for v in "${VARIANTS[@]}"; do
    IFS='|' read -r -a env <<<"$v"
    name=javoy; ((${#JARS[@]} == 1)) || name=javoy$((i / ${#VARIANTS[@]} + 1))
    [[ -z $v ]] || name="$name:${env[0]}"
    port=$(free_port)
    write_router_config "$RUN/javoy$i.yaml" "$port" "$(free_port)" "$BACKEND_PORT"
    start_javoy_launcher "$jar" "$RUN/javoy$i.yaml" "$RUN/javoy$i.log" "${JAVA_ENV[@]}" "${opts[@]}" "${env[@]:1}"
    echo "$name = $jar ${opts[*]} ${v:+($v)}; log $RUN/javoy$i.log" >&2
    NAMES+=("$name"); PORTS+=("$port"); TPIDS+=("$JAVOY_PID")
    i=$((i + 1))
  done
done
for idx in "${!PORTS[@]}"; do wait_http "${PORTS[$idx]}" "${TPIDS[$idx]}" "$RUN" ${H2:+--http2-prior-knowledge}; done

load() { # PORT REQUESTS
  if [[ -n $H2 ]]; then taskset -c 0 timeout 300 h2load -n "$2" -c "$CONNS" -m 10 "http://127.0.0.1:$1/" 2>&1
  else taskset -c 0 timeout 300 h2load --h1 -n "$2" -c "$CONNS" "http://127.0.0.1:$1/" 2>&1; fi
}
echo "warm-up: $WARMUP requests to each javoy" >&2
for idx in "${!PORTS[@]}"; do ((idx == 0)) || load "${PORTS[$idx]}" "$WARMUP" >/dev/null; done
echo "round target requests cpu_s us_per_req"
RES=()
for ((r = 1; r <= ROUNDS; r++)); do
  US=()
  for idx in "${!PORTS[@]}"; do
    before=$(cpu_ticks "${TPIDS[$idx]}")
    out=$(load "${PORTS[$idx]}" "$N")
    after=$(cpu_ticks "${TPIDS[$idx]}")
    ok=$(h2load_succeeded "$out")
    US[$idx]=$(python3 -c "print(round(($after - $before) / $BENCH_HZ / max(1, ${ok:-0}) * 1e6, 2))")
    echo "$r ${NAMES[$idx]} ${ok:-0} $(python3 -c "print(($after - $before) / $BENCH_HZ)") ${US[$idx]}"
  done
  for idx in "${!PORTS[@]}"; do
    ((idx == 0)) && continue
    ratio=$(python3 -c "print(round(${US[$idx]} / max(0.01, ${US[0]}), 3))")
    echo "$r ${NAMES[$idx]}/nginx ratio $ratio"
    RES+=("${NAMES[$idx]} ${US[$idx]} $ratio")
  done
  RES+=("nginx ${US[0]} 1")
done
printf '%s\n' "${RES[@]}" | python3 -c '
import sys, statistics, collections
us, ratio = collections.defaultdict(list), collections.defaultdict(list)
for line in sys.stdin:
    n, u, r = line.split()
    us[n].append(float(u)); ratio[n].append(float(r))
for n in us:
    print(f"median {n}: {statistics.median(us[n]):.2f} us/req, ratio to nginx {statistics.median(ratio[n]):.3f}")'
