#!/usr/bin/env python3
"""Trains LIBMF (through the libmf 0.9.2 bindings, LIBMF_OBJ = an AVX + OpenMP build) on
train.csv and measures it on test.csv (the seed's Cust_Id,Rating,Movie_Id format, as
split_ratings.py writes them); prints JSON with fit seconds and RMSE.

usage: libmf_train.py SPLIT_DIR [--factors 100] [--epochs 20] [--threads 2]
"""
import argparse
import contextlib
import warnings
import io
import json
import os
import time

import numpy as np

parser = argparse.ArgumentParser()
parser.add_argument("split")
parser.add_argument("--factors", type=int, default=100)
parser.add_argument("--epochs", type=int, default=20)
parser.add_argument("--threads", type=int, default=2)
args = parser.parse_args()

# The bindings print where they found the library and trip Python's literal-comparison warning.
warnings.filterwarnings("ignore", category=SyntaxWarning)
with contextlib.redirect_stdout(io.StringIO()):
    from libmf import mf


def load(name):
    data = np.loadtxt(os.path.join(args.split, name), delimiter=",", skiprows=1, dtype=np.float64)
    return data[:, 0].astype(np.int64), data[:, 2].astype(np.int64), data[:, 1].astype(np.float32)


train_customers, train_movies, train_stars = load("train.csv")
test_customers, test_movies, test_stars = load("test.csv")
customer_ids, train_u = np.unique(train_customers, return_inverse=True)
movie_ids, train_v = np.unique(train_movies, return_inverse=True)
# Every test customer and movie also has training ratings in these splits; others would be cold.
test_u = np.searchsorted(customer_ids, test_customers)
test_v = np.searchsorted(movie_ids, test_movies)
known = (test_u < len(customer_ids)) & (test_v < len(movie_ids))
known &= customer_ids[np.minimum(test_u, len(customer_ids) - 1)] == test_customers
known &= movie_ids[np.minimum(test_v, len(movie_ids) - 1)] == test_movies

triples = np.column_stack([train_u, train_v, train_stars]).astype(np.float32)
engine = mf.MF(k=args.factors, nr_iters=args.epochs, nr_threads=args.threads, lambda_p1=0.0, lambda_q1=0.0,
               lambda_p2=0.05, lambda_q2=0.05, eta=0.1, quiet=True)
start = time.monotonic()
engine.fit(triples)
fit_seconds = time.monotonic() - start
# The bindings' predict reads X column-major (all rows first, then all columns).
predicted = engine.predict(np.asfortranarray(np.column_stack([test_u[known], test_v[known]]).astype(np.float32)))
predicted = np.clip(predicted, 1, 5)
rmse = float(np.sqrt(np.mean((predicted - test_stars[known]) ** 2)))
print(json.dumps({"fit_seconds": fit_seconds, "rmse": rmse, "train": int(len(train_stars)), "test": int(known.sum())}))
