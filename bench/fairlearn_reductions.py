#!/usr/bin/env python3
"""fairlearn's ExponentiatedGradient on the matrices bench/reductions.ts writes, timed here.

Usage: python3 bench/fairlearn_reductions.py DIR   (bench/reductions.ts calls it when
/usr/bin/python3 can import fairlearn and scikit-learn: pip install fairlearn scikit-learn, or,
without pip, fairlearn's source on PYTHONPATH; see bench/reductions.ts's header)
DIR holds Xtr.f32 / Xte.f32 (row-major float32, n x d: the bank split, one-hot + standardised as
the workbench encodes it), ytr.u8 / yte.u8 (0/1 labels), gtr.i32 / gte.i32 (age group 0..3) and
meta.json ({"d": d, "bound": b}).

For DemographicParity(difference_bound=b) and EqualizedOdds(difference_bound=b), each with
ExponentiatedGradient(LogisticRegression(), constraints, eps=0.01, max_iter=50, eta0=2.0) (the
defaults), prints one JSON line per constraint: fit seconds (wall and process cpu), oracle calls,
predictors, and on the held-out rows, for two ways of deciding:
- 'randomised': predict(random_state=0), each row's decision drawn from the mixture;
- 'pmf05': _pmf_predict (the mixture's selection probability) >= 0.5, deterministic;
the accuracy, the selection rate per group, the demographic parity difference and the
equalized odds difference (max - min over the groups, fairlearn.metrics), and the gap in the
constraint's own form, measured against the overall rate as fairlearn bounds it:
max over groups g (and, for equalized odds, over labels y) of |rate(g, y) - rate(y)|, where
rate(y) is over every row with label y (demographic parity: every row). 'overallGapTrain' is
that gap on the training rows, of the expected decisions (the pmf) for 'randomised' and of the
0/1 decisions for 'pmf05'. Also the ROC AUC of the pmf.
Writes the decisions for bench/reductions.ts to score with its own code: pred-<constraint>.u8
(the randomised predict on the held-out rows) and pmf-<constraint>-{tr,te}.f64 (the pmf).
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


def overall_gap(decide, y, g, equalized_odds):
    """max over groups (and labels, for equalized odds) of |rate(g, y) - rate(y)|"""
    events = (y == 0, y == 1) if equalized_odds else (np.ones_like(y, dtype=bool),)
    gap = 0.0
    for ev in events:
        overall = decide[ev].mean()
        for k in np.unique(g):
            cell = ev & (g == k)
            if cell.any():
                gap = max(gap, abs(float(decide[cell].mean()) - float(overall)))
    return gap


def figures(decide, y, g, decide_train, ytr, gtr, equalized_odds):
    """held-out figures of 0/1 decisions, and the training gap of decide_train"""
    return {
        'accuracy': float((decide == y).mean()),
        'selectionRate': [float(decide[g == k].mean()) for k in np.unique(g)],
        'demographicParityDifference': float(demographic_parity_difference(y, decide, sensitive_features=g)),
        'equalizedOddsDifference': float(equalized_odds_difference(y, decide, sensitive_features=g)),
        'overallGap': overall_gap(decide, y, g, equalized_odds),
        'overallGapTrain': overall_gap(decide_train, ytr, gtr, equalized_odds),
    }


def main():
    folder = sys.argv[1]
    with open(os.path.join(folder, 'meta.json')) as f:
        meta = json.load(f)
    d, bound = meta['d'], meta['bound']
    Xtr, Xte = load(folder, 'Xtr.f32', np.float32, d), load(folder, 'Xte.f32', np.float32, d)
    ytr, yte = load(folder, 'ytr.u8', np.uint8), load(folder, 'yte.u8', np.uint8)
    gtr, gte = load(folder, 'gtr.i32', np.int32), load(folder, 'gte.i32', np.int32)
    for name, moment in (('demographic-parity', DemographicParity), ('equalized-odds', EqualizedOdds)):
        eo = moment is EqualizedOdds
        eg = ExponentiatedGradient(LogisticRegression(), constraints=moment(difference_bound=bound), eps=0.01, max_iter=50, eta0=2.0)
        t, c = time.perf_counter(), time.process_time()
        eg.fit(Xtr, ytr, sensitive_features=gtr)
        seconds, cpu = time.perf_counter() - t, time.process_time() - c
        pred = np.asarray(eg.predict(Xte, random_state=0)).astype(np.int64)
        pmf_tr = eg._pmf_predict(Xtr)[:, 1]
        pmf = eg._pmf_predict(Xte)[:, 1]
        vote, vote_tr = (pmf >= 0.5).astype(np.int64), (pmf_tr >= 0.5).astype(np.int64)
        pred.astype(np.uint8).tofile(os.path.join(folder, f'pred-{name}.u8'))
        pmf_tr.astype(np.float64).tofile(os.path.join(folder, f'pmf-{name}-tr.f64'))
        pmf.astype(np.float64).tofile(os.path.join(folder, f'pmf-{name}-te.f64'))
        print(json.dumps({
            'fairlearn': fairlearn.__version__,
            'constraint': name,
            'bound': bound,
            'seconds': seconds,
            'cpuSeconds': cpu,
            'oracleCalls': int(eg.n_oracle_calls_),
            'predictors': int(len(eg.predictors_)),
            'rocAucOfPmf': float(roc_auc_score(yte, pmf)),
            'randomised': figures(pred, yte, gte, pmf_tr, ytr, gtr, eo),
            'pmf05': figures(vote, yte, gte, vote_tr, ytr, gtr, eo),
        }))


if __name__ == '__main__':
    main()
