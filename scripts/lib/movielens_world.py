#!/usr/bin/env python3
"""Turns MovieLens 100k's u.data and u.item into a learning-loop world, replayed in time order.

The last DAYS periods of PERIOD_DAYS days each become the world's days; every rating before
them is day 0's training data (written as u.data/u.item for `reco prepare`). Each period's
ratings become that day's watches (customer_id, movie_id, watched_at: a rating says the movie
was watched then) and its catalogue the movies rated so far. Movies first rated after day 0
are the "new movies". Writes OUTPUT/u.data, OUTPUT/u.item, OUTPUT/world/day-N/{watches,movies}.csv
and OUTPUT/world/world.json, as `reco synth --days` does, so `reco models simulate` runs on it.

usage: movielens_world.py U_DATA U_ITEM OUTPUT [--days 7] [--period-days 7]
"""
import argparse
import datetime
import json
import os
import re

parser = argparse.ArgumentParser()
parser.add_argument("u_data")
parser.add_argument("u_item")
parser.add_argument("output")
parser.add_argument("--days", type=int, default=7)
parser.add_argument("--period-days", type=float, default=7)
args = parser.parse_args()

ratings = []
with open(args.u_data) as handle:
    for number, line in enumerate(handle, 1):
        parts = line.split("\t")
        if len(parts) != 4:
            raise SystemExit(f"{args.u_data}:{number}: expected 4 tab-separated fields")
        ratings.append((int(parts[3]), int(parts[0]), int(parts[1]), parts[2]))
ratings.sort()
items = {}
with open(args.u_item, encoding="latin-1") as handle:
    for line in handle:
        parts = line.split("|")
        if len(parts) > 2:
            items[int(parts[0])] = line
end = ratings[-1][0] + 1
period = int(args.period_days * 86400)
start = end - args.days * period
os.makedirs(os.path.join(args.output, "world"), exist_ok=True)
day0 = [r for r in ratings if r[0] < start]
with open(os.path.join(args.output, "u.data"), "w") as handle:
    for when, user, item, stars in day0:
        handle.write(f"{user}\t{item}\t{stars}\t{when}\n")
known = {r[2] for r in day0}
with open(os.path.join(args.output, "u.item"), "w", encoding="latin-1") as handle:
    for item in sorted(known):
        handle.write(items[item])


def year(line):
    match = re.search(r"\((\d{4})\)\s*\|", line)
    return match.group(1) if match else ""


def title(line):
    name = line.split("|")[1]
    return re.sub(r"\s*\(\d{4}\)\s*$", "", name)


summary = {"days": args.days, "watches": [], "newMovieShare": [], "movies": 0,
           "source": f"MovieLens 100k u.data, the last {args.days} periods of {args.period_days:g} days replayed as days",
           "day0_ratings": len(day0), "day0_end": datetime.datetime.fromtimestamp(start, datetime.timezone.utc).isoformat()}
catalogue = set(known)
for day in range(1, args.days + 1):
    low, high = start + (day - 1) * period, start + day * period
    today = [r for r in ratings if low <= r[0] < high]
    catalogue |= {r[2] for r in today}
    directory = os.path.join(args.output, "world", f"day-{day}")
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "watches.csv"), "w") as handle:
        handle.write("customer_id,movie_id,watched_at\n")
        for when, user, item, _ in today:
            stamp = datetime.datetime.fromtimestamp(when, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            handle.write(f"{user},{item},{stamp}\n")
    with open(os.path.join(directory, "movies.csv"), "w") as handle:
        handle.write("Movie_Id,Year,Name\n")
        for item in sorted(catalogue):
            name = title(items[item]).replace('"', '""')
            handle.write(f'{item},{year(items[item])},"{name}"\n')
    summary["watches"].append(len(today))
    summary["newMovieShare"].append(sum(1 for r in today if r[2] not in known) / max(len(today), 1))
summary["movies"] = len(catalogue)
with open(os.path.join(args.output, "world", "world.json"), "w") as handle:
    json.dump(summary, handle, indent=2)
print(json.dumps(summary))
