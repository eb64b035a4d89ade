#!/usr/bin/env python3
"""scikit-learn's LogisticRegression on the matrix bench/fit.ts writes, timed here.

Usage: /usr/bin/python3 bench/sklearn_logistic.py DIR
DIR holds X.f32 (row-major float32, n x d), y.f64 (0/1 labels) and meta.json ({"d": d}).
Prints one JSON object: for the default fit (C=1, lbfgs, tol 1e-4, max_iter 100) the best
and median wall seconds of `repeats` fits, its iterations, training accuracy and whether it
warned; the coefficients and intercept of the default fit and of a converged one
(newton-cg, tol 1e-8), so the caller can compare them with its own.
"""
import json
import os
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression


def main():
    folder = sys.argv[1]
    with open(os.path.join(folder, 'meta.json')) as f:
        d = json.load(f)['d']
    X = np.fromfile(os.path.join(folder, 'X.f32'), dtype=np.float32).reshape(-1, d).astype(np.float64)
    y = np.fromfile(os.path.join(folder, 'y.f64'))
    repeats = 5
    times = []
    warned = []
    for _ in range(repeats):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            t = time.perf_counter()
            m = LogisticRegression(C=1.0).fit(X, y)
            times.append(time.perf_counter() - t)
        warned = [str(w.message).split('\n')[0] for w in caught]
    t = time.perf_counter()
    ref = LogisticRegression(C=1.0, solver='newton-cg', tol=1e-8, max_iter=1000).fit(X, y)
    ref_seconds = time.perf_counter() - t
    times.sort()
    print(json.dumps({
        'sklearn': sklearn.__version__,
        'rows': int(X.shape[0]),
        'width': d,
        'seconds': {'best': times[0], 'median': times[len(times) // 2]},
        'nIter': int(m.n_iter_[0]),
        'accuracy': float((m.predict(X) == y).mean()),
        'warnings': warned,
        'coef': m.coef_[0].tolist(),
        'intercept': float(m.intercept_[0]),
        'converged': {'solver': 'newton-cg', 'tol': 1e-8, 'seconds': ref_seconds, 'nIter': int(ref.n_iter_[0]),
                      'coef': ref.coef_[0].tolist(), 'intercept': float(ref.intercept_[0])},
    }))


if __name__ == '__main__':
    main()
