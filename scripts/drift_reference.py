#!/usr/bin/env python3
"""Reference drift numbers for test/node/drift.test.ts.

Computes, on the UCI Bank Marketing rows split by time (rows are in time order, May 2008 ->
Nov 2010: the first 27,000 rows are the reference, the other 18,211 the current data), every
drift measure of src/core/monitor/drift.ts the way Evidently's stattests compute it
(evidently/legacy/calculations/stattests: utils.get_binned_data, psi, jensenshannon,
wasserstein_distance_norm, ks_stattest, chisquare_stattest, and the NaN dropping of
calculations/data_drift.get_one_column_drift), with the same numpy and scipy calls. Only numpy
and scipy are needed (no pandas): pandas' dropna / nunique / value_counts are spelled out.

    python3 scripts/drift_reference.py   # writes test/fixtures/drift/bank-time-split.ref.json

It also writes two-sample KS cases on slices of the same columns (sizes chosen so that scipy's
'auto' mode takes each of its paths: exact with equal and unequal sizes, asymptotic with a
small and a large effective n) and chi-square survival cases.
"""
import csv
import json
import math
import os
import sys

import numpy as np
import scipy
from scipy import stats
from scipy.spatial import distance

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(ROOT, 'public', 'demo', 'bank', 'bank-full.csv')
OUT = os.path.join(ROOT, 'test', 'fixtures', 'drift', 'bank-time-split.ref.json')
SPLIT = 27000
NUMERIC = ['age', 'balance', 'day', 'duration', 'campaign', 'pdays', 'previous']
MISSING = {'', 'NA', '?'}


def read_bank():
    with open(DATA, newline='') as f:
        rows = list(csv.reader(f, delimiter=';'))
    header, body = rows[0], rows[1:]
    cols = {}
    for j, name in enumerate(header):
        raw = [r[j] for r in body]
        if name in NUMERIC:
            vals = [np.nan if v in MISSING else float(v) for v in raw]
            arr = np.array(vals)
            # pandas reads a column of whole numbers without gaps as int64, and numpy's
            # histogram_bin_edges then keeps a Sturges width of at least 1
            if not np.isnan(arr).any() and np.all(arr == np.round(arr)):
                arr = arr.astype(np.int64)
            cols[name] = arr
        else:
            cols[name] = np.array([None if v in MISSING else v for v in raw], dtype=object)
    return header, cols


def dropna(a):
    if a.dtype == object:
        return a[np.array([v is not None for v in a], dtype=bool)]
    if a.dtype.kind == 'i':
        return a
    return a[np.isfinite(a)]


def value_counts(a):
    keys, counts = np.unique(a.astype(str) if a.dtype == object else a, return_counts=True)
    return dict(zip(keys.tolist(), counts.tolist()))


def union_keys(ref, cur):
    # get_unique_not_nan_values_list_from_series: the union of both samples' values
    return sorted(set(np.unique(ref).tolist()) | set(np.unique(cur).tolist()), key=str)


def fill_zeroes(p):
    # get_binned_data(..., feel_zeroes=True): zero shares become min(non-zero)/1e6 when that
    # minimum is <= 0.0001, else 0.0001
    nz = p[p != 0]
    m = min(nz)
    np.place(p, p == 0, m / 10**6 if m <= 0.0001 else 0.0001)


def binned(ref, cur, numeric, fill):
    # get_binned_data
    n_vals = len(np.unique(ref))
    if numeric and n_vals > 20:
        bins = np.histogram_bin_edges(np.concatenate([ref, cur]), bins='sturges')
        rp = np.histogram(ref, bins)[0] / len(ref)
        cp = np.histogram(cur, bins)[0] / len(cur)
        nbins = len(bins) - 1
    else:
        keys = union_keys(ref, cur)
        rc, cc = value_counts(ref), value_counts(cur)
        rp = np.array([rc.get(k, 0) / len(ref) for k in keys])
        cp = np.array([cc.get(k, 0) / len(cur) for k in keys])
        nbins = len(keys)
    if fill:
        fill_zeroes(rp)
        fill_zeroes(cp)
    return rp, cp, nbins


def psi(ref, cur, numeric):
    rp, cp, _ = binned(ref, cur, numeric, True)
    return float(np.sum((rp - cp) * np.log(rp / cp)))


