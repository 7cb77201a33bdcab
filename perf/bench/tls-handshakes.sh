#!/usr/bin/env bash
# perf/bench/tls-handshakes.sh — the TLS scenarios of run.sh alone, short and in the same minute for javoy, nginx and
# HAProxy, with the proxy's CPU per handshake and the load generator's own CPU per handshake.
#
# Usage: perf/bench/tls-handshakes.sh [options]
#
#   --jar PATH            javoy jar (default: newest src/target*/javoy-*.jar)
#   --base-jar PATH       a second javoy jar (the "before"), run as proxy javoy-base on its own ports (+50) in the
#                         same rounds: before/after in the same minute
#   --proxies LIST        comma list out of javoy,javoy-base,nginx,haproxy (default: javoy,nginx,haproxy; with
#                         --base-jar: javoy-base,javoy,nginx,haproxy)
#   --kinds LIST          comma list out of hs (new connection per request), sat (HTTPS keep-alive) (default: hs)
#   --rounds N            interleaved rounds (default 3)
#   --duration S          seconds per run (default 5)
#   --warmup S            javoy's handshake warm-up before the rounds, at most S s (default 60): 5 s chunks until two
#                         in a row differ by less than 10 % in CPU per handshake after at least 15,000 handshakes
#                         (C2 has compiled the path)
#   --client NAME         load generator for hs: java (default: TlsHandshakeLoad.java, BoringSSL client on one event
#                         loop, ~0.4x wrk's CPU per handshake), wrk (run.sh's before: wrk -t1 -H 'Connection: close';
#                         OpenSSL 3.0, ~2.5x the server's CPU per handshake, so it cannot saturate the proxy CPU) or
#                         h2load (h2load --h1 -H 'Connection: close': NOT full handshakes, it resumes its sessions)
#   --h2load-rate N       h2load's requests are a count, not a duration (-D hangs with reconnects): this many per
#                         second of --duration (default 2500)
#   --conns N             concurrent connections for hs (default 16)
#   --java-opts "..."     JAVOY_JAVA_OPTS for bin/javoy
#   --strace              also count the proxy's syscalls per handshake, or per request for sat (strace -c -f, one
#                         extra run per kind and proxy)
#   --hold S              after the warm-up, print the proxies' pids and ports and keep them up S s without load
#                         (to attach jcmd/JFR/perf/strace by hand), then run the rounds
#   --keep DIR            copy the tools' outputs to DIR
#   --base-port P         first port (default 19500; +0 backend, +13 javoy, +23 nginx, +33 HAProxy)
#   --proxy-cpu N / --load-cpu N   (default 1 / 0)
#
# Prints one line per run and a summary: handshakes (or requests) per wall second, per proxy CPU-second, proxy CPU
# per handshake, proxy CPU busy %, the load generator's CPU per handshake and the load CPU's busy %. Every process
# started here is stopped on exit. Traffic only to 127.0.0.1.

set -uo pipefail
export PATH="$PATH:/usr/sbin:/sbin"
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/../.." && pwd)

JAR=""; BASE_JAR=""; PROXIES=""; KINDS="hs"; ROUNDS=3; DUR=5; WARMUP=60; CLIENT=java; CONNS=16
JAVA_OPTS_EXTRA=""; STRACE=no; KEEP=""; H2LOAD_RATE=2500; HOLD=0; BASE_PORT=19500; PROXY_CPU=1; LOAD_CPU=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --jar) JAR=$2; shift ;;
    --base-jar) BASE_JAR=$2; shift ;;
    --proxies) PROXIES=$2; shift ;;
    --kinds) KINDS=$2; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    --duration) DUR=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    --client) CLIENT=$2; shift ;;
    --conns) CONNS=$2; shift ;;
    --java-opts) JAVA_OPTS_EXTRA=$2; shift ;;
    --strace) STRACE=yes ;;
    --keep) KEEP=$2; shift ;;
    --hold) HOLD=$2; shift ;;
    --h2load-rate) H2LOAD_RATE=$2; shift ;;
    --base-port) BASE_PORT=$2; shift ;;
    --proxy-cpu) PROXY_CPU=$2; shift ;;
    --load-cpu) LOAD_CPU=$2; shift ;;
    -h|--help) sed -n '2,/^$/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[[ $CLIENT =~ ^(wrk|h2load|java)$ ]] || { echo "--client wrk|h2load|java" >&2; exit 2; }
