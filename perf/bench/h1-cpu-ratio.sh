#!/usr/bin/env bash
# HTTP/1.1 CPU per request, javoy against nginx in the same minutes: the name earlier sessions used for
# perf/bench/cpu-ratio.sh, which it runs with the same arguments (--jar PATH [--jar2 PATH] [-n N] [--rounds R]
# [--warmup N] [-c C]; see cpu-ratio.sh --help).
exec "$(dirname "$0")/cpu-ratio.sh" "$@"
