#!/usr/bin/env python3
"""Reads a `reco tune --metric ndcg --json` or `reco evaluate --ranking --json` report and prints
one field: the chosen ranker's (or a named model's) metric.

usage: rank_rows.py REPORT chosen|MODEL METRIC     (METRIC: ndcg, precision, recall, map, hit_rate, coverage, concentration, fit_seconds, name)
"""
import json
import sys

report = json.load(open(sys.argv[1]))
which, metric = sys.argv[2], sys.argv[3]
test = report.get("test", report)
rows = test["rows"]
if which == "chosen":
    kind = report["best"]["parameters"]["kind"]
    title = {"ease": "EASE", "ials": "iALS"}[kind]
    row = next(r for r in rows if r["model"] == title)
else:
    row = next(r for r in rows if r["model"] == which)
if metric == "name":
    print(row["detail"])
elif metric == "fit_seconds":
    print(row["fit_seconds"])
else:
    print(row["metrics"][metric])
