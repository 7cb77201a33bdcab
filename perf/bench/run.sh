#!/usr/bin/env bash
# perf/bench/run.sh — side-by-side benchmark: direct (no proxy), javoy, nginx, HAProxy.
#
# Usage: perf/bench/run.sh [options]
#
#   --quick               ~3 minute smoke run (1 round, short durations, 512 MiB TCP transfer)
#   --rounds N            measured rounds, interleaved across proxies; medians reported (default 3)
#   --sat-duration S      HTTP/1.1 saturation run length, wrk -t1 -c64 (default 8)
#   --fixed-duration S    fixed-rate run length (default 25)
#   --fixed-rate R        fixed-rate total requests/s (default 1000), over --fixed-conns (default 16)
#   --h2-duration S       h2c saturation run length, h2load -c16 -m10 (default 8)
#   --tcp-mb N            bytes per TCP-proxy transfer, in MiB (default 1024)
#   --tls-duration S      each TLS run's length: new-connection handshakes, HTTPS keep-alive
#                         saturation, 1 MiB downloads (default 4)
#   --idle-conns N        idle keep-alive connections for the memory scenario (default 1000)
#   --javoy-mem-config F  javoy's config for the memory rows (default conf/javoy-sidecar.yaml: Istio-sidecar-
#                         sized, 22 listeners, 51 clusters, 400 routes; nginx/HAProxy keep their own config);
#                         "bench": the benchmark config's javoy, as before 2026-11-22
#   --warmup S            javoy JIT warm-up before measuring (default 15; HTTP/1.1 for S s,
#                         then h2c for S/3 s and one TCP transfer)
#   --proxies LIST        comma list out of direct,javoy,nginx,haproxy (default: all four)
#   --scenarios LIST      comma list out of mem,sat,fixed,h2,tcp,tls (default: all); start-up always runs
#                         (it starts the proxies). E.g. a ~2.5-minute check of the GC rows:
#                         --proxies direct,javoy --scenarios sat,fixed --rounds 1 --warmup 2 --fixed-duration 10
#   --jar PATH            javoy jar to run (skips the build)
#   --no-build            don't build; use src/target-perf/ (else src/target/) javoy jar
#                         (default: build with ./mvnw -q -B -o package -DskipTests -pl src -am
#                          -Djavoy.build.dir=target-perf, never `install`)
#   --java-opts "..."     extra JVM options for javoy (default: none; with the launcher: JAVOY_JAVA_OPTS)
#   --no-launcher         run javoy as `java -jar` instead of through bin/javoy (its JVM flags and CDS archive)
#   --base-port P         first of ~40 loopback ports to use (default 19100; the next
#                         free block of 100 is used if any of them is taken)
#   --proxy-cpu N         CPU for the proxy under test (default 1)
#   --load-cpu N          CPU for load generators and backend (default 0)
#   --wait-quiet S        before measuring, wait up to S s for the machine to be <10% busy
#                         (default 0: don't wait; the report flags a busy machine either way)
#   --no-install          don't apt-get install missing tools (fail instead)
#   --out DIR             results directory (default perf/results); raw outputs go to
#                         DIR/raw/<date>-<time>/ (gitignored)
#   -h, --help            this text
#
# javoy logs its GC pauses and safepoints (-Xlog:gc,safepoint to raw/<stamp>/javoy-gc-<pid>.log, added to the
# --java-opts of every javoy start, so start-up and memory javoys share one AOT cache); the report gives the
# pauses that fell inside the fixed-rate (and, as info, the saturation) runs.
#
# Output: DIR/<YYYY-MM-DD>.md (table, machine, command) and DIR/<YYYY-MM-DD>-latency.png
# (--quick: <YYYY-MM-DD>-quick.md / -quick-latency.png, so a full run is never overwritten).
# A proxy that fails to start or serve is marked `failed` (HTTP/2 against javoy:
# `unsupported`) and the run goes on. Every wait and tool has a timeout; every
# process started here is stopped on exit. Traffic only to 127.0.0.1.
# Default run ≈ 12.5 minutes on 2 cores (incl. the javoy build; 14 before the TLS client ran once per run); --quick ≈ 4 minutes. See perf/bench/README.md.

set -uo pipefail
export PATH="$PATH:/usr/sbin:/sbin"   # nginx, haproxy live in /usr/sbin

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/../.." && pwd)
CMDLINE="perf/bench/run.sh${*:+ $*}"

ROUNDS=3
SAT_DUR=8
SAT_CONNS=64
FIXED_DUR=25
FIXED_RATE=1000
FIXED_CONNS=16
H2_DUR=8
H2_CONNS=16
H2_STREAMS=10
TCP_MB=1024
TLS_DUR=4
TLS_HS_CONNS=16
IDLE_CONNS=1000
JAVOY_MEM_CONFIG="sidecar"
WARMUP=15
PROXIES="direct,javoy,nginx,haproxy"
SCENARIOS="mem,sat,fixed,h2,tcp,tls"
JAR=""
BUILD=yes
JAVA_OPTS_EXTRA=""
LAUNCHER=yes
BASE_PORT=19100
PROXY_CPU=1
LOAD_CPU=0
INSTALL=yes
OUT_DIR="$REPO/perf/results"
QUICK=no
WAIT_QUIET=0

die() { echo "run.sh: $*" >&2; exit 2; }
while [[ $# -gt 0 ]]; do
  case $1 in
    --quick) QUICK=yes; ROUNDS=1; SAT_DUR=5; FIXED_DUR=10; H2_DUR=5; TCP_MB=512; WARMUP=6; TLS_DUR=3 ;;
    --rounds) ROUNDS=$2; shift ;;
    --sat-duration) SAT_DUR=$2; shift ;;
    --fixed-duration) FIXED_DUR=$2; shift ;;
    --fixed-rate) FIXED_RATE=$2; shift ;;
    --fixed-conns) FIXED_CONNS=$2; shift ;;
    --h2-duration) H2_DUR=$2; shift ;;
    --tcp-mb) TCP_MB=$2; shift ;;
    --tls-duration) TLS_DUR=$2; shift ;;
    --idle-conns) IDLE_CONNS=$2; shift ;;
    --javoy-mem-config) JAVOY_MEM_CONFIG=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    --proxies) PROXIES=$2; shift ;;
    --scenarios) SCENARIOS=$2; shift ;;
    --jar) JAR=$2; BUILD=no; shift ;;
    --no-build) BUILD=no ;;
    --java-opts) JAVA_OPTS_EXTRA=$2; shift ;;
    --no-launcher) LAUNCHER=no ;;
    --base-port) BASE_PORT=$2; shift ;;
    --proxy-cpu) PROXY_CPU=$2; shift ;;
    --load-cpu) LOAD_CPU=$2; shift ;;
    --no-install) INSTALL=no ;;
    --wait-quiet) WAIT_QUIET=$2; shift ;;
    --out) OUT_DIR=$2; shift ;;
    -h|--help) sed -n '2,/^$/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
  shift
done
for v in WAIT_QUIET ROUNDS SAT_DUR FIXED_DUR FIXED_RATE FIXED_CONNS H2_DUR TCP_MB TLS_DUR IDLE_CONNS WARMUP BASE_PORT PROXY_CPU LOAD_CPU; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a non-negative integer (got '${!v}')"
done
(( ROUNDS >= 1 && FIXED_CONNS >= 1 && FIXED_RATE >= 1 )) || die "rounds, fixed rate and connections must be >= 1"
IFS=, read -r -a PROXY_LIST <<<"$PROXIES"
for p in "${PROXY_LIST[@]}"; do
  [[ $p =~ ^(direct|javoy|nginx|haproxy)$ ]] || die "unknown proxy '$p' in --proxies"
