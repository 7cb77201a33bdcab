#!/usr/bin/python3
"""Turn the raw outputs of perf/bench/run.sh into perf/results/<date>.md and
perf/results/<date>-latency.png.

  report.py --raw perf/results/raw/<stamp> --out perf/results --date YYYY-MM-DD

Reads <raw>/meta.env, <raw>/measurements.tsv (round, proxy, scenario, key, value)
and the tool outputs it names (wrk, h2load text output and h2load --log-file).
Uses Debian's python3-matplotlib / python3-numpy only.
"""
import argparse
import math
import os
import re
import statistics
import sys
from collections import defaultdict

PROXIES = ["direct", "javoy", "nginx", "haproxy"]
ERROR_LIMIT = 0.01  # a run with more than 1% failed requests counts as failed


# ------------------------------------------------------------------ parsing
def load_meta(raw):
    meta = {}
    with open(os.path.join(raw, "meta.env")) as f:
        for line in f:
            k, sep, v = line.rstrip("\n").partition("=")
            if sep:
                meta[k] = v
    return meta


def load_meas(raw):
    m = defaultdict(dict)  # (round, proxy, scenario) -> {key: value}
    notes = defaultdict(list)
    with open(os.path.join(raw, "measurements.tsv")) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 5:
                continue
            r, p, s, k, v = parts
            if s == "all" and k == "note":
                if v not in notes[p]:
                    notes[p].append(v)
                continue
            m[(int(r), p, s)][k] = v
    return m, notes


def dur_ms(text):
    mm = re.match(r"([\d.]+)(us|ms|s|m)$", text.strip())
    if not mm:
        return None
    v, u = float(mm.group(1)), mm.group(2)
    return v * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[u]


def parse_wrk(path):
    try:
        t = open(path, errors="replace").read()
    except OSError:
        return None
    out = {}
    mm = re.search(r"Requests/sec:\s+([\d.]+)", t)
    out["rps"] = float(mm.group(1)) if mm else None
    mm = re.search(r"(\d+) requests in ([\d.]+\w+)", t)
    out["requests"] = int(mm.group(1)) if mm else 0
    errs = 0
    mm = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", t)
    if mm:
        errs += sum(int(x) for x in mm.groups())
    mm = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
    if mm:
        errs += int(mm.group(1))
    out["errors"] = errs
    for pct in ("50", "90", "99"):
        mm = re.search(r"^\s+%s%%\s+(\S+)" % pct, t, re.M)
        out["p" + pct] = dur_ms(mm.group(1)) if mm else None
    return out


def parse_tls_load(path):
    """TlsHandshakeLoad.java's line: handshakes N seconds S errors E client_cpu_us C proxy_ticks T (else wrk's)."""
    try:
        t = open(path, errors="replace").read()
    except OSError:
        return None
    mm = re.search(r"handshakes (\d+) seconds ([\d.]+) errors (\d+) client_cpu_us ([\d.]+)", t)
    if not mm:
        return parse_wrk(path)
    n, secs = int(mm.group(1)), float(mm.group(2))
    return {"rps": n / secs if secs > 0 else None, "requests": n, "errors": int(mm.group(3)),
            "client_cpu_us": float(mm.group(4))}


def parse_h2load(path):
    try:
        t = open(path, errors="replace").read()
    except OSError:
        return None
    out = {"rps": None, "total": 0, "succeeded": 0, "failed": 0, "errored": 0, "timeout": 0, "2xx": 0}
    mm = re.search(r"finished in ([\d.]+)(\w+), ([\d.]+) req/s", t)
    if mm:
        out["rps"] = float(mm.group(3))
    mm = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, "
                   r"(\d+) errored, (\d+) timeout", t)
    if mm:
        out["total"], _, _, out["succeeded"], out["failed"], out["errored"], out["timeout"] = \
            (int(x) for x in mm.groups())
    mm = re.search(r"status codes: (\d+) 2xx", t)
    if mm:
        out["2xx"] = int(mm.group(1))
    return out


def read_latencies_ms(path):
    lat = []
    try:
        with open(path) as f:
            for line in f:
                parts = line.split("\t")
                if len(parts) >= 3 and parts[1] == "200":
                    lat.append(int(parts[2]) / 1000.0)
    except OSError:
        return None
    return lat


# ------------------------------------------------------------------ javoy's GC log
SAFEPOINT_LINE = re.compile(r"\[(\d+)ns\].*Safepoint \"([^\"]+)\".*Reaching safepoint: (\d+) ns.*Total: (\d+) ns")
GC_PAUSE_LINE = re.compile(r"\[(\d+)ns\].*GC\(\d+\) Pause (.*) ([\d.]+)ms$")


