#!/usr/bin/env python3
"""fairlearn's ExponentiatedGradient on the matrices bench/reductions.ts writes, timed here.

Usage: python3 bench/fairlearn_reductions.py DIR   (bench/reductions.ts calls it when
/usr/bin/python3 has fairlearn and scikit-learn: pip install fairlearn scikit-learn)
DIR holds Xtr.f32 / Xte.f32 (row-major float32, n x d: the bank split, one-hot + standardised as
the workbench encodes it), ytr.u8 / yte.u8 (0/1 labels), gtr.i32 / gte.i32 (age group 0..3) and
meta.json ({"d": d, "bound": b}).

For DemographicParity(difference_bound=b) and EqualizedOdds(difference_bound=b), each with
ExponentiatedGradient(LogisticRegression(), constraints, eps=0.01, max_iter=50, eta0=2.0) (the
defaults), prints one JSON line per constraint: fit seconds, oracle calls, predictors, and on the
held-out rows the accuracy of the randomised predict (random_state 0), the ROC AUC of
_pmf_predict (the mixture's selection probability), the selection rate per group, the demographic
parity difference and the equalized odds difference (max - min over the groups).
"""
import json
import os
import sys
import time

import numpy as np
import fairlearn
from fairlearn.metrics import demographic_parity_difference, equalized_odds_difference
from fairlearn.reductions import DemographicParity, EqualizedOdds, ExponentiatedGradient
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score


def load(folder, name, dtype, d=None):
    a = np.fromfile(os.path.join(folder, name), dtype=dtype)
    return a.reshape(-1, d).astype(np.float64) if d else a.astype(np.int64)


def main():
    folder = sys.argv[1]
    with open(os.path.join(folder, 'meta.json')) as f:
        meta = json.load(f)
    d, bound = meta['d'], meta['bound']
    Xtr, Xte = load(folder, 'Xtr.f32', np.float32, d), load(folder, 'Xte.f32', np.float32, d)
    ytr, yte = load(folder, 'ytr.u8', np.uint8), load(folder, 'yte.u8', np.uint8)
    gtr, gte = load(folder, 'gtr.i32', np.int32), load(folder, 'gte.i32', np.int32)
    for name, moment in (('demographic-parity', DemographicParity), ('equalized-odds', EqualizedOdds)):
        eg = ExponentiatedGradient(LogisticRegression(), constraints=moment(difference_bound=bound), eps=0.01, max_iter=50, eta0=2.0)
        t = time.perf_counter()
        eg.fit(Xtr, ytr, sensitive_features=gtr)
        seconds = time.perf_counter() - t
        pred = eg.predict(Xte, random_state=0)
        pmf = eg._pmf_predict(Xte)[:, 1]
        rates = [float(pred[gte == g].mean()) for g in sorted(set(gte.tolist()))]
        print(json.dumps({
            'fairlearn': fairlearn.__version__,
            'constraint': name,
            'bound': bound,
            'seconds': seconds,
            'oracleCalls': int(eg.n_oracle_calls_),
            'predictors': int(len(eg.predictors_)),
            'accuracy': float((pred == yte).mean()),
            'rocAucOfPmf': float(roc_auc_score(yte, pmf)),
            'selectionRate': rates,
            'demographicParityDifference': float(demographic_parity_difference(yte, pred, sensitive_features=gte)),
            'equalizedOddsDifference': float(equalized_odds_difference(yte, pred, sensitive_features=gte)),
        }))


if __name__ == '__main__':
    main()
