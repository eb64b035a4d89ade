#!/usr/bin/env python3
"""Reference fits for the logistic solver (src/core/fit/logistic.ts), by scikit-learn.

Run with a Python that has scikit-learn (Debian: `apt-get install python3-sklearn`, then
`/usr/bin/python3 scripts/logistic_reference.py`). Writes test/fixtures/logistic/bank-2000.json,
which test/node/fit-logistic.test.ts compares our fits against.

Data: every 22nd data row of public/demo/bank/bank-full.csv from the first, 2,000 rows,
encoded by the demo model's manifest (public/demo/bank/model.manifest.json) exactly as the
workbench encodes: a numeric feature becomes (v - mean) / std rounded to float32 (0 when
missing), a categorical one becomes one 0/1 column per listed category (all 0 for a value not
listed). Target: y == 'yes'.

Fits: LogisticRegression(penalty='l2', fit_intercept=True) at C = 1, at C = 0.01, and at C = 1
with sample weights (w_i = 0.5 + 0.5 * (i % 4), and 0 for every 10th row). The reference is
solver='newton-cg' with tol=1e-8: the same objective as the default lbfgs, converged far
below the 1e-4 the test allows. The default lbfgs fit (tol 1e-4, max_iter 100) is recorded
beside it, with its iteration count and its largest distance from the converged fit, because
on one-hot data it can stop (at max_iter or on its relative-decrease test) before the
coefficients settle.
"""
import csv
import json
import os
import warnings

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STEP, ROWS = 22, 2000


def load_rows():
    with open(os.path.join(ROOT, 'public/demo/bank/bank-full.csv'), newline='') as f:
        reader = csv.reader(f, delimiter=';')
        header = next(reader)
        data = [r for r in reader]
    picked = [data[i] for i in range(0, len(data), STEP)][:ROWS]
    return header, picked


def encode(header, rows, manifest):
    cols = {name: i for i, name in enumerate(header)}
    width = sum(1 if f['kind'] == 'numeric' else len(f['categories']) for f in manifest['features'])
    X = np.zeros((len(rows), width), dtype=np.float32)
    at = 0
    for f in manifest['features']:
        j = cols[f['column']]
        if f['kind'] == 'numeric':
            for i, r in enumerate(rows):
                v = r[j].strip()
                X[i, at] = np.float32((float(v) - f['mean']) / f['std']) if v != '' else 0.0
            at += 1
        else:
            slot = {c: k for k, c in enumerate(f['categories'])}
            for i, r in enumerate(rows):
                k = slot.get(r[j])
                if k is not None:
                    X[i, at + k] = 1.0
            at += len(f['categories'])
    target = manifest['target']
    y = np.array([1.0 if r[cols[target['column']]] == target['positive'] else 0.0 for r in rows])
    return X.astype(np.float64), y


def fit(X, y, C, sample_weight, **kw):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        m = LogisticRegression(C=C, penalty='l2', fit_intercept=True, **kw).fit(X, y, sample_weight=sample_weight)
    return m, [str(w.message).split('\n')[0] for w in caught]


def grad_max(m, X, y, C, sample_weight):
    """max |gradient| of the summed objective at the fit: how converged the reference is."""
    sw = np.ones(len(y)) if sample_weight is None else sample_weight
    r = sw * (m.predict_proba(X)[:, 1] - y)
    g = np.append(X.T @ r + m.coef_[0] / C, r.sum())
    return float(np.max(np.abs(g)))


def main():
    with open(os.path.join(ROOT, 'public/demo/bank/model.manifest.json')) as f:
        manifest = json.load(f)
    header, rows = load_rows()
    X, y = encode(header, rows, manifest)
    weights = np.array([0.0 if i % 10 == 0 else 0.5 + 0.5 * (i % 4) for i in range(len(rows))])
    cases = [('C=1', 1.0, None), ('C=0.01', 0.01, None), ('C=1, weighted', 1.0, weights)]
    fits = []
    for name, C, sw in cases:
        ref, _ = fit(X, y, C, sw, solver='newton-cg', tol=1e-8, max_iter=1000)
        default, warned = fit(X, y, C, sw)
        p = ref.predict_proba(X)[:, 1]
        fits.append({
            'name': name,
            'C': C,
            'weighted': sw is not None,
            'coef': ref.coef_[0].tolist(),
            'intercept': float(ref.intercept_[0]),
            'nIter': int(ref.n_iter_[0]),
            'gradMax': grad_max(ref, X, y, C, sw),
            # P(yes) of every 10th fixture row (0, 10, 20, ...)
            'probabilities': p[::10].tolist(),
            'lbfgsDefault': {
                'nIter': int(default.n_iter_[0]),
                'gradMax': grad_max(default, X, y, C, sw),
                'warnings': warned,
                'maxAbsCoefDifference': float(np.max(np.abs(np.append(default.coef_[0] - ref.coef_[0], default.intercept_[0] - ref.intercept_[0])))),
            },
        })
    out = {
        'about': 'scikit-learn LogisticRegression reference fits; written by scripts/logistic_reference.py',
        'sklearn': sklearn.__version__,
        'numpy': np.__version__,
        'data': {
            'csv': 'public/demo/bank/bank-full.csv',
            'manifest': 'public/demo/bank/model.manifest.json',
            'rows': f'every {STEP}nd data row from the first, {ROWS} rows',
            'step': STEP,
            'count': ROWS,
            'width': int(X.shape[1]),
            'positives': int(y.sum()),
            'weights': 'w_i = 0.5 + 0.5 * (i % 4), and 0 when i % 10 == 0 (i: fixture row)',
        },
        'fits': fits,
    }
    path = os.path.join(ROOT, 'test/fixtures/logistic/bank-2000.json')
    with open(path, 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')
    for fi in fits:
        print(f"{fi['name']}: newton-cg {fi['nIter']} iterations, max |gradient| {fi['gradMax']:.1e}; default lbfgs {fi['lbfgsDefault']['nIter']} iterations, "
              f"max |gradient| {fi['lbfgsDefault']['gradMax']:.1e}, max |coef difference| {fi['lbfgsDefault']['maxAbsCoefDifference']:.2e} {fi['lbfgsDefault']['warnings']}")
    print(f'wrote {os.path.relpath(path, ROOT)}')


if __name__ == '__main__':
    main()
