#!/usr/bin/env bash
# javoy start-up: exec → first HTTP 200 through the proxy, wall and CPU, for one or more variants alternated
# start by start (so all variants see the same load on a shared machine).
#
#   perf/bench/startup.sh [--jar PATH] [--config perf/bench/conf/javoy.yaml] [--starts 5] [--warm 2]
#                         [--variant 'NAME|ENV=VALUE|...'] ... [--trace] [--keep] [--xds]
#
# Each start runs `taskset -c 1 bin/javoy -c <config> --concurrency 1 -l warning` (as run.sh's start-up row does)
# with the variant's environment (e.g. 'jdk25|JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java' or
# 'c1|JAVOY_JAVA_OPTS=-XX:TieredStopAtLevel=1 -Xlog:...'; LAUNCHER=PATH runs another launcher, e.g. an older
# bin/javoy from `git show REV:bin/javoy`), polls curl every 5 ms, and at the first 200 reads the process's
# utime+stime from /proc/<pid>/stat (all threads: JIT and GC included). The process is then stopped with SIGTERM
# and waited for (an archive the launcher writes at exit is written then). Every variant has its own archive
# folder (JAVOY_CDS) and --warm unmeasured starts first, as a deployed proxy has its archive.
# --trace adds -Djavoy.startup.trace=true (phase lines in the logs). --xds: the config's listeners and clusters
# come from an ADS server (perf/bench/AdsFileServer.java, on CPU 0) instead: javoy's bootstrap has only the admin,
# the xDS cluster and dynamic_resources (LDS and CDS over ADS). Prints one line per start and the medians.
# One nginx backend on CPU 0; loopback only; every process started here is stopped on exit.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR=""; CONFIG="$ROOT/perf/bench/conf/javoy.yaml"; STARTS=5; WARM=2; TRACE=""; KEEP=no; XDS=no
VARIANTS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --jar) JAR=$2; shift 2 ;; --config) CONFIG=$2; shift 2 ;; --starts) STARTS=$2; shift 2 ;;
    --warm) WARM=$2; shift 2 ;; --variant) VARIANTS+=("$2"); shift 2 ;; --trace) TRACE=1; shift ;;
    --keep) KEEP=yes; shift ;; --xds) XDS=yes; shift ;;
    -h|--help) sed -n 2,18p "$0"; exit 0 ;; *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
((${#VARIANTS[@]})) || VARIANTS=("default")
[[ -n $JAR ]] || JAR=$(ls -t "$ROOT"/src/target*/javoy-*.jar | grep -v '/original-' | head -1)
JAR=$(readlink -f "$JAR")
RAW=$(mktemp -d /tmp/javoy-startup.XXXXXX)
fp() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
BP=$(fp); HP=$(fp); TP=$(fp); AP=$(fp); SP=$(fp)
mkdir -p "$RAW/tmp" "$RAW/tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
  -keyout "$RAW/tls/key.pem" -out "$RAW/tls/cert.pem" >/dev/null 2>&1
BODY=$(head -c 1024 /dev/zero | tr '\0' 'x')
cat >"$RAW/nginx.conf" <<CONF
worker_processes 1; daemon off; pid $RAW/nginx.pid; error_log $RAW/error.log warn;
events { worker_connections 1024; }
http { access_log off;
 client_body_temp_path $RAW/tmp; proxy_temp_path $RAW/tmp; fastcgi_temp_path $RAW/tmp; uwsgi_temp_path $RAW/tmp; scgi_temp_path $RAW/tmp;
 server { listen 127.0.0.1:$BP; location / { default_type text/plain; return 200 "$BODY"; } } }
CONF
sed -e "s|@JAVOY_ADMIN_PORT@|$AP|g; s|@JAVOY_HTTP_PORT@|$HP|g; s|@JAVOY_TCP_PORT@|$TP|g; s|@JAVOY_TLS_PORT@|$SP|g" \
  -e "s|@BACKEND_PORT@|$BP|g; s|@RUN@|$RAW|g" "$CONFIG" >"$RAW/javoy.yaml"
PIDS=()
if [[ $XDS == yes ]]; then
  XP=$(fp)
  mv "$RAW/javoy.yaml" "$RAW/static.yaml"
  cat >"$RAW/javoy.yaml" <<YAML
node: {id: bench, cluster: bench}
admin: {address: {socket_address: {address: 127.0.0.1, port_value: $AP}}}
dynamic_resources:
  ads_config:
    api_type: GRPC
    transport_api_version: V3
    set_node_on_first_message_only: true
    grpc_services: [{envoy_grpc: {cluster_name: xds-grpc}}]
  lds_config: {ads: {}, resource_api_version: V3}
  cds_config: {ads: {}, resource_api_version: V3}
static_resources:
  clusters:
  - name: xds-grpc
    type: STATIC
    typed_extension_protocol_options:
      envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
        "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
        explicit_http_config: {http2_protocol_options: {}}
    load_assignment:
      cluster_name: xds-grpc
      endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: $XP}}}}]}]
