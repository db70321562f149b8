#!/usr/bin/env bash
# Apache Airflow 3 in a venv of its own under .run/, for running the project's DAGs on Airflow
# (airflow/reco_dags.py) and for the tests that do.
#   scripts/lib/airflow.sh install   pip-install the pinned Airflow into .run/airflow-venv if missing
#   scripts/lib/airflow.sh path      install if needed; prints the airflow executable
# Pinned: the version the tests ran with (3.3.2 installs from PyPI in about a minute here).
set -euo pipefail
cd "$(dirname "$0")/../.."

venv="${RECO_AIRFLOW_VENV:-$(pwd)/.run/airflow-venv}"
version="3.3.2"
standard="1.21.0"

install() {
  if [ -x "$venv/bin/airflow" ] && "$venv/bin/python" -c "import airflow, sys; sys.exit(airflow.__version__ != '$version')" 2>/dev/null; then
    return 0
  fi
  echo "airflow.sh: installing apache-airflow $version into $venv (about a minute)" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "apache-airflow==$version" "apache-airflow-providers-standard==$standard" >&2
}

case "${1:-}" in
  install) install ;;
  path) install; echo "$venv/bin/airflow" ;;
  *) echo "usage: scripts/lib/airflow.sh install|path" >&2; exit 2 ;;
esac
