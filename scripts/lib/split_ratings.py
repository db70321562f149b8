#!/usr/bin/env python3
"""Splits raw Netflix-format ratings into train.csv and test.csv (the seed's Cust_Id,Rating,Movie_Id
format) with a seeded shuffle, so that reco and Surprise train and test on identical data.

usage: split_ratings.py RAW_DIR OUT_DIR [--test-fraction 0.2] [--seed 0]
"""
import argparse
import glob
import os
import random

parser = argparse.ArgumentParser()
parser.add_argument("raw")
parser.add_argument("out")
parser.add_argument("--test-fraction", type=float, default=0.2)
parser.add_argument("--seed", type=int, default=0)
args = parser.parse_args()

rows = []
for path in sorted(glob.glob(os.path.join(args.raw, "combined_data_*.txt"))):
    movie = None
    with open(path, "rb") as handle:
        for line in handle:
            line = line.strip()
            if line.endswith(b":"):
                movie = line[:-1]
            elif line:
                customer, rating, _ = line.split(b",")
                rows.append(b"%s,%s.0,%s\n" % (customer, rating, movie))

random.Random(args.seed).shuffle(rows)
test_count = int(round(len(rows) * args.test_fraction))
os.makedirs(args.out, exist_ok=True)
for name, part in (("test.csv", rows[:test_count]), ("train.csv", rows[test_count:])):
    with open(os.path.join(args.out, name), "wb") as handle:
        handle.write(b"Cust_Id,Rating,Movie_Id\n")
        handle.writelines(part)
print(f"{len(rows) - test_count} train, {test_count} test ratings in {args.out}")
