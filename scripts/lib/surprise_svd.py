#!/usr/bin/env python3
"""Trains scikit-surprise's SVD on train.csv and measures it on test.csv (seed CSV format);
prints JSON with fit seconds, RMSE and MAE. Run under the venv that scripts/bench makes.

usage: surprise_svd.py SPLIT_DIR [--factors 100] [--epochs 20] [--seed 0]
"""
import argparse
import json
import os
import time

from surprise import SVD, Dataset, Reader, accuracy

parser = argparse.ArgumentParser()
parser.add_argument("split")
parser.add_argument("--factors", type=int, default=100)
parser.add_argument("--epochs", type=int, default=20)
parser.add_argument("--seed", type=int, default=0)
args = parser.parse_args()

reader = Reader(line_format="user rating item", sep=",", skip_lines=1, rating_scale=(1, 5))
train = Dataset.load_from_file(os.path.join(args.split, "train.csv"), reader).build_full_trainset()
with open(os.path.join(args.split, "test.csv")) as handle:
    next(handle)
    test = [(c, m, float(r)) for c, r, m in (line.rstrip("\n").split(",") for line in handle)]

algorithm = SVD(n_factors=args.factors, n_epochs=args.epochs, random_state=args.seed)
start = time.monotonic()
algorithm.fit(train)
fit_seconds = time.monotonic() - start
predictions = algorithm.test(test)
print(json.dumps({"fit_seconds": fit_seconds,
                  "rmse": accuracy.rmse(predictions, verbose=False),
                  "mae": accuracy.mae(predictions, verbose=False)}))
