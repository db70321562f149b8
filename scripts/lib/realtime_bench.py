#!/usr/bin/env python3
"""Real-time benchmark (issue 16): how soon a watch event changes that customer's list on every
reco-api replica, with Kafka as the log. All processes on this machine. Prints one JSON object.

Phase 1: the embedded broker, two `reco-api --follow` replicas, and the producer offering --rate
events/s (default 5,000) for --seconds. Meanwhile, sampled events are produced one at a time,
keyed by customer like the producer's, with confluent-kafka (linger 0; from the venv
scripts/bench installs): a customer the model has never seen watches the first movie of their
cold-start list; the time from handing the event to Kafka to the first
GET /v1/customers/{id}/recommendations that no longer lists the movie is measured on each
replica (polled every 2 ms, alternately).
Phase 2: events are added until the log holds --rebuild-events (default 1,000,000), then a third
replica starts: the time until /health/ready (caught up with the log) is its rebuild time.

usage: realtime_bench.py BIN_DIR DATA_DIR MODEL WORK_DIR [--seconds 40] [--rate 5000]
"""
import argparse
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from datetime import datetime, timezone

from confluent_kafka import Producer

parser = argparse.ArgumentParser()
parser.add_argument("bin")
parser.add_argument("data")
parser.add_argument("model")
parser.add_argument("work")
parser.add_argument("--seconds", type=int, default=40)
parser.add_argument("--rate", type=int, default=5_000)
parser.add_argument("--rebuild-events", type=int, default=1_000_000)
args = parser.parse_args()
shutil.rmtree(args.work, ignore_errors=True)
os.makedirs(args.work)
processes = []


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(*command, log, stdin=None):
    process = subprocess.Popen(list(command), stdout=open(os.path.join(args.work, log), "w"), stderr=subprocess.STDOUT, stdin=stdin)
    processes.append(process)
    return process


def get(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
        return json.loads(response.read())


def ready(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/ready", timeout=5) as response:
            return response.status == 200
    except Exception:
        return False


def replica(port, name):
    return start(f"{args.bin}/reco-api", "--model", args.model, "--movies", os.path.join(args.data, "movies.csv"), "--port", str(port),
                 "--follow", "--config", config, "--ready-lag", "1000", "--log-level", "warning", log=f"{name}.log")


def wait_ready(port, timeout):
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if ready(port):
            return time.monotonic() - started
        time.sleep(0.05)
    raise SystemExit(f"replica on port {port} was not ready within {timeout} s")


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


try:
    broker_port = free_port()
    config = os.path.join(args.work, "kafka.properties")
    # 48 partitions: the mock broker keeps about 5 MiB (26,000 events) per partition, and phase 2
    # needs the whole log of --rebuild-events.
    start(f"{args.bin}/reco", "broker", "--port", str(broker_port), "--partitions", "48", "--write-config", config, "--log-level", "warning", log="broker.log")
    for _ in range(100):
        if os.path.exists(config):
            break
        time.sleep(0.1)
    ports = [free_port(), free_port()]
    for index, port in enumerate(ports):
        replica(port, f"replica-{index}")
    for port in ports:
        wait_ready(port, 60)

    total = args.rate * args.seconds
    load = start(f"{args.bin}/producer", "--source", "simulate", "--data", args.data, "--rate", str(args.rate), "--count", str(total),
                 "--config", config, "--log-level", "warning", log="producer.log")
    sampler = Producer({"bootstrap.servers": f"127.0.0.1:{broker_port}", "linger.ms": 0, "enable.idempotence": True})
    time.sleep(2)
    latencies = [[], []]
    missed = 0
    random.seed(7)
    sample = 0
    phase_end = time.monotonic() + args.seconds - 4
    while time.monotonic() < phase_end:
        customer = 4_000_000_000 + sample
        sample += 1
        movie = get(ports[0], f"/v1/customers/{customer}/recommendations?limit=10")["items"][0]["movie_id"]
        watched_at = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        event = {"schema": "watch_event/v1", "event_id": str(uuid.uuid4()), "customer_id": customer, "movie_id": movie,
                 "title": None, "year": None, "watched_at": watched_at, "source": "realtime-bench"}
        sent = time.monotonic()
        sampler.produce("watch_events", key=str(customer), value=json.dumps(event))
        sampler.poll(0)
        seen = [None, None]
        while None in seen and time.monotonic() - sent < 5:
            sampler.poll(0)
            for index, port in enumerate(ports):
                if seen[index] is None:
                    items = get(port, f"/v1/customers/{customer}/recommendations?limit=10")["items"]
                    if movie not in [item["movie_id"] for item in items]:
                        seen[index] = time.monotonic() - sent
            time.sleep(0.002)
        for index in range(2):
            if seen[index] is None:
                missed += 1
                latencies[index].append(5.0)
            else:
                latencies[index].append(seen[index])
        time.sleep(random.uniform(0.05, 0.15))
    sampler.flush(10)
    load.wait(timeout=120)
    if load.returncode != 0:
        raise SystemExit("the load producer failed; see producer.log")

    # Phase 2: a log of --rebuild-events, then a new replica reads it all.
    extra = max(0, args.rebuild_events - total - sample)
    if extra:
        fill = subprocess.run([f"{args.bin}/producer", "--source", "simulate", "--data", args.data, "--rate", "0", "--count", str(extra),
                               "--seed", "2", "--config", config, "--log-level", "warning"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        if fill.returncode != 0:
            raise SystemExit("the fill producer failed")
    rebuild_port = free_port()
    replica(rebuild_port, "replica-rebuild")
    rebuild_seconds = wait_ready(rebuild_port, 600)
    status = get(rebuild_port, "/health/ready")
    # Every message the rebuilt replica read, under what became of it.
    account = {key: int(status.get(key, "0")) for key in ("read", "folded_messages", "skipped_learned", "skipped_not_an_event",
                                                          "skipped_before_cutoff", "repeat_watches", "replayed", "lost_events")}
    account_text = (f"{account['read']:,} read: {account['folded_messages']:,} folded, {account['repeat_watches']:,} repeat watches (no change), "
                    f"{account['skipped_learned'] + account['skipped_before_cutoff']:,} learned by the model, "
                    f"{account['skipped_not_an_event']:,} not events, {account['replayed']:,} replayed, {account['lost_events']:,} lost in gaps")
    per_replica = [{"p50_ms": percentile(values, 0.5) * 1000, "p99_ms": percentile(values, 0.99) * 1000, "max_ms": max(values) * 1000}
                   for values in latencies]
    print(json.dumps({"samples": sample, "missed": missed, "replicas": per_replica,
                      "p99_ms": max(r["p99_ms"] for r in per_replica), "p50_ms": max(r["p50_ms"] for r in per_replica),
                      "offered_rate": args.rate, "log_events": total + sample + extra, "rebuild_seconds": rebuild_seconds,
                      "rebuild_folded": int(status.get("folded", "0")),
                      "rebuild_account": account, "rebuild_account_text": account_text}))
finally:
    for process in reversed(processes):
        if process.poll() is None:
            if process.stdin:
                process.stdin.close()
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
