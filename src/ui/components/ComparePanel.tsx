import { useEffect, useMemo, useRef, useState } from 'react';
import type { WorkbenchSession } from '../../client/session';
import { asWorkbenchError } from '../../client/bridge';
import { Comlink } from '../../client/workbench';
import type { DatasetRoles } from '../../core/roles';
import type { Intervention, Scenario, ScenarioResult } from '../../core/mitigate';
import type { DatasetSummary, ModelSummary } from '../../../workers/workbench.worker';
import { PlotlyChart } from './PlotlyChart';
import { downloadFiles } from '../download';
import { paretoSpec, withFrontier } from '../../charts';

type Parity = 'demographicParityDifference' | 'equalOpportunityDifference' | 'equalizedOddsDifference';
const PARITY_LABELS: Record<Parity, string> = {
  demographicParityDifference: 'demographic parity difference',
  equalOpportunityDifference: 'equal opportunity difference',
  equalizedOddsDifference: 'equalized odds difference',
};

interface Entry {
  id: number;
  scenario: Scenario;
  /** bumped on every edit: a result for an older version is dropped */
  version: number;
  status: 'queued' | 'running' | 'done' | 'failed';
  message?: string;
  result?: ScenarioResult & { split: { train: number; test: number; seed: number } };
  /** the version `result` belongs to */
  resultVersion?: number;
  sweep?: string;
}

const STORAGE_KEY = 'bias-workbench.scenarios/1';

/** The six scenarios of the workshop script; `proxy` is the strongest proxy found for the attribute. */
function standardScenarios(ageColumn: string | undefined, proxy: string | undefined): Scenario[] {
  const drop = ageColumn ?? proxy ?? 'age';
  return [
    { name: 'baseline', interventions: [] },
    { name: `no ${drop}`, interventions: [{ kind: 'drop-features', columns: [drop] }] },
    { name: 'reweigh', interventions: [{ kind: 'reweigh' }] },
    { name: 'oversample', interventions: [{ kind: 'resample', method: 'oversample' }] },
    { name: 'EO thresholds', interventions: [{ kind: 'group-thresholds', constraint: 'equal-opportunity' }] },
    { name: 'DP in training', interventions: [{ kind: 'constraint', constraint: 'demographic-parity', bound: 0.02 }] },
  ];
}

function describe(i: Intervention): string {
  switch (i.kind) {
    case 'drop-features':
      return `drop ${i.columns.join(', ')} and retrain`;
    case 'neutralise':
      return `neutralise ${i.columns.join(', ')} (no retraining)`;
    case 'reweigh':
      return 'reweigh (Kamiran & Calders)';
    case 'resample':
      return `${i.method} to equal base rates`;
    case 'group-thresholds':
      return `group thresholds for ${i.constraint}${i.topK ? `, call list of ${i.topK}` : ''}`;
    case 'constraint':
      return `${i.constraint} in training, ${i.bound !== undefined ? `bound ${i.bound}` : `λ = ${i.lambda}`}`;
  }
}

function fmt(v: number | null | undefined, digits = 3): string {
  return v === null || v === undefined ? 'undefined' : v.toFixed(digits);
}

function signed(v: number | null | undefined): string {
  if (v === null || v === undefined) return '';
  return `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(3)}`;
}

/**
 * Mitigate & compare: scenarios (the baseline plus interventions), each run in a worker on the
 * same held-out split as soon as it is added or edited, on a live accuracy-vs-parity chart.
 */
