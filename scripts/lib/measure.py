#!/usr/bin/env python3
"""Runs a command and prints its wall time and peak resident memory as JSON.

usage: measure.py COMMAND [ARGS...]
"""
import json
import resource
import subprocess
import sys
import time

start = time.monotonic()
completed = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
seconds = time.monotonic() - start
# ru_maxrss is in KiB on Linux and covers the largest child waited for.
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": round(seconds, 3), "max_rss_mb": round(peak_kib / 1024, 1),
                  "exit_code": completed.returncode}))
sys.exit(completed.returncode)
