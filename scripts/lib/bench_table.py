#!/usr/bin/env python3
"""Prints benchmark rows as a table: figure, measured, target, ratio (measured / target), met.

Reads JSON lines from stdin: {"figure": str, "value": float, "unit": str, "target": float,
"better": "lower"|"higher", "note": str (optional)}.
"""
import json
import os
import sys

def number(value):
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.4g}"


def machine():
    """The CPU the figures were measured on: machines of one kind differ, so a figure names it."""
    model, cores = "unknown CPU", os.cpu_count()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {cores} cores"


rows = [json.loads(line) for line in sys.stdin if line.strip()]
print(f"measured on: {machine()}")
header = ("figure", "measured", "target", "ratio", "met")
table = [header]
notes = []
for row in rows:
    value, target, unit = row["value"], row["target"], row.get("unit", "")
    better = row.get("better", "lower")
    ratio = value / target if target else float("nan")
    met = value <= target if better == "lower" else value >= target
    sign = "≤" if better == "lower" else "≥"
    table.append((row["figure"], f"{number(value)} {unit}".strip(), f"{sign} {number(target)} {unit}".strip(),
                  f"{ratio:.2f}", "yes" if met else "NO"))
    if row.get("note"):
        notes.append(f"- {row['figure']}: {row['note']}")
widths = [max(len(str(r[i])) for r in table) for i in range(len(header))]
for index, r in enumerate(table):
    print("  ".join(str(c).ljust(widths[i]) if i == 0 else str(c).rjust(widths[i]) for i, c in enumerate(r)))
    if index == 0:
        print("  ".join("-" * w for w in widths))
if notes:
    print()
    print("\n".join(notes))
