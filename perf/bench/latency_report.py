#!/usr/bin/env python3
"""Helpers of perf/bench/latency.sh.

  latency_report.py threads PID        per-thread CPU ticks, context switches and minor faults of PID as JSON
  latency_report.py report RAW ROUNDS RATE CONNS DUR ATTRIBUTE CMDLINE
                                       the markdown report of a latency.sh run from its raw folder
"""
import collections
import datetime
import json
import os
import re
import statistics
import sys

PCTS = (0.5, 0.9, 0.99, 0.999)
SYSCALLS = {0: "read", 1: "write", 7: "poll", 20: "writev", 44: "sendto", 45: "recvfrom", 46: "sendmsg",
            47: "recvmsg", 55: "getsockopt", 202: "futex", 228: "clock_gettime", 230: "clock_nanosleep",
            232: "epoll_wait", 233: "epoll_ctl", 281: "epoll_pwait", 286: "timerfd_settime", 290: "eventfd2",
            426: "io_uring_enter", 441: "epoll_pwait2"}
EPOLL = {232, 281, 441}
UPSTREAM_WRITES = {1, 20, 44, 46}  # write, writev, sendto, sendmsg: a request's bytes leaving for the upstream


def threads(pid):
    out = {}
    for t in os.listdir(f"/proc/{pid}/task"):
        try:
            s = open(f"/proc/{pid}/task/{t}/stat").read()
            st = open(f"/proc/{pid}/task/{t}/status").read()
        except OSError:
            continue
        name = s[s.index("(") + 1:s.rindex(")")]
        f = s[s.rindex(")") + 2:].split()
        ctx = {l.split(":")[0]: int(l.split()[1]) for l in st.splitlines() if "ctxt_switches" in l}
        try:
            ns = int(open(f"/proc/{pid}/task/{t}/schedstat").read().split()[0])
        except (OSError, ValueError, IndexError):
            ns = 0
        out[t] = [name, int(f[11]) + int(f[12]), ctx["voluntary_ctxt_switches"],
                  ctx["nonvoluntary_ctxt_switches"], int(f[7]), ns]
    json.dump(out, sys.stdout)


def pct(v, q):
    return v[min(len(v) - 1, int(q * len(v)))] if v else float("nan")


def load_log(path):
    """h2load --log-file: start (µs since the epoch), status, elapsed µs; 2xx only."""
    rows = []
    if not os.path.exists(path):
        return rows
    for line in open(path):
        p = line.split()
        if len(p) >= 3 and p[1].startswith("2"):
            rows.append((int(p[0]), int(p[2])))
    return rows


def by_position(rows, conns):
    """Median latency (ms) by position in an h2load --rps burst (requests started within 1 ms of the burst's first)."""
    rows = sorted(rows)
    pos = collections.defaultdict(list)
    b0, k = None, 0
    for st, el in rows:
        if b0 is None or st - b0 > 1000:
            b0, k = st, 0
        pos[k].append(el)
        k += 1
    return [statistics.median(pos[i]) / 1000 for i in range(conns) if pos[i]]


GC_LINE = re.compile(r"\[(\d+)ns\].*Pause (\S+).* ([\d.]+)ms$")
SAFEPOINT_LINE = re.compile(r"\[(\d+)ns\].*Safepoint \"([^\"]+)\".*Reaching safepoint: (\d+) ns.*Total: (\d+) ns")