YAML
fi
cleanup() {
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [[ $KEEP == yes ]] || rm -rf "$RAW"
}
trap cleanup EXIT
PATH="$PATH:/usr/sbin" taskset -c 0 nginx -p "$RAW" -c "$RAW/nginx.conf" >"$RAW/nginx.log" 2>&1 &
PIDS+=($!)
URL=http://127.0.0.1:$HP/
if [[ $XDS == yes ]]; then
  taskset -c 0 java -cp "$JAR" "$ROOT/perf/bench/AdsFileServer.java" "$RAW/static.yaml" "$XP" >"$RAW/ads.log" 2>&1 &
  PIDS+=($!)
  for ((k = 0; k < 600; k++)); do grep -q '^ads serving' "$RAW/ads.log" 2>/dev/null && break; sleep 0.1; done
  grep '^ads serving' "$RAW/ads.log" || { echo "ADS server did not start: $(tail -5 "$RAW/ads.log")" >&2; exit 1; }
fi

# start VARIANT_INDEX TAG -> prints "wall_ms cpu_ms rss_mib" (RSS 1 s after the first request), or "failed"
start() {
  local i=$1 tag=$2 name t0 pid ms cpu k
  local -a env
  IFS='|' read -r -a env <<<"${VARIANTS[$i]}"
  name=${env[0]}; env=("${env[@]:1}")
  if [[ -n $TRACE ]]; then
    local found=no
    for k in "${!env[@]}"; do
      [[ ${env[$k]} == JAVOY_JAVA_OPTS=* ]] && env[$k]="${env[$k]} -Djavoy.startup.trace=true" && found=yes
    done
    [[ $found == yes ]] || env+=("JAVOY_JAVA_OPTS=-Djavoy.startup.trace=true")
  fi
  # LAUNCHER=PATH in a variant: that launcher instead of bin/javoy (e.g. the previous commit's, for before/after)
  local launcher="$ROOT/bin/javoy"
  for k in "${!env[@]}"; do
    [[ ${env[$k]} == LAUNCHER=* ]] && launcher=${env[$k]#LAUNCHER=} && unset 'env[k]'
  done
  env=("${env[@]}")
  mkdir -p "$RAW/cds-$i"
  t0=$(date +%s%N)
  env JAVOY_JAR="$JAR" JAVOY_CDS="$RAW/cds-$i" "${env[@]}" taskset -c 1 "$launcher" \
    -c "$RAW/javoy.yaml" --concurrency 1 -l warning >>"$RAW/javoy-$name.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  ms=""
  for ((k = 0; k < 12000; k++)); do
    if curl -fsS -o /dev/null --max-time 1 "$URL" 2>/dev/null; then
      ms=$((($(date +%s%N) - t0) / 1000000)); break
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.005
  done
  if [[ -z $ms ]]; then echo failed; kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; return; fi
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{s=$0; sub(/.*\) /, "", s); split(s, f, " "); print (f[12] + f[13]) * 1000 / hz}' /proc/"$pid"/stat)
  sleep 1
  echo "$ms $cpu $(awk '/^VmRSS:/ {printf "%.0f", $2 / 1024}' /proc/"$pid"/status)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((k = 0; k < 1200; k++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

echo "# jar $JAR; config $CONFIG; load $(cut -d' ' -f1-3 /proc/loadavg); raw $RAW"
for ((i = 0; i < ${#VARIANTS[@]}; i++)); do
  for ((w = 0; w < WARM; w++)); do start "$i" warm >/dev/null; done
done
declare -A WALL CPU RSS
for ((r = 0; r < STARTS; r++)); do
  for ((i = 0; i < ${#VARIANTS[@]}; i++)); do
    name=${VARIANTS[$i]%%|*}
    out=$(start "$i" run)
    echo "start $r $name $out (load $(cut -d' ' -f1 /proc/loadavg))"
    [[ $out == failed ]] && continue
    read -r w c m <<<"$out"
    WALL[$name]+="$w "; CPU[$name]+="$c "; RSS[$name]+="$m "
  done
done
med() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "-"}'; }
for v in "${VARIANTS[@]}"; do
  name=${v%%|*}
  echo "median $name wall_ms $(med <<<"${WALL[$name]:-}") cpu_ms $(med <<<"${CPU[$name]:-}") rss_mib $(med <<<"${RSS[$name]:-}")  (wall: ${WALL[$name]:-}; cpu: ${CPU[$name]:-}; rss: ${RSS[$name]:-})"
done
if [[ -n $TRACE ]]; then grep -h '^startup:' "$RAW"/javoy-*.log | tail -40; fi
