#!/usr/bin/env python3
"""Benchmarks reco-api on loopback: time to ready, latency at concurrency 1, throughput and p99
at concurrency 8 (wrk, two runs), how many lists each pass over the movie factors served, and
peak RSS. Requests ask for customers drawn at random from all the model's customers. Prints one
JSON object.

usage: api_bench.py RECO_API_BINARY MODEL MOVIES [--port 4100] [--seconds 10]
"""
import argparse
import http.client
import json
import os
import re
import signal
import struct
import subprocess
import tempfile
import time

parser = argparse.ArgumentParser()
parser.add_argument("binary")
parser.add_argument("model")
parser.add_argument("movies")
parser.add_argument("--port", type=int, default=4100)
parser.add_argument("--seconds", type=int, default=10)
args = parser.parse_args()

# Customer ids straight from the model file: header section table at byte 56, section 0.
with open(args.model, "rb") as handle:
    header = handle.read(256)
    customers = struct.unpack_from("<Q", header, 16)[0]
    offset, length = struct.unpack_from("<QQ", header, 56)
    handle.seek(offset)
    ids = struct.unpack(f"<{customers}I", handle.read(length))
work = tempfile.mkdtemp(prefix="reco-api-bench-")
with open(os.path.join(work, "ids.txt"), "w") as handle:
    handle.write("\n".join(str(i) for i in ids))
script = os.path.join(work, "random_customer.lua")
with open(script, "w") as handle:
    handle.write(f"""
local ids = {{}}
for line in io.lines("{work}/ids.txt") do ids[#ids + 1] = line end
math.randomseed(42)
request = function()
  return wrk.format("GET", "/suggested_movies?Cust_Id=" .. ids[math.random(#ids)])
end
""")

def ready():
    try:
        connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=1)
        connection.request("GET", "/health/ready")
        status = connection.getresponse().status
        connection.close()
        return status == 200
    except OSError:
        return False

start = time.monotonic()
server = subprocess.Popen([args.binary, "--model", args.model, "--movies", args.movies, "--port", str(args.port),
                           "--log-level", "warning"])
try:
    while not ready():
        if server.poll() is not None:
            raise SystemExit("reco-api exited before it was ready")
        if time.monotonic() - start > 60:
            raise SystemExit("reco-api not ready after 60 s")
        time.sleep(0.005)
    ready_seconds = time.monotonic() - start

    def wrk(connections, threads):
        output = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{args.seconds}s", "--latency", "-s", script,
                                 f"http://127.0.0.1:{args.port}"], capture_output=True, text=True, check=True).stdout
        def latency(label):
            match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
            value, unit = float(match.group(1)), match.group(2)
            return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        return {"p50_ms": latency("50"), "p99_ms": latency("99"), "rps": rate, "non2xx": int(errors.group(1)) if errors else 0}

    def scan_counts():
        connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=5)
        connection.request("GET", "/metrics")
        text = connection.getresponse().read().decode()
        connection.close()
        values = dict(re.findall(r"^reco_serving_scan_(passes|lists)_total ([\d.e+]+)$", text, re.M))
        return float(values.get("passes", 0)), float(values.get("lists", 0))

    single = wrk(1, 1)
    # One wrk thread: on this 2-core machine a second one takes the server's core. Two runs.
    passes_before, lists_before = scan_counts()
    runs = [wrk(8, 1), wrk(8, 1)]
    passes, lists = scan_counts()
    batch = (lists - lists_before) / max(passes - passes_before, 1)
    with open(f"/proc/{server.pid}/status") as handle:
        status = handle.read()
    peak_kib = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))
    print(json.dumps({"ready_seconds": ready_seconds, "c1": single, "c8": runs[0], "c8_second": runs[1], "scan_batch": batch,
                      "rss_mb": peak_kib / 1024,
                      "model_mb": os.path.getsize(args.model) / 1048576, "customers": customers}))
finally:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