def gc_pauses(path, offset_s):
    """(end µs since the epoch, duration ms, kind) of every pause in a -Xlog:gc,safepoint:file=...:timenanos log
    (monotonic clock; offset_s = epoch − monotonic seconds). The duration is the total of the safepoint the
    collection ran in (reaching it + the collection + leaving it: how long the event loop stood still); without
    safepoint lines (-Xlog:gc only), the GC's own figure."""
    out, sps = [], []
    if not os.path.exists(path):
        return out
    for line in open(path):
        m = SAFEPOINT_LINE.search(line)
        if m:
            end = int(m.group(1)) / 1000 + offset_s * 1e6
            sps.append((end - int(m.group(4)) / 1000, end, int(m.group(4)) / 1e6))
            continue
        m = GC_LINE.search(line.strip())
        if m:
            out.append((int(m.group(1)) / 1000 + offset_s * 1e6, float(m.group(3)), m.group(2)))
    if sps:
        matched = []
        for t, ms, kind in out:
            sp = next((x for x in sps if x[0] - 1 <= t <= x[1] + 1), None)
            matched.append((sp[1], sp[2], kind) if sp else (t, ms, kind))
        out = matched
    return out


def safepoints(path, offset_s):
    """(end µs since the epoch, total ms, name) of every safepoint in the log (GC or not)."""
    out = []
    if not os.path.exists(path):
        return out
    for line in open(path):
        m = SAFEPOINT_LINE.search(line)
        if m:
            out.append((int(m.group(1)) / 1000 + offset_s * 1e6, int(m.group(4)) / 1e6, m.group(2)))
    return out


def read_time(path):
    return float(open(path).read().strip()) * 1e6


def trace_summary_for(path, tid):
    """Syscalls, epoll returns, wake-ups and on-CPU time of thread `tid` from `perf script -F tid,time,event,trace`."""
    ev_lines = [l for l in open(path)]
    # on/off CPU from sched_switch lines naming the thread
    on_cpu, on_since, cur, burst_cpu = 0.0, None, 0.0, []
    calls = collections.Counter()
    last_exit, last_recv_exit, first, later, n_in_burst = None, None, [], [], 0
    epoll_returns, epoll_events, bursts = 0, 0, 0
    for line in ev_lines:
        m = re.match(r"\s*(\d+)\s+([\d.]+):\s+(\S+):\s*(.*)", line)
        if not m:
            continue
        _, ts, e, tr = m.groups()
        ts = float(ts) * 1e6
        if e == "sched:sched_switch":
            if f"prev_pid={tid} " in tr:
                if on_since is not None:
                    on_cpu += ts - on_since
                    cur += ts - on_since
                on_since = None
            elif f"next_pid={tid} " in tr or tr.rstrip().endswith(f"next_pid={tid}"):
                on_since = ts
            continue
        if not e.startswith("raw_syscalls") or m.group(1) != tid:
            continue
        nr = int(re.search(r"NR (-?\d+)", tr).group(1))
        if e.endswith("enter"):
            calls[SYSCALLS.get(nr, str(nr))] += 1
            if nr in UPSTREAM_WRITES and last_recv_exit is not None:
                (first if n_in_burst == 0 else later).append(ts - last_recv_exit)
                n_in_burst += 1
                last_recv_exit = None
        else:
            if nr in EPOLL:
                epoll_returns += 1
                val = tr.split("=")[-1].strip()
                try:
                    epoll_events += max(0, int(val))
                except ValueError:
                    pass
                if last_exit is None or ts - last_exit > 3000:
                    bursts += 1
                    if cur:
                        burst_cpu.append(cur)
                    cur = 0.0
                    n_in_burst = 0
            if nr == 45:
                last_recv_exit = ts
            last_exit = ts
    return dict(calls=calls, on_cpu=on_cpu, bursts=bursts, burst_cpu=burst_cpu, first=first, later=later,
                epoll_returns=epoll_returns, epoll_events=epoll_events)


SAMPLE_US = 20  # latency.sh --profile: perf record -e cpu-clock -c 20000 (ns)


