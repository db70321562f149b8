#!/usr/bin/env python3
"""End-to-end stream benchmark: embedded broker, reco-api, consumer, PostgreSQL and the producer,
all on this machine. Prints one JSON object.

Phase 1: the producer simulates 10,000 events/s for --seconds; sustained throughput is the number
of events written to PostgreSQL (10 rows each) per second from the first to the last write.
Phase 2: 1,000 events/s for 30 s; event-to-row latency is the time from an event's creation
(watched_at) to its rows' insert.

usage: stream_bench.py BIN_DIR DATA_DIR MODEL WORK_DIR [--seconds 60]
"""
import argparse
import json
import os
import signal
import socket
import subprocess
import time

parser = argparse.ArgumentParser()
parser.add_argument("bin")
parser.add_argument("data")
parser.add_argument("model")
parser.add_argument("work")
parser.add_argument("--seconds", type=int, default=60)
args = parser.parse_args()
os.makedirs(args.work, exist_ok=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
pg_env = dict(os.environ, RECO_PG_DIR=os.path.join(os.path.abspath(args.work), "postgres"), RECO_PG_PORT=str(free_port()))
database = subprocess.run([os.path.join(root, "scripts/lib/postgres.sh"), "start"], env=pg_env, check=True,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL).stdout.strip()
processes = []


def start(*command, log):
    process = subprocess.Popen(list(command), stdout=open(os.path.join(args.work, log), "w"), stderr=subprocess.STDOUT)
    processes.append(process)
    return process


def psql(sql):
    return subprocess.run(["psql", database, "-qtAX", "-c", sql], check=True, capture_output=True, text=True).stdout.strip()


try:
    broker_port = free_port()
    config = os.path.join(args.work, "kafka.properties")
    if os.path.exists(config):
        os.remove(config)
    start(f"{args.bin}/reco", "broker", "--port", str(broker_port), "--partitions", "4", "--write-config", config, "--log-level", "warning", log="broker.log")
    api_port = free_port()
    start(f"{args.bin}/reco-api", "--model", args.model, "--movies", os.path.join(args.data, "movies.csv"), "--port", str(api_port),
          "--log-level", "warning", log="api.log")
    for _ in range(100):
        if os.path.exists(config):
            break
        time.sleep(0.1)
    start(f"{args.bin}/consumer", "--api", f"http://127.0.0.1:{api_port}", "--config", config, "--database-url", database,
          "--batch-size", "1000", "--stats-interval", "5", "--log-level", "info", log="consumer.log")
    time.sleep(5)  # group join

    def produce(rate, count, log):
        subprocess.run([f"{args.bin}/producer", "--source", "simulate", "--data", args.data, "--rate", str(rate), "--count", str(count),
                        "--config", config, "--log-level", "warning"], check=True, stdout=open(os.path.join(args.work, log), "w"),
                       stderr=subprocess.STDOUT)

    def wait_for(events, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            done = int(psql("SELECT count(DISTINCT event_id) FROM recommendations") or 0)
            if done >= events:
                return done
            time.sleep(0.5)
        return int(psql("SELECT count(DISTINCT event_id) FROM recommendations") or 0)

    total = 10_000 * args.seconds
    produce(10_000, total, "producer-throughput.log")
    done = wait_for(total, 120)
    span = float(psql("SELECT extract(epoch FROM max(inserted_at) - min(inserted_at)) FROM recommendations") or 1)
    rows = int(psql("SELECT count(*) FROM recommendations") or 0)

    boundary = psql("SELECT now()")
    produce(1_000, 30_000, "producer-latency.log")
    wait_for(total + 30_000, 60)
    latency = psql(f"""
        SELECT percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY ms) FROM (
            SELECT extract(epoch FROM min(inserted_at) - min(event_time)) * 1000 AS ms
            FROM recommendations WHERE event_time >= '{boundary}'::timestamptz GROUP BY event_id) AS per_event""")
    p50, p99 = [float(value) for value in latency.strip("{}").split(",")]
    print(json.dumps({"events": done, "rows": rows, "span_seconds": span, "events_per_second": done / span if span > 0 else 0,
                      "latency_p50_ms": p50, "latency_p99_ms": p99}))
finally:
    for process in reversed(processes):
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
    subprocess.run([os.path.join(root, "scripts/lib/postgres.sh"), "stop"], env=pg_env, stdin=subprocess.DEVNULL)
