#!/usr/bin/env bash
# Config-scale benchmark: java-control-plane serves 10,000 EDS clusters (3 endpoints each) and 1,000 outbound
# listeners with RDS route configurations to a javoy process pinned to one CPU; measures cold start, a full
# EDS + RDS update and memory per cluster / per listener. Writes perf/results/<date>-config-scale.md.
#   perf/config-scale/run.sh [-Djavoy.configscale.rounds=3] [-Djavoy.configscale.jfr=true] ...
# Properties (defaults): clusters=10000 endpoints=3 listeners=1000 vhosts=4 rounds=3 cpu=1 heap=2g timeout=300 (s)
# jfr=true records javoy with -XX:StartFlightRecording (profile settings) into the benchmark's temp folder.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v taskset >/dev/null || { echo "taskset (util-linux) is needed" >&2; exit 1; }
# The benchmark JVM (control plane, Maven) on CPU 0; javoy is started pinned to javoy.configscale.cpu (1).
exec timeout 1800 taskset -c 0 ./mvnw -B -o -q -pl src -am test -Djavoy.build.dir=target-configscale \
  -Dtest=dev.javoy.e2e.ConfigScaleBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Djavoy.root="$PWD" "$@"