def gc_pauses(path, offset_s):
    """The GC pauses in a -Xlog:gc,safepoint log decorated with timenanos (CLOCK_MONOTONIC ns; offset_s = epoch −
    monotonic): [(start µs since the epoch, end µs, ms, kind)]. A pause is the safepoint its collection ran in
    (time to reach the safepoint + the collection + leaving it: how long every Java thread, the event loops among
    them, stood still); a collection without a safepoint line (a log without safepoint tags) counts with the GC's
    own figure."""
    gcs, sps = [], []
    try:
        with open(path, errors="replace") as f:
            for line in f:
                m = SAFEPOINT_LINE.search(line)
                if m:
                    end = int(m.group(1)) / 1000.0 + offset_s * 1e6
                    sps.append((end - int(m.group(4)) / 1000.0, end, int(m.group(4)) / 1e6, m.group(2)))
                    continue
                m = GC_PAUSE_LINE.search(line.rstrip())
                if m:
                    gcs.append((int(m.group(1)) / 1000.0 + offset_s * 1e6, float(m.group(3)), m.group(2)))
    except OSError:
        return None
    out, used = [], set()
    for t, ms, kind in gcs:
        # the GC logs its pause inside the safepoint; the safepoint's line follows when it ends
        sp = next((i for i, x in enumerate(sps) if i not in used and x[0] - 1 <= t <= x[1] + 1), None)
        if sp is not None:
            used.add(sp)
            b, e, sms, _ = sps[sp]
            out.append((b, e, sms, kind))
        else:
            out.append((t - ms * 1000, t, ms, kind))
    out.sort()
    return out


def javoy_gc_log(raw, meas):
    """The GC log of the javoy the load runs measured (its pid in measurements.tsv)."""
    pid = meas.get((0, "javoy", "all"), {}).get("pid")
    if pid and os.path.exists(os.path.join(raw, "javoy-gc-%s.log" % pid)):
        return os.path.join(raw, "javoy-gc-%s.log" % pid)
    return None


def overlapping(rows, pauses):
    """How many requests (start µs, latency µs) were in flight while one of the pauses [(begin, end, ...)] ran."""
    import bisect
    ends = [e for _, e, _, _ in pauses]
    hit = 0
    for st, el in rows:
        i = bisect.bisect_right(ends, st)
        if i < len(pauses) and pauses[i][0] < st + el:
            hit += 1
    return hit


def read_request_log(path):
    rows = []
    try:
        with open(path) as f:
            for line in f:
                parts = line.split("\t")
                if len(parts) >= 3 and parts[1] == "200":
                    rows.append((int(parts[0]), int(parts[2])))
    except OSError:
        return None
    return rows


def gc_figures(raw, meta, meas, per, mark):
    """Rows gc_<scenario>_*: javoy's GC pauses inside the fixed-rate and saturation runs' windows, all rounds
    pooled (a handful of pauses per run: a median per round would say little)."""
    rounds = int(meta.get("rounds", "1"))
    if not any(meas.get((r, "javoy", sc), {}).get("status") == "ok"
               for r in range(1, rounds + 1) for sc in ("fixed", "sat")):
        return   # javoy not measured (or failed: its cells say so)
    log = javoy_gc_log(raw, meas)
    if "clock_offset_s" not in meta:   # a run from before the GC log
        mark("gc", "javoy", "not logged")
        return
    pauses = gc_pauses(log, float(meta["clock_offset_s"])) if log else None
    if pauses is None:
        mark("gc", "javoy", "no GC log", "GC pauses: javoy's GC log (raw javoy-gc-<pid>.log) is missing")
        return
    for sc in ("fixed", "sat"):
        pooled, reqs, hits, seen = [], 0, 0, False
        for r in range(1, rounds + 1):
            d = meas.get((r, "javoy", sc))
            if not d or d.get("status") != "ok" or "t0_us" not in d:
                continue
            seen = True
            t0, t1 = int(d["t0_us"]), int(d["t1_us"])
            inside = [x for x in pauses if t0 <= x[1] <= t1]
            pooled.extend(x[2] for x in inside)
            per["gc_%s_count_r" % sc]["javoy"].append(len(inside))
            per["gc_%s_max_r" % sc]["javoy"].append(max((x[2] for x in inside), default=0.0))
            if sc == "fixed":
                rows_ = read_request_log(os.path.join(raw, d.get("log", "")))
                if rows_:
                    reqs += len(rows_)
                    hits += overlapping(rows_, inside)
        if not seen:
            continue
        per["gc_%s_n" % sc]["javoy"].append(len(pooled))
        per["gc_%s_over1" % sc]["javoy"].append(sum(1 for v in pooled if v > 1.0))
        if pooled:
            per["gc_%s_p50" % sc]["javoy"].append(percentile(pooled, 50))
            per["gc_%s_p99" % sc]["javoy"].append(percentile(pooled, 99))
            per["gc_%s_max" % sc]["javoy"].append(max(pooled))
        if sc == "fixed" and reqs:
            per["gc_fixed_hit"]["javoy"].append(100.0 * hits / reqs)


# ------------------------------------------------------------------ per-round metrics
class Cell:
    """Median over rounds, or a status word."""

    def __init__(self, values=None, status=None, rounds=0, nrounds=0):
        self.values = values or []
        self.status = status
        self.rounds, self.nrounds = rounds, nrounds

    @property
    def value(self):
        return statistics.median(self.values) if self.values else None


