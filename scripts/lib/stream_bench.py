#!/usr/bin/env python3
"""End-to-end stream benchmark: embedded broker, reco-api, consumer, PostgreSQL and the producer,
all on this machine. Prints one JSON object.

reco-api runs with --follow (unless --no-follow): it reads the topic too and folds every event in,
so every customer's history grows with their watches; the consumer's batch requests carry their
events, so each stored list is computed after its event is folded in.

Phase 1: the producer offers --rate events/s (default 22,000, above the 20,000 target, so the
figure is what the pipeline sustains, not the producer's pace) for --seconds; sustained
throughput is the number of events written to PostgreSQL (one row each in recommendation_lists,
with its top 10) per second from the first to the last write. CPU per event of every process is
reported too.
Phase 2: 1,000 events/s for 30 s; event-to-row latency is the time from an event's creation
(watched_at) to its row's insert.

usage: stream_bench.py BIN_DIR DATA_DIR MODEL WORK_DIR [--seconds 60]
"""
import argparse
import json
import os
import shutil
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
parser.add_argument("--no-follow", action="store_true", help="reco-api serves the model file alone (no fold-in of the topic)")
parser.add_argument("--rate", type=int, default=22_000, help="offered events/s in phase 1 (above the 20,000 target, so the figure is the pipeline's, not the producer's pace)")
args = parser.parse_args()
# A fresh database every run: rows left by an earlier run share (topic, partition, offset) keys
# with this run's fresh broker and would be skipped as replays.
shutil.rmtree(args.work, ignore_errors=True)
os.makedirs(args.work)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


EXTRA = json.loads(os.environ.get("BENCH_PRODUCER_ENV", "{}"))
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
pg_env = dict(os.environ, RECO_PG_DIR=os.path.join(os.path.abspath(args.work), "postgres"), RECO_PG_PORT=str(free_port()))
database = subprocess.run([os.path.join(root, "scripts/lib/postgres.sh"), "start"], env=pg_env, check=True,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL).stdout.strip()
processes = []


def start(*command, log):
    process = subprocess.Popen(list(command), stdout=open(os.path.join(args.work, log), "w"), stderr=subprocess.STDOUT)
    processes.append(process)
    return process


def cpu_seconds():
    """CPU seconds used so far by each of our processes and by all PostgreSQL processes together."""
    ticks = os.sysconf("SC_CLK_TCK")

    def used(pid):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / ticks
        except (OSError, IndexError, ValueError):
            return 0.0

    def is_postgres(pid):
        try:
            with open(f"/proc/{pid}/comm") as comm:
                return comm.read().strip() == "postgres"
        except OSError:  # gone meanwhile
            return False

    usage = {os.path.basename(process.args[0]): used(process.pid) for process in processes}
    usage["postgres"] = sum(used(pid) for pid in os.listdir("/proc") if pid.isdigit() and is_postgres(pid))
    return usage


def psql(sql):
    return subprocess.run(["psql", database, "-qtAX", "-c", sql], check=True, capture_output=True, text=True).stdout.strip()


