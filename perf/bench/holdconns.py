#!/usr/bin/env python3
"""Open N HTTP/1.1 keep-alive connections to a proxy, send one request on each,
read each response completely, then hold all connections open (idle) until
a release file appears or a timeout passes. Used by perf/bench/run.sh to measure
the proxy's memory per idle keep-alive connection.

  holdconns.py --port P --count 1000 --ready FILE --release FILE [--hold-timeout 60]

Writes "ok=<n> failed=<m>" to the ready file when all connections are set up.
Standard library only; bounded in time everywhere.
"""
import argparse
import os
import resource
import socket
import sys
import time


def read_response(s, deadline):
    buf = b""
    while b"\r\n\r\n" not in buf:
        if time.monotonic() > deadline:
            raise TimeoutError("headers")
        chunk = s.recv(65536)
        if not chunk:
            raise ConnectionError("closed before headers")
        buf += chunk
    head, _, body = buf.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        headers[k.strip().lower()] = v.strip().lower()
    if b"content-length" in headers:
        need = int(headers[b"content-length"])
        while len(body) < need:
            if time.monotonic() > deadline:
                raise TimeoutError("body")
            chunk = s.recv(65536)
            if not chunk:
                raise ConnectionError("closed in body")
            body += chunk
    elif headers.get(b"transfer-encoding") == b"chunked":
        while not body.endswith(b"0\r\n\r\n"):
            if time.monotonic() > deadline:
                raise TimeoutError("chunked body")
            chunk = s.recv(65536)
            if not chunk:
                raise ConnectionError("closed in chunked body")
            body += chunk
    if headers.get(b"connection") == b"close":
        raise ConnectionError("server asked to close")
    return status


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--ready", required=True)
    ap.add_argument("--release", required=True)
    ap.add_argument("--setup-timeout", type=float, default=60.0)
    ap.add_argument("--hold-timeout", type=float, default=60.0)
    a = ap.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = a.count + 64
    if soft < want:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
        except (ValueError, OSError):
            pass

    req = ("GET / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUser-Agent: javoy-bench-holdconns\r\n"
           "Connection: keep-alive\r\n\r\n" % a.port).encode()
    socks, ok, failed = [], 0, 0
    setup_deadline = time.monotonic() + a.setup_timeout
    for _ in range(a.count):
        if time.monotonic() > setup_deadline:
            failed += 1
            continue
        s = None
        try:
            s = socket.create_connection((a.host, a.port), timeout=5)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            s.sendall(req)
            status = read_response(s, min(setup_deadline, time.monotonic() + 5))
            if status == 200:
                ok += 1
                socks.append(s)
            else:
                failed += 1
                s.close()
        except Exception:  # noqa: BLE001 - count and go on
            failed += 1
            if s is not None:
                s.close()

    with open(a.ready + ".tmp", "w") as f:
        f.write("ok=%d failed=%d\n" % (ok, failed))
    os.replace(a.ready + ".tmp", a.ready)

    hold_deadline = time.monotonic() + a.hold_timeout
    while not os.path.exists(a.release) and time.monotonic() < hold_deadline:
        time.sleep(0.05)
    for s in socks:
        s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