def profile_summary(path):
    """The worker's cpu-clock samples by phase of a burst, from `perf script -F tid,time,event,ip,sym,trace` lines
    (samples and syscall tracepoints of the worker, in time order). A burst starts when an epoll wait returns ≥ 3 ms
    after the previous syscall; its phases: `wake` (epoll return → the first read returns), `first` (the first read →
    the entry of its upstream write), `rest` (until the next burst). Samples in a syscall count in its phase."""
    phases = {p: collections.Counter() for p in ("wake", "first", "rest")}
    bursts, phase, last = 0, None, None
    for line in open(path):
        m = re.match(r"\s*(\d+)\s+([\d.]+):\s+(\S+):\s*(.*)", line)
        if not m:
            continue
        ts, e, rest = float(m.group(2)) * 1e6, m.group(3), m.group(4)
        if e == "cpu-clock":
            if phase is not None:
                parts = rest.split(None, 1)
                sym = parts[1].strip() if len(parts) > 1 else "[unknown]"
                kernel = parts[0].startswith("ffffffff")
                phases[phase][("k " if kernel else "u ") + re.sub(r"\+0x[0-9a-f]+$", "", sym)] += 1
            continue
        if not e.startswith("raw_syscalls"):
            continue
        nr = int(re.search(r"NR (-?\d+)", rest).group(1))
        if e.endswith("exit"):
            if nr in EPOLL and (last is None or ts - last > 3000):
                bursts += 1
                phase = "wake"
            elif nr == 45 and phase == "wake":
                phase = "first"
            last = ts
        else:
            if phase == "wake" and nr == 45:
                pass  # the read's own kernel time stays in `wake` until it returns
            elif phase == "first" and nr in UPSTREAM_WRITES:
                phase = "rest"
    return bursts, phases


def profile_section(raw, names):
    o = []
    for t in ["nginx"] + names:
        path = os.path.join(raw, f"attr-{t}.samples")
        if not os.path.exists(path):
            continue
        bursts, phases = profile_summary(path)
        if not bursts:
            continue
        o.append(f"`{t}`: {bursts} bursts; µs per burst by phase (cpu-clock samples × {SAMPLE_US} µs ÷ bursts; "
                 "k = kernel, u = user): " + ", ".join(
                     f"{p} {sum(c.values()) * SAMPLE_US / bursts:.0f}" for p, c in phases.items()) + "\n")
        o.append("| phase | symbol | µs/burst | share of phase |")
        o.append("|---|---|---:|---:|")
        for p, c in phases.items():
            tot = sum(c.values()) or 1
            for sym, n in c.most_common(12 if p != "rest" else 20):
                o.append(f"| {p} | `{sym[:90]}` | {n * SAMPLE_US / bursts:.1f} | {100.0 * n / tot:.0f} % |")
        o.append("")
    return o


def med(v):
    v = [x for x in v if x == x]
    return statistics.median(v) if v else float("nan")


def f3(x):
    return "n/a" if x != x else f"{x:.3f}"