def compute(raw, meta, meas):
    rounds = int(meta.get("rounds", "1"))
    clk = float(meta.get("clk_tck", "100"))
    per = defaultdict(lambda: defaultdict(list))   # metric -> proxy -> [values per round]
    bad = defaultdict(dict)                        # metric-group -> proxy -> status word
    lat_rounds = defaultdict(list)                 # proxy -> [latency arrays]
    why = defaultdict(list)

    def mark(group, p, word, reason=None):
        if bad[group].get(p) != "unsupported":
            bad[group][p] = word
        if reason and reason not in why[p]:
            why[p].append(reason)

    for r in range(1, rounds + 1):
        for p in PROXIES:
            # --- HTTP/1.1 saturation
            d = meas.get((r, p, "sat"))
            if d is not None:
                w = parse_wrk(os.path.join(raw, d.get("file", ""))) if d.get("status") == "ok" else None
                if not w or not w["rps"] or w["requests"] == 0:
                    mark("sat", p, "failed", "HTTP/1.1 saturation: no successful requests" if w else None)
                elif w["errors"] > ERROR_LIMIT * w["requests"]:
                    mark("sat", p, "failed", "HTTP/1.1 saturation: %d errors / %d requests (round %d)"
                         % (w["errors"], w["requests"], r))
                else:
                    per["sat_rps"][p].append(w["rps"])
                    if w["p99"] is not None:
                        per["sat_p99"][p].append(w["p99"])
                    if p != "direct" and "cpu_ticks" in d:
                        cpu_s = int(d["cpu_ticks"]) / clk
                        wall_s = int(d["wall_us"]) / 1e6
                        per["sat_cpu_us"][p].append(cpu_s / w["requests"] * 1e6)
                        per["sat_util"][p].append(100.0 * cpu_s / wall_s)
            # --- fixed rate
            d = meas.get((r, p, "fixed"))
            if d is not None:
                h = parse_h2load(os.path.join(raw, d.get("file", ""))) if d.get("status") == "ok" else None
                lat = read_latencies_ms(os.path.join(raw, d.get("log", ""))) if h else None
                if not h or not lat or h["2xx"] == 0:
                    mark("fixed", p, "failed", "fixed rate: no successful requests" if h else None)
                elif h["total"] - h["2xx"] > ERROR_LIMIT * max(h["total"], 1):
                    mark("fixed", p, "failed", "fixed rate: %d of %d requests failed (round %d)"
                         % (h["total"] - h["2xx"], h["total"], r))
                else:
                    lat_rounds[p].append(lat)
                    per["fixed_rps"][p].append(h["rps"])
                    for q in (50, 90, 99, 99.9):
                        per["fixed_p%s" % q][p].append(percentile(lat, q))
                    if p != "direct" and "cpu_ticks" in d:
                        per["fixed_cpu_us"][p].append(int(d["cpu_ticks"]) / clk / h["2xx"] * 1e6)
            # --- h2c saturation
            d = meas.get((r, p, "h2"))
            if d is not None:
                h = parse_h2load(os.path.join(raw, d.get("file", ""))) if d.get("status") == "ok" else None
                if h is None or h["2xx"] == 0:
                    if p == "javoy" and d.get("status") == "ok":
                        mark("h2", p, "unsupported", "h2c: no successful HTTP/2 request (reported as unsupported)")
                    else:
                        mark("h2", p, "failed", "h2c: no successful requests" if h else None)
                elif h["total"] - h["2xx"] > ERROR_LIMIT * max(h["total"], 1):
                    mark("h2", p, "failed", "h2c: %d of %d requests failed (round %d)"
                         % (h["total"] - h["2xx"], h["total"], r))
                else:
                    per["h2_rps"][p].append(h["rps"])
                    if p != "direct" and "cpu_ticks" in d:
                        per["h2_cpu_us"][p].append(int(d["cpu_ticks"]) / clk / h["2xx"] * 1e6)
            # --- TCP throughput
            d = meas.get((r, p, "tcp"))
            if d is not None:
                res = d.get("result", "").split()
                exp = int(d.get("expect_bytes", "0"))
                ok = (d.get("status") == "ok" and len(res) == 3 and res[0] == "200"
                      and int(res[1]) == exp and float(res[2]) > 0)
                if not ok:
                    mark("tcp", p, "failed", "TCP proxy: transfer failed or incomplete (%s, round %d)"
                         % (" ".join(res) or "no output", r) if d.get("status") == "ok" else None)
                else:
                    nbytes, secs = int(res[1]), float(res[2])
                    per["tcp_mbs"][p].append(nbytes / secs / 1e6)
                    if p != "direct" and "cpu_ticks" in d:
                        per["tcp_cpu_gb"][p].append(int(d["cpu_ticks"]) / clk / (nbytes / 1e9))
            # --- TLS 1.3 (wrk over https): handshakes (new connection per request), keep-alive, 1 MiB downloads
            for kind, label in (("hs", "TLS handshakes"), ("sat", "HTTPS saturation"), ("1m", "TLS 1 MiB downloads")):
                d = meas.get((r, p, "tls" + kind))
                if d is None:
                    continue
                w = parse_tls_load(os.path.join(raw, d.get("file", ""))) if d.get("status") == "ok" else None
                if not w or not w["rps"] or w["requests"] == 0:
                    mark("tls" + kind, p, "failed", "%s: no successful requests (round %d)" % (label, r)
                         if d.get("status") == "ok" else None)
                elif w["errors"] > ERROR_LIMIT * w["requests"]:
                    mark("tls" + kind, p, "failed", "%s: %d errors / %d requests (round %d)"
                         % (label, w["errors"], w["requests"], r))
                else:
                    cpu_s = int(d.get("cpu_ticks", "0")) / clk
                    wall_s = int(d.get("wall_us", "1")) / 1e6
                    if kind == "1m":
                        per["tls1m_mbs"][p].append(w["rps"] * 1048576 / 1e6)
                        per["tls1m_cpu_gb"][p].append(cpu_s / (w["requests"] * 1048576 / 1e9))
                    else:
                        per["tls%s_rps" % kind][p].append(w["rps"])
                        per["tls%s_cpu_us" % kind][p].append(cpu_s / w["requests"] * 1e6)
                        per["tls%s_util" % kind][p].append(100.0 * cpu_s / wall_s)
                        if kind == "hs" and cpu_s > 0:
                            per["tlshs_per_cpu_s"][p].append(w["requests"] / cpu_s)
                        if kind == "hs" and w.get("client_cpu_us"):
                            per["tlshs_client_us"][p].append(w["client_cpu_us"])
            # --- start-up
            d = meas.get((r, p, "startup"))
            if d is not None:
                if d.get("status") == "ok":
                    per["startup_ms"][p].append(float(d["startup_ms"]))
                else:
                    mark("startup", p, "failed")
    # --- interference: work on the proxy CPU that is not the proxy's own process time
    interf = []   # (other %, irq %, steal %, round, proxy, scenario)
    for (r, p, sc), d in meas.items():
        if "pcpu_task_ticks" not in d or "wall_us" not in d:
            continue
        wall = int(d["wall_us"]) / 1e6
        if wall <= 0:
            continue
        own = int(d.get("cpu_ticks", "0"))
        other = min(100.0, max(0.0, (int(d["pcpu_task_ticks"]) - own) / clk / wall * 100.0))
        irq = int(d.get("pcpu_irq_ticks", "0")) / clk / wall * 100.0
        steal = int(d.get("pcpu_steal_ticks", "0")) / clk / wall * 100.0
        interf.append((other, irq, steal, r, p, sc))
    per["_interference"] = interf
    gc_figures(raw, meta, meas, per, mark)
    # --- memory (one measurement)
    for p in PROXIES:
        d = meas.get((1, p, "mem"))
        if d is None:
            continue
        want = int(meta.get("idle_conns", "1000"))
        if d.get("status") != "ok":
            mark("mem", p, "failed", "memory: the %s idle connections could not be set up (see raw mem-%s.log)"
                 % (want, p) if d.get("status") == "holder_failed" else None)
            continue
        okc = int(d.get("conns_ok", "0"))
        per["rss_idle"][p].append(int(d["rss_idle_kb"]) / 1024.0)
        if okc < want * (1 - ERROR_LIMIT):
            mark("mem_conns", p, "failed", "memory: only %d of %d idle connections succeeded" % (okc, want))
            continue
        per["rss_conns"][p].append(int(d["rss_conns_kb"]) / 1024.0)
        per["bytes_per_conn"][p].append((int(d["rss_conns_kb"]) - int(d["rss_idle_kb"])) * 1024.0 / okc)
        if "anon_idle_kb" in d and "anon_conns_kb" in d:
            per["anon_bytes_per_conn"][p].append((int(d["anon_conns_kb"]) - int(d["anon_idle_kb"])) * 1024.0 / okc)
        per["pss_idle"][p].append(int(d.get("pss_idle_kb", "0")) / 1024.0)
        per["pss_conns"][p].append(int(d.get("pss_conns_kb", "0")) / 1024.0)
    return per, bad, lat_rounds, why


