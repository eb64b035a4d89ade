import { useEffect, useMemo, useRef, useState } from 'react';
import type { WorkbenchSession } from '../../client/session';
import { asWorkbenchError, isAbortError } from '../../client/bridge';
import type { Problem } from '../../core/errors';
import type { DatasetRoles } from '../../core/roles';
import type { ShapleyResult, PermutationImportanceResult, ImportanceScore } from '../../core/explain';
import type { DatasetSummary, ModelSummary } from '../../../workers/workbench.worker';
import { PlotlyChart } from './PlotlyChart';
import * as charts from '../../charts';

type Views = ExplanationViews;
interface ExplanationViews {
  features: string[];
  meanAbs: Float64Array;
  byGroup: { code: number; level: string; count: number; meanAbs: Float64Array; mean: Float64Array }[];
  gap: null | { gap: number; perPlayer: Float64Array; residual: number; levelA: string; levelB: string; countA: number; countB: number };
  groupCodes: Int32Array;
  groupLevels: string[];
  featureValues: (number | null)[][];
  rawValues: (number | string | null)[][];
}

function problemOf(e: unknown): Problem {
  const w = asWorkbenchError(e);
  return { code: 'code' in w ? w.code : 'internal', message: w.message, hint: 'hint' in w ? w.hint : undefined };
}