done
has_proxy() { [[ ",$PROXIES," == *",$1,"* ]]; }
IFS=, read -r -a SCENARIO_LIST <<<"$SCENARIOS"
for s in "${SCENARIO_LIST[@]}"; do
  [[ $s =~ ^(mem|sat|fixed|h2|tcp|tls)$ ]] || die "unknown scenario '$s' in --scenarios"
done
has_scenario() { [[ ",$SCENARIOS," == *",$1,"* ]]; }
# between two load runs (connections of the last one closing); longer waits measured nothing
INTER_RUN_PAUSE=0.2

DATE=$(date +%F)
STAMP=$(date +%F_%H%M%S)
[[ $OUT_DIR = /* ]] || OUT_DIR="$PWD/$OUT_DIR"
RAW="$OUT_DIR/raw/$STAMP"
mkdir -p "$RAW" || die "cannot create $RAW"
MEAS="$RAW/measurements.tsv"
: >"$MEAS"
START_EPOCH=$SECONDS

log() { printf '[%s +%4ss] %s\n' "$(date +%T)" "$((SECONDS - START_EPOCH))" "$*" | tee -a "$RAW/run.log" >&2; }
# rec ROUND PROXY SCENARIO KEY VALUE  -> measurements.tsv (read by report.py)
rec() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >>"$MEAS"; }
now_us() { local t=${EPOCHREALTIME/./}; echo "$t"; }

# ---------------------------------------------------------------- tools
PY=/usr/bin/python3
need_pkgs=()
command -v nginx >/dev/null || need_pkgs+=(nginx)
[[ -f /usr/lib/nginx/modules/ngx_stream_module.so ]] || need_pkgs+=(libnginx-mod-stream)
command -v haproxy >/dev/null || need_pkgs+=(haproxy)
command -v wrk >/dev/null || need_pkgs+=(wrk)
command -v h2load >/dev/null || need_pkgs+=(nghttp2-client)
command -v curl >/dev/null || need_pkgs+=(curl)
command -v openssl >/dev/null || need_pkgs+=(openssl)
command -v ss >/dev/null || need_pkgs+=(iproute2)
command -v taskset >/dev/null || need_pkgs+=(util-linux)
command -v timeout >/dev/null || need_pkgs+=(coreutils)
[[ -x $PY ]] && $PY -c 'import matplotlib, numpy' 2>/dev/null || need_pkgs+=(python3 python3-matplotlib python3-numpy)
has_proxy javoy && { command -v java >/dev/null || need_pkgs+=(openjdk-17-jdk-headless); }
if ((${#need_pkgs[@]})); then
  [[ $INSTALL == yes ]] || die "missing packages: ${need_pkgs[*]} (run without --no-install, as root)"
  [[ $(id -u) == 0 ]] || die "missing packages: ${need_pkgs[*]}; run as root or: sudo apt-get install ${need_pkgs[*]}"
  log "installing: ${need_pkgs[*]}"
  # keep Debian's postinst from starting system nginx/haproxy services on :80
  made_policy=no
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && made_policy=yes
  fi
  timeout 600 apt-get update -qq >"$RAW/apt.log" 2>&1
  DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >>"$RAW/apt.log" 2>&1
  apt_rc=$?
  [[ $made_policy == yes ]] && rm -f /usr/sbin/policy-rc.d
  ((apt_rc == 0)) || die "apt-get install failed (see $RAW/apt.log)"
fi
NGINX=$(command -v nginx); HAPROXY=$(command -v haproxy)

NCPU=$(nproc --all)
# Arrays, not functions: `"${PIN_PROXY[@]}" cmd &` is a simple command, so the
# background child execs taskset, which execs cmd: $! is the proxy's own pid.
if (( PROXY_CPU >= NCPU || LOAD_CPU >= NCPU )); then
  log "WARNING: only $NCPU CPU(s): running without pinning"
  PIN_PROXY=(); PIN_LOAD=()
else
  PIN_PROXY=(taskset -c "$PROXY_CPU"); PIN_LOAD=(taskset -c "$LOAD_CPU")
fi

# file descriptors: 1,000 idle connections (+ upstream side) per proxy
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
log "raw outputs: $RAW (ulimit -n $(ulimit -n))"

# ---------------------------------------------------------------- processes / cleanup
RUN=$(mktemp -d /tmp/javoy-bench.XXXXXX) || die "mktemp failed"
chmod 755 "$RUN"   # nginx workers run as nobody and must read www/
declare -A PID=()
ALL_PIDS=()

descendants() { # PID -> the pid and all its descendants, one per line
  local p=$1 c
  echo "$p"
  for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do descendants "$c"; done
}
stop_pid() { # PID: TERM the tree, KILL after 5 s
  local p=$1 tree q i
  kill -0 "$p" 2>/dev/null || return 0
  tree=$(descendants "$p")
  kill -TERM "$p" 2>/dev/null
  for ((i = 0; i < 50; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  for q in $tree; do kill -KILL "$q" 2>/dev/null; done
  wait "$p" 2>/dev/null
  return 0
}
cleanup() {
  local p
  trap - EXIT INT TERM
  for p in "${ALL_PIDS[@]}"; do stop_pid "$p"; done
  # keep the rendered configs for the record, drop the big file
  [[ -d $RUN ]] && { cp -r "$RUN/conf" "$RAW/rendered-conf" 2>/dev/null; rm -rf "$RUN"; }
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# ---------------------------------------------------------------- ports
port_free() { ! ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }
pick_ports() {
  local base=$1 off
  for off in 0 1 10 11 12 13 20 21 22 23 30 31 32 33 40 41 42; do port_free $((base + off)) || return 1; done
  return 0
}
for ((try = 0; try < 20; try++)); do
  pick_ports $((BASE_PORT + 100 * try)) && break
done
((try < 20)) || die "no free port block found from $BASE_PORT"
B=$((BASE_PORT + 100 * try))
BACKEND_PORT=$B;            BACKEND_H2_PORT=$((B + 1))
JAVOY_HTTP_PORT=$((B + 10)); JAVOY_TCP_PORT=$((B + 11)); JAVOY_ADMIN_PORT=$((B + 12)); JAVOY_TLS_PORT=$((B + 13))
NGINX_TLS_PORT=$((B + 23)); HAPROXY_TLS_PORT=$((B + 33))
NGINX_HTTP_PORT=$((B + 20)); NGINX_H2_PORT=$((B + 21)); NGINX_TCP_PORT=$((B + 22))
HAPROXY_HTTP_PORT=$((B + 30)); HAPROXY_H2_PORT=$((B + 31)); HAPROXY_TCP_PORT=$((B + 32))
declare -A HTTP_PORT=([direct]=$BACKEND_PORT [javoy]=$JAVOY_HTTP_PORT [nginx]=$NGINX_HTTP_PORT [haproxy]=$HAPROXY_HTTP_PORT)
declare -A H2_PORT=([direct]=$BACKEND_H2_PORT [javoy]=$JAVOY_HTTP_PORT [nginx]=$NGINX_H2_PORT [haproxy]=$HAPROXY_H2_PORT)
declare -A TCP_PORT=([direct]=$BACKEND_PORT [javoy]=$JAVOY_TCP_PORT [nginx]=$NGINX_TCP_PORT [haproxy]=$HAPROXY_TCP_PORT)
declare -A TLS_PORT=([javoy]=$JAVOY_TLS_PORT [nginx]=$NGINX_TLS_PORT [haproxy]=$HAPROXY_TLS_PORT)
log "ports: backend $BACKEND_PORT/$BACKEND_H2_PORT javoy $JAVOY_HTTP_PORT/$JAVOY_TCP_PORT/$JAVOY_ADMIN_PORT nginx $NGINX_HTTP_PORT/$NGINX_H2_PORT/$NGINX_TCP_PORT haproxy $HAPROXY_HTTP_PORT/$HAPROXY_H2_PORT/$HAPROXY_TCP_PORT; TLS javoy/nginx/haproxy $JAVOY_TLS_PORT/$NGINX_TLS_PORT/$HAPROXY_TLS_PORT"

# ---------------------------------------------------------------- configs
BODY_1K=$(head -c 1024 /dev/zero | tr '\0' 'x')
mkdir -p "$RUN"/{conf,www,backend/tmp,nginx/tmp/body,nginx/tmp/proxy,haproxy,javoy,tls}
# one ECDSA P-256 certificate for every TLS listener (javoy, nginx, HAProxy: the same key and chain)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=bench.javoy.test \
  -addext subjectAltName=DNS:bench.javoy.test -keyout "$RUN/tls/key.pem" -out "$RUN/tls/cert.pem" >"$RAW/openssl-req.log" 2>&1 \
  || die "openssl could not make the benchmark certificate (see $RAW/openssl-req.log)"
cat "$RUN/tls/cert.pem" "$RUN/tls/key.pem" >"$RUN/tls/bundle.pem"
chmod 644 "$RUN"/tls/*.pem
render() { # template -> rendered file
  sed -e "s|@RUN@|$RUN|g" -e "s|@BODY_1K@|$BODY_1K|g" \
      -e "s|@BACKEND_PORT@|$BACKEND_PORT|g" -e "s|@BACKEND_H2_PORT@|$BACKEND_H2_PORT|g" \
      -e "s|@JAVOY_HTTP_PORT@|$JAVOY_HTTP_PORT|g" -e "s|@JAVOY_TCP_PORT@|$JAVOY_TCP_PORT|g" \
      -e "s|@JAVOY_ADMIN_PORT@|$JAVOY_ADMIN_PORT|g" -e "s|@JAVOY_TLS_PORT@|$JAVOY_TLS_PORT|g" \
      -e "s|@NGINX_TLS_PORT@|$NGINX_TLS_PORT|g" -e "s|@HAPROXY_TLS_PORT@|$HAPROXY_TLS_PORT|g" \
      -e "s|@NGINX_HTTP_PORT@|$NGINX_HTTP_PORT|g" -e "s|@NGINX_H2_PORT@|$NGINX_H2_PORT|g" \
      -e "s|@NGINX_TCP_PORT@|$NGINX_TCP_PORT|g" \
      -e "s|@HAPROXY_HTTP_PORT@|$HAPROXY_HTTP_PORT|g" -e "s|@HAPROXY_H2_PORT@|$HAPROXY_H2_PORT|g" \
      -e "s|@HAPROXY_TCP_PORT@|$HAPROXY_TCP_PORT|g" "$1" >"$2"
}
render "$BENCH_DIR/conf/backend-nginx.conf" "$RUN/conf/backend-nginx.conf"
render "$BENCH_DIR/conf/nginx.conf" "$RUN/conf/nginx.conf"
render "$BENCH_DIR/conf/haproxy.cfg" "$RUN/conf/haproxy.cfg"
render "$BENCH_DIR/conf/javoy.yaml" "$RUN/conf/javoy.yaml"
# the memory rows' javoy (sidecar-sized config) on its own ports (+40 HTTP, +41 TCP, +42 admin)
case $JAVOY_MEM_CONFIG in
  bench) ;;
  sidecar) JAVOY_MEM_CONFIG="$BENCH_DIR/conf/javoy-sidecar.yaml" ;&
  *) [[ -f $JAVOY_MEM_CONFIG ]] || die "no such file: $JAVOY_MEM_CONFIG"
     JAVOY_MEM_SRC=$JAVOY_MEM_CONFIG
     sed -e "s|@JAVOY_HTTP_PORT@|$((B + 40))|g" -e "s|@JAVOY_TCP_PORT@|$((B + 41))|g" \
       -e "s|@JAVOY_ADMIN_PORT@|$((B + 42))|g" -e "s|@BACKEND_PORT@|$BACKEND_PORT|g" "$JAVOY_MEM_CONFIG" \
       >"$RUN/conf/javoy-mem.yaml" ;;
esac
head -c $((1024 * 1024)) /dev/urandom >"$RUN/www/1m.bin"
truncate -s $((TCP_MB * 1024 * 1024)) "$RUN/www/big.bin"   # sparse: served from page cache

# ---------------------------------------------------------------- javoy jar
JAVOY_NOTE=""
if has_proxy javoy; then
  if [[ -n $JAR ]]; then
    [[ $JAR = /* ]] || JAR="$PWD/$JAR"
  elif [[ $BUILD == no ]]; then
    for j in "$REPO/src/target-perf/javoy-0.1.0-SNAPSHOT.jar" "$REPO/src/target/javoy-0.1.0-SNAPSHOT.jar"; do
      [[ -f $j ]] && { JAR=$j; break; }
    done
  else
    log "building javoy (./mvnw -q -B -o package -DskipTests -pl src -am -Djavoy.build.dir=target-perf: the jar and what it needs, not the JMH module)"
    (cd "$REPO" && timeout 600 ./mvnw -q -B -o package -DskipTests -pl src -am -Djavoy.build.dir=target-perf) >"$RAW/javoy-build.log" 2>&1
    brc=$?
    if ((brc != 0)) && grep -qiE 'offline|Could not resolve|Cannot access' "$RAW/javoy-build.log"; then
      log "offline build could not resolve dependencies; retrying online"
      (cd "$REPO" && timeout 900 ./mvnw -q -B package -DskipTests -pl src -am -Djavoy.build.dir=target-perf) >"$RAW/javoy-build.log" 2>&1
      brc=$?
    fi
    if ((brc == 0)) && [[ -f $REPO/src/target-perf/javoy-0.1.0-SNAPSHOT.jar ]]; then
      JAR="$REPO/src/target-perf/javoy-0.1.0-SNAPSHOT.jar"
    else
      first_err=$(grep -m1 -E '\.java:\[[0-9]+' "$RAW/javoy-build.log" || grep -m1 -E 'ERROR' "$RAW/javoy-build.log")
      first_err=${first_err#"[ERROR] "}; first_err=${first_err#"$REPO/"}
      JAVOY_NOTE="build failed (rc=$brc; first error: ${first_err:0:200}; full log raw/$STAMP/javoy-build.log)"
      log "javoy: $JAVOY_NOTE"
    fi
  fi
  if [[ -z $JAVOY_NOTE && ( -z $JAR || ! -f $JAR ) ]]; then
    JAVOY_NOTE="no javoy jar found (${JAR:-none})"
    log "javoy: $JAVOY_NOTE"
  fi
  [[ -n $JAR && -f $JAR ]] && log "javoy jar: $JAR ($(date -r "$JAR" '+%F %T'))"
fi

# ---------------------------------------------------------------- metadata
{
  echo "date=$DATE"
  echo "stamp=$STAMP"
  echo "command=$CMDLINE"
  echo "quick=$QUICK"
  echo "nproc=$(nproc)"
  echo "cpu_model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "kernel=$(uname -srm)"
  echo "os=$(. /etc/os-release 2>/dev/null; echo "${PRETTY_NAME:-unknown}")"
  echo "mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "java=$(java -version 2>&1 | tr '\n' ' ' | sed 's/ *$//')"
  echo "nginx=$($NGINX -v 2>&1 | sed 's/.*version: //')"
  echo "haproxy=$($HAPROXY -v 2>/dev/null | head -1 | awk '{print $3}')"
  echo "wrk=$(wrk -v 2>&1 | head -1 | awk '{print $2}')"
  echo "h2load=$(h2load --version 2>&1 | head -1)"
  echo "curl=$(curl --version | head -1 | awk '{print $2}')"
  echo "javoy_jar=${JAR:-}"
  echo "javoy_jar_mtime=$([[ -n $JAR && -f $JAR ]] && date -r "$JAR" '+%F %T')"
  echo "javoy_git=$(cd "$REPO" && git rev-parse --short HEAD 2>/dev/null || echo 'no commit')"
  echo "javoy_note=$JAVOY_NOTE"
  echo "java_opts=$JAVA_OPTS_EXTRA"
  # the JDK javoy's start-up row (and every javoy run) used: the launcher's choice, as users get it
  if [[ $LAUNCHER == yes ]]; then
    jj=$(JAVOY_JAR="$JAR" JAVOY_LAUNCHER_DRY_RUN=1 "$REPO/bin/javoy" 2>/dev/null | awk '{print $1}')
  else
    jj=java
  fi
  echo "javoy_java=${jj:-java}: $("${jj:-java}" -version 2>&1 | head -1)"
  echo "javoy_java_version=$("${jj:-java}" -version 2>&1 | head -1 | sed -n 's/.*version "\([0-9]*\).*/JDK \1/p')"
  echo "javoy_launcher=$([[ $LAUNCHER == yes ]] && echo "bin/javoy: $(awk '/^JVM_FLAGS=/ {on = 1} on {printf "%s ", $0} on && /"$/ {on = 0}' "$REPO/bin/javoy" | sed 's/\$JVM_FLAGS//g; s/JVM_FLAGS=//g; s/"//g' | tr -s ' ')" || echo 'no (java -jar)')"
  # what the JVM picks when it sees one CPU (ergonomics: GC, heap)
  echo "jvm_ergonomics=$("${PIN_PROXY[@]}" "${jj:-java}" $JAVA_OPTS_EXTRA -XX:+PrintFlagsFinal -version 2>/dev/null |
    awk '$2 ~ /^Use(Serial|Parallel|G1|Z|Shenandoah)GC$/ && $4 == "true" {gc=$2}
         $2 == "MaxHeapSize" {mx=$4} $2 == "ActiveProcessorCount" {ap=$4}
         END {printf "%s, MaxHeapSize %.0f MiB", gc, mx/1048576}')"
  echo "repo=$REPO"
  echo "proxies=$PROXIES"
  echo "rounds=$ROUNDS"
  echo "sat=wrk -t1 -c$SAT_CONNS -d${SAT_DUR}s --latency"
  echo "fixed=h2load --h1 -c$FIXED_CONNS, $FIXED_RATE req/s total for ${FIXED_DUR}s"
  echo "fixed_rate=$FIXED_RATE"
  echo "fixed_conns=$FIXED_CONNS"
  echo "fixed_dur=$FIXED_DUR"
  echo "h2=h2load -c$H2_CONNS -m$H2_STREAMS -D $H2_DUR (h2c prior knowledge)"
  echo "tcp_mb=$TCP_MB"
  echo "tls_dur=$TLS_DUR"
  echo "tls_hs_conns=$TLS_HS_CONNS"
  echo "tls_sat_conns=$SAT_CONNS"
  echo "openssl=$(openssl version | head -1)"
  echo "idle_conns=$IDLE_CONNS"
  echo "javoy_mem_config=$( [[ -n ${JAVOY_MEM_SRC:-} && $LAUNCHER == yes ]] && basename "$JAVOY_MEM_SRC" || echo javoy.yaml)"
  echo "warmup=$WARMUP"
  echo "proxy_cpu=$PROXY_CPU"
  echo "load_cpu=$LOAD_CPU"
  echo "clk_tck=$(getconf CLK_TCK)"
  echo "scenarios=$SCENARIOS"
} >"$RAW/meta.env"

# ---------------------------------------------------------------- javoy's GC log
# Every javoy start logs its GC pauses and safepoints to its own file (%p: the JVM's pid, so the option string is
# the same for every start and the launcher's AOT cache, keyed by the options, is shared by all of them). Lines are
# decorated with the monotonic clock in ns (timenanos): meta.env's clock_offset_s (epoch − monotonic) lines them
# up with the load runs' windows (epoch µs in measurements.tsv) and h2load's per-request log.
JAVOY_GC_LOG_OPTS="-Xlog:gc,safepoint:file=$RAW/javoy-gc-%p.log:timenanos,uptime"
JAVA_OPTS_EXTRA="${JAVA_OPTS_EXTRA:+$JAVA_OPTS_EXTRA }$JAVOY_GC_LOG_OPTS"
{
  echo "javoy_gc_log=$JAVOY_GC_LOG_OPTS"
  echo "clock_offset_s=$("$PY" -c 'import time; print(repr(time.time() - time.monotonic()))')"
} >>"$RAW/meta.env"

# ---------------------------------------------------------------- machine busy before start?
busy_pct_2s() { # % of all CPUs busy (incl. steal) over 2 s
  local b0 i0 b1 i1
  read -r b0 i0 < <(awk '$1 == "cpu" {print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat)
  sleep 2
  read -r b1 i1 < <(awk '$1 == "cpu" {print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat)
  awk -v b=$((b1 - b0)) -v i=$((i1 - i0)) 'BEGIN { printf "%.0f", (b + i) ? 100 * b / (b + i) : 0 }'
}
PRE_BUSY=$(busy_pct_2s)
if ((WAIT_QUIET > 0 && PRE_BUSY > 10)); then
  log "machine ${PRE_BUSY}% busy: waiting up to ${WAIT_QUIET}s for it to be quiet"
  wq_end=$((SECONDS + WAIT_QUIET))
  while ((PRE_BUSY > 10 && SECONDS < wq_end)); do PRE_BUSY=$(busy_pct_2s); done
  log "machine now ${PRE_BUSY}% busy"
fi
echo "preflight_busy_pct=$PRE_BUSY" >>"$RAW/meta.env"
echo "preflight_loadavg=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RAW/meta.env"
echo "preflight_top=$(ps -eo pcpu=,comm= --sort=-pcpu | head -3 | awk '{printf "%s%s %s%%", (NR > 1 ? ", " : ""), $2, $1}')" >>"$RAW/meta.env"
((PRE_BUSY > 10)) && log "WARNING: the machine is ${PRE_BUSY}% busy before the benchmark (load $(cut -d' ' -f1-3 /proc/loadavg)): figures will be unreliable"

# ---------------------------------------------------------------- helpers
probe() { # PORT [path] -> 0 if 200 with the 1 KiB body
  local out
  out=$(curl -s -o /dev/null --max-time 2 -w '%{http_code} %{size_download}' "http://127.0.0.1:$1${2:-/}" 2>/dev/null)
  [[ $out == "200 1024" ]]
}
alive() { [[ -n ${PID[$1]:-} ]] && kill -0 "${PID[$1]}" 2>/dev/null; }
cpu_ticks() { # PID -> utime+stime (clock ticks) of the process tree (all threads)
  local sum=0 p s
  for p in $(descendants "$1"); do
    s=$(cat /proc/"$p"/stat 2>/dev/null) || continue
    s=${s##*) }
    set -- $s
    sum=$((sum + ${12} + ${13}))
  done
  echo "$sum"
}
tree_kb() { # PID FIELD FILE -> FIELD (kB) of /proc/<pid>/FILE summed over the process tree
  local sum=0 p v
  for p in $(descendants "$1"); do
    v=$(awk -v f="$2:" '$1 == f {print $2}' /proc/"$p"/"$3" 2>/dev/null)
    sum=$((sum + ${v:-0}))
  done
  echo "$sum"
}
rss_kb() { tree_kb "$1" VmRSS status; }
anon_kb() { tree_kb "$1" RssAnon status; } # private memory, without the file pages the process maps
pss_kb() { tree_kb "$1" Pss smaps_rollup; }
cpu_stat() { # CPU -> "user+nice system irq+softirq steal" ticks of that CPU from /proc/stat
  awk -v c="cpu$1" '$1 == c {print $2 + $3, $4, $7 + $8, $9}' /proc/stat
}

# start_proxy NAME TAG -> starts NAME pinned to the proxy CPU, polls its HTTP port
# with curl every 5 ms; records startup_ms. Returns 1 if it does not serve in time.
start_proxy() {
  local name=$1 tag=$2 limit t0 t1 pid logf code
  logf="$RAW/$name-$tag.log"
  case $name in
    javoy)
      [[ -n $JAVOY_NOTE ]] && return 1
      limit=60
      t0=$(now_us)
      # shellcheck disable=SC2086
      if [[ $LAUNCHER == yes ]]; then
        JAVOY_JAR="$JAR" JAVOY_JAVA_OPTS="$JAVA_OPTS_EXTRA" JAVOY_CDS="$RUN/cds" \
          "${PIN_PROXY[@]}" "$REPO/bin/javoy" -c "$RUN/conf/javoy.yaml" --concurrency 1 -l warning >"$logf" 2>&1 &
      else
        "${PIN_PROXY[@]}" java $JAVA_OPTS_EXTRA -jar "$JAR" -c "$RUN/conf/javoy.yaml" --concurrency 1 -l warning >"$logf" 2>&1 &
      fi
      ;;
    nginx)
      limit=15
      t0=$(now_us)
      "${PIN_PROXY[@]}" "$NGINX" -p "$RUN/nginx" -e "$RUN/nginx/error.log" -c "$RUN/conf/nginx.conf" >"$logf" 2>&1 &
      ;;
    haproxy)
      limit=15
      t0=$(now_us)
      "${PIN_PROXY[@]}" "$HAPROXY" -db -f "$RUN/conf/haproxy.cfg" >"$logf" 2>&1 &
      ;;
  esac
  pid=$!
  PID[$name]=$pid
  ALL_PIDS+=("$pid")
  local deadline=$((t0 + limit * 1000000))
  while (($(now_us) < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "$name exited during start-up (see raw/$STAMP/$name-$tag.log)"
      return 1
    fi
    code=$(curl -s -o /dev/null --max-time 1 -w '%{http_code}' "http://127.0.0.1:${HTTP_PORT[$name]}/" 2>/dev/null)
    if [[ $code == 200 ]]; then
      t1=$(now_us)
      STARTUP_MS=$(((t1 - t0) / 1000))
      return 0
    fi
    sleep 0.005
  done
  log "$name did not answer within ${limit}s"
  return 1
}
stop_proxy() { [[ -n ${PID[$1]:-} ]] && stop_pid "${PID[$1]}"; PID[$1]=""; }

declare -A STATE=()   # proxy -> up | failed
fail_note() { # PROXY -> short reason from its start log
  local f="$RAW/$1-start.log"
  [[ -f $f ]] || f=$(ls -t "$RAW/$1"-*.log 2>/dev/null | head -1)
  [[ -n $f && -f $f ]] && grep -vE '^\s*$' "$f" | grep -m1 -iE 'error|exception|fail|alert|emerg' | cut -c1-200
}

# ---------------------------------------------------------------- backend
if ! "$NGINX" -t -q -p "$RUN/backend" -e "$RUN/backend/error.log" -c "$RUN/conf/backend-nginx.conf" >"$RAW/backend-check.log" 2>&1; then
  die "backend nginx config invalid: $(cat "$RAW/backend-check.log")"
fi
"${PIN_LOAD[@]}" "$NGINX" -p "$RUN/backend" -e "$RUN/backend/error.log" -c "$RUN/conf/backend-nginx.conf" >"$RAW/backend.log" 2>&1 &
PID[backend]=$!
ALL_PIDS+=("$!")
for ((i = 0; i < 200; i++)); do probe "$BACKEND_PORT" && break; sleep 0.05; done
probe "$BACKEND_PORT" || die "backend nginx did not start (see $RAW/backend.log, $RUN/backend/error.log)"
bsz=$(curl -s -o /dev/null --max-time 60 -w '%{size_download}' "http://127.0.0.1:$BACKEND_PORT/big")
[[ $bsz == $((TCP_MB * 1024 * 1024)) ]] || die "backend /big returned $bsz bytes"
log "backend nginx up on $BACKEND_PORT (pid ${PID[backend]}, CPU $LOAD_CPU)"
STATE[direct]=up

# config checks give clearer failure reasons than a dead process
has_proxy nginx && { "$NGINX" -t -q -p "$RUN/nginx" -e "$RUN/nginx/error.log" -c "$RUN/conf/nginx.conf" >"$RAW/nginx-check.log" 2>&1 || log "nginx config check failed: $(head -c 300 "$RAW/nginx-check.log")"; }
has_proxy haproxy && { "$HAPROXY" -c -q -f "$RUN/conf/haproxy.cfg" >"$RAW/haproxy-check.log" 2>&1 || log "haproxy config check failed: $(head -c 300 "$RAW/haproxy-check.log")"; }

# ---------------------------------------------------------------- 6. start-up (interleaved; the last start stays up)
# bin/javoy's class-data sharing archive (JDK 25+: AOT cache) is written at the first exit (and, on JDK 17/18 and
# 25+, checked at the next start): two unmeasured starts first, each given time to write it at exit, as a deployed
# proxy has it.
if has_proxy javoy && [[ $LAUNCHER == yes && -z $JAVOY_NOTE ]]; then
  mkdir -p "$RUN/cds"
  for i in 1 2; do
    start_proxy javoy "cds-$i" || break
    p=${PID[javoy]}
    kill -TERM "$p" 2>/dev/null
    for ((k = 0; k < 600; k++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    stop_proxy javoy
  done
  log "javoy CDS archive / AOT cache: $(ls "$RUN/cds" 2>/dev/null | tr '\n' ' ')"
fi
PROXIED=()
for p in "${PROXY_LIST[@]}"; do [[ $p != direct ]] && PROXIED+=("$p"); done
for ((r = 1; r <= ROUNDS; r++)); do
  for p in "${PROXIED[@]}"; do
    [[ ${STATE[$p]:-} == failed ]] && continue
    tag=start-r$r
    ((r == ROUNDS)) && tag=start
    if start_proxy "$p" "$tag"; then
      rec "$r" "$p" startup startup_ms "$STARTUP_MS"
      rec "$r" "$p" startup status ok
      log "start-up $p round $r: ${STARTUP_MS} ms"
      if ((r < ROUNDS)); then stop_proxy "$p"; fi
      STATE[$p]=up
    else
      rec "$r" "$p" startup status failed
      rec 0 "$p" all note "did not start: $( [[ $p == javoy && -n $JAVOY_NOTE ]] && echo "$JAVOY_NOTE" || fail_note "$p")"
      stop_proxy "$p"
      # keep the log of the failed start under a stable name
      [[ -f $RAW/$p-$tag.log ]] && cp "$RAW/$p-$tag.log" "$RAW/$p-start.log" 2>/dev/null
      STATE[$p]=failed
      log "$p: FAILED to start — marked failed"
    fi
  done
done
for p in "${PROXIED[@]}"; do
  [[ ${STATE[$p]} == up ]] && rec 0 "$p" all pid "${PID[$p]}"
done

# ready PROXY -> 0 if up, alive and serving; else marks it failed
ready() {
  local p=$1
  [[ ${STATE[$p]:-} == up ]] || return 1
  if [[ $p != direct ]] && ! alive "$p"; then
    STATE[$p]=failed
    rec 0 "$p" all note "process exited during the run (see raw/$STAMP/$p-start.log)"
    log "$p: process died — marked failed"
    return 1
  fi
  probe "${HTTP_PORT[$p]}" && return 0
  sleep 0.5
  probe "${HTTP_PORT[$p]}" && return 0
  log "$p: not answering"
  return 1
}

# ---------------------------------------------------------------- 5. memory
# javoy's memory rows use the sidecar-sized config (--javoy-mem-config): a second javoy, started through the
# same launcher on ports +40..42 and stopped afterwards, measured 8 s after its first request (JIT compiler
# arenas are given back by the launcher's native heap trimming every 5 s); nginx and HAProxy keep their config.
start_javoy_mem() { # -> MEM_PID, MEM_PORT; 1 if it does not serve within 60 s
  MEM_PORT=$((B + 40))
  JAVOY_JAR="$JAR" JAVOY_JAVA_OPTS="$JAVA_OPTS_EXTRA" JAVOY_CDS="$RUN/cds" \
    "${PIN_PROXY[@]}" "$REPO/bin/javoy" -c "$RUN/conf/javoy-mem.yaml" --concurrency 1 -l warning >"$RAW/javoy-mem.log" 2>&1 &
  MEM_PID=$!; ALL_PIDS+=("$MEM_PID")
  local i
  for ((i = 0; i < 1200; i++)); do
    kill -0 "$MEM_PID" 2>/dev/null || return 1
    probe "$MEM_PORT" && { sleep 8; return 0; }
    sleep 0.05
  done
  return 1
}
has_scenario mem || log "memory: skipped (--scenarios)"
has_scenario mem &&
for p in "${PROXIED[@]}"; do
  if ! ready "$p"; then rec 1 "$p" mem status failed; continue; fi
  pid=${PID[$p]}; port=${HTTP_PORT[$p]}; MEM_PID=""
  if [[ $p == javoy && -n ${JAVOY_MEM_SRC:-} && $LAUNCHER == yes ]]; then
    if ! start_javoy_mem; then
      rec 1 "$p" mem status failed; log "memory javoy: the sidecar-config javoy did not serve (raw javoy-mem.log)"
      stop_pid "$MEM_PID"; continue
    fi
    pid=$MEM_PID; port=$MEM_PORT
    rec 0 javoy all mem_config "$(basename "$JAVOY_MEM_SRC")"
  fi
  probe "$port"; sleep 1
  rss0=$(rss_kb "$pid"); pss0=$(pss_kb "$pid"); anon0=$(anon_kb "$pid")
  rm -f "$RUN/ready" "$RUN/release"
  "${PIN_LOAD[@]}" timeout 150 "$PY" "$BENCH_DIR/holdconns.py" --port "$port" --count "$IDLE_CONNS" \
    --ready "$RUN/ready" --release "$RUN/release" --setup-timeout 60 --hold-timeout 60 >"$RAW/mem-$p.log" 2>&1 &
  hpid=$!
  for ((i = 0; i < 1400; i++)); do [[ -f $RUN/ready ]] && break; kill -0 $hpid 2>/dev/null || break; sleep 0.05; done
  if [[ -f $RUN/ready ]]; then
    sleep 1
    rss1=$(rss_kb "$pid"); pss1=$(pss_kb "$pid"); anon1=$(anon_kb "$pid")
    okc=$(sed -n 's/.*ok=\([0-9]*\).*/\1/p' "$RUN/ready"); failc=$(sed -n 's/.*failed=\([0-9]*\).*/\1/p' "$RUN/ready")
    rec 1 "$p" mem rss_idle_kb "$rss0"; rec 1 "$p" mem pss_idle_kb "$pss0"
    rec 1 "$p" mem rss_conns_kb "$rss1"; rec 1 "$p" mem pss_conns_kb "$pss1"
    rec 1 "$p" mem anon_idle_kb "$anon0"; rec 1 "$p" mem anon_conns_kb "$anon1"
    rec 1 "$p" mem conns_ok "$okc"; rec 1 "$p" mem conns_failed "$failc"
    rec 1 "$p" mem status ok
    log "memory $p: idle ${rss0} kB, with $okc/$IDLE_CONNS conns ${rss1} kB ($failc failed)"
  else
    rec 1 "$p" mem rss_idle_kb "$rss0"
    rec 1 "$p" mem status holder_failed
    log "memory $p: connection holder did not get ready"
  fi
  touch "$RUN/release"
  for ((i = 0; i < 100; i++)); do kill -0 $hpid 2>/dev/null || break; sleep 0.1; done
  kill $hpid 2>/dev/null; wait $hpid 2>/dev/null
  [[ -n $MEM_PID ]] && stop_pid "$MEM_PID"
  sleep 1
done

# ---------------------------------------------------------------- load scenarios
# window helpers: CPU ticks of the proxy, of the whole proxy CPU (/proc/stat: to see
# other work landing on it) and wall clock around a tool run
win_begin() {
  W_T0=$(now_us); W_C0=0
  [[ $1 != direct ]] && W_C0=$(cpu_ticks "${PID[$1]}")
  read -r W_U0 W_S0 W_Q0 W_ST0 < <(cpu_stat "$PROXY_CPU")
}
win_end() { # ROUND PROXY SCENARIO
  local t1 c1=0 u s q st
  t1=$(now_us)
  [[ $2 != direct ]] && { c1=$(cpu_ticks "${PID[$2]}"); rec "$1" "$2" "$3" cpu_ticks $((c1 - W_C0)); }
  read -r u s q st < <(cpu_stat "$PROXY_CPU")
  rec "$1" "$2" "$3" wall_us $((t1 - W_T0))
  rec "$1" "$2" "$3" t0_us "$W_T0"; rec "$1" "$2" "$3" t1_us "$t1"   # epoch µs: GC pauses inside the window
  rec "$1" "$2" "$3" pcpu_task_ticks $((u + s - W_U0 - W_S0))   # user+nice+system on the proxy CPU
  rec "$1" "$2" "$3" pcpu_irq_ticks $((q - W_Q0))               # irq+softirq on the proxy CPU
  rec "$1" "$2" "$3" pcpu_steal_ticks $((st - W_ST0))
}

run_sat() { # ROUND PROXY
  local r=$1 p=$2 f="$RAW/sat-$2-r$1.txt"
  ready "$p" || { rec "$r" "$p" sat status failed; return; }
  win_begin "$p"
  "${PIN_LOAD[@]}" timeout -k 5 $((SAT_DUR + 30)) wrk -t1 -c"$SAT_CONNS" -d"${SAT_DUR}s" --timeout 5s --latency \
    "http://127.0.0.1:${HTTP_PORT[$p]}/" >"$f" 2>&1
  local rc=$?
  win_end "$r" "$p" sat
  rec "$r" "$p" sat rc $rc; rec "$r" "$p" sat file "$(basename "$f")"
  rec "$r" "$p" sat status ok
  log "sat     r$r $p: $(grep -E 'Requests/sec' "$f" | tr -s ' ') (rc=$rc)"
}
run_fixed() {
  local r=$1 p=$2 f="$RAW/fixed-$2-r$1.txt" lf="$RAW/fixed-$2-r$1.tsv"
  ready "$p" || { rec "$r" "$p" fixed status failed; return; }
  local per_client n
  per_client=$(awk -v a="$FIXED_RATE" -v c="$FIXED_CONNS" 'BEGIN { printf "%g", a / c }')
  n=$((FIXED_RATE * FIXED_DUR))
  win_begin "$p"
  "${PIN_LOAD[@]}" timeout -k 5 $((FIXED_DUR + 30)) h2load --h1 -t1 -c"$FIXED_CONNS" --rps="$per_client" -n"$n" -N10s \
    --log-file="$lf" "http://127.0.0.1:${HTTP_PORT[$p]}/" >"$f" 2>&1
  local rc=$?
  win_end "$r" "$p" fixed
  rec "$r" "$p" fixed rc $rc; rec "$r" "$p" fixed file "$(basename "$f")"; rec "$r" "$p" fixed log "$(basename "$lf")"
  rec "$r" "$p" fixed status ok
  log "fixed   r$r $p: $(grep -E '^requests:' "$f") (rc=$rc)"
}
run_h2() {
  local r=$1 p=$2 f="$RAW/h2-$2-r$1.txt"
  ready "$p" || { rec "$r" "$p" h2 status failed; return; }
  win_begin "$p"
  "${PIN_LOAD[@]}" timeout -k 5 $((H2_DUR + 30)) h2load -t1 -c"$H2_CONNS" -m"$H2_STREAMS" -D"$H2_DUR" -N10s \
    "http://127.0.0.1:${H2_PORT[$p]}/" >"$f" 2>&1
  local rc=$?
  win_end "$r" "$p" h2
  rec "$r" "$p" h2 rc $rc; rec "$r" "$p" h2 file "$(basename "$f")"
  rec "$r" "$p" h2 status ok
  log "h2c     r$r $p: $(grep -E '^requests:' "$f") (rc=$rc)"
}
run_tcp() {
  local r=$1 p=$2 f="$RAW/tcp-$2-r$1.txt" out rc
  ready "$p" || { rec "$r" "$p" tcp status failed; return; }
  win_begin "$p"
  out=$("${PIN_LOAD[@]}" curl -s -o /dev/null --max-time 120 -w '%{http_code} %{size_download} %{time_total}' \
    "http://127.0.0.1:${TCP_PORT[$p]}/big" 2>"$f.err")
  rc=$?
  win_end "$r" "$p" tcp
  echo "$out" >"$f"
  [[ -s $f.err ]] || rm -f "$f.err"
  rec "$r" "$p" tcp rc $rc; rec "$r" "$p" tcp result "$out"; rec "$r" "$p" tcp expect_bytes $((TCP_MB * 1024 * 1024))
  rec "$r" "$p" tcp status ok
  log "tcp     r$r $p: code/bytes/seconds = $out (rc=$rc)"
}

# TLS 1.3 scenarios (javoy, nginx, HAProxy terminate TLS with the same ECDSA P-256 certificate and proxy
# plaintext HTTP/1.1 to the backend; no "direct" figure). New connections (hs): TlsHandshakeLoad.java, a BoringSSL
# client on one Netty event loop (netty-tcnative from the javoy jar; X25519, the server's CertificateVerify checked,
# no session cache, so every connection is a full TLS 1.3 handshake), which costs ~0.4x of wrk's OpenSSL 3.0 CPU per
# handshake: wrk needed ~2.5x the server's CPU per handshake, so on the load CPU it could not saturate any proxy
# (perf/results/2026-11-22-tlsbench.md). It measures its own window after a warm-up and reads the proxy's CPU ticks
# in that window itself. Without a javoy jar (or java) the hs runs fall back to wrk. Keep-alive and 1 MiB downloads
# stay on wrk (OpenSSL 3 client), which never offers a session to resume.
# The client is one JVM for the whole run (--serve: one command per run on its stdin, one result line back), started
# before the warm-up: compiled once and JIT-warm for every measured run, so each run needs only a short warm-up of
# its own (TLS_HS_RUN_WARMUP; a client started per run needed ~3.5 s to start plus a 3 s warm-up: ~60 s per
# benchmark).
TLS_HS_CLIENT="wrk -t1"
TLS_HS_RUN_WARMUP=1
[[ -n ${JAR:-} && -f ${JAR:-} ]] && command -v java >/dev/null && TLS_HS_CLIENT="TlsHandshakeLoad (BoringSSL, 1 thread)"
echo "tls_hs_client=$TLS_HS_CLIENT" >>"$RAW/meta.env"
TLS_CLIENT_UP=no
if [[ $TLS_HS_CLIENT == TlsHandshakeLoad* ]] && { has_scenario tls || ((WARMUP > 0)); }; then
  coproc TLSCLIENT { exec "${PIN_LOAD[@]}" java -XX:+UseSerialGC -cp "$JAR" "$BENCH_DIR/TlsHandshakeLoad.java" \
                       --serve --conns "$TLS_HS_CONNS" 2>"$RAW/tls-client.err"; }
  ALL_PIDS+=("$TLSCLIENT_PID")
  line=""
  read -r -t 120 line <&"${TLSCLIENT[0]}"
  if [[ $line == ready ]]; then TLS_CLIENT_UP=yes; else log "TLS handshake client did not start (raw tls-client.err)"; fi
fi
tls_hs_java() { # PORT SECONDS WARMUP PIDS OUTFILE -> TlsHandshakeLoad's result line in OUTFILE
  local line=""
  if [[ $TLS_CLIENT_UP != yes ]]; then
    echo "TlsHandshakeLoad is not running: $(head -c 300 "$RAW/tls-client.err" 2>/dev/null)" >"$5"
    return 1
  fi
  echo "$1 $2 $3 $4" >&"${TLSCLIENT[1]}"
  if ! read -r -t $(($2 + $3 + 60)) line <&"${TLSCLIENT[0]}"; then
    # no answer: the client's state is unknown, so no later run uses it
    TLS_CLIENT_UP=no; stop_pid "$TLSCLIENT_PID"
    echo "TlsHandshakeLoad did not answer within $(($2 + $3 + 60)) s" >"$5"
    return 1
  fi
  echo "$line" >"$5"
}
run_tls() { # ROUND PROXY KIND: hs (new connection per request) | sat (keep-alive) | 1m (1 MiB downloads)
  local r=$1 p=$2 kind=$3 f="$RAW/tls$3-$2-r$1.txt" conns path="/" hdr=() line
  [[ $p == direct ]] && return
  ready "$p" || { rec "$r" "$p" "tls$kind" status failed; return; }
  case $kind in
    hs) conns=$TLS_HS_CONNS; hdr=(-H "Connection: close") ;;
    sat) conns=$SAT_CONNS ;;
    1m) conns=4; path=/1m ;;
  esac
  win_begin "$p"
  if [[ $kind == hs && $TLS_HS_CLIENT == TlsHandshakeLoad* ]]; then
    tls_hs_java "${TLS_PORT[$p]}" "$TLS_DUR" "$TLS_HS_RUN_WARMUP" "$(descendants "${PID[$p]}" | paste -sd, -)" "$f"
  else
    "${PIN_LOAD[@]}" timeout -k 5 $((TLS_DUR + 30)) wrk -t1 -c"$conns" -d"${TLS_DUR}s" --timeout 5s "${hdr[@]}" \
      "https://127.0.0.1:${TLS_PORT[$p]}$path" >"$f" 2>&1
  fi
  local rc=$?
  win_end "$r" "$p" "tls$kind"
  if [[ $kind == hs && $TLS_HS_CLIENT == TlsHandshakeLoad* ]]; then
    # the client's own measured window (after its warm-up): the proxy's CPU ticks and the wall time in it
    line=$(grep -m1 '^handshakes ' "$f")
    if [[ -n $line ]]; then
      set -- $line
      rec "$r" "$p" tlshs cpu_ticks "${10}"
      rec "$r" "$p" tlshs wall_us "$(awk -v s="$4" 'BEGIN {printf "%d", s * 1e6}')"
    fi
  fi
  rec "$r" "$p" "tls$kind" rc $rc; rec "$r" "$p" "tls$kind" file "$(basename "$f")"
  rec "$r" "$p" "tls$kind" status ok
  log "tls-$kind $(printf '%-4s' '') r$r $p: $(grep -E 'Requests/sec|^handshakes' "$f" | tr -s ' ') (rc=$rc)"
}

# ---------------------------------------------------------------- javoy warm-up
if has_proxy javoy && [[ ${STATE[javoy]:-} == up ]] && ((WARMUP > 0)); then
  log "javoy warm-up: HTTP/1.1 ${WARMUP}s, h2c $((WARMUP / 3 + 1))s, one TCP transfer, TLS handshakes ${WARMUP}s, HTTPS $((WARMUP / 3 + 1))s, 1 MiB downloads 3s"
  if ready javoy; then
    "${PIN_LOAD[@]}" timeout -k 5 $((WARMUP + 30)) wrk -t1 -c"$SAT_CONNS" -d"${WARMUP}s" --timeout 5s \
      "http://127.0.0.1:$JAVOY_HTTP_PORT/" >"$RAW/warmup-javoy-h1.txt" 2>&1
    "${PIN_LOAD[@]}" timeout -k 5 $((WARMUP / 3 + 30)) h2load -t1 -c"$H2_CONNS" -m"$H2_STREAMS" -D$((WARMUP / 3 + 1)) -N5s \
      "http://127.0.0.1:$JAVOY_HTTP_PORT/" >"$RAW/warmup-javoy-h2.txt" 2>&1
    "${PIN_LOAD[@]}" curl -s -o /dev/null --max-time 60 "http://127.0.0.1:$JAVOY_TCP_PORT/big" 2>/dev/null
    # TLS: the handshake path needs ~10,000 handshakes before C2 has compiled it (measured: CPU per handshake
    # falls from ~2 ms to ~0.35 ms over the first 30 s), so it gets the full warm-up time too
    if [[ $TLS_HS_CLIENT == TlsHandshakeLoad* ]]; then
      tls_hs_java "$JAVOY_TLS_PORT" "$WARMUP" 1 "" "$RAW/warmup-javoy-tls.txt"
    else
      "${PIN_LOAD[@]}" timeout -k 5 $((WARMUP + 30)) wrk -t1 -c"$TLS_HS_CONNS" -d"${WARMUP}s" -H "Connection: close" \
        "https://127.0.0.1:$JAVOY_TLS_PORT/" >"$RAW/warmup-javoy-tls.txt" 2>&1
    fi
    "${PIN_LOAD[@]}" timeout -k 5 $((WARMUP / 3 + 30)) wrk -t1 -c"$SAT_CONNS" -d$((WARMUP / 3 + 1))s \
      "https://127.0.0.1:$JAVOY_TLS_PORT/" >>"$RAW/warmup-javoy-tls.txt" 2>&1
    "${PIN_LOAD[@]}" timeout -k 5 40 wrk -t1 -c4 -d3s "https://127.0.0.1:$JAVOY_TLS_PORT/1m" >>"$RAW/warmup-javoy-tls.txt" 2>&1
  fi
fi

# ---------------------------------------------------------------- measured rounds (interleaved)
for ((r = 1; r <= ROUNDS; r++)); do
  log "=== round $r/$ROUNDS"
  has_scenario sat && for p in "${PROXY_LIST[@]}"; do run_sat "$r" "$p"; sleep $INTER_RUN_PAUSE; done
  has_scenario fixed && for p in "${PROXY_LIST[@]}"; do run_fixed "$r" "$p"; sleep $INTER_RUN_PAUSE; done
  has_scenario h2 && for p in "${PROXY_LIST[@]}"; do run_h2 "$r" "$p"; sleep $INTER_RUN_PAUSE; done
  has_scenario tcp && for p in "${PROXY_LIST[@]}"; do run_tcp "$r" "$p"; sleep $INTER_RUN_PAUSE; done
  has_scenario tls && for kind in hs sat 1m; do
    for p in "${PROXY_LIST[@]}"; do run_tls "$r" "$p" "$kind"; sleep $INTER_RUN_PAUSE; done
  done
done

# final liveness: a proxy that died in the last scenario
for p in "${PROXIED[@]}"; do
  [[ ${STATE[$p]} == up ]] && ! alive "$p" && rec 0 "$p" all note "process exited during the run"
done

# ---------------------------------------------------------------- report
log "writing report"
echo "elapsed_s=$((SECONDS - START_EPOCH))" >>"$RAW/meta.env"
"$PY" "$BENCH_DIR/report.py" --raw "$RAW" --out "$OUT_DIR" --date "$DATE"
rc=$?
suffix=""; [[ $QUICK == yes ]] && suffix="-quick"
((rc == 0)) && log "done: $OUT_DIR/$DATE$suffix.md, $OUT_DIR/$DATE$suffix-latency.png (raw: $RAW)"
exit $rc
