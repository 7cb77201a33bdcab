#!/usr/bin/env bash
# HTTP/1.1 CPU per request, javoy against nginx in the same minutes: the name earlier sessions used for
# perf/bench/cpu-ratio.sh, which it runs with the same arguments (--jar PATH [--jar2 PATH] [-n N] [--rounds R]
# [--warmup N] [-c C] [--java PATH] [--opts 'JVM FLAGS'] [--opts2 'JVM FLAGS']; see cpu-ratio.sh --help).
# javoy now runs through bin/javoy (its JDK and flags; --opts are added after them).
exec "$(dirname "$0")/cpu-ratio.sh" "$@"
