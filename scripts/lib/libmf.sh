#!/usr/bin/env bash
# Builds LIBMF for side-by-side benches: the libmf 0.9.2 sdist from PyPI, compiled with AVX and
# OpenMP (the wheel's own build has neither), into .run/libmf; a venv with numpy beside it.
# Prints the environment to run scripts/lib/libmf_train.py with: PYTHON=…, PYTHONPATH=…, LIBMF_OBJ=….
set -euo pipefail
cd "$(dirname "$0")/../.."
root=.run/libmf
if [ ! -f "$root/libmf.so" ] || [ ! -x "$root/venv/bin/python" ]; then
  echo "libmf: building LIBMF 0.9.2 (AVX, OpenMP) into $root ..." >&2
  rm -rf "$root"
  mkdir -p "$root"
  python3 -m venv "$root/venv"
  "$root/venv/bin/pip" install -q numpy
  "$root/venv/bin/pip" download -q --no-binary :all: --no-deps "libmf==0.9.2" -d "$root"
  tar xzf "$root/libmf-0.9.2.tar.gz" -C "$root"
  (cd "$root/libmf-0.9.2/src_cpp" && g++ -O3 -DUSEAVX -mavx -DUSEOMP -fopenmp -shared -fPIC libmf_interface.cpp mf.cpp -o ../../libmf.so)
fi
echo "PYTHON=$root/venv/bin/python PYTHONPATH=$root/libmf-0.9.2 LIBMF_OBJ=$PWD/$root/libmf.so"