if [[ -z $JAR ]]; then JAR=$(ls -t "$REPO"/src/target*/javoy-*-SNAPSHOT.jar 2>/dev/null | grep -v original | head -1); fi
[[ $JAR = /* ]] || JAR="$PWD/$JAR"
[[ -z $BASE_JAR || $BASE_JAR = /* ]] || BASE_JAR="$PWD/$BASE_JAR"
[[ -n $PROXIES ]] || { PROXIES="javoy,nginx,haproxy"; [[ -n $BASE_JAR ]] && PROXIES="javoy-base,$PROXIES"; }
IFS=, read -r -a PROXY_LIST <<<"$PROXIES"
IFS=, read -r -a KIND_LIST <<<"$KINDS"
PIN_PROXY=(taskset -c "$PROXY_CPU"); PIN_LOAD=(taskset -c "$LOAD_CPU")
CLK=$(getconf CLK_TCK)

RUN=$(mktemp -d /tmp/javoy-tlshs.XXXXXX); chmod 755 "$RUN"
mkdir -p "$RUN"/{conf,www,backend/tmp,nginx/tmp/body,nginx/tmp/proxy,haproxy,javoy,tls,cds,out}
declare -A PID=()
descendants() { local p=$1 c; echo "$p"; for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do descendants "$c"; done; }
stop_pid() {
  local p=$1 tree q i
  kill -0 "$p" 2>/dev/null || return 0
  tree=$(descendants "$p"); kill -TERM "$p" 2>/dev/null
  for ((i = 0; i < 50; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  for q in $tree; do kill -KILL "$q" 2>/dev/null; done
  wait "$p" 2>/dev/null; return 0
}
cleanup() {
  trap - EXIT INT TERM; local p
  for p in "${PID[@]}"; do stop_pid "$p"; done
  [[ -n $KEEP ]] && { mkdir -p "$KEEP"; cp -r "$RUN/out/." "$RUN"/*.log "$KEEP/" 2>/dev/null; }
  rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

B=$BASE_PORT
for off in 0 1 10 11 12 13 20 21 22 23 30 31 32 33 60 61 62 63; do
  ss -Htln "sport = :$((B + off))" | grep -q . && { echo "port $((B + off)) taken: use --base-port" >&2; exit 2; }
done
declare -A TLS_PORT=([javoy]=$((B + 13)) [javoy-base]=$((B + 63)) [nginx]=$((B + 23)) [haproxy]=$((B + 33)))
declare -A ADMIN_PORT=([javoy]=$((B + 12)) [javoy-base]=$((B + 62)))

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=bench.javoy.test \
  -addext subjectAltName=DNS:bench.javoy.test -keyout "$RUN/tls/key.pem" -out "$RUN/tls/cert.pem" >/dev/null 2>&1
cat "$RUN/tls/cert.pem" "$RUN/tls/key.pem" >"$RUN/tls/bundle.pem"; chmod 644 "$RUN"/tls/*.pem
BODY_1K=$(head -c 1024 /dev/zero | tr '\0' 'x')
head -c $((1024 * 1024)) /dev/urandom >"$RUN/www/1m.bin"; truncate -s 1048576 "$RUN/www/big.bin"
render() {
  sed -e "s|@RUN@|$RUN|g" -e "s|@BODY_1K@|$BODY_1K|g" -e "s|@BACKEND_PORT@|$B|g" -e "s|@BACKEND_H2_PORT@|$((B + 1))|g" \
      -e "s|@JAVOY_HTTP_PORT@|$((B + 10))|g" -e "s|@JAVOY_TCP_PORT@|$((B + 11))|g" \
      -e "s|@JAVOY_ADMIN_PORT@|$((B + 12))|g" -e "s|@JAVOY_TLS_PORT@|$((B + 13))|g" \
      -e "s|@NGINX_HTTP_PORT@|$((B + 20))|g" -e "s|@NGINX_H2_PORT@|$((B + 21))|g" -e "s|@NGINX_TCP_PORT@|$((B + 22))|g" \
      -e "s|@NGINX_TLS_PORT@|$((B + 23))|g" -e "s|@HAPROXY_HTTP_PORT@|$((B + 30))|g" \
      -e "s|@HAPROXY_H2_PORT@|$((B + 31))|g" -e "s|@HAPROXY_TCP_PORT@|$((B + 32))|g" \
      -e "s|@HAPROXY_TLS_PORT@|$((B + 33))|g" "$1" >"$2"
}
for c in backend-nginx.conf nginx.conf haproxy.cfg javoy.yaml; do render "$BENCH_DIR/conf/$c" "$RUN/conf/$c"; done
sed -e "s|@JAVOY_HTTP_PORT@|$((B + 60))|g" -e "s|@JAVOY_TCP_PORT@|$((B + 61))|g" -e "s|@JAVOY_ADMIN_PORT@|$((B + 62))|g" \
    -e "s|@JAVOY_TLS_PORT@|$((B + 63))|g" "$BENCH_DIR/conf/javoy.yaml" >"$RUN/conf/javoy-base.yaml.in"
render "$RUN/conf/javoy-base.yaml.in" "$RUN/conf/javoy-base.yaml"

ok() { [[ $(curl -sk -o /dev/null --max-time 2 -w '%{http_code}' "$1") == 200 ]]; }
wait_ok() { local i; for ((i = 0; i < 600; i++)); do ok "$1" && return 0; sleep 0.05; done; echo "no answer from $1" >&2; return 1; }

"${PIN_LOAD[@]}" nginx -p "$RUN/backend" -e "$RUN/backend/error.log" -c "$RUN/conf/backend-nginx.conf" >/dev/null 2>&1 &
PID[backend]=$!
wait_ok "http://127.0.0.1:$B/" || exit 1
for p in "${PROXY_LIST[@]}"; do
  case $p in
    javoy) JAVOY_JAR="$JAR" JAVOY_JAVA_OPTS="$JAVA_OPTS_EXTRA" JAVOY_CDS="$RUN/cds" \
             "${PIN_PROXY[@]}" "$REPO/bin/javoy" -c "$RUN/conf/javoy.yaml" --concurrency 1 -l warning >"$RUN/javoy.log" 2>&1 & ;;
    javoy-base) mkdir -p "$RUN/cds-base"; JAVOY_JAR="$BASE_JAR" JAVOY_JAVA_OPTS="$JAVA_OPTS_EXTRA" JAVOY_CDS="$RUN/cds-base" \
             "${PIN_PROXY[@]}" "$REPO/bin/javoy" -c "$RUN/conf/javoy-base.yaml" --concurrency 1 -l warning >"$RUN/javoy-base.log" 2>&1 & ;;
    nginx) "${PIN_PROXY[@]}" nginx -p "$RUN/nginx" -e "$RUN/nginx/error.log" -c "$RUN/conf/nginx.conf" >/dev/null 2>&1 & ;;
    haproxy) "${PIN_PROXY[@]}" haproxy -db -f "$RUN/conf/haproxy.cfg" >"$RUN/haproxy.log" 2>&1 & ;;
  esac
  PID[$p]=$!
  wait_ok "https://127.0.0.1:${TLS_PORT[$p]}/" || { cat "$RUN/$p.log" 2>/dev/null | tail -5; exit 1; }
done
[[ -n $BASE_JAR ]] && echo "# javoy-base jar $BASE_JAR ($(date -r "$BASE_JAR" '+%F %T'))"
echo "# jar $JAR ($(date -r "$JAR" '+%F %T')), client $CLIENT -c$CONNS, ${DUR}s runs, $ROUNDS rounds, proxies on CPU $PROXY_CPU, load on CPU $LOAD_CPU"

cpu_ticks() { local sum=0 p s; for p in $(descendants "$1"); do s=$(cat /proc/"$p"/stat 2>/dev/null) || continue; s=${s##*) }; set -- $s; sum=$((sum + ${12} + ${13})); done; echo "$sum"; }
cpu_busy() { awk -v c="cpu$1" '$1 == c {print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat; }
now_us() { local t=${EPOCHREALTIME/./}; echo "$t"; }

# the Java client (TlsHandshakeLoad.java: BoringSSL, one event loop) stays up for the whole script, taking one
# command per run on its stdin: PORT DURATION WARMUP PIDS -> one result line
if [[ $CLIENT == java ]]; then
  coproc JCLIENT { exec "${PIN_LOAD[@]}" java -XX:+UseSerialGC -cp "$JAR" "$BENCH_DIR/TlsHandshakeLoad.java" \
                     --serve --conns "$CONNS" 2>"$RUN/out/client.err"; }
  PID[client]=$JCLIENT_PID
  read -r -t 60 line <&"${JCLIENT[0]}"; [[ $line == ready ]] || { echo "java client did not start: $(cat "$RUN/out/client.err")" >&2; exit 1; }
fi

# load KIND PROXY SECONDS OUTFILE -> runs the load generator; sets N (2xx responses), WALL_US, PTICKS (proxy CPU
# ticks during the measured window) and CLIENT_US (the load generator's CPU per response)
load() {
  local kind=$1 p=$2 secs=$3 out=$4 conns=$CONNS hdr=(-H "Connection: close") port=${TLS_PORT[$2]} c0 c1 t0 t1 cu cs
  [[ $kind == sat ]] && { conns=64; hdr=(); }
  if [[ $CLIENT == java && $kind == hs ]]; then
    echo "$port $secs ${LOAD_WARMUP:-1} $(descendants "${PID[$p]}" | paste -sd, -)" >&"${JCLIENT[1]}"
    read -r -t $((secs + 60)) line <&"${JCLIENT[0]}"; echo "$line" >"$out"
    set -- $line
    N=$2; WALL_US=$(awk -v s="$4" 'BEGIN {printf "%d", s * 1e6}'); CLIENT_US=$8; PTICKS=${10}
    return
  fi
  c0=$(cpu_ticks "${PID[$p]}"); t0=$(now_us)
  if [[ $CLIENT == h2load && $kind == hs ]]; then
    "${PIN_LOAD[@]}" timeout -k 5 $((secs + 30)) /usr/bin/time -f 'client_cpu_s %U %S' \
      h2load --h1 -t1 -c"$conns" -n$((secs * H2LOAD_RATE)) "${hdr[@]}" "https://127.0.0.1:$port/" >"$out" 2>&1
  else
    "${PIN_LOAD[@]}" timeout -k 5 $((secs + 30)) /usr/bin/time -f 'client_cpu_s %U %S' \
      wrk -t1 -c"$conns" -d"${secs}s" --timeout 5s "${hdr[@]}" "https://127.0.0.1:$port/" >"$out" 2>&1
  fi
  t1=$(now_us); c1=$(cpu_ticks "${PID[$p]}")
  N=$(succeeded "$out"); N=${N:-0}; WALL_US=$((t1 - t0)); PTICKS=$((c1 - c0))
  read -r cu cs < <(awk '/^client_cpu_s/ {print $2, $3}' "$out")
  CLIENT_US=$(awk -v a="${cu:-0}" -v b="${cs:-0}" -v n="$N" 'BEGIN {printf "%.1f", (n > 0 ? 1e6 * (a + b) / n : 0)}')
}
# completed requests (= handshakes for hs) from the tool's output
succeeded() {
  if grep -q '^requests:' "$1"; then awk '/^status codes:/ {print $3; exit}' "$1"
  else awk '/requests in/ {print $1; exit}' "$1"; fi
}

# javoy's handshake path is compiled by C2 only after many thousand handshakes: warm each javoy in 5 s chunks until
# two chunks in a row differ by less than 10 % in CPU per handshake (or WARMUP s have passed)
for p in "${PROXY_LIST[@]}"; do
  [[ $p == javoy* ]] && ((WARMUP > 0)) || continue
  prev=0; spent=0; chunk=0; total=0
  while ((spent < WARMUP)); do
    chunk=$((chunk + 1))
    load hs "$p" 5 "$RUN/out/warmup-$p-$chunk.txt"; spent=$((spent + 5)); total=$((total + N))
    us=$(awk -v n="$N" -v t="$PTICKS" -v clk="$CLK" 'BEGIN {printf "%.0f", (n > 0 ? 1e6 * t / clk / n : 0)}')
    echo "# $p warm-up chunk $chunk: $N handshakes, ${us} us of proxy CPU each"
    # settled: two chunks within 10 %, after at least 15,000 handshakes (on a busy machine two slow chunks agree early)
    ((prev > 0 && us > 0 && total >= 15000)) && awk -v a="$prev" -v b="$us" 'BEGIN {exit !(b < 1.1 * a && b > 0.9 * a)}' && break
    prev=$us
  done
  load sat "$p" 3 "$RUN/out/warmup-sat-$p.txt"
done
if [[ $CLIENT == java && ${PROXY_LIST[0]} != javoy* ]]; then
  load hs "${PROXY_LIST[0]}" 5 "$RUN/out/warmup.txt"   # the client's own JIT
fi

if ((HOLD > 0)); then
  for p in "${PROXY_LIST[@]}"; do echo "# hold: $p pid ${PID[$p]} https://127.0.0.1:${TLS_PORT[$p]}/ (javoy HTTP: $((B + 10)))"; done
  sleep "$HOLD"
fi
printf '%-5s %-10s %-2s %9s %9s %11s %9s %6s %9s %6s %6s\n' kind proxy r count per_wall_s per_proxy_cpu_s proxy_us proxy% client_us load% irq%
declare -A SUM_CPU=() SUM_N=() SUM_WALL=() SUM_CL=()
for ((r = 1; r <= ROUNDS; r++)); do
  for kind in "${KIND_LIST[@]}"; do
    for p in "${PROXY_LIST[@]}"; do
      f="$RUN/out/$kind-$p-r$r.txt"
      read -r lb0 lt0 < <(cpu_busy "$LOAD_CPU"); q0=$(awk -v c="cpu$PROXY_CPU" '$1 == c {print $7 + $8}' /proc/stat)
      load "$kind" "$p" "$DUR" "$f"
      read -r lb1 lt1 < <(cpu_busy "$LOAD_CPU"); q1=$(awk -v c="cpu$PROXY_CPU" '$1 == c {print $7 + $8}' /proc/stat)
      awk -v kind="$kind" -v p="$p" -v r="$r" -v n="$N" -v wall="$WALL_US" -v dc="$PTICKS" -v clk="$CLK" -v cl="$CLIENT_US" \
          -v lb=$((lb1 - lb0)) -v lt=$((lt1 - lt0)) -v dq=$((q1 - q0)) \
        'BEGIN { cpu = dc / clk; w = wall / 1e6;
                 printf "%-5s %-10s %-2s %9d %9.0f %11.0f %9.1f %6.0f %9.1f %6.0f %6.0f\n", kind, p, r, n, n / w,
                   (cpu > 0 ? n / cpu : 0), (n > 0 ? 1e6 * cpu / n : 0), 100 * cpu / w, cl,
                   (lt > 0 ? 100 * lb / lt : 0), 100 * dq / clk / (lt > 0 ? lt / clk : w) }'
      sleep 0.5
    done
  done
done

for p in "${PROXY_LIST[@]}"; do
  # every handshake must be a full one: javoy counts resumed sessions
  [[ $p == javoy* ]] && echo "# $p: $(curl -s "http://127.0.0.1:${ADMIN_PORT[$p]}/stats" | grep -E 'ssl\.(handshake|session_reused|connection_error):' | tr '\n' ' ')"
done

if [[ $STRACE == yes ]]; then
  for kind in "${KIND_LIST[@]}"; do
  for p in "${PROXY_LIST[@]}"; do
    f="$RUN/out/strace-$kind-$p.txt"
    pids=$(descendants "${PID[$p]}" | paste -sd, -)
    strace -c -f -p "$pids" -o "$f" & sp=$!
    sleep 1
    LOAD_WARMUP=0 load "$kind" "$p" 3 "$RUN/out/strace-load-$kind-$p.txt"
    kill -INT $sp; wait $sp 2>/dev/null
    n=$N
    echo "# $p: syscalls per $([[ $kind == sat ]] && echo request || echo handshake) under strace ($n)"
    awk -v n="$n" '$1 ~ /^[0-9.]+$/ && NF >= 5 && $NF != "total" { name = $NF; calls = $4; if (calls ~ /^[0-9]+$/ && calls / n >= 0.05) printf "  %-16s %6.2f\n", name, calls / n; tot += calls }
                   END { printf "  %-16s %6.2f\n", "total", tot / n }' "$f"
  done
  done
fi