def psi_deciles(ref, cur, n=10):
    # the credit-risk PSI: bins at the reference's n-quantiles (numpy's default linear
    # interpolation), duplicate edges merged, each bin (e[i-1], e[i]], open at both ends;
    # zero shares replaced as Evidently does
    edges = np.unique(np.quantile(ref, np.arange(1, n) / n))
    rp = np.bincount(np.searchsorted(edges, ref, side='left'), minlength=len(edges) + 1) / len(ref)
    cp = np.bincount(np.searchsorted(edges, cur, side='left'), minlength=len(edges) + 1) / len(cur)
    fill_zeroes(rp)
    fill_zeroes(cp)
    return float(np.sum((rp - cp) * np.log(rp / cp)))


def jensen_shannon(ref, cur, numeric):
    rp, cp, _ = binned(ref, cur, numeric, False)
    return float(distance.jensenshannon(rp, cp))


def wasserstein_norm(ref, cur):
    norm = max(float(np.std(ref)), 0.001)
    return float(stats.wasserstein_distance(ref, cur) / norm)


def chi_square_p(ref, cur):
    keys = union_keys(ref, cur)
    rc, cc = value_counts(ref), value_counts(cur)
    k_norm = cur.shape[0] / ref.shape[0]
    f_exp = [rc.get(k, 0) * k_norm for k in keys]
    f_obs = [cc.get(k, 0) for k in keys]
    with np.errstate(divide='ignore', invalid='ignore'):
        return float(stats.chisquare(f_obs, f_exp)[1])


def column_drift(name, ref_all, cur_all, numeric):
    ref, cur = dropna(ref_all), dropna(cur_all)
    out = {
        'column': name,
        'kind': 'numeric' if numeric else 'categorical',
        'reference': {'rows': int(len(ref_all)), 'missing': int(len(ref_all) - len(ref))},
        'current': {'rows': int(len(cur_all)), 'missing': int(len(cur_all) - len(cur))},
        'bins': binned(ref, cur, numeric, False)[2],
        'psi': psi(ref, cur, numeric),
        'jensenShannon': jensen_shannon(ref, cur, numeric),
    }
    if numeric:
        out['wasserstein'] = wasserstein_norm(ref, cur)
        out['ksPValue'] = float(stats.ks_2samp(ref, cur)[1])
        out['psiDeciles'] = psi_deciles(ref, cur)
    else:
        out['chiSquarePValue'] = chi_square_p(ref, cur)
        rc, cc = value_counts(ref), value_counts(cur)
        out['unseen'] = [{'value': k, 'count': int(c)} for k, c in sorted(cc.items()) if k not in rc]
    return out


def ks_cases(cols):
    """KS p-values on slices [a, b) of the bank rows, covering every path of mode='auto'."""
    slices = [
        ('age', (0, 300), (27000, 27300)),        # exact, n1 == n2
        ('age', (0, 300), (30000, 30417)),        # exact, unequal
        ('balance', (1000, 1250), (40000, 40411)),
        ('duration', (0, 2000), (2000, 3511)),    # exact, close distributions
        ('day', (0, 5000), (5000, 9000)),         # exact, many ties
        ('age', (0, 27000), (27000, 27090)),      # asymptotic, en <= 140
        ('duration', (0, 27000), (27000, 27120)),
        ('balance', (0, 12000), (12000, 12130)),  # asymptotic, small en, no drift
        ('age', (0, 27000), (27000, 45211)),      # asymptotic, large en
        ('balance', (0, 15000), (15000, 27000)),  # asymptotic, large en, same period
        ('duration', (0, 11000), (11000, 22000)),
        ('campaign', (0, 11000), (16000, 27000)),
        ('balance', (0, 10500), (10500, 21000)),
        ('age', (0, 10001), (10001, 20001)),
        ('duration', (10500, 22500), (22500, 32700)),  # asymptotic, large en, p ~ 0.17
        ('balance', (22500, 34500), (34500, 44700)),
    ]
    out = []
    for col, (a, b), (c, d) in slices:
        ref, cur = cols[col][a:b], cols[col][c:d]
        r = stats.ks_2samp(ref, cur)
        out.append({'column': col, 'reference': [a, b], 'current': [c, d], 'statistic': float(r.statistic), 'pValue': float(r.pvalue)})
    # grids: reference i / n1 (i < n1), current (j + offset) / n2 * scale (j < n2); small
    # differences reach the regions of scipy's kstwo.sf that real drift never does
    grids = [
        (11000, 10500, 0.5, 1.0), (11000, 10500, 0.5, 1.01), (11000, 10500, 0.5, 1.02),
        (11000, 10500, 0.5, 1.03), (11000, 10500, 0.5, 1.003), (11000, 10500, 0.5, 1.006), (20000, 100, 0.5, 1.0), (20000, 100, 0.3, 1.1),
        (20000, 100, 0.5, 1.15), (20000, 100, 0.5, 1.3), (20000, 130, 0.5, 2.5),
        (5000, 5000, 0.5, 1.01), (5000, 5000, 0.5, 1.05), (9000, 7000, 0.5, 1.02),
        (40, 60, 0.5, 1.2), (10, 12, 0.0, 1.5),
    ]
    for n1, n2, off, scale in grids:
        ref = np.arange(n1) / n1
        cur = (np.arange(n2) + off) / n2 * scale
        r = stats.ks_2samp(ref, cur)
        out.append({'grid': [n1, n2, off, scale], 'statistic': float(r.statistic), 'pValue': float(r.pvalue)})
    return out