function formatCount(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(0)} k` : String(n);
}

/**
 * Explain: SHAP values per lead and overall, the columns behind the gap between groups, proxies
 * and permutation importance. Runs on the worker pool; the page only renders and dispatches.
 */
export function ExplainPanel(props: {
  session: WorkbenchSession;
  dataset: DatasetSummary;
  model: ModelSummary;
  roles: DatasetRoles;
  attribute: string | null;
  focusRow: number | null;
}) {
  const { session, dataset, model, roles } = props;
  const [nRows, setNRows] = useState(1000);
  const [bgKind, setBgKind] = useState<'sample' | 'kmeans' | 'stratified'>('sample');
  const [bgSize, setBgSize] = useState(50);
  const [permutations, setPermutations] = useState(10);
  const [output, setOutput] = useState<'probability' | 'logit'>('probability');
  const [seed, setSeed] = useState(1);
  const [cost, setCost] = useState<{ method: string; plannedEvaluations: number } | null>(null);
  const [progress, setProgress] = useState<{ done: number; total: number; started: number } | null>(null);
  const [result, setResult] = useState<(ShapleyResult & { workers: number; ms: number; rows: Uint32Array }) | null>(null);
  const [views, setViews] = useState<Views | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [lead, setLead] = useState(0);
  const [dependence, setDependence] = useState(0);
  const [proxies, setProxies] = useState<Awaited<ReturnType<typeof loadProxies>> | null>(null);
  const [importance, setImportance] = useState<PermutationImportanceResult | null>(null);
  const [importanceScore, setImportanceScore] = useState<ImportanceScore>('demographic-parity');
  const [importanceBusy, setImportanceBusy] = useState(false);
  const abort = useRef<AbortController | null>(null);
  const lastProgress = useRef(0);
  const [leadResult, setLeadResult] = useState<(ShapleyResult & { rows: Uint32Array; labels?: string[] }) | null>(null);
  const attr = roles.protected.find((p) => p.column === props.attribute) ?? roles.protected[0];

  const rows = useMemo(() => {
    // an even spread over the dataset (deterministic), always including a lead picked elsewhere
    const n = Math.min(nRows, dataset.nRows);
    const step = dataset.nRows / n;
    const out = Uint32Array.from({ length: n }, (_, i) => Math.floor(i * step));
    if (props.focusRow !== null && !out.includes(props.focusRow)) out[n - 1] = props.focusRow;
    return out;
  }, [nRows, dataset.nRows, props.focusRow]);

  useEffect(() => {
    let live = true;
    session.audit
      .call(undefined, (api) => api.explainCost(model.id, rows.length, bgSize, 'auto', permutations))
      .then((c) => live && setCost(c))
      .catch(() => live && setCost(null));
    return () => {
      live = false;
    };
  }, [session, model.id, rows.length, bgSize, permutations]);

  async function loadProxies() {
    if (!attr) return null;
    return session.onJobs(undefined, (api) => api.proxies(dataset.id, roles, attr, model.manifest.features.map((f) => f.column)));
  }

  useEffect(() => {
    let live = true;
    setProxies(null);
    loadProxies()
      .then((p) => live && setProxies(p))
      .catch((e) => live && setProblem(problemOf(e)));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [dataset.id, model.id, attr?.column, JSON.stringify(attr?.cuts)]);

  async function run() {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setProblem(null);
    setProgress({ done: 0, total: 1, started: performance.now() });
    try {
      const r = await session.explain(
        dataset.id,
        model.id,
        rows,
        { background: { kind: bgKind, size: bgSize, seed, stratifyBy: attr }, method: 'auto', permutations, output, seed },
        (done, total) => {
          // at most ~8 renders a second: progress must not compete with the work for the CPU
          const now = performance.now();
          if (now - lastProgress.current < 120 && done < total) return;
          lastProgress.current = now;
          setProgress((p) => (p ? { ...p, done, total } : p));
        },
        controller.signal,
      );
      setResult({ ...r, rows });
      const focus = props.focusRow === null ? 0 : Math.max(0, rows.indexOf(props.focusRow));
      setLead(focus);
      if (attr) {
        const v = await session.audit.call(undefined, (api) =>
          api.explanationViews(dataset.id, model.id, attr, rows, { values: r.values, predictions: r.predictions, nRows: r.nRows, nPlayers: r.nPlayers }),
        );
        setViews(v as ExplanationViews);
      }
    } catch (e) {
      if (!isAbortError(e)) setProblem(problemOf(e));
      else setProblem({ code: 'aborted', message: 'Explanation cancelled. Nothing else was lost.' });
    } finally {
      setProgress(null);
    }
  }

  // A lead picked in the audit's call list: show it from the last run, or explain it alone now.
  useEffect(() => {
    const row = props.focusRow;
    if (row === null) return;
    if (result) {
      const i = result.rows.indexOf(row);
      if (i >= 0) {
        setLead(i);
        setLeadResult(null);
        return;
      }
    }
    let live = true;
    session
      .explain(dataset.id, model.id, Uint32Array.of(row), { background: { kind: bgKind, size: bgSize, seed, stratifyBy: attr }, method: 'auto', permutations, output, seed })
      .then((r) => live && setLeadResult({ ...r, rows: Uint32Array.of(row) }))
      .catch((e) => live && setProblem(problemOf(e)));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.focusRow]);

  async function runImportance() {
    setImportanceBusy(true);
    try {
      const r = await session.onJobs(undefined, (api) => api.importance(dataset.id, model.id, roles, attr, importanceScore, 5, seed, model.manifest.threshold ?? 0.5));
      setImportance(r);
    } catch (e) {
      setProblem(problemOf(e));
    } finally {
      setImportanceBusy(false);
    }
  }

  const features = model.manifest.features.map((f) => f.column);
  const specs = useMemo(() => {
    if (!result) return null;
    const fv = views?.featureValues ?? features.map(() => Array.from(result.rows, () => null));
    return { bar: charts.shapBarSpec(result), swarm: charts.beeswarmSpec(result, fv) };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [result, views]);
  const waterfall = useMemo(
    () => (result ? charts.waterfallSpec(result, lead, views ? features.map((f, j) => `${f} = ${views.rawValues[j][lead] ?? 'missing'}`) : undefined) : null),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [result, views, lead],
  );
  const leadWaterfall = useMemo(() => (leadResult ? charts.waterfallSpec(leadResult, 0) : null), [leadResult]);
  const gapSpec = useMemo(() => (views?.gap ? charts.groupDifferenceSpec(views.gap, features, views.gap.levelA, views.gap.levelB) : null),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [views]);
  const dependenceSpec = useMemo(
    () => (result && views ? charts.dependenceSpec(result, dependence, views.rawValues[dependence].map((v) => (v === null ? NaN : v)) as number[] | string[], views.groupCodes, views.groupLevels) : null),
    [result, views, dependence],
  );
  const proxySpec = useMemo(() => (proxies ? charts.proxyRankingSpec(proxies.report) : null), [proxies]);
  const importanceChart = useMemo(() => (importance ? charts.importanceSpec(importance) : null), [importance]);

  const elapsed = progress ? (performance.now() - progress.started) / 1000 : 0;
  const left = progress && progress.done > 0 ? (elapsed * (progress.total - progress.done)) / progress.done : null;

  return (
    <>
      <h2>Explain</h2>
      <p className="hint">
        Why does the model score a lead as it does? SHAP values split each score into one contribution per column, which add up exactly to the
        score. The group view shows which columns drive the gap between groups.
      </p>
      <fieldset className="train" disabled={Boolean(progress)}>
        <label>
          leads{' '}
          <input type="number" min={1} max={dataset.nRows} value={nRows} data-testid="explain-rows" onChange={(e) => setNRows(Math.max(1, Number(e.target.value) | 0))} />
        </label>
        <label>
          background{' '}
          <select value={bgKind} onChange={(e) => setBgKind(e.target.value as typeof bgKind)}>
            <option value="sample">random sample</option>
            <option value="kmeans">k-means centres</option>
            <option value="stratified">stratified by {attr?.column ?? 'group'}</option>
          </select>{' '}
          <input type="number" min={1} max={1000} value={bgSize} onChange={(e) => setBgSize(Math.max(1, Number(e.target.value) | 0))} /> rows
        </label>
        <label>
          permutations <input type="number" min={1} max={200} value={permutations} onChange={(e) => setPermutations(Math.max(1, Number(e.target.value) | 0))} />
        </label>
        <label>
          output{' '}
          <select value={output} onChange={(e) => setOutput(e.target.value as typeof output)}>
            <option value="probability">probability</option>
            <option value="logit">logit</option>
          </select>
        </label>
        <label>
          seed <input type="number" value={seed} onChange={(e) => setSeed(Number(e.target.value) | 0)} />
        </label>
        <button className="primary" onClick={() => void run()} data-testid="explain-run">
          Explain {rows.length.toLocaleString('en-US')} leads
        </button>
        {cost && (
          <span className="cost" data-testid="explain-cost" title="Model rows evaluated, before skipping rows that do not change">
            {cost.method}: up to {formatCount(cost.plannedEvaluations)} model evaluations on {session.poolSize} workers
          </span>
        )}
      </fieldset>
      {progress && (
        <div className="busy" role="status" data-testid="explain-progress">
          <span>Explaining…</span>
          <progress value={progress.done} max={progress.total} />
          <span>{left !== null ? `about ${Math.ceil(left)} s left` : 'starting'}</span>
          <button onClick={() => abort.current?.abort()} data-testid="explain-cancel">
            Cancel
          </button>
        </div>
      )}
      {problem && (
        <div className={problem.code === 'aborted' ? 'banner info' : 'banner error'} role="alert">
          <strong>{problem.message}</strong>
          {problem.hint && <p>{problem.hint}</p>}
        </div>
      )}
      {leadResult && (
        <div data-testid="lead-waterfall">
          <h3>Why lead {leadResult.rows[0] + 1} scores {leadResult.predictions[0].toFixed(3)}</h3>
          {leadWaterfall && <PlotlyChart spec={leadWaterfall} testId="waterfall-lead" />}
        </div>
      )}
      {result && (
        <div data-testid="explain-result">
          <p className="footnote" data-testid="explain-summary">
            {result.method} SHAP for {result.nRows.toLocaleString('en-US')} leads in {(result.ms / 1000).toFixed(1)} s on {result.workers} workers ·{' '}
            {formatCount(result.evaluations)} model evaluations ({formatCount(result.evaluations / (result.ms / 1000))}/s) · base value{' '}
            {result.baseValue.toFixed(4)} ({result.output})
          </p>
          <div className="grid2">
            {specs && <PlotlyChart spec={specs.bar} testId="shap-bar" />}
            {specs && <PlotlyChart spec={specs.swarm} testId="beeswarm" />}
          </div>
          <h3>One lead</h3>
          <label>
            lead{' '}
            <select value={lead} onChange={(e) => setLead(Number(e.target.value))} data-testid="lead-select">
              {Array.from(result.rows, (r, i) => (
                <option key={r} value={i}>
                  row {r + 1} · score {result.predictions[i].toFixed(3)}
                </option>
              ))}
            </select>
          </label>
          {waterfall && <PlotlyChart spec={waterfall} testId="waterfall" />}
          {views && (
            <>
              <h3>Between groups of {attr?.column}</h3>
              {gapSpec ? (
                <PlotlyChart spec={gapSpec} testId="group-difference" />
              ) : (
                <p className="hint">Fewer than two groups among the explained leads.</p>
              )}
              <label>
                dependence of{' '}
                <select value={dependence} onChange={(e) => setDependence(Number(e.target.value))}>
                  {features.map((f, j) => (
                    <option key={f} value={j}>
                      {f}
                    </option>
                  ))}
                </select>
              </label>
              {dependenceSpec && <PlotlyChart spec={dependenceSpec} testId="dependence" />}
            </>
          )}
        </div>
      )}
      <h3>Proxies for {attr?.column ?? 'the protected attribute'}</h3>
      <p className="hint">How well each column on its own predicts the protected attribute. A strong proxy lets a model treat groups differently without seeing the attribute.</p>
      {proxySpec && <PlotlyChart spec={proxySpec} testId="proxy-ranking" />}
      <h3>Permutation importance</h3>
      <div className="controls">
        <select value={importanceScore} onChange={(e) => setImportanceScore(e.target.value as ImportanceScore)}>
          <option value="accuracy">accuracy</option>
          <option value="auc">ROC AUC</option>
          <option value="logloss">log loss</option>
          <option value="demographic-parity">demographic parity difference</option>
          <option value="equalized-odds">equalized odds difference</option>
        </select>
        <button onClick={() => void runImportance()} disabled={importanceBusy} data-testid="importance-run">
          {importanceBusy ? 'Shuffling columns…' : 'Compute importance (5 repeats)'}
        </button>
      </div>
      {importanceChart && <PlotlyChart spec={importanceChart} testId="importance" />}
    </>
  );
}