try:
    broker_port = free_port()
    config = os.path.join(args.work, "kafka.properties")
    if os.path.exists(config):
        os.remove(config)
    # 8 partitions: librdkafka's mock keeps at most 5 MiB (about 26,000 events) per partition and
    # drops older ones, so a consumer that falls far behind would lose events to the broker.
    # Events that never reached PostgreSQL are counted below and reported as "missing".
    start(f"{args.bin}/reco", "broker", "--port", str(broker_port), "--partitions", "8", "--write-config", config, "--log-level", "warning", log="broker.log")
    for _ in range(100):
        if os.path.exists(config):
            break
        time.sleep(0.1)
    api_port = free_port()
    # The replica follows the topic (fold-in of every event, issue 16), as in production.
    follow = [] if args.no_follow else ["--follow", "--config", config]
    start(f"{args.bin}/reco-api", "--model", args.model, "--movies", os.path.join(args.data, "movies.csv"), "--port", str(api_port),
          *follow, "--log-level", "warning", log="api.log")
    start(f"{args.bin}/consumer", "--api", f"http://127.0.0.1:{api_port}", "--config", config, "--database-url", database,
          "--batch-size", "1000", "--stats-interval", "5", "--log-level", "info", log="consumer.log")
    time.sleep(5)  # group join

    # Each phase its own simulator seed: a seed's events (their ids too) are the same on every run,
    # and the audit counts one event id stored twice as a duplicate.
    def produce(rate, count, log, seed):
        process = subprocess.Popen([f"{args.bin}/producer", "--source", "simulate", "--data", args.data, "--rate", str(rate),
                                    "--count", str(count), "--seed", str(seed), "--config", config, "--log-level", "warning"],
                                   stdout=open(os.path.join(args.work, log), "w"), stderr=subprocess.STDOUT, env=dict(os.environ, **EXTRA))
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise SystemExit(f"producer failed with status {process.returncode}; see {log}")
        return usage.ru_utime + usage.ru_stime

    def wait_for(events, timeout):
        # Polls the progress rows (one per partition; every event here is valid, so the offsets
        # stored equal the events stored): a count(*) over the growing table twice a second
        # would add its own CPU to PostgreSQL's figure.
        deadline = time.time() + timeout
        while time.time() < deadline:
            if int(psql("SELECT coalesce(sum(next_offset), 0) FROM recommendations_progress") or 0) >= events:
                break
            time.sleep(0.5)
        return int(psql("SELECT count(*) FROM recommendation_lists") or 0)

    total = args.rate * args.seconds
    cpu_before = cpu_seconds()
    producer_cpu = produce(args.rate, total, "producer-throughput.log", 1)
    done = wait_for(total, 120)
    cpu_after = cpu_seconds()
    cpu_after["producer"] = producer_cpu
    cpu_per_event = {name: round((cpu_after[name] - cpu_before.get(name, 0)) / max(done, 1) * 1e6, 1) for name in cpu_after}
    span = float(psql("SELECT extract(epoch FROM max(inserted_at) - min(inserted_at)) FROM recommendation_lists") or 1)
    rows = int(psql("SELECT count(*) FROM recommendations") or 0)  # the view: one row per recommended movie

    boundary = psql("SELECT now()")
    produce(1_000, 30_000, "producer-latency.log", 2)
    wait_for(total + 30_000, 60)
    latency = psql(f"""
        SELECT percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY ms) FROM (
            SELECT extract(epoch FROM inserted_at - watched_at) * 1000 AS ms
            FROM recommendation_lists WHERE watched_at >= '{boundary}'::timestamptz) AS per_event""")
    p50, p99 = [float(value) for value in latency.strip("{}").split(",")]
    # Every offset of the topic accounted for, while the broker (in memory) still holds the log.
    audited = subprocess.run([f"{args.bin}/reco", "audit", "--config", config, "--database-url", database, "--json", "--log-level", "error"],
                             capture_output=True, text=True)
    partitions = json.loads(audited.stdout) if audited.stdout.strip().startswith("[") else []
    audit = {key: sum(partition[key] for partition in partitions) for key in ["stored", "deadLettered", "inGaps", "missing", "pending", "duplicates"]}
    audit["offsets"] = sum(partition["logEnd"] - partition["auditedFrom"] for partition in partitions)
    audit["exit"] = audited.returncode
    consumer_exit = processes[2].poll() if len(processes) > 2 else None
    print(json.dumps({"events": done, "missing": max(0, total - done), "rows": rows, "span_seconds": span,
                      "events_per_second": done / span if span > 0 else 0, "latency_p50_ms": p50, "latency_p99_ms": p99,
                      "cpu_microseconds_per_event": cpu_per_event, "audit": audit, "consumer_exit": consumer_exit}))
finally:
    # Reverse order, each one gone before the next, so the consumer commits while the broker is up.
    for process in reversed(processes):
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
    subprocess.run([os.path.join(root, "scripts/lib/postgres.sh"), "stop"], env=pg_env, stdin=subprocess.DEVNULL)
