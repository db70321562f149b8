"""The project's YAML DAGs (dags/*.yaml) on Apache Airflow 3, with no second copy to keep in step.

At parse time each file is read by `dagrun validate FILE --json` (one parser: a DAG that dagrun
refuses fails Airflow's import with dagrun's own message), and each task becomes one
BashOperator calling `dagrun task FILE TASK --run-id {{ run_id }} --attempt {{ ti.try_number }}`:
dagrun starts the task's services, waits for their probes, runs its command with the YAML's env
and cwd, and stops the services in order, as `dagrun run` does; Airflow keeps the edges,
retries, retry delays, time-outs, trigger rules, the skip code and the schedule.

The workers need (environment): RECO_HOME, the project's folder (default: this file's parent's
parent); RECO_DAGRUN, the dagrun executable (default: $RECO_HOME/.build/release/dagrun);
RECO_DAG_RUNS_DIR, where dagrun keeps run states and logs (default: $RECO_HOME/runs, where
`dagrun status --runs-dir …` finds them); and what the YAML reads (KAFKA_CONFIG, DATABASE_URL,
RECO_BIN, …).
"""
import glob
import json
import os
import subprocess
from datetime import timedelta

import pendulum
from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG

ROOT = os.environ.get("RECO_HOME") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DAGRUN = os.environ.get("RECO_DAGRUN") or os.path.join(ROOT, ".build", "release", "dagrun")
RUNS_DIR = os.environ.get("RECO_DAG_RUNS_DIR") or os.path.join(ROOT, "runs")

# Every field `dagrun validate --json` gives, and what becomes of it here. A field this loader
# does not know has no Airflow equivalent yet: the import fails naming it, rather than running
# a DAG that means something else.
DAG_FIELDS = {"dag_id", "description", "file", "schedule", "tasks"}
TASK_FIELDS = {"id", "upstream", "trigger_rule", "retries", "retry_delay_seconds", "retry_exponential_backoff",
               "max_retry_delay_seconds", "execution_timeout_seconds", "skip_on_exit_code", "services"}
TRIGGER_RULES = {"all_success", "all_done", "all_failed", "one_success", "one_failed", "none_failed", "always"}


class DagFileError(ValueError):
    """A YAML DAG that dagrun refuses, or that Airflow cannot express."""


def describe(path):
    """The DAG as dagrun parses it, or DagFileError with dagrun's message."""
    relative = os.path.relpath(path, ROOT)
    result = subprocess.run([DAGRUN, "validate", relative, "--json"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    try:
        parsed = json.loads(result.stdout)
    except ValueError:
        raise DagFileError(f"{relative}: dagrun validate gave no JSON (exit {result.returncode}): {result.stderr.strip()}")
    if result.returncode != 0 or "error" in parsed:
        raise DagFileError(parsed.get("error") or f"{relative}: dagrun validate exited {result.returncode}")
    return relative, parsed


def refuse_unknown(fields, known, where):
    unknown = sorted(set(fields) - known)
    if unknown:
        raise DagFileError(f"{where}: {', '.join(unknown)} has no Airflow equivalent in airflow/reco_dags.py")


def build(relative, spec):
    refuse_unknown(spec, DAG_FIELDS, relative)
    dag = DAG(dag_id=spec["dag_id"], description=spec.get("description") or None, schedule=spec.get("schedule"),
              start_date=pendulum.datetime(2026, 1, 1, tz="UTC"), catchup=False, max_active_runs=1,
              tags=["reco", "dagrun"], doc_md=f"Built from `{relative}` by `airflow/reco_dags.py`; each task runs `dagrun task`.")
    operators = {}
    for task in spec["tasks"]:
        refuse_unknown(task, TASK_FIELDS, f"{relative}: task {task.get('id')}")
        if task["trigger_rule"] not in TRIGGER_RULES:
            raise DagFileError(f"{relative}: task {task['id']}: trigger_rule {task['trigger_rule']} has no Airflow equivalent")
        timeout = task.get("execution_timeout_seconds")
        operators[task["id"]] = BashOperator(
            task_id=task["id"],
            dag=dag,
            # Quoted for bash: the run id Airflow renders ("manual__2026-…+00:00") is one argument.
            bash_command=(f"exec '{DAGRUN}' task '{relative}' '{task['id']}' --runs-dir '{RUNS_DIR}' "
                          "--run-id '{{ run_id }}' --attempt '{{ ti.try_number }}'"),
            cwd=ROOT,
            append_env=True,
            retries=task["retries"],
            retry_delay=timedelta(seconds=task["retry_delay_seconds"]),
            retry_exponential_backoff=task["retry_exponential_backoff"],
            max_retry_delay=timedelta(seconds=task["max_retry_delay_seconds"]),
            execution_timeout=timedelta(seconds=timeout) if timeout is not None else None,
            trigger_rule=task["trigger_rule"],
            skip_on_exit_code=task["skip_on_exit_code"],
            doc_md=("Services: " + ", ".join(task["services"])) if task["services"] else None,
        )
    for task in spec["tasks"]:
        for upstream in task["upstream"]:
            operators[upstream] >> operators[task["id"]]
    return dag


for _path in sorted(glob.glob(os.path.join(ROOT, "dags", "*.yaml"))):
    _relative, _spec = describe(_path)
    globals()[_spec["dag_id"]] = build(_relative, _spec)
