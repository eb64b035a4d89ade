"""shap's PermutationExplainer on the SHAP bench's workload, for bench/shap.ts to time live.

Reads what bench/shap-fixture.ts writes (rows.csv, background.csv with header f0..f7, and the
peer model JSON: MLP 8-32-16-1, relu, relu, sigmoid, weights [in][out]), evaluates the MLP in
numpy (float64 by default: the peer's Shapley references agree with shap's Exact explainer to
1e-13, which only float64 reaches; --dtype float32 is there to compare), and explains every row
with shap.PermutationExplainer and an Independent masker over all background rows, at
max_evals 500 and a fixed seed: the configuration shared/design/PEERS.md records.

Prints one JSON line:
  shap_version, rows, columns, background_rows, max_evals, permutations (max_evals // (2M + 1)),
  dtype, seconds_import (import shap), seconds_load (reading the inputs), seconds_compute (the
  explain call alone), seconds_process (from the kernel's start of this process to the end,
  interpreter start-up included; null where /proc is missing), model_rows and model_calls
  (what the model function was handed), local_accuracy_max (max |sum of values + base - f(x)|,
  a sanity check: permutation estimates telescope, so it is round-off only).
With --values-out FILE, also writes the values as little-endian float64, row-major rows x columns.

Usage: python3 bench/shap_permutation.py --rows R.csv --background B.csv --model mlp.json
         [--max-evals 500] [--seed 1] [--dtype float64|float32] [--values-out V.f64]
"""
import time

T_SCRIPT = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402


def process_age_seconds():
    """Seconds since the kernel started this process (clock-tick resolution), or None."""
    try:
        with open('/proc/self/stat') as f:
            fields = f.read().rsplit(')', 1)[1].split()
        start_ticks = int(fields[19])  # field 22 of stat; fields[0] is field 3
        with open('/proc/uptime') as f:
            uptime = float(f.read().split()[0])
        return uptime - start_ticks / os.sysconf('SC_CLK_TCK')
    except (OSError, ValueError, IndexError):
        return None


def read_matrix(path, dtype):
    """A CSV with one header line and numeric columns, as a (rows, columns) array."""
    return np.loadtxt(path, delimiter=',', skiprows=1, dtype=dtype, ndmin=2)


ACTIVATIONS = {
    'relu': lambda z: np.maximum(z, 0),
    'sigmoid': lambda z: 1 / (1 + np.exp(-z)),
    'tanh': np.tanh,
    'linear': lambda z: z,
}


def mlp_from_peer_json(path, dtype):
    """The peer MLP as a function from a (n, 8) array to n probabilities (the last unit's output)."""
    with open(path) as f:
        spec = json.load(f)
    if spec.get('type') != 'mlp' or spec.get('weights_layout') != 'in_out':
        sys.exit(f'{path}: expected a peer MLP with weights_layout "in_out"')
    layers = [(np.asarray(l['weights'], dtype=dtype), np.asarray(l['biases'], dtype=dtype), ACTIVATIONS[l['activation']])
              for l in spec['layers']]

    def predict(X):
        h = np.asarray(X, dtype=dtype)
        for W, b, act in layers:
            h = act(h @ W + b)
        return h[:, 0]

    return predict


class CountingModel:
    """Wraps the model: counts the rows and calls it is handed, and passes its output through."""

    def __init__(self, predict):
        self.predict = predict
        self.rows = 0
        self.calls = 0

    def __call__(self, X):
        self.rows += X.shape[0]
        self.calls += 1
        return self.predict(X)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--rows', required=True)
    ap.add_argument('--background', required=True)
    ap.add_argument('--model', required=True, help='peer MLP JSON (test/fixtures/peer/mlp.json format)')
    ap.add_argument('--max-evals', type=int, default=500)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--dtype', choices=['float64', 'float32'], default='float64')
    ap.add_argument('--values-out')
    args = ap.parse_args()
    dtype = np.dtype(args.dtype)

    t0 = time.perf_counter()
    import shap
    seconds_import = time.perf_counter() - t0

    t0 = time.perf_counter()
    X = read_matrix(args.rows, dtype)
    background = read_matrix(args.background, dtype)
    predict = mlp_from_peer_json(args.model, dtype)
    seconds_load = time.perf_counter() - t0

    model = CountingModel(predict)
    masker = shap.maskers.Independent(background, max_samples=background.shape[0])
    explainer = shap.PermutationExplainer(model, masker, seed=args.seed)
    t0 = time.perf_counter()
    explanation = explainer(X, max_evals=args.max_evals, silent=True)
    seconds_compute = time.perf_counter() - t0

    values = np.asarray(explanation.values, dtype=np.float64)
    base = np.asarray(explanation.base_values, dtype=np.float64)
    local_accuracy = np.abs(values.sum(axis=1) + base - predict(X).astype(np.float64)).max()
    if args.values_out:
        values.astype('<f8').tofile(args.values_out)

    m = X.shape[1]
    print(json.dumps({
        'shap_version': shap.__version__,
        'rows': int(X.shape[0]),
        'columns': int(m),
        'background_rows': int(background.shape[0]),
        'max_evals': args.max_evals,
        'permutations': args.max_evals // (2 * m + 1),
        'seed': args.seed,
        'dtype': args.dtype,
        'seconds_import': seconds_import,
        'seconds_load': seconds_load,
        'seconds_compute': seconds_compute,
        'seconds_script': time.perf_counter() - T_SCRIPT,
        'seconds_process': process_age_seconds(),
        'model_rows': model.rows,
        'model_calls': model.calls,
        'local_accuracy_max': float(local_accuracy),
        'blas_threads_env': {k: os.environ[k] for k in ('OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS') if k in os.environ},
    }))


if __name__ == '__main__':
    main()