export function ComparePanel(props: { session: WorkbenchSession; dataset: DatasetSummary; model: ModelSummary; roles: DatasetRoles; attribute: string | null }) {
  const { session, dataset, model, roles } = props;
  const trainedHere = model.manifest.training !== undefined;
  const [baseline, setBaseline] = useState<'imported' | 'logistic' | 'mlp'>(trainedHere ? (model.manifest.training?.kind === 'logistic' ? 'logistic' : 'mlp') : 'imported');
  const [epochs, setEpochs] = useState(8);
  const [seed, setSeed] = useState(42);
  const [parity, setParity] = useState<Parity>('demographicParityDifference');
  const [entries, setEntries] = useState<Entry[]>(() => {
    try {
      const saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? '[]') as Scenario[];
      return saved.map((scenario, i) => ({ id: i + 1, scenario, version: 1, status: 'queued' }));
    } catch {
      return [];
    }
  });
  const nextId = useRef(entries.length + 1);
  const attrs = useMemo(() => {
    const chosen = roles.protected.find((p) => p.column === props.attribute);
    return chosen ? [chosen] : roles.protected.slice(0, 1);
  }, [roles, props.attribute]);
  const [proxy, setProxy] = useState<string | undefined>(undefined);

  // keep the scenario list in the session (survives a reload of the tab)
  useEffect(() => {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(entries.map((e) => e.scenario)));
  }, [entries]);

  useEffect(() => {
    if (!attrs[0]) return;
    session
      .onJobs(undefined, (api) => api.proxies(dataset.id, roles, attrs[0], model.manifest.features.map((f) => f.column)))
      .then((p) => setProxy(p.report.columns.find((c) => c.likelyProxy)?.name))
      .catch(() => setProxy(undefined));
  }, [session, dataset.id, roles, attrs, model.manifest.features]);

  // Settings that change every scenario's numbers invalidate all results.
  const settingsKey = JSON.stringify({ baseline, epochs, seed, attrs, roles, model: model.id });
  const lastSettings = useRef(settingsKey);
  useEffect(() => {
    if (lastSettings.current === settingsKey) return;
    lastSettings.current = settingsKey;
    setEntries((es) => es.map((e) => ({ ...e, version: e.version + 1, status: 'queued', message: undefined })));
  }, [settingsKey]);

  // Run every queued scenario (the pool runs them side by side); stale results are dropped.
  useEffect(() => {
    for (const e of entries) {
      if (e.status !== 'queued') continue;
      const { id, version, scenario } = e;
      setEntries((es) => es.map((x) => (x.id === id && x.version === version ? { ...x, status: 'running', message: 'waiting for a worker' } : x)));
      const base = baseline === 'imported' ? ({ kind: 'imported' } as const) : ({ kind: 'trained', trainKind: baseline, epochs } as const);
      session
        .onPool(undefined, (api) =>
          api.runScenario(dataset.id, model.id, roles, attrs, base, scenario, seed, 200, Comlink.proxy((p: { message: string }) =>
            setEntries((es) => es.map((x) => (x.id === id && x.version === version ? { ...x, message: p.message } : x))),
          )),
        )
        .then((result) =>
          setEntries((es) => es.map((x) => (x.id === id && x.version === version ? { ...x, status: 'done', result, resultVersion: version, message: undefined } : x))),
        )
        .catch((err: unknown) => {
          const w = asWorkbenchError(err);
          setEntries((es) => es.map((x) => (x.id === id && x.version === version ? { ...x, status: 'failed', message: `${w.message}${'hint' in w && w.hint ? ` ${w.hint}` : ''}` } : x)));
        });
    }
  }, [entries, session, dataset.id, model.id, roles, attrs, baseline, epochs, seed]);

  function add(scenarios: Scenario[]) {
    setEntries((es) => {
      const taken = new Set(es.map((e) => e.scenario.name));
      const fresh = scenarios.filter((s) => !taken.has(s.name)).map((scenario) => ({ id: nextId.current++, scenario, version: 1, status: 'queued' as const }));
      return [...es, ...fresh];
    });
  }

  function remove(id: number) {
    setEntries((es) => es.filter((e) => e.id !== id));
  }

  function sweepLambda(constraint: 'demographic-parity' | 'equal-opportunity') {
    const name = `${constraint} λ sweep`;
    add([0.5, 2, 8, 32].map((lambda) => ({ name: `${constraint} λ=${lambda}`, interventions: [{ kind: 'constraint', constraint, lambda }] })));
    setEntries((es) => es.map((e) => (e.scenario.name.startsWith(`${constraint} λ=`) ? { ...e, sweep: name } : e)));
  }

  async function exportScenario(e: Entry) {
    const r = e.result;
    if (!r) return;
    const files = [...(r.artifacts.files ?? []), { name: 'model.manifest.json', data: new TextEncoder().encode(JSON.stringify(r.artifacts.manifest, null, 2)) }];
    downloadFiles(files);
  }

  // custom scenario builder
  const [draftName, setDraftName] = useState('');
  const [draft, setDraft] = useState<Intervention[]>([]);
  const [dropCols, setDropCols] = useState<string[]>([]);
  const [thresholdKind, setThresholdKind] = useState<'demographic-parity' | 'equal-opportunity' | 'equalized-odds'>('equal-opportunity');
  const [topK, setTopK] = useState(0);
  const [constraintKind, setConstraintKind] = useState<'demographic-parity' | 'equal-opportunity' | 'equalized-odds' | 'error-rate-parity'>('demographic-parity');
  const [bound, setBound] = useState(0.02);
  const features = model.manifest.features.map((f) => f.column);
  const suggested = proxy ? [proxy, ...features.filter((f) => f !== proxy)] : features;

  const done = entries.filter((e) => e.result && e.resultVersion === e.version);
  const baselineEntry = done.find((e) => e.scenario.interventions.length === 0);
  const points = useMemo(() => {
    const raw = done.map((e) => ({
      name: e.scenario.name,
      accuracy: e.result!.metrics.accuracy.value ?? NaN,
      disparity: e.result!.metrics[parity].value ?? NaN,
      interval: e.result!.metrics[parity].interval && e.result!.metrics[parity].interval!.lower !== null ? ([e.result!.metrics[parity].interval!.lower!, e.result!.metrics[parity].interval!.upper!] as [number, number]) : undefined,
      sweep: e.sweep,
    }));
    return withFrontier(raw);
  }, [done, parity]);
  const spec = useMemo(() => (points.length ? paretoSpec(points, PARITY_LABELS[parity], { baseline: baselineEntry?.scenario.name }) : null), [points, parity, baselineEntry]);
  const levels = done[0]?.result?.group.levels ?? [];
  const base = baselineEntry?.result?.metrics;

  return (
    <>
      <h2>Mitigate &amp; compare</h2>
      <p className="hint">
        Each scenario is the baseline plus interventions, retrained here in a worker and evaluated on the same held-out leads (never on its own training rows).
        Scenarios appear on the chart as they finish.
      </p>
      <div className="controls">
        <label>
          baseline{' '}
          <select value={baseline} onChange={(e) => setBaseline(e.target.value as typeof baseline)} data-testid="baseline-select">
            <option value="imported">the loaded model, as it is (no retraining)</option>
            <option value="mlp">retrain the small MLP (same columns)</option>
            <option value="logistic">retrain a logistic regression (same columns)</option>
          </select>
        </label>
        {baseline !== 'imported' && (
          <label>
            epochs <input type="number" min={1} max={100} value={epochs} onChange={(e) => setEpochs(Math.max(1, Number(e.target.value) | 0))} />
          </label>
        )}
        <label>
          seed <input type="number" value={seed} onChange={(e) => setSeed(Number(e.target.value) | 0)} />
        </label>
        <label>
          groups: <strong>{attrs.map((a) => a.column).join(' × ')}</strong>
        </label>
        <label>
          parity measure{' '}
          <select value={parity} onChange={(e) => setParity(e.target.value as Parity)}>
            {Object.entries(PARITY_LABELS).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="controls">
        <button className="primary" onClick={() => add(standardScenarios(roles.protected.find((p) => p.column.toLowerCase().includes('age'))?.column, proxy))} data-testid="add-standard">
          Add the six standard scenarios
        </button>
        <button onClick={() => sweepLambda('demographic-parity')}>Sweep λ (demographic parity)</button>
        <button onClick={() => setEntries([])}>Clear</button>
      </div>
      <details className="options">
        <summary>Build a scenario</summary>
        <label>
          name <input value={draftName} onChange={(e) => setDraftName(e.target.value)} placeholder="my scenario" />
        </label>
        <div className="controls">
          <label>
            columns{' '}
            <select multiple value={dropCols} onChange={(e) => setDropCols([...e.target.selectedOptions].map((o) => o.value))} size={4}>
              {suggested.map((f) => (
                <option key={f} value={f}>
                  {f}
                  {f === proxy ? ' (likely proxy)' : ''}
                </option>
              ))}
            </select>
          </label>
          <button disabled={!dropCols.length} onClick={() => setDraft([...draft, { kind: 'drop-features', columns: dropCols }])}>
            + drop &amp; retrain
          </button>
          <button disabled={!dropCols.length} onClick={() => setDraft([...draft, { kind: 'neutralise', columns: dropCols }])} title="Replace the columns with background values. This is not retraining.">
            + neutralise
          </button>
          <button onClick={() => setDraft([...draft, { kind: 'reweigh' }])}>+ reweigh</button>
          <button onClick={() => setDraft([...draft, { kind: 'resample', method: 'oversample' }])}>+ oversample</button>
          <button onClick={() => setDraft([...draft, { kind: 'resample', method: 'undersample' }])}>+ undersample</button>
        </div>
        <div className="controls">
          <select value={thresholdKind} onChange={(e) => setThresholdKind(e.target.value as typeof thresholdKind)}>
            <option value="demographic-parity">demographic parity</option>
            <option value="equal-opportunity">equal opportunity</option>
            <option value="equalized-odds">equalized odds</option>
          </select>
          <label>
            call list k (0 = none) <input type="number" min={0} value={topK} onChange={(e) => setTopK(Math.max(0, Number(e.target.value) | 0))} />
          </label>
          <button onClick={() => setDraft([...draft, { kind: 'group-thresholds', constraint: thresholdKind, ...(topK > 0 ? { topK } : {}) }])} title="Post-processing: uses the protected attribute at decision time.">
            + group thresholds
          </button>
        </div>
        <div className="controls">
          <select value={constraintKind} onChange={(e) => setConstraintKind(e.target.value as typeof constraintKind)}>
            <option value="demographic-parity">demographic parity</option>
            <option value="equal-opportunity">equal opportunity</option>
            <option value="equalized-odds">equalized odds</option>
            <option value="error-rate-parity">error-rate parity</option>
          </select>
          <label>
            bound <input type="number" min={0} max={1} step={0.01} value={bound} onChange={(e) => setBound(Number(e.target.value))} />
          </label>
          <button onClick={() => setDraft([...draft, { kind: 'constraint', constraint: constraintKind, bound }])}>+ constraint in training</button>
        </div>
        <p>{draft.length ? draft.map(describe).join(' → ') : 'No interventions yet (that is the baseline).'}</p>
        <button
          className="primary"
          onClick={() => {
            add([{ name: draftName || `scenario ${nextId.current}`, interventions: draft }]);
            setDraft([]);
            setDraftName('');
          }}
        >
          Add scenario
        </button>
      </details>
      {spec && <PlotlyChart spec={spec} testId="pareto" />}
      {entries.length > 0 && (
        <table className="scenarios" data-testid="scenario-table">
          <thead>
            <tr>
              <th>scenario</th>
              <th>status</th>
              <th title="accuracy on the held-out leads">accuracy</th>
              <th>balanced acc.</th>
              <th>ROC AUC</th>
              {levels.map((l) => (
                <th key={l} title={`selection rate of ${l}`}>
                  sel. {l}
                </th>
              ))}
              <th>DP diff.</th>
              <th>EO diff.</th>
              <th>EOdds diff.</th>
              <th>time</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => {
              const m = e.result && e.resultVersion === e.version ? e.result.metrics : null;
              const isBase = e.scenario.interventions.length === 0;
              const cell = (v: { value: number | null; interval?: { lower: number | null; upper: number | null } } | undefined, baseV: number | null | undefined) => (
                <td className="num">
                  {fmt(v?.value)}
                  {!isBase && baseV !== undefined && v && v.value !== null && baseV !== null && <span className="ci">{signed(v.value - baseV)}</span>}
                  {v?.interval && v.interval.lower !== null && (
                    <span className="ci">
                      [{fmt(v.interval.lower)}, {fmt(v.interval.upper)}]
                    </span>
                  )}
                </td>
              );
              return (
                <tr key={e.id} data-status={e.status}>
                  <td title={e.scenario.interventions.map(describe).join(' → ') || 'no intervention'}>
                    <strong>{e.scenario.name}</strong>
                    <span className="sub">{e.scenario.interventions.map(describe).join(' → ') || 'baseline'}</span>
                    {e.result?.notes.map((n) => (
                      <span key={n} className="sub note">
                        {n}
                      </span>
                    ))}
                  </td>
                  <td>{e.status === 'failed' ? <span className="warning">{e.message}</span> : e.status === 'running' ? `running… ${e.message ?? ''}` : e.status}</td>
                  {cell(m?.accuracy, base?.accuracy.value)}
                  {cell(m?.balancedAccuracy, base?.balancedAccuracy.value)}
                  {cell(m?.rocAuc, base?.rocAuc.value)}
                  {levels.map((l) => {
                    const g = m?.selectionRate.find((x) => x.level === l);
                    return (
                      <td key={l} className="num">
                        {g ? fmt(g.value) : ''}
                      </td>
                    );
                  })}
                  {cell(m?.demographicParityDifference, base?.demographicParityDifference.value)}
                  {cell(m?.equalOpportunityDifference, base?.equalOpportunityDifference.value)}
                  {cell(m?.equalizedOddsDifference, base?.equalizedOddsDifference.value)}
                  <td className="num">{e.result ? `${(e.result.timings.totalMs / 1000).toFixed(1)} s` : ''}</td>
                  <td>
                    <button disabled={!m} onClick={() => void exportScenario(e)} title="Download model.json, weights and manifest (with group thresholds)">
                      Export
                    </button>
                    <button onClick={() => remove(e.id)} aria-label={`remove ${e.scenario.name}`}>
                      ×
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {done[0] && (
        <p className="footnote">
          Held-out split: {done[0].result!.split.test.toLocaleString('en-US')} leads (seed {done[0].result!.split.seed}), stratified by outcome × group; training on{' '}
          {done[0].result!.split.train.toLocaleString('en-US')}. Intervals: 200 bootstrap resamples of the held-out leads.
        </p>
      )}
    </>
  );
}