def percentile(values, q):
    import numpy as np
    return float(np.percentile(np.asarray(values, dtype=float), q))


# ------------------------------------------------------------------ table
# (key, label, better, group-for-failure, fmt, applies-to-direct)
def rows(meta):
    rate = int(meta.get("fixed_rate", "1000"))
    n = meta.get("idle_conns", "1000")
    return [
        ("section", "HTTP/1.1 keep-alive saturation (%s; proxy on 1 core)" % meta.get("sat", "")),
        ("sat_rps", "requests/s (= per proxy core)", "higher", "sat", "int", True),
        ("sat_util", "proxy CPU utilisation during the run, %", "info", "sat", "f0", False),
        ("sat_cpu_us", "proxy CPU per request, µs (utime+stime)", "lower", "sat", "f2", False),
        ("sat_p99", "latency p99 at saturation, ms (wrk)", "lower", "sat", "f3", True),
        ("section", "Fixed rate: %s req/s over %s HTTP/1.1 keep-alive connections for %s s (h2load --rps)"
         % ("{:,}".format(rate), meta.get("fixed_conns", "?"), meta.get("fixed_dur", "?"))),
        ("fixed_rps", "achieved requests/s", "info", "fixed", "int", True),
        ("fixed_cpu_us", "proxy CPU per request, µs", "lower", "fixed", "f2", False),
        ("fixed_p50", "latency p50, ms", "lower", "fixed", "f3", True),
        ("fixed_p90", "latency p90, ms", "lower", "fixed", "f3", True),
        ("fixed_p99", "latency p99, ms", "lower", "fixed", "f3", True),
        ("fixed_p99.9", "latency p99.9, ms", "lower", "fixed", "f3", True),
        ("added_p50", "added latency p50 (proxy − direct), ms", "lower", "fixed", "f3", False),
        ("added_p90", "added latency p90, ms", "lower", "fixed", "f3", False),
        ("added_p99", "added latency p99, ms", "lower", "fixed", "f3", False),
        ("added_p99.9", "added latency p99.9, ms", "lower", "fixed", "f3", False),
        ("gc_fixed_n", "javoy GC pauses during the fixed-rate runs (all rounds), count", "info", "gc", "int", False),
        ("gc_fixed_p50", "GC pause median, ms (safepoint total: reaching it + collection)", "lower", "gc", "f3",
         False),
        ("gc_fixed_p99", "GC pause p99, ms", "lower", "gc", "f3", False),
        ("gc_fixed_max", "GC pause max, ms (target: none above 1 ms)", "lower", "gc", "f3", False),
        ("gc_fixed_over1", "GC pauses above 1 ms, count", "lower", "gc", "int", False),
        ("gc_fixed_hit", "fixed-rate requests in flight during a GC pause, %", "lower", "gc", "f2", False),
        ("gc_sat_n", "javoy GC pauses during the HTTP/1.1 saturation runs (info), count", "info", "gc", "int",
         False),
        ("gc_sat_p50", "saturation: GC pause median, ms", "info", "gc", "f3", False),
        ("gc_sat_max", "saturation: GC pause max, ms", "info", "gc", "f3", False),
        ("section", "HTTP/2 h2c saturation (%s)" % meta.get("h2", "")),
        ("h2_rps", "requests/s (= per proxy core)", "higher", "h2", "int", True),
        ("h2_cpu_us", "proxy CPU per request, µs", "lower", "h2", "f2", False),
        ("section", "TCP proxy bulk transfer (%s MiB per transfer, curl through the TCP listener)"
         % meta.get("tcp_mb", "")),
        ("tcp_mbs", "throughput, MB/s (10^6 B/s)", "higher", "tcp", "int", True),
        ("tcp_cpu_gb", "proxy CPU per GB transferred, s", "lower", "tcp", "f3", False),
        ("placeholder", "javoy TCP proxy with splice(2) on vs off, MB/s", "higher",
         "not built: Netty 4.2.18's spliceTo drops the bytes still queued at a FIN (README, known problems)"),
        ("section", "Memory (RSS summed over the proxy's processes%s)" % (
            "; javoy with the Istio-sidecar-sized config `%s` (22 listeners, 51 clusters, 400 routes), "
            "nginx and HAProxy with their benchmark config" % meta["javoy_mem_config"]
            if meta.get("javoy_mem_config", "javoy.yaml") != "javoy.yaml" else "")),
        ("rss_idle", "RSS idle (after start + 1 request), MiB", "lower", "mem", "f1", False),
        ("rss_conns", "RSS with %s idle keep-alive connections, MiB" % n, "lower", "mem_conns", "f1", False),
        ("bytes_per_conn", "bytes per idle connection ((RSS_%s − RSS_idle) / %s)" % (n, n), "lower",
         "mem_conns", "int", False),
        ("anon_bytes_per_conn", "bytes per idle connection, private memory only ((RssAnon_%s − RssAnon_idle) / %s; "
         "without file pages such as code mapped again by the first connections)" % (n, n), "lower", "mem_conns",
         "int", False),
        ("section", "Start-up"),
        ("startup_ms", "exec → first successful request, ms (curl poll every 5 ms%s)"
         % ("; javoy on " + meta["javoy_java_version"] if meta.get("javoy_java_version") else ""), "lower",
         "startup", "int", False),
        ("section", "TLS 1.3, ECDSA P-256, same certificate everywhere (%s s per run; "
         "no session resumption: every new connection is a full handshake)" % meta.get("tls_dur", "?")),
        ("tlshs_rps", "TLS handshakes/s, new connection per request (%s -c%s, Connection: close)"
         % (meta.get("tls_hs_client", "wrk -t1"), meta.get("tls_hs_conns", "?")), "higher", "tlshs", "int", False),
        ("tlshs_per_cpu_s", "TLS handshakes per proxy CPU-second (= per core when the proxy CPU is saturated)",
         "higher", "tlshs", "int", False),
        ("tlshs_util", "proxy CPU utilisation during the handshake run, %", "info", "tlshs", "f0", False),
        ("tlshs_cpu_us", "proxy CPU per handshake (incl. its request), µs", "lower", "tlshs", "f1", False),
        ("tlshs_client_us", "load generator CPU per handshake, µs (its own process)", "info", "tlshs", "f1",
         False),
        ("tlssat_rps", "HTTPS keep-alive saturation, requests/s (-c%s)" % meta.get("tls_sat_conns", "?"),
         "higher", "tlssat", "int", False),
        ("tlssat_cpu_us", "HTTPS keep-alive: proxy CPU per request, µs", "lower", "tlssat", "f2", False),
        ("tls1m_mbs", "TLS 1 MiB download throughput, MB/s (-c4, keep-alive)", "higher", "tls1m", "int", False),
        ("tls1m_cpu_gb", "TLS 1 MiB downloads: proxy CPU per GB, s", "lower", "tls1m", "f3", False),
    ]


