#!/usr/bin/env python3
"""CPU of short commands, alternated run by run (for start-up levers smaller than the noise of whole starts).

  perf/bench/cpu-ab.py REPS NAME 'COMMAND' [NAME 'COMMAND' ...]

Each repetition runs every command once, in order, through the shell; a run's CPU is the utime+stime its children
used (getrusage(RUSAGE_CHILDREN) before and after, microsecond resolution, all threads: JIT and GC included).
Prints median, mean and minimum per command. Pin the commands yourself (taskset) and keep them short.
"""
import resource
import statistics
import subprocess
import sys

if len(sys.argv) < 4 or len(sys.argv) % 2:
    sys.exit(__doc__)
reps = int(sys.argv[1])
variants = list(zip(sys.argv[2::2], sys.argv[3::2]))
cpu = {name: [] for name, _ in variants}
for _ in range(reps):
    for name, command in variants:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(command, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu[name].append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000)
for name, _ in variants:
    xs = sorted(cpu[name])
    print(f"{name}: median {statistics.median(xs):.1f} ms  mean {statistics.mean(xs):.1f}  min {xs[0]:.1f}  n={len(xs)}")
