#!/usr/bin/env python3
"""Start-up and idle-memory figures for docs/PERFORMANCE.md.

Starts `hallpass serve` in a scratch directory, polls /readyz every millisecond
until it answers 200, and reads the resident memory once the server is idle.
A "first" start creates the database, the master key and three signing keys
(one RSA-2048); a "warm" start opens what is there.

usage: scripts/measure_start.py [path/to/hallpass] [runs]
"""
import socket, statistics, subprocess, sys, tempfile, time, urllib.request

BIN = sys.argv[1] if len(sys.argv) > 1 else "target/release/hallpass"
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 5


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ready(url):
    try:
        with urllib.request.urlopen(url, timeout=1) as r:
            return r.status == 200
    except Exception:
        return False


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def start(workdir):
    port = free_port()
    began = time.perf_counter()
    proc = subprocess.Popen([BIN, "serve", "--listen", f"127.0.0.1:{port}"], cwd=workdir,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/readyz"
    while not ready(url):
        if proc.poll() is not None:
            sys.exit(f"hallpass exited with {proc.returncode}")
        time.sleep(0.001)
    return proc, (time.perf_counter() - began) * 1000


def stop(proc):
    proc.terminate()
    proc.wait(timeout=30)


first, warm, rss = [], [], []
for _ in range(RUNS):
    with tempfile.TemporaryDirectory() as d:
        proc, ms = start(d)
        first.append(ms)
        stop(proc)
        proc, ms = start(d)
        warm.append(ms)
        time.sleep(2)
        rss.append(rss_kib(proc.pid) / 1024)
        stop(proc)

fmt = lambda xs: f"median {statistics.median(xs):.0f} (min {min(xs):.0f}, max {max(xs):.0f})"
print(f"runs: {RUNS}, binary: {BIN}")
print(f"first start to /readyz 200, ms: {fmt(first)}")
print(f"warm start to /readyz 200, ms:  {fmt(warm)}")
print(f"idle resident memory, MiB:      {fmt(rss)}")