def fmt(v, kind):
    if v is None:
        return "—"
    if kind == "int":
        return "{:,}".format(int(round(v)))
    return ("{:,.%sf}" % kind[1:]).format(v)


def build_table(meta, per, bad):
    # added latency = proxy − direct at each percentile (medians of rounds)
    for q in ("50", "90", "99", "99.9"):
        dv = per["fixed_p" + q].get("direct")
        if dv:
            base = statistics.median(dv)
            for p in ("javoy", "nginx", "haproxy"):
                if per["fixed_p" + q].get(p):
                    per["added_p" + q][p] = [statistics.median(per["fixed_p" + q][p]) - base]
    nrounds = int(meta.get("rounds", "1"))
    proxies = [p for p in PROXIES if p in meta.get("proxies", ",".join(PROXIES)).split(",")]
    lines = ["| metric | better | " + " | ".join(proxies) + " | javoy ÷ best of nginx/HAProxy |",
             "|---|---|" + "---:|" * len(proxies) + "---:|"]
    for row in rows(meta):
        if row[0] == "section":
            lines.append("| **%s** | | " % row[1] + " | " * len(proxies) + " |")
            continue
        if row[0] == "placeholder":
            _, label, better, text = row
            if text == "not yet measured":
                cells = [text] * len(proxies)
            else:  # a javoy-only item
                cells = [text if p == "javoy" else "n/a" for p in proxies]
            lines.append("| %s | %s | " % (label, better) + " | ".join(cells) + " | — |")
            continue
        key, label, better, group, kind, direct_ok = row
        cells, vals = [], {}
        for p in proxies:
            if (p == "direct" and not direct_ok) or (group == "gc" and p != "javoy"):
                cells.append("n/a")
                continue
            vs = per[key].get(p)
            if vs:
                v = statistics.median(vs)
                vals[p] = v
                c = fmt(v, kind)
                if key not in ("rss_idle", "rss_conns", "bytes_per_conn", "anon_bytes_per_conn") and not key.startswith(("added", "gc_")) \
                        and len(vs) < nrounds:
                    c += " (%d/%d rounds)" % (len(vs), nrounds)
                cells.append(c)
            else:
                cells.append(bad[group].get(p) or ("failed" if p in bad["startup"] else "—"))
        ratio = "—"
        if better in ("higher", "lower") and "javoy" in vals:
            others = [vals[p] for p in ("nginx", "haproxy") if p in vals]
            if others:
                best = max(others) if better == "higher" else min(others)
                if best > 0 and vals["javoy"] >= 0:
                    ratio = "%.2f×" % (vals["javoy"] / best)
        lines.append("| %s | %s | %s | %s |" % (label, better, " | ".join(cells), ratio))
    return "\n".join(lines)