def report(raw, rounds, rate, conns, dur, attribute, cmdline):
    rounds, rate, conns, dur, attribute = int(rounds), int(rate), int(conns), int(dur), attribute == "1"
    javoys = [l.strip().split("|") for l in open(os.path.join(raw, "javoys.txt"))]
    names = [j[0] for j in javoys]
    targets = ["direct", "nginx"] + names
    cpu = {}
    for line in open(os.path.join(raw, "cpu.txt")):
        f = line.split()
        r, t, ticks, busy, total = f[:5]
        ns = int(f[5]) if len(f) > 5 else -1
        cpu[(int(r), t)] = (int(ticks), int(busy), int(total), ns)
    res = collections.defaultdict(dict)  # target -> round -> figures
    offset = float(open(os.path.join(raw, "clock-offset.txt")).read())
    pauses = {n: gc_pauses(os.path.join(raw, f"{n}-gc.log"), offset) for n in names}
    sps = {n: safepoints(os.path.join(raw, f"{n}-gc.log"), offset) for n in names}
    rows_all = collections.defaultdict(list)
    for r in range(1, rounds + 1):
        for t in targets:
            base = os.path.join(raw, f"fixed-{t}-r{r}")
            rows = load_log(base + ".tsv")
            if not rows:
                continue
            rows_all[t].extend(rows)
            lat = sorted(el for _, el in rows)
            fig = {f"p{q}": pct(lat, q) / 1000 for q in PCTS}
            fig["ok"] = len(rows)
            ticks, busy, total, ns = cpu.get((r, t), (0, 0, 1, -1))
            fig["cpu_us"] = ticks * 10000 / len(rows) if t != "direct" else float("nan")
            # exact on-CPU time (schedstat ns) of every thread: ticks are 4 ms samples (HZ=250) of whoever runs
            fig["cpu_ns_us"] = ns / 1000 / len(rows) if t != "direct" and ns >= 0 else float("nan")
            fig["other_cpu1"] = 100.0 * (busy - ticks) / total if total else float("nan")
            if t in pauses:
                t0, t1 = read_time(base + ".start"), read_time(base + ".end")
                ps = [(end - ms * 1000, end, ms) for end, ms, _ in pauses[t] if t0 <= end <= t1]
                fig["gc"] = [ms for _, _, ms in ps]
                fig["safepoints"] = sum(1 for end, _, _ in sps[t] if t0 <= end <= t1)
                hit = 0
                if ps:
                    for st, el in rows:
                        if any(st < pe and st + el > pb for pb, pe, _ in ps):
                            hit += 1
                fig["gc_hit"] = 100.0 * hit / len(rows)
            res[t][r] = fig
    for t in targets[1:]:
        for r, fig in res[t].items():
            d = res["direct"].get(r)
            for q in PCTS:
                fig[f"add{q}"] = fig[f"p{q}"] - d[f"p{q}"] if d else float("nan")
    now = datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC")
    o = []
    o.append(f"# Fixed-rate latency, javoy vs nginx, same minutes — {now}\n")
    o.append(f"Command: `{cmdline}`. {rounds} interleaved round(s) of {rate:,} req/s over {conns} HTTP/1.1 keep-alive "
             f"connections for {dur} s (`h2load --h1 -c{conns} --rps {rate / conns:g}`), each proxy pinned alone to "
             "CPU 1, h2load and the backend nginx on CPU 0. Medians over rounds; added = proxy − direct of the same round.\n")
    for j in javoys:
        args = f", javoy arguments `{j[3]}`" if len(j) > 3 and j[3] else ""
        o.append(f"- `{j[0]}`: `{j[1]}`, JAVOY_JAVA_OPTS `{j[2] or '-'}` (bin/javoy's flags first){args}")
    o.append("")
    o.append("| target | p50 ms | p90 | p99 | p99.9 | added p50 | added p90 | added p99 | CPU µs/req (ticks) | "
             "CPU µs/req (exact) | other load on CPU 1 |")
    o.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    summary = {}
    for t in targets:
        rs = list(res[t].values())
        if not rs:
            o.append(f"| {t} | failed | | | | | | | | |")
            continue
        m = {k: med([f[k] for f in rs]) for k in rs[0] if k not in ("gc", "gc_hit")}
        summary[t] = m
        add = [m.get(f"add{q}", float("nan")) for q in PCTS[:3]]
        o.append(f"| {t} | {f3(m['p0.5'])} | {f3(m['p0.9'])} | {f3(m['p0.99'])} | {f3(m['p0.999'])} | "
                 + " | ".join(f3(a) if t != "direct" else "—" for a in add)
                 + f" | {'—' if t == 'direct' else format(m['cpu_us'], '.1f')}"
                 + f" | {'—' if t == 'direct' else format(m['cpu_ns_us'], '.1f')} | {m['other_cpu1']:.0f} % |")
    if "nginx" in summary:
        o.append("")
        o.append("Ratios to nginx (medians; per round in parentheses):\n")
        for n in names:
            if n not in summary:
                continue
            parts = []
            for key, label in (("add0.5", "added p50"), ("add0.99", "added p99"), ("cpu_us", "CPU/request (ticks)"),
                               ("cpu_ns_us", "CPU/request (exact)")):
                per = []
                for r in sorted(res[n]):
                    if r in res["nginx"] and res["nginx"][r][key] > 0 and res[n][r][key] == res[n][r][key]:
                        per.append(f"{res[n][r][key] / res['nginx'][r][key]:.2f}")
                tot = summary[n][key] / summary["nginx"][key] if summary["nginx"][key] > 0 else float("nan")
                parts.append(f"{label} {tot:.2f}× ({', '.join(per)})")
            diff = summary[n]["add0.99"] - summary["nginx"]["add0.99"]
            parts.append(f"added p99 − nginx's: {diff:+.3f} ms")
            o.append(f"- `{n}`: " + "; ".join(parts))
    o.append("")
    o.append("Per round (p50 / p99 / CPU µs per request, ticks / exact / other load on CPU 1):\n")
    o.append("| target | " + " | ".join(f"round {r}" for r in range(1, rounds + 1)) + " |")
    o.append("|---|" + "---|" * rounds)
    for t in targets:
        cells = []
        for r in range(1, rounds + 1):
            f = res[t].get(r)
            cells.append("—" if not f else f"{f3(f['p0.5'])} / {f3(f['p0.99'])} / "
                         + ("—" if t == "direct" else f"{f['cpu_us']:.1f} / {f['cpu_ns_us']:.1f}")
                         + f" / {f['other_cpu1']:.0f} %")
        o.append(f"| {t} | " + " | ".join(cells) + " |")
    o.append("")
    o.append("GC pauses during the measured runs (javoy's -Xlog:gc,safepoint; a pause = its safepoint's total; "
             "lengths depend on the machine's load, counts and the share of requests in flight during a pause do "
             "not; nor do the VM thread's CPU per safepoint (the pause's own work) and its involuntary context "
             "switches (pauses stretched by another process on the CPU)):\n")
    o.append("| javoy | pauses | per 10k requests | median ms | p99 ms | max ms | > 1 ms | requests in flight during "
             "a pause | safepoints (all) | VM thread CPU per safepoint µs | VM thread involuntary switches |")
    o.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    vmt = collections.defaultdict(lambda: [0, 0])
    vpath = os.path.join(raw, "vmthread.txt")
    if os.path.exists(vpath):
        for line in open(vpath):
            f_ = line.split()
            if len(f_) == 6:
                vmt[f_[1]][0] += int(f_[4]) - int(f_[2])
                vmt[f_[1]][1] += int(f_[5]) - int(f_[3])
    for n in names:
        gcs = [ms for f in res[n].values() for ms in f.get("gc", [])]
        reqs = sum(f["ok"] for f in res[n].values())
        hits = med([f.get("gc_hit", 0.0) for f in res[n].values()])
        nsp = sum(f.get("safepoints", 0) for f in res[n].values())
        per_sp = f"{vmt[n][0] / 1000 / nsp:.0f}" if nsp and n in vmt else "—"
        o.append(f"| {n} | {len(gcs)} | {10000 * len(gcs) / max(reqs, 1):.1f} | "
                 f"{f3(med(gcs)) if gcs else '—'} | {f3(pct(sorted(gcs), 0.99)) if gcs else '—'} | "
                 f"{f3(max(gcs)) if gcs else '—'} | {sum(1 for g in gcs if g > 1)} | "
                 f"{hits:.2f} % | {nsp} | {per_sp} | {vmt[n][1] if n in vmt else '—'} |")
    rss_path = os.path.join(raw, "rss.txt")
    if os.path.exists(rss_path):
        rss = dict(l.split() for l in open(rss_path) if len(l.split()) == 2)
        o.append("")
        o.append("RSS after the rounds: " + ", ".join(f"`{n}` {int(v) / 1024:.1f} MiB" for n, v in rss.items()) + ".")
    o.append("")
    o.append(f"Median latency (ms) by position in an h2load burst (all rounds; position 1 = the first request h2load "
             f"sent):\n")
    o.append("| target | " + " | ".join(str(i + 1) for i in range(conns)) + " |")
    o.append("|---|" + "---:|" * conns)
    for t in targets:
        if rows_all[t]:
            o.append(f"| {t} | " + " | ".join(f"{x:.3f}" for x in by_position(rows_all[t], conns)) + " |")
    if attribute:
        o.append("")
        o.append("## Attribution (one fixed-rate run per proxy)\n")
        tids = dict(l.split() for l in open(os.path.join(raw, "attr-tids.txt")))
        o.append("Threads over the whole run (CPU from /proc: stat in 10 ms units of 4 ms tick samples, and exact from schedstat; wake-ups = voluntary context switches):\n")
        o.append("| proxy | thread | CPU ms (ticks) | µs/request (ticks) | µs/request (exact) | wake-ups/request | "
                 "preemptions | minor faults |")
        o.append("|---|---|---:|---:|---:|---:|---:|---:|")
        for t in ["nginx"] + names:
            fa = os.path.join(raw, f"attr-{t}-threads-before.json")
            fb = os.path.join(raw, f"attr-{t}-threads-after.json")
            if not (os.path.exists(fa) and os.path.exists(fb)):
                continue
            a, b = json.load(open(fa)), json.load(open(fb))
            n_req = rate * dur
            for tid, row in sorted(b.items(), key=lambda x: -x[1][-1]):
                name, c, v, nv, mf, ns = (row + [0])[:6]
                c0, v0, nv0, mf0, ns0 = (a.get(tid, [name, 0, 0, 0, 0, 0]) + [0])[1:6]
                if c - c0 or v - v0 > 2 or ns - ns0 > 1000000:
                    o.append(f"| {t} | {name} | {(c - c0) * 10} | {(c - c0) * 10000 / n_req:.2f} | "
                             f"{(ns - ns0) / 1000 / n_req:.2f} | {(v - v0) / n_req:.3f} | {nv - nv0} | {mf - mf0} |")
        o.append("")
        o.append("The worker thread over 2 s of `perf record` (sched_switch and syscall tracepoints): per request "
                 "(= recvfrom calls / 2), and per burst (a wake-up after ≥ 3 ms idle):\n")
        o.append("| proxy | requests | syscalls/request | epoll returns/request | events/epoll return | "
                 "on-CPU µs/request | on-CPU µs/burst | first request of a burst: read → upstream write, µs | "
                 "other requests, µs (median / mean) |")
        o.append("|---|---:|---|---:|---:|---:|---:|---:|---:|")
        for t in ["nginx"] + names:
            path = os.path.join(raw, f"attr-{t}.trace")
            if not os.path.exists(path) or t not in tids:
                continue
            s = trace_summary_for(path, tids[t])
            nreq = max(1, s["calls"].get("recvfrom", 0) // 2)
            sc = ", ".join(f"{k} {v / nreq:.2f}" for k, v in s["calls"].most_common(6))
            ev_per = s["epoll_events"] / s["epoll_returns"] if s["epoll_returns"] else float("nan")
            o.append(f"| {t} | {nreq} | {sc} | {s['epoll_returns'] / nreq:.2f} | {ev_per:.1f} | "
                     f"{s['on_cpu'] / nreq:.1f} | {med(s['burst_cpu']):.0f} | {med(s['first']):.1f} | "
                     f"{med(s['later']):.1f} / {statistics.mean(s['later']) if s['later'] else float('nan'):.1f} |")
        prof = profile_section(raw, names)
        if prof:
            o.append("")
            o.append("### Where a burst's CPU goes (--profile)\n")
            o.extend(prof)
    o.append("")
    o.append(f"Raw files: `{os.path.relpath(raw, os.path.join(os.path.dirname(__file__), '..', '..'))}`.")
    print("\n".join(o))


if __name__ == "__main__":
    if sys.argv[1] == "threads":
        threads(sys.argv[2])
    elif sys.argv[1] == "report":
        report(*sys.argv[2:9])
    else:
        sys.exit(__doc__)
