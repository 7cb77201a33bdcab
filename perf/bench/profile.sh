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
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
BACKEND=$(free_port); HTTP=$(free_port); ADMIN=$(free_port)
BODY=$(head -c 1024 /dev/zero | tr '\0' 'x')
mkdir -p "$RAW/backend/tmp"
cat >"$RAW/backend/nginx.conf" <<CONF
worker_processes 1; daemon off; pid $RAW/backend/nginx.pid; error_log $RAW/backend/error.log warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 100000000; keepalive_timeout 600s;
  client_body_temp_path $RAW/backend/tmp; proxy_temp_path $RAW/backend/tmp; fastcgi_temp_path $RAW/backend/tmp;
  uwsgi_temp_path $RAW/backend/tmp; scgi_temp_path $RAW/backend/tmp;
  server { listen 127.0.0.1:$BACKEND backlog=4096; location / { default_type text/plain; return 200 "$BODY"; } } }
CONF
taskset -c 0 nginx -p "$RAW/backend" -c "$RAW/backend/nginx.conf" >"$RAW/backend.log" 2>&1 &
PIDS+=($!)
cat >"$RAW/javoy.yaml" <<CONF
admin: { address: { socket_address: { address: 127.0.0.1, port_value: $ADMIN } } }
static_resources:
  listeners:
  - name: http
    address: { socket_address: { address: 127.0.0.1, port_value: $HTTP } }
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: ingress_http
          codec_type: AUTO
          route_config:
            virtual_hosts:
            - { name: backend, domains: ["*"], routes: [ { match: { prefix: "/" }, route: { cluster: backend } } ] }
          http_filters:
          - { name: envoy.filters.http.router, typed_config: { "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router } }
  clusters:
  - name: backend
    type: STATIC
    connect_timeout: 5s
    load_assignment:
      cluster_name: backend
      endpoints: [ { lb_endpoints: [ { endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: $BACKEND } } } } ] } ]
CONF
taskset -c 1 java -XX:+UseSerialGC -Xms32m -Xmn4m -XX:MaxTenuringThreshold=1 -Dio.netty.leakDetection.level=disabled \
  -jar "$JAR" -c "$RAW/javoy.yaml" --concurrency 1 -l warning >"$RAW/javoy.log" 2>&1 &
JPID=$!; PIDS+=($JPID)
URL=http://127.0.0.1:$HTTP/
for ((i = 0; i < 300; i++)); do curl -fsS -o /dev/null "$URL" 2>/dev/null && break; sleep 0.1; done
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
