#!/usr/bin/env python3
"""Fits implicit's ALS on a prepared ratings.bin (the same interactions reco fits) and prints JSON.

usage: implicit_als.py RATINGS_BIN --factors 64 --iterations 15 --threads 2
Weights follow reco's default feedback weighting: 0 at 2 stars, 1 from 4 stars (3 stars 0.5);
zero-weight ratings are left out, as reco leaves them out of the ranker's matrix.
"""
import argparse
import json
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # implicit warns otherwise; its own threads do the work
import numpy as np
import scipy.sparse as sp


def load(path):
    header = np.fromfile(path, dtype=np.uint8, count=64)
    assert bytes(header[:8]) == b"RECORATE", "not a prepared ratings file"
    ratings, customers, movies = np.frombuffer(header[16:40].tobytes(), dtype="<u8")
    offset = 64

    def column(count, dtype):
        nonlocal offset
        values = np.fromfile(path, dtype=dtype, count=int(count), offset=offset)
        offset += (int(count) * np.dtype(dtype).itemsize + 7) // 8 * 8
        return values

    column(customers, "<u4")
    column(movies, "<u4")
    customer_index = column(ratings, "<u4")
    movie_index = column(ratings, "<u4")
    half_stars = column(ratings, "u1")
    return int(customers), int(movies), customer_index, movie_index, half_stars


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("ratings")
    parser.add_argument("--factors", type=int, default=64)
    parser.add_argument("--iterations", type=int, default=15)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--regularization", type=float, default=0.01)
    parser.add_argument("--alpha", type=float, default=2.0)
    args = parser.parse_args()
    import implicit
    from implicit.cpu.als import AlternatingLeastSquares

    customers, movies, rows, columns, half_stars = load(args.ratings)
    weights = np.clip((half_stars.astype(np.float32) * 0.5 - 2.0) / 2.0, 0.0, 1.0)
    keep = weights > 0
    matrix = sp.csr_matrix((weights[keep], (rows[keep], columns[keep])), shape=(customers, movies), dtype=np.float32)
    model = AlternatingLeastSquares(factors=args.factors, iterations=args.iterations, regularization=args.regularization,
                                    alpha=args.alpha, use_cg=True, num_threads=args.threads, calculate_training_loss=False,
                                    random_state=0)
    started = time.monotonic()
    model.fit(matrix, show_progress=False)
    fit = time.monotonic() - started
    print(json.dumps({"fit_seconds": fit, "interactions": int(matrix.nnz), "implicit": implicit.__version__,
                      "factors": args.factors, "iterations": args.iterations}))


main()