INTERFERENCE_LIMIT = 10.0  # % of the proxy CPU used by other processes during a run


def interference_lines(meta, per):
    interf = per.get("_interference") or []
    if not interf:
        return [], False
    others = sorted(x[0] for x in interf)
    worst = max(interf, key=lambda x: x[0])
    med_irq = statistics.median(x[1] for x in interf)
    med_steal = statistics.median(x[2] for x in interf)
    bad = worst[0] > INTERFERENCE_LIMIT
    lines = ["- Other work on the proxy CPU (CPU %s: user+system time not spent by the proxy, from "
             "/proc/stat) during the load runs: median %.1f %%, max %.1f %% (%s, %s, round %d)%s."
             % (meta.get("proxy_cpu"), statistics.median(others), worst[0], worst[5], worst[4], worst[3],
                " — **above %.0f %%: other processes competed with the proxy; figures are unreliable**"
                % INTERFERENCE_LIMIT if bad else ""),
             "- On the proxy CPU: irq+softirq median %.1f %% of wall time (loopback network processing, "
             "mostly caused by the proxy's own traffic but not charged to its process), steal median %.1f %%."
             % (med_irq, med_steal)]
    return lines, bad


def per_round_section(meta, per):
    keys = [("sat_rps", "HTTP/1.1 saturation req/s", "int"), ("sat_cpu_us", "HTTP/1.1 CPU µs/req", "f2"),
            ("fixed_p99", "fixed-rate p99 ms", "f3"), ("fixed_cpu_us", "fixed-rate CPU µs/req", "f2"),
            ("gc_fixed_count_r", "fixed-rate GC pauses", "int"), ("gc_fixed_max_r", "fixed-rate GC pause max ms", "f3"),
            ("h2_rps", "h2c req/s", "int"), ("tcp_mbs", "TCP MB/s", "int"),
            ("tlshs_rps", "TLS handshakes/s", "int"), ("tlshs_cpu_us", "TLS CPU µs/handshake", "f1"),
            ("tlshs_per_cpu_s", "TLS handshakes per proxy CPU-s", "int"),
            ("tlssat_rps", "HTTPS req/s", "int"), ("tls1m_mbs", "TLS 1 MiB MB/s", "int"),
            ("startup_ms", "start-up ms", "int")]
    proxies = [p for p in PROXIES if p in meta.get("proxies", ",".join(PROXIES)).split(",")]
    out = ["| metric | " + " | ".join(proxies) + " |", "|---|" + "---:|" * len(proxies)]
    for key, label, kind in keys:
        cells = []
        for p in proxies:
            vs = per[key].get(p)
            cells.append(" / ".join(fmt(v, kind) for v in vs) if vs else "—")
        out.append("| %s | %s |" % (label, " | ".join(cells)))
    interf = per.get("_interference") or []
    if interf:
        rounds = sorted({x[3] for x in interf if x[3] > 0})
        cells = []
        for p in proxies:
            vals = []
            for r in rounds:
                xs = [x[0] for x in interf if x[3] == r and x[4] == p]
                vals.append("%.0f" % max(xs) if xs else "—")
            cells.append(" / ".join(vals) if any(v != "—" for v in vals) else "—")
        out.append("| other work on proxy CPU, %% (max over a round's runs) | %s |" % " | ".join(cells))
    return "\n".join(out)