def chi2_cases():
    """chi2.sf(x, df) on a grid, for the regularized incomplete gamma."""
    out = []
    for df in [1, 2, 3, 5, 10, 30, 100]:
        for x in [0.001, 0.5, 1, 2.5, 7, 15, 40, 120, 400]:
            out.append({'x': x, 'df': df, 'sf': float(stats.chi2.sf(x, df))})
    return out


def evidently_cases():
    """The values Evidently's own tests assert (tests/stattests/test_stattests.py and
    tests/multitest/metrics/data_drift.py), recomputed here with the same calls."""
    rep = lambda vals, counts: np.repeat(np.array(vals, dtype=float), counts)
    cases = []
    a = rep([1, 2, 3, 4, 5, 6], [16, 18, 16, 14, 12, 12])
    b = rep([1, 2, 3, 4, 5, 6], [16, 16, 16, 16, 16, 8])
    cases.append({'name': 'chi-square, frequencies', 'reference': a.tolist(), 'current': b.tolist(), 'chiSquarePValue': chi_square_p(a, b), 'evidently': 0.67309})
    a2 = rep([1, 2, 3, 4, 5, 6], [32, 36, 32, 28, 24, 24])
    cases.append({'name': 'chi-square, doubled reference', 'reference': a2.tolist(), 'current': b.tolist(), 'chiSquarePValue': chi_square_p(a2, b), 'evidently': 0.67309})
    a3 = np.array([3.0, 2.0, 2.0])
    b3 = np.array([1.0, 2.0, 3.0])
    cases.append({'name': 'psi, few values', 'reference': a3.tolist(), 'current': b3.tolist(), 'psi': psi(a3, b3, True), 'evidently': 2.93})
    a4 = np.array([1.0, 2.0, 3.0])
    b4 = np.array([5.0, 8.0, 3.0])
    cases.append({'name': 'chi-square, unseen values', 'reference': a4.tolist(), 'current': b4.tolist(), 'chiSquarePValue': chi_square_p(a4, b4), 'evidently': 0.0})
    return cases


def main():
    header, cols = read_bank()
    columns = []
    for name in header:
        numeric = name in NUMERIC
        columns.append(column_drift(name, cols[name][:SPLIT], cols[name][SPLIT:], numeric))
    doc = {
        'generatedBy': 'scripts/drift_reference.py',
        'numpy': np.__version__,
        'scipy': scipy.__version__,
        'data': 'public/demo/bank/bank-full.csv',
        'split': SPLIT,
        'rows': int(len(cols[header[0]])),
        'columns': columns,
        'ksCases': ks_cases(cols),
        'chi2Cases': chi2_cases(),
        'evidentlyCases': evidently_cases(),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump(doc, f, indent=1)
        f.write('\n')
    print(f'wrote {OUT}: {len(columns)} columns, {len(doc["ksCases"])} KS cases', file=sys.stderr)


if __name__ == '__main__':
    main()