# ------------------------------------------------------------------ plot
def nines(p):
    return -math.log10(1.0 - p / 100.0)


def plot(path, meta, lat_rounds, busy=False):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    grid = np.linspace(nines(50), nines(99.9), 80)
    pcts = 100.0 * (1.0 - 10.0 ** (-grid))
    colors = {"direct": "#777777", "javoy": "#d62728", "nginx": "#2ca02c", "haproxy": "#1f77b4"}
    fig, ax = plt.subplots(figsize=(9, 5.5), dpi=110)
    drawn = 0
    for p in PROXIES:
        runs = lat_rounds.get(p)
        if not runs:
            continue
        curves = np.array([np.percentile(np.asarray(l, dtype=float), pcts) for l in runs])
        med = np.median(curves, axis=0)
        ax.plot(grid, med, label="%s (p99 %.2f ms)" % (p, float(np.median([np.percentile(l, 99) for l in runs]))),
                color=colors[p], linewidth=2 if p != "direct" else 1.5,
                linestyle="--" if p == "direct" else "-")
        drawn += 1
    ticks = [50, 75, 90, 95, 99, 99.5, 99.9]
    ax.set_xticks([nines(t) for t in ticks])
    ax.set_xticklabels(["p%s" % (("%g" % t)) for t in ticks])
    ax.set_xlim(nines(50), nines(99.9))
    ax.set_yscale("log")
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: "%g" % v))
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("percentile")
    ax.set_ylabel("latency, ms (log scale)")
    ax.grid(True, which="both", alpha=0.3)
    missing = [p for p in PROXIES if p in meta.get("proxies", "").split(",") and not lat_rounds.get(p)]
    title = "Fixed rate %s req/s over %s HTTP/1.1 connections, %s s — latency by percentile" % (
        "{:,}".format(int(meta.get("fixed_rate", "1000"))), meta.get("fixed_conns", "?"), meta.get("fixed_dur", "?"))
    ax.set_title(title + "\nmedian of %s round(s); %s" % (meta.get("rounds", "?"), meta.get("date", "")),
                 fontsize=10)
    if busy:
        ax.text(0.99, 0.02, "machine was busy: figures unreliable", transform=ax.transAxes, ha="right",
                va="bottom", fontsize=9, color="#d62728")
    if missing:
        ax.text(0.01, 0.98, "no data (failed): " + ", ".join(missing), transform=ax.transAxes,
                va="top", fontsize=9, color="#d62728")
    if drawn:
        ax.legend(loc="upper left", bbox_to_anchor=(0.0, 0.93 if missing else 1.0))
    else:
        ax.text(0.5, 0.5, "no latency data", transform=ax.transAxes, ha="center")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


# ------------------------------------------------------------------ main
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--date", required=True)
    a = ap.parse_args()
    meta = load_meta(a.raw)
    meas, notes = load_meas(a.raw)
    per, bad, lat_rounds, why = compute(a.raw, meta, meas)
    quick = meta.get("quick") == "yes"
    base = a.date + ("-quick" if quick else "")
    md_path = os.path.join(a.out, base + ".md")
    png_path = os.path.join(a.out, base + "-latency.png")
    ilines, ibad = interference_lines(meta, per)
    pre = int(meta.get("preflight_busy_pct", "0") or 0)
    plot(png_path, meta, lat_rounds, busy=ibad or pre > 10)

    rel_raw = os.path.relpath(a.raw, a.out)
    L = []
    L.append("# javoy vs nginx vs HAProxy — %s%s" % (a.date, " (quick smoke run)" if quick else ""))
    L.append("")
    if quick:
        L.append("> **Quick smoke run** (`--quick`: 1 round, short durations). Checks that the harness works; "
                 "do not compare these figures with full runs.")
        L.append("")
    L.append("Command: `%s` — run at %s, took %s s. Medians of %s interleaved round(s) "
             "(direct, javoy, nginx, haproxy, direct, …)."
             % (meta.get("command"), re.sub(r"_(\d\d)(\d\d)(\d\d)$", r" \1:\2:\3", meta.get("stamp", "")), meta.get("elapsed_s", "?"),
                meta.get("rounds")))
    L.append("")
    L.append("Proxy under test pinned alone to CPU %s (`taskset`); load generators (wrk, h2load, curl) and the "
             "backend nginx share CPU %s. javoy `--concurrency 1`, nginx `worker_processes 1`, HAProxy "
             "`nbthread 1`. javoy warmed up for %s s of load before the rounds. \"better\" says whether a higher "
             "or lower figure is better; the last column is javoy's figure divided by the better of nginx and "
             "HAProxy (>1× is better for \"higher\" rows, <1× is better for \"lower\" rows)."
             % (meta.get("proxy_cpu"), meta.get("load_cpu"), meta.get("warmup")))
    L.append("")
    if ibad or pre > 10:
        parts = []
        if pre > 10:
            parts.append("Before the run it was %d %% busy (load average %s; top by lifetime CPU: %s)."
                         % (pre, meta.get("preflight_loadavg", "?"), meta.get("preflight_top", "?")))
        if ibad:
            parts.append("Other processes used up to %.0f %% of the proxy CPU during load runs (see notes)."
                         % max(x[0] for x in per["_interference"]))
        L.append("> **Warning: the machine was not quiet.** %s Rerun on an idle machine (`--wait-quiet`) "
                 "before comparing figures." % " ".join(parts))
        L.append("")
    L.append(build_table(meta, per, bad))
    L.append("")
    L.append("![fixed-rate latency by percentile](%s)" % os.path.basename(png_path))
    L.append("")
    all_notes = []
    for p in PROXIES:
        for n_ in notes.get(p, []) + why.get(p, []):
            all_notes.append("- **%s**: %s" % (p, n_))
    L.append("## Failures and notes")
    L.append("")
    L.extend(all_notes or ["- no failures"])
    L.extend(ilines)
    L.append("- Machine before the run: %s %% busy over 2 s, load average %s."
             % (meta.get("preflight_busy_pct", "?"), meta.get("preflight_loadavg", "?")))
    L.append("")
    L.append("## Per-round values")
    L.append("")
    L.append(per_round_section(meta, per))
    L.append("")
    L.append("## Reading the figures")
    L.append("")
    L.append("- CPU figures are utime+stime of the proxy's whole process tree (all threads: for javoy this "
             "includes JIT and GC threads) from `/proc/<pid>/stat`, over the load run, divided by the "
             "successful requests (10 ms tick resolution).")
    L.append("- The load generator and backend share one core. When the proxy's CPU utilisation during "
             "saturation is well below 100 %, that core (not the proxy) was the limit, and requests/s "
             "understates the proxy; CPU per request is then the better measure of proxy cost.")
    L.append("- Latency (fixed rate) is h2load's per-request time (request start to end of response), "
             "from `--log-file`, 2xx only. Added latency = proxy percentile − direct percentile.")
    L.append("- GC pauses (javoy only): from javoy's `-Xlog:gc,safepoint` log (raw `javoy-gc-<pid>.log`, "
             "monotonic-clock timestamps aligned with the load runs). A pause is the whole safepoint its "
             "collection ran in (time to reach it + the collection + leaving it: what the event loop waited), "
             "counted when it ended inside a run's window; all rounds pooled. Requests in flight during a pause: "
             "h2load's per-request log against the pauses' intervals.")
    L.append("- Memory is VmRSS summed over the proxy's processes (nginx: master + worker). PSS idle / with "
             "connections, MiB: %s."
             % ", ".join("%s %s / %s" % (p, fmt(statistics.median(per["pss_idle"][p]), "f1"),
                                         fmt(statistics.median(per["pss_conns"][p]), "f1"))
                         for p in PROXIES if per["pss_idle"].get(p) and per["pss_conns"].get(p)) or "—")
    L.append("- `failed`: the proxy did not start, did not answer, or more than 1 %% of the requests "
             "failed; `unsupported`: javoy served HTTP/1.1 but no h2c request succeeded. Raw outputs: "
             "`%s/` (gitignored)." % rel_raw)
    L.append("")
    L.append("## Machine and software")
    L.append("")
    L.append("| | |")
    L.append("|---|---|")
    for k, label in (("nproc", "nproc"), ("cpu_model", "CPU model"), ("mem", "memory"), ("kernel", "kernel"),
                     ("os", "OS"), ("java", "java -version"),
                     ("javoy_java", "javoy's JDK (bin/javoy's choice)"),
                     ("javoy_launcher", "javoy launcher and its JVM flags"),
                     ("java_opts", "javoy extra JVM options"),
                     ("jvm_ergonomics", "JVM defaults on 1 CPU"),
                     ("javoy_jar", "javoy jar"), ("javoy_jar_mtime", "javoy jar built"),
                     ("javoy_git", "javoy git"), ("nginx", "nginx"), ("haproxy", "HAProxy"), ("wrk", "wrk"),
                     ("h2load", "h2load"), ("curl", "curl")):
        v = meta.get(k, "")
        if k == "javoy_jar" and v:
            v = os.path.relpath(v, meta.get("repo", "/"))
        L.append("| %s | %s |" % (label, ("`%s`" % v) if v else "—"))
    L.append("")
    with open(md_path, "w") as f:
        f.write("\n".join(L))
    print(build_table(meta, per, bad))
    print()
    print("wrote %s and %s" % (md_path, png_path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
